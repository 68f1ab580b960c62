package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// What the public booking tells nobody: whether an address has a consult.
// Manage links are added, never replaced (consult_links), so asking for one
// voids nothing; asking is answered by a job (link_requests), so it takes as
// long either way; and under private booking a booking holds its time and
// answers the same whatever the address (consult_holds).

const (
	aadHoldName   = "consult_holds.name"
	aadHoldEmail  = "consult_holds.email"
	aadHoldPhone  = "consult_holds.phone"
	aadHoldReason = "consult_holds.reason"
)

const (
	// linkRequestWindow is the span over which journey.MaxLinkRequests counts.
	linkRequestWindow = time.Hour
	// holdKeep is how long a lapsed hold keeps the visitor's sealed details.
	holdKeep = 24 * time.Hour
)

// ResendManageLink stores a request for the manage link of email's upcoming
// consult and hands it to the job queue in the same transaction: the same
// synchronous work whether or not there is such a consult, and no plaintext
// address stored (only its blind index). Past journey.MaxLinkRequests an
// hour for one address it stores nothing. It returns nil either way;
// EINVALID only for something that is not an address. With no queue wired
// in, the request is answered before it returns.
func (db *DB) ResendManageLink(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if !journey.ValidEmail(email) {
		return &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "email", Detail: "Enter an email address like name@example.com."}}}
	}
	key := db.emailKey(email)
	var id int64
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		id = 0 // a retried closure starts afresh
		if err := tx.lockKey(ctx, "email:"+key); err != nil {
			return err
		}
		since := unix(tx.now.Add(-linkRequestWindow))
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM link_requests WHERE email_key = ? AND created_at > ?`, key, since).Scan(&n); err != nil {
			return err
		}
		if n >= journey.MaxLinkRequests {
			return nil // silently: the answer is the same
		}
		if _, err := tx.exec(ctx, `DELETE FROM link_requests WHERE email_key = ? AND created_at <= ? AND answered_at > 0`, key, since); err != nil {
			return err
		}
		var err error
		if id, err = tx.insert(ctx, `INSERT INTO link_requests (email_key, created_at) VALUES (?, ?)`, key, unix(tx.now)); err != nil {
			return err
		}
		if db.EnqueueLinkRequest != nil {
			return db.EnqueueLinkRequest(ctx, tx.Tx, id)
		}
		return nil
	})
	if err != nil || id == 0 || db.EnqueueLinkRequest != nil {
		return err
	}
	return db.AnswerLinkRequest(ctx, id)
}

// AnswerLinkRequest answers a stored request (the job queue calls it): when
// the address has an upcoming consult, a new manage link is added beside the
// others and mailed to the consult's address. A request answered already,
// or forgotten, is nothing to do.
func (db *DB) AnswerLinkRequest(ctx context.Context, id int64) error {
	var key string
	var answered int64
	err := db.queryRow(ctx, `SELECT email_key, answered_at FROM link_requests WHERE id = ?`, id).Scan(&key, &answered)
	if errors.Is(err, sql.ErrNoRows) || err == nil && answered != 0 {
		return nil
	}
	if err != nil {
		return err
	}
	c, t, err := db.upcomingByKey(ctx, key)
	if err != nil {
		return err
	}
	token, hash := newToken()
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE link_requests SET answered_at = ? WHERE id = ? AND answered_at = 0`, unix(tx.now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 || c == nil {
			return nil
		}
		return tx.addManageLink(ctx, c, t, token, hash)
	})
}

// upcomingByKey returns the first upcoming consult booked under the email
// blind index key and its therapist, or nil, nil, nil when there is none.
func (db *DB) upcomingByKey(ctx context.Context, key string) (*journey.Consult, *journey.Therapist, error) {
	c, err := db.scanConsult(db.queryRow(ctx, `SELECT `+consultColumns+` FROM consults
		WHERE email_key = ? AND status = 'booked' AND start_at > ? ORDER BY start_at LIMIT 1`, key, unix(db.Now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	t, err := db.FindTherapistByID(ctx, c.TherapistID)
	if err != nil {
		return nil, nil, err
	}
	return c, t, nil
}

// addManageLink adds a manage link to c beside those it has and queues the
// mail that carries it, inside tx.
func (tx *Tx) addManageLink(ctx context.Context, c *journey.Consult, t *journey.Therapist, token, hash string) error {
	if _, err := tx.exec(ctx, `INSERT INTO consult_links (token_hash, consult_id, created_at) VALUES (?, ?, ?)`,
		hash, c.ID, unix(tx.now)); err != nil {
		return err
	}
	return tx.queueConsultMail(ctx, journey.MailConsultManageLink, c, t, token)
}

// FindBookingSettings returns how the public books; the defaults (instant
// booking, a 30-minute hold window) before the practice is set up.
func (db *DB) FindBookingSettings(ctx context.Context) (*journey.BookingSettings, error) {
	s := &journey.BookingSettings{HoldMinutes: journey.DefaultHoldMinutes}
	err := db.queryRow(ctx, `SELECT private_booking, hold_minutes FROM practice WHERE id = 1`).Scan(&s.Private, &s.HoldMinutes)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return s, nil
}

// UpdateBookingSettings saves s: EINVALID naming hold_minutes when it is out
// of range, ENOTFOUND before the practice is set up.
func (db *DB) UpdateBookingSettings(ctx context.Context, s *journey.BookingSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE practice SET private_booking = ?, hold_minutes = ? WHERE id = 1`, s.Private, s.HoldMinutes)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Set up the practice first.")
		}
		return tx.bumpContent(ctx) // the booking page says how booking works
	})
}

// HoldConsult holds r's time for the practice's hold window and mails the
// address: a confirm link, or, when it has an upcoming consult, a new manage
// link. Both paths hold the time, compose one message and queue it in one
// transaction, and return the same: nil, or the errors that depend only on
// the time and the fields (EINVALID, ECONFLICT).
func (db *DB) HoldConsult(ctx context.Context, r *journey.BookingRequest) error {
	if err := db.bookable(ctx); err != nil {
		return err
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	settings, err := db.FindBookingSettings(ctx)
	if err != nil {
		return err
	}
	ts, err := db.candidates(ctx, r.TherapistID)
	if err != nil {
		return err
	}
	now := db.Now()
	if !r.Start.After(now) {
		return &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "start", Detail: "That time has passed. Please choose a later one."}}}
	}
	offering := offeredBy(ts, r.Start, now)
	if len(offering) == 0 {
		return errNotOffered
	}
	for _, t := range offering {
		err := db.hold(ctx, r, t, time.Duration(settings.HoldMinutes)*time.Minute)
		if journey.ErrorCode(err) == journey.ECONFLICT {
			continue // taken meanwhile: try the next therapist who offers it
		}
		return err
	}
	return errTaken
}

func (db *DB) hold(ctx context.Context, r *journey.BookingRequest, t *journey.Therapist, window time.Duration) error {
	token, hash := newToken()    // the confirm link, for an address with no consult
	link, linkHash := newToken() // a manage link, for an address with one
	c := &journey.Consult{TherapistID: t.ID, Start: r.Start.UTC(), End: r.Start.Add(t.ConsultLength).UTC(),
		Name: r.Name, Email: r.Email, Phone: r.Phone, ContactMethod: r.ContactMethod, Mode: r.Mode, TimeZone: r.TimeZone, Reason: r.Reason}
	p := db.phi()
	name, email, phone, reason := p.seal(aadHoldName, c.Name), p.seal(aadHoldEmail, c.Email),
		p.seal(aadHoldPhone, c.Phone), p.seal(aadHoldReason, c.Reason)
	if p.err != nil {
		return p.err
	}
	key := db.emailKey(r.Email)
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// The locks of a booking (lockBlock): a hold and a booking that
		// could overlap wait for each other.
		if err := tx.lockBlock(ctx, key, t.ID, c.Start, c.End.Add(t.Buffer)); err != nil {
			return err
		}
		blockEnd := unix(c.End.Add(t.Buffer))
		var n int
		if err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM consults WHERE therapist_id = ? AND status = 'booked'
				AND start_at > ? AND start_at < ? AND block_end > ?) +
			(SELECT COUNT(*) FROM consult_holds WHERE therapist_id = ? AND consult_id IS NULL AND hold_until > ?
				AND start_at > ? AND start_at < ? AND block_end > ?)`,
			t.ID, unix(c.Start)-86400, blockEnd, unix(c.Start),
			t.ID, unix(tx.now), unix(c.Start)-86400, blockEnd, unix(c.Start)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errTaken
		}
		// Booking must not flood an inbox: past the limit, hold and mail
		// nothing, for an address with a consult or without alike.
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM consult_holds WHERE email_key = ? AND created_at > ?`,
			key, unix(tx.now.Add(-linkRequestWindow))).Scan(&n); err != nil {
			return err
		}
		if n >= journey.MaxHoldsPerAddress {
			return nil
		}
		// Lapsed holds keep only their time: after a day their sealed
		// details go too.
		if _, err := tx.exec(ctx, `UPDATE consult_holds SET name = '', email = '', phone = '', reason = ''
			WHERE consult_id IS NULL AND hold_until < ? AND name <> ''`, unix(tx.now.Add(-holdKeep))); err != nil {
			return err
		}
		c.CreatedAt, c.HoldUntil = tx.now, tx.now.Add(window)
		if _, err := tx.insert(ctx, `INSERT INTO consult_holds (therapist_id, start_at, end_at, block_end, hold_until, token_hash,
			name, email, email_key, phone, contact_method, mode, time_zone, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, unix(c.Start), unix(c.End), blockEnd, unix(c.HoldUntil), hash,
			name, email, key, phone, c.ContactMethod, c.Mode, c.TimeZone, reason, unix(tx.now)); err != nil {
			return err
		}
		if err := tx.bumpCalendar(ctx); err != nil {
			return err
		}
		existing, err := db.scanConsult(tx.queryRow(ctx, `SELECT `+consultColumns+` FROM consults
			WHERE email_key = ? AND status = 'booked' AND start_at > ? ORDER BY start_at LIMIT 1`, key, unix(tx.now)))
		switch {
		case err == nil:
			et, err := db.FindTherapistByID(ctx, existing.TherapistID)
			if err != nil {
				return err
			}
			return tx.addManageLink(ctx, existing, et, link, linkHash)
		case errors.Is(err, sql.ErrNoRows):
			return tx.queueConsultMail(ctx, journey.MailConsultHold, c, t, token)
		default:
			return err
		}
	})
}

// unheld returns the therapists of ts whose time at start no live hold
// takes: the slot list hides a held time, and a move by manage link must
// not take it either.
func (db *DB) unheld(ctx context.Context, ts []*journey.Therapist, start time.Time) ([]*journey.Therapist, error) {
	var out []*journey.Therapist
	for _, t := range ts {
		var n int
		err := db.queryRow(ctx, `SELECT COUNT(*) FROM consult_holds WHERE therapist_id = ? AND consult_id IS NULL AND hold_until > ?
			AND start_at > ? AND start_at < ? AND block_end > ?`,
			t.ID, unix(db.Now()), unix(start)-86400, unix(start.Add(t.ConsultLength+t.Buffer)), unix(start)).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

// held is a hold as stored, with its visitor's details opened.
type held struct {
	id      int64
	consult *journey.Consult // ID is the booked consult's once confirmed
	key     string
}

// findHold returns the hold a confirm link points to, or ENOTFOUND.
func (db *DB) findHold(ctx context.Context, q queryRower, token string) (*held, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, journey.Errorf(journey.ENOTFOUND, "This link is not valid.")
	}
	h := &held{consult: &journey.Consult{}}
	c := h.consult
	var start, end, until, created int64
	var consultID sql.NullInt64
	err := q.QueryRowContext(ctx, db.q(`SELECT id, therapist_id, start_at, end_at, hold_until, name, email, email_key, phone,
		contact_method, mode, time_zone, reason, consult_id, created_at FROM consult_holds WHERE token_hash = ?`), hashToken(token)).
		Scan(&h.id, &c.TherapistID, &start, &end, &until, &c.Name, &c.Email, &h.key, &c.Phone,
			&c.ContactMethod, &c.Mode, &c.TimeZone, &c.Reason, &consultID, &created)
	if err != nil {
		return nil, notFound(err, "Held time")
	}
	p := db.phi()
	p.open(aadHoldName, &c.Name)
	p.open(aadHoldEmail, &c.Email)
	p.open(aadHoldPhone, &c.Phone)
	p.open(aadHoldReason, &c.Reason)
	if p.err != nil {
		return nil, fmt.Errorf("hold %d: %w", h.id, p.err)
	}
	c.Start, c.End, c.HoldUntil, c.CreatedAt = fromUnix(start), fromUnix(end), fromUnix(until), fromUnix(created)
	if consultID.Valid {
		c.ID, c.Status = consultID.Int64, journey.ConsultBooked
	}
	return h, nil
}

// queryRower is a pool or a transaction.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FindHold returns the held time a confirm link points to, or ENOTFOUND.
func (db *DB) FindHold(ctx context.Context, token string) (*journey.Consult, error) {
	h, err := db.findHold(ctx, db.Read, token)
	if err != nil {
		return nil, err
	}
	return h.consult, nil
}

// ConfirmHold books a held time under the confirm token, which becomes the
// consult's manage token, and queues the usual confirmation with its
// invitation. A hold confirmed already returns its consult; a lapsed one
// journey.ErrHoldExpired; a time booked meanwhile a conflict.
func (db *DB) ConfirmHold(ctx context.Context, token string) (*journey.Consult, error) {
	h, err := db.findHold(ctx, db.Read, token)
	if err != nil {
		return nil, err
	}
	if h.consult.ID != 0 {
		return db.FindConsultByID(ctx, h.consult.ID)
	}
	if !db.Now().Before(h.consult.HoldUntil) {
		return nil, journey.ErrHoldExpired
	}
	t, err := db.FindTherapistByID(ctx, h.consult.TherapistID)
	if err != nil {
		return nil, err
	}
	c := *h.consult
	c.Status, c.ManageToken, c.HoldUntil = journey.ConsultBooked, token, time.Time{}
	p := db.phi()
	name, email, phone, reason := p.seal(aadConsultName, c.Name), p.seal(aadConsultEmail, c.Email),
		p.seal(aadConsultPhone, c.Phone), p.seal(aadConsultReason, c.Reason)
	if p.err != nil {
		return nil, p.err
	}
	nameTokens := db.Keys.NameIndex(c.Name)
	already := int64(0)
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		already = 0
		if err := tx.lockBlock(ctx, h.key, t.ID, c.Start, c.End.Add(t.Buffer)); err != nil {
			return err
		}
		// Read again under the locks: a second click may have confirmed it.
		var cid sql.NullInt64
		if err := tx.queryRow(ctx, `SELECT consult_id FROM consult_holds WHERE id = ?`, h.id).Scan(&cid); err != nil {
			return err
		}
		if cid.Valid {
			already = cid.Int64
			return nil
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM consults WHERE email_key = ? AND status = 'booked' AND start_at > ?`,
			h.key, unix(tx.now)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrEmailHasConsult
		}
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		var err error
		c.ID, err = tx.insert(ctx, `INSERT INTO consults (therapist_id, start_at, end_at, block_end, status, name, email, email_key,
			phone, contact_method, mode, time_zone, reason, privacy_consent_at, manage_token_hash, sequence, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			c.TherapistID, unix(c.Start), unix(c.End), unix(c.End.Add(t.Buffer)), name, email, h.key,
			phone, c.ContactMethod, c.Mode, c.TimeZone, reason, unix(h.consult.CreatedAt), hashToken(token), unix(tx.now), unix(tx.now))
		if err != nil {
			return err
		}
		// The details now live sealed in the consult; the hold keeps none.
		if _, err := tx.exec(ctx, `UPDATE consult_holds SET consult_id = ?, name = '', email = '', phone = '', reason = '' WHERE id = ?`,
			c.ID, h.id); err != nil {
			return err
		}
		if err := tx.indexName(ctx, ownerConsult, c.ID, nameTokens); err != nil {
			return err
		}
		if err := tx.bumpCalendar(ctx); err != nil {
			return err
		}
		return tx.queueConsultMail(ctx, journey.MailConsultBooked, &c, t, token)
	})
	if err != nil {
		if journey.ErrorCode(err) == journey.ECONFLICT && err != ErrEmailHasConsult {
			return nil, errTaken
		}
		return nil, err
	}
	if already != 0 {
		return db.FindConsultByID(ctx, already)
	}
	return &c, nil
}
