-- The controlled-substance log (ketamine is Schedule III). Stock is kept
-- per lot and numbered container, each container at one location, its
-- balance in thousandths of its lot's unit (mL or a count), so sums are
-- exact and "never below zero" is a plain CHECK. Every movement is one
-- signed row of cs_entries, append-only. Two rules hold whatever code
-- writes: a balance never goes below zero (the CHECKs; the writers also
-- decrement with a guarded UPDATE, so a lost race is a refusal, not an
-- error), and nothing leaves a container of an expired lot (the triggers
-- compare the entry's day, in its location's zone, with the lot's expiry).
-- Times are Unix seconds (UTC); days and expiries are YYYY-MM-DD.

CREATE TABLE cs_lots (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id), -- where it was received
    ndc         TEXT NOT NULL,
    product     TEXT NOT NULL,
    strength    TEXT NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('mL', 'count')),
    mg_per_unit REAL NOT NULL CHECK (mg_per_unit > 0),
    lot         TEXT NOT NULL,
    expiry      TEXT NOT NULL CHECK (length(expiry) = 10),
    supplier    TEXT NOT NULL,
    invoice     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (ndc, lot, location_id, received_at)
);

CREATE TABLE cs_containers (
    id          INTEGER PRIMARY KEY,
    lot_id      INTEGER NOT NULL REFERENCES cs_lots (id),
    location_id INTEGER NOT NULL REFERENCES locations (id),
    number      INTEGER NOT NULL CHECK (number > 0),
    expiry      TEXT NOT NULL, -- the lot's, here so the guarded update reads one row
    received    INTEGER NOT NULL CHECK (received > 0),
    balance     INTEGER NOT NULL CHECK (balance >= 0),
    status      TEXT NOT NULL DEFAULT 'sealed' CHECK (status IN ('sealed', 'open', 'empty')),
    UNIQUE (lot_id, number)
);
-- Stock on hand: empty containers stay for the log but leave the list.
CREATE INDEX cs_containers_stock ON cs_containers (location_id, lot_id) WHERE status <> 'empty';

-- A physical count of a location's stock (biennial: the inventory every
-- two years), signed by who took it; its lines are count entries.
CREATE TABLE cs_counts (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    biennial    INTEGER NOT NULL DEFAULT 0,
    by_id       INTEGER NOT NULL REFERENCES users (id),
    signature   TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    at          INTEGER NOT NULL
);
CREATE INDEX cs_counts_at ON cs_counts (at);

CREATE TABLE cs_entries (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'open', 'administration', 'waste', 'transfer_out', 'transfer_in', 'count', 'adjustment')),
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    lot_id        INTEGER NOT NULL REFERENCES cs_lots (id),
    container_id  INTEGER NOT NULL REFERENCES cs_containers (id),
    amount        INTEGER NOT NULL, -- thousandths of the unit; negative for what leaves
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    counted       INTEGER, -- a count's finding
    count_id      INTEGER REFERENCES cs_counts (id),
    session_id    INTEGER REFERENCES care_sessions (id),
    client_id     INTEGER REFERENCES clients (id),
    witness_id    INTEGER REFERENCES users (id),
    reason        TEXT NOT NULL DEFAULT '',
    by_id         INTEGER NOT NULL REFERENCES users (id),
    signature     TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    at            INTEGER NOT NULL,
    day           TEXT NOT NULL, -- at, in the location's zone
    CHECK (witness_id IS NULL OR witness_id <> by_id),
    CHECK (kind <> 'waste' OR (witness_id IS NOT NULL AND amount < 0)),
    CHECK (kind <> 'administration' OR (session_id IS NOT NULL AND amount < 0)),
    CHECK (kind <> 'count' OR (counted IS NOT NULL AND count_id IS NOT NULL AND amount = 0))
);
CREATE INDEX cs_entries_at ON cs_entries (at);
CREATE INDEX cs_entries_container ON cs_entries (container_id, id);
CREATE INDEX cs_entries_count ON cs_entries (count_id) WHERE count_id IS NOT NULL;

CREATE TRIGGER cs_entries_no_update BEFORE UPDATE ON cs_entries
BEGIN
    SELECT RAISE(ABORT, 'cs_entries is append-only');
END;
CREATE TRIGGER cs_entries_no_delete BEFORE DELETE ON cs_entries
BEGIN
    SELECT RAISE(ABORT, 'cs_entries is append-only');
END;
CREATE TRIGGER cs_entries_not_expired BEFORE INSERT ON cs_entries
WHEN NEW.kind IN ('receipt', 'open', 'administration', 'transfer_out', 'transfer_in')
  AND NEW.day > (SELECT expiry FROM cs_lots WHERE id = NEW.lot_id)
BEGIN
    SELECT RAISE(ABORT, 'cs_lot_expired');
END;

-- A count that differs from the book balance, open until an admin
-- resolves it with a cause and a note; a loss or theft must be reported
-- to the authorities by notify_by.
CREATE TABLE cs_discrepancies (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL UNIQUE REFERENCES cs_entries (id),
    container_id  INTEGER NOT NULL REFERENCES cs_containers (id),
    expected      INTEGER NOT NULL,
    counted       INTEGER NOT NULL CHECK (counted >= 0),
    opened_at     INTEGER NOT NULL,
    cause         TEXT NOT NULL DEFAULT '' CHECK (cause IN ('', 'recording_error', 'breakage', 'loss', 'theft')),
    note          TEXT NOT NULL DEFAULT '',
    resolved_by   INTEGER REFERENCES users (id),
    resolved_at   INTEGER NOT NULL DEFAULT 0,
    adjustment_id INTEGER REFERENCES cs_entries (id),
    notify_by     INTEGER NOT NULL DEFAULT 0,
    CHECK (expected <> counted),
    CHECK (resolved_at = 0 OR (cause <> '' AND note <> '' AND resolved_by IS NOT NULL))
);
CREATE INDEX cs_discrepancies_open ON cs_discrepancies (resolved_at);
CREATE TRIGGER cs_discrepancies_resolved_once BEFORE UPDATE ON cs_discrepancies
WHEN OLD.resolved_at <> 0
BEGIN
    SELECT RAISE(ABORT, 'cs_discrepancies: resolved once');
END;

-- Each dose given in a medicine session (or taken by the client, observed),
-- drawn from a practice container (entry_id: its log entry) or from the
-- client's own prescription (pharmacy and number, sealed; no entry).
CREATE TABLE administrations (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES care_sessions (id),
    order_id        INTEGER,
    dose_mg         REAL NOT NULL CHECK (dose_mg > 0),
    route           TEXT NOT NULL CHECK (route IN ('lozenge', 'im')),
    container_id    INTEGER REFERENCES cs_containers (id),
    entry_id        INTEGER UNIQUE REFERENCES cs_entries (id),
    amount          INTEGER NOT NULL DEFAULT 0,
    pharmacy        TEXT NOT NULL DEFAULT '', -- sealed
    prescription_no TEXT NOT NULL DEFAULT '', -- sealed
    self_admin      INTEGER NOT NULL DEFAULT 0,
    booster         INTEGER NOT NULL DEFAULT 0,
    administered_at INTEGER NOT NULL,
    by_id           INTEGER NOT NULL REFERENCES users (id),
    signature       TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    recorded_at     INTEGER NOT NULL,
    CHECK ((container_id IS NOT NULL AND entry_id IS NOT NULL) OR (container_id IS NULL AND entry_id IS NULL AND pharmacy <> '' AND prescription_no <> ''))
);
CREATE INDEX administrations_session ON administrations (session_id);

CREATE TRIGGER administrations_no_update BEFORE UPDATE ON administrations
BEGIN
    SELECT RAISE(ABORT, 'administrations is append-only');
END;
CREATE TRIGGER administrations_no_delete BEFORE DELETE ON administrations
BEGIN
    SELECT RAISE(ABORT, 'administrations is append-only');
END;
