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
    created_at    BIGINT NOT NULL
);

-- Blind indexes of the words of people's names, and of their prefixes, so
-- staff can find someone by name without the names being stored readable.
-- The key starts with (owner_type, token), which a search looks up; the
-- second index finds an owner's rows. No foreign key, as owner_type says
-- which table owner_id is in: triggers remove the rows of a deleted owner.
CREATE TABLE name_index (
    owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'consult')),
    owner_id   BIGINT NOT NULL,
    token      TEXT NOT NULL,
    PRIMARY KEY (owner_type, token, owner_id)
);
CREATE INDEX name_index_owner ON name_index (owner_type, owner_id);

CREATE FUNCTION name_index_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM name_index WHERE owner_type = TG_ARGV[0] AND owner_id = OLD.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_name_index_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION name_index_delete('user');
CREATE TRIGGER consults_name_index_delete AFTER DELETE ON consults
    FOR EACH ROW EXECUTE FUNCTION name_index_delete('consult');

-- Invitations hold PHI as users do: email and name sealed (aad
-- "invitations.email", "invitations.name"), the blind index in email_key.
-- The CHECK refuses a plain address from any code path.
ALTER TABLE invitations ADD CONSTRAINT invitations_email_sealed CHECK (email NOT LIKE '%@%');
COMMENT ON COLUMN invitations.email IS 'ciphertext (aad invitations.email), never the address';
COMMENT ON COLUMN invitations.name IS 'ciphertext (aad invitations.name)';
