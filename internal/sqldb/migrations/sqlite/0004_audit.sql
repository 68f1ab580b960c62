-- The audit trail: append-only, each row sealed with an HMAC chained to the
-- row before it (package audit). The key and the chain's head checkpoint
-- live outside the database. Times are Unix microseconds.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at_us        INTEGER NOT NULL,
    actor_id     INTEGER NOT NULL,
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    client_addr  TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, seq);
CREATE INDEX audit_log_time ON audit_log (at_us);

-- Rows are never changed or removed by Journey; refusing it here stops
-- mistakes, while the HMAC chain catches anyone who gets around it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
