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
    minutes        INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    needs          TEXT NOT NULL, -- comma-separated roles, in order
    room_in_person INTEGER NOT NULL DEFAULT 0,
    capacity       INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 50),
    lead_hours     INTEGER NOT NULL DEFAULT 24 CHECK (lead_hours BETWEEN 0 AND 720),
    client_books   INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL
);
INSERT INTO session_types (code, name, minutes, buffer_minutes, needs, room_in_person, capacity, lead_hours, client_books, position) VALUES
    ('preparation', 'Preparation', 60, 0, 'therapist', 0, 1, 24, 1, 1),
    ('medicine', 'Medicine session', 180, 30, 'therapist,medical_provider,chaperone,room', 1, 1, 72, 0, 2),
    ('integration', 'Integration', 60, 0, 'therapist', 0, 1, 24, 1, 3),
    ('prescriber-follow-up', 'Prescriber follow-up', 30, 0, 'medical_provider', 0, 1, 24, 0, 4),
    ('integration-group', 'Integration group', 90, 0, 'therapist,room', 0, 8, 24, 0, 5);

-- How long before a session its cancellation counts as late (billing).
ALTER TABLE practice ADD COLUMN session_cancel_hours INTEGER NOT NULL DEFAULT 48
    CHECK (session_cancel_hours BETWEEN 0 AND 336);

CREATE TABLE locations (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE rooms (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    name        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (location_id, name)
);

-- A room's weekly hours and dated exceptions, in its location's zone.
CREATE TABLE room_hours (
    id           INTEGER PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX room_hours_room ON room_hours (room_id);

CREATE TABLE room_exceptions (
    id           INTEGER PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'extra')),
    start_minute INTEGER NOT NULL DEFAULT 0,
    end_minute   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX room_exceptions_room ON room_exceptions (room_id, day);

-- A member of staff's clinical hours, in their one zone; apart from a
-- therapist's free-consult hours (weekly_hours), which the site offers.
CREATE TABLE clinical_hours (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX clinical_hours_staff ON clinical_hours (staff_id);

CREATE TABLE clinical_exceptions (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'extra')),
    start_minute INTEGER NOT NULL DEFAULT 0,
    end_minute   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX clinical_exceptions_staff ON clinical_exceptions (staff_id, day);

-- One session of care. A group's clients are its attendees (client_id is
-- NULL); every session's clients are also rows of session_resources.
CREATE TABLE care_sessions (
    id            INTEGER PRIMARY KEY,
    client_id     INTEGER REFERENCES clients (id),
    type          TEXT NOT NULL REFERENCES session_types (code),
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL,
    block_end     INTEGER NOT NULL, -- end_at plus the type's buffer
    status        TEXT NOT NULL DEFAULT 'booked'
                  CHECK (status IN ('booked', 'checked_in', 'in_progress', 'completed', 'no_show', 'cancelled')),
    mode          TEXT NOT NULL CHECK (mode IN ('in_person', 'remote')),
    route         TEXT NOT NULL DEFAULT '' CHECK (route IN ('', 'lozenge', 'im')),
    late_cancel   INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT NOT NULL DEFAULT '', -- sealed
    cancelled_at  INTEGER NOT NULL DEFAULT 0,
    sequence      INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (end_at > start_at AND block_end >= end_at AND block_end - start_at <= 86400)
);
CREATE INDEX care_sessions_start ON care_sessions (start_at);
CREATE INDEX care_sessions_client ON care_sessions (client_id, start_at);

-- A group's clients, each booked or cancelled; the type's capacity is
-- checked in the transaction that adds one.
CREATE TABLE session_attendees (
    session_id INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    status     TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX session_attendees_client ON session_attendees (client_id);

-- Every person and room a session holds, each over [start_at, block_end):
-- staff and rooms to the end of the buffer, a client to the session's end.
-- active is cleared when the session is cancelled or missed.
CREATE TABLE session_resources (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('therapist', 'medical_provider', 'chaperone', 'room', 'client')),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'client')),
    resource_id INTEGER NOT NULL,
    start_at    INTEGER NOT NULL,
    block_end   INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    CHECK (block_end > start_at AND block_end - start_at <= 86400),
    CHECK ((kind = 'room') = (role = 'room') AND (kind = 'client') = (role = 'client')),
    UNIQUE (session_id, role, resource_id)
);
CREATE INDEX session_resources_busy ON session_resources (kind, resource_id, start_at) WHERE active;
CREATE INDEX session_resources_session ON session_resources (session_id);

-- No person or room is ever held twice at once. SQLite has one writer at a
-- time, so this check and the write it guards are atomic: the database,
-- not the application, keeps the rule, whatever code path writes the row.
-- The lower bound on start_at (a block is never longer than a day, see the
-- CHECK above) keeps the lookup an index range.
CREATE TRIGGER session_resources_no_overlap_insert BEFORE INSERT ON session_resources
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM session_resources r
    WHERE r.kind = NEW.kind AND r.resource_id = NEW.resource_id AND r.active
      AND r.start_at > NEW.start_at - 86400 AND r.start_at < NEW.block_end
      AND NEW.start_at < r.block_end)
BEGIN
    SELECT RAISE(ABORT, 'session_overlap');
END;

CREATE TRIGGER session_resources_no_overlap_update BEFORE UPDATE OF kind, resource_id, start_at, block_end, active ON session_resources
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM session_resources r
    WHERE r.id <> NEW.id AND r.kind = NEW.kind AND r.resource_id = NEW.resource_id AND r.active
      AND r.start_at > NEW.start_at - 86400 AND r.start_at < NEW.block_end
      AND NEW.start_at < r.block_end)
BEGIN
    SELECT RAISE(ABORT, 'session_overlap');
END;
