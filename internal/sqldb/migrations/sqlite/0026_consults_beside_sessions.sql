-- A therapist's free consults and their care sessions never overlap. SQLite
-- has one writer at a time, so these checks and the writes they guard are
-- atomic: a consult cannot be booked or moved over a session the therapist
-- holds (with its buffer), nor a session over a booked consult, whatever
-- code path writes. The lower bounds on start_at keep the lookups index
-- ranges (a block is never longer than a day).
CREATE TRIGGER consults_beside_sessions_insert BEFORE INSERT ON consults
WHEN NEW.status = 'booked' AND EXISTS (
    SELECT 1 FROM session_resources r
    WHERE r.kind = 'staff' AND r.resource_id = NEW.therapist_id AND r.active
      AND r.start_at > NEW.start_at - 86400 AND r.start_at < NEW.block_end
      AND NEW.start_at < r.block_end)
BEGIN
    SELECT RAISE(ABORT, 'consult_overlaps_session');
END;

CREATE TRIGGER consults_beside_sessions_update BEFORE UPDATE OF therapist_id, start_at, block_end, status ON consults
WHEN NEW.status = 'booked' AND EXISTS (
    SELECT 1 FROM session_resources r
    WHERE r.kind = 'staff' AND r.resource_id = NEW.therapist_id AND r.active
      AND r.start_at > NEW.start_at - 86400 AND r.start_at < NEW.block_end
      AND NEW.start_at < r.block_end)
BEGIN
    SELECT RAISE(ABORT, 'consult_overlaps_session');
END;

CREATE TRIGGER sessions_beside_consults_insert BEFORE INSERT ON session_resources
WHEN NEW.active AND NEW.kind = 'staff' AND EXISTS (
    SELECT 1 FROM consults c
    WHERE c.therapist_id = NEW.resource_id AND c.status = 'booked'
      AND c.start_at > NEW.start_at - 86400 AND c.start_at < NEW.block_end
      AND NEW.start_at < c.block_end)
BEGIN
    SELECT RAISE(ABORT, 'session_overlaps_consult');
END;

CREATE TRIGGER sessions_beside_consults_update BEFORE UPDATE OF kind, resource_id, start_at, block_end, active ON session_resources
WHEN NEW.active AND NEW.kind = 'staff' AND EXISTS (
    SELECT 1 FROM consults c
    WHERE c.therapist_id = NEW.resource_id AND c.status = 'booked'
      AND c.start_at > NEW.start_at - 86400 AND c.start_at < NEW.block_end
      AND NEW.start_at < c.block_end)
BEGIN
    SELECT RAISE(ABORT, 'session_overlaps_consult');
END;
