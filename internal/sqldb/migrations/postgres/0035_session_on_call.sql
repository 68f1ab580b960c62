-- The practice's rule for a remote session: an on-call medical contact
-- (a medical provider on staff) is recorded per session, whom the client
-- or their monitor calls if the client feels unwell at home. NULL for
-- sessions booked before the rule and for those that need none.
ALTER TABLE care_sessions ADD COLUMN on_call_id BIGINT REFERENCES users (id);
