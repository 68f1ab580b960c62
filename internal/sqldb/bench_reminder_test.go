package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkSendReminder is the cost of sending one due email reminder
// (its facts read, the email composed and queued, the reminder marked),
// the unit the reminder jobs repeat.
func BenchmarkSendReminder(b *testing.B) {
	ctx := context.Background()
	db := sqldbtest.Open(b)
	ny, _ := sqldbtest.MustSeed(b, db)
	c, _ := sqldbtest.Client(b, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ss := make([]sqldbtest.RawSession, b.N)
	for i := range ss {
		ss[i] = sqldbtest.RawSession{ClientID: c.ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson,
			Start: now.Add(time.Hour + time.Duration(i)*time.Second), Minutes: 180}
	}
	ids := sqldbtest.RawSessions(b, db, ny.ID, ss)
	if n, err := db.ScheduleReminders(ctx, false, 1000); err != nil || n != b.N {
		b.Fatalf("made %d (%v)", n, err)
	}
	var rids []int64
	for _, id := range ids {
		rs, _ := db.FindReminders(ctx, id)
		rids = append(rids, rs[0].ID)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := db.SendReminder(ctx, rids[i]); err != nil {
			b.Fatal(err)
		}
	}
}
