-- A medical provider's review may be of a remote check-in's raised home
-- reading alone, before any reading is taken on the run sheet: its
-- observation_id is then NULL (it resolves no flagged reading). SQLite
-- cannot drop a NOT NULL, so the table is made again.
CREATE TABLE session_reviews_new (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    observation_id INTEGER REFERENCES session_observations (id),
    note           TEXT NOT NULL, -- sealed
    reviewed_by    INTEGER NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL
);
INSERT INTO session_reviews_new (id, session_id, observation_id, note, reviewed_by, created_at)
    SELECT id, session_id, observation_id, note, reviewed_by, created_at FROM session_reviews;
DROP TABLE session_reviews;
ALTER TABLE session_reviews_new RENAME TO session_reviews;
CREATE INDEX session_reviews_session ON session_reviews (session_id, id);
