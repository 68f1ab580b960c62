-- The medicine session's record (issue 12): the practice's monitoring
-- rules, each client's measured weights, the prescriber's orders, the
-- pre-dose checklist, timed observations with their flags, the medical
-- provider's review of a hold, discharge and the addenda after it (the
-- doses are the controlled-substance log's administrations, 0028).
-- Times are Unix seconds (UTC). Every clinical value is PHI, sealed as
-- JSON with "table.column" as associated data; ids, phases and times are
-- plain. Rows are only ever added: an order, a checklist or
-- a reading is replaced by a newer one, never changed, and nothing is
-- added but an addendum once the session's discharge row exists (checked
-- in the transaction that locks the session).

-- journey.MonitoringRules as JSON, '' for Journey's defaults; not PHI.
ALTER TABLE care_settings ADD COLUMN monitoring TEXT NOT NULL DEFAULT '';

CREATE TABLE client_weights (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    weight      TEXT NOT NULL, -- sealed: kg
    measured_by INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX client_weights_client ON client_weights (client_id, id);

-- The latest order of a session is the one in force.
CREATE TABLE medicine_orders (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    medicine   TEXT NOT NULL, -- sealed: route, formulation, dose, weight, booster, total, titration, override, warnings
    ordered_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX medicine_orders_session ON medicine_orders (session_id, id);

-- The latest checklist of a session is the one that counts.
CREATE TABLE session_checklists (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    checklist   TEXT NOT NULL, -- sealed
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX session_checklists_session ON session_checklists (session_id, id);

CREATE TABLE session_observations (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    phase       TEXT NOT NULL CHECK (phase IN ('pre-dose', 'peak', 'interval', 'pre-discharge', 'visual')),
    taken_at    INTEGER NOT NULL,
    observation TEXT NOT NULL, -- sealed: the values and their flags
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX session_observations_session ON session_observations (session_id, taken_at);

-- A medical provider's review resolves the flags of every reading up to
-- observation_id.
CREATE TABLE session_reviews (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    observation_id INTEGER NOT NULL REFERENCES session_observations (id),
    note           TEXT NOT NULL, -- sealed
    reviewed_by    INTEGER NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX session_reviews_session ON session_reviews (session_id, id);

-- One discharge per session, ever.
CREATE TABLE session_discharges (
    session_id    INTEGER PRIMARY KEY REFERENCES care_sessions (id) ON DELETE CASCADE,
    discharge     TEXT NOT NULL, -- sealed: the checklist and an override's reason
    discharged_by INTEGER NOT NULL REFERENCES users (id),
    discharged_at INTEGER NOT NULL
);

CREATE TABLE session_addenda (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    addendum   TEXT NOT NULL, -- sealed
    added_by   INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX session_addenda_session ON session_addenda (session_id, id);
