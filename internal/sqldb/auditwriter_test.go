package sqldb_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// within polls cond until it holds, failing the test with what() if it
// still does not after a generous while: the writer works in the
// background, and this waits for it without betting on its speed.
func within(t *testing.T, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// storedSeq returns the newest seq in the trail.
func storedSeq(t *testing.T, db *sqldb.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Read.QueryRow(`SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// syncBuffer is a log destination the writer goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func entry(i int) *journey.AuditEntry {
	return &journey.AuditEntry{ActorID: 1, ActorRole: "admin", Action: "client.read", SubjectType: "client",
		SubjectID: fmt.Sprint(i), Outcome: journey.AuditSuccess}
}

// While the audit trail cannot be written, its entries are kept, in order,
// and retried; the backlog is reported and logged; callers wait once the
// queue is full. When the table takes writes again, every entry arrives
// once, in order, on a valid chain.
func TestAuditWriterKeepsEntriesWhileFailing(t *testing.T) {
	db := sqldbtest.Open(t)
	logs := &syncBuffer{}
	db.Log = slog.New(slog.NewTextHandler(logs, nil))
	dir := t.TempDir()
	key, _, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	head := filepath.Join(dir, "audit.head")
	db.StartAudit(key, head, sqldb.AuditRetry(time.Millisecond, 10*time.Millisecond), sqldb.AuditHeadInterval(20*time.Millisecond))
	ctx := context.Background()
	next := 0
	audit := func(n int) {
		for range n {
			db.Audit(ctx, entry(next))
			next++
		}
	}
	audit(10)
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if since, waiting := db.AuditBacklog(); !since.IsZero() || waiting != 0 {
		t.Fatalf("healthy writer reports failing since %v with %d waiting", since, waiting)
	}

	lift := sqldbtest.BlockAuditLog(t, db)
	// More than fit in memory: one batch (at most 256, fewer if the writer
	// took it before more came) and the queue (4096). The rest wait in
	// Audit, as a request would.
	const queue, inMemory = 4096, 256 + 4096
	total := inMemory + 100
	produced := make(chan struct{})
	go func() {
		audit(total)
		close(produced)
	}()
	within(t, func() string {
		since, waiting := db.AuditBacklog()
		return fmt.Sprintf("backlog: failing since %v, %d waiting; want the queue full", since, waiting)
	}, func() bool {
		since, waiting := db.AuditBacklog()
		return !since.IsZero() && waiting > queue
	})
	if _, waiting := db.AuditBacklog(); waiting > inMemory {
		t.Fatalf("%d entries held in memory; at most %d should be", waiting, inMemory)
	}
	select {
	case <-produced:
		t.Fatal("every entry was taken while none could be written: memory is not bounded")
	default:
	}
	if got := storedSeq(t, db); got != 10 {
		t.Fatalf("%d entries stored while the table refuses writes", got)
	}
	within(t, func() string { return "no log of the failure: " + logs.String() }, func() bool {
		for _, m := range regexp.MustCompile(`audit trail cannot be written.* waiting=(\d+)`).FindAllStringSubmatch(logs.String(), -1) {
			if n, _ := strconv.Atoi(m[1]); n > queue {
				return true
			}
		}
		return false
	})

	lift()
	<-produced
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if since, waiting := db.AuditBacklog(); !since.IsZero() || waiting != 0 {
		t.Fatalf("after recovery: failing since %v with %d waiting", since, waiting)
	}
	if !strings.Contains(logs.String(), "audit trail written again") {
		t.Error("recovery not logged")
	}
	n, problem, err := db.VerifyAudit(ctx, key, head)
	if err != nil || problem != nil || n != int64(10+total) {
		t.Fatalf("verify: %d entries (want %d), %v, %v", n, 10+total, problem, err)
	}
	entries, err := db.AuditEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.SubjectID != fmt.Sprint(i) {
			t.Fatalf("entry %d names subject %s: entries lost, repeated or out of order", i+1, e.SubjectID)
		}
	}
}

// verifyCopy runs the verifier over entries against head, as `journey
// audit verify` does over the table.
func verifyCopy(key audit.Key, head audit.Head, entries []*audit.Entry) *audit.Problem {
	v := audit.NewVerifier(key)
	v.ExpectHead(head)
	for _, e := range entries {
		v.Add(e)
	}
	return v.Finish(&head)
}

// tamperings returns every deletion, edit and swap of one entry, and every
// truncation of the newest k, of entries, each as a changed copy.
func tamperings(entries []*audit.Entry) map[string][]*audit.Entry {
	out := map[string][]*audit.Entry{}
	n := len(entries)
	for i := range n {
		out[fmt.Sprintf("delete %d", i+1)] = append(append([]*audit.Entry{}, entries[:i]...), entries[i+1:]...)
		edited := append([]*audit.Entry{}, entries...)
		e := *entries[i]
		e.SubjectID += "0"
		edited[i] = &e
		out[fmt.Sprintf("edit %d", i+1)] = edited
		if i+1 < n {
			swapped := append([]*audit.Entry{}, entries...)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			out[fmt.Sprintf("swap %d and %d", i+1, i+2)] = swapped
		}
	}
	for k := 1; k <= n; k++ {
		out[fmt.Sprintf("truncate newest %d", k)] = entries[:n-k]
	}
	return out
}

// waitHeadAt waits until the head checkpoint names the newest entry, and
// checks that it never moved back meanwhile.
func waitHeadAt(t *testing.T, db *sqldb.DB, key audit.Key, path string) audit.Head {
	t.Helper()
	newest := storedSeq(t, db)
	var h audit.Head
	var last int64
	within(t, func() string { return fmt.Sprintf("head names entry %d of %d", h.Seq, newest) }, func() bool {
		var err error
		if h, err = audit.ReadHead(path, key); err != nil {
			h = audit.Head{}
		}
		if h.Seq < last {
			t.Fatalf("head moved back from %d to %d", last, h.Seq)
		}
		last = h.Seq
		return h.Seq == newest
	})
	return h
}

// After a pause in writing, shorter or longer than the head interval, the
// head checkpoint comes to name the newest entry without any further
// write, and so the verifier catches every deletion, edit or reordering of
// any entry, and the loss of the newest k. Entries are written in separate
// batches, as requests arriving apart are.
func TestAuditHeadFollowsNewestEntry(t *testing.T) {
	const interval = 30 * time.Millisecond
	ctx := context.Background()
	for _, idle := range []time.Duration{0, interval / 3, interval, 4 * interval} {
		for _, n := range []int{1, 6, 13} {
			t.Run(fmt.Sprintf("idle %v, %d entries", idle, n), func(t *testing.T) {
				db := sqldbtest.Open(t)
				dir := t.TempDir()
				key, _, _ := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
				path := filepath.Join(dir, "audit.head")
				db.StartAudit(key, path, sqldb.AuditHeadInterval(interval))
				for i := range n {
					db.Audit(ctx, entry(i))
					within(t, func() string { return "entry not written" }, func() bool { return storedSeq(t, db) == int64(i+1) })
				}
				time.Sleep(idle)
				head := waitHeadAt(t, db, key, path)
				entries, err := db.AuditEntries(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if p := verifyCopy(key, head, entries); p != nil {
					t.Fatalf("untouched trail: %v", p)
				}
				for name, changed := range tamperings(entries) {
					if p := verifyCopy(key, head, changed); p == nil {
						t.Errorf("%s passes verification", name)
					}
				}
			})
		}
	}
}

// The case reported: six entries written apart, then idle; deleting the
// five newest from the table must fail `journey audit verify`.
func TestAuditTruncationAfterIdleDetected(t *testing.T) {
	db := sqldbtest.Open(t)
	dir := t.TempDir()
	key, _, _ := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	path := filepath.Join(dir, "audit.head")
	db.StartAudit(key, path, sqldb.AuditHeadInterval(30*time.Millisecond))
	for i := range 6 {
		db.Audit(context.Background(), entry(i))
		within(t, func() string { return "entry not written" }, func() bool { return storedSeq(t, db) == int64(i+1) })
	}
	waitHeadAt(t, db, key, path)
	tamper(t, db, "DELETE FROM audit_log WHERE seq > 1")
	_, problem, err := db.VerifyAudit(context.Background(), key, path)
	if err != nil || problem == nil || problem.Kind != audit.KindTruncated || problem.Seq != 2 {
		t.Fatalf("five newest deleted: %v, %v; want truncated at 2", problem, err)
	}
}

// Processes sharing a database and a head file: each checkpoints the
// newest entry any of them committed, and the head never moves back.
func TestAuditHeadSharedByProcesses(t *testing.T) {
	dsn := sqldbtest.DSN(t)
	mk := sqldbtest.MasterKeys(t)
	dir := t.TempDir()
	key, _, _ := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	path := filepath.Join(dir, "audit.head")
	var dbs []*sqldb.DB
	for i := range 3 {
		db := sqldbtest.OpenDSN(t, dsn, mk)
		// Different intervals, so the processes' checkpoints interleave.
		db.StartAudit(key, path, sqldb.AuditHeadInterval(time.Duration(10+15*i)*time.Millisecond))
		dbs = append(dbs, db)
	}
	ctx := context.Background()
	for i := range 30 {
		dbs[i%3].Audit(ctx, entry(i))
		within(t, func() string { return "entry not written" }, func() bool { return storedSeq(t, dbs[0]) == int64(i+1) })
		if i%7 == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	head := waitHeadAt(t, dbs[0], key, path)
	entries, err := dbs[0].AuditEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 3; k++ {
		if p := verifyCopy(key, head, entries[:len(entries)-k]); p == nil || p.Kind != audit.KindTruncated {
			t.Errorf("newest %d lost: %v", k, p)
		}
	}
	// Closing checkpoints what is newest; the head stays where it is.
	for _, db := range dbs {
		db.Close()
	}
	if h, err := audit.ReadHead(path, key); err != nil || h.Seq != 30 {
		t.Fatalf("after close: head %d, %v", h.Seq, err)
	}
}
