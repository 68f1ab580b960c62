package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
)

// More distinct queries than the statement cache holds still answer, and
// leave no more statements open than the cache holds.
func TestStatementCacheBounded(t *testing.T) {
	db := probeDB(t)
	// One connection, so PostgreSQL's list of the session's prepared
	// statements is the whole pool's.
	db.Read.SetMaxOpenConns(1)
	ctx := context.Background()
	n := sqldb.MaxStmts + 50
	for i := range n {
		var got int
		if err := db.ReadQueryRow(ctx, fmt.Sprintf("SELECT %d + count(*) FROM probe WHERE k = ?", i), "taken").Scan(&got); err != nil || got != i+1 {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
	}
	if open := db.OpenReadStatements(); open > sqldb.MaxStmts {
		t.Errorf("%d statements prepared and open after %d distinct queries; the cache holds %d", open, n, sqldb.MaxStmts)
	}
	if db.Dialect == sqldb.Postgres {
		// pgx's own cache of text queries names its statements stmtcache_*;
		// database/sql's prepared statements are named by their text.
		var open int
		if err := db.Read.QueryRow(`SELECT count(*) FROM pg_prepared_statements WHERE name NOT LIKE 'stmtcache_%'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open > sqldb.MaxStmts {
			t.Errorf("PostgreSQL holds %d prepared statements after %d distinct queries; the cache holds %d", open, n, sqldb.MaxStmts)
		}
	}
}
