-- SQLite's 0042 gives the CSV's value of each entry an index of its own;
-- PostgreSQL's cs_entries_range holds no such value (0041): nothing to do.
SELECT 1;
