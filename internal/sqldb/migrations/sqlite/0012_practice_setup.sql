-- A practice being set up by its first admin (no --demo) is not open for
-- bookings until the admin opens them; a practice that exists already is.
ALTER TABLE practice ADD COLUMN setup_pending INTEGER NOT NULL DEFAULT 0;
