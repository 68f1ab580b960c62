-- Good Faith Estimates issued once: a client has one open estimate
-- request at a time (a second booking before it is issued joins it, with
-- the earlier deadline), and an estimate is superseded once, so two
-- processes issuing at the same moment cannot both replace the same one.
CREATE UNIQUE INDEX estimate_requests_one_open ON estimate_requests (client_id) WHERE done_at = 0;
CREATE UNIQUE INDEX estimates_supersede_once ON estimates (supersedes_id) WHERE supersedes_id IS NOT NULL;
CREATE INDEX estimates_current ON estimates (client_id, entity_id, charge_type, id);
