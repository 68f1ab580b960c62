-- Versions of the practice's settings (journey/settings.go): every save of
-- the details, the landing text or the FAQ keeps what was saved, by whom
-- and when, as JSON; restoring one saves it again as the newest. Consent
-- documents and screening rules keep versions in their own tables.
CREATE TABLE settings_versions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('practice', 'landing', 'faq')),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0, -- 0: Journey itself
    created_at BIGINT NOT NULL,
    UNIQUE (kind, version)
);
