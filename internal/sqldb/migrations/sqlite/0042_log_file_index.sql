-- cs_entries_range (0041) held the CSV's value of each entry beside its
-- time, so every other read of a range (the screen's count of a month,
-- the CSV's lookups of containers and clients) walked an index ten times
-- the size it needs: the value moves to an index of its own, which only
-- the CSV reads (sqldb.logFileFields, the same expression).
CREATE INDEX cs_entries_file ON cs_entries (at, id, location_id,
    (kind || ' ' || container_id || ' ' || amount || ' ' || balance_after || ' ' || COALESCE(CAST(counted AS TEXT), '') || ' ' ||
    COALESCE(session_id, 0) || ' ' || COALESCE(client_id, 0) || ' ' || COALESCE(witness_id, 0) || ' ' || by_id || ' ' || signature || ' ' ||
    at || ' ' || reason));
DROP INDEX cs_entries_range;
CREATE INDEX cs_entries_range ON cs_entries (at, id, location_id, container_id, client_id);
