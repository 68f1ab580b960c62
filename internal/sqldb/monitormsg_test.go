package sqldb_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
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
		if _, err := db.SendMonitorInstructions(ctx, false); err != nil {
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
		if _, err := db.SendMonitorInstructions(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := monitorMessages(t, db, "sam@monitor.test"); len(got) != 2 || !strings.Contains(got[1].Text, "March 6, 2031 at 9:30 PM") {
		t.Fatalf("after the move: %d messages, want 2 with the new time", len(got))
	}

	// Cancelled, then moved into the window: nothing more.
	sqldbtest.SetSession(t, db, ids[0], journey.SessionCancelled, 2, now.Add(40*time.Hour))
	sqldbtest.SetSession(t, db, ids[1], journey.SessionCancelled, 1, now.Add(40*time.Hour))
	if n, err := db.SendMonitorInstructions(ctx, false); err != nil || n != 0 {
		t.Fatalf("after cancelling: queued %d (%v), want 0", n, err)
	}
}

// A remote medicine session's monitor who agreed to texts gets the time and
// their duties by text once per time of the session, whichever of two
// processes sweeps and sends: again after a move, none once cancelled (not
// even one made before the cancellation), none for a monitor who agreed
// to email only; a number the provider refuses is a failed delivery front
// desk sees by the client's initials, and nothing of the message.
func TestMonitorTextsOnce(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, dsn, mk)
	other := sqldbtest.OpenDSN(t, dsn, mk)
	ny, _ := sqldbtest.MustSeed(t, db)
	ada, _ := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	bea, _ := sqldbtest.Client(t, db, ny.ID, "Bea Visitor", "bea@client.test", nil)
	cy, _ := sqldbtest.Client(t, db, ny.ID, "Cy Rowe", "cy@client.test", nil)
	if err := db.SetMonitor(ctx, &journey.Monitor{ClientID: cy.ID, Name: "Kit Monitor", Phone: "+15035550103", Relationship: "friend",
		Adult: true, Texts: true}); !hasFields(err, "texts") {
		t.Fatalf("texts without agreeing to be contacted: %v", err)
	}
	for _, m := range []*journey.Monitor{
		{ClientID: ada.ID, Name: "Sam Monitor", Phone: "+15035550100", Relationship: "partner", Adult: true, Agreed: true, Texts: true},
		{ClientID: bea.ID, Name: "Lee Monitor", Phone: "+15035550101", Relationship: "friend", Adult: true, Email: "lee@monitor.test", Agreed: true},
		{ClientID: cy.ID, Name: "Kit Monitor", Phone: "+15035550103", Relationship: "friend", Adult: true, Agreed: true, Texts: true},
	} {
		if err := db.SetMonitor(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	gw := &fakeGateway{refuse: map[string]bool{"+15035550103": true}}
	sender := gw.serve(t)
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	var queued []int64
	var mu sync.Mutex
	for _, d := range []*sqldb.DB{db, other} {
		d.Now = sqldbtest.FixedClock(&now)
		d.EnqueueMonitorTexts = func(_ context.Context, _ *sql.Tx, ids []int64) error {
			mu.Lock()
			defer mu.Unlock()
			queued = append(queued, ids...)
			return nil
		}
	}
	ids := sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{
		raw(ada.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(50*time.Hour), 180),
		raw(bea.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(50*time.Hour), 180), // email only
		raw(cy.ID, journey.TypeMedicine, journey.ModeRemote, now.Add(50*time.Hour), 180),  // refused number
	})
	// Two processes sweep at once, then each sends every text queued.
	sweep := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, d := range []*sqldb.DB{db, other} {
			wg.Go(func() {
				if _, err := d.SendMonitorInstructions(ctx, true); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		mu.Lock()
		batch := queued
		queued = nil
		mu.Unlock()
		// A job is run by one worker at a time, and may run again.
		for _, id := range batch {
			for _, d := range []*sqldb.DB{db, other} {
				if err := d.DeliverMonitorText(ctx, id, sender); err != nil {
					t.Error(err)
				}
			}
		}
	}
	sweep()
	sweep()
	texts := func() []string {
		gw.mu.Lock()
		defer gw.mu.Unlock()
		return slices.Clone(gw.got)
	}
	got := texts()
	if len(got) != 1 || !strings.HasPrefix(got[0], "+15035550100|") {
		t.Fatalf("texts: %q, want one to Sam", got)
	}
	for _, want := range []string{"Ada named you", "Thu Mar 6, 11:30 AM EST", "whole session", "911"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the monitor's text lacks %q: %s", want, got[0])
		}
	}
	if strings.Contains(got[0], "Visitor") || strings.Contains(got[0], "medicine") {
		t.Errorf("the text says too much: %s", got[0])
	}
	failed, err := db.FindFailedDeliveries(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].Channel != journey.ChannelText || failed[0].Kind != journey.KindMonitor ||
		failed[0].ClientInitials != "C.R." || failed[0].ErrorClass != journey.SMSRejected || failed[0].MonitorMessageID == 0 {
		t.Fatalf("failed deliveries: %+v", failed)
	}

	// Moved: the new time by text once.
	sqldbtest.SetSession(t, db, ids[0], journey.SessionBooked, 1, now.Add(60*time.Hour))
	sweep()
	sweep()
	if got := texts(); len(got) != 2 || !strings.Contains(got[1], "Thu Mar 6, 9:30 PM EST") {
		t.Fatalf("after the move: %q", got)
	}
	// Moved again, and cancelled after its text was made but before it went.
	sqldbtest.SetSession(t, db, ids[0], journey.SessionBooked, 2, now.Add(40*time.Hour))
	if _, err := db.SendMonitorInstructions(ctx, true); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetSession(t, db, ids[0], journey.SessionCancelled, 3, now.Add(40*time.Hour))
	sweep()
	if got := texts(); len(got) != 2 {
		t.Fatalf("after cancelling: %q", got)
	}

	// A process that stopped between claiming a text and hearing back
	// leaves it sending: the job's next run marks it failed as interrupted
	// for front desk rather than risk a second text. (Bea's monitor now
	// agrees to texts too: her session owes one.)
	if err := db.SetMonitor(ctx, &journey.Monitor{ClientID: bea.ID, Name: "Lee Monitor", Phone: "+15035550101", Relationship: "friend", Adult: true,
		Email: "lee@monitor.test", Agreed: true, Texts: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SendMonitorInstructions(ctx, true); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	claimed := queued
	queued = nil
	mu.Unlock()
	if len(claimed) != 1 {
		t.Fatalf("texts queued for Bea's monitor: %v", claimed)
	}
	if _, err := db.Write.Exec(db.Rebind(`UPDATE monitor_messages SET status = 'sending' WHERE id = ?`), claimed[0]); err != nil {
		t.Fatal(err)
	}
	if err := other.DeliverMonitorText(ctx, claimed[0], sender); err != nil {
		t.Fatal(err)
	}
	if got := texts(); len(got) != 2 {
		t.Fatalf("an interrupted text sent again: %q", got)
	}
	failed, err = db.FindFailedDeliveries(ctx, 50)
	if err != nil || len(failed) != 2 || failed[0].MonitorMessageID != claimed[0] || failed[0].ErrorClass != "interrupted" || failed[0].ClientInitials != "B.V." {
		t.Fatalf("failed deliveries after an interruption: %v %+v", err, failed)
	}
}
