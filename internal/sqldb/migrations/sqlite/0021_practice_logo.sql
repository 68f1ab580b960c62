-- The practice's logo (journey/logo.go): one PNG or JPEG, checked by
-- decoding before it is stored, served at an address named by its SHA-256.
-- Not PHI.
CREATE TABLE practice_logo (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data         BLOB NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    updated_by   INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);
