-- The log's reports read a range of entries by time, oldest first: this
-- index gives them in that order (at, then id), so no report sorts a
-- month of entries, and holds the location, containers and clients of
-- each, so the CSV finds what it must look up before its first row from
-- the index alone. It replaces the index on at. (SQLite's also holds the
-- fields the CSV shows as one value; PostgreSQL reads them from the
-- table, and its driver reads many columns cheaply.)
CREATE INDEX cs_entries_range ON cs_entries (at, id, location_id, container_id, client_id);
DROP INDEX cs_entries_at;
