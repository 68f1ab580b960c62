-- After a medicine session (issue 12): the client's morning-after
-- check-in, one per session, its answers sealed; a safety answer raises a
-- safety alert as PHQ-9 item 9 does, so an alert now comes from a
-- questionnaire response or a check-in (response_id may be NULL: SQLite
-- changes a column's NOT NULL only by rebuilding the table). And the
-- client's integration journal: each entry sealed, shared with their
-- therapist only when they choose (shared, plain).
CREATE TABLE morning_checkins (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    answers    TEXT NOT NULL, -- sealed
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX morning_checkins_one ON morning_checkins (session_id, client_id);
CREATE INDEX morning_checkins_client ON morning_checkins (client_id, id);

CREATE TABLE alerts_new (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    response_id     INTEGER REFERENCES responses (id),
    checkin_id      INTEGER REFERENCES morning_checkins (id),
    created_at      INTEGER NOT NULL,
    acknowledged_by INTEGER NOT NULL DEFAULT 0,
    acknowledged_at INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT ''
);
INSERT INTO alerts_new (id, client_id, response_id, created_at, acknowledged_by, acknowledged_at, note, kind)
    SELECT id, client_id, response_id, created_at, acknowledged_by, acknowledged_at, note, kind FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_open ON alerts (acknowledged_at, client_id);
CREATE INDEX alerts_client ON alerts (client_id, id);

CREATE TABLE journal_entries (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    body       TEXT NOT NULL, -- sealed
    shared     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX journal_entries_client ON journal_entries (client_id, id);
