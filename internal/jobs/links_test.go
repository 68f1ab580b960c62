package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// rowCounts returns the number of rows of every table in the database.
func rowCounts(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.Read.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		// River's own bookkeeping (leader election, notifications, queue
		// rows) is written when its timers say, not by the request; the
		// request's job is in river_job, which is compared.
		if strings.HasPrefix(n, "river_") && n != "river_job" {
			continue
		}
		var c int
		if err := db.Read.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %q`, n)).Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	return out
}

// grown returns the tables that gained rows between two counts, and by how many.
func grown(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for n, c := range after {
		if c != before[n] {
			out[n] = c - before[n]
		}
	}
	return out
}

// wire connects db to an insert-only queue: what the request itself does,
// with no worker to do the rest.
func wire(t *testing.T, db *sqldb.DB) *jobs.Queue {
	t.Helper()
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, LinkRequests: db}
	if err := jobs.Migrate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL = q.EnqueueMail, jobs.MailJobSQL
	db.EnqueueLinkRequest = q.EnqueueLinkRequest
	return q
}

// Asking for the manage link does the same synchronous work whether or not
// the address has a consult (so the answer's timing tells nothing), keeps
// no plaintext address in the database, and the queue then mails the link
// to the real address and nothing to the other.
func TestResendLinkSameWorkEitherWay(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	wire(t, db)
	known, unknown := testenv.UniqueAddress(t), testenv.UniqueAddress(t)
	book(t, db, known)

	before := rowCounts(t, db)
	if err := db.ResendManageLink(ctx, known); err != nil {
		t.Fatal(err)
	}
	mid := rowCounts(t, db)
	if err := db.ResendManageLink(ctx, unknown); err != nil {
		t.Fatal(err)
	}
	after := rowCounts(t, db)
	withConsult, without := grown(before, mid), grown(mid, after)
	if fmt.Sprint(withConsult) != fmt.Sprint(without) {
		t.Fatalf("the two requests wrote differently: with a consult %v, without %v", withConsult, without)
	}
	if withConsult["outbox"] != 0 {
		t.Fatalf("mail composed while the visitor waited: %v", withConsult)
	}
	// No table holds either address in plain text (job args included).
	for _, addr := range []string{known, unknown} {
		for table := range after {
			if n := plainHits(t, db, table, addr); n > 0 {
				t.Errorf("table %s holds %s in plain text in %d rows", table, addr, n)
			}
		}
	}

	// Now a worker does the rest: the link reaches the real address only.
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	startQueueWith(t, db, sender)
	got := testenv.WaitForMail(t, testenv.MailpitURL(t), known, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) { // the booking and the link
		time.Sleep(100 * time.Millisecond)
		got = testenv.MailTo(t, testenv.MailpitURL(t), known)
	}
	// The worker sends both at once, so either may arrive first.
	if len(got) != 2 || !strings.Contains(got[0].Subject+got[1].Subject, "The link to your consult") {
		t.Fatalf("mail to the address with a consult: %+v", got)
	}
	waitIdle(t, db)
	if n := len(testenv.MailTo(t, testenv.MailpitURL(t), unknown)); n != 0 {
		t.Fatalf("%d messages to the address without a consult", n)
	}
}

// plainHits returns how many rows of table hold addr in any column.
func plainHits(t *testing.T, db *sqldb.DB, table, addr string) int {
	t.Helper()
	rows, err := db.Read.QueryContext(context.Background(), fmt.Sprintf(`SELECT * FROM %q`, table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			var s string
			switch v := v.(type) {
			case string:
				s = v
			case []byte:
				s = string(v)
			}
			if strings.Contains(strings.ToLower(s), strings.ToLower(addr)) {
				n++
				break
			}
		}
	}
	return n
}

// startQueueWith runs a worker queue on db that also answers link requests.
func startQueueWith(t *testing.T, db *sqldb.DB, sender *mail.Sender) {
	t.Helper()
	ctx := context.Background()
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, LinkRequests: db, Sender: sender, Workers: true,
		PollInterval: 50 * time.Millisecond}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL = q.EnqueueMail, jobs.MailJobSQL
	db.EnqueueLinkRequest = q.EnqueueLinkRequest
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
}

// waitIdle waits until the queue has no job left to run.
func waitIdle(t *testing.T, db *sqldb.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.Read.QueryRowContext(context.Background(),
			`SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("jobs still waiting after 30s")
}
