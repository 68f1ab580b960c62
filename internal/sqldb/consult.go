package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/schedule"
)

var _ journey.ConsultService = (*DB)(nil)

const consultColumns = `id, therapist_id, start_at, end_at, status, name, email, phone, contact_method, mode,
	time_zone, reason, cancel_reason, sequence, calendar_uid, created_at, updated_at`

// scanConsult reads a row of consultColumns and decrypts its PHI.
func (db *DB) scanConsult(row scanner) (*journey.Consult, error) {
	var c journey.Consult
	var start, end, created, updated int64
	err := row.Scan(&c.ID, &c.TherapistID, &start, &end, &c.Status, &c.Name, &c.Email, &c.Phone, &c.ContactMethod, &c.Mode,
		&c.TimeZone, &c.Reason, &c.CancelReason, &c.Sequence, &c.CalendarUID, &created, &updated)
	if err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadConsultName, &c.Name)
	p.open(aadConsultEmail, &c.Email)
	p.open(aadConsultPhone, &c.Phone)
	p.open(aadConsultReason, &c.Reason)
	p.open(aadConsultCancelReason, &c.CancelReason)
	if p.err != nil {
		return nil, fmt.Errorf("consult %d: %w", c.ID, p.err)
	}
	c.Start, c.End, c.CreatedAt, c.UpdatedAt = fromUnix(start), fromUnix(end), fromUnix(created), fromUnix(updated)
	return &c, nil
}

// newToken returns a random manage token and the hash the database keeps.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// FindSlots returns open consult slots in [q.From, q.From + q.Days days).
func (db *DB) FindSlots(ctx context.Context, q journey.SlotQuery) ([]journey.Slot, error) {
	if q.Days < 1 || q.Days > journey.MaxSlotDays {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "days", Detail: fmt.Sprintf("Days must be between 1 and %d.", journey.MaxSlotDays)}}}
	}
	if err := db.bookable(ctx); journey.ErrorCode(err) == journey.ECONFLICT {
		return []journey.Slot{}, nil // nothing is offered before bookings open
	} else if err != nil {
		return nil, err
	}
	ts, err := db.candidates(ctx, q.TherapistID)
	if err != nil {
		return nil, err
	}
	to := q.From.AddDate(0, 0, q.Days)
	busy, err := db.busy(ctx, db.query, q.From, to)
	if err != nil {
		return nil, err
	}
	locs := make([]*time.Location, len(ts))
	for i, t := range ts {
		if locs[i], err = t.Location(); err != nil {
			return nil, err
		}
	}
	return schedule.OpenAll(ts, locs, busy, q.From, to, db.Now()), nil
}

// candidates returns the one therapist asked for, or every active one.
func (db *DB) candidates(ctx context.Context, therapistID int64) ([]*journey.Therapist, error) {
	all, err := db.therapists(ctx)
	if err != nil {
		return nil, err // an outage is not the visitor's mistake
	}
	return candidatesFrom(all, therapistID)
}

// candidatesFrom returns copies of the one therapist of all asked for, or
// of every active one; EINVALID naming therapist_id when the one asked for
// is not an active therapist.
func candidatesFrom(all []*journey.Therapist, therapistID int64) ([]*journey.Therapist, error) {
	var out []*journey.Therapist
	for _, t := range all {
		if t.Active && (therapistID == 0 || t.ID == therapistID) {
			cp := *t
			out = append(out, &cp)
		}
	}
	if therapistID != 0 && len(out) == 0 {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "therapist_id", Detail: "Choose one of our therapists, or any therapist."}}}
	}
	return out, nil
}

// busy returns the intervals that reach into [from, to) in which each
// member of staff is taken, by id: consults, live holds and care sessions.
func (db *DB) busy(ctx context.Context, query queryFunc, from, to time.Time) (map[int64][]schedule.Interval, error) {
	// A live hold (private booking, consult_private.go) is busy like a
	// booking; a lapsed one is not, so it frees its time at read time. A
	// care session the therapist holds is busy too, with its buffer.
	rows, err := query(ctx, `SELECT therapist_id, start_at, block_end FROM consults
		WHERE status = 'booked' AND start_at < ? AND start_at > ?
		UNION ALL SELECT therapist_id, start_at, block_end FROM consult_holds
		WHERE consult_id IS NULL AND hold_until > ? AND start_at < ? AND start_at > ?
		UNION ALL SELECT resource_id, start_at, block_end FROM session_resources
		WHERE kind = 'staff' AND active AND start_at < ? AND start_at > ?
		ORDER BY 1, 2`,
		unix(to), unix(from)-86400, unix(db.Now()), unix(to), unix(from)-86400, unix(to), unix(from)-86400)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]schedule.Interval{}
	for rows.Next() {
		var id, s, e int64
		if err := rows.Scan(&id, &s, &e); err != nil {
			return nil, err
		}
		out[id] = append(out[id], schedule.Interval{Start: fromUnix(s), End: fromUnix(e)})
	}
	return out, rows.Err()
}

var errNotOffered = &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
	Fields: []journey.FieldError{{Field: "start", Detail: "That time is not one we offer. Please choose one of the times shown."}}}

var errTaken = &journey.Error{Code: journey.ECONFLICT, Message: "Sorry, that time was just taken. Please choose another."}

// ErrEmailHasConsult is the conflict returned when the email address already
// has an upcoming consult; the web layer offers to resend its manage link.
var ErrEmailHasConsult = &journey.Error{Code: journey.ECONFLICT,
	Message: "An upcoming consult is already booked with this email address.",
	Fields:  []journey.FieldError{{Field: "email", Detail: "This email address already has an upcoming consult. We can email you the link to view, move or cancel it."}}}

// offeredBy returns the candidates whose calendar offers start.
func offeredBy(ts []*journey.Therapist, start, now time.Time) []*journey.Therapist {
	var out []*journey.Therapist
	for _, t := range ts {
		loc, err := t.Location()
		if err == nil && schedule.IsOffered(t, loc, start, now) {
			out = append(out, t)
		}
	}
	return out
}

// CreateConsult books a consult with the chosen therapist, or with the first
// free one that offers the time. The database refuses an overlapping booking
// (consults_no_overlap), so a lost race is a conflict, never a double booking.
func (db *DB) CreateConsult(ctx context.Context, r *journey.BookingRequest) (*journey.Consult, error) {
	// One read of the change counters answers whether the practice takes
	// bookings, who offers the time and what the email says.
	all, practice, err := db.catalog(ctx)
	if err != nil {
		return nil, err
	}
	if !practice.Open() {
		return nil, journey.Errorf(journey.ECONFLICT, journey.NotOpenMessage)
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	ts, err := candidatesFrom(all, r.TherapistID)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	if !r.Start.After(now) {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "start", Detail: "That time has passed. Please choose a later one."}}}
	}
	offering := offeredBy(ts, r.Start, now)
	if len(offering) == 0 {
		return nil, errNotOffered
	}
	for _, t := range offering {
		c, err := db.book(ctx, r, t, practice)
		if journey.ErrorCode(err) == journey.ECONFLICT && err != ErrEmailHasConsult {
			continue // taken meanwhile: try the next therapist who offers it
		}
		return c, err
	}
	return nil, errTaken
}

func (db *DB) book(ctx context.Context, r *journey.BookingRequest, t *journey.Therapist, practice *journey.Practice) (*journey.Consult, error) {
	token, hash := newToken()
	now := db.Now().UTC().Truncate(time.Second)
	c := &journey.Consult{TherapistID: t.ID, Start: r.Start.UTC(), End: r.Start.Add(t.ConsultLength).UTC(),
		Status: journey.ConsultBooked, Name: r.Name, Email: r.Email, Phone: r.Phone, ContactMethod: r.ContactMethod,
		Mode: r.Mode, TimeZone: r.TimeZone, Reason: r.Reason, ManageToken: token, CalendarUID: newCalendarUID(), CreatedAt: now, UpdatedAt: now}
	blockEnd := c.End.Add(t.Buffer)
	// Everything that needs no lock is done before the transaction: on
	// SQLite the transaction runs on the one writer every booking waits for,
	// on PostgreSQL it holds the locks other bookings may wait for. That
	// includes the email: its invitation names the event by CalendarUID,
	// not by the id the insert gives.
	p := db.phi()
	name, email, phone, reason := p.seal(aadConsultName, c.Name), p.seal(aadConsultEmail, c.Email),
		p.seal(aadConsultPhone, c.Phone), p.seal(aadConsultReason, c.Reason)
	if p.err != nil {
		return nil, p.err
	}
	m, err := db.composeConsultMail(journey.MailConsultBooked, c, t, practice, token)
	if err != nil {
		return nil, err
	}
	sm, err := db.sealMessage(m)
	if err != nil {
		return nil, err
	}
	key, nameTokens := db.emailKey(r.Email), db.Keys.NameIndex(c.Name)
	// The consult's columns, then the address and time of the check that
	// the address has no upcoming consult: no row back means it has.
	args := []any{c.TherapistID, unix(c.Start), unix(c.End), unix(blockEnd), name, email, key,
		phone, c.ContactMethod, c.Mode, c.TimeZone, reason, unix(now), hash, c.CalendarUID, unix(now), unix(now),
		key, unix(now)}
	if db.Dialect == Postgres && db.MailJobSQL != nil {
		lock, lockArgs := blockLock(key, t.ID, c.Start, blockEnd)
		insert, insertArgs := db.insertBooking(args, nameTokens, sm, now)
		c.ID, m.ID, err = db.pipeline(ctx, lock, lockArgs, insert, insertArgs)
	} else {
		err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
			if err := tx.lockBlock(ctx, key, t.ID, c.Start, blockEnd); err != nil {
				return err
			}
			var err error
			c.ID, err = tx.insertNamed(ctx, ownerConsult, nameTokens, insertConsult, args...)
			if err == nil {
				err = tx.bumpCalendar(ctx)
			}
			if err == nil {
				m.ID, err = tx.insertMessage(ctx, sm, c.ID)
			}
			if errors.Is(err, sql.ErrNoRows) {
				return ErrEmailHasConsult
			}
			return err
		})
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrEmailHasConsult
	}
	if err != nil {
		if journey.ErrorCode(err) == journey.ECONFLICT && err != ErrEmailHasConsult {
			return nil, errTaken
		}
		return nil, err
	}
	return c, nil
}

// insertConsult books a consult unless its address has an upcoming one
// (then it inserts nothing), with book's args.
const insertConsult = `INSERT INTO consults (therapist_id, start_at, end_at, block_end, status, name, email, email_key,
	phone, contact_method, mode, time_zone, reason, privacy_consent_at, manage_token_hash, calendar_uid, sequence, created_at, updated_at)
	SELECT ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?
	WHERE NOT EXISTS (SELECT 1 FROM consults WHERE email_key = ? AND status = 'booked' AND start_at > ?)`

// insertBooking returns the one statement that stores a booking on
// PostgreSQL after its locks: the consult (insertConsult with args), its
// name's blind indexes, its email sm in the outbox with the job that
// delivers it (MailJobSQL), and a move of the calendar counter; and its
// arguments. It returns the consult's and the message's ids, or no row
// when the address has an upcoming consult (then it stores nothing).
//
// The counter moves on whichever of its rows no other transaction holds
// (SKIP LOCKED), so a booking never waits for another's commit to move
// it; only when every row is held does it take a row at random, creating
// it if it is new, and wait for it (counterShards).
func (db *DB) insertBooking(args []any, nameTokens []string, sm sealedMessage, now time.Time) (string, []any) {
	args = append(args, ownerConsult, jsonList(nameTokens),
		sm.to, sm.subject, sm.text, sm.html, sm.ics, sm.icsMethod, unix(now),
		db.counterRow("calendar"))
	return `WITH o AS (` + insertConsult + ` RETURNING id),
		n AS (INSERT INTO name_index (owner_type, owner_id, token) SELECT CAST(? AS TEXT), o.id, value FROM o CROSS JOIN ` + db.jsonValues() + `),
		m AS (INSERT INTO outbox (consult_id, to_addr, subject, text_body, html_body, ics, ics_method, status, created_at)
			SELECT o.id, ?, ?, ?, ?, ?, ?, 'queued', ? FROM o RETURNING id),
		j AS (` + db.MailJobSQL("m") + `),
		v AS (INSERT INTO versions (name, version)
			SELECT COALESCE((SELECT name FROM versions WHERE name = 'calendar' OR name LIKE 'calendar.%' LIMIT 1 FOR UPDATE SKIP LOCKED),
				CAST(? AS TEXT)), 1 FROM o
			ON CONFLICT (name) DO UPDATE SET version = versions.version + 1)
		SELECT o.id, m.id FROM o CROSS JOIN m`, args
}

// newCalendarUID returns a consult's CalendarUID: 128 random bits in hex.
func newCalendarUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// lockBlock serialises, on PostgreSQL, the transactions that could book
// overlapping blocks [start, blockEnd) of one therapist's calendar, and,
// when emailKey is not "", the bookings of one email address (the check
// that it has no upcoming consult must see every other). SQLite runs one
// writer at a time and needs no lock.
//
// The exclusion constraint consults_no_overlap refuses an overlap whatever
// the locks; but two transactions inserting overlapping rows at once each
// wait for the other's row, and one dies of a deadlock (40P01) after
// deadlock_timeout instead of failing at once with 23P01. A lock per
// therapist avoided that but queued every booking of a calendar behind the
// one before. The lock is narrower: one per therapist and clock hour the
// block touches. Two overlapping blocks share an instant, so they share
// that hour's lock: the second waits for the first to end, then sees its
// row and fails with 23P01. Blocks in different hours book in parallel.
// One statement takes every lock, the address first and the hours in
// ascending order, the order every transaction takes them in.
func (tx *Tx) lockBlock(ctx context.Context, emailKey string, therapistID int64, start, blockEnd time.Time) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	// The first key is the therapist's id wrapped into the 32 bits that
	// pg_advisory_xact_lock(int, int) takes: ids that wrap alike only
	// share locks, taken in the same order.
	query, args := blockLock(emailKey, therapistID, start, blockEnd)
	_, err := tx.exec(ctx, query, args...)
	return err
}

// blockLock returns lockBlock's statement and its arguments.
func blockLock(emailKey string, therapistID int64, start, blockEnd time.Time) (string, []any) {
	// The first key is the therapist's id wrapped into the 32 bits that
	// pg_advisory_xact_lock(int, int) takes: ids that wrap alike only
	// share locks, taken in the same order.
	first, last, id := unix(start)/3600, (unix(blockEnd)-1)/3600, int32(therapistID)
	hours := `pg_advisory_xact_lock(CAST(? AS integer), h) FROM generate_series(CAST(? AS integer), CAST(? AS integer)) AS h`
	if emailKey == "" {
		return `SELECT ` + hours, []any{id, first, last}
	}
	return `SELECT pg_advisory_xact_lock(hashtext(?)), ` + hours, []any{"email:" + emailKey, id, first, last}
}

// lockKey serialises transactions on one key. SQLite already runs one
// writer at a time; PostgreSQL takes a transaction-scoped advisory lock.
func (tx *Tx) lockKey(ctx context.Context, key string) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, key)
	return err
}

// queueConsultMail composes the visitor's email and queues it with the job
// that delivers it, inside tx.
func (tx *Tx) queueConsultMail(ctx context.Context, kind string, c *journey.Consult, t *journey.Therapist, token string) error {
	p, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	m, err := tx.db.composeConsultMail(kind, c, t, p, token)
	if err != nil {
		return err
	}
	return tx.queueMessage(ctx, m, c.ID)
}

// composeConsultMail writes the visitor's email of the given kind about c,
// from practice p.
func (db *DB) composeConsultMail(kind string, c *journey.Consult, t *journey.Therapist, p *journey.Practice, token string) (*journey.Message, error) {
	if db.Mail == nil {
		return nil, fmt.Errorf("sqldb: no mail composer configured")
	}
	return db.Mail.ComposeConsultMail(kind, c, t, p, token)
}

func (db *DB) practice(ctx context.Context, tx *Tx) (*journey.Practice, error) {
	p, err := tx.practice(ctx)
	if err != nil {
		return nil, err
	}
	// The mail composed in tx uses the practice's email templates.
	p.Emails, err = db.emailTemplates(ctx, tx.query)
	return p, err
}

// FindConsultByToken returns the consult a manage link points to.
func (db *DB) FindConsultByToken(ctx context.Context, token string) (*journey.Consult, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, journey.Errorf(journey.ENOTFOUND, "This link is not valid. It may have been replaced by a newer one.")
	}
	// The link made at booking, or one sent later beside it (consult_links).
	h := hashToken(token)
	c, err := db.scanConsult(db.queryRow(ctx, `SELECT `+consultColumns+` FROM consults
		WHERE manage_token_hash = ? OR id = (SELECT consult_id FROM consult_links WHERE token_hash = ?)`, h, h))
	if err != nil {
		return nil, notFound(err, "Consult")
	}
	return c, nil
}

// FindConsultByID returns ENOTFOUND when there is no such consult.
func (db *DB) FindConsultByID(ctx context.Context, id int64) (*journey.Consult, error) {
	c, err := db.scanConsult(db.queryRow(ctx, `SELECT `+consultColumns+` FROM consults WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Consult")
	}
	return c, nil
}

// FindConsults returns matching consults by start time and their count.
func (db *DB) FindConsults(ctx context.Context, f journey.ConsultFilter) ([]*journey.Consult, int, error) {
	var where []string
	var args []any
	if f.ID != nil {
		where, args = append(where, "id = ?"), append(args, *f.ID)
	}
	if f.TherapistID != nil {
		where, args = append(where, "therapist_id = ?"), append(args, *f.TherapistID)
	}
	if f.Status != nil {
		where, args = append(where, "status = ?"), append(args, *f.Status)
	}
	if f.From != nil {
		where, args = append(where, "start_at >= ?"), append(args, unix(*f.From))
	}
	if f.To != nil {
		where, args = append(where, "start_at < ?"), append(args, unix(*f.To))
	}
	if f.NoClient {
		where = append(where, "NOT EXISTS (SELECT 1 FROM clients WHERE clients.consult_id = consults.id)")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM consults`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := db.query(ctx, `SELECT `+consultColumns+` FROM consults`+cond+` ORDER BY start_at, id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*journey.Consult
	for rows.Next() {
		c, err := db.scanConsult(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

var errNotChangeable = journey.Errorf(journey.ECONFLICT, "This consult can no longer be changed: it was cancelled or has already taken place.")

// RescheduleConsult moves an upcoming consult to start, with therapistID or,
// when 0, preferably the same therapist. The old time is freed in the same
// transaction; the database refuses an overlap.
func (db *DB) RescheduleConsult(ctx context.Context, token string, start time.Time, therapistID int64) (*journey.Consult, error) {
	c, err := db.FindConsultByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return db.reschedule(ctx, c, start, therapistID)
}

// RescheduleConsultByID is RescheduleConsult for staff, who name the
// consult by id: the same checks, the same email to the person.
func (db *DB) RescheduleConsultByID(ctx context.Context, id int64, start time.Time, therapistID int64) (*journey.Consult, error) {
	c, err := db.FindConsultByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return db.reschedule(ctx, c, start, therapistID)
}

func (db *DB) reschedule(ctx context.Context, c *journey.Consult, start time.Time, therapistID int64) (*journey.Consult, error) {
	now := db.Now()
	if !c.Upcoming(now) {
		return nil, errNotChangeable
	}
	if start.IsZero() {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "start", Detail: "Choose a new time for your consult."}}}
	}
	ts, err := db.candidates(ctx, therapistID)
	if err != nil {
		return nil, err
	}
	offering := offeredBy(ts, start, now)
	if len(offering) == 0 {
		return nil, errNotOffered
	}
	if offering, err = db.unheld(ctx, offering, start); err != nil {
		return nil, err
	}
	// Prefer the visitor's current therapist when they did not pick one.
	for i, t := range offering {
		if t.ID == c.TherapistID {
			offering[0], offering[i] = offering[i], offering[0]
		}
	}
	for _, t := range offering {
		moved, err := db.move(ctx, c, t, start)
		if journey.ErrorCode(err) == journey.ECONFLICT && err != errNotChangeable {
			continue
		}
		return moved, err
	}
	return nil, errTaken
}

func (db *DB) move(ctx context.Context, old *journey.Consult, t *journey.Therapist, start time.Time) (*journey.Consult, error) {
	c := *old
	c.TherapistID, c.Start, c.End, c.Sequence = t.ID, start.UTC(), start.Add(t.ConsultLength).UTC(), old.Sequence+1
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.lockBlock(ctx, "", t.ID, c.Start, c.End.Add(t.Buffer)); err != nil {
			return err
		}
		c.UpdatedAt = tx.now
		res, err := tx.exec(ctx, `UPDATE consults SET therapist_id = ?, start_at = ?, end_at = ?, block_end = ?, sequence = ?, updated_at = ?
			WHERE id = ? AND status = 'booked' AND start_at > ?`,
			c.TherapistID, unix(c.Start), unix(c.End), unix(c.End.Add(t.Buffer)), c.Sequence, unix(tx.now), c.ID, unix(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNotChangeable
		}
		if err := tx.bumpCalendar(ctx); err != nil {
			return err
		}
		return tx.queueConsultMail(ctx, journey.MailConsultRescheduled, &c, t, "")
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CancelConsult cancels a booked, upcoming consult and emails the visitor,
// keeping the reason they gave (optional, sealed). EINVALID for a reason
// journey.CancelReason refuses.
func (db *DB) CancelConsult(ctx context.Context, token, reason string) (*journey.Consult, error) {
	reason, err := journey.CancelReason(reason)
	if err != nil {
		return nil, err
	}
	c, err := db.FindConsultByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return db.cancel(ctx, c, reason)
}

// CancelConsultByID is CancelConsult for staff, who name the consult by
// id and say why; the person gets the same email.
func (db *DB) CancelConsultByID(ctx context.Context, id int64, reason string) (*journey.Consult, error) {
	reason, err := journey.CancelReason(reason)
	if err != nil {
		return nil, err
	}
	c, err := db.FindConsultByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return db.cancel(ctx, c, reason)
}

func (db *DB) cancel(ctx context.Context, c *journey.Consult, reason string) (*journey.Consult, error) {
	p := db.phi()
	sealed := p.seal(aadConsultCancelReason, reason)
	if p.err != nil {
		return nil, p.err
	}
	if !c.Upcoming(db.Now()) {
		return nil, errNotChangeable
	}
	t, err := db.FindTherapistByID(ctx, c.TherapistID)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE consults SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1, updated_at = ?
			WHERE id = ? AND status = 'booked'`, sealed, unix(tx.now), c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNotChangeable
		}
		c.Status, c.CancelReason, c.Sequence, c.UpdatedAt = journey.ConsultCancelled, reason, c.Sequence+1, tx.now
		if err := tx.bumpCalendar(ctx); err != nil {
			return err
		}
		return tx.queueConsultMail(ctx, journey.MailConsultCancelled, c, t, "")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetConsultStatus records that a consult was held or missed. Only a
// consult that was not cancelled, from journey.MarkLead before its start,
// can be marked; ECONFLICT otherwise.
func (db *DB) SetConsultStatus(ctx context.Context, id int64, status string) (*journey.Consult, error) {
	if status != journey.ConsultHeld && status != journey.ConsultNoShow {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "status", Detail: "Mark the consult held or missed."}}}
	}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE consults SET status = ?, updated_at = ? WHERE id = ? AND status IN ('booked', 'held', 'no_show') AND start_at <= ?`,
			status, unix(tx.now), id, unix(tx.now.Add(journey.MarkLead)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ECONFLICT, "A consult can be marked held or missed from 15 minutes before it starts, unless it was cancelled.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.FindConsultByID(ctx, id)
}
