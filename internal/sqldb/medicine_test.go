package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func iv(n int) *int { return &n }

// medicineSession books c's in-person IM medicine session a week on and
// moves the clock to half an hour before it; checked in and started when
// asked.
func medicineSession(t *testing.T, db *sqldb.DB, c *sqldbtest.Care, now *time.Time, mode string, actions ...string) *journey.CareSession {
	t.Helper()
	ctx := context.Background()
	r := c.Medicine(nyAt(2027, 3, 8, 10, 0))
	if mode == journey.ModeRemote {
		r.Mode, r.Route, r.RoomID = journey.ModeRemote, journey.RouteLozenge, 0
	}
	s, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.Start.Add(-30*time.Minute))
	for _, a := range actions {
		if s, err = db.ChangeCareSessionStatus(ctx, s.ID, a, c.Therapist.ID); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// vitals returns a pre-dose set at t.
func vitals(s *journey.CareSession, phase string, t time.Time, sys, dia int) *journey.Observation {
	return &journey.Observation{SessionID: s.ID, Phase: phase, TakenAt: t, Systolic: iv(sys), Diastolic: iv(dia), HeartRate: iv(72),
		SpO2: iv(98), RespRate: iv(14), By: s.TherapistID}
}

func flagCodes(o *journey.Observation) string {
	var out []string
	for _, f := range o.Flags {
		out = append(out, f.Code+":"+f.Action)
	}
	return strings.Join(out, ",")
}

func gateCodes(err error) string {
	je, ok := err.(*journey.Error)
	if !ok || je.Code != journey.ECONFLICT {
		return fmt.Sprintf("not a conflict: %v", err)
	}
	var out []string
	for _, g := range je.Gates {
		out = append(out, g.Code)
	}
	return strings.Join(out, ",")
}

// Every threshold of DOMAIN §4 at its edge, one below, at and one above,
// through the store on both engines: before the dose on pre-dose
// readings, after it on peak readings against the baseline.
func TestObservationThresholdEdges(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := medicineSession(t, db, c, now, journey.ModeInPerson, journey.ActionCheckIn)
	at := *now
	type reading struct {
		sys, dia, hr, spo2, rr int
		want                   string
	}
	pre := []reading{
		{140, 80, 72, 98, 14, ""}, {141, 80, 72, 98, 14, "bp-review:review"}, {139, 90, 72, 98, 14, ""}, {139, 91, 72, 98, 14, "bp-review:review"},
		{179, 99, 72, 98, 14, "bp-review:review"}, {180, 80, 72, 98, 14, "bp-hold:hold"}, {181, 80, 72, 98, 14, "bp-hold:hold"},
		{130, 100, 72, 98, 14, "bp-hold:hold"}, {130, 101, 72, 98, 14, "bp-hold:hold"},
		{120, 80, 44, 98, 14, "hr-low:hold"}, {120, 80, 45, 98, 14, ""}, {120, 80, 46, 98, 14, ""},
		{120, 80, 119, 98, 14, ""}, {120, 80, 120, 98, 14, ""}, {120, 80, 121, 98, 14, "hr-high:hold"},
		{120, 80, 72, 91, 14, "spo2-hold:hold"}, {120, 80, 72, 92, 14, ""}, {120, 80, 72, 93, 14, ""},
		{120, 80, 72, 98, 9, "rr-low:hold"}, {120, 80, 72, 98, 10, ""}, {120, 80, 72, 98, 11, ""},
		{120, 80, 72, 98, 29, ""}, {120, 80, 72, 98, 30, ""}, {120, 80, 72, 98, 31, "rr-high:hold"},
	}
	for _, r := range pre {
		o := &journey.Observation{SessionID: s.ID, Phase: journey.PhasePreDose, TakenAt: at, Systolic: iv(r.sys), Diastolic: iv(r.dia),
			HeartRate: iv(r.hr), SpO2: iv(r.spo2), RespRate: iv(r.rr), By: c.Therapist.ID}
		if err := db.CreateObservation(ctx, o); err != nil {
			t.Fatalf("%+v: %v %v", r, err, journey.ErrorFields(err))
		}
		if got := flagCodes(o); got != r.want {
			t.Errorf("pre-dose %d/%d hr %d spo2 %d rr %d: flags %q, want %q", r.sys, r.dia, r.hr, r.spo2, r.rr, got, r.want)
		}
	}
	// After the dose: a second session, dosed after a 120/80 baseline.
	s2 := dosedSession(t, db, c, now)
	during := []reading{
		{159, 104, 0, 89, 0, "spo2-escalate:escalate"}, {160, 104, 0, 90, 0, "systolic-rise:flag"}, {161, 104, 0, 91, 0, "systolic-rise:flag"},
		{150, 104, 0, 98, 0, ""}, {150, 105, 0, 98, 0, "diastolic-rise:flag"}, {150, 106, 0, 98, 0, "diastolic-rise:flag"},
	}
	for _, r := range during {
		o := &journey.Observation{SessionID: s2.ID, Phase: journey.PhaseInterval, TakenAt: *now, Systolic: iv(r.sys), Diastolic: iv(r.dia),
			SpO2: iv(r.spo2), By: c.Therapist.ID}
		if err := db.CreateObservation(ctx, o); err != nil {
			t.Fatalf("%+v: %v %v", r, err, journey.ErrorFields(err))
		}
		if got := flagCodes(o); got != r.want {
			t.Errorf("after the dose %d/%d spo2 %d: flags %q, want %q", r.sys, r.dia, r.spo2, got, r.want)
		}
	}
}

// dosedSession returns a started in-person session of c with an order, a
// checklist, a 120/80 pre-dose set and a 100 mg IM dose given now; the
// clock is left where the dose was given.
func dosedSession(t *testing.T, db *sqldb.DB, c *sqldbtest.Care, now *time.Time) *journey.CareSession {
	t.Helper()
	ctx := context.Background()
	sqldbtest.SetTime(now, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))
	r := c.Medicine(nyAt(2027, 3, 9, 10, 0))
	r.RoomID = c.OtherRoom.ID
	s, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.Start.Add(-10*time.Minute))
	for _, a := range []string{journey.ActionCheckIn, journey.ActionStart} {
		if s, err = db.ChangeCareSessionStatus(ctx, s.ID, a, c.Therapist.ID); err != nil {
			t.Fatal(err)
		}
	}
	readyToDose(t, db, c, s, *now)
	a := &journey.Administration{SessionID: s.ID, DoseMg: 50, Route: journey.RouteIM, AdministeredAt: *now, Pharmacy: "Practice stock",
		PrescriptionNo: "n/a"}
	if err := db.RecordAdministration(ctx, a, signedBy(c.Provider)); err != nil {
		t.Fatalf("dose: %v %s", err, gateCodes(err))
	}
	sqldbtest.SetTime(now, now.Add(20*time.Minute))
	return s
}

// readyToDose orders 50 mg IM at 70 kg, ticks the checklist and takes a
// 120/80 pre-dose set at t.
func readyToDose(t *testing.T, db *sqldb.DB, c *sqldbtest.Care, s *journey.CareSession, at time.Time) {
	t.Helper()
	ctx := context.Background()
	o := &journey.Order{SessionID: s.ID, Route: journey.RouteIM, Formulation: "ketamine HCl 50 mg/mL injection", StrengthMg: 50, DoseMg: 50,
		WeightKg: 70, OrderedBy: c.Provider}
	if err := db.CreateOrder(ctx, o); err != nil {
		t.Fatalf("order: %v %v", err, journey.ErrorFields(err))
	}
	if err := db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, ConsentActive: true,
		Intention: "To rest.", By: c.Therapist.ID}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateObservation(ctx, vitals(s, journey.PhasePreDose, at, 120, 80)); err != nil {
		t.Fatal(err)
	}
}

// A hold stops the dose until the client is re-measured and the
// prescriber reviews; each hold and override reaches the care team by
// email at once; discharge is refused before the observation time unless
// overridden, and nothing changes after it but an addendum.
func TestHoldReviewDoseAndDischarge(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := medicineSession(t, db, c, now, journey.ModeInPerson, journey.ActionCheckIn, journey.ActionStart)
	o := &journey.Order{SessionID: s.ID, Route: journey.RouteIM, Formulation: "ketamine HCl 50 mg/mL injection", StrengthMg: 50, DoseMg: 80,
		BoosterMg: 20, BoosterAfter: 30, WeightKg: 70, OrderedBy: c.Provider}
	if err := db.CreateOrder(ctx, o); !hasFields(err, "override") {
		t.Fatalf("100 mg IM at 70 kg (1.43 mg/kg) with no override: %v", err)
	}
	o.Override = "Tolerated 1.3 mg/kg well last time."
	if err := db.CreateOrder(ctx, o); err != nil || o.ID == 0 || o.MgPerKg != 1.14 || o.MaxTotalMg != 100 || len(o.Warnings) != 1 {
		t.Fatalf("order with override: %+v %v", o, err)
	}
	if err := db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, ConsentActive: true,
		Intention: "Meet the fear.", By: c.Therapist.ID}); err != nil {
		t.Fatal(err)
	}
	dose := func(mg float64, at time.Time) error {
		return db.RecordAdministration(ctx, &journey.Administration{SessionID: s.ID, DoseMg: mg, Route: journey.RouteIM, AdministeredAt: at,
			Pharmacy: "Stock", PrescriptionNo: "1"}, signedBy(c.Provider))
	}
	if got := gateCodes(dose(80, *now)); got != "pre-dose-vitals" {
		t.Fatalf("dose before vitals: %s", got)
	}
	high := vitals(s, journey.PhasePreDose, *now, 182, 101)
	if err := db.CreateObservation(ctx, high); err != nil || flagCodes(high) != "bp-hold:hold" {
		t.Fatalf("182/101: %v %s", err, flagCodes(high))
	}
	if got := gateCodes(dose(80, *now)); got != "hold" {
		t.Fatalf("dose on a hold: %s", got)
	}
	review := &journey.HoldReview{SessionID: s.ID, Note: "Re-measure after rest.", By: c.Provider}
	if got := gateCodes(db.CreateHoldReview(ctx, review)); got != "hold" {
		t.Fatalf("review while the latest reading holds: %s", got)
	}
	sqldbtest.SetTime(now, now.Add(10*time.Minute))
	again := vitals(s, journey.PhasePreDose, *now, 150, 92)
	if err := db.CreateObservation(ctx, again); err != nil || flagCodes(again) != "bp-review:review" {
		t.Fatalf("150/92: %v %s", err, flagCodes(again))
	}
	if got := gateCodes(dose(80, *now)); got != "review" {
		t.Fatalf("dose before the review: %s", got)
	}
	if err := db.CreateHoldReview(ctx, review); err != nil || review.ObservationID != again.ID {
		t.Fatalf("review: %+v %v", review, err)
	}
	if got := gateCodes(dose(90, *now)); got != "dose" {
		t.Fatalf("a dose above the order: %s", got)
	}
	dosed := *now
	if err := dose(80, dosed); err != nil {
		t.Fatalf("dose: %v %s", err, gateCodes(err))
	}
	sqldbtest.SetTime(now, dosed.Add(29*time.Minute))
	if got := gateCodes(dose(20, *now)); got != "dose" {
		t.Fatalf("booster at 29 minutes: %s", got)
	}
	sqldbtest.SetTime(now, dosed.Add(40*time.Minute))
	if got := gateCodes(dose(30, *now)); got != "dose,dose" {
		t.Fatalf("booster above the order's: %s", got)
	}
	if err := dose(20, *now); err != nil {
		t.Fatalf("booster: %v %s", err, gateCodes(err))
	}
	if got := gateCodes(dose(1, *now)); got != "dose" {
		t.Fatalf("a third dose: %s", got)
	}
	if err := db.CreateObservation(ctx, vitals(s, journey.PhasePeak, *now, 130, 85)); err != nil {
		t.Fatal(err)
	}
	all := &journey.Discharge{VitalsAcceptable: true, AlertOriented: true, WalksSafely: true, DissociationGone: true, Escort: true, NoDriving: true, By: c.Therapist.ID}
	d := *all
	d.WalksSafely = false
	if err := db.CreateDischarge(ctx, s.ID, &d); !hasFields(err, "walks_safely") {
		t.Fatalf("discharge with an item not ticked: %v", err)
	}
	sqldbtest.SetTime(now, dosed.Add(119*time.Minute))
	d = *all
	if err := db.CreateDischarge(ctx, s.ID, &d); journey.ErrorCode(err) != journey.ECONFLICT || !strings.Contains(journey.ErrorMessage(err), "120 minutes") {
		t.Fatalf("discharge at 119 minutes: %v", err)
	}
	sqldbtest.SetTime(now, dosed.Add(120*time.Minute))
	if err := db.CreateDischarge(ctx, s.ID, &d); err != nil {
		t.Fatalf("discharge at 120 minutes: %v", err)
	}
	rs, err := db.FindRunSheet(ctx, s.ID)
	if err != nil || rs.Discharge == nil || !rs.Discharge.At.Equal(*now) || rs.Session.Status != journey.SessionCompleted || len(rs.Administrations) != 2 ||
		!rs.Administrations[1].Booster || len(rs.Reviews) != 1 || rs.Reviews[0].Note != "Re-measure after rest." || rs.Order.Override != o.Override {
		t.Fatalf("run sheet: %+v %v", rs, err)
	}
	rs.Work(*now)
	for _, ob := range rs.Observations[:2] {
		if !ob.Flags[0].Resolved {
			t.Errorf("flag %+v not resolved by the review", ob.Flags[0])
		}
	}
	// Nothing changes after discharge but by addendum.
	if err := db.CreateObservation(ctx, vitals(s, journey.PhaseInterval, *now, 120, 80)); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a reading after discharge: %v", err)
	}
	if err := db.CreateDischarge(ctx, s.ID, all); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a second discharge: %v", err)
	}
	add := &journey.RunSheetAddendum{SessionID: s.ID, Text: "Called next morning: slept well.", By: c.Therapist.ID}
	if err := db.CreateRunSheetAddendum(ctx, add); err != nil || add.ID == 0 {
		t.Fatalf("addendum: %v", err)
	}
	// The care team heard of the hold and the override, and nothing that names the client or the reading.
	var events []string
	for _, m := range outbox(t, db) {
		if strings.Contains(m.Subject, "medicine session") {
			events = append(events, m.To+" "+m.Subject)
			if strings.Contains(m.Text, "Casey") || strings.Contains(m.Text, "182") || !strings.Contains(m.Text, fmt.Sprintf("/staff/sessions/%d/run-sheet", s.ID)) {
				t.Errorf("alert text: %q", m.Text)
			}
		}
	}
	if len(events) != 4 || !strings.Contains(strings.Join(events, "\n"), "a hold on the dose") || !strings.Contains(strings.Join(events, "\n"), "an order past") {
		t.Fatalf("alerts: %v", events)
	}
	// Sealed: no dose, reading or reason in plain text.
	for _, q := range []string{"SELECT medicine FROM medicine_orders", "SELECT observation FROM session_observations",
		"SELECT discharge FROM session_discharges", "SELECT checklist FROM session_checklists"} {
		var v string
		if err := db.Read.QueryRowContext(ctx, q).Scan(&v); err != nil || strings.Contains(v, "182") || strings.Contains(v, "Tolerated") ||
			strings.Contains(v, "Meet the fear") || strings.Contains(v, "dose_mg") {
			t.Errorf("%s: %.60q %v", q, v, err)
		}
	}
}

// A dose is refused for each missing precondition, each named.
func TestDoseRefusedForEachMissingPrecondition(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := medicineSession(t, db, c, now, journey.ModeInPerson, journey.ActionCheckIn)
	dose := func() error {
		return db.RecordAdministration(ctx, &journey.Administration{SessionID: s.ID, DoseMg: 50, Route: journey.RouteIM, AdministeredAt: *now,
			Pharmacy: "Stock", PrescriptionNo: "1"}, signedBy(c.Provider))
	}
	if got := gateCodes(dose()); got != "session-status,order,checklist,pre-dose-vitals" {
		t.Fatalf("nothing done: %s", got)
	}
	if err := db.CreateObservation(ctx, vitals(s, journey.PhasePreDose, *now, 120, 80)); err != nil {
		t.Fatal(err)
	}
	if got := gateCodes(dose()); got != "session-status,order,checklist" {
		t.Fatalf("vitals taken: %s", got)
	}
	s, _ = db.ChangeCareSessionStatus(ctx, s.ID, journey.ActionStart, c.Therapist.ID)
	if got := gateCodes(dose()); got != "order,checklist" {
		t.Fatalf("started: %s", got)
	}
	if err := db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, Intention: "x", By: c.Therapist.ID}); err != nil {
		t.Fatal(err)
	}
	if got := gateCodes(dose()); got != "order,checklist" {
		t.Fatalf("consent not current: %s", got)
	}
	readyToDose(t, db, c, s, *now)
	if err := dose(); err != nil {
		t.Fatalf("every precondition met: %v %s", err, gateCodes(err))
	}
	if err := db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, Intention: "x"}); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("checklist after the dose: %v", err)
	}
	if err := db.CreateOrder(ctx, &journey.Order{SessionID: s.ID, Route: journey.RouteIM, Formulation: "x", StrengthMg: 50, DoseMg: 60, WeightKg: 70,
		OrderedBy: c.Provider}); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("order after the dose: %v", err)
	}
}

// An observation dated in the future or before the session began, or
// with an impossible value, is refused naming the field and the range.
func TestObservationRefusedOutOfRangeOrTime(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := medicineSession(t, db, c, now, journey.ModeInPerson, journey.ActionCheckIn)
	for _, tc := range []struct {
		o      *journey.Observation
		field  string
		range_ string
	}{
		{vitals(s, journey.PhasePreDose, now.Add(time.Second), 120, 80), "taken_at", "future"},
		{vitals(s, journey.PhasePreDose, s.Start.Add(-time.Hour-time.Second), 120, 80), "taken_at", "before the session began"},
		{vitals(s, journey.PhasePreDose, *now, 301, 80), "systolic", "between 50 and 300"},
		{vitals(s, journey.PhasePreDose, *now, 120, 19), "diastolic", "between 20 and 200"},
		{vitals(s, journey.PhasePeak, *now, 120, 80), "phase", "No dose"},
		{&journey.Observation{SessionID: s.ID, Phase: journey.PhasePreDose, TakenAt: *now, Systolic: iv(120), Diastolic: iv(80)}, "heart_rate", "pre-dose set"},
	} {
		err := db.CreateObservation(ctx, tc.o)
		fe := journey.ErrorFields(err)
		if len(fe) == 0 || fe[0].Field != tc.field || !strings.Contains(fe[0].Detail, tc.range_) {
			t.Errorf("%s: %v %+v", tc.field, err, fe)
		}
	}
	if err := db.CreateObservation(ctx, vitals(s, journey.PhasePreDose, s.Start.Add(-time.Hour), 120, 80)); err != nil {
		t.Fatalf("a reading as the session may begin: %v", err)
	}
	if err := db.CreateObservation(ctx, vitals(s, journey.PhasePreDose, *now, 120, 80)); err != nil {
		t.Fatalf("a reading now: %v", err)
	}
}

// Weights: the latest measured wins over the intake's.
func TestLatestWeight(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	if _, err := db.FindLatestWeight(ctx, c.Client.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no intake, no weight: %v", err)
	}
	if err := db.CreateWeight(ctx, &journey.Weight{ClientID: c.Client.ID, Kg: 29, By: c.Provider}); !hasFields(err, "weight_kg") {
		t.Fatalf("29 kg: %v", err)
	}
	if err := db.CreateWeight(ctx, &journey.Weight{ClientID: c.Client.ID, Kg: 71.5, By: c.Provider}); err != nil {
		t.Fatal(err)
	}
	if w, err := db.FindLatestWeight(ctx, c.Client.ID); err != nil || w.Kg != 71.5 || w.By != c.Provider {
		t.Fatalf("latest: %+v %v", w, err)
	}
	cl, _ := sqldbtest.Client(t, db, c.Therapist.ID, "Ina Take", "ina@example.test", sqldbtest.Intake("Ina Take", time.Now()))
	if w, err := db.FindLatestWeight(ctx, cl.ID); err != nil || w.Kg != 70 {
		t.Fatalf("from the intake: %+v %v", w, err)
	}
}

// A dose the run sheet allows is still refused from a container whose
// unit its route does not use (IM from lozenges): the log's check after
// the run sheet's.
func TestDoseFromAContainerOfTheWrongUnit(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	lot := sqldbtest.Stock(t, db, c, journey.UnitCount, 1, 10, "2028-01-31")
	if _, err := db.OpenContainer(ctx, lot.Containers[0].ID, signedBy(c.Provider)); err != nil {
		t.Fatal(err)
	}
	s := sqldbtest.DosingSession(t, db, c, now.Add(-time.Hour), journey.RouteIM)
	err := db.RecordAdministration(ctx, &journey.Administration{SessionID: s, DoseMg: 50, Route: journey.RouteIM, ContainerID: lot.Containers[0].ID,
		AdministeredAt: *now}, signedBy(c.Provider))
	if !hasFields(err, "container_id") {
		t.Fatalf("IM from lozenges: %v", err)
	}
}
