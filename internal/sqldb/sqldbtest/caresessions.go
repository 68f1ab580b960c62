package sqldbtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/sqldb"
)

// RawSession is a care session as RawSessions writes it.
type RawSession struct {
	ClientID int64
	Type     string // a session type code
	Mode     string // in_person or remote
	Start    time.Time
	Minutes  int
	// TherapistID, when set, makes the session hold its client and this
	// therapist (session_resources), as a booking would: the lists by
	// person then find it, and the database refuses overlaps.
	TherapistID int64
}

// RawSessions writes sessions straight into care_sessions, booked, by
// createdBy, in batches of 500, and returns their ids in order: for tests
// of what follows a booking (reminders, feeds) apart from booking itself.
// They hold no person or room.
func RawSessions(tb testing.TB, db *sqldb.DB, createdBy int64, ss []RawSession) []int64 {
	tb.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, len(ss))
	for len(ss) > 0 {
		batch := ss[:min(500, len(ss))]
		ss = ss[len(batch):]
		var q strings.Builder
		q.WriteString(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, created_by, created_at, updated_at) VALUES `)
		var args []any
		for i, s := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			end := s.Start.Add(time.Duration(s.Minutes) * time.Minute).Unix()
			args = append(args, s.ClientID, s.Type, s.Start.Unix(), end, end, s.Mode, createdBy, time.Now().Unix(), time.Now().Unix())
		}
		q.WriteString(" RETURNING id")
		rows, err := db.Write.QueryContext(ctx, renumber(db, q.String()), args...)
		if err != nil {
			tb.Fatalf("raw sessions: %v", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				tb.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		for i, s := range batch {
			if s.TherapistID == 0 {
				continue
			}
			id := ids[len(ids)-len(batch)+i]
			end := s.Start.Add(time.Duration(s.Minutes) * time.Minute).Unix()
			for _, h := range []struct {
				role, kind string
				rid        int64
			}{{"client", "client", s.ClientID}, {"therapist", "staff", s.TherapistID}} {
				if _, err := db.Write.ExecContext(ctx, renumber(db, `INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end)
					VALUES (?, ?, ?, ?, ?, ?)`), id, h.role, h.kind, h.rid, s.Start.Unix(), end); err != nil {
					tb.Fatalf("raw session holds: %v", err)
				}
			}
		}
	}
	return ids
}

// SetSession changes session id's status and sequence as a cancel or a
// move would, with plain SQL, for tests of what follows.
func SetSession(tb testing.TB, db *sqldb.DB, id int64, status string, sequence int, start time.Time) {
	tb.Helper()
	var end int64
	if err := db.Write.QueryRow(renumber(db, `SELECT end_at - start_at FROM care_sessions WHERE id = ?`), id).Scan(&end); err != nil {
		tb.Fatal(err)
	}
	end += start.Unix()
	if _, err := db.Write.Exec(renumber(db, `UPDATE care_sessions SET status = ?, sequence = ?, start_at = ?, end_at = ?, block_end = ? WHERE id = ?`),
		status, sequence, start.Unix(), end, end, id); err != nil {
		tb.Fatal(fmt.Errorf("set session %d: %w", id, err))
	}
}

// ReleaseHolds frees every hold on the time from from to to, as a
// cancelled session's are, so a test's own session may take the time a
// demo's session holds (the demo's medicine session today holds its team
// and the Cedar Room).
func ReleaseHolds(tb testing.TB, db *sqldb.DB, from, to time.Time) {
	tb.Helper()
	if _, err := db.Write.Exec(renumber(db, `UPDATE session_resources SET active = ? WHERE start_at < ? AND block_end > ?`),
		false, to.Unix(), from.Unix()); err != nil {
		tb.Fatal(fmt.Errorf("release holds: %w", err))
	}
}
