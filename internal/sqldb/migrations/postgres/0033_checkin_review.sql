-- A medical provider's review may be of a remote check-in's raised home
-- reading alone, before any reading is taken on the run sheet: its
-- observation_id is then NULL (it resolves no flagged reading).
ALTER TABLE session_reviews ALTER COLUMN observation_id DROP NOT NULL;
