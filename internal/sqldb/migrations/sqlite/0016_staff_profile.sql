-- A staff member's licence, NPI and working zone, beside the credentials,
-- pronouns and bio they show. Not PHI: plain like the rest of the profile.
ALTER TABLE staff ADD COLUMN licence_number TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN licence_state TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN npi TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
