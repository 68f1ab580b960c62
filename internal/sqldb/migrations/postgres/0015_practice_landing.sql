-- The landing page's text in the practice's own words (Markdown); empty
-- keeps Journey's general text.
ALTER TABLE practice ADD COLUMN landing TEXT NOT NULL DEFAULT '';
