package sqldb_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// probeCancel is what the SQL function probe_cancel() calls: the cancel of
// the caller whose closure is running, so a test can cancel a caller while
// SQLite is inside one of its statements.
var probeCancel atomic.Pointer[context.CancelFunc]

func init() {
	// Connections opened from here on know probe_cancel(x): it cancels the
	// caller (probeCancel), gives the driver's interrupt watcher a moment to
	// act, and returns x.
	sqlite.MustRegisterScalarFunction("probe_cancel", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if c := probeCancel.Swap(nil); c != nil {
			(*c)()
			time.Sleep(20 * time.Millisecond)
		}
		return args[0], nil
	})
}

// probeDB opens a database with a probe table: each caller of a fault test
// writes rows keyed by its own name, and a row 'taken' lets a caller hit a
// UNIQUE constraint.
func probeDB(t *testing.T) *sqldb.DB {
	t.Helper()
	db := sqldbtest.Open(t)
	for _, s := range []string{`CREATE TABLE probe (k TEXT PRIMARY KEY, caller TEXT NOT NULL)`,
		`INSERT INTO probe (k, caller) VALUES ('taken', 'seed')`} {
		if _, err := db.Write.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// probeRows counts the rows caller wrote.
func probeRows(t *testing.T, db *sqldb.DB, caller string) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(db.Rebind(`SELECT count(*) FROM probe WHERE caller = ?`), caller).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// slowCancel is a statement that cancels its caller (probe_cancel) and then
// goes on working long enough for an interrupt to land inside it.
const slowCancel = `INSERT INTO probe (k, caller) SELECT ?, ? FROM
	(WITH RECURSIVE c(x) AS (SELECT probe_cancel(1) UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT max(x) AS m FROM c)`

// cancelInside cancels the caller from within its closure: on SQLite while
// a statement of the closure runs (the case where an interrupt would roll
// back the whole shared transaction), on PostgreSQL between statements.
func cancelInside(db *sqldb.DB, exec sqldb.Exec, cancel context.CancelFunc, key, caller string) error {
	if db.Dialect != sqldb.SQLite {
		cancel()
		return exec(`INSERT INTO probe (k, caller) VALUES (?, ?)`, key, caller)
	}
	probeCancel.Store(&cancel)
	return exec(slowCancel, key, caller)
}

// holdCommitter blocks the SQLite committer in a write of its own until
// want writes wait behind it, so they are taken as one batch in the order
// they queued; release lets it go. On PostgreSQL it does nothing.
func holdCommitter(t *testing.T, db *sqldb.DB) (waitQueued func(want int), release func()) {
	t.Helper()
	if db.Dialect != sqldb.SQLite {
		return func(int) {}, func() {}
	}
	held, gate, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.RawWrite(context.Background(), func(context.Context, sqldb.Exec) error {
			close(held)
			<-gate
			return nil
		})
	}()
	<-held
	waitQueued = func(want int) {
		for db.QueuedWrites() < want {
			runtime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
	release = func() {
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("holding write: %v", err)
		}
	}
	return waitQueued, release
}

// The reported case: in one batch [B, A, C], A's caller goes away while
// A's closure runs. B and C still commit and are told so, and A, whose
// closure ran to its end, commits and is told so too.
func TestCancelledCallerMidClosureKeepsBatch(t *testing.T) {
	db := probeDB(t)
	waitQueued, release := holdCommitter(t, db)
	errs := map[string]chan error{}
	write := func(name string, ctx context.Context, cancel context.CancelFunc) {
		ch := make(chan error, 1)
		errs[name] = ch
		go func() {
			ch <- db.RawWrite(ctx, func(ctx context.Context, exec sqldb.Exec) error {
				if err := exec(`INSERT INTO probe (k, caller) VALUES (?, ?)`, name+"1", name); err != nil {
					return err
				}
				if cancel != nil {
					if err := cancelInside(db, exec, cancel, name+"2", name); err != nil {
						return err
					}
				}
				return exec(`INSERT INTO probe (k, caller) VALUES (?, ?)`, name+"3", name)
			})
		}()
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	write("B", context.Background(), nil)
	waitQueued(1)
	write("A", ctxA, cancelA)
	waitQueued(2)
	write("C", context.Background(), nil)
	waitQueued(3)
	release()
	want := map[string]int{"A": 3, "B": 2, "C": 2}
	for _, name := range []string{"B", "A", "C"} {
		err := <-errs[name]
		if n := probeRows(t, db, name); err != nil || n != want[name] {
			t.Errorf("%s: told %v, %d of its %d rows stored; want done and all stored", name, err, n, want[name])
		}
	}
}

// fault is what one caller of the randomised test does wrong.
type fault int

const (
	faultNone              fault = iota
	faultCancelBefore            // the caller's context ends before it queues
	faultCancelQueued            // ... while it waits for the committer
	faultCancelMid               // ... inside its own closure
	faultPanic                   // the closure panics
	faultUnique                  // a statement breaks a UNIQUE constraint
	faultError                   // the closure returns an error of its own
	faultRollback                // the closure runs ROLLBACK and returns nil
	faultRollbackErr             // ... runs ROLLBACK and returns an error
	faultRollbackThenWrite       // ... runs ROLLBACK and goes on writing (SQLite)
	faultCommitThenWrite         // ... runs COMMIT and goes on writing (SQLite)
	nFaults
)

var faultNames = [...]string{"none", "cancel-before", "cancel-queued", "cancel-mid", "panic", "unique", "error",
	"rollback", "rollback-err", "rollback-then-write", "commit-then-write"}

// Writes of one round come in at once, some with a fault at a random
// point of their closure; whatever batches they fall into, every caller
// told "done" finds all of its rows, and every caller told "failed" none.
func TestGroupCommitFaultsRandomised(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("JOURNEY_TEST_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with JOURNEY_TEST_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	db := probeDB(t)
	rounds := 60
	if testing.Short() {
		rounds = 15
	}
	told := map[fault][2]int{} // fault -> [done, failed]
	for round := range rounds {
		n := 2 + rng.IntN(12)
		held := rng.IntN(2) == 0 // hold the committer so the round is one batch
		callers := make([]caller, n)
		for i := range callers {
			c := &callers[i]
			c.name = fmt.Sprintf("r%d-c%d", round, i)
			c.rows = 1 + rng.IntN(3)
			c.at = rng.IntN(c.rows + 1)
			if rng.IntN(3) == 0 {
				c.fault = fault(1 + rng.IntN(int(nFaults)-1))
			}
			if db.Dialect != sqldb.SQLite && (c.fault == faultRollbackThenWrite || c.fault == faultCommitThenWrite) {
				// No statement ends a PostgreSQL transaction by itself, and
				// it has no commit hook: writes after an explicit ROLLBACK or
				// COMMIT in a closure are outside any transaction there.
				c.fault = faultRollback
			}
			c.ctx, c.cancel = context.WithCancel(context.Background())
		}
		runRound(t, db, callers, held)
		for _, c := range callers {
			got := probeRows(t, db, c.name)
			d := told[c.fault]
			switch {
			case c.err == nil && got == c.rows:
				d[0]++
			case c.err != nil && got == 0:
				d[1]++
			default:
				t.Errorf("round %d, %s (%s at statement %d of %d): told %v, %d of %d rows stored",
					round, c.name, faultNames[c.fault], c.at, c.rows, c.err, got, c.rows)
			}
			told[c.fault] = d
		}
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	for f := range nFaults {
		t.Logf("%-20s done %3d failed %3d", faultNames[f], told[f][0], told[f][1])
	}
	if told[faultNone][0] == 0 {
		t.Fatal("no write without a fault committed")
	}
}

type caller struct {
	name   string
	rows   int   // rows its closure writes
	at     int   // before which of them the fault strikes
	fault  fault //
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

// runRound writes every caller's rows at once and waits for the answers.
func runRound(t *testing.T, db *sqldb.DB, callers []caller, held bool) {
	waitQueued, release := func(int) {}, func() {}
	if held {
		waitQueued, release = holdCommitter(t, db)
	}
	var wg sync.WaitGroup
	queued := 0
	for i := range callers {
		c := &callers[i]
		if c.fault == faultCancelBefore {
			c.cancel()
		} else {
			queued++
		}
		wg.Go(func() {
			c.err = db.RawWrite(c.ctx, func(ctx context.Context, exec sqldb.Exec) error { return c.run(db, exec) })
		})
	}
	waitQueued(queued)
	for i := range callers {
		if c := &callers[i]; c.fault == faultCancelQueued {
			if held {
				c.cancel()
			} else {
				go c.cancel()
			}
		}
	}
	release()
	wg.Wait()
	for i := range callers {
		callers[i].cancel()
	}
}

// run is a caller's closure: its rows, with its fault before row at.
func (c *caller) run(db *sqldb.DB, exec sqldb.Exec) error {
	insert := func(i int) error {
		return exec(`INSERT INTO probe (k, caller) VALUES (?, ?)`, fmt.Sprintf("%s-%d", c.name, i), c.name)
	}
	for i := range c.rows {
		if i == c.at {
			if done, err := c.strike(db, exec, insert, i); done {
				return err
			}
		}
		if err := insert(i); err != nil {
			return err
		}
	}
	if c.at == c.rows {
		if done, err := c.strike(db, exec, insert, c.rows); done {
			return err
		}
	}
	return nil
}

// strike does c's fault before row i; done says the closure ends with err.
func (c *caller) strike(db *sqldb.DB, exec sqldb.Exec, insert func(int) error, i int) (done bool, err error) {
	switch c.fault {
	case faultCancelMid:
		// The cancelling statement writes a row of its own: count it.
		c.rows++
		return false, cancelInside(db, exec, c.cancel, c.name+"-cancel", c.name)
	case faultPanic:
		panic("fault injected")
	case faultUnique:
		return true, exec(`INSERT INTO probe (k, caller) VALUES ('taken', ?)`, c.name)
	case faultError:
		return true, errors.New("fault injected")
	case faultRollback:
		_ = exec(`ROLLBACK`)
		return true, nil
	case faultRollbackErr:
		_ = exec(`ROLLBACK`)
		return true, errors.New("fault injected after ROLLBACK")
	case faultRollbackThenWrite:
		_ = exec(`ROLLBACK`)
	case faultCommitThenWrite:
		_ = exec(`COMMIT`)
	}
	return false, nil
}

// A write after Close is refused, never left waiting: the committer's
// queue has room, so a request could be queued after its last drain.
func TestWriteAfterCloseAnswers(t *testing.T) {
	db := probeDB(t)
	db.Close()
	answered := make(chan error, 100)
	for range cap(answered) {
		go func() {
			answered <- db.RawWrite(context.Background(), func(context.Context, sqldb.Exec) error { return nil })
		}()
	}
	deadline := time.After(30 * time.Second)
	for range cap(answered) {
		select {
		case err := <-answered:
			if err == nil {
				t.Fatal("a write after Close succeeded")
			}
		case <-deadline:
			t.Fatal("a write after Close is still waiting")
		}
	}
}
