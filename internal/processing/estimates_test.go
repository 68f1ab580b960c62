package processing_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// estimateEmails returns the outbox's estimate emails to addr.
func estimateEmails(t *testing.T, db *sqldb.DB, addr string) []*journey.Message {
	t.Helper()
	msgs, err := db.FindMessages(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*journey.Message
	for _, m := range msgs {
		if m.To == addr && strings.Contains(m.Subject, "Good Faith Estimate") {
			out = append(out, m)
		}
	}
	return out
}

// A self-pay client's medicine session booked four business days ahead
// opens a request due by the end of the next business day in the
// practice's zone; issuing it makes an estimate per entity and charge
// type from the plan, with its PDF, and one email however often it is
// issued; a later booking the estimates cover opens none; the client
// asks for one in the portal and gets it within three business days;
// billing staff and the client read them, no one else.
func TestEstimateOnBooking(t *testing.T) {
	p, db, care, _, now := sessionFixture(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, db, care.Therapist.ID, care.Provider)
	cl := care.ReadyClient(t, db, "Sal Selfpay", "sal@client.test", *now)
	therapist := actor(care.Therapist.ID, journey.RoleTherapist)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	other := actor(care.OtherTherapist.ID, journey.RoleTherapist)
	client := actor(cl.UserID, journey.RoleClient)
	if _, err := p.SetDiagnoses(ctx, therapist, cl.ID, []string{"F33.1"}, "test"); err != nil {
		t.Fatal(err)
	}

	r := care.Medicine(ny(2027, 3, 5, 10, 0)) // Friday, four business days after Monday 1 March
	r.ClientID = cl.ID
	s, err := p.BookSession(ctx, therapist, r, " test")
	if err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	reqs, err := db.FindEstimateRequests(ctx, cl.ID, 10)
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests after booking: %v %v", reqs, err)
	}
	if want := ny(2027, 3, 2, 23, 59).Add(59 * time.Second); !reqs[0].DueBy.Equal(want) || reqs[0].Reason != journey.EstimateScheduled || reqs[0].SessionID != s.ID {
		t.Errorf("request %+v, want scheduled for session %d due %v", reqs[0], s.ID, want)
	}
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 1 {
		t.Fatalf("issued %d: %v", n, err)
	}
	if err := p.IssueEstimateRequest(ctx, reqs[0].ID); err != nil {
		t.Errorf("issued again: %v", err)
	}
	if n := len(estimateEmails(t, db, "sal@client.test")); n != 1 {
		t.Errorf("%d emails, want 1", n)
	}
	view, err := p.Estimates(ctx, desk, cl.ID, " test")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]*journey.Estimate{}
	for _, e := range view.Estimates {
		types[e.ChargeType] = e
		if !view.Current[e.ID] || e.IssuedAt.After(e.DueBy) {
			t.Errorf("estimate %d: current %v, issued %v due %v", e.ID, view.Current[e.ID], e.IssuedAt, e.DueBy)
		}
	}
	if len(types) != 4 {
		t.Fatalf("charge types estimated: %v", types)
	}
	med := types[journey.ChargeMedicineSession]
	if med.EntityID != b.Practice.ID || med.TotalCents == 0 || med.Lines[0].Code != "0820T" || med.Lines[0].Quantity != 6 ||
		med.Lines[0].FacilityTIN != b.Practice.TaxID || med.Lines[0].Diagnoses[0] != "F33.1" || med.Lines[0].ProviderName == "" {
		t.Errorf("medicine-session estimate %+v", med)
	}
	if e := types[journey.ChargePrescriber]; e.EntityID != b.Medical.ID {
		t.Errorf("prescriber estimate by entity %d, want the medical entity %d", e.EntityID, b.Medical.ID)
	}
	if len(view.Open()) != 0 || len(view.Disputable()) != 0 {
		t.Errorf("open %v, disputes %v", view.Open(), view.Disputable())
	}
	e, doc, err := p.EstimatePDF(ctx, client, med.ID, " test")
	if err != nil || e.ID != med.ID || !bytes.HasPrefix(doc, []byte("%PDF")) {
		t.Errorf("the client's PDF: %v %q", err, doc[:min(len(doc), 8)])
	}
	for _, a := range []*journey.Actor{other, therapist} {
		if _, _, err := p.EstimatePDF(ctx, a, med.ID, " test"); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Errorf("%v reads the PDF: %v", a.User.Roles, err)
		}
		if _, err := p.Estimates(ctx, a, cl.ID, " test"); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Errorf("%v reads the estimates: %v", a.User.Roles, err)
		}
	}

	// A preparation the estimates already cover opens no request.
	prep := &journey.SessionRequest{ClientID: cl.ID, Type: journey.TypePreparation, Start: ny(2027, 3, 3, 10, 0), Mode: journey.ModeInPerson,
		TherapistID: care.Therapist.ID}
	if _, err := p.BookSession(ctx, therapist, prep, " test"); err != nil {
		t.Fatalf("book a preparation: %v %v", err, journey.ErrorFields(err))
	}
	if reqs, _ := db.FindEstimateRequests(ctx, cl.ID, 10); len(reqs) != 1 {
		t.Errorf("%d requests after a covered booking", len(reqs))
	}

	// The client asks in the portal: due by the end of the third business
	// day, issued by the sweep, superseding each estimate.
	if _, err := p.RequestEstimate(ctx, other, cl.ID, " test"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("another therapist asks: %v", err)
	}
	asked, err := p.RequestEstimate(ctx, client, cl.ID, " in the portal")
	if err != nil {
		t.Fatal(err)
	}
	if want := ny(2027, 3, 4, 23, 59).Add(59 * time.Second); !asked.DueBy.Equal(want) || asked.Reason != journey.EstimateRequested {
		t.Errorf("asked: %+v, want due %v", asked, want)
	}
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 1 {
		t.Fatalf("issued %d: %v", n, err)
	}
	view, _ = p.Estimates(ctx, client, cl.ID, " test")
	if len(view.Estimates) != 8 || view.Estimates[0].SupersedesID == 0 || view.Current[med.ID] {
		t.Errorf("after the second issue: %d estimates, current %v", len(view.Estimates), view.Current)
	}

	// The plan is tailored: a plan-change request.
	plan, err := db.FindPlan(ctx, cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan.Settings.Continuation = 2
	if _, err := p.UpdatePlan(ctx, therapist, cl.ID, plan.Settings, "Fewer doses after the follow-up.", time.UTC); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := db.FindEstimateRequests(ctx, cl.ID, 10); len(reqs) != 3 || reqs[0].Reason != journey.EstimatePlanChange || !reqs[0].DoneAt.IsZero() {
		t.Errorf("after the plan changed: %+v", reqs[0])
	}
	if _, err := p.IssueEstimateNow(ctx, client, cl.ID, 0, " test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("the client issues now: %v", err)
	}
	if _, err := p.IssueEstimateNow(ctx, desk, cl.ID, reqs0(t, db, cl.ID).ID, " test"); err != nil {
		t.Errorf("the front desk issues now: %v", err)
	}
	if n := len(estimateEmails(t, db, "sal@client.test")); n != 3 {
		t.Errorf("%d emails, want 3", n)
	}
	var who []int64
	for _, e := range entries(t, db, "estimate.issue") {
		if e.Outcome == journey.AuditSuccess {
			who = append(who, e.ActorID)
		}
	}
	if len(who) != 3 || who[0] != 0 || who[1] != 0 || who[2] != desk.ID() {
		t.Errorf("issues audited by %v, want Journey twice and the front desk", who)
	}
}

func reqs0(t *testing.T, db *sqldb.DB, clientID int64) *journey.EstimateRequest {
	t.Helper()
	reqs, err := db.FindEstimateRequests(context.Background(), clientID, 1)
	if err != nil || len(reqs) == 0 {
		t.Fatalf("requests: %v", err)
	}
	return reqs[0]
}

// A client insured with both entities who books a preparation is owed
// no estimate: their psychotherapy goes to their insurer.
func TestNoEstimateWhenInsured(t *testing.T) {
	p, db, care, _, _ := sessionFixture(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, db, care.Therapist.ID, care.Provider)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	for _, e := range []int64{b.Practice.ID, b.Medical.ID} {
		if err := p.SetCoverage(ctx, desk, &journey.Coverage{ClientID: care.Client.ID, EntityID: e, Payer: journey.PayerInsurance,
			Insurer: "Aetna", MemberID: "W123"}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	prep := &journey.SessionRequest{ClientID: care.Client.ID, Type: journey.TypePreparation, Start: ny(2027, 3, 5, 10, 0), Mode: journey.ModeInPerson,
		TherapistID: care.Therapist.ID}
	if _, err := p.BookSession(ctx, actor(care.Therapist.ID, journey.RoleTherapist), prep, " test"); err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	if reqs, _ := db.FindEstimateRequests(ctx, care.Client.ID, 10); len(reqs) != 0 {
		t.Errorf("requests for an insured client's preparation: %+v", reqs[0])
	}
}

// A self-pay client's preparation booked two business days ahead: no
// deadline applies, so the request is due before the session itself.
func TestEstimateDueBeforeShortNotice(t *testing.T) {
	p, db, care, _, _ := sessionFixture(t) // Monday 1 March 2027
	ctx := context.Background()
	sqldbtest.SeedBilling(t, db, care.Therapist.ID, care.Provider)
	start := ny(2027, 3, 3, 10, 0) // Wednesday
	prep := &journey.SessionRequest{ClientID: care.Client.ID, Type: journey.TypePreparation, Start: start, Mode: journey.ModeInPerson,
		TherapistID: care.Therapist.ID}
	if _, err := p.BookSession(ctx, actor(care.Therapist.ID, journey.RoleTherapist), prep, " test"); err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	reqs, err := db.FindEstimateRequests(ctx, care.Client.ID, 10)
	if err != nil || len(reqs) != 1 || !reqs[0].DueBy.Equal(start) {
		t.Fatalf("requests %+v %v, want one due at %v", reqs, err, start)
	}
}

// A booking whose estimate request was never opened (here: booked before
// billing was set up, as when the hook after the booking's transaction
// fails) is caught by the sweep: it opens the self-pay client's request,
// due as the booking's would have been, and issues it; an insured
// client's booking opens none; a second sweep finds the session covered.
func TestEstimateSweepOpensMissedRequest(t *testing.T) {
	p, db, care, _, now := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(care.Therapist.ID, journey.RoleTherapist)
	cl := care.ReadyClient(t, db, "Sal Selfpay", "sal@client.test", *now)
	r := care.Medicine(ny(2027, 3, 5, 10, 0)) // Friday, four business days after Monday 1 March
	r.ClientID = cl.ID
	s, err := p.BookSession(ctx, therapist, r, " test")
	if err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	prep := &journey.SessionRequest{ClientID: care.Client.ID, Type: journey.TypePreparation, Start: ny(2027, 3, 5, 14, 0), Mode: journey.ModeInPerson,
		TherapistID: care.Therapist.ID}
	if _, err := p.BookSession(ctx, therapist, prep, " test"); err != nil {
		t.Fatalf("book a preparation: %v %v", err, journey.ErrorFields(err))
	}
	if reqs, _ := db.FindEstimateRequests(ctx, cl.ID, 10); len(reqs) != 0 {
		t.Fatalf("requests before billing was set up: %+v", reqs)
	}

	b := sqldbtest.SeedBilling(t, db, care.Therapist.ID, care.Provider)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	for _, e := range []int64{b.Practice.ID, b.Medical.ID} {
		if err := p.SetCoverage(ctx, desk, &journey.Coverage{ClientID: care.Client.ID, EntityID: e, Payer: journey.PayerInsurance,
			Insurer: "Aetna", MemberID: "W123"}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.SetDiagnoses(ctx, therapist, cl.ID, []string{"F33.1"}, "test"); err != nil {
		t.Fatal(err)
	}
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 1 {
		t.Fatalf("the sweep issued %d: %v", n, err)
	}
	reqs, err := db.FindEstimateRequests(ctx, cl.ID, 10)
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests after the sweep: %+v %v", reqs, err)
	}
	if want := ny(2027, 3, 2, 23, 59).Add(59 * time.Second); !reqs[0].DueBy.Equal(want) || reqs[0].Reason != journey.EstimateScheduled ||
		reqs[0].SessionID != s.ID || reqs[0].DoneAt.IsZero() {
		t.Errorf("request %+v, want scheduled for session %d due %v and done", reqs[0], s.ID, want)
	}
	if reqs, _ := db.FindEstimateRequests(ctx, care.Client.ID, 10); len(reqs) != 0 {
		t.Errorf("the sweep opened a request for an insured client: %+v", reqs[0])
	}
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 0 {
		t.Errorf("a second sweep issued %d: %v", n, err)
	}
	if reqs, _ := db.FindEstimateRequests(ctx, cl.ID, 10); len(reqs) != 1 {
		t.Errorf("%d requests after a second sweep, want 1", len(reqs))
	}
}
