-- A session's video room key (journey.NewRoomKey, made at booking): the
-- telehealth link template's {room}, so one session's link cannot be
-- guessed from another's as the sequential {session_id} can. Sessions
-- booked before get a random key here (128 bits, hex).
ALTER TABLE care_sessions ADD COLUMN room_key TEXT NOT NULL DEFAULT '';
UPDATE care_sessions SET room_key = lower(hex(randomblob(16)));
