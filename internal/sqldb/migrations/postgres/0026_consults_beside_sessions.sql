-- A therapist's free consults and their care sessions never overlap. An
-- exclusion constraint cannot span two tables, so a trigger on each side
-- looks at the other and refuses an overlap as an exclusion violation
-- (23P01, a conflict like any other). Under READ COMMITTED a trigger sees
-- only committed rows: two transactions writing at once are kept apart
-- by the locks both bookings take first, one per therapist and clock hour
-- (lockBlock for a consult, lockHolds for a session, with the same keys),
-- so the second waits for the first to commit and then sees its row.
CREATE FUNCTION consults_beside_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'booked' AND EXISTS (
        SELECT 1 FROM session_resources r
        WHERE r.kind = 'staff' AND r.resource_id = NEW.therapist_id AND r.active
          AND r.start_at > NEW.start_at - 86400 AND r.start_at < NEW.block_end
          AND NEW.start_at < r.block_end) THEN
        RAISE EXCEPTION 'consult_overlaps_session' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER consults_beside_sessions BEFORE INSERT OR UPDATE OF therapist_id, start_at, block_end, status ON consults
    FOR EACH ROW EXECUTE FUNCTION consults_beside_sessions();

CREATE FUNCTION sessions_beside_consults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.active AND NEW.kind = 'staff' AND EXISTS (
        SELECT 1 FROM consults c
        WHERE c.therapist_id = NEW.resource_id AND c.status = 'booked'
          AND c.start_at > NEW.start_at - 86400 AND c.start_at < NEW.block_end
          AND NEW.start_at < c.block_end) THEN
        RAISE EXCEPTION 'session_overlaps_consult' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_beside_consults BEFORE INSERT OR UPDATE OF kind, resource_id, start_at, block_end, active ON session_resources
    FOR EACH ROW EXECUTE FUNCTION sessions_beside_consults();
