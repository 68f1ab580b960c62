-- The plain clinical columns go, now that the Go step after 0007 has
-- sealed every row (see 0007), and the sealed columns take their names.
-- The intake's steps need no sealed copy: the sealed intake document holds
-- them. The review queue sorts on review_priority and review_since, set
-- only while a client awaits review; a response's questionnaire is found
-- through questionnaire_key.
DROP INDEX clients_queue;
ALTER TABLE clients DROP COLUMN screening;
ALTER TABLE clients DROP COLUMN priority;
ALTER TABLE clients DROP COLUMN intake_done_at;
ALTER TABLE clients DROP COLUMN cleared_until;
ALTER TABLE clients RENAME COLUMN screening_sealed TO screening;
CREATE INDEX clients_review ON clients (review_priority, review_since, id) WHERE review_priority IS NOT NULL;

ALTER TABLE intakes DROP COLUMN steps;

DROP INDEX responses_client;
ALTER TABLE responses DROP COLUMN questionnaire;
ALTER TABLE responses DROP COLUMN version;
ALTER TABLE responses RENAME COLUMN questionnaire_sealed TO questionnaire;
CREATE INDEX responses_client ON responses (client_id, questionnaire_key, id);

ALTER TABLE screenings DROP COLUMN missing;
ALTER TABLE screenings RENAME COLUMN missing_sealed TO missing;

ALTER TABLE clearances DROP COLUMN decision;
ALTER TABLE clearances DROP COLUMN cleared_until;
ALTER TABLE clearances DROP COLUMN override;
ALTER TABLE clearances DROP COLUMN replied_at;
ALTER TABLE clearances RENAME COLUMN decision_sealed TO decision;

ALTER TABLE alerts DROP COLUMN kind;
ALTER TABLE alerts DROP COLUMN flag;
ALTER TABLE alerts RENAME COLUMN kind_sealed TO kind;
