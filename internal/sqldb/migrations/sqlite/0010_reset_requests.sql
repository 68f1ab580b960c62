-- reset_requests: "email me a password reset link" requests, worked by a
-- job so that POST /reset does the same work, and takes as long, whether
-- or not the address has an account. Only the address's blind index is
-- kept (the link goes to the account's own sealed address); the job
-- deletes the row once worked.
CREATE TABLE reset_requests (
    id         INTEGER PRIMARY KEY,
    email_key  TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
