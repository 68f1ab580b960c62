package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func count(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A reset request does the same work whether or not the address has an
// account: one sealed row and one queued job, and nothing else until the
// queue works it. Then only the real address gets a link.
func TestPasswordResetRequestSameWorkEitherWay(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	sqldbtest.MustSeed(t, db)
	u := &journey.User{Kind: journey.UserStaff, Name: "Sam Staff", Email: "sam@practice.test", Roles: []string{journey.RoleFrontDesk}, Active: true}
	if err := db.CreateUser(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	var queued []int64
	db.EnqueueResetRequest = func(_ context.Context, _ *sql.Tx, id int64) error {
		queued = append(queued, id)
		return nil
	}
	type effect struct{ requests, resets, outbox, jobs int }
	var effects []effect
	for _, addr := range []string{"sam@practice.test", "nobody@practice.test"} {
		before := effect{count(t, db, "reset_requests"), count(t, db, "password_resets"), count(t, db, "outbox"), len(queued)}
		if err := db.RequestPasswordReset(ctx, addr); err != nil {
			t.Fatal(err)
		}
		effects = append(effects, effect{count(t, db, "reset_requests") - before.requests, count(t, db, "password_resets") - before.resets,
			count(t, db, "outbox") - before.outbox, len(queued) - before.jobs})
	}
	if want := (effect{requests: 1, jobs: 1}); effects[0] != want || effects[1] != want {
		t.Fatalf("known address %+v, unknown %+v: want %+v for each", effects[0], effects[1], want)
	}
	rows, err := db.Read.Query(`SELECT * FROM reset_requests`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		if s := fmt.Sprint(vals...); strings.Contains(s, "@") || strings.Contains(s, "practice.test") {
			t.Errorf("a reset request stores the address readable: %s", s)
		}
	}
	rows.Close()
	// The queue's work: a link for the account, nothing for the unknown address.
	for _, id := range queued {
		if err := db.ProcessResetRequest(ctx, id); err != nil {
			t.Fatal(err)
		}
		if err := db.ProcessResetRequest(ctx, id); err != nil { // a job run twice
			t.Fatal(err)
		}
	}
	if n := count(t, db, "reset_requests"); n != 0 {
		t.Fatalf("%d requests left", n)
	}
	ms, _ := db.FindMessages(ctx, "", 10)
	if len(ms) != 1 || ms[0].To != "sam@practice.test" || count(t, db, "password_resets") != 1 {
		t.Fatalf("messages %+v", ms)
	}
}
