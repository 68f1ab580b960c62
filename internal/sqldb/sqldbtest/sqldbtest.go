// Package sqldbtest opens fresh, real databases for tests: a new SQLite
// file, or a new PostgreSQL database when JOURNEY_TEST_DB=postgres (the
// README's test command runs the suite once each way).
package sqldbtest

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// DSN returns the address of a new, empty database that is removed when
// the test ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	if testenv.Dialect() != "postgres" {
		return filepath.Join(tb.TempDir(), "journey.db")
	}
	base := testenv.PostgresURL(tb)
	adminOnce.Do(func() { admin, adminErr = sql.Open("pgx", base) })
	if adminErr != nil {
		tb.Fatalf("open postgres: %v", adminErr)
	}
	return testenv.NewPostgresDatabase(tb, admin, base)
}

// Open opens a new database with migrations applied, mail composed for
// http://journey.test and no job queue (messages stay queued in the outbox).
func Open(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := sqldb.Open(context.Background(), DSN(tb), nil)
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	db.Mail = &mail.Composer{BaseURL: "http://journey.test"}
	tb.Cleanup(func() { db.Close() })
	return db
}

// FixedClock returns a clock that reads *t, so a test can move time.
func FixedClock(t *time.Time) journey.Clock { return func() time.Time { return *t } }

// Practice is the practice every fixture uses.
var Practice = journey.Practice{Name: "Test Practice", Email: "desk@practice.test", Phone: "+15550100100",
	TimeZone: "America/New_York", PrivacyNotice: "We keep your details private."}

// MustSeed writes the practice and two therapists: one in New York
// (Mon–Fri 09:00–12:00, 30-minute consults, no buffer) and one in Los
// Angeles (Mon–Fri 09:00–17:00, 30 minutes, 10-minute buffer); both with
// 24 hours' notice and a 60-day horizon. It returns the therapists.
func MustSeed(tb testing.TB, db *sqldb.DB) (ny, la *journey.Therapist) {
	tb.Helper()
	ctx := context.Background()
	p := Practice
	if err := db.UpdatePractice(ctx, &p); err != nil {
		tb.Fatalf("practice: %v", err)
	}
	week := func(start, end journey.ClockTime) []journey.WeeklyHours {
		var out []journey.WeeklyHours
		for d := time.Monday; d <= time.Friday; d++ {
			out = append(out, journey.WeeklyHours{Weekday: d, Start: start, End: end})
		}
		return out
	}
	ny = &journey.Therapist{Name: "Nora York", Credentials: "LCSW", Email: "nora@practice.test", TimeZone: "America/New_York", Active: true, Weekly: week(9*60, 12*60)}
	la = &journey.Therapist{Name: "Luis Angel", Credentials: "LMFT", Email: "luis@practice.test", TimeZone: "America/Los_Angeles", Active: true,
		Buffer: 10 * time.Minute, Weekly: week(9*60, 17*60)}
	for _, t := range []*journey.Therapist{ny, la} {
		if err := db.CreateTherapist(ctx, t); err != nil {
			tb.Fatalf("therapist: %v", err)
		}
	}
	return ny, la
}
