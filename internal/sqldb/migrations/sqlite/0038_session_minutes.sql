-- The minutes a clinician recorded when completing a session (0: none,
-- its scheduled length stands): a time-based service code (90832–90837,
-- the office visits) is chosen from them, and the session's page shows
-- why a line was not charged.
ALTER TABLE care_sessions ADD COLUMN minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 600);
