-- A member of staff has one time zone, their profile's (staff.time_zone):
-- their consult hours are read in it. Until now the consult calendar kept
-- a zone of its own, which could disagree with the profile's. Where a
-- calendar exists its zone is kept, as the hours were entered in it and
-- the times already offered must not move; the calendar's column goes.
UPDATE staff s SET time_zone = c.time_zone FROM consult_calendars c WHERE c.staff_id = s.id;
ALTER TABLE consult_calendars DROP COLUMN time_zone;
