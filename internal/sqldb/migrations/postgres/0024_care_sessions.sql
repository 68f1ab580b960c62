-- Care sessions: the practice's session types, its locations and rooms
-- with their hours, each member of staff's clinical hours, the sessions
-- and every person and room each one holds. Times are Unix seconds (UTC);
-- hours are minutes of the day in the zone of the room's location or of
-- the member of staff (staff.time_zone). The cancel reason is PHI, sealed;
-- everything else is plain: ids, codes, statuses and times.

-- The practice's settings per session type; the codes and what each needs
-- are Journey's (journey.DefaultSessionTypes, which these rows copy).
CREATE TABLE session_types (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    minutes        BIGINT NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    buffer_minutes BIGINT NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    needs          TEXT NOT NULL, -- comma-separated roles, in order
    room_in_person BOOLEAN NOT NULL DEFAULT FALSE,
    capacity       BIGINT NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 50),
    lead_hours     BIGINT NOT NULL DEFAULT 24 CHECK (lead_hours BETWEEN 0 AND 720),
    client_books   BOOLEAN NOT NULL DEFAULT FALSE,
    position       BIGINT NOT NULL
);
INSERT INTO session_types (code, name, minutes, buffer_minutes, needs, room_in_person, capacity, lead_hours, client_books, position) VALUES
    ('preparation', 'Preparation', 60, 0, 'therapist', FALSE, 1, 24, TRUE, 1),
    ('medicine', 'Medicine session', 180, 30, 'therapist,medical_provider,chaperone,room', TRUE, 1, 72, FALSE, 2),
    ('integration', 'Integration', 60, 0, 'therapist', FALSE, 1, 24, TRUE, 3),
    ('prescriber-follow-up', 'Prescriber follow-up', 30, 0, 'medical_provider', FALSE, 1, 24, FALSE, 4),
    ('integration-group', 'Integration group', 90, 0, 'therapist,room', FALSE, 8, 24, FALSE, 5);

-- How long before a session its cancellation counts as late (billing).
ALTER TABLE practice ADD COLUMN session_cancel_hours BIGINT NOT NULL DEFAULT 48
    CHECK (session_cancel_hours BETWEEN 0 AND 336);

CREATE TABLE locations (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    active    BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE rooms (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations (id),
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (location_id, name)
);

-- A room's weekly hours and dated exceptions, in its location's zone.
CREATE TABLE room_hours (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id      BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    weekday      BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   BIGINT NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX room_hours_room ON room_hours (room_id);

CREATE TABLE room_exceptions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id      BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'extra')),
    start_minute BIGINT NOT NULL DEFAULT 0,
    end_minute   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX room_exceptions_room ON room_exceptions (room_id, day);

-- A member of staff's clinical hours, in their one zone; apart from a
-- therapist's free-consult hours (weekly_hours), which the site offers.
CREATE TABLE clinical_hours (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    weekday      BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   BIGINT NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX clinical_hours_staff ON clinical_hours (staff_id);

CREATE TABLE clinical_exceptions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'extra')),
    start_minute BIGINT NOT NULL DEFAULT 0,
    end_minute   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX clinical_exceptions_staff ON clinical_exceptions (staff_id, day);

-- One session of care. A group's clients are its attendees (client_id is
-- NULL); every session's clients are also rows of session_resources.
CREATE TABLE care_sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id     BIGINT REFERENCES clients (id),
    type          TEXT NOT NULL REFERENCES session_types (code),
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL,
    block_end     BIGINT NOT NULL, -- end_at plus the type's buffer
    status        TEXT NOT NULL DEFAULT 'booked'
                  CHECK (status IN ('booked', 'checked_in', 'in_progress', 'completed', 'no_show', 'cancelled')),
    mode          TEXT NOT NULL CHECK (mode IN ('in_person', 'remote')),
    route         TEXT NOT NULL DEFAULT '' CHECK (route IN ('', 'lozenge', 'im')),
    late_cancel   BOOLEAN NOT NULL DEFAULT FALSE,
    cancel_reason TEXT NOT NULL DEFAULT '', -- sealed
    cancelled_at  BIGINT NOT NULL DEFAULT 0,
    sequence      BIGINT NOT NULL DEFAULT 0,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CHECK (end_at > start_at AND block_end >= end_at AND block_end - start_at <= 86400)
);
CREATE INDEX care_sessions_start ON care_sessions (start_at);
CREATE INDEX care_sessions_client ON care_sessions (client_id, start_at);

-- A group's clients, each booked or cancelled; the type's capacity is
-- checked in the transaction that adds one.
CREATE TABLE session_attendees (
    session_id BIGINT NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  BIGINT NOT NULL REFERENCES clients (id),
    status     TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX session_attendees_client ON session_attendees (client_id);

-- Every person and room a session holds, each over [start_at, block_end):
-- staff and rooms to the end of the buffer, a client to the session's end.
-- active is cleared when the session is cancelled or missed.
CREATE TABLE session_resources (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  BIGINT NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('therapist', 'medical_provider', 'chaperone', 'room', 'client')),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'client')),
    resource_id BIGINT NOT NULL,
    start_at    BIGINT NOT NULL,
    block_end   BIGINT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK (block_end > start_at AND block_end - start_at <= 86400),
    CHECK ((kind = 'room') = (role = 'room') AND (kind = 'client') = (role = 'client')),
    UNIQUE (session_id, role, resource_id)
);
CREATE INDEX session_resources_busy ON session_resources (kind, resource_id, start_at) WHERE active;
CREATE INDEX session_resources_session ON session_resources (session_id);

-- No person or room is ever held twice at once: an exclusion constraint
-- over [start_at, block_end) per resource, enforced by PostgreSQL whatever
-- the number of processes, their concurrency or the code path that writes.
ALTER TABLE session_resources ADD CONSTRAINT session_resources_no_overlap
    EXCLUDE USING gist (kind WITH =, resource_id WITH =, int8range(start_at, block_end) WITH &&)
    WHERE (active);
