-- The log's reports read a range of entries by time, oldest first: this
-- index gives them in that order (at, then id), with the location,
-- containers and clients of each, so the CSV finds what it must look up
-- before its first row from the index alone; and it holds, as one value,
-- every field of an entry the CSV shows (sqldb.logFileFields, the same
-- expression), so a month's file is read from the index without visiting
-- the table, one value a row. It replaces the index on at.
CREATE INDEX cs_entries_range ON cs_entries (at, id, location_id, container_id, client_id,
    (kind || ' ' || container_id || ' ' || amount || ' ' || balance_after || ' ' || COALESCE(CAST(counted AS TEXT), '') || ' ' ||
    COALESCE(session_id, 0) || ' ' || COALESCE(client_id, 0) || ' ' || COALESCE(witness_id, 0) || ' ' || by_id || ' ' || signature || ' ' ||
    at || ' ' || reason));
DROP INDEX cs_entries_at;
