CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The front door: the practice, its staff's consult calendars, the FAQ,
-- booked consults and the mail outbox. Times are Unix seconds (UTC).

CREATE TABLE practice (
    id             SMALLINT PRIMARY KEY CHECK (id = 1),
    name           TEXT NOT NULL,
    tagline        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    time_zone      TEXT NOT NULL,
    privacy_notice TEXT NOT NULL DEFAULT ''
);

-- Everyone who signs in: staff now, clients later. A staff member's id is
-- their user id (the consult API's therapist_id).
CREATE TABLE users (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'client')),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    email_key   TEXT NOT NULL UNIQUE, -- the address as compared: lower-cased
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE staff (
    id          BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    credentials TEXT NOT NULL DEFAULT '',
    pronouns    TEXT NOT NULL DEFAULT '',
    bio         TEXT NOT NULL DEFAULT ''
);

-- One consult calendar per therapist who offers free consults.
CREATE TABLE consult_calendars (
    staff_id        BIGINT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    time_zone       TEXT NOT NULL,
    consult_minutes INTEGER NOT NULL DEFAULT 30 CHECK (consult_minutes BETWEEN 10 AND 240),
    buffer_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 120),
    notice_minutes  INTEGER NOT NULL DEFAULT 1440 CHECK (notice_minutes >= 0),
    horizon_days    INTEGER NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 365)
);

CREATE TABLE weekly_hours (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES consult_calendars (staff_id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX weekly_hours_staff ON weekly_hours (staff_id);

CREATE TABLE schedule_exceptions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES consult_calendars (staff_id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'extra')),
    start_minute INTEGER NOT NULL DEFAULT 0,
    end_minute   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX schedule_exceptions_staff ON schedule_exceptions (staff_id, day);

CREATE TABLE faq_entries (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position  INTEGER NOT NULL,
    question  TEXT NOT NULL,
    answer    TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX faq_entries_position ON faq_entries (position);

CREATE TABLE consults (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    therapist_id       BIGINT NOT NULL REFERENCES staff (id),
    start_at           BIGINT NOT NULL,
    end_at             BIGINT NOT NULL,
    block_end          BIGINT NOT NULL, -- end_at plus the therapist's buffer
    status             TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'held', 'no_show')),
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    email_key          TEXT NOT NULL,
    phone              TEXT NOT NULL DEFAULT '',
    contact_method     TEXT NOT NULL,
    time_zone          TEXT NOT NULL,
    reason             TEXT NOT NULL DEFAULT '',
    privacy_consent_at BIGINT NOT NULL,
    manage_token_hash  TEXT NOT NULL UNIQUE,
    sequence           INTEGER NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    CHECK (end_at > start_at AND block_end >= end_at AND block_end - start_at <= 86400)
);
CREATE INDEX consults_booked ON consults (therapist_id, start_at) WHERE status = 'booked';
CREATE INDEX consults_start ON consults (start_at);
CREATE INDEX consults_email_key ON consults (email_key, start_at);

-- No therapist is ever booked twice at once: an exclusion constraint over
-- [start_at, block_end) per therapist, enforced by PostgreSQL whatever the
-- number of processes or their concurrency.
ALTER TABLE consults ADD CONSTRAINT consults_no_overlap
    EXCLUDE USING gist (therapist_id WITH =, int8range(start_at, block_end) WITH &&)
    WHERE (status = 'booked');

-- Change counters that let every process tell when its cached pages are
-- stale: 'calendar' moves with bookings and schedules (open slots),
-- 'content' with the practice, its FAQ and its therapists' profiles.
CREATE TABLE versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO versions (name, version) VALUES ('calendar', 1), ('content', 1);

-- Secrets the application generates once and every process shares (the
-- booking form's signing key).
CREATE TABLE app_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE outbox (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consult_id BIGINT REFERENCES consults (id),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL DEFAULT '',
    ics        TEXT NOT NULL DEFAULT '',
    ics_method TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'held', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_status ON outbox (status, created_at);
