package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.CareSessionService = (*DB)(nil)

// FindSessionTypes returns the practice's session types in their order.
func (db *DB) FindSessionTypes(ctx context.Context) ([]*journey.SessionType, error) {
	return db.sessionTypes(ctx, db.query)
}

func (db *DB) sessionTypes(ctx context.Context, query func(context.Context, string, ...any) (*rowSet, error)) ([]*journey.SessionType, error) {
	rows, err := query(ctx, `SELECT code, name, minutes, buffer_minutes, needs, room_in_person, capacity, lead_hours, client_books, position
		FROM session_types ORDER BY position, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.SessionType
	for rows.Next() {
		var t journey.SessionType
		var needs string
		if err := rows.Scan(&t.Code, &t.Name, &t.Minutes, &t.BufferMinutes, &needs, &t.RoomInPerson, &t.Capacity,
			&t.LeadHours, &t.ClientBooks, &t.Position); err != nil {
			return nil, err
		}
		t.Needs = strings.Split(needs, ",")
		t.Length = time.Duration(t.Minutes) * time.Minute
		out = append(out, &t)
	}
	return out, rows.Err()
}

const careSessionColumns = `s.id, COALESCE(s.client_id, 0), s.type, s.start_at, s.end_at, s.block_end, s.status, s.mode, s.route,
	s.late_cancel, s.cancel_reason, s.sequence, s.room_key, COALESCE(s.on_call_id, 0), s.created_by, s.created_at, s.updated_at`

// scanCareSession reads a row of careSessionColumns and opens its PHI.
func (db *DB) scanCareSession(row scanner) (*journey.CareSession, error) {
	var s journey.CareSession
	var start, end, blockEnd, created, updated int64
	if err := row.Scan(&s.ID, &s.ClientID, &s.Type, &start, &end, &blockEnd, &s.Status, &s.Mode, &s.Route,
		&s.LateCancel, &s.CancelReason, &s.Sequence, &s.RoomKey, &s.OnCallID, &s.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadSessionCancelReason, &s.CancelReason)
	if p.err != nil {
		return nil, fmt.Errorf("care session %d: %w", s.ID, p.err)
	}
	s.Start, s.End, s.BlockEnd = fromUnix(start), fromUnix(end), fromUnix(blockEnd)
	s.CreatedAt, s.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &s, nil
}

// FindCareSession returns session id with what it holds; ENOTFOUND when
// there is none.
func (db *DB) FindCareSession(ctx context.Context, id int64) (*journey.CareSession, error) {
	ss, err := db.careSessions(ctx, `s.id = ?`, []any{id}, 1)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "Session not found.")
	}
	return ss[0], nil
}

// FindCareSessions returns the sessions starting in [f.From, f.To) that
// hold the client, member of staff or room f names, by start; EINVALID
// when f.Limit is not 1..MaxSessionList or the range is empty.
func (db *DB) FindCareSessions(ctx context.Context, f journey.CareSessionFilter) ([]*journey.CareSession, error) {
	var v journey.Validation
	if f.Limit < 1 || f.Limit > journey.MaxSessionList {
		v.Add("limit", fmt.Sprintf("The limit is between 1 and %d.", journey.MaxSessionList))
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Add("to", "The end of the range must come after its start.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	where, args := []string{"1 = 1"}, []any{}
	if !f.From.IsZero() {
		where, args = append(where, "s.start_at >= ?"), append(args, unix(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "s.start_at < ?"), append(args, unix(f.To))
	}
	for _, r := range []struct {
		kind string
		id   int64
	}{{journey.KindClient, f.ClientID}, {journey.KindStaff, f.StaffID}, {journey.KindRoom, f.RoomID}} {
		if r.id != 0 {
			where = append(where, `EXISTS (SELECT 1 FROM session_resources r WHERE r.session_id = s.id AND r.kind = ? AND r.resource_id = ?)`)
			args = append(args, r.kind, r.id)
		}
	}
	return db.careSessions(ctx, strings.Join(where, " AND "), args, f.Limit)
}

// careSessions returns up to limit sessions matching where (over
// care_sessions s), by start, with the people and rooms they hold.
func (db *DB) careSessions(ctx context.Context, where string, args []any, limit int) ([]*journey.CareSession, error) {
	rows, err := db.query(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE `+where+
		` ORDER BY s.start_at, s.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	out := []*journey.CareSession{}
	byID := map[int64]*journey.CareSession{}
	for rows.Next() {
		s, err := db.scanCareSession(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out))
	for _, s := range out {
		ids = append(ids, s.ID)
	}
	res, err := db.query(ctx, `SELECT session_id, role, resource_id, active FROM session_resources
		WHERE session_id IN (`+placeholders(len(ids))+`) ORDER BY session_id, id`, ids...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() {
		var sid, rid int64
		var role string
		var active bool
		if err := res.Scan(&sid, &role, &rid, &active); err != nil {
			return nil, err
		}
		s := byID[sid]
		s.Hold(role, rid)
		// A group's clients: those still booked (every one, once the
		// session itself no longer holds its time).
		if role == journey.NeedClient && s.ClientID == 0 && (active || !s.Active()) {
			s.Attendees = append(s.Attendees, rid)
		}
	}
	return out, res.Err()
}

// placeholders returns n comma-separated ?s.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// FindResourceHolds returns what active sessions hold in [from, to): each
// person's and room's [start, end of buffer), each client's [start, end),
// by kind, id and start.
func (db *DB) FindResourceHolds(ctx context.Context, from, to time.Time) ([]journey.ResourceHold, error) {
	return resourceHolds(ctx, db.query, from, to)
}

// resourceHolds is FindResourceHolds read through query.
func resourceHolds(ctx context.Context, query queryFunc, from, to time.Time) ([]journey.ResourceHold, error) {
	rows, err := query(ctx, `SELECT kind, resource_id, role, session_id, start_at, block_end FROM session_resources
		WHERE active AND start_at < ? AND start_at > ? AND block_end > ?
		ORDER BY kind, resource_id, start_at`, unix(to), unix(from)-86400, unix(from))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []journey.ResourceHold{}
	for rows.Next() {
		var h journey.ResourceHold
		var s, e int64
		if err := rows.Scan(&h.Kind, &h.ID, &h.Role, &h.SessionID, &s, &e); err != nil {
			return nil, err
		}
		h.Start, h.End = fromUnix(s), fromUnix(e)
		out = append(out, h)
	}
	return out, rows.Err()
}

// UpdateSessionType stores the practice's settings of type t.Code: its
// name, length, buffer, capacity (a group's), lead time and whether
// clients book it; what it needs stays Journey's. EINVALID naming each
// wrong field; ENOTFOUND for no such type. The calendar counter moves:
// the slots change with it.
func (db *DB) UpdateSessionType(ctx context.Context, t *journey.SessionType) error {
	t.Name = journey.Line(t.Name)
	var v journey.Validation
	v.AddErr(t.Validate())
	if t.Name == "" || len([]rune(t.Name)) > 80 {
		v.Add("name", "Give the type a name of up to 80 characters.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE session_types SET name = ?, minutes = ?, buffer_minutes = ?, capacity = ?, lead_hours = ?, client_books = ?
			WHERE code = ?`, t.Name, t.Minutes, t.BufferMinutes, t.Capacity, t.LeadHours, t.ClientBooks, t.Code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Session type not found.")
		}
		return tx.bumpCalendar(ctx)
	})
}

// SessionCancelHours returns how long before a session its cancellation
// counts as late (practice.session_cancel_hours; 48 before the practice
// is set up).
func (db *DB) SessionCancelHours(ctx context.Context) (int, error) {
	var h int
	err := db.queryRow(ctx, `SELECT COALESCE((SELECT session_cancel_hours FROM practice WHERE id = 1), 48)`).Scan(&h)
	return h, err
}

// SetSessionCancelHours sets it: EINVALID on cancel_notice_hours outside
// 0..336 (two weeks); ENOTFOUND before the practice is set up.
func (db *DB) SetSessionCancelHours(ctx context.Context, hours int) error {
	if hours < 0 || hours > 336 {
		return invalidField("cancel_notice_hours", "The notice is between 0 and 336 hours (two weeks).")
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE practice SET session_cancel_hours = ? WHERE id = 1`, hours)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Set up the practice first.")
		}
		return nil
	})
}
