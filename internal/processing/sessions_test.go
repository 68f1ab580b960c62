package processing_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// sessionFixture opens a processor over sqldbtest.SeedCare's practice
// with its clock at noon UTC on Monday 1 March 2027, and the client's
// portal user.
func sessionFixture(t *testing.T) (*processing.Processor, *sqldb.DB, *sqldbtest.Care, *journey.Actor, *time.Time) {
	t.Helper()
	p, db := open(t)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	c := sqldbtest.SeedCare(t, db)
	client := actor(c.Client.UserID, journey.RoleClient)
	return p, db, c, client, &now
}

func ny(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("America/New_York")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// Who may book what: the care team's therapist any type, a client the
// types open to clients and only for themselves, another therapist and a
// chaperone nothing; each refusal audited.
func TestBookSessionRules(t *testing.T) {
	p, db, c, client, _ := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	prep := func(start time.Time) *journey.SessionRequest {
		return &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation, Start: start, Mode: journey.ModeRemote,
			TherapistID: c.Therapist.ID}
	}
	s, err := p.BookSession(ctx, therapist, prep(ny(2027, 3, 8, 9, 0)), " via api")
	if err != nil || s.ID == 0 {
		t.Fatalf("therapist books: %v", err)
	}
	// The client books their own, their therapist chosen for them.
	own := prep(ny(2027, 3, 9, 9, 0))
	own.ClientID, own.TherapistID = 0, 0
	if s, err := p.BookSession(ctx, client, own, ""); err != nil || s.TherapistID != c.Therapist.ID || s.ClientID != c.Client.ID {
		t.Fatalf("client books: %+v, %v", s, err)
	}
	if _, err := p.BookSession(ctx, client, c.Medicine(ny(2027, 3, 10, 9, 0)), ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("client books a medicine session: %v", err)
	}
	other, _ := sqldbtest.Client(t, db, c.OtherTherapist.ID, "Olive Other", "olive@client.test", nil)
	forOther := prep(ny(2027, 3, 10, 9, 0))
	forOther.ClientID = other.ID
	if _, err := p.BookSession(ctx, client, forOther, ""); journey.ErrorCode(err) == "" || journey.ErrorCode(err) == journey.ECONFLICT {
		t.Fatalf("client books for another: %v", err)
	}
	if _, err := p.BookSession(ctx, actor(c.OtherTherapist.ID, journey.RoleTherapist), prep(ny(2027, 3, 10, 9, 0)), ""); journey.ErrorCode(err) == "" {
		t.Fatal("another therapist booked for a client not theirs")
	}
	if _, err := p.BookSession(ctx, actor(c.Chaperone, journey.RoleChaperone), prep(ny(2027, 3, 10, 9, 0)), ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("a chaperone books: %v", err)
	}
	// Front desk leaves the therapist to the slot: the client's own is chosen.
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	any := prep(ny(2027, 3, 11, 10, 0))
	any.TherapistID = 0
	if s, err := p.BookSession(ctx, desk, any, ""); err != nil || s.TherapistID != c.Therapist.ID {
		t.Fatalf("desk books from the slot: %+v, %v %v", s, err, journey.ErrorFields(err))
	}
	created := entries(t, db, "session.create")
	var ok, refused int
	for _, e := range created {
		switch e.Outcome {
		case journey.AuditSuccess:
			ok++
		default:
			refused++
		}
	}
	if ok != 3 || refused < 3 {
		t.Fatalf("session.create audited %d successes, %d refusals", ok, refused)
	}
}

// No path books or starts a medicine session with an unmet gate: the
// booking is refused naming the gates, and a session written past the
// gates (straight into the store) does not start.
func TestMedicineSessionGates(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	_, err := p.BookSession(ctx, therapist, c.Medicine(ny(2027, 3, 8, 10, 0)), "")
	je, _ := err.(*journey.Error)
	if je == nil || je.Code != journey.ECONFLICT || len(je.Gates) == 0 {
		t.Fatalf("medicine booked with unmet gates: %v", err)
	}
	for _, g := range je.Gates {
		if g.Met || g.Detail == "" {
			t.Errorf("gate %+v", g)
		}
	}
	if ss, _ := db.FindCareSessions(ctx, journey.CareSessionFilter{ClientID: c.Client.ID, Limit: 10}); len(ss) != 0 {
		t.Fatalf("a refused booking stored %d sessions", len(ss))
	}
	s, err := db.CreateCareSession(ctx, c.Medicine(ny(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.Start.Add(-10*time.Minute))
	_, err = p.RunSession(ctx, therapist, s.ID, journey.ActionStart, "")
	if je, _ := err.(*journey.Error); je == nil || len(je.Gates) == 0 {
		t.Fatalf("medicine started with unmet gates: %v", err)
	}
	if got, _ := db.FindCareSession(ctx, s.ID); got.Status != journey.SessionBooked {
		t.Fatalf("status = %s", got.Status)
	}
	// Checking in needs no gate.
	if got, err := p.RunSession(ctx, therapist, s.ID, journey.ActionCheckIn, ""); err != nil || got.Status != journey.SessionCheckedIn {
		t.Fatalf("check-in: %+v, %v", got, err)
	}
	if es := entries(t, db, "session.status"); len(es) != 2 || es[0].Outcome != journey.AuditFailure {
		t.Fatalf("session.status entries = %+v", es)
	}
}

// What each person sees of a session: a chaperone only theirs, without
// the route or the client's full name; a client only their own; reads
// and lists audited.
func TestSessionVisibility(t *testing.T) {
	p, db, c, client, _ := sessionFixture(t)
	ctx := context.Background()
	s, err := db.CreateCareSession(ctx, c.Medicine(ny(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := sqldbtest.Client(t, db, c.OtherTherapist.ID, "Olive Other", "olive@client.test", nil)
	theirs, err := db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: other.ID, Type: journey.TypeIntegration,
		Start: ny(2027, 3, 8, 15, 0), Mode: journey.ModeRemote, TherapistID: c.OtherTherapist.ID}, c.OtherTherapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	chaperone := actor(c.Chaperone, journey.RoleChaperone)
	got, err := p.CareSession(ctx, chaperone, s.ID, "")
	if err != nil || got.Route != "" || got.FirstName != "Casey" || got.ClientID != 0 || got.RoomID != c.Room.ID || !got.Start.Equal(s.Start) {
		t.Fatalf("chaperone's view = %+v, %v", got, err)
	}
	if _, err := p.CareSession(ctx, chaperone, theirs.ID, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("chaperone opens another session: %v", err)
	}
	list, err := p.CareSessions(ctx, chaperone, journey.CareSessionFilter{Limit: 10}, "")
	if err != nil || len(list) != 1 || list[0].ID != s.ID || list[0].Route != "" {
		t.Fatalf("chaperone's list = %+v, %v", list, err)
	}
	if full, err := p.CareSession(ctx, actor(c.Therapist.ID, journey.RoleTherapist), s.ID, ""); err != nil || full.Route != journey.RouteIM {
		t.Fatalf("therapist's view = %+v, %v", full, err)
	}
	if _, err := p.CareSession(ctx, client, theirs.ID, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("client opens another's session: %v", err)
	}
	mine, err := p.CareSessions(ctx, client, journey.CareSessionFilter{ClientID: other.ID, Limit: 10}, "")
	if err != nil || len(mine) != 1 || mine[0].ID != s.ID {
		t.Fatalf("client's list = %+v, %v", mine, err)
	}
	// Another therapist lists only the sessions they are in.
	if l, err := p.CareSessions(ctx, actor(c.OtherTherapist.ID, journey.RoleTherapist), journey.CareSessionFilter{ClientID: c.Client.ID, Limit: 10}, ""); err != nil || len(l) != 0 {
		t.Fatalf("another therapist's list of the client = %+v, %v", l, err)
	}
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	if l, err := p.CareSessions(ctx, desk, journey.CareSessionFilter{Limit: 10}, ""); err != nil || len(l) != 2 {
		t.Fatalf("front desk's list = %+v, %v", l, err)
	}
	if es := entries(t, db, "session.read"); len(es) != 4 {
		t.Fatalf("%d session.read entries, want 4 (2 read, 2 refused)", len(es))
	}
	if es := entries(t, db, "session.list"); len(es) != 4 {
		t.Fatalf("%d session.list entries", len(es))
	}
}

// A client cancels their own session; a late one says so; the audit keeps
// the reason.
func TestCancelSessionByClient(t *testing.T) {
	p, db, c, client, now := sessionFixture(t)
	ctx := context.Background()
	s, err := db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypeIntegration,
		Start: ny(2027, 3, 8, 15, 0), Mode: journey.ModeRemote, TherapistID: c.Therapist.ID}, c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.Start.Add(-24*time.Hour))
	got, err := p.CancelSession(ctx, client, s.ID, "Car broke down", "")
	if err != nil || !got.LateCancel || got.Status != journey.SessionCancelled {
		t.Fatalf("cancel = %+v, %v", got, err)
	}
	if es := entries(t, db, "session.cancel"); len(es) != 1 || es[0].Reason != "Car broke down" || es[0].Detail != "late" {
		t.Fatalf("session.cancel entries = %+v", es)
	}
}
