package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkFindLogEntriesMonth reads one month of a log holding 1,000
// administrations a day with each day's containers counted (about 32,000
// entries a month), the store's part of the month's report.
func BenchmarkFindLogEntriesMonth(b *testing.B) {
	ctx := context.Background()
	db := sqldbtest.Open(b)
	c := sqldbtest.SeedCare(b, db)
	first := time.Date(2030, 1, 1, 13, 0, 0, 0, time.UTC)
	s := sqldbtest.RawSessions(b, db, c.Provider, []sqldbtest.RawSession{{ClientID: c.Client.ID, Type: journey.TypeMedicine,
		Mode: journey.ModeInPerson, Start: first, Minutes: 180}})
	sqldbtest.BulkLog(b, db, c.Location.ID, c.Provider, map[int64]int64{s[0]: c.Client.ID}, first, 62, 1000)
	f := journey.LogFilter{From: time.Date(2030, 1, 15, 5, 0, 0, 0, time.UTC), To: time.Date(2030, 2, 15, 5, 0, 0, 0, time.UTC)}
	for b.Loop() {
		es, err := db.FindLogEntries(ctx, f)
		if err != nil || len(es) < 30000 {
			b.Fatalf("%d entries, %v", len(es), err)
		}
	}
}
