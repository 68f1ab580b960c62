-- A voided charge is not billable, so a superbill refuses it as the code
-- does (journey.Superbillable); 0036's function checked only the type and
-- the code. Statements may still list one.
CREATE OR REPLACE FUNCTION document_charges_match() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d documents%ROWTYPE; c charges%ROWTYPE;
BEGIN
    SELECT * INTO d FROM documents WHERE id = NEW.document_id;
    SELECT * INTO c FROM charges WHERE id = NEW.charge_id;
    IF c.client_id <> d.client_id OR c.entity_id <> d.entity_id OR c.charge_type <> d.charge_type
       OR (d.kind = 'superbill' AND (c.charge_type <> 'psychotherapy' OR c.code = '' OR c.status <> 'open')) THEN
        RAISE EXCEPTION 'billing: charge % does not belong on document %', c.id, d.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
