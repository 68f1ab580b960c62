-- How a consult takes place: the therapist calls the person's phone, or
-- they meet on the practice's video link. Consults booked before there was
-- a choice were by phone. Not PHI: plain like the status.
ALTER TABLE consults ADD COLUMN mode TEXT NOT NULL DEFAULT 'phone' CHECK (mode IN ('phone', 'video'));
ALTER TABLE consult_holds ADD COLUMN mode TEXT NOT NULL DEFAULT 'phone' CHECK (mode IN ('phone', 'video'));
-- The practice's video room (https), sent with each video consult.
ALTER TABLE practice ADD COLUMN video_link TEXT NOT NULL DEFAULT '';
