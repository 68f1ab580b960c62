-- A voided charge is not billable, so a superbill refuses it as the code
-- does (journey.Superbillable); 0036's trigger checked only the type and
-- the code. Statements may still list one.
DROP TRIGGER document_charges_match;
CREATE TRIGGER document_charges_match BEFORE INSERT ON document_charges
WHEN NOT EXISTS (SELECT 1 FROM documents d JOIN charges c ON c.id = NEW.charge_id
    WHERE d.id = NEW.document_id AND c.client_id = d.client_id AND c.entity_id = d.entity_id
      AND c.charge_type = d.charge_type
      AND (d.kind <> 'superbill' OR (c.charge_type = 'psychotherapy' AND c.code <> '' AND c.status = 'open')))
BEGIN
    SELECT RAISE(ABORT, 'billing: charge does not belong on this document');
END;
