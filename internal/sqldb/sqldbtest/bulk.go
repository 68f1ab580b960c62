package sqldbtest

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
)

// Bulk fills a database fast for benchmarks of a large practice: rows are
// copied or built in SQL batches, not made one request at a time, and
// are what the application would have written (sealed PHI, a valid audit
// chain), so reading, verifying or backing them up costs what it would.

// BulkClients adds n clients, each a copy of one real client of
// therapistID (made by Client, with a complete intake): their name,
// contact details and intake are that client's ciphertext (sealed to the
// column, so it opens in any row), their email's blind index made unique.
func BulkClients(tb testing.TB, db *sqldb.DB, therapistID int64, n int) {
	tb.Helper()
	tmpl, _ := Client(tb, db, therapistID, "Bulk Template", "bulk.template@example.org", Intake("Bulk Template", time.Now()))
	ctx := context.Background()
	cols := columns(tb, db, "clients")
	sel := make([]string, len(cols))
	for i, c := range cols {
		switch c {
		case "email_key":
			sel[i] = "c.email_key || '-' || CAST(s.n AS TEXT)"
		case "user_id", "consult_id":
			sel[i] = "NULL"
		default:
			sel[i] = "c." + c
		}
	}
	series := `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ` + fmt.Sprint(n) + `) `
	if _, err := db.Write.ExecContext(ctx, series+`INSERT INTO clients (`+strings.Join(cols, ", ")+`) SELECT `+strings.Join(sel, ", ")+
		fmt.Sprintf(` FROM clients c CROSS JOIN s WHERE c.id = %d`, tmpl.ID)); err != nil {
		tb.Fatalf("bulk clients: %v", err)
	}
	icols := columns(tb, db, "intakes")
	isel := make([]string, len(icols))
	for i, c := range icols {
		isel[i] = "i." + c
		if c == "client_id" {
			isel[i] = "c.id"
		}
	}
	if _, err := db.Write.ExecContext(ctx, `INSERT INTO intakes (`+strings.Join(icols, ", ")+`) SELECT `+strings.Join(isel, ", ")+
		fmt.Sprintf(` FROM clients c CROSS JOIN intakes i WHERE i.client_id = %d AND c.id > %d`, tmpl.ID, tmpl.ID)); err != nil {
		tb.Fatalf("bulk intakes: %v", err)
	}
}

// columns returns table's columns but id, in order.
func columns(tb testing.TB, db *sqldb.DB, table string) []string {
	tb.Helper()
	q := `SELECT name FROM pragma_table_info('` + table + `') ORDER BY cid`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '` + table + `' ORDER BY ordinal_position`
	}
	rows, err := db.Read.Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			tb.Fatal(err)
		}
		if c != "id" {
			out = append(out, c)
		}
	}
	return out
}

// BulkAudit appends n entries to the audit trail, sealed onto its chain
// under key as the audit writer would (reads of clients by a therapist),
// in batches, and returns the newest's seq and hash. The writer must not
// be running.
func BulkAudit(tb testing.TB, db *sqldb.DB, key audit.Key, n int) audit.Head {
	tb.Helper()
	ctx := context.Background()
	var seq int64
	var h string
	err := db.Read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &h)
	hash := make([]byte, audit.HashSize)
	if err == nil {
		hash, _ = hex.DecodeString(h)
	}
	chain := audit.NewChain(key)
	chain.Reset(seq, hash)
	const batch = 500
	at := time.Now().Add(-time.Duration(n) * time.Second)
	for done := 0; done < n; {
		tx, err := db.Write.BeginTx(ctx, nil)
		if err != nil {
			tb.Fatal(err)
		}
		for range 20 {
			k := min(batch, n-done)
			if k == 0 {
				break
			}
			args := make([]any, 0, 13*k)
			for i := range k {
				e := &audit.Entry{Time: at.Add(time.Duration(done+i) * time.Second).UTC().Truncate(time.Microsecond), ActorID: 2, ActorRole: "therapist",
					Action: "client.read", SubjectType: "client", SubjectID: fmt.Sprint((done + i) % 50_000), ClientAddr: "192.0.2.10", Outcome: "success"}
				chain.Next(e)
				args = append(args, e.Seq, e.Time.UnixMicro(), e.ActorID, e.ActorRole, e.Action, e.SubjectType, e.SubjectID, e.ClientAddr,
					e.Outcome, e.Reason, e.Detail, hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash))
			}
			q := `INSERT INTO audit_log (seq, at_us, actor_id, actor_role, action, subject_type, subject_id, client_addr, outcome, reason, detail,
				prev_hash, hash) VALUES ` + strings.TrimSuffix(strings.Repeat(placeholders(13), k), ", ")
			if _, err := tx.ExecContext(ctx, renumber(db, q), args...); err != nil {
				tx.Rollback()
				tb.Fatalf("bulk audit: %v", err)
			}
			done += k
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	s, hh := chain.Last()
	return audit.Head{Seq: s, Hash: hh, Time: time.Now()}
}

func placeholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + "), "
}

// renumber rewrites ? as $1, $2, … for PostgreSQL.
func renumber(db *sqldb.DB, q string) string {
	if db.Dialect != sqldb.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
