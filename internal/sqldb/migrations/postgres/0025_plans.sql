-- The treatment plan and what the gates before a medicine session read:
-- the practice's care settings (its default plan, its rules and the
-- telehealth link template), each client's plan with every change (who,
-- when, why), gate overrides by a medical provider, a remote client's
-- monitor and their check-ins at the start of a remote session. Times are
-- Unix seconds (UTC). A plan, a change's reason and settings, an
-- override's reason, a monitor and a check-in are PHI, sealed with
-- "table.column" as associated data; ids, gate codes and times are plain.

-- One row. default_plan and rules are JSON (journey.PlanSettings and
-- journey.CareRules), '' for Journey's defaults; not PHI.
CREATE TABLE care_settings (
    id                  SMALLINT PRIMARY KEY CHECK (id = 1),
    default_plan        TEXT NOT NULL DEFAULT '',
    rules               TEXT NOT NULL DEFAULT '',
    telehealth_template TEXT NOT NULL DEFAULT '',
    updated_by          BIGINT NOT NULL DEFAULT 0,
    updated_at          BIGINT NOT NULL DEFAULT 0
);
INSERT INTO care_settings (id) VALUES (1);

-- A client's plan, made from the practice's default when they are
-- cleared, in the clearance's transaction.
CREATE TABLE treatment_plans (
    client_id  BIGINT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    settings   TEXT NOT NULL, -- sealed
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE plan_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    changed_by BIGINT NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL, -- sealed
    settings   TEXT NOT NULL, -- sealed: the plan as it became
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_changes_client ON plan_changes (client_id, id);

-- A medical provider's override of an overridable gate, for one session
-- or (session_id NULL) the client's medicine sessions for a while.
CREATE TABLE gate_overrides (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id     BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id    BIGINT REFERENCES care_sessions (id) ON DELETE CASCADE,
    code          TEXT NOT NULL CHECK (code IN ('clearance', 'recheck')),
    overridden_by BIGINT NOT NULL REFERENCES users (id),
    reason        TEXT NOT NULL, -- sealed
    created_at    BIGINT NOT NULL
);
CREATE INDEX gate_overrides_client ON gate_overrides (client_id, created_at);

CREATE TABLE remote_monitors (
    client_id  BIGINT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    monitor    TEXT NOT NULL, -- sealed: name, phone, relationship, confirmed adult
    updated_at BIGINT NOT NULL
);

-- A client's check-in at the start of a remote session; the latest counts,
-- and none follows one that stopped the dose.
CREATE TABLE session_checkins (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    checkin    TEXT NOT NULL, -- sealed: address, callback, emergency contact confirmed, reading, result
    created_at BIGINT NOT NULL
);
CREATE INDEX session_checkins_session ON session_checkins (session_id, id);
