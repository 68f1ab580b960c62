package sqldb_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// monitorMessages returns the outbox messages to addr, oldest first.
func monitorMessages(t *testing.T, db *sqldb.DB, addr string) []*journey.Message {
	t.Helper()
	msgs, err := db.FindMessages(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*journey.Message
	for _, m := range slices.Backward(msgs) {
		if m.To == addr {
			full, err := db.FindMessageByID(context.Background(), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, full)
		}
	}
	return out
}

// A remote medicine session's monitor gets the time and their duties
// once per time of the session within the first reminder window, however
// often the sweep runs; again when it moves; none once it is cancelled,
// and none when the monitor did not agree to be contacted.
func TestMonitorInstructionsOnce(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	ada, _ := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	bea, _ := sqldbtest.Client(t, db, ny.ID, "Bea Visitor", "bea@client.test", nil)
	cs, err := db.FindCareSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs.TelehealthTemplate = "https://video.example/{session_id}"
	if err := db.UpdateCareSettings(ctx, cs); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*journey.Monitor{
		{ClientID: ada.ID, Name: "Sam Monitor", Phone: "+15035550100", Relationship: "partner", Adult: true, Email: "sam@monitor.test", Agreed: true},
		{ClientID: bea.ID, Name: "Lee Monitor", Phone: "+15035550101", Relationship: "friend", Adult: true, Email: "lee@monitor.test"},
	} {
		if err := db.SetMonitor(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ids := sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{
		raw(ada.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(50*time.Hour), 180),   // due
		raw(ada.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(100*time.Hour), 180),  // not yet
		raw(ada.ID, journey.TypeMedicine, journey.ModeInPerson, now.Add(30*time.Hour), 180), // in person: no monitor
		raw(bea.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(50*time.Hour), 180),   // monitor did not agree
	})
	for range 2 {
		if _, err := db.SendMonitorInstructions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := monitorMessages(t, db, "sam@monitor.test")
	if len(got) != 1 {
		t.Fatalf("%d messages to the monitor, want 1", len(got))
	}
	m := got[0]
	for _, want := range []string{"Hello Sam Monitor", "Ada named you", "Thursday, March 6, 2031 at 11:30 AM", "America/New_York",
		"https://video.example/", "present for the whole session", "911"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("monitor's email lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text+m.Subject, "Visitor") {
		t.Errorf("the client's surname in the monitor's email:\n%s\n%s", m.Subject, m.Text)
	}
	if n := len(monitorMessages(t, db, "lee@monitor.test")); n != 0 {
		t.Errorf("%d messages to a monitor who did not agree", n)
	}

	// The session moves: the monitor is told its new time once.
	sqldbtest.SetSession(t, db, ids[0], journey.SessionBooked, 1, now.Add(60*time.Hour))
	for range 2 {
		if _, err := db.SendMonitorInstructions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := monitorMessages(t, db, "sam@monitor.test"); len(got) != 2 || !strings.Contains(got[1].Text, "March 6, 2031 at 9:30 PM") {
		t.Fatalf("after the move: %d messages, want 2 with the new time", len(got))
	}

	// Cancelled, then moved into the window: nothing more.
	sqldbtest.SetSession(t, db, ids[0], journey.SessionCancelled, 2, now.Add(40*time.Hour))
	sqldbtest.SetSession(t, db, ids[1], journey.SessionCancelled, 1, now.Add(40*time.Hour))
	if n, err := db.SendMonitorInstructions(ctx); err != nil || n != 0 {
		t.Fatalf("after cancelling: queued %d (%v), want 0", n, err)
	}
}
