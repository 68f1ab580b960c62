package processing_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func morning(safety string) *journey.MorningCheckIn {
	return &journey.MorningCheckIn{Slept: "some", Nausea: "mild", Headache: "none", Urinary: "none", Distress: "some", Safety: safety}
}

// The morning-after check-in: open only after a medicine session (for 72
// hours), the client's alone to fill, every question required; a safety
// answer raises a safety alert the care team's therapist sees (as a PHQ-9
// item 9 does) and mails them; one per session; read by the client's
// clinicians, "not found" to a chaperone, front desk or another client.
func TestMorningCheckIn(t *testing.T) {
	p, db, c, client, now := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	if f, err := p.MorningCheckInForm(ctx, client, c.Client.ID, *now); err != nil || f.Session != nil {
		t.Fatalf("before any session: %v %+v", err, f)
	}
	if err := p.MorningCheckIn(ctx, client, c.Client.ID, morning("no"), *now); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("check in with no session: %v", err)
	}
	start := now.Add(-14 * time.Hour)
	id := sqldbtest.RawSessions(t, db, c.Therapist.ID, []sqldbtest.RawSession{{ClientID: c.Client.ID, Type: journey.TypeMedicine,
		Mode: journey.ModeInPerson, Start: start, Minutes: 180, TherapistID: c.Therapist.ID}})[0]
	sqldbtest.SetSession(t, db, id, journey.SessionCompleted, 0, start)
	_, otherUser := sqldbtest.Client(t, db, c.Therapist.ID, "Olive Other", "olive@client.test", nil)
	for name, a := range map[string]*journey.Actor{"therapist": therapist, "another client": actor(otherUser.ID, journey.RoleClient)} {
		if err := p.MorningCheckIn(ctx, a, c.Client.ID, morning("no"), *now); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Errorf("%s checks in for the client: %v", name, err)
		}
	}
	bad := morning("")
	bad.Slept = "great"
	if err := p.MorningCheckIn(ctx, client, c.Client.ID, bad, *now); journey.ErrorCode(err) != journey.EINVALID ||
		len(journey.ErrorFields(err)) != 2 {
		t.Fatalf("unanswered: %v %v", err, journey.ErrorFields(err))
	}
	m := morning("yes")
	if err := p.MorningCheckIn(ctx, client, c.Client.ID, m, *now); err != nil || m.AlertID == 0 || m.SessionID != id {
		t.Fatalf("check in with a safety answer: %v %+v", err, m)
	}
	if err := p.MorningCheckIn(ctx, client, c.Client.ID, morning("no"), *now); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("twice: %v", err)
	}
	als, err := p.Alerts(ctx, therapist, true, 10, "", false)
	if err != nil || len(als) != 1 || als[0].Flag != journey.FlagMorningSafety || als[0].ClientID != c.Client.ID {
		t.Fatalf("the therapist's alerts: %v %+v", err, als)
	}
	if f, err := p.MorningCheckInForm(ctx, client, c.Client.ID, *now); err != nil || f.Done == nil || f.Done.Safety != "yes" {
		t.Errorf("the form after: %v %+v", err, f)
	}
	if ms, err := p.MorningCheckIns(ctx, therapist, c.Client.ID, ""); err != nil || len(ms) != 1 || ms[0].Nausea != "mild" || ms[0].AlertID != m.AlertID {
		t.Errorf("the therapist reads: %v %+v", err, ms)
	}
	for name, a := range map[string]*journey.Actor{"chaperone": actor(c.Chaperone, journey.RoleChaperone),
		"front desk": actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)} {
		if _, err := p.MorningCheckIns(ctx, a, c.Client.ID, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Errorf("%s reads the check-ins: %v", name, err)
		}
	}
	// After 72 hours the form no longer opens for that session.
	if f, err := p.MorningCheckInForm(ctx, client, c.Client.ID, start.Add(3*time.Hour+journey.MorningWindow+time.Second)); err != nil || f.Session != nil {
		t.Errorf("after the window: %v %+v", err, f)
	}
}

// The integration journal: the client's own; an entry they share is read
// by the therapists on their care team and no one else (the medical
// provider, another therapist, front desk: "not found" or nothing), and
// only the client shares or takes back an entry.
func TestJournalSharing(t *testing.T) {
	p, db, c, client, _ := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	private := &journey.JournalEntry{Text: "  Only mine.  "}
	shared := &journey.JournalEntry{Text: "For my therapist.", Shared: true}
	for _, e := range []*journey.JournalEntry{private, shared} {
		if err := p.AddJournalEntry(ctx, client, c.Client.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AddJournalEntry(ctx, therapist, c.Client.ID, &journey.JournalEntry{Text: "x"}); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("the therapist writes in the journal: %v", err)
	}
	if err := p.AddJournalEntry(ctx, client, c.Client.ID, &journey.JournalEntry{Text: " "}); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("an empty entry: %v", err)
	}
	if es, err := p.Journal(ctx, client, c.Client.ID, ""); err != nil || len(es) != 2 || es[1].Text != "Only mine." {
		t.Fatalf("the client's journal: %v %+v", err, es)
	}
	if es, err := p.Journal(ctx, therapist, c.Client.ID, ""); err != nil || len(es) != 1 || es[0].ID != shared.ID {
		t.Fatalf("the therapist's view: %v %+v", err, es)
	}
	for name, a := range map[string]*journey.Actor{"medical provider": actor(c.Provider, journey.RoleMedicalProvider),
		"other therapist": actor(c.OtherTherapist.ID, journey.RoleTherapist),
		"front desk":      actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)} {
		if es, err := p.Journal(ctx, a, c.Client.ID, ""); journey.ErrorCode(err) != journey.ENOTFOUND || len(es) != 0 {
			t.Errorf("%s reads the journal: %v %d", name, err, len(es))
		}
	}
	if err := p.ShareJournalEntry(ctx, therapist, private.ID, true); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("the therapist shares an entry: %v", err)
	}
	if err := p.ShareJournalEntry(ctx, client, shared.ID, false); err != nil {
		t.Fatal(err)
	}
	if es, err := p.Journal(ctx, therapist, c.Client.ID, ""); err != nil || len(es) != 0 {
		t.Errorf("taken back: %v %+v", err, es)
	}
}
