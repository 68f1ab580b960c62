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
-- The key starts with (owner_type, token), which a search looks up; the
-- second index finds an owner's rows. No foreign key, as owner_type says
-- which table owner_id is in: triggers remove the rows of a deleted owner.
CREATE TABLE name_index (
    owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'consult')),
    owner_id   INTEGER NOT NULL,
    token      TEXT NOT NULL,
    PRIMARY KEY (owner_type, token, owner_id)
) WITHOUT ROWID;
CREATE INDEX name_index_owner ON name_index (owner_type, owner_id);

CREATE TRIGGER users_name_index_delete AFTER DELETE ON users
BEGIN
    DELETE FROM name_index WHERE owner_type = 'user' AND owner_id = OLD.id;
END;

CREATE TRIGGER consults_name_index_delete AFTER DELETE ON consults
BEGIN
    DELETE FROM name_index WHERE owner_type = 'consult' AND owner_id = OLD.id;
END;

-- Invitations hold PHI as users do: email and name sealed (aad
-- "invitations.email", "invitations.name"), the blind index in email_key.
-- The CHECK refuses a plain address from any code path. The
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
