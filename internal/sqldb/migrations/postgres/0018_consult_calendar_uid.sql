-- A consult's calendar event is named by a random UID made before its
-- booking is stored, so the booking's email (with its invitation) is
-- written before the booking's transaction rather than inside it, where on
-- PostgreSQL it held the locks other bookings wait for. Consults booked
-- before keep '' and the UID their id gave them.
ALTER TABLE consults ADD COLUMN calendar_uid TEXT NOT NULL DEFAULT '';

-- The outbox holds sealed bodies, which do not compress: a message of a
-- few kilobytes stays in its row instead of being tried for compression
-- and moved to the TOAST table, which cost every booking a second heap and
-- index insert. Longer messages are still moved out of line.
ALTER TABLE outbox SET (toast_tuple_target = 8160);
