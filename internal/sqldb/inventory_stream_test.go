package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// TestLogFileReadFromIndex: a month's file is read in the order of an
// index, never sorted; on SQLite from cs_entries_file alone, so migration
// 0042's expression is the one the read asks for (a difference would read
// every entry's row from the table, several times slower, with nothing
// else failing), while the count of a month and the file's lookups walk
// the narrow cs_entries_range.
func TestLogFileReadFromIndex(t *testing.T) {
	const where = ` FROM cs_entries WHERE at >= ? AND at < ? AND (? = 0 OR location_id = ?)`
	for _, c := range []struct{ query, sqlite, postgres string }{
		{`SELECT ` + sqldb.LogFileFields + where + ` ORDER BY at, id`, "SEARCH cs_entries USING COVERING INDEX cs_entries_file (at>? AND at<?)",
			"Index Scan using cs_entries_range on cs_entries; Index Cond: ((at >= '0'::bigint) AND (at < '1'::bigint))"},
		{`SELECT COUNT(*)` + where, "SEARCH cs_entries USING COVERING INDEX cs_entries_range (at>? AND at<?)",
			"Aggregate; ->  Index Only Scan using cs_entries_range on cs_entries; Index Cond: ((at >= '0'::bigint) AND (at < '1'::bigint))"},
		{`SELECT DISTINCT client_id` + where + ` AND client_id IS NOT NULL`,
			"SEARCH cs_entries USING COVERING INDEX cs_entries_range (at>? AND at<?); USE TEMP B-TREE FOR DISTINCT", ""},
	} {
		if got, want := logPlan(t, c.query), map[bool]string{true: c.postgres, false: c.sqlite}[testenv.Dialect() == "postgres"]; want != "" && got != want {
			t.Errorf("%s\nplanned as %s\nwant %s", c.query, got, want)
		}
	}
}

// logPlan returns how a read of cs_entries with the arguments 0, 1, 0, 0
// is planned, on PostgreSQL as for a table too large to read whole.
func logPlan(t *testing.T, q string) string {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	tx, err := db.Read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if testenv.Dialect() == "postgres" {
		// An empty table is cheapest read whole and sorted: ask for
		// the plan a month's entries get.
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
			t.Fatal(err)
		}
		q = "EXPLAIN (COSTS OFF) " + db.Rebind(q)
	} else {
		q = "EXPLAIN QUERY PLAN " + q
	}
	rows, err := tx.QueryContext(ctx, q, 0, 1, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	cols, _ := rows.Columns()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		dest := []any{&id, &parent, &unused, &detail}
		if len(cols) == 1 {
			dest = []any{&detail}
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, strings.TrimSpace(detail))
	}
	return strings.Join(plan, "; ")
}

// TestReadLogFields: a value of sqldb.LogFileFields read back, a reason with
// spaces and an empty one, what was counted or nothing; a value cut short
// is an error.
func TestReadLogFields(t *testing.T) {
	var e journey.LogEntry
	var c float64
	if err := sqldb.ReadLogFields("count 7 0 8500 9250 0 0 0 3 second-factor 1893456000 ", &e, &c); err != nil || e.Counted == nil || *e.Counted != 9.25 ||
		e.Kind != journey.EntryCount || e.ContainerID != 7 || e.Balance != 8.5 || e.By != 3 || e.At.Unix() != 1893456000 || e.Reason != "" {
		t.Errorf("a count: %+v, %v", e, err)
	}
	if err := sqldb.ReadLogFields("waste 7 -1500 7000  0 0 4 3 api-token 1893456060 Vial  cracked, spilled", &e, &c); err != nil || e.Counted != nil ||
		e.Amount != -1.5 || e.WitnessID != 4 || e.Signature != journey.SignAPIToken || e.Reason != "Vial  cracked, spilled" {
		t.Errorf("a waste: %+v, %v", e, err)
	}
	if err := sqldb.ReadLogFields("administration 7 -500 6500  12 34 0", &e, &c); err == nil {
		t.Errorf("a value cut short: %+v", e)
	}
}
