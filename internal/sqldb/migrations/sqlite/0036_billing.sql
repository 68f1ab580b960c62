-- Billing (journey billing.go): the entities that bill, the fee schedule,
-- each client's diagnoses and coverage, charges, the append-only ledger,
-- payments and refunds, the documents given to clients and the Good Faith
-- Estimates. Amounts are integer cents in an explicit currency. The rules
-- that must hold whatever code writes are here: a charge type billed only
-- by an entity of the right kind; a charge never edited, only voided
-- once; postings never changed; a charge posted once, voided once, a
-- payment posted once; a document holding charges of its own client,
-- entity and charge type only, a superbill psychotherapy services only.
-- Times are Unix seconds (UTC); dates are YYYY-MM-DD. Fields marked
-- sealed are encrypted by internal/sqldb.

CREATE TABLE billing_entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('practice', 'medical')),
    legal_name TEXT NOT NULL,
    address1   TEXT NOT NULL,
    address2   TEXT NOT NULL DEFAULT '',
    city       TEXT NOT NULL,
    state      TEXT NOT NULL,
    postal     TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    tax_id     TEXT NOT NULL,
    npi        TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Who renders billed care under which entity; their NPI, credentials and
-- licence are their staff profile's.
CREATE TABLE billing_clinicians (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    entity_id  INTEGER NOT NULL REFERENCES billing_entities (id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, entity_id)
);

-- The price list: the practice's fee for one unit of a code.
CREATE TABLE fee_prices (
    code        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    cents       INTEGER NOT NULL CHECK (cents >= 0 AND cents <= 10000000),
    updated_at  INTEGER NOT NULL
);

CREATE TABLE fee_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    telehealth_modifier TEXT NOT NULL DEFAULT '95',
    updated_by          INTEGER REFERENCES users (id),
    updated_at          INTEGER NOT NULL
);

CREATE TABLE fee_lines (
    id           INTEGER PRIMARY KEY,
    session_type TEXT NOT NULL REFERENCES session_types (code),
    event        TEXT NOT NULL CHECK (event IN ('completed', 'late_cancel', 'no_show')),
    mode         TEXT NOT NULL DEFAULT '' CHECK (mode IN ('', 'in_person', 'remote')),
    route        TEXT NOT NULL DEFAULT '' CHECK (route IN ('', 'lozenge', 'im')),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    entity_id    INTEGER NOT NULL REFERENCES billing_entities (id),
    rule         TEXT NOT NULL CHECK (rule IN ('fixed', 'psychotherapy-time', 'evaluation-then-time', 'em-time', 'per-hour')),
    code         TEXT NOT NULL DEFAULT '',
    units        INTEGER NOT NULL DEFAULT 1 CHECK (units BETWEEN 1 AND 99),
    modifiers    TEXT NOT NULL DEFAULT '', -- space-separated
    fee_cents    INTEGER NOT NULL DEFAULT 0 CHECK (fee_cents >= 0 AND fee_cents <= 10000000),
    description  TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (event = 'completed' OR code = ''),
    CHECK (charge_type <> 'medicine-session' OR session_type = 'medicine')
);

-- A client's diagnoses, in the order a claim points at them (A, B, …).
CREATE TABLE client_diagnoses (
    client_id INTEGER NOT NULL REFERENCES clients (id),
    position  INTEGER NOT NULL CHECK (position BETWEEN 1 AND 12),
    code      TEXT NOT NULL, -- sealed
    by_id     INTEGER NOT NULL REFERENCES users (id),
    at        INTEGER NOT NULL,
    PRIMARY KEY (client_id, position)
);

-- How a client pays each entity.
CREATE TABLE coverage (
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    entity_id    INTEGER NOT NULL REFERENCES billing_entities (id),
    payer        TEXT NOT NULL CHECK (payer IN ('insurance', 'self-pay')),
    insurer      TEXT NOT NULL DEFAULT '', -- sealed
    member_id    TEXT NOT NULL DEFAULT '', -- sealed
    group_number TEXT NOT NULL DEFAULT '', -- sealed
    updated_by   INTEGER REFERENCES users (id),
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (client_id, entity_id)
);

CREATE TABLE charges (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    session_id   INTEGER REFERENCES care_sessions (id),
    fee_line_id  INTEGER REFERENCES fee_lines (id),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    entity_id    INTEGER NOT NULL REFERENCES billing_entities (id),
    clinician_id INTEGER REFERENCES users (id),
    event        TEXT NOT NULL CHECK (event IN ('completed', 'late_cancel', 'no_show')),
    service_date TEXT NOT NULL CHECK (length(service_date) = 10),
    code         TEXT NOT NULL DEFAULT '',
    units        INTEGER NOT NULL DEFAULT 1 CHECK (units BETWEEN 1 AND 99),
    modifiers    TEXT NOT NULL DEFAULT '', -- space-separated
    pos          TEXT NOT NULL DEFAULT '',
    minutes      INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    ndc          TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL,
    diagnoses    TEXT NOT NULL DEFAULT '', -- sealed; space-separated ICD-10 codes in pointer order
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0 AND amount_cents <= 10000000),
    currency     TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'void')),
    void_reason  TEXT NOT NULL DEFAULT '', -- sealed
    voided_by    INTEGER REFERENCES users (id),
    voided_at    INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id), -- NULL: Journey itself (a session's event)
    created_at   INTEGER NOT NULL,
    CHECK (event = 'completed' OR code = ''),
    CHECK (status = 'open' OR (voided_at > 0 AND void_reason <> ''))
);
-- A session's event charges a client once per fee line, whoever asks.
CREATE UNIQUE INDEX charges_once ON charges (session_id, client_id, fee_line_id, event) WHERE session_id IS NOT NULL;
CREATE INDEX charges_client ON charges (client_id, service_date);
CREATE INDEX charges_date ON charges (service_date, entity_id, charge_type);

-- A charge type is billed only by an entity of its kind.
CREATE TRIGGER charges_entity_kind BEFORE INSERT ON charges
WHEN NOT EXISTS (SELECT 1 FROM billing_entities e WHERE e.id = NEW.entity_id
    AND ((e.kind = 'practice' AND NEW.charge_type IN ('psychotherapy', 'medicine-session'))
      OR (e.kind = 'medical' AND NEW.charge_type IN ('prescriber', 'medication'))))
BEGIN
    SELECT RAISE(ABORT, 'billing: charge type not billed by this entity');
END;
CREATE TRIGGER fee_lines_entity_kind BEFORE INSERT ON fee_lines
WHEN NOT EXISTS (SELECT 1 FROM billing_entities e WHERE e.id = NEW.entity_id
    AND ((e.kind = 'practice' AND NEW.charge_type IN ('psychotherapy', 'medicine-session'))
      OR (e.kind = 'medical' AND NEW.charge_type IN ('prescriber', 'medication'))))
BEGIN
    SELECT RAISE(ABORT, 'billing: charge type not billed by this entity');
END;
CREATE TRIGGER fee_lines_entity_kind_update BEFORE UPDATE ON fee_lines
WHEN NOT EXISTS (SELECT 1 FROM billing_entities e WHERE e.id = NEW.entity_id
    AND ((e.kind = 'practice' AND NEW.charge_type IN ('psychotherapy', 'medicine-session'))
      OR (e.kind = 'medical' AND NEW.charge_type IN ('prescriber', 'medication'))))
BEGIN
    SELECT RAISE(ABORT, 'billing: charge type not billed by this entity');
END;

-- A charge is never edited: the one change is open → void, once.
CREATE TRIGGER charges_void_only BEFORE UPDATE ON charges
WHEN OLD.status <> 'open' OR NEW.status <> 'void'
   OR NEW.client_id IS NOT OLD.client_id OR NEW.session_id IS NOT OLD.session_id
   OR NEW.fee_line_id IS NOT OLD.fee_line_id OR NEW.charge_type IS NOT OLD.charge_type
   OR NEW.entity_id IS NOT OLD.entity_id OR NEW.clinician_id IS NOT OLD.clinician_id
   OR NEW.event IS NOT OLD.event OR NEW.service_date IS NOT OLD.service_date
   OR NEW.code IS NOT OLD.code OR NEW.units IS NOT OLD.units OR NEW.modifiers IS NOT OLD.modifiers
   OR NEW.pos IS NOT OLD.pos OR NEW.minutes IS NOT OLD.minutes OR NEW.ndc IS NOT OLD.ndc
   OR NEW.description IS NOT OLD.description OR NEW.diagnoses IS NOT OLD.diagnoses
   OR NEW.amount_cents IS NOT OLD.amount_cents OR NEW.currency IS NOT OLD.currency
   OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'charges: a charge is voided once, never edited');
END;
CREATE TRIGGER charges_no_delete BEFORE DELETE ON charges
BEGIN
    SELECT RAISE(ABORT, 'charges is append-only');
END;

-- Money received. A retried request carries the same idempotency key and
-- finds the same payment; a processor's payment is recorded once.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    entity_id       INTEGER NOT NULL REFERENCES billing_entities (id),
    charge_type     TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 10000000),
    currency        TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'online')),
    reference       TEXT NOT NULL DEFAULT '', -- sealed
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    processor_ref   TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    refunded_cents  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    document_id     INTEGER, -- the statement it paid (documents below)
    by_id           INTEGER REFERENCES users (id), -- NULL: the client, online
    at              INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (method = 'online' OR status = 'succeeded')
);
CREATE INDEX payments_client ON payments (client_id, at);

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    payment_id      INTEGER NOT NULL REFERENCES payments (id),
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
    reason          TEXT NOT NULL, -- sealed
    processor_ref   TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    by_id           INTEGER REFERENCES users (id),
    at              INTEGER NOT NULL
);

-- A client's card kept with the processor, only with their consent.
CREATE TABLE payment_cards (
    client_id     INTEGER PRIMARY KEY REFERENCES clients (id),
    customer_ref  TEXT NOT NULL,
    method_ref    TEXT NOT NULL,
    brand         TEXT NOT NULL DEFAULT '',
    last4         TEXT NOT NULL DEFAULT '',
    consented_at  INTEGER NOT NULL CHECK (consented_at > 0),
    updated_at    INTEGER NOT NULL
);

-- The processor's events, each handled once (a webhook delivered twice
-- changes nothing).
CREATE TABLE processor_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

-- The ledger: every change to what a client owes an entity, signed
-- (positive raises the balance). Never changed or removed.
CREATE TABLE postings (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    entity_id    INTEGER NOT NULL REFERENCES billing_entities (id),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    kind         TEXT NOT NULL CHECK (kind IN ('charge', 'void', 'adjustment', 'payment', 'refund')),
    charge_id    INTEGER REFERENCES charges (id),
    payment_id   INTEGER REFERENCES payments (id),
    refund_id    INTEGER REFERENCES refunds (id),
    amount_cents INTEGER NOT NULL,
    currency     TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    memo         TEXT NOT NULL DEFAULT '', -- sealed
    by_id        INTEGER REFERENCES users (id), -- NULL: Journey or the client online
    at           INTEGER NOT NULL,
    CHECK (kind <> 'charge' OR (charge_id IS NOT NULL AND amount_cents >= 0)),
    CHECK (kind <> 'void' OR (charge_id IS NOT NULL AND amount_cents <= 0)),
    CHECK (kind <> 'adjustment' OR (charge_id IS NOT NULL AND memo <> '')),
    CHECK (kind <> 'payment' OR (payment_id IS NOT NULL AND amount_cents < 0)),
    CHECK (kind <> 'refund' OR (refund_id IS NOT NULL AND amount_cents > 0))
);
CREATE INDEX postings_ledger ON postings (client_id, entity_id, id);
CREATE INDEX postings_at ON postings (at);
CREATE UNIQUE INDEX postings_charge_once ON postings (kind, charge_id) WHERE kind IN ('charge', 'void');
CREATE UNIQUE INDEX postings_payment_once ON postings (payment_id) WHERE kind = 'payment';
CREATE UNIQUE INDEX postings_refund_once ON postings (refund_id) WHERE kind = 'refund';
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN
    SELECT RAISE(ABORT, 'postings is append-only');
END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN
    SELECT RAISE(ABORT, 'postings is append-only');
END;

-- Statements, invoices, superbills and estimates as given to the client.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    entity_id   INTEGER NOT NULL REFERENCES billing_entities (id),
    charge_type TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    kind        TEXT NOT NULL CHECK (kind IN ('statement', 'invoice', 'superbill', 'estimate')),
    period_from TEXT NOT NULL DEFAULT '',
    period_to   TEXT NOT NULL DEFAULT '',
    total_cents INTEGER NOT NULL,
    pdf         TEXT NOT NULL, -- sealed
    created_by  INTEGER REFERENCES users (id), -- NULL: Journey or the client
    created_at  INTEGER NOT NULL,
    CHECK (kind <> 'superbill' OR charge_type = 'psychotherapy')
);
CREATE INDEX documents_client ON documents (client_id, created_at);

CREATE TABLE document_charges (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    charge_id   INTEGER NOT NULL REFERENCES charges (id),
    PRIMARY KEY (document_id, charge_id)
);
CREATE INDEX document_charges_charge ON document_charges (charge_id);
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents is append-only');
END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents is append-only');
END;
CREATE TRIGGER document_charges_no_update BEFORE UPDATE ON document_charges
BEGIN
    SELECT RAISE(ABORT, 'document_charges is append-only');
END;
CREATE TRIGGER document_charges_no_delete BEFORE DELETE ON document_charges
BEGIN
    SELECT RAISE(ABORT, 'document_charges is append-only');
END;

-- One client, one entity, one charge type per document; on a superbill
-- only coded psychotherapy services.
CREATE TRIGGER document_charges_match BEFORE INSERT ON document_charges
WHEN NOT EXISTS (SELECT 1 FROM documents d JOIN charges c ON c.id = NEW.charge_id
    WHERE d.id = NEW.document_id AND c.client_id = d.client_id AND c.entity_id = d.entity_id
      AND c.charge_type = d.charge_type
      AND (d.kind <> 'superbill' OR (c.charge_type = 'psychotherapy' AND c.code <> '')))
BEGIN
    SELECT RAISE(ABORT, 'billing: charge does not belong on this document');
END;

-- Good Faith Estimates: when one fell due (a booking, a request, a plan
-- change) and by when, and each estimate issued for it.
CREATE TABLE estimate_requests (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    reason       TEXT NOT NULL CHECK (reason IN ('scheduled', 'requested', 'plan-change')),
    session_id   INTEGER REFERENCES care_sessions (id),
    requested_at INTEGER NOT NULL,
    due_by       INTEGER NOT NULL,
    done_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX estimate_requests_open ON estimate_requests (done_at, due_by);

CREATE TABLE estimates (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER REFERENCES estimate_requests (id),
    client_id     INTEGER NOT NULL REFERENCES clients (id),
    entity_id     INTEGER NOT NULL REFERENCES billing_entities (id),
    charge_type   TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    reason        TEXT NOT NULL CHECK (reason IN ('scheduled', 'requested', 'plan-change')),
    requested_at  INTEGER NOT NULL,
    due_by        INTEGER NOT NULL,
    issued_at     INTEGER NOT NULL,
    service_from  TEXT NOT NULL,
    service_to    TEXT NOT NULL,
    lines         TEXT NOT NULL, -- sealed JSON of journey.EstimateLine
    total_cents   INTEGER NOT NULL CHECK (total_cents >= 0),
    supersedes_id INTEGER REFERENCES estimates (id),
    document_id   INTEGER NOT NULL UNIQUE REFERENCES documents (id),
    emailed_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX estimates_client ON estimates (client_id, issued_at);
