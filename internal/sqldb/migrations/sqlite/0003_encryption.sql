-- Encryption at rest. Every PHI column (names, contact details, free text,
-- clinical fields, the outbox's mail) holds AES-256-GCM ciphertext made by
-- internal/crypt, base64 in TEXT, sealed under a data key from data_keys
-- with the column's "table.column" as associated data. The *_key columns
-- (users.email_key, consults.email_key, invitations.email_key) hold the
-- blind index of the normalised address, no longer the address itself.
-- Not PHI, kept plain: time zones, contact methods, statuses, times, and
-- staff's public profile (credentials, pronouns, bio).

-- Data keys, each wrapped by a master key that lives in a key file outside
-- the database. Ids are chosen by the application, starting at 1; data key
-- 1 also derives every blind index and so must never be replaced.
CREATE TABLE data_keys (
    id            INTEGER PRIMARY KEY CHECK (id > 0),
    wrapped       TEXT NOT NULL, -- base64 of crypt's wrapped key
    master_key_id TEXT NOT NULL, -- the master key it is wrapped under (also inside wrapped)
    created_at    INTEGER NOT NULL
);

-- Blind indexes of the words of people's names, and of their prefixes, so
-- staff can find someone by name without the names being stored readable.
-- No foreign key: owner_type says which table owner_id is in.
CREATE TABLE name_index (
    owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'consult')),
    owner_id   INTEGER NOT NULL,
    token      TEXT NOT NULL,
    PRIMARY KEY (owner_type, owner_id, token)
);
CREATE INDEX name_index_token ON name_index (owner_type, token);

-- Invitations are not written yet. Whatever writes them must seal email and
-- name (aad "invitations.email", "invitations.name") and store the blind
-- index in email_key, as users do; the CHECK refuses a plain address. The
-- table is empty, so SQLite's way of adding a CHECK, a rebuild, is free.
DROP TABLE invitations;
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL CHECK (email NOT LIKE '%@%'), -- ciphertext, never the address
    email_key   TEXT NOT NULL,
    name        TEXT NOT NULL, -- ciphertext
    roles       TEXT NOT NULL, -- comma-separated
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0
);
