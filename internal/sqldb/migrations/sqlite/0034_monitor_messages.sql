-- The instructions sent to a remote session's monitor: a row per
-- (session, sequence, channel), so each time of a session is told once
-- whichever process sweeps, and a moved session (a new sequence) again.
CREATE TABLE monitor_messages (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    sequence    INTEGER NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    message_id  INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (session_id, sequence, channel)
);
