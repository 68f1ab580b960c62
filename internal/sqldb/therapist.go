package sqldb

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.TherapistService = (*DB)(nil)

const therapistColumns = `s.id, u.name, s.credentials, s.pronouns, s.bio, u.email, u.active,
	s.time_zone, c.consult_minutes, c.buffer_minutes, c.notice_minutes, c.horizon_days`

type scanner interface{ Scan(dest ...any) error }

// scanTherapist reads a row of therapistColumns and decrypts the name and
// email (users' PHI columns, though a therapist's are public).
func (db *DB) scanTherapist(row scanner) (*journey.Therapist, error) {
	var t journey.Therapist
	var length, buffer, notice int
	err := row.Scan(&t.ID, &t.Name, &t.Credentials, &t.Pronouns, &t.Bio, &t.Email, &t.Active,
		&t.TimeZone, &length, &buffer, &notice, &t.HorizonDays)
	if err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadUserName, &t.Name)
	p.open(aadUserEmail, &t.Email)
	if p.err != nil {
		return nil, fmt.Errorf("therapist %d: %w", t.ID, p.err)
	}
	t.ConsultLength = time.Duration(length) * time.Minute
	t.Buffer = time.Duration(buffer) * time.Minute
	t.MinNotice = time.Duration(notice) * time.Minute
	return &t, nil
}

// Every booking and every slot query needs the therapists with their
// hours (three queries), and every consult email the practice. They are
// kept in memory and reloaded when the content counter moves, which any
// process's edit of a therapist, their hours or the practice does, so the
// check costs one small query. Bookings leave it alone.
type therapistCache struct {
	mu       sync.Mutex
	content  int64
	all      []*journey.Therapist
	practice *journey.Practice // nil before the practice is set up
}

// catalog returns every therapist and the practice (nil before one is set
// up), from the cache while it is current. The slice and the structs are
// shared: callers copy before changing.
func (db *DB) catalog(ctx context.Context) ([]*journey.Therapist, *journey.Practice, error) {
	// The content counter alone: one row, which changes seldom, where
	// Versions also sums the calendar's rows that every booking moves.
	var content int64
	if err := db.queryRow(ctx, `SELECT version FROM versions WHERE name = 'content'`).Scan(&content); err != nil {
		return nil, nil, err
	}
	c := &db.tcache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.all != nil && c.content == content {
		return c.all, c.practice, nil
	}
	all, err := db.loadTherapists(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := db.FindPractice(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		p, err = nil, nil
	}
	if err == nil && p != nil {
		// The booking's mail uses the practice's email templates; saving
		// one moves the content counter, so the cache follows.
		p.Emails, err = db.emailTemplates(ctx, db.query)
	}
	if err != nil {
		return nil, nil, err
	}
	c.all, c.practice, c.content = all, p, content
	return all, p, nil
}

// therapists returns every therapist (see catalog).
func (db *DB) therapists(ctx context.Context) ([]*journey.Therapist, error) {
	all, _, err := db.catalog(ctx)
	return all, err
}

// FindTherapistByID returns a copy of the therapist with their hours, or ENOTFOUND.
func (db *DB) FindTherapistByID(ctx context.Context, id int64) (*journey.Therapist, error) {
	all, err := db.therapists(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if t.ID == id {
			cp := *t
			return &cp, nil
		}
	}
	return nil, journey.Errorf(journey.ENOTFOUND, "Therapist not found.")
}

// FindTherapists returns copies of the therapists who hold consults, by name.
func (db *DB) FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error) {
	all, err := db.therapists(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*journey.Therapist, 0, len(all))
	for _, t := range all {
		if t.Active || !onlyActive {
			cp := *t
			out = append(out, &cp)
		}
	}
	return out, nil
}

// loadTherapists reads every therapist with their hours, by name (sorted
// here: names are encrypted), at most 1000.
func (db *DB) loadTherapists(ctx context.Context) ([]*journey.Therapist, error) {
	rows, err := db.query(ctx, `SELECT `+therapistColumns+`
		FROM staff s JOIN users u ON u.id = s.id JOIN consult_calendars c ON c.staff_id = s.id
		ORDER BY s.id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Therapist
	byID := map[int64]*journey.Therapist{}
	for rows.Next() {
		t, err := db.scanTherapist(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortByName(out, func(t *journey.Therapist) (string, int64) { return t.Name, t.ID })
	return out, db.loadHours(ctx, byID)
}

// loadHours fills the weekly hours and exceptions of the given therapists.
func (db *DB) loadHours(ctx context.Context, byID map[int64]*journey.Therapist) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := db.query(ctx, `SELECT staff_id, weekday, start_minute, end_minute FROM weekly_hours
		ORDER BY staff_id, weekday, start_minute`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var w journey.WeeklyHours
		if err := rows.Scan(&id, &w.Weekday, &w.Start, &w.End); err != nil {
			rows.Close()
			return err
		}
		if t := byID[id]; t != nil {
			t.Weekly = append(t.Weekly, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.query(ctx, `SELECT staff_id, day, kind, start_minute, end_minute FROM schedule_exceptions
		ORDER BY staff_id, day, start_minute`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e journey.ScheduleException
		if err := rows.Scan(&id, &e.Date, &e.Kind, &e.Start, &e.End); err != nil {
			return err
		}
		if t := byID[id]; t != nil {
			t.Exceptions = append(t.Exceptions, e)
		}
	}
	return rows.Err()
}

// CreateTherapist adds a staff member with a consult calendar and hours.
// Zero calendar settings take the defaults.
func (db *DB) CreateTherapist(ctx context.Context, t *journey.Therapist) error {
	if t.ConsultLength == 0 {
		t.ConsultLength = journey.DefaultConsultLength
	}
	if t.MinNotice == 0 {
		t.MinNotice = journey.DefaultMinNotice
	}
	if t.HorizonDays == 0 {
		t.HorizonDays = journey.DefaultHorizonDays
	}
	if err := t.Validate(); err != nil {
		return err
	}
	row, err := db.sealUser(t.Name, t.Email)
	if err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if t.ID, err = tx.insertUser(ctx, journey.UserStaff, row, t.Active); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO staff (id, credentials, pronouns, bio, time_zone) VALUES (?, ?, ?, ?, ?)`,
			t.ID, t.Credentials, t.Pronouns, t.Bio, t.TimeZone); err != nil {
			return err
		}
		if err := tx.setRoles(ctx, t.ID, []string{journey.RoleTherapist}, ""); err != nil {
			return err
		}
		if err := tx.bumpContent(ctx); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO consult_calendars (staff_id, consult_minutes, buffer_minutes, notice_minutes, horizon_days) VALUES (?, ?, ?, ?, ?)`,
			t.ID, int(t.ConsultLength/time.Minute), int(t.Buffer/time.Minute), int(t.MinNotice/time.Minute), t.HorizonDays); err != nil {
			return err
		}
		return tx.replaceHours(ctx, t.ID, t.Weekly, t.Exceptions)
	})
}

// SetTherapistSchedule replaces a therapist's weekly hours and exceptions.
func (db *DB) SetTherapistSchedule(ctx context.Context, id int64, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error {
	t, err := db.FindTherapistByID(ctx, id)
	if err != nil {
		return err
	}
	t.Weekly, t.Exceptions = weekly, exceptions
	if err := t.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return tx.replaceHours(ctx, id, weekly, exceptions) })
}

// SetConsultHours gives staff member staffID (active, with the therapist
// role) a consult calendar, or changes its length and weekly hours, and
// sets h's zone as the person's one zone (their profile's, which the
// hours are read in); buffer, notice, horizon and dated exceptions stay as
// they are.
func (db *DB) SetConsultHours(ctx context.Context, staffID int64, h *journey.ConsultHours) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
			WHERE u.id = ? AND u.kind = 'staff' AND u.active AND r.role = ?`, staffID, journey.RoleTherapist).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return journey.Errorf(journey.ENOTFOUND, "Therapist not found: only an active member of staff with the therapist role offers consults.")
		}
		minutes := int(h.ConsultLength / time.Minute)
		if _, err := tx.exec(ctx, `INSERT INTO consult_calendars (staff_id, consult_minutes, notice_minutes, horizon_days)
			VALUES (?, ?, ?, ?) ON CONFLICT (staff_id) DO UPDATE SET consult_minutes = excluded.consult_minutes`,
			staffID, minutes, int(journey.DefaultMinNotice/time.Minute), journey.DefaultHorizonDays); err != nil {
			return err
		}
		// The hours are in the person's one zone, their profile's.
		if _, err := tx.exec(ctx, `UPDATE staff SET time_zone = ? WHERE id = ?`, h.TimeZone, staffID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM weekly_hours WHERE staff_id = ?`, staffID); err != nil {
			return err
		}
		for _, w := range h.Weekly {
			if _, err := tx.exec(ctx, `INSERT INTO weekly_hours (staff_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)`,
				staffID, int(w.Weekday), int(w.Start), int(w.End)); err != nil {
				return err
			}
		}
		if err := tx.bumpContent(ctx); err != nil {
			return err
		}
		return tx.bumpCalendar(ctx)
	})
}

func (tx *Tx) replaceHours(ctx context.Context, id int64, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error {
	if _, err := tx.exec(ctx, `DELETE FROM weekly_hours WHERE staff_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM schedule_exceptions WHERE staff_id = ?`, id); err != nil {
		return err
	}
	for _, w := range weekly {
		if _, err := tx.exec(ctx, `INSERT INTO weekly_hours (staff_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)`,
			id, int(w.Weekday), int(w.Start), int(w.End)); err != nil {
			return err
		}
	}
	for _, e := range exceptions {
		if _, err := tx.exec(ctx, `INSERT INTO schedule_exceptions (staff_id, day, kind, start_minute, end_minute) VALUES (?, ?, ?, ?, ?)`,
			id, e.Date, e.Kind, int(e.Start), int(e.End)); err != nil {
			return err
		}
	}
	// Hours are part of a therapist (content) and change open slots (calendar).
	if err := tx.bumpContent(ctx); err != nil {
		return err
	}
	return tx.bumpCalendar(ctx)
}

// bumpCalendar marks every cached slot grid stale.
func (tx *Tx) bumpCalendar(ctx context.Context) error { return tx.bump(ctx, "calendar") }

// bumpContent marks every cached public page stale.
func (tx *Tx) bumpContent(ctx context.Context) error { return tx.bump(ctx, "content") }

// bump marks a change counter to move when tx commits. However many
// changes a transaction (or a group commit) holds, each counter moves once.
func (tx *Tx) bump(_ context.Context, name string) error {
	if tx.bumps == nil {
		tx.bumps = map[string]bool{}
	}
	tx.bumps[name] = true
	return nil
}

// Versions returns the change counters: calendar moves whenever open slots
// may have changed (a booking, a cancellation, a schedule edit), content
// whenever the practice, its FAQ or a therapist's profile changed. A
// counter is the sum of its rows (see counterShards).
func (db *DB) Versions(ctx context.Context) (calendar, content int64, err error) {
	// Summed here rather than row by row in Go: every booking and every
	// page asks, and one row costs less to read than seventeen.
	err = db.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN name = 'content' THEN 0 ELSE version END), 0),
		COALESCE(SUM(CASE WHEN name = 'content' THEN version ELSE 0 END), 0)
		FROM versions WHERE name = 'content' OR name = 'calendar' OR name LIKE 'calendar.%'`).Scan(&calendar, &content)
	return calendar, content, err
}
