-- The practice's text of each email it sends: each save a new version,
-- the newest of a kind the one sent; a version with is_default returns
-- the kind to Journey's own text. Not PHI: the practice's own words.
CREATE TABLE email_templates (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, version)
);
