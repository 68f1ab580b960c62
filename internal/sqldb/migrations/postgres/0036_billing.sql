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
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Who renders billed care under which entity; their NPI, credentials and
-- licence are their staff profile's.
CREATE TABLE billing_clinicians (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    entity_id  BIGINT NOT NULL REFERENCES billing_entities (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, entity_id)
);

-- The price list: the practice's fee for one unit of a code.
CREATE TABLE fee_prices (
    code        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    cents       BIGINT NOT NULL CHECK (cents >= 0 AND cents <= 10000000),
    updated_at  BIGINT NOT NULL
);

CREATE TABLE fee_settings (
    id                  BIGINT PRIMARY KEY CHECK (id = 1),
    telehealth_modifier TEXT NOT NULL DEFAULT '95',
    updated_by          BIGINT REFERENCES users (id),
    updated_at          BIGINT NOT NULL
);

CREATE TABLE fee_lines (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_type TEXT NOT NULL REFERENCES session_types (code),
    event        TEXT NOT NULL CHECK (event IN ('completed', 'late_cancel', 'no_show')),
    mode         TEXT NOT NULL DEFAULT '' CHECK (mode IN ('', 'in_person', 'remote')),
    route        TEXT NOT NULL DEFAULT '' CHECK (route IN ('', 'lozenge', 'im')),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    entity_id    BIGINT NOT NULL REFERENCES billing_entities (id),
    rule         TEXT NOT NULL CHECK (rule IN ('fixed', 'psychotherapy-time', 'evaluation-then-time', 'em-time', 'per-hour')),
    code         TEXT NOT NULL DEFAULT '',
    units        BIGINT NOT NULL DEFAULT 1 CHECK (units BETWEEN 1 AND 99),
    modifiers    TEXT NOT NULL DEFAULT '', -- space-separated
    fee_cents    BIGINT NOT NULL DEFAULT 0 CHECK (fee_cents >= 0 AND fee_cents <= 10000000),
    description  TEXT NOT NULL,
    position     BIGINT NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK (event = 'completed' OR code = ''),
    CHECK (charge_type <> 'medicine-session' OR session_type = 'medicine')
);

-- A client's diagnoses, in the order a claim points at them (A, B, …).
CREATE TABLE client_diagnoses (
    client_id BIGINT NOT NULL REFERENCES clients (id),
    position  BIGINT NOT NULL CHECK (position BETWEEN 1 AND 12),
    code      TEXT NOT NULL, -- sealed
    by_id     BIGINT NOT NULL REFERENCES users (id),
    at        BIGINT NOT NULL,
    PRIMARY KEY (client_id, position)
);

-- How a client pays each entity.
CREATE TABLE coverage (
    client_id    BIGINT NOT NULL REFERENCES clients (id),
    entity_id    BIGINT NOT NULL REFERENCES billing_entities (id),
    payer        TEXT NOT NULL CHECK (payer IN ('insurance', 'self-pay')),
    insurer      TEXT NOT NULL DEFAULT '', -- sealed
    member_id    TEXT NOT NULL DEFAULT '', -- sealed
    group_number TEXT NOT NULL DEFAULT '', -- sealed
    updated_by   BIGINT REFERENCES users (id),
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (client_id, entity_id)
);

CREATE TABLE charges (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id    BIGINT NOT NULL REFERENCES clients (id),
    session_id   BIGINT REFERENCES care_sessions (id),
    fee_line_id  BIGINT REFERENCES fee_lines (id),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    entity_id    BIGINT NOT NULL REFERENCES billing_entities (id),
    clinician_id BIGINT REFERENCES users (id),
    event        TEXT NOT NULL CHECK (event IN ('completed', 'late_cancel', 'no_show')),
    service_date TEXT NOT NULL CHECK (length(service_date) = 10),
    code         TEXT NOT NULL DEFAULT '',
    units        BIGINT NOT NULL DEFAULT 1 CHECK (units BETWEEN 1 AND 99),
    modifiers    TEXT NOT NULL DEFAULT '', -- space-separated
    pos          TEXT NOT NULL DEFAULT '',
    minutes      BIGINT NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    ndc          TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL,
    diagnoses    TEXT NOT NULL DEFAULT '', -- sealed; space-separated ICD-10 codes in pointer order
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0 AND amount_cents <= 10000000),
    currency     TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'void')),
    void_reason  TEXT NOT NULL DEFAULT '', -- sealed
    voided_by    BIGINT REFERENCES users (id),
    voided_at    BIGINT NOT NULL DEFAULT 0,
    created_by   BIGINT REFERENCES users (id), -- NULL: Journey itself (a session's event)
    created_at   BIGINT NOT NULL,
    CHECK (event = 'completed' OR code = ''),
    CHECK (status = 'open' OR (voided_at > 0 AND void_reason <> ''))
);
-- A session's event charges a client once per fee line, whoever asks.
CREATE UNIQUE INDEX charges_once ON charges (session_id, client_id, fee_line_id, event) WHERE session_id IS NOT NULL;
CREATE INDEX charges_client ON charges (client_id, service_date);
CREATE INDEX charges_date ON charges (service_date, entity_id, charge_type);

CREATE FUNCTION charges_entity_kind() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k TEXT;
BEGIN
    SELECT kind INTO k FROM billing_entities WHERE id = NEW.entity_id;
    IF (k = 'practice' AND NEW.charge_type NOT IN ('psychotherapy', 'medicine-session'))
       OR (k = 'medical' AND NEW.charge_type NOT IN ('prescriber', 'medication')) THEN
        RAISE EXCEPTION 'billing: % is not billed by a % entity', NEW.charge_type, k USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER charges_entity_kind BEFORE INSERT ON charges
    FOR EACH ROW EXECUTE FUNCTION charges_entity_kind();
CREATE TRIGGER fee_lines_entity_kind BEFORE INSERT OR UPDATE ON fee_lines
    FOR EACH ROW EXECUTE FUNCTION charges_entity_kind();

-- A charge is never edited: the one change is open → void, once.
CREATE FUNCTION charges_void_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'open' OR NEW.status <> 'void'
       OR (NEW.client_id, NEW.session_id, NEW.fee_line_id, NEW.charge_type, NEW.entity_id, NEW.clinician_id,
           NEW.event, NEW.service_date, NEW.code, NEW.units, NEW.modifiers, NEW.pos, NEW.minutes, NEW.ndc,
           NEW.description, NEW.diagnoses, NEW.amount_cents, NEW.currency, NEW.created_by, NEW.created_at)
          IS DISTINCT FROM
          (OLD.client_id, OLD.session_id, OLD.fee_line_id, OLD.charge_type, OLD.entity_id, OLD.clinician_id,
           OLD.event, OLD.service_date, OLD.code, OLD.units, OLD.modifiers, OLD.pos, OLD.minutes, OLD.ndc,
           OLD.description, OLD.diagnoses, OLD.amount_cents, OLD.currency, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'charges: a charge is voided once, never edited' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER charges_void_only BEFORE UPDATE ON charges
    FOR EACH ROW EXECUTE FUNCTION charges_void_only();
CREATE FUNCTION billing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER charges_no_delete BEFORE DELETE ON charges
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();

-- Money received. A retried request carries the same idempotency key and
-- finds the same payment; a processor's payment is recorded once.
CREATE TABLE payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES clients (id),
    entity_id       BIGINT NOT NULL REFERENCES billing_entities (id),
    charge_type     TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 10000000),
    currency        TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'online')),
    reference       TEXT NOT NULL DEFAULT '', -- sealed
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    processor_ref   TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    refunded_cents  BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    document_id     BIGINT, -- the statement it paid (documents below)
    by_id           BIGINT REFERENCES users (id), -- NULL: the client, online
    at              BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (method = 'online' OR status = 'succeeded')
);
CREATE INDEX payments_client ON payments (client_id, at);

CREATE TABLE refunds (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id      BIGINT NOT NULL REFERENCES payments (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    reason          TEXT NOT NULL, -- sealed
    processor_ref   TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    by_id           BIGINT REFERENCES users (id),
    at              BIGINT NOT NULL
);

-- A client's card kept with the processor, only with their consent.
CREATE TABLE payment_cards (
    client_id     BIGINT PRIMARY KEY REFERENCES clients (id),
    customer_ref  TEXT NOT NULL,
    method_ref    TEXT NOT NULL,
    brand         TEXT NOT NULL DEFAULT '',
    last4         TEXT NOT NULL DEFAULT '',
    consented_at  BIGINT NOT NULL CHECK (consented_at > 0),
    updated_at    BIGINT NOT NULL
);

-- The processor's events, each handled once (a webhook delivered twice
-- changes nothing).
CREATE TABLE processor_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- The ledger: every change to what a client owes an entity, signed
-- (positive raises the balance). Never changed or removed.
CREATE TABLE postings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id    BIGINT NOT NULL REFERENCES clients (id),
    entity_id    BIGINT NOT NULL REFERENCES billing_entities (id),
    charge_type  TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    kind         TEXT NOT NULL CHECK (kind IN ('charge', 'void', 'adjustment', 'payment', 'refund')),
    charge_id    BIGINT REFERENCES charges (id),
    payment_id   BIGINT REFERENCES payments (id),
    refund_id    BIGINT REFERENCES refunds (id),
    amount_cents BIGINT NOT NULL,
    currency     TEXT NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    memo         TEXT NOT NULL DEFAULT '', -- sealed
    by_id        BIGINT REFERENCES users (id), -- NULL: Journey or the client online
    at           BIGINT NOT NULL,
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
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();

-- Statements, invoices, superbills and estimates as given to the client.
CREATE TABLE documents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id   BIGINT NOT NULL REFERENCES clients (id),
    entity_id   BIGINT NOT NULL REFERENCES billing_entities (id),
    charge_type TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    kind        TEXT NOT NULL CHECK (kind IN ('statement', 'invoice', 'superbill', 'estimate')),
    period_from TEXT NOT NULL DEFAULT '',
    period_to   TEXT NOT NULL DEFAULT '',
    total_cents BIGINT NOT NULL,
    pdf         TEXT NOT NULL, -- sealed
    created_by  BIGINT REFERENCES users (id), -- NULL: Journey or the client
    created_at  BIGINT NOT NULL,
    CHECK (kind <> 'superbill' OR charge_type = 'psychotherapy')
);
CREATE INDEX documents_client ON documents (client_id, created_at);

CREATE TABLE document_charges (
    document_id BIGINT NOT NULL REFERENCES documents (id),
    charge_id   BIGINT NOT NULL REFERENCES charges (id),
    PRIMARY KEY (document_id, charge_id)
);
CREATE INDEX document_charges_charge ON document_charges (charge_id);

-- One client, one entity, one charge type per document; on a superbill
-- only coded psychotherapy services.
CREATE FUNCTION document_charges_match() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d documents%ROWTYPE; c charges%ROWTYPE;
BEGIN
    SELECT * INTO d FROM documents WHERE id = NEW.document_id;
    SELECT * INTO c FROM charges WHERE id = NEW.charge_id;
    IF c.client_id <> d.client_id OR c.entity_id <> d.entity_id OR c.charge_type <> d.charge_type
       OR (d.kind = 'superbill' AND (c.charge_type <> 'psychotherapy' OR c.code = '')) THEN
        RAISE EXCEPTION 'billing: charge % does not belong on document %', c.id, d.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER document_charges_match BEFORE INSERT ON document_charges
    FOR EACH ROW EXECUTE FUNCTION document_charges_match();
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();
CREATE TRIGGER document_charges_no_change BEFORE UPDATE OR DELETE ON document_charges
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();

-- Good Faith Estimates: when one fell due (a booking, a request, a plan
-- change) and by when, and each estimate issued for it.
CREATE TABLE estimate_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id    BIGINT NOT NULL REFERENCES clients (id),
    reason       TEXT NOT NULL CHECK (reason IN ('scheduled', 'requested', 'plan-change')),
    session_id   BIGINT REFERENCES care_sessions (id),
    requested_at BIGINT NOT NULL,
    due_by       BIGINT NOT NULL,
    done_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX estimate_requests_open ON estimate_requests (done_at, due_by);

CREATE TABLE estimates (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id    BIGINT REFERENCES estimate_requests (id),
    client_id     BIGINT NOT NULL REFERENCES clients (id),
    entity_id     BIGINT NOT NULL REFERENCES billing_entities (id),
    charge_type   TEXT NOT NULL CHECK (charge_type IN ('psychotherapy', 'medicine-session', 'prescriber', 'medication')),
    reason        TEXT NOT NULL CHECK (reason IN ('scheduled', 'requested', 'plan-change')),
    requested_at  BIGINT NOT NULL,
    due_by        BIGINT NOT NULL,
    issued_at     BIGINT NOT NULL,
    service_from  TEXT NOT NULL,
    service_to    TEXT NOT NULL,
    lines         TEXT NOT NULL, -- sealed JSON of journey.EstimateLine
    total_cents   BIGINT NOT NULL CHECK (total_cents >= 0),
    supersedes_id BIGINT REFERENCES estimates (id),
    document_id   BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    emailed_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX estimates_client ON estimates (client_id, issued_at);
