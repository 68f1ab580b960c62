-- The practice's windows the reminder and cancellation rules use: how long
-- before an appointment a reminder goes out, and how late a client may
-- cancel without it counting as late.
ALTER TABLE practice ADD COLUMN reminder_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE practice ADD COLUMN cancel_notice_hours INTEGER NOT NULL DEFAULT 24;
