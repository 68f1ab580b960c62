-- Clinical notes (issue 12): a note per session from its type's template,
-- drafted, then signed and locked; a correction is an addendum. A
-- psychotherapy note (kind 'psychotherapy') is its author's alone: every
-- read of it in sqldb names its author. Fields and addenda are PHI, sealed
-- as JSON with "table.column" as associated data; ids, kinds, statuses
-- and times (Unix seconds, UTC) are plain. A signed note's row never
-- changes: the update names status = 'draft' in its WHERE, and a trigger
-- refuses any change to a signed row, whatever code path writes.
CREATE TABLE notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES care_sessions (id) ON DELETE CASCADE,
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('progress', 'psychotherapy')),
    template   TEXT NOT NULL,
    fields     TEXT NOT NULL, -- sealed
    status     TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    author_id  BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    signed_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notes_session ON notes (session_id, id);
CREATE INDEX notes_client ON notes (client_id, template, status);
-- One progress note per session and client (a group's note is per attendee).
CREATE UNIQUE INDEX notes_one_progress ON notes (session_id, client_id) WHERE kind = 'progress';

CREATE FUNCTION notes_signed_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signed note is locked' USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER notes_signed_locked BEFORE UPDATE ON notes
FOR EACH ROW WHEN (OLD.status = 'signed') EXECUTE FUNCTION notes_signed_locked();

CREATE TABLE note_addenda (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id    BIGINT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    addendum   TEXT NOT NULL, -- sealed
    added_by   BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX note_addenda_note ON note_addenda (note_id, id);
