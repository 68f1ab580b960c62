-- The index of booked consults by therapist and start also holds each
-- block's end. Every booking checks a day of its therapist's bookings for
-- an overlap (SQLite's trigger, private booking's hold check); with the end
-- in the index the check reads no booking's row.
DROP INDEX consults_booked;
CREATE INDEX consults_booked ON consults (therapist_id, start_at, block_end) WHERE status = 'booked';
