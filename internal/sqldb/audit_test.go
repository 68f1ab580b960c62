package sqldb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// auditTrail opens a database with a running audit trail of n entries.
func auditTrail(t *testing.T, n int) (*sqldb.DB, audit.Key, string) {
	t.Helper()
	db := sqldbtest.Open(t)
	dir := t.TempDir()
	key, _, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	head := filepath.Join(dir, "audit.head")
	db.StartAudit(key, head)
	for i := range n {
		db.Audit(context.Background(), &journey.AuditEntry{ActorID: int64(i%3 + 1), ActorRole: "therapist", Action: "consult.read",
			SubjectType: "consult", SubjectID: fmt.Sprint(i), ClientAddr: "127.0.0.1", Outcome: journey.AuditSuccess})
	}
	if err := db.FlushAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, key, head
}

// tamper runs SQL against the trail the way an intruder with database
// access would: the append-only triggers are no obstacle to them.
func tamper(t *testing.T, db *sqldb.DB, stmts ...string) {
	t.Helper()
	pre := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if db.Dialect == sqldb.Postgres {
		pre = []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"}
	}
	for _, s := range append(pre, stmts...) {
		if _, err := db.Write.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditTrailIntact(t *testing.T) {
	db, key, head := auditTrail(t, 120)
	n, problem, err := db.VerifyAudit(context.Background(), key, head)
	if err != nil || problem != nil || n != 120 {
		t.Fatalf("verify: %d entries, %v, %v", n, problem, err)
	}
	got, err := db.FindAudit(context.Background(), journey.AuditFilter{ActorID: 2, Action: "consult"})
	if err != nil || len(got) != 40 || got[0].Seq != 2 || got[0].SubjectID != "1" {
		t.Fatalf("filter: %d entries, %v", len(got), err)
	}
	// Journey itself cannot change or remove an entry.
	if _, err := db.Write.Exec(db.Rebind(`UPDATE audit_log SET action = 'x' WHERE seq = 1`)); err == nil {
		t.Fatal("an audit entry was updated")
	}
	if _, err := db.Write.Exec(db.Rebind(`DELETE FROM audit_log WHERE seq = 1`)); err == nil {
		t.Fatal("an audit entry was deleted")
	}
}

func TestAuditTamperDetected(t *testing.T) {
	cases := []struct {
		name string
		sql  []string
		seq  int64
		kind string
	}{
		{"changed entry", []string{"UPDATE audit_log SET subject_id = '999' WHERE seq = 40"}, 40, audit.KindChanged},
		{"changed time", []string{"UPDATE audit_log SET at_us = at_us + 1 WHERE seq = 7"}, 7, audit.KindChanged},
		{"deleted entry", []string{"DELETE FROM audit_log WHERE seq = 40"}, 40, audit.KindGap},
		{"inserted entry", []string{"INSERT INTO audit_log SELECT seq + 1000, at_us, 1, 'admin', 'consult.read', 'consult', '1', '10.0.0.1', 'success', '', '', hash, hash FROM audit_log WHERE seq = 120"}, 1120, ""},
		{"truncated table", []string{"DELETE FROM audit_log WHERE seq > 110"}, 111, audit.KindTruncated},
		{"emptied table", []string{"DELETE FROM audit_log"}, 1, audit.KindTruncated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, key, head := auditTrail(t, 120)
			tamper(t, db, c.sql...)
			_, problem, err := db.VerifyAudit(context.Background(), key, head)
			if err != nil {
				t.Fatal(err)
			}
			if problem == nil {
				t.Fatal("tampering not detected")
			}
			if problem.Seq != c.seq && c.kind != "" || (c.kind != "" && problem.Kind != c.kind) {
				t.Fatalf("problem = %+v, want %s at %d", problem, c.kind, c.seq)
			}
		})
	}
	// A forged head file is refused as well.
	db, key, head := auditTrail(t, 10)
	other, _, _ := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
	if err := audit.WriteHead(head, other, audit.Head{Seq: 10, Hash: make([]byte, 32), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, problem, _ := db.VerifyAudit(context.Background(), key, head); problem == nil {
		t.Fatal("forged head accepted")
	}
}

// Several writers (two handles on one database, as two processes) extend
// one chain.
func TestAuditTwoWriters(t *testing.T) {
	dsn := sqldbtest.DSN(t)
	dir := t.TempDir()
	key, _, _ := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	mk := sqldbtest.MasterKeys(t)
	var dbs []*sqldb.DB
	for i := range 2 {
		db := sqldbtest.OpenDSN(t, dsn, mk)
		db.StartAudit(key, filepath.Join(dir, fmt.Sprintf("head%d", i)))
		dbs = append(dbs, db)
	}
	for i := range 200 {
		dbs[i%2].Audit(context.Background(), &journey.AuditEntry{Action: "x", Outcome: "success", SubjectID: fmt.Sprint(i)})
	}
	for _, db := range dbs {
		if err := db.FlushAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	n, problem, err := dbs[0].VerifyAudit(context.Background(), key, filepath.Join(dir, "head0"))
	if err != nil || problem != nil || n != 200 {
		t.Fatalf("two writers: %d entries, %v, %v", n, problem, err)
	}
}

// The trail reads newest first in keyset pages, and EachAudit streams every
// matching entry past the 1,000 a page may hold, in either order.
func TestAuditPagesAndStream(t *testing.T) {
	const n = 1105
	db, _, _ := auditTrail(t, n)
	ctx := context.Background()
	db.Audit(ctx, &journey.AuditEntry{ActorID: 1, ActorRole: "therapist", Action: "breakglass.consult", SubjectType: "consult",
		SubjectID: "7", Outcome: journey.AuditSuccess, Reason: "covering"})
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	first, err := db.FindAudit(ctx, journey.AuditFilter{Newest: true, Limit: 100})
	if err != nil || len(first) != 100 || first[0].Action != "breakglass.consult" || first[0].Seq != n+1 || first[99].Seq != n+1-99 {
		t.Fatalf("first page: %d entries, %v", len(first), err)
	}
	seen := map[int64]int{}
	for before := int64(0); ; {
		page, err := db.FindAudit(ctx, journey.AuditFilter{Newest: true, BeforeSeq: before, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for i, e := range page {
			if i > 0 && e.Seq >= page[i-1].Seq {
				t.Fatalf("not newest first: %d after %d", e.Seq, page[i-1].Seq)
			}
			seen[e.Seq]++
		}
		before = page[len(page)-1].Seq
	}
	if len(seen) != n+1 {
		t.Fatalf("pages hold %d entries, want %d", len(seen), n+1)
	}
	for seq, k := range seen {
		if k != 1 || seq < 1 || seq > n+1 {
			t.Fatalf("entry %d seen %d times", seq, k)
		}
	}
	// A previous page: the entries just newer than a seq, oldest first.
	prev, err := db.FindAudit(ctx, journey.AuditFilter{AfterSeq: 500, Limit: 100})
	if err != nil || len(prev) != 100 || prev[0].Seq != 501 || prev[99].Seq != 600 {
		t.Fatalf("previous page: %d entries, %v", len(prev), err)
	}

	var streamed []int64
	err = db.EachAudit(ctx, journey.AuditFilter{Newest: true, Action: "consult"}, func(e *journey.AuditEntry) error {
		streamed = append(streamed, e.Seq)
		return nil
	})
	if err != nil || len(streamed) != n || streamed[0] != n || streamed[n-1] != 1 {
		t.Fatalf("stream: %d entries, %v", len(streamed), err)
	}
	var all int
	last := int64(0)
	err = db.EachAudit(ctx, journey.AuditFilter{}, func(e *journey.AuditEntry) error {
		if e.Seq <= last {
			t.Fatalf("not oldest first: %d after %d", e.Seq, last)
		}
		all, last = all+1, e.Seq
		return nil
	})
	if err != nil || all != n+1 {
		t.Fatalf("stream oldest first: %d entries, %v", all, err)
	}
	// An action is a prefix of whole words, never a LIKE pattern.
	if es, err := db.FindAudit(ctx, journey.AuditFilter{Action: "c%"}); err != nil || len(es) != 0 {
		t.Fatalf("wildcard action matched %d entries, %v", len(es), err)
	}
}

// An entry's detail names clinical facts (which questionnaire, which
// decision): it is sealed, padded to one length, read back as written, and
// the chain still verifies. A detail written plain by an older version
// reads back as it is.
func TestAuditDetailSealed(t *testing.T) {
	db, key, head := auditTrail(t, 0)
	ctx := context.Background()
	for _, d := range []string{"phq-9", "cleared override", ""} {
		db.Audit(ctx, &journey.AuditEntry{ActorID: 1, ActorRole: "medical_provider", Action: "clearance.decide",
			SubjectType: "client", SubjectID: "7", ClientAddr: "127.0.0.1", Outcome: journey.AuditSuccess, Detail: d})
	}
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Read.Query(`SELECT detail FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var raw []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, d)
	}
	rows.Close()
	if len(raw) != 3 || raw[2] != "" || len(raw[0]) != len(raw[1]) || strings.Contains(raw[0]+raw[1], "phq") || strings.Contains(raw[1], "cleared") {
		t.Fatalf("stored details: %q", raw)
	}
	got, err := db.FindAudit(ctx, journey.AuditFilter{Action: "clearance.decide"})
	if err != nil || len(got) != 3 || got[0].Detail != "phq-9" || got[1].Detail != "cleared override" || got[2].Detail != "" {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if n, problem, err := db.VerifyAudit(ctx, key, head); err != nil || problem != nil || n != 3 {
		t.Fatalf("verify: %d, %v, %v", n, problem, err)
	}
	tamper(t, db, db.Rebind(`UPDATE audit_log SET detail = 'legacy plain' WHERE seq = 3`))
	if got, err := db.FindAudit(ctx, journey.AuditFilter{Action: "clearance.decide"}); err != nil || got[2].Detail != "legacy plain" {
		t.Fatalf("plain detail: %+v %v", got, err)
	}
}
