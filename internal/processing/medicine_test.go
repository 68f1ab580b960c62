package processing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func iv(n int) *int { return &n }

func gateList(err error) string {
	je, ok := err.(*journey.Error)
	if !ok || je.Code != journey.ECONFLICT {
		return "not a conflict: " + journey.ErrorCode(err)
	}
	var out []string
	for _, g := range je.Gates {
		out = append(out, g.Code)
	}
	return strings.Join(out, ",")
}

// Who does what on a run sheet: only a medical provider orders (others
// 403), the chaperone charts readings and sees timing and vitals only,
// front desk and admins never see it (404), the therapist cannot
// override an early discharge; the dose waits for the gates as at the
// start and the run sheet's own preconditions; each step audited.
func TestRunSheetRoles(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	cl := c.ReadyClient(t, db, "Rae Ready", "rae@client.test", *now)
	therapist, doc := actor(c.Therapist.ID, journey.RoleTherapist), actor(c.Provider, journey.RoleMedicalProvider)
	chaperone := actor(c.Chaperone, journey.RoleChaperone)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	admin := actor(sqldbtest.Staff(t, db, "Ada Admin", journey.RoleAdmin), journey.RoleAdmin)
	r := c.Medicine(ny(2027, 3, 8, 10, 0))
	r.ClientID, r.Route = cl.ID, journey.RouteLozenge
	s, err := p.BookSession(ctx, therapist, r, "")
	if err != nil {
		t.Fatalf("book: %v %+v", err, err)
	}
	sqldbtest.SetTime(now, s.Start.Add(-20*time.Minute))
	if _, _, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9], cl.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunSession(ctx, therapist, s.ID, journey.ActionCheckIn, ""); err != nil {
		t.Fatal(err)
	}
	order := func() *journey.Order {
		return &journey.Order{Route: journey.RouteLozenge, Formulation: "ketamine HCl lozenge", StrengthMg: 100, DoseMg: 200, BoosterMg: 100, BoosterAfter: 30}
	}
	if err := p.OrderDose(ctx, therapist, s.ID, order(), 0, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("therapist orders: %v", err)
	}
	if err := p.OrderDose(ctx, chaperone, s.ID, order(), 0, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("chaperone orders: %v", err)
	}
	other := actor(c.OtherTherapist.ID, journey.RoleTherapist)
	if _, err := p.RunSheet(ctx, other, s.ID, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("another therapist reads the run sheet: %v", err)
	}
	for name, a := range map[string]*journey.Actor{"desk": desk, "admin": admin, "client": actor(cl.UserID, journey.RoleClient)} {
		if err := p.OrderDose(ctx, a, s.ID, order(), 0, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Errorf("%s orders: %v", name, err)
		}
		if _, err := p.RunSheet(ctx, a, s.ID, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Errorf("%s reads the run sheet: %v", name, err)
		}
	}
	o := order()
	if err := p.OrderDose(ctx, doc, s.ID, o, 72, ""); err != nil || o.WeightKg != 72 || o.MgPerKg != 2.78 || o.MaxTotalMg != 300 || len(o.Warnings) != 0 {
		t.Fatalf("doctor orders with a weight taken today: %+v %v %v", o, err, journey.ErrorFields(err))
	}
	if err := p.RecordChecklist(ctx, chaperone, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, Intention: "Rest."}, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("chaperone ticks the checklist: %v", err)
	}
	if err := p.RecordChecklist(ctx, therapist, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, Intention: "Rest and see."}, ""); err != nil {
		t.Fatal(err)
	}
	// The session is checked in, not started: the dose waits.
	// The administration (the controlled-substance log's) asks MayDose, then records in its own transaction.
	own := func(a *journey.Actor, mg float64) error {
		if err := p.MayDose(ctx, a, s.ID); err != nil {
			return err
		}
		return db.RecordAdministration(ctx, &journey.Administration{SessionID: s.ID, DoseMg: mg, Route: journey.RouteLozenge, AdministeredAt: *now,
			Pharmacy: "Main St Pharmacy", PrescriptionNo: "RX-1", SelfAdmin: true}, journey.Signature{By: a.ID(), Kind: journey.SignAPIToken})
	}
	if got := gateList(own(therapist, 200)); got != "session-status,pre-dose-vitals" {
		t.Fatalf("dose before the start and the vitals: %s", got)
	}
	pre := &journey.Observation{Phase: journey.PhasePreDose, TakenAt: *now, Systolic: iv(128), Diastolic: iv(82), HeartRate: iv(70), SpO2: iv(98), RespRate: iv(14)}
	if err := p.RecordVitals(ctx, chaperone, s.ID, pre, ""); err != nil || pre.By != c.Chaperone {
		t.Fatalf("chaperone records vitals: %v", err)
	}
	if _, err := p.RunSession(ctx, therapist, s.ID, journey.ActionStart, ""); err != nil {
		t.Fatalf("start: %v %s", err, gateList(err))
	}
	if err := own(chaperone, 200); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("chaperone records the dose: %v", err)
	}
	if err := own(therapist, 200); err != nil {
		t.Fatalf("dose: %v %s", err, gateList(err))
	}
	// The chaperone's view: timing and vitals, no order, intention or dose.
	rs, err := p.RunSheet(ctx, chaperone, s.ID, "")
	if err != nil || !rs.Limited || rs.Order != nil || rs.Checklist != nil || len(rs.Observations) != 1 || rs.Administrations[0].DoseMg != 0 ||
		rs.Session.ClientID != 0 || rs.Session.FirstName != "Rae" || len(rs.Due) != 2 || rs.Due[0].Phase != journey.PhasePeak {
		t.Fatalf("chaperone's run sheet: %+v %v", rs, err)
	}
	rs, err = p.RunSheet(ctx, therapist, s.ID, "")
	if err != nil || rs.Limited || rs.Order.DoseMg != 200 || rs.Checklist.Intention != "Rest and see." || rs.Administrations[0].DoseMg != 200 ||
		len(journey.Unmet(rs.Gates)) != 0 || !rs.DischargeFrom.Equal(now.Add(120*time.Minute)) {
		t.Fatalf("therapist's run sheet: %+v %v", rs, err)
	}
	sqldbtest.SetTime(now, now.Add(60*time.Minute))
	all := func(reason string) *journey.Discharge {
		return &journey.Discharge{VitalsAcceptable: true, AlertOriented: true, WalksSafely: true, DissociationGone: true, Escort: true, NoDriving: true, Override: reason}
	}
	if err := p.Discharge(ctx, therapist, s.ID, all("Feels fine and the ride is here."), ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("therapist overrides discharge: %v", err)
	}
	if err := p.Discharge(ctx, therapist, s.ID, all(""), ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("therapist discharges at 60 minutes: %v", err)
	}
	if err := p.Discharge(ctx, doc, s.ID, all("Alert, steady, vitals at baseline; escort present."), ""); err != nil {
		t.Fatalf("doctor discharges early with a reason: %v", err)
	}
	if _, err := p.AddRunSheetAddendum(ctx, therapist, s.ID, "Phoned at 18:00: home and resting.", ""); err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string]string{"medicine.order": "denied,denied,denied,denied,denied,success", "runsheet.discharge": "denied,failure,success",
		"medicine.administration": "denied", "runsheet.read": "denied,denied,denied,denied,success,success"} {
		var got []string
		for _, e := range entries(t, db, action) {
			got = append(got, e.Outcome)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s audited %v, want %s", action, got, want)
		}
	}
	if es := entries(t, db, "runsheet.discharge"); !strings.Contains(es[2].Detail, "override") || es[2].Reason == "" {
		t.Errorf("early discharge audit: %+v", es[2])
	}
}
