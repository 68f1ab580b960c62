package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/schedule"
)

// queryFunc runs a read: the pool's (DB.query), a write transaction's
// (Tx.query) or one read transaction's (DB.view), so a reader written once
// serves each.
type queryFunc = func(context.Context, string, ...any) (*rowSet, error)

// view runs fn with a query function whose reads all see one snapshot of
// the database: a read-only transaction, repeatable read on PostgreSQL
// (SQLite's WAL gives a transaction one snapshot from its first read). A
// search for slots reads hours, rooms and bookings this way, so a booking
// committed between two of its reads cannot make it offer a taken time or
// miss a freed one.
func (db *DB) view(ctx context.Context, fn func(query queryFunc) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.Read.BeginTx(ctx, opts)
	if err != nil {
		return unavailable(fmt.Errorf("sqldb: begin read: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // a read-only transaction has nothing to keep
	return fn(func(ctx context.Context, query string, args ...any) (*rowSet, error) {
		if st, err := db.stmt(ctx, query); err == nil && st != nil {
			return wrapRows(tx.StmtContext(ctx, st).QueryContext(ctx, args...))
		}
		return wrapRows(tx.QueryContext(ctx, db.q(query), args...))
	})
}

// FindSessionSlots returns the times a session of q.Type in q.Mode can be
// held for q.ClientID starting in [q.From, q.To): one person of each role
// the type needs and a room when it needs one, each free for the session
// and its buffer within their hours, and the client in no other session
// (schedule.SessionSlots; the client's care team first). Hours, rooms,
// sessions and consults are read in one transaction. It returns EINVALID
// naming the query's wrong fields, or a pinned person or room that cannot
// hold the role; ENOTFOUND when there is no such client.
func (db *DB) FindSessionSlots(ctx context.Context, q journey.SessionSlotQuery) ([]journey.SessionSlot, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var rules schedule.SessionRules
	var res []schedule.Resource
	err := db.view(ctx, func(query queryFunc) error {
		var err error
		rules, res, err = db.sessionSlotInputs(ctx, query, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	return schedule.SessionSlots(rules, res, q.From, q.To, db.Now()), nil
}

// sessionSlotInputs reads, through query, the rules of q's type and the
// resources that could hold it: every clinical member of staff in a role
// it needs (or the one pinned), every open room, and the client, each
// with what holds them between q.From and the end of a session starting
// just before q.To.
func (db *DB) sessionSlotInputs(ctx context.Context, query queryFunc, q journey.SessionSlotQuery) (schedule.SessionRules, []schedule.Resource, error) {
	var rules schedule.SessionRules
	types, err := db.sessionTypes(ctx, query)
	if err != nil {
		return rules, nil, err
	}
	var t *journey.SessionType
	for _, ty := range types {
		if ty.Code == q.Type {
			t = ty
		}
	}
	if t == nil {
		return rules, nil, invalidField("type", "Choose a session type.")
	}
	rules = schedule.RulesFor(t, q.Mode)
	team, err := careTeamOf(ctx, query, q.ClientID)
	if err != nil {
		return rules, nil, err
	}
	from, to := q.From, q.To.Add(rules.Length+rules.Buffer)
	// db.busy covers staff (sessions, consults, live holds); the rooms'
	// and this client's holds are read apart, so the staff's session rows
	// are read once.
	busy, err := roomAndClientHolds(ctx, query, from, to, q.ClientID)
	if err != nil {
		return rules, nil, err
	}
	staffBusy, err := db.busy(ctx, query, from, to)
	if err != nil {
		return rules, nil, err
	}
	for id, ivs := range staffBusy {
		k := [2]any{journey.KindStaff, id}
		busy[k] = append(busy[k], ivs...)
	}

	pins := map[string]int64{journey.NeedTherapist: q.TherapistID, journey.NeedMedicalProvider: q.MedicalProviderID,
		journey.NeedChaperone: q.ChaperoneID, journey.NeedRoom: q.RoomID}
	var res []schedule.Resource
	staff, err := db.staffHours(ctx, query, 0, true)
	if err != nil {
		return rules, nil, err
	}
	for _, h := range staff {
		loc, err := journey.LoadZone(h.TimeZone)
		if err != nil {
			loc = nil // hours in an unknown zone cannot be placed: never free
		}
		for _, role := range h.Roles {
			if !slices.Contains(rules.Needs, role) || pins[role] != 0 && pins[role] != h.StaffID {
				continue
			}
			res = append(res, schedule.Resource{Role: role, ID: h.StaffID, Loc: loc, Weekly: h.Weekly, Exceptions: h.Exceptions,
				Busy: busy[[2]any{journey.KindStaff, h.StaffID}], Preferred: team[h.StaffID]})
		}
	}
	if slices.Contains(rules.Needs, journey.NeedRoom) {
		rooms, err := db.rooms(ctx, query, 0)
		if err != nil {
			return rules, nil, err
		}
		for _, r := range rooms {
			if !r.Active || pins[journey.NeedRoom] != 0 && pins[journey.NeedRoom] != r.ID {
				continue
			}
			loc, err := journey.LoadZone(r.TimeZone)
			if err != nil {
				loc = nil
			}
			res = append(res, schedule.Resource{Role: journey.NeedRoom, ID: r.ID, Loc: loc, Weekly: r.Weekly, Exceptions: r.Exceptions,
				Busy: busy[[2]any{journey.KindRoom, r.ID}]})
		}
	}
	var v journey.Validation
	for role, id := range pins {
		if id != 0 && (!slices.Contains(rules.Needs, role) || !hasResource(res, role, id)) {
			v.Add(role+"_id", pinnedWords(t, q.Mode, role))
		}
	}
	if err := v.Err(); err != nil {
		return rules, nil, err
	}
	// The client is held for the session itself, never two at once.
	rules.Needs = append(rules.Needs, journey.NeedClient)
	res = append(res, schedule.Resource{Role: journey.NeedClient, ID: q.ClientID, Loc: time.UTC, Weekly: allWeek,
		Busy: busy[[2]any{journey.KindClient, q.ClientID}], Unbuffered: true})
	return rules, res, nil
}

// roomAndClientHolds returns, keyed by kind and id, what active sessions
// hold of every room and of client clientID in [from, to).
func roomAndClientHolds(ctx context.Context, query queryFunc, from, to time.Time, clientID int64) (map[[2]any][]schedule.Interval, error) {
	// Two selects, so each keeps to its part of the busy index.
	rows, err := query(ctx, `SELECT kind, resource_id, start_at, block_end FROM session_resources
		WHERE active AND kind = 'room' AND start_at < ? AND start_at > ? AND block_end > ?
		UNION ALL SELECT kind, resource_id, start_at, block_end FROM session_resources
		WHERE active AND kind = 'client' AND resource_id = ? AND start_at < ? AND start_at > ? AND block_end > ?`,
		unix(to), unix(from)-86400, unix(from), clientID, unix(to), unix(from)-86400, unix(from))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]any][]schedule.Interval{}
	for rows.Next() {
		var kind string
		var id, s, e int64
		if err := rows.Scan(&kind, &id, &s, &e); err != nil {
			return nil, err
		}
		k := [2]any{kind, id}
		out[k] = append(out[k], schedule.Interval{Start: fromUnix(s), End: fromUnix(e)})
	}
	return out, rows.Err()
}

// allWeek is every hour of every day: a client has no working hours.
var allWeek = func() []journey.WeeklyHours {
	out := make([]journey.WeeklyHours, 7)
	for d := range out {
		out[d] = journey.WeeklyHours{Weekday: time.Weekday(d), Start: 0, End: 1440}
	}
	return out
}()

// careTeamOf returns the members of client id's care team; ENOTFOUND when
// there is no such client.
func careTeamOf(ctx context.Context, query queryFunc, id int64) (map[int64]bool, error) {
	rows, err := query(ctx, `SELECT c.id, COALESCE(t.user_id, 0) FROM clients c LEFT JOIN care_team t ON t.client_id = c.id WHERE c.id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var team map[int64]bool
	for rows.Next() {
		var cid, uid int64
		if err := rows.Scan(&cid, &uid); err != nil {
			return nil, err
		}
		if team == nil {
			team = map[int64]bool{}
		}
		if uid != 0 {
			team[uid] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if team == nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	return team, nil
}

func hasResource(res []schedule.Resource, role string, id int64) bool {
	for _, r := range res {
		if r.Role == role && r.ID == id {
			return true
		}
	}
	return false
}

// pinnedWords says why a pinned person or room cannot hold role in a
// session of type t in mode.
func pinnedWords(t *journey.SessionType, mode, role string) string {
	words := strings.ReplaceAll(role, "_", " ")
	switch {
	case !t.NeedsIn(role, mode):
		return fmt.Sprintf("A %s session has no %s.", strings.ToLower(t.Name), words)
	case role == journey.NeedRoom:
		return "Choose one of the practice's open rooms."
	}
	return fmt.Sprintf("Choose a member of staff who works as a %s.", words)
}
