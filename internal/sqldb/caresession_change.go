package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// activeHolds returns what session s (of type t) holds while active,
// placed as if it started at start.
func (tx *Tx) activeHolds(ctx context.Context, s *journey.CareSession, t *journey.SessionType, start time.Time) ([]hold, error) {
	rows, err := tx.query(ctx, `SELECT role, kind, resource_id FROM session_resources WHERE session_id = ? AND active ORDER BY id`, s.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	end := start.Add(time.Duration(t.Minutes) * time.Minute)
	blockEnd := end.Add(time.Duration(t.BufferMinutes) * time.Minute)
	var out []hold
	for rows.Next() {
		h := hold{start: start, end: blockEnd}
		if err := rows.Scan(&h.role, &h.kind, &h.id); err != nil {
			return nil, err
		}
		if h.kind == journey.KindClient {
			h.end = end
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// notNow returns the ECONFLICT for an action a session's status refuses.
func notNow(s *journey.CareSession, what string) error {
	return journey.Errorf(journey.ECONFLICT, "This session is %s: it cannot be %s.", journey.SessionStatusWords(s.Status), what)
}

// RescheduleCareSession moves booked session id to start, with every
// person, room and client it holds, in one transaction; its sequence
// rises. ENOTFOUND when there is no such session; ECONFLICT when it is no
// longer booked, or (with Conflicts) when any of them is not free then;
// EINVALID on start for a time past or inside the type's lead time.
func (db *DB) RescheduleCareSession(ctx context.Context, id int64, start time.Time, by int64) (*journey.CareSession, error) {
	return db.MoveCareSession(ctx, id, start, 0, by)
}

// MoveCareSession moves booked session id to start as
// RescheduleCareSession does and, when providerID is neither 0 nor its
// medical provider, gives it to that medical provider, who must be free
// then (ECONFLICT naming them otherwise); EINVALID on medical_provider_id
// when they are not an active medical provider or the session needs none.
// An on-call contact who was the old medical provider (the default)
// follows to the new one; one named apart stays.
func (db *DB) MoveCareSession(ctx context.Context, id int64, start time.Time, providerID, by int64) (*journey.CareSession, error) {
	switch now := db.Now(); {
	case start.IsZero():
		return nil, invalidField("start", "Choose a time.")
	case !start.After(now):
		return nil, invalidField("start", "Choose a time in the future.")
	}
	start = start.UTC().Truncate(time.Second)
	var holds []hold
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != journey.SessionBooked {
			return notNow(s, "moved")
		}
		t, err := tx.sessionType(ctx, s.Type)
		if err != nil {
			return err
		}
		if holds, err = tx.activeHolds(ctx, s, t, start); err != nil {
			return err
		}
		if providerID == s.MedicalProviderID {
			providerID = 0
		}
		if providerID != 0 {
			if err := tx.newProvider(ctx, s, providerID, holds); err != nil {
				return err
			}
		}
		end := start.Add(time.Duration(t.Minutes) * time.Minute)
		if err := tx.reserve(ctx, t, holds, start, id); err != nil {
			return err
		}
		if providerID != 0 {
			if _, err := tx.exec(ctx, `UPDATE session_resources SET resource_id = ? WHERE session_id = ? AND role = ?`,
				providerID, id, journey.NeedMedicalProvider); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE care_sessions SET on_call_id = ? WHERE id = ? AND on_call_id = ?`,
				providerID, id, s.MedicalProviderID); err != nil {
				return err
			}
		}
		blockEnd := end.Add(time.Duration(t.BufferMinutes) * time.Minute)
		if _, err := tx.exec(ctx, `UPDATE care_sessions SET start_at = ?, end_at = ?, block_end = ?, sequence = sequence + 1, updated_at = ?
			WHERE id = ?`, unix(start), unix(end), unix(blockEnd), unix(tx.now), id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE session_resources SET start_at = ?, block_end = CASE WHEN kind = 'client' THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END
			WHERE session_id = ?`, unix(start), unix(end), unix(blockEnd), id)
		return err
	})
	if err != nil {
		return nil, db.explainConflict(ctx, err, holds, id)
	}
	return db.FindCareSession(ctx, id)
}

// CancelCareSession cancels session id, booked or checked in, for reason
// (sealed), freeing all it holds; its sequence rises. It is a late
// cancellation when it comes within the practice's notice for sessions
// (practice.session_cancel_hours, 48 by default) of its start. ENOTFOUND
// when there is no such session, ECONFLICT when it has started or ended,
// EINVALID on reason when there is none.
func (db *DB) CancelCareSession(ctx context.Context, id int64, reason string, by int64) (*journey.CareSession, error) {
	if err := journey.ValidateCancelReason(&reason); err != nil {
		return nil, err
	}
	p := db.phi()
	sealed := p.seal(aadSessionCancelReason, reason)
	if p.err != nil {
		return nil, p.err
	}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != journey.SessionBooked && s.Status != journey.SessionCheckedIn {
			return notNow(s, "cancelled")
		}
		var hours int
		if err := tx.queryRow(ctx, `SELECT COALESCE((SELECT session_cancel_hours FROM practice WHERE id = 1), 48)`).Scan(&hours); err != nil {
			return err
		}
		late := s.Start.Sub(tx.now) < time.Duration(hours)*time.Hour
		if _, err := tx.exec(ctx, `UPDATE care_sessions SET status = 'cancelled', late_cancel = ?, cancel_reason = ?, cancelled_at = ?,
			sequence = sequence + 1, updated_at = ? WHERE id = ?`, late, sealed, unix(tx.now), unix(tx.now), id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE session_attendees SET status = 'cancelled' WHERE session_id = ?`, id); err != nil {
			return err
		}
		return tx.release(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return db.FindCareSession(ctx, id)
}

// release frees everything session id holds.
func (tx *Tx) release(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE session_resources SET active = ? WHERE session_id = ?`, false, id); err != nil {
		return err
	}
	return tx.bumpCalendar(ctx)
}

// ChangeCareSessionStatus takes action (journey.Action…) on session id:
// check-in, start, complete or no-show, each from the statuses
// journey.SessionMove allows and within journey.SessionActionWindow; a
// no-show frees what the session holds. ENOTFOUND when there is no such
// session, EINVALID for an unknown action, ECONFLICT when the status or
// the time does not allow it.
func (db *DB) ChangeCareSessionStatus(ctx context.Context, id int64, action string, by int64) (*journey.CareSession, error) {
	if !journey.IsSessionAction(action) {
		return nil, invalidField("action", "Choose check-in, start, complete or no-show.")
	}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		to, ok := journey.SessionMove(s.Status, action)
		if !ok {
			return notNow(s, actionWords[action])
		}
		from, until := journey.SessionActionWindow(action, s.Start, s.End)
		switch {
		case !from.IsZero() && tx.now.Before(from):
			return journey.Errorf(journey.ECONFLICT, "It is too early: this session can be %s from %s.", actionWords[action], from.UTC().Format(time.RFC3339))
		case !until.IsZero() && !tx.now.Before(until):
			return journey.Errorf(journey.ECONFLICT, "This session has ended: it can no longer be %s.", actionWords[action])
		}
		if _, err := tx.exec(ctx, `UPDATE care_sessions SET status = ?, updated_at = ? WHERE id = ?`, to, unix(tx.now), id); err != nil {
			return err
		}
		if to == journey.SessionNoShow {
			return tx.release(ctx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.FindCareSession(ctx, id)
}

// actionWords says what an action does to a session, after "can be".
var actionWords = map[string]string{journey.ActionCheckIn: "checked in", journey.ActionStart: "started",
	journey.ActionComplete: "completed", journey.ActionNoShow: "marked as a no-show"}

// AddSessionAttendee adds client clientID to group session id, in one
// transaction with the check of the group's capacity (the session's row
// locked on PostgreSQL, so two joins cannot both take the last place)
// and of the client's other sessions. ENOTFOUND when there is no such
// session; EINVALID on client_id for no such client; ECONFLICT when the
// session is not a booked group, is full (naming no one), or the client
// has another session then (Conflicts).
func (db *DB) AddSessionAttendee(ctx context.Context, id, clientID, by int64) (*journey.CareSession, error) {
	var holds []hold
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		t, err := tx.sessionType(ctx, s.Type)
		if err != nil {
			return err
		}
		if t.Capacity < 2 {
			return journey.Errorf(journey.ECONFLICT, "Only a group session takes more clients.")
		}
		if s.Status != journey.SessionBooked {
			return notNow(s, "joined")
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE id = ?`, clientID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return invalidField("client_id", "Choose the client.")
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM session_attendees WHERE session_id = ? AND client_id = ? AND status = 'booked'`, id, clientID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return journey.Errorf(journey.ECONFLICT, "The client is already in this group.")
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM session_attendees WHERE session_id = ? AND status = 'booked'`, id).Scan(&n); err != nil {
			return err
		}
		if n >= t.Capacity {
			return journey.Errorf(journey.ECONFLICT, "This group is full: it holds %d clients.", t.Capacity)
		}
		holds = []hold{{journey.NeedClient, journey.KindClient, clientID, s.Start, s.End}}
		if err := tx.lockHolds(ctx, holds); err != nil {
			return err
		}
		busy, err := db.taken(ctx, tx.query, holds, id, tx.now)
		if err != nil {
			return err
		}
		if len(busy) > 0 {
			return refused(busy)
		}
		if _, err := tx.exec(ctx, `INSERT INTO session_attendees (session_id, client_id, status, added_at) VALUES (?, ?, 'booked', ?)
			ON CONFLICT (session_id, client_id) DO UPDATE SET status = 'booked', added_at = excluded.added_at`, id, clientID, unix(tx.now)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end, active)
			VALUES (?, 'client', 'client', ?, ?, ?, ?)
			ON CONFLICT (session_id, role, resource_id) DO UPDATE SET active = excluded.active, start_at = excluded.start_at, block_end = excluded.block_end`,
			id, clientID, unix(s.Start), unix(s.End), true); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE care_sessions SET updated_at = ? WHERE id = ?`, unix(tx.now), id)
		return err
	})
	if err != nil {
		return nil, db.explainConflict(ctx, err, holds, id)
	}
	return db.FindCareSession(ctx, id)
}

// RemoveSessionAttendee takes client clientID out of group session id,
// freeing their time; ENOTFOUND when they are not in it.
func (db *DB) RemoveSessionAttendee(ctx context.Context, id, clientID, by int64) (*journey.CareSession, error) {
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		if s.Status != journey.SessionBooked && s.Status != journey.SessionCheckedIn {
			return notNow(s, "left")
		}
		res, err := tx.exec(ctx, `UPDATE session_attendees SET status = 'cancelled' WHERE session_id = ? AND client_id = ? AND status = 'booked'`, id, clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "The client is not in this group.")
		}
		if _, err := tx.exec(ctx, `UPDATE session_resources SET active = ? WHERE session_id = ? AND kind = 'client' AND resource_id = ?`, false, id, clientID); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE care_sessions SET updated_at = ? WHERE id = ?`, unix(tx.now), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.FindCareSession(ctx, id)
}
