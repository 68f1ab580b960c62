-- After a medicine session (issue 12): the client's morning-after
-- check-in, one per session, its answers sealed; a safety answer raises a
-- safety alert as PHQ-9 item 9 does, so an alert now comes from a
-- questionnaire response or a check-in (response_id may be NULL). And the
-- client's integration journal: each entry sealed, shared with their
-- therapist only when they choose (shared, plain).
CREATE TABLE morning_checkins (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    answers    TEXT NOT NULL, -- sealed
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX morning_checkins_one ON morning_checkins (session_id, client_id);
CREATE INDEX morning_checkins_client ON morning_checkins (client_id, id);

ALTER TABLE alerts ALTER COLUMN response_id DROP NOT NULL;
ALTER TABLE alerts ADD COLUMN checkin_id BIGINT REFERENCES morning_checkins (id);

CREATE TABLE journal_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    body       TEXT NOT NULL, -- sealed
    shared     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX journal_entries_client ON journal_entries (client_id, id);
