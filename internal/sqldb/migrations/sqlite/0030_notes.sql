-- Clinical notes (issue 12): a note per session from its type's template,
-- drafted, then signed and locked; a correction is an addendum. A
-- psychotherapy note (kind 'psychotherapy') is its author's alone: every
-- read of it in sqldb names its author. Fields and addenda are PHI, sealed
-- as JSON with "table.column" as associated data; ids, kinds, statuses
-- and times (Unix seconds, UTC) are plain. A signed note's row never
-- changes: the update names status = 'draft' in its WHERE, and a trigger
-- refuses any change to a signed row, whatever code path writes.
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('progress', 'psychotherapy')),
    template   TEXT NOT NULL,
    fields     TEXT NOT NULL, -- sealed
    status     TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    signed_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notes_session ON notes (session_id, id);
CREATE INDEX notes_client ON notes (client_id, template, status);
-- One progress note per session and client (a group's note is per attendee).
CREATE UNIQUE INDEX notes_one_progress ON notes (session_id, client_id) WHERE kind = 'progress';

CREATE TRIGGER notes_signed_locked BEFORE UPDATE ON notes
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed note is locked');
END;

CREATE TABLE note_addenda (
    id         INTEGER PRIMARY KEY,
    note_id    INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    addendum   TEXT NOT NULL, -- sealed
    added_by   INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX note_addenda_note ON note_addenda (note_id, id);
