package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/schedule"
)

// A booking of a care session is one transaction: it reads the type,
// checks every person's and room's hours, takes on PostgreSQL the locks
// of every hour each one is held (the consult booking takes the same
// locks for a therapist's hours, lockBlock), looks for what already holds
// them (sessions, and a therapist's consults and live holds), and writes
// the session with one session_resources row per person, room and client.
// The database refuses an overlap whatever the locks (the exclusion
// constraint and triggers of migration 0024); the locks make a lost race
// wait and then see the winner, so it is refused with what it lost to
// rather than dying of a deadlock.

// hold is one person, room or client a session will hold, over
// [start, end): staff and rooms to the end of the buffer, clients to the
// session's end.
type hold struct {
	role, kind string
	id         int64
	start, end time.Time
}

// sessionType returns the practice's type code, read in tx; EINVALID
// naming type when there is none.
func (tx *Tx) sessionType(ctx context.Context, code string) (*journey.SessionType, error) {
	ts, err := tx.db.sessionTypes(ctx, tx.query)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Code == code {
			return t, nil
		}
	}
	return nil, invalidField("type", "Choose a session type.")
}

// roleWords names each role in a refusal.
var roleWords = map[string]string{journey.NeedTherapist: "therapist", journey.NeedMedicalProvider: "medical provider",
	journey.NeedChaperone: "chaperone", journey.NeedRoom: "room", journey.NeedClient: "client"}

// holdsFor returns what a session of type t in mode for client, starting
// at start, holds, with the ids of ids (role → id); EINVALID naming each
// id that is missing, not wanted by the type, or not a person of that
// role or an open room.
func (tx *Tx) holdsFor(ctx context.Context, t *journey.SessionType, mode string, clientID int64, ids map[string]int64, start time.Time) ([]hold, error) {
	end := start.Add(time.Duration(t.Minutes) * time.Minute)
	blockEnd := end.Add(time.Duration(t.BufferMinutes) * time.Minute)
	var v journey.Validation
	holds := []hold{{journey.NeedClient, journey.KindClient, clientID, start, end}}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE id = ?`, clientID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		v.Add("client_id", "Choose the client.")
	}
	seen := map[int64]string{}
	for _, role := range []string{journey.NeedTherapist, journey.NeedMedicalProvider, journey.NeedChaperone, journey.NeedRoom} {
		field, id := role+"_id", ids[role]
		switch needed := t.NeedsIn(role, mode); {
		case !needed && id != 0:
			v.Add(field, fmt.Sprintf("A %s session has no %s.", strings.ToLower(t.Name), roleWords[role]))
			continue
		case !needed:
			continue
		case id <= 0:
			v.Add(field, "Choose the "+roleWords[role]+".")
			continue
		}
		if role == journey.NeedRoom {
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM rooms r JOIN locations l ON l.id = r.location_id
				WHERE r.id = ? AND r.active AND l.active`, id).Scan(&n); err != nil {
				return nil, err
			}
			if n == 0 {
				v.Add(field, "Choose one of the practice's open rooms.")
				continue
			}
			holds = append(holds, hold{role, journey.KindRoom, id, start, blockEnd})
			continue
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
			WHERE u.id = ? AND u.kind = 'staff' AND u.active AND r.role = ?`, id, role).Scan(&n); err != nil {
			return nil, err
		}
		switch {
		case n == 0:
			v.Add(field, fmt.Sprintf("Choose a member of staff who works as a %s.", roleWords[role]))
		case seen[id] != "":
			v.Add(field, fmt.Sprintf("The same person cannot also be the %s.", roleWords[seen[id]]))
		default:
			seen[id] = role
			holds = append(holds, hold{role, journey.KindStaff, id, start, blockEnd})
		}
	}
	return holds, v.Err()
}

// fits returns, for a session [start, start+t's length) holding holds,
// EINVALID on start inside the type's lead time, and ECONFLICT naming
// each person or room whose hours in their zone do not cover the session
// (its buffer may run past them: turnover needs no one's working hours):
// schedule.Fits, the slot engine's own check. What else holds them is
// taken's to find, once the locks are held.
func (tx *Tx) fits(ctx context.Context, t *journey.SessionType, holds []hold, start time.Time) error {
	var res []schedule.Resource
	for _, h := range holds {
		r := schedule.Resource{Role: h.role, ID: h.id}
		var zone string
		var err error
		switch h.kind {
		case journey.KindClient:
			continue
		case journey.KindRoom:
			err = tx.queryRow(ctx, `SELECT l.time_zone FROM rooms r JOIN locations l ON l.id = r.location_id WHERE r.id = ?`, h.id).Scan(&zone)
			if err == nil {
				r.Weekly, r.Exceptions, err = tx.windows(ctx, "room_hours", "room_exceptions", "room_id", h.id)
			}
		default:
			err = tx.queryRow(ctx, `SELECT time_zone FROM staff WHERE id = ?`, h.id).Scan(&zone)
			if err == nil {
				r.Weekly, r.Exceptions, err = tx.windows(ctx, "clinical_hours", "clinical_exceptions", "staff_id", h.id)
			}
		}
		if err != nil {
			return err
		}
		r.Loc, _ = journey.LoadZone(zone)
		res = append(res, r)
	}
	rules := schedule.RulesFor(t, "")
	rules.Needs = nil // holdsFor has named each one missing
	return schedule.Fits(rules, res, start, tx.now)
}

// windows returns one owner's weekly hours and exceptions, read in tx.
func (tx *Tx) windows(ctx context.Context, weeklyTable, exceptionTable, ownerCol string, id int64) ([]journey.WeeklyHours, []journey.ScheduleException, error) {
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT weekday, start_minute, end_minute FROM %s WHERE %s = ?`, weeklyTable, ownerCol), id)
	if err != nil {
		return nil, nil, err
	}
	var weekly []journey.WeeklyHours
	for rows.Next() {
		var w journey.WeeklyHours
		if err := rows.Scan(&w.Weekday, &w.Start, &w.End); err != nil {
			rows.Close()
			return nil, nil, err
		}
		weekly = append(weekly, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.query(ctx, fmt.Sprintf(`SELECT day, kind, start_minute, end_minute FROM %s WHERE %s = ?`, exceptionTable, ownerCol), id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var excs []journey.ScheduleException
	for rows.Next() {
		var e journey.ScheduleException
		if err := rows.Scan(&e.Date, &e.Kind, &e.Start, &e.End); err != nil {
			return nil, nil, err
		}
		excs = append(excs, e)
	}
	return weekly, excs, rows.Err()
}

// lockKey1 returns the first key of a resource's hour locks: a member of
// staff's id, as the consult booking's lockBlock takes for a therapist, so
// a consult and a session of one person wait for each other; rooms and
// clients in key ranges of their own (negative), so they never share a
// lock with a person but with a wrapped id.
func lockKey1(h hold) int32 {
	switch h.kind {
	case journey.KindRoom:
		return int32(-1 - h.id%(1<<30))
	case journey.KindClient:
		return int32(math.MinInt32 + h.id%(1<<30))
	}
	return int32(h.id)
}

// lockHolds takes, on PostgreSQL, the lock of every clock hour each hold
// touches, all in one statement in ascending order, the order the consult
// booking takes its own in: two bookings that would hold one resource at
// one instant share that hour's lock, so the second waits for the first
// and then sees it. SQLite runs one writer at a time and needs none.
func (tx *Tx) lockHolds(ctx context.Context, holds []hold) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	type pair struct{ k, h int64 }
	var pairs []pair
	for _, h := range holds {
		k := int64(lockKey1(h))
		for hr := unix(h.start) / 3600; hr <= (unix(h.end)-1)/3600; hr++ {
			pairs = append(pairs, pair{k, hr})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.k != b.k {
			return int(a.k - b.k)
		}
		return int(a.h - b.h)
	})
	pairs = slices.Compact(pairs)
	ks, hs := make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		ks[i], hs[i] = strconv.FormatInt(p.k, 10), strconv.FormatInt(p.h, 10)
	}
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(k, h) FROM unnest(CAST(? AS integer[]), CAST(? AS integer[])) AS u(k, h)`,
		"{"+strings.Join(ks, ",")+"}", "{"+strings.Join(hs, ",")+"}")
	return err
}

// taken returns a conflict for each hold that an active session other
// than except holds at an overlapping time, and for each member of staff
// with a booked consult or a live hold of one then.
func (db *DB) taken(ctx context.Context, query func(context.Context, string, ...any) (*rowSet, error), holds []hold, except int64, now time.Time) ([]journey.Conflict, error) {
	var conds []string
	var args []any
	for _, h := range holds {
		conds = append(conds, `(kind = ? AND resource_id = ? AND start_at < ? AND block_end > ? AND start_at > ?)`)
		args = append(args, h.kind, h.id, unix(h.end), unix(h.start), unix(h.start)-86400)
	}
	rows, err := query(ctx, `SELECT DISTINCT kind, resource_id FROM session_resources WHERE active AND session_id <> ? AND (`+
		strings.Join(conds, " OR ")+`)`, append([]any{except}, args...)...)
	if err != nil {
		return nil, err
	}
	busy := map[[2]string]bool{}
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			rows.Close()
			return nil, err
		}
		busy[[2]string{kind, strconv.FormatInt(id, 10)}] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []journey.Conflict
	for _, h := range holds {
		if !busy[[2]string{h.kind, strconv.FormatInt(h.id, 10)}] {
			continue
		}
		detail := fmt.Sprintf("The %s has another session then.", roleWords[h.role])
		if h.kind == journey.KindRoom {
			detail = "The room is taken then."
		}
		out = append(out, journey.Conflict{Resource: h.role, ID: h.id, Detail: detail})
	}
	for _, h := range holds {
		if h.kind != journey.KindStaff || busy[[2]string{h.kind, strconv.FormatInt(h.id, 10)}] {
			continue
		}
		var n int
		if err := db.countIn(ctx, query, &n, `SELECT COUNT(*) FROM consults WHERE therapist_id = ? AND status = 'booked'
				AND start_at < ? AND block_end > ? AND start_at > ?`, h.id, unix(h.end), unix(h.start), unix(h.start)-86400); err != nil {
			return nil, err
		}
		if n == 0 {
			if err := db.countIn(ctx, query, &n, `SELECT COUNT(*) FROM consult_holds WHERE therapist_id = ? AND consult_id IS NULL
				AND hold_until > ? AND start_at < ? AND block_end > ? AND start_at > ?`, h.id, unix(now), unix(h.end), unix(h.start), unix(h.start)-86400); err != nil {
				return nil, err
			}
		}
		if n > 0 {
			out = append(out, journey.Conflict{Resource: h.role, ID: h.id, Detail: fmt.Sprintf("The %s has a consult then.", roleWords[h.role])})
		}
	}
	return out, nil
}

// countIn scans one count from query.
func (db *DB) countIn(ctx context.Context, query func(context.Context, string, ...any) (*rowSet, error), n *int, q string, args ...any) error {
	rows, err := query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// refused returns the ECONFLICT that names what a booking could not have.
func refused(conflicts []journey.Conflict) error {
	return &journey.Error{Code: journey.ECONFLICT, Message: "Not everyone and everything this session needs is free then.", Conflicts: conflicts}
}

// errSessionTaken answers a booking the database refused when what it
// lost to could no longer be found (freed again at once).
var errSessionTaken = &journey.Error{Code: journey.ECONFLICT, Message: "Sorry, that time was just taken. Please choose another."}

// requestIDs returns the ids a request names, by role.
func requestIDs(r *journey.SessionRequest) map[string]int64 {
	return map[string]int64{journey.NeedTherapist: r.TherapistID, journey.NeedMedicalProvider: r.MedicalProviderID,
		journey.NeedChaperone: r.ChaperoneID, journey.NeedRoom: r.RoomID}
}

// CreateCareSession books r for its client, made by member by: in one
// transaction, with every person and room it needs. EINVALID names each
// wrong field (the request's own, an id that is no such person or room,
// a start inside the type's lead time); ECONFLICT with Conflicts names
// each person or room not free then: outside their hours, in another
// session or its buffer, or (a therapist) in a consult.
func (db *DB) CreateCareSession(ctx context.Context, r *journey.SessionRequest, by int64) (*journey.CareSession, error) {
	now := db.Now()
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	r.Start = r.Start.UTC().Truncate(time.Second)
	var s *journey.CareSession
	var holds []hold
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.sessionType(ctx, r.Type)
		if err != nil {
			return err
		}
		if holds, err = tx.holdsFor(ctx, t, r.Mode, r.ClientID, requestIDs(r), r.Start); err != nil {
			return err
		}
		if err := tx.onCall(ctx, r); err != nil {
			return err
		}
		s = sessionOf(r, t, tx.now, by)
		s.OnCallID = r.OnCallID
		if err := tx.reserve(ctx, t, holds, s.Start, 0); err != nil {
			return err
		}
		client := any(r.ClientID)
		onCall := any(nil)
		if s.OnCallID != 0 {
			onCall = s.OnCallID
		}
		if t.Capacity > 1 {
			client, s.ClientID, s.Attendees = nil, 0, []int64{r.ClientID}
		}
		if s.ID, err = tx.insert(ctx, `INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route,
			sequence, room_key, on_call_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
			client, s.Type, unix(s.Start), unix(s.End), unix(s.BlockEnd), s.Status, s.Mode, s.Route, s.RoomKey, onCall, by, unix(tx.now), unix(tx.now)); err != nil {
			return err
		}
		if t.Capacity > 1 {
			if _, err := tx.exec(ctx, `INSERT INTO session_attendees (session_id, client_id, status, added_at) VALUES (?, ?, 'booked', ?)`,
				s.ID, r.ClientID, unix(tx.now)); err != nil {
				return err
			}
		}
		return tx.insertHolds(ctx, s.ID, holds)
	})
	if err != nil {
		return nil, db.explainConflict(ctx, err, holds, 0)
	}
	return s, nil
}

// onCall defaults r's on-call contact to its medical provider for a
// remote medicine session (the practice's rule) and checks, in tx, that
// the one named is an active medical provider on staff: EINVALID on
// on_call_id otherwise.
func (tx *Tx) onCall(ctx context.Context, r *journey.SessionRequest) error {
	if r.OnCallID == 0 && r.Type == journey.TypeMedicine && r.Mode == journey.ModeRemote {
		r.OnCallID = r.MedicalProviderID
	}
	if r.OnCallID == 0 {
		return nil
	}
	ok, err := tx.activeMedicalProvider(ctx, r.OnCallID)
	if err == nil && !ok {
		err = invalidField("on_call_id", "Choose an active medical provider on staff to be on call.")
	}
	return err
}

// sessionOf returns the session r books, of type t, not yet stored.
func sessionOf(r *journey.SessionRequest, t *journey.SessionType, now time.Time, by int64) *journey.CareSession {
	end := r.Start.Add(time.Duration(t.Minutes) * time.Minute)
	return &journey.CareSession{ClientID: r.ClientID, Type: t.Code, Start: r.Start, End: end,
		BlockEnd: end.Add(time.Duration(t.BufferMinutes) * time.Minute), Status: journey.SessionBooked, Mode: r.Mode, Route: r.Route,
		RoomKey:     journey.NewRoomKey(),
		TherapistID: r.TherapistID, MedicalProviderID: r.MedicalProviderID, ChaperoneID: r.ChaperoneID, RoomID: r.RoomID,
		CreatedBy: by, CreatedAt: now, UpdatedAt: now}
}

// reserve checks, in tx, that a session of type t holding holds from
// start is within its lead time and everyone's hours (fits) and that
// nothing but session except (and, for staff, no consult) holds them
// then, taking the locks first; EINVALID or ECONFLICT with the Conflicts
// otherwise.
func (tx *Tx) reserve(ctx context.Context, t *journey.SessionType, holds []hold, start time.Time, except int64) error {
	var conflicts []journey.Conflict
	if err := tx.fits(ctx, t, holds, start); journey.ErrorCode(err) == journey.ECONFLICT {
		var je *journey.Error
		errors.As(err, &je)
		conflicts = je.Conflicts
	} else if err != nil {
		return err
	}
	if err := tx.lockHolds(ctx, holds); err != nil {
		return err
	}
	busy, err := tx.db.taken(ctx, tx.query, holds, except, tx.now)
	if err != nil {
		return err
	}
	if conflicts = append(conflicts, busy...); len(conflicts) > 0 {
		return refused(conflicts)
	}
	// The calendar counter moves: a therapist's sessions close consult
	// slots, and cached grids must see it.
	return tx.bumpCalendar(ctx)
}

// insertHolds writes one session_resources row per hold of session id.
func (tx *Tx) insertHolds(ctx context.Context, id int64, holds []hold) error {
	for _, h := range holds {
		if _, err := tx.exec(ctx, `INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end, active)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, h.role, h.kind, h.id, unix(h.start), unix(h.end), true); err != nil {
			return err
		}
	}
	return nil
}

// explainConflict returns err, or, when the database refused an overlap
// that the transaction's own check did not see (a writer that took no
// locks), the conflict naming what now holds the time.
func (db *DB) explainConflict(ctx context.Context, err error, holds []hold, except int64) error {
	var je *journey.Error
	if !errors.As(err, &je) || je.Code != journey.ECONFLICT || len(je.Conflicts) > 0 || len(holds) == 0 {
		return err
	}
	conflicts, qerr := db.taken(ctx, db.query, holds, except, db.Now())
	if qerr != nil || len(conflicts) == 0 {
		return errSessionTaken
	}
	return refused(conflicts)
}

// errNoSession answers a change to a session there is none of.
var errNoSession = journey.Errorf(journey.ENOTFOUND, "Session not found.")

// lockedSession returns session id read in tx; on PostgreSQL its row is
// locked until tx ends, so changes to one session follow one another.
func (tx *Tx) lockedSession(ctx context.Context, id int64) (*journey.CareSession, error) {
	lock := ""
	if tx.db.Dialect == Postgres {
		lock = " FOR UPDATE"
	}
	s, err := tx.db.scanCareSession(tx.queryRow(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE s.id = ?`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT role, resource_id FROM session_resources WHERE session_id = ? AND role <> 'client'`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		var rid int64
		if err := rows.Scan(&role, &rid); err != nil {
			return nil, err
		}
		s.Hold(role, rid)
	}
	return s, rows.Err()
}
