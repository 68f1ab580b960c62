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
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations (id), -- where it was received
    ndc         TEXT NOT NULL,
    product     TEXT NOT NULL,
    strength    TEXT NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('mL', 'count')),
    mg_per_unit DOUBLE PRECISION NOT NULL CHECK (mg_per_unit > 0),
    lot         TEXT NOT NULL,
    expiry      TEXT NOT NULL CHECK (length(expiry) = 10),
    supplier    TEXT NOT NULL,
    invoice     TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (ndc, lot, location_id, received_at)
);

CREATE TABLE cs_containers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id      BIGINT NOT NULL REFERENCES cs_lots (id),
    location_id BIGINT NOT NULL REFERENCES locations (id),
    number      BIGINT NOT NULL CHECK (number > 0),
    expiry      TEXT NOT NULL, -- the lot's, here so the guarded update reads one row
    received    BIGINT NOT NULL CHECK (received > 0),
    balance     BIGINT NOT NULL CHECK (balance >= 0),
    status      TEXT NOT NULL DEFAULT 'sealed' CHECK (status IN ('sealed', 'open', 'empty')),
    UNIQUE (lot_id, number)
);
-- Stock on hand: empty containers stay for the log but leave the list.
CREATE INDEX cs_containers_stock ON cs_containers (location_id, lot_id) WHERE status <> 'empty';

-- A physical count of a location's stock (biennial: the inventory every
-- two years), signed by who took it; its lines are count entries.
CREATE TABLE cs_counts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations (id),
    biennial    BOOLEAN NOT NULL DEFAULT FALSE,
    by_id       BIGINT NOT NULL REFERENCES users (id),
    signature   TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    at          BIGINT NOT NULL
);
CREATE INDEX cs_counts_at ON cs_counts (at);

CREATE TABLE cs_entries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'open', 'administration', 'waste', 'transfer_out', 'transfer_in', 'count', 'adjustment')),
    location_id   BIGINT NOT NULL REFERENCES locations (id),
    lot_id        BIGINT NOT NULL REFERENCES cs_lots (id),
    container_id  BIGINT NOT NULL REFERENCES cs_containers (id),
    amount        BIGINT NOT NULL, -- thousandths of the unit; negative for what leaves
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    counted       BIGINT, -- a count's finding
    count_id      BIGINT REFERENCES cs_counts (id),
    session_id    BIGINT REFERENCES care_sessions (id),
    client_id     BIGINT REFERENCES clients (id),
    witness_id    BIGINT REFERENCES users (id),
    reason        TEXT NOT NULL DEFAULT '',
    by_id         BIGINT NOT NULL REFERENCES users (id),
    signature     TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    at            BIGINT NOT NULL,
    day           TEXT NOT NULL, -- at, in the location's zone
    CHECK (witness_id IS NULL OR witness_id <> by_id),
    CHECK (kind <> 'waste' OR (witness_id IS NOT NULL AND amount < 0)),
    CHECK (kind <> 'administration' OR (session_id IS NOT NULL AND amount < 0)),
    CHECK (kind <> 'count' OR (counted IS NOT NULL AND count_id IS NOT NULL AND amount = 0))
);
CREATE INDEX cs_entries_at ON cs_entries (at);
CREATE INDEX cs_entries_container ON cs_entries (container_id, id);
CREATE INDEX cs_entries_count ON cs_entries (count_id) WHERE count_id IS NOT NULL;

CREATE FUNCTION cs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER cs_entries_no_change BEFORE UPDATE OR DELETE ON cs_entries
    FOR EACH ROW EXECUTE FUNCTION cs_append_only();

-- An expired lot is refused as a check violation (23514), a conflict.
CREATE FUNCTION cs_entries_not_expired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind IN ('receipt', 'open', 'administration', 'transfer_out', 'transfer_in')
       AND NEW.day > (SELECT expiry FROM cs_lots WHERE id = NEW.lot_id) THEN
        RAISE EXCEPTION 'cs_lot_expired' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER cs_entries_not_expired BEFORE INSERT ON cs_entries
    FOR EACH ROW EXECUTE FUNCTION cs_entries_not_expired();

-- A count that differs from the book balance, open until an admin
-- resolves it with a cause and a note; a loss or theft must be reported
-- to the authorities by notify_by.
CREATE TABLE cs_discrepancies (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id      BIGINT NOT NULL UNIQUE REFERENCES cs_entries (id),
    container_id  BIGINT NOT NULL REFERENCES cs_containers (id),
    expected      BIGINT NOT NULL,
    counted       BIGINT NOT NULL CHECK (counted >= 0),
    opened_at     BIGINT NOT NULL,
    cause         TEXT NOT NULL DEFAULT '' CHECK (cause IN ('', 'recording_error', 'breakage', 'loss', 'theft')),
    note          TEXT NOT NULL DEFAULT '',
    resolved_by   BIGINT REFERENCES users (id),
    resolved_at   BIGINT NOT NULL DEFAULT 0,
    adjustment_id BIGINT REFERENCES cs_entries (id),
    notify_by     BIGINT NOT NULL DEFAULT 0,
    CHECK (expected <> counted),
    CHECK (resolved_at = 0 OR (cause <> '' AND note <> '' AND resolved_by IS NOT NULL))
);
CREATE INDEX cs_discrepancies_open ON cs_discrepancies (resolved_at);
CREATE FUNCTION cs_discrepancies_resolved_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.resolved_at <> 0 THEN
        RAISE EXCEPTION 'cs_discrepancies: resolved once';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER cs_discrepancies_resolved_once BEFORE UPDATE ON cs_discrepancies
    FOR EACH ROW EXECUTE FUNCTION cs_discrepancies_resolved_once();

-- Each dose given in a medicine session (or taken by the client, observed),
-- drawn from a practice container (entry_id: its log entry) or from the
-- client's own prescription (pharmacy and number, sealed; no entry).
CREATE TABLE administrations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id      BIGINT NOT NULL REFERENCES care_sessions (id),
    order_id        BIGINT,
    dose_mg         DOUBLE PRECISION NOT NULL CHECK (dose_mg > 0),
    route           TEXT NOT NULL CHECK (route IN ('lozenge', 'im')),
    container_id    BIGINT REFERENCES cs_containers (id),
    entry_id        BIGINT UNIQUE REFERENCES cs_entries (id),
    amount          BIGINT NOT NULL DEFAULT 0,
    pharmacy        TEXT NOT NULL DEFAULT '', -- sealed
    prescription_no TEXT NOT NULL DEFAULT '', -- sealed
    self_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    booster         BOOLEAN NOT NULL DEFAULT FALSE,
    administered_at BIGINT NOT NULL,
    by_id           BIGINT NOT NULL REFERENCES users (id),
    signature       TEXT NOT NULL CHECK (signature IN ('second-factor', 'api-token')),
    recorded_at     BIGINT NOT NULL,
    CHECK ((container_id IS NOT NULL AND entry_id IS NOT NULL) OR (container_id IS NULL AND entry_id IS NULL AND pharmacy <> '' AND prescription_no <> ''))
);
CREATE INDEX administrations_session ON administrations (session_id);

CREATE TRIGGER administrations_no_change BEFORE UPDATE OR DELETE ON administrations
    FOR EACH ROW EXECUTE FUNCTION cs_append_only();
