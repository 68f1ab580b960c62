package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// After a medicine session (migration 0031): the morning-after check-in,
// whose safety answer raises a safety alert and mails the care team's
// therapists in the same transaction (as a PHQ-9 item 9 does), and the
// client's integration journal.

const (
	aadCheckinAnswers = "morning_checkins.answers"
	aadJournalBody    = "journal_entries.body"
)

// sealedCheckIn is what is sealed of a check-in: its answers and note.
type sealedCheckIn struct {
	Slept, Nausea, Headache, Urinary, Distress, Safety, Note string
}

// CreateMorningCheckIn stores m (its id, time and alert set here) and,
// when its safety answer calls for it, a safety alert with the care
// team's email, in one transaction; ECONFLICT when the session has its
// check-in, EINVALID naming the unanswered questions.
func (db *DB) CreateMorningCheckIn(ctx context.Context, m *journey.MorningCheckIn) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var composer journey.ClientMailComposer
	if m.SafetyConcern() {
		var err error
		if composer, err = db.clientMail(); err != nil {
			return err
		}
	}
	p := db.phi()
	sealed := p.sealPadded(aadCheckinAnswers, sealedCheckIn{m.Slept, m.Nausea, m.Headache, m.Urinary, m.Distress, m.Safety, m.Note}, padText)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		m.CreatedAt = tx.now
		m.ID, err = tx.insert(ctx, `INSERT INTO morning_checkins (session_id, client_id, answers, created_at) VALUES (?, ?, ?, ?)`,
			m.SessionID, m.ClientID, sealed, unix(tx.now))
		if isConflict(err) {
			return journey.Errorf(journey.ECONFLICT, "You have already checked in for this session: thank you.")
		}
		if err != nil || !m.SafetyConcern() {
			return err
		}
		kind, note := p.sealPadded(aadAlertKind, alertKind{Kind: journey.AlertSuicidality, Flag: journey.FlagMorningSafety}, padFact), p.seal(aadAlertNote, "")
		if p.err != nil {
			return p.err
		}
		if m.AlertID, err = tx.insert(ctx, `INSERT INTO alerts (client_id, kind, checkin_id, created_at, note) VALUES (?, ?, ?, ?, ?)`,
			m.ClientID, kind, m.ID, unix(tx.now), note); err != nil {
			return err
		}
		return tx.mailAlert(ctx, composer, m.ClientID, m.AlertID)
	})
}

// FindMorningCheckIns returns client id's check-ins, newest first.
func (db *DB) FindMorningCheckIns(ctx context.Context, clientID int64, limit int) ([]*journey.MorningCheckIn, error) {
	rows, err := db.query(ctx, `SELECT m.id, m.session_id, m.answers, m.created_at, COALESCE((SELECT MIN(a.id) FROM alerts a WHERE a.checkin_id = m.id), 0)
		FROM morning_checkins m WHERE m.client_id = ? ORDER BY m.id DESC LIMIT ?`, clientID, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := db.phi()
	var out []*journey.MorningCheckIn
	for rows.Next() {
		m := &journey.MorningCheckIn{ClientID: clientID}
		var sealed string
		var at int64
		if err := rows.Scan(&m.ID, &m.SessionID, &sealed, &at, &m.AlertID); err != nil {
			return nil, err
		}
		var s sealedCheckIn
		p.openJSON(aadCheckinAnswers, sealed, &s)
		m.Slept, m.Nausea, m.Headache, m.Urinary, m.Distress, m.Safety, m.Note = s.Slept, s.Nausea, s.Headache, s.Urinary, s.Distress, s.Safety, s.Note
		m.CreatedAt = fromUnix(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

// FindMorningSession returns the client's latest medicine session that
// ended in (after, before], not cancelled or missed; ENOTFOUND when there
// is none.
func (db *DB) FindMorningSession(ctx context.Context, clientID int64, after, before time.Time) (*journey.CareSession, error) {
	ss, err := db.careSessions(ctx, `s.client_id = ? AND s.type = 'medicine' AND s.status NOT IN ('cancelled', 'no_show')
		AND s.end_at > ? AND s.end_at <= ?`, []any{clientID, unix(after), unix(before)}, journey.MaxSessionList)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "No medicine session to check in about.")
	}
	return ss[len(ss)-1], nil
}

// CreateJournalEntry stores e (its id and times set here); EINVALID on
// text.
func (db *DB) CreateJournalEntry(ctx context.Context, e *journey.JournalEntry) error {
	text, err := journey.CheckJournal(e.Text)
	if err != nil {
		return err
	}
	e.Text = text
	p := db.phi()
	sealed := p.sealPadded(aadJournalBody, e.Text, padText)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		e.CreatedAt, e.UpdatedAt = tx.now, tx.now
		var err error
		e.ID, err = tx.insert(ctx, `INSERT INTO journal_entries (client_id, body, shared, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			e.ClientID, sealed, e.Shared, unix(tx.now), unix(tx.now))
		return notFound(err, "Client")
	})
}

const journalColumns = `id, client_id, body, shared, created_at, updated_at`

func (db *DB) scanJournal(p *phi, row scanner) (*journey.JournalEntry, error) {
	e := &journey.JournalEntry{}
	var created, updated int64
	if err := row.Scan(&e.ID, &e.ClientID, &e.Text, &e.Shared, &created, &updated); err != nil {
		return nil, err
	}
	p.openJSON(aadJournalBody, e.Text, &e.Text)
	e.CreatedAt, e.UpdatedAt = fromUnix(created), fromUnix(updated)
	return e, nil
}

// FindJournalEntry returns entry id; ENOTFOUND when there is none.
func (db *DB) FindJournalEntry(ctx context.Context, id int64) (*journey.JournalEntry, error) {
	p := db.phi()
	e, err := db.scanJournal(p, db.queryRow(ctx, `SELECT `+journalColumns+` FROM journal_entries WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Entry")
	}
	return e, p.err
}

// SetJournalShared shares entry id with the therapist or takes it back;
// ENOTFOUND when there is none.
func (db *DB) SetJournalShared(ctx context.Context, id int64, shared bool) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE journal_entries SET shared = ?, updated_at = ? WHERE id = ?`, shared, unix(tx.now), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Entry not found.")
		}
		return nil
	})
}

// FindJournal returns client id's entries, newest first, only the shared
// ones when sharedOnly.
func (db *DB) FindJournal(ctx context.Context, clientID int64, sharedOnly bool, limit int) ([]*journey.JournalEntry, error) {
	rows, err := db.query(ctx, `SELECT `+journalColumns+` FROM journal_entries WHERE client_id = ? AND (? OR shared) ORDER BY id DESC LIMIT ?`,
		clientID, !sharedOnly, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := db.phi()
	var out []*journey.JournalEntry
	for rows.Next() {
		e, err := db.scanJournal(p, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}
