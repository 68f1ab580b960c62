package sqldb_test

import (
	"context"
	"os"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestMain runs the package's tests with sqldbtest.Open copying one
// database migrated for the package run instead of migrating one a test.
func TestMain(m *testing.M) { os.Exit(sqldbtest.Main(m)) }

// Open gives each test a database of its own, migrated: what one copy of
// the package run's migrated database holds the next does not.
func TestOpenCopiesAreTheirOwn(t *testing.T) {
	ctx := context.Background()
	a := sqldbtest.Open(t)
	sqldbtest.MustSeed(t, a)
	ta, err := a.FindTherapists(ctx, false)
	if err != nil || len(ta) == 0 {
		t.Fatalf("the first copy's therapists: %d, %v", len(ta), err)
	}
	b := sqldbtest.Open(t)
	tbs, err := b.FindTherapists(ctx, false)
	if err != nil || len(tbs) != 0 {
		t.Fatalf("the second copy's therapists: %d (%v), want none: it sees the first's", len(tbs), err)
	}
	ms, _ := sqldb.Migrations(b.Dialect)
	var applied int
	if err := b.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil || applied != len(ms) {
		t.Fatalf("the second copy has %d migrations applied (%v), want all %d", applied, err, len(ms))
	}
}
