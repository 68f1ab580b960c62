-- The practice's text of each email it sends: each save a new version,
-- the newest of a kind the one sent; a version with is_default returns
-- the kind to Journey's own text. Not PHI: the practice's own words.
CREATE TABLE email_templates (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, version)
);
