package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/journey-kap/journey"
)

// Clinical notes (migration 0030). A note's fields are sealed as one JSON
// object; a signed note's row never changes (the update is conditional on
// status = 'draft', and a trigger refuses a change to a signed row on both
// engines), and a correction is an addendum. Whose psychotherapy note may
// be read is processing's rule; the list reads here take the author so a
// session's list never carries another's.

const (
	aadNoteFields   = "notes.fields"
	aadNoteAddendum = "note_addenda.addendum"
)

const noteColumns = `n.id, n.session_id, n.client_id, n.kind, n.template, n.fields, n.status, n.author_id, n.created_at, n.updated_at,
	n.signed_at, s.type, s.start_at`

func (db *DB) scanNote(p *phi, row scanner) (*journey.Note, error) {
	n := &journey.Note{}
	var sealed string
	var created, updated, signed, start int64
	if err := row.Scan(&n.ID, &n.SessionID, &n.ClientID, &n.Kind, &n.Template, &sealed, &n.Status, &n.AuthorID, &created, &updated,
		&signed, &n.SessionType, &start); err != nil {
		return nil, err
	}
	p.openJSON(aadNoteFields, sealed, &n.Fields)
	n.CreatedAt, n.UpdatedAt, n.SignedAt, n.SessionStart = fromUnix(created), fromUnix(updated), fromUnix(signed), fromUnix(start)
	return n, nil
}

// CreateNote stores n as a draft from its session's template (n.Template
// and n.CreatedAt set here); ENOTFOUND when the session is gone or the
// client is not one of its clients, ECONFLICT when the session has a
// progress note for the client, EINVALID naming the wrong fields.
func (db *DB) CreateNote(ctx context.Context, n *journey.Note) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, n.SessionID)
		if err != nil {
			return err
		}
		var held int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM session_resources WHERE session_id = ? AND kind = 'client' AND resource_id = ?`,
			s.ID, n.ClientID).Scan(&held); err != nil {
			return err
		}
		if held == 0 && s.ClientID != n.ClientID {
			return journey.Errorf(journey.ENOTFOUND, "The client is not in this session.")
		}
		n.Template, _ = journey.NoteTemplate(n.Kind, s.Type)
		if err := n.CheckFields(); err != nil {
			return err
		}
		p := db.phi()
		sealed := p.sealPadded(aadNoteFields, n.Fields, padDoc)
		if p.err != nil {
			return p.err
		}
		n.Status, n.CreatedAt, n.UpdatedAt, n.SessionType, n.SessionStart = journey.NoteDraft, tx.now, tx.now, s.Type, s.Start
		n.ID, err = tx.insert(ctx, `INSERT INTO notes (session_id, client_id, kind, template, fields, status, author_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)`, n.SessionID, n.ClientID, n.Kind, n.Template, sealed, n.AuthorID, unix(tx.now), unix(tx.now))
		if isConflict(err) {
			return journey.Errorf(journey.ECONFLICT, "This session already has a progress note for the client: open it instead.")
		}
		return err
	})
}

// FindNote returns note id with its addenda; ENOTFOUND when there is none.
func (db *DB) FindNote(ctx context.Context, id int64) (*journey.Note, error) {
	return db.findNote(ctx, db, id)
}

func (db *DB) findNote(ctx context.Context, q reader, id int64) (*journey.Note, error) {
	p := db.phi()
	n, err := db.scanNote(p, q.queryRow(ctx, `SELECT `+noteColumns+` FROM notes n JOIN care_sessions s ON s.id = n.session_id WHERE n.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Note")
	}
	if err := eachRow(q, ctx, `SELECT id, addendum, added_by, created_at FROM note_addenda WHERE note_id = ? ORDER BY id`, id,
		func(sc scanner) error {
			var a journey.Addendum
			var at int64
			if err := sc.Scan(&a.ID, &a.Text, &a.AuthorID, &at); err != nil {
				return err
			}
			p.openJSON(aadNoteAddendum, a.Text, &a.Text)
			a.At = fromUnix(at)
			n.Addenda = append(n.Addenda, a)
			return nil
		}); err != nil {
		return nil, err
	}
	return n, p.err
}

// FindSessionNotes returns session id's progress notes and the
// psychotherapy notes author wrote on it (none when author is 0), oldest
// first, without their addenda.
func (db *DB) FindSessionNotes(ctx context.Context, sessionID, author int64) ([]*journey.Note, error) {
	rows, err := db.query(ctx, `SELECT `+noteColumns+` FROM notes n JOIN care_sessions s ON s.id = n.session_id
		WHERE n.session_id = ? AND (n.kind = 'progress' OR (n.author_id = ? AND ? <> 0)) ORDER BY n.id LIMIT 200`, sessionID, author, author)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := db.phi()
	out := []*journey.Note{}
	for rows.Next() {
		n, err := db.scanNote(p, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

// UpdateNote replaces draft id's fields and returns the note; ECONFLICT
// once it is signed, ENOTFOUND when there is none, EINVALID naming the
// wrong fields.
func (db *DB) UpdateNote(ctx context.Context, id int64, fields map[string]string) (*journey.Note, error) {
	var out *journey.Note
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := db.findNote(ctx, tx, id)
		if err != nil {
			return err
		}
		if n.Status != journey.NoteDraft {
			return errSigned
		}
		n.Fields = fields
		if err := n.CheckFields(); err != nil {
			return err
		}
		p := db.phi()
		sealed := p.sealPadded(aadNoteFields, n.Fields, padDoc)
		if p.err != nil {
			return p.err
		}
		if err := tx.changeDraft(ctx, `UPDATE notes SET fields = ?, updated_at = ? WHERE id = ? AND status = 'draft'`, sealed, unix(tx.now), id); err != nil {
			return err
		}
		n.UpdatedAt, out = tx.now, n
		return nil
	})
	return out, err
}

var errSigned = journey.Errorf(journey.ECONFLICT, "The note is signed and locked: add an addendum instead.")

// changeDraft runs an update of a draft note and reports errSigned when it
// changed no row (signed meanwhile) or the database's lock refused it.
func (tx *Tx) changeDraft(ctx context.Context, query string, args ...any) error {
	res, err := tx.exec(ctx, query, args...)
	if isConflict(err) {
		return errSigned
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(errSigned, err)
	}
	return nil
}

// SignNote signs draft id and returns it locked; ECONFLICT once it is
// signed, EINVALID naming the headings still empty.
func (db *DB) SignNote(ctx context.Context, id int64) (*journey.Note, error) {
	var out *journey.Note
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := db.findNote(ctx, tx, id)
		if err != nil {
			return err
		}
		if n.Status != journey.NoteDraft {
			return errSigned
		}
		if err := n.CheckSign(); err != nil {
			return err
		}
		if err := tx.changeDraft(ctx, `UPDATE notes SET status = 'signed', signed_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			unix(tx.now), unix(tx.now), id); err != nil {
			return err
		}
		n.Status, n.SignedAt, n.UpdatedAt, out = journey.NoteSigned, tx.now, tx.now, n
		return nil
	})
	return out, err
}

// CreateAddendum adds a to signed note noteID (a.At set here); ECONFLICT
// on a draft (it is changed itself), ENOTFOUND when there is no note,
// EINVALID on text.
func (db *DB) CreateAddendum(ctx context.Context, noteID int64, a *journey.Addendum) error {
	text, err := journey.CheckAddendum(a.Text)
	if err != nil {
		return err
	}
	a.Text = text
	p := db.phi()
	sealed := p.sealPadded(aadNoteAddendum, a.Text, padText)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var status string
		if err := tx.queryRow(ctx, `SELECT status FROM notes WHERE id = ?`, noteID).Scan(&status); err != nil {
			return notFound(err, "Note")
		}
		if status != journey.NoteSigned {
			return journey.Errorf(journey.ECONFLICT, "An addendum follows signing: until then, change the note itself.")
		}
		a.At = tx.now
		var err error
		a.ID, err = tx.insert(ctx, `INSERT INTO note_addenda (note_id, addendum, added_by, created_at) VALUES (?, ?, ?, ?)`,
			noteID, sealed, a.AuthorID, unix(tx.now))
		return err
	})
}

// unsignedWhere selects the completed sessions, ended before a time, whose
// note author's (the therapist, else the medical provider) is a given
// member of staff and that have no signed progress note.
const unsignedWhere = `s.status = 'completed' AND s.end_at < ?
	AND (EXISTS (SELECT 1 FROM session_resources r WHERE r.session_id = s.id AND r.role = 'therapist' AND r.resource_id = ?)
		OR (EXISTS (SELECT 1 FROM session_resources r WHERE r.session_id = s.id AND r.role = 'medical_provider' AND r.resource_id = ?)
			AND NOT EXISTS (SELECT 1 FROM session_resources r WHERE r.session_id = s.id AND r.role = 'therapist')))
	AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.session_id = s.id AND n.kind = 'progress' AND n.status = 'signed')`

// FindUnsignedSessions returns up to limit of author's completed sessions
// that ended before `before` with no signed progress note, oldest first,
// and how many there are.
func (db *DB) FindUnsignedSessions(ctx context.Context, author int64, before time.Time, limit int) ([]*journey.CareSession, int, error) {
	args := []any{unix(before), author, author}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM care_sessions s WHERE `+unsignedWhere, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 {
		return nil, 0, nil
	}
	ss, err := db.careSessions(ctx, unsignedWhere, args, max(limit, 1))
	return ss, total, err
}

// FindClientPlan returns client id's latest signed preparation note;
// ENOTFOUND when there is none.
func (db *DB) FindClientPlan(ctx context.Context, clientID int64) (*journey.Note, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT id FROM notes WHERE client_id = ? AND template = ? AND kind = 'progress' AND status = 'signed'
		ORDER BY signed_at DESC, id DESC LIMIT 1`, clientID, journey.TypePreparation).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, journey.Errorf(journey.ENOTFOUND, "No signed preparation note.")
	}
	if err != nil {
		return nil, err
	}
	return db.FindNote(ctx, id)
}
