-- Clients and the path from consult to medical clearance: care teams,
-- portal invitations, intake, questionnaire responses, screening rule sets
-- and evaluations, clearances, consent documents and signatures, safety
-- alerts. Times are Unix seconds (UTC). PHI columns hold AES-256-GCM
-- ciphertext sealed with "table.column" as associated data; kept plain:
-- ids, statuses, questionnaire codes, times, and the review priority (a
-- number 0–3 the review queue sorts on).

CREATE TABLE clients (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT UNIQUE REFERENCES users (id),    -- set when the client accepts the invitation
    consult_id     BIGINT UNIQUE REFERENCES consults (id), -- the consult they came from, if any
    name           TEXT NOT NULL,
    email          TEXT NOT NULL CHECK (email NOT LIKE '%@%'),
    email_key      TEXT NOT NULL UNIQUE,
    phone          TEXT NOT NULL,
    screening      TEXT NOT NULL DEFAULT 'incomplete'
                   CHECK (screening IN ('incomplete', 'awaiting_review', 'cleared', 'declined', 'needs_info')),
    priority       BIGINT NOT NULL DEFAULT 3,
    intake_done_at BIGINT NOT NULL DEFAULT 0,
    cleared_until  BIGINT NOT NULL DEFAULT 0,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    invited_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX clients_queue ON clients (screening, priority, intake_done_at, id);

CREATE TABLE care_team (
    client_id BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL CHECK (role IN ('therapist', 'medical_provider', 'chaperone')),
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (client_id, user_id)
);
CREATE INDEX care_team_user ON care_team (user_id, client_id);

CREATE TABLE client_invitations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX client_invitations_client ON client_invitations (client_id);

-- The intake as one sealed JSON document, with the steps saved kept plain
-- so progress can be shown without opening it.
CREATE TABLE intakes (
    client_id  BIGINT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    data       TEXT NOT NULL,
    steps      TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

CREATE TABLE responses (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    questionnaire   TEXT NOT NULL,
    version         BIGINT NOT NULL,
    answers         TEXT NOT NULL, -- sealed JSON array
    result          TEXT NOT NULL, -- sealed JSON score, band, flags, clusters
    administered_by BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX responses_client ON responses (client_id, questionnaire, id);

-- Screening rules as data: each admin change is a new version; the
-- defaults are version 1.
CREATE TABLE screening_rule_sets (
    version    BIGINT PRIMARY KEY,
    rules      TEXT NOT NULL, -- JSON list of rules
    note       TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Every evaluation, with the rule-set version it used; the latest per
-- client is its current screening.
CREATE TABLE screenings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id        BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    rule_set_version BIGINT NOT NULL REFERENCES screening_rule_sets (version),
    findings         TEXT NOT NULL, -- sealed JSON
    missing          TEXT NOT NULL, -- JSON list of what is still to do (not PHI)
    created_at       BIGINT NOT NULL
);
CREATE INDEX screenings_client ON screenings (client_id, id);

CREATE TABLE clearances (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id        BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    decision         TEXT NOT NULL CHECK (decision IN ('cleared', 'declined', 'needs_info')),
    provider_id      BIGINT NOT NULL REFERENCES users (id),
    cleared_until    BIGINT NOT NULL DEFAULT 0,
    reason           TEXT NOT NULL,
    message          TEXT NOT NULL,
    override         BOOLEAN NOT NULL DEFAULT FALSE,
    override_reason  TEXT NOT NULL,
    rule_set_version BIGINT NOT NULL,
    findings         TEXT NOT NULL,
    reply            TEXT NOT NULL,
    replied_at       BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);
CREATE INDEX clearances_client ON clearances (client_id, id);

CREATE TABLE consent_documents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    required   BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE consent_signatures (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id   BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES consent_documents (id),
    typed_name  TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    signed_at   BIGINT NOT NULL,
    UNIQUE (client_id, document_id)
);

CREATE TABLE alerts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    flag            TEXT NOT NULL,
    response_id     BIGINT NOT NULL REFERENCES responses (id),
    created_at      BIGINT NOT NULL,
    acknowledged_by BIGINT NOT NULL DEFAULT 0,
    acknowledged_at BIGINT NOT NULL DEFAULT 0,
    note            TEXT NOT NULL
);
CREATE INDEX alerts_open ON alerts (acknowledged_at, client_id);
CREATE INDEX alerts_client ON alerts (client_id, id);

-- Clients are found by name like users and consults: name_index takes a
-- third owner type.
ALTER TABLE name_index DROP CONSTRAINT name_index_owner_type_check;
ALTER TABLE name_index ADD CONSTRAINT name_index_owner_type_check CHECK (owner_type IN ('user', 'consult', 'client'));
CREATE TRIGGER clients_name_index_delete AFTER DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION name_index_delete('client');
