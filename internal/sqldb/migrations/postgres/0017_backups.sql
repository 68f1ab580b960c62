-- Every backup attempt, scheduled or by `journey backup`: when it started
-- and finished, the file's name and size, and the error ('' when it was
-- written and verified). Today and the metrics read the newest.
CREATE TABLE backups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    file TEXT NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
