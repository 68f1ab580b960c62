-- A consult's calendar event is named by a random UID made before its
-- booking is stored, so the booking's email (with its invitation) is
-- written before the booking's transaction rather than inside it, where on
-- PostgreSQL it held the locks other bookings wait for. Consults booked
-- before keep '' and the UID their id gave them.
ALTER TABLE consults ADD COLUMN calendar_uid TEXT NOT NULL DEFAULT '';
