-- Clinical facts that sat in plain columns get sealed columns beside them:
-- a client's screening status with its review priority, intake completion
-- and clearance date (clients.screening_sealed); which questionnaire a
-- response is (responses.questionnaire_sealed); what an evaluation found
-- still missing (screenings.missing_sealed); a clearance decision with its
-- date, override and reply time (clearances.decision_sealed); an alert's
-- kind and flag (alerts.kind_sealed). Each holds AES-256-GCM ciphertext of
-- padded JSON, sealed with its final "table.column" as associated data.
--
-- SQL cannot encrypt. After this migration Open runs a Go step (upgrade.go)
-- that seals every existing row, a batch per transaction, and overwrites
-- the plain values as it goes; only then is migration 0008 applied, which
-- drops the plain columns. A sealed column still '' marks a row the step
-- has not reached, so a stop half-way loses nothing and the next Open
-- carries on. Stop every process of an older release before upgrading: a
-- row it wrote after the step would lose its plain values in 0008.
ALTER TABLE clients ADD COLUMN screening_sealed TEXT NOT NULL DEFAULT '';
-- What the review queue sorts on, set only while the client awaits review.
ALTER TABLE clients ADD COLUMN review_priority BIGINT;  -- 0 safety alert or hard stop, 1 prescriber review, 2 warning, 3 none
ALTER TABLE clients ADD COLUMN review_since BIGINT;     -- when intake and the required questionnaires were done
UPDATE clients SET review_priority = priority, review_since = intake_done_at WHERE screening = 'awaiting_review';

ALTER TABLE responses ADD COLUMN questionnaire_sealed TEXT NOT NULL DEFAULT '';
-- A blind index of (client, questionnaire): groups one client's responses
-- by questionnaire without naming it, and differs between clients.
ALTER TABLE responses ADD COLUMN questionnaire_key TEXT NOT NULL DEFAULT '';

ALTER TABLE screenings ADD COLUMN missing_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE clearances ADD COLUMN decision_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN kind_sealed TEXT NOT NULL DEFAULT '';
