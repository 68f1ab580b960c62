package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.TherapistService = (*DB)(nil)

const therapistColumns = `s.id, s.name, s.credentials, s.pronouns, s.bio, s.email, s.active,
	c.time_zone, c.consult_minutes, c.buffer_minutes, c.notice_minutes, c.horizon_days`

type scanner interface{ Scan(dest ...any) error }

func scanTherapist(row scanner) (*journey.Therapist, error) {
	var t journey.Therapist
	var length, buffer, notice int
	err := row.Scan(&t.ID, &t.Name, &t.Credentials, &t.Pronouns, &t.Bio, &t.Email, &t.Active,
		&t.TimeZone, &length, &buffer, &notice, &t.HorizonDays)
	if err != nil {
		return nil, err
	}
	t.ConsultLength = time.Duration(length) * time.Minute
	t.Buffer = time.Duration(buffer) * time.Minute
	t.MinNotice = time.Duration(notice) * time.Minute
	return &t, nil
}

// FindTherapistByID returns the therapist with their hours, or ENOTFOUND.
func (db *DB) FindTherapistByID(ctx context.Context, id int64) (*journey.Therapist, error) {
	t, err := scanTherapist(db.queryRow(ctx, `SELECT `+therapistColumns+`
		FROM staff s JOIN consult_calendars c ON c.staff_id = s.id WHERE s.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Therapist")
	}
	if err := db.loadHours(ctx, map[int64]*journey.Therapist{t.ID: t}); err != nil {
		return nil, err
	}
	return t, nil
}

// FindTherapists returns the therapists who hold consults, by name.
func (db *DB) FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error) {
	rows, err := db.query(ctx, `SELECT `+therapistColumns+`
		FROM staff s JOIN consult_calendars c ON c.staff_id = s.id
		WHERE s.active OR ? = 0 ORDER BY s.name, s.id LIMIT 1000`, boolInt(onlyActive))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Therapist
	byID := map[int64]*journey.Therapist{}
	for rows.Next() {
		t, err := scanTherapist(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.loadHours(ctx, byID)
}

// loadHours fills the weekly hours and exceptions of the given therapists.
func (db *DB) loadHours(ctx context.Context, byID map[int64]*journey.Therapist) error {
	if len(byID) == 0 {
		return nil
	}
	// One therapist: read only their rows. Many: read them all at once
	// rather than one query each.
	var only int64
	if len(byID) == 1 {
		for id := range byID {
			only = id
		}
	}
	rows, err := db.query(ctx, `SELECT staff_id, weekday, start_minute, end_minute FROM weekly_hours
		WHERE staff_id = ? OR ? = 0 ORDER BY staff_id, weekday, start_minute`, only, only)
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
		WHERE staff_id = ? OR ? = 0 ORDER BY staff_id, day, start_minute`, only, only)
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
	return db.write(ctx, func(tx *Tx) error {
		var err error
		t.ID, err = tx.insert(ctx, `INSERT INTO staff (name, credentials, pronouns, bio, email, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.Name, t.Credentials, t.Pronouns, t.Bio, t.Email, t.Active, unix(tx.now))
		if err != nil {
			return err
		}
		if err := tx.bumpContent(ctx); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO consult_calendars (staff_id, time_zone, consult_minutes, buffer_minutes, notice_minutes, horizon_days) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, t.TimeZone, int(t.ConsultLength/time.Minute), int(t.Buffer/time.Minute), int(t.MinNotice/time.Minute), t.HorizonDays); err != nil {
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
	return db.write(ctx, func(tx *Tx) error { return tx.replaceHours(ctx, id, weekly, exceptions) })
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
	return tx.bumpCalendar(ctx)
}

// bumpCalendar marks every cached slot grid stale.
func (tx *Tx) bumpCalendar(ctx context.Context) error { return tx.bump(ctx, "calendar") }

// bumpContent marks every cached public page stale.
func (tx *Tx) bumpContent(ctx context.Context) error { return tx.bump(ctx, "content") }

func (tx *Tx) bump(ctx context.Context, name string) error {
	_, err := tx.exec(ctx, `UPDATE versions SET version = version + 1 WHERE name = ?`, name)
	return err
}

// Versions returns the change counters: calendar moves whenever open slots
// may have changed (a booking, a cancellation, a schedule edit), content
// whenever the practice, its FAQ or a therapist's profile changed.
func (db *DB) Versions(ctx context.Context) (calendar, content int64, err error) {
	rows, err := db.query(ctx, `SELECT name, version FROM versions`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return 0, 0, err
		}
		switch name {
		case "calendar":
			calendar = v
		case "content":
			content = v
		}
	}
	return calendar, content, rows.Err()
}
