-- Reminders about care sessions: a row per (session, client, kind,
-- sequence, channel), made when it falls due, so each is sent once
-- whatever process makes or sends it; a moved session has a new sequence
-- and so its own. last_error is sealed: a provider's answer may quote the
-- number.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    kind        TEXT NOT NULL CHECK (kind IN ('early', 'day', 'morning_after')),
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    sequence    INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    message_id  INTEGER REFERENCES outbox (id),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error_class TEXT NOT NULL DEFAULT '',
    last_error  TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    sent_at     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (session_id, client_id, kind, sequence, channel)
);
CREATE INDEX reminders_status ON reminders (status, due_at);
CREATE INDEX reminders_message ON reminders (message_id);

-- A client's answers to whether they may be texted, newest last; the
-- number is sealed.
CREATE TABLE text_consents (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    agreed      INTEGER NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX text_consents_client ON text_consents (client_id, id);

-- The practice's rules for reminders (one row): hours before, fasting
-- before a medicine session, the morning-after hour.
CREATE TABLE reminder_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    early_hours         INTEGER NOT NULL,
    day_hours           INTEGER NOT NULL,
    fast_food_hours     INTEGER NOT NULL,
    fast_liquid_minutes INTEGER NOT NULL,
    morning_hour        INTEGER NOT NULL,
    updated_by          INTEGER NOT NULL DEFAULT 0,
    updated_at          INTEGER NOT NULL DEFAULT 0
);

-- Private calendar feeds: the URL's token is the credential, stored as its
-- hash only.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER NOT NULL DEFAULT 0,
    last_read_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);
