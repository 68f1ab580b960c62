package processing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// planFixture returns a processor, its store at a fixed now, a client
// cleared by a medical provider (on the care team with their therapist ny)
// and the client's portal user.
type planFixture struct {
	p         *processing.Processor
	db        *sqldb.DB
	now       *time.Time
	ny, la    *journey.Therapist
	doc       *journey.User
	c         *journey.Client
	clientU   *journey.User
	chaperone *journey.User
}

func newPlanFixture(t *testing.T) *planFixture {
	t.Helper()
	p, db := open(t)
	now := time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	c, u := sqldbtest.Client(t, db, ny.ID, "Cleo Client", "cleo@example.test", sqldbtest.Intake("Cleo Client", now))
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Med", Email: "med@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	ch := &journey.User{Kind: journey.UserStaff, Name: "Cal Chaperone", Email: "cal@practice.test", Roles: []string{journey.RoleChaperone}, Active: true}
	for _, s := range []*journey.User{doc, ch} {
		if err := db.CreateUser(ctx, s, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	c, _ = db.FindClientByID(ctx, c.ID)
	return &planFixture{p: p, db: db, now: &now, ny: ny, la: la, doc: doc, c: c, clientU: u, chaperone: ch}
}

// session writes a care session row for the client as a booking would.
func (f *planFixture) session(t *testing.T, typ, mode string, start time.Time, status string) int64 {
	t.Helper()
	route := ""
	if typ == journey.TypeMedicine {
		route = journey.RouteLozenge
	}
	var id int64
	err := f.db.Write.QueryRow(f.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id`), f.c.ID, typ, start.Unix(), start.Add(3*time.Hour).Unix(),
		start.Add(3*time.Hour).Unix(), status, mode, route, f.ny.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func unmetCodes(gates []journey.Gate) string {
	var out []string
	for _, g := range journey.Unmet(gates) {
		out = append(out, g.Code)
	}
	return strings.Join(out, " ")
}

// The plan: who reads it, who tailors it (with a reason, audited), and
// its steps from the sessions.
func TestPlanRules(t *testing.T) {
	f := newPlanFixture(t)
	ctx := context.Background()
	therapist, other := actor(f.ny.ID, journey.RoleTherapist), actor(f.la.ID, journey.RoleTherapist)
	client, desk := actor(f.clientU.ID, journey.RoleClient), actor(9001, journey.RoleFrontDesk)
	for _, tc := range []struct {
		name  string
		a     *journey.Actor
		found bool
	}{
		{"their therapist", therapist, true}, {"the client", client, true}, {"front desk", desk, true},
		{"the medical provider", actor(f.doc.ID, journey.RoleMedicalProvider), true},
		{"another therapist", other, false}, {"a chaperone", actor(f.chaperone.ID, journey.RoleChaperone), false},
		{"another client", actor(9004, journey.RoleClient), false},
	} {
		plan, err := f.p.Plan(ctx, tc.a, f.c.ID, time.UTC, " test")
		if tc.found != (err == nil) || (err != nil && journey.ErrorCode(err) != journey.ENOTFOUND) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err == nil && (plan.Phase != journey.PhasePreparation || len(plan.Changes) != 1) {
			t.Errorf("%s: plan %+v", tc.name, plan)
		}
	}
	if es := entries(t, f.db, "plan.read"); len(es) != 7 {
		t.Errorf("plan reads audited: %d, want 4 reads and 3 refusals", len(es))
	}

	s := journey.DefaultPlan()
	s.Preparations = 1
	for _, a := range []*journey.Actor{desk, client} {
		if _, err := f.p.UpdatePlan(ctx, a, f.c.ID, s, "Fewer preparations.", time.UTC); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Errorf("%v changes the plan: %v", a.User.Roles, err)
		}
	}
	if _, err := f.p.UpdatePlan(ctx, therapist, f.c.ID, s, "", time.UTC); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("a change with no reason: %v", err)
	}
	f.session(t, journey.TypePreparation, journey.ModeInPerson, f.now.AddDate(0, 0, -7), journey.SessionCompleted)
	plan, err := f.p.UpdatePlan(ctx, therapist, f.c.ID, s, "Has done a retreat; one preparation is enough.", time.UTC)
	if err != nil || plan.Phase != journey.PhaseInitial || plan.Next.Type != journey.TypeMedicine || len(plan.Changes) != 2 {
		t.Fatalf("after the change: %+v %v", plan, err)
	}
	es := entries(t, f.db, "plan.change")
	last := es[len(es)-1]
	if len(es) != 4 || last.Reason != "Has done a retreat; one preparation is enough." || last.Outcome != journey.AuditSuccess || last.ActorID != f.ny.ID {
		t.Errorf("plan changes audited: %d, last %+v", len(es), last)
	}
}

// Each gate through the processor, with the facts the store holds.
func TestGatesThroughTheStore(t *testing.T) {
	f := newPlanFixture(t)
	ctx := context.Background()
	therapist, doc := actor(f.ny.ID, journey.RoleTherapist), actor(f.doc.ID, journey.RoleMedicalProvider)
	q := processing.GateQuery{Mode: journey.ModeInPerson, Route: journey.RouteLozenge}
	gates, err := f.p.Gates(ctx, therapist, f.c.ID, q, "")
	if err != nil {
		t.Fatal(err)
	}
	// Cleared, PHQ-9 at intake: consent unpublished, no preparation, no chaperone.
	if got := unmetCodes(gates); got != "consent preparation team" {
		t.Fatalf("unmet %q: %+v", got, gates)
	}
	if _, err := f.p.Gates(ctx, actor(9001, journey.RoleFrontDesk), f.c.ID, q, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("front desk reads the gates: %v", err)
	}
	if _, err := f.p.Gates(ctx, therapist, f.c.ID, processing.GateQuery{Mode: "boat"}, ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("mode boat: %v", err)
	}

	// Consent: both documents published and signed.
	for _, d := range []*journey.ConsentDocument{{Code: journey.ConsentKAP, Title: "KAP informed consent", Body: "Risks."},
		{Code: journey.ConsentFinancial, Title: "Financial policy", Body: "Fees."}} {
		if err := f.db.CreateConsentDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	gates, _ = f.p.Gates(ctx, therapist, f.c.ID, q, "")
	if g := journey.Unmet(gates)[0]; g.Code != journey.GateConsent || !strings.Contains(g.Detail, "KAP informed consent (version 1) and the Financial policy (version 1)") {
		t.Errorf("consent gate: %+v", g)
	}
	for _, code := range []string{journey.ConsentKAP, journey.ConsentFinancial} {
		if _, err := f.db.SignConsent(ctx, f.c.ID, code, "Cleo Client", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	f.session(t, journey.TypePreparation, journey.ModeInPerson, f.now.AddDate(0, 0, -9), journey.SessionCompleted)
	f.session(t, journey.TypePreparation, journey.ModeInPerson, f.now.AddDate(0, 0, -5), journey.SessionCompleted)
	if err := f.db.AddCareMember(ctx, f.c.ID, f.chaperone.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := f.db.FindClientByID(ctx, f.c.ID)
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if got := unmetCodes(gates); got != "" {
		t.Fatalf("unmet %q", got)
	}

	// Measures: the intake's PHQ-9 grows old.
	sqldbtest.SetTime(f.now, f.now.AddDate(0, 0, 8))
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if got := unmetCodes(gates); got != "measures" {
		t.Fatalf("8 days on: unmet %q", got)
	}
	if _, _, err := f.db.CreateResponse(ctx, f.c.ID, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9], f.clientU.ID); err != nil {
		t.Fatal(err)
	}
	// Team: the therapist is booked elsewhere at the time asked.
	start := f.now.AddDate(0, 0, 5)
	busy := f.session(t, journey.TypeIntegration, journey.ModeInPerson, start.Add(time.Hour), journey.SessionBooked)
	if _, err := f.db.Write.Exec(f.db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, 'therapist', 'staff', ?, ?, ?)`),
		busy, f.ny.ID, start.Add(time.Hour).Unix(), start.Add(2*time.Hour).Unix()); err != nil {
		t.Fatal(err)
	}
	at := q
	at.Start = start
	gates, _ = f.p.MedicineGates(ctx, c, at)
	if g := journey.Unmet(gates); len(g) != 1 || g[0].Code != journey.GateTeam || !strings.Contains(g[0].Detail, "therapist is booked elsewhere") {
		t.Fatalf("busy therapist: %+v", g)
	}
	at.TherapistID = f.la.ID
	if gates, _ = f.p.MedicineGates(ctx, c, at); unmetCodes(gates) != "" {
		t.Fatalf("another therapist: unmet %q", unmetCodes(gates))
	}

	// Integration, then the re-check after 90 days, overridden by the medical provider.
	f.session(t, journey.TypeMedicine, journey.ModeInPerson, f.now.AddDate(0, 0, -2), journey.SessionCompleted)
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if got := unmetCodes(gates); got != "integration" {
		t.Fatalf("after a dose: unmet %q", got)
	}
	f.session(t, journey.TypeIntegration, journey.ModeInPerson, f.now.AddDate(0, 0, -1), journey.SessionCompleted)
	sqldbtest.SetTime(f.now, f.now.AddDate(0, 0, 95))
	if _, _, err := f.db.CreateResponse(ctx, f.c.ID, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9], f.clientU.ID); err != nil {
		t.Fatal(err)
	}
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if got := unmetCodes(gates); got != "recheck" {
		t.Fatalf("95 days on: unmet %q", got)
	}
	if _, err := f.p.OverrideGate(ctx, therapist, f.c.ID, 0, journey.GateRecheck, "Seen by phone; stable."); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("a therapist overrides: %v", err)
	}
	if _, err := f.p.OverrideGate(ctx, doc, f.c.ID, 0, journey.GateConsent, "Signed on paper, scanning later."); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("consent overridden: %v", err)
	}
	if _, err := f.p.OverrideGate(ctx, doc, f.c.ID, 0, journey.GateRecheck, "Seen by phone yesterday; stable, no changes."); err != nil {
		t.Fatal(err)
	}
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if got := unmetCodes(gates); got != "" {
		t.Fatalf("overridden: unmet %q", got)
	}
	es := entries(t, f.db, "gate.override")
	if len(es) != 3 || es[0].Outcome != journey.AuditDenied || es[2].Reason != "Seen by phone yesterday; stable, no changes." {
		t.Errorf("overrides audited: %+v", es)
	}

	// A safety alert closes every gate until acknowledged.
	if _, _, err := f.db.CreateResponse(ctx, f.c.ID, journey.QuestionnairePHQ9, []int{1, 1, 1, 1, 1, 1, 1, 1, 2}, f.clientU.ID); err != nil {
		t.Fatal(err)
	}
	c, _ = f.db.FindClientByID(ctx, f.c.ID)
	gates, _ = f.p.MedicineGates(ctx, c, q)
	if !strings.Contains(unmetCodes(gates), "safety-alert") {
		t.Fatalf("open alert: unmet %q", unmetCodes(gates))
	}
	if err := processing.GatesRefusal(gates); journey.ErrorCode(err) != journey.ECONFLICT || len(err.(*journey.Error).Gates) == 0 {
		t.Errorf("refusal: %v", err)
	}
}

// A remote session from the monitor to a check-in with a high home blood
// pressure: refused, the therapist told, no dose.
func TestRemoteMonitorAndCheckIn(t *testing.T) {
	f := newPlanFixture(t)
	ctx := context.Background()
	client := actor(f.clientU.ID, journey.RoleClient)
	q := processing.GateQuery{Mode: journey.ModeRemote, Route: journey.RouteIM}
	gates, _ := f.p.MedicineGates(ctx, f.c, q)
	if got := unmetCodes(gates); !strings.Contains(got, "remote-route monitor") {
		t.Fatalf("remote: unmet %q", got)
	}
	m := &journey.Monitor{ClientID: f.c.ID, Name: "Max Monitor", Phone: "+15035550142", Relationship: "Partner", Adult: true}
	if err := f.p.SetMonitor(ctx, actor(f.ny.ID, journey.RoleTherapist), m); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("the therapist names the monitor: %v", err)
	}
	if err := f.p.SetMonitor(ctx, client, m); err != nil {
		t.Fatal(err)
	}
	if got, err := f.p.Monitor(ctx, actor(f.ny.ID, journey.RoleTherapist), f.c.ID); err != nil || got.Name != "Max Monitor" {
		t.Fatalf("the therapist reads the monitor: %+v %v", got, err)
	}
	q.Route = journey.RouteLozenge
	gates, _ = f.p.MedicineGates(ctx, f.c, q)
	if got := unmetCodes(gates); strings.Contains(got, "monitor") || strings.Contains(got, "remote-route") {
		t.Fatalf("monitor named: unmet %q", got)
	}

	id := f.session(t, journey.TypeMedicine, journey.ModeRemote, f.now.Add(30*time.Minute), journey.SessionBooked)
	s, _ := f.db.FindCareSession(ctx, id)
	gates, _ = f.p.StartGates(ctx, f.c, s)
	if g := journey.Unmet(gates); !strings.Contains(unmetCodes(gates), "check-in") || !strings.Contains(g[len(g)-1].Detail, "not checked in") {
		t.Fatalf("start before check-in: %+v", g)
	}
	ci := &journey.CheckIn{SessionID: id, Address: "4 Home Road, Portland", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: 150, Diastolic: 92}
	if _, err := f.p.CheckIn(ctx, actor(f.ny.ID, journey.RoleTherapist), ci); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("the therapist checks in for the client: %v", err)
	}
	got, err := f.p.CheckIn(ctx, client, ci)
	if err != nil || got.Result != journey.CheckInReview {
		t.Fatalf("check-in 150/92: %+v %v", got, err)
	}
	gates, _ = f.p.StartGates(ctx, f.c, s)
	if g := gateOf(gates, journey.GateCheckIn); g.Met || !strings.Contains(g.Detail, "waits for the medical provider's review") {
		t.Fatalf("a reading for review before it is reviewed: %+v", g)
	}
	// The review is the run sheet's one review of a hold: a medical
	// provider only, with a note, audited; the therapist may not.
	if _, err := f.p.ReviewHold(ctx, actor(f.ny.ID, journey.RoleTherapist), id, "Fine.", ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("the therapist reviews: %v", err)
	}
	docA := actor(f.doc.ID, journey.RoleMedicalProvider)
	if _, err := f.p.ReviewHold(ctx, docA, id, "", ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("a review with no note: %v", err)
	}
	if _, err := f.p.ReviewHold(ctx, docA, id, "Spoke with the client; usual reading for them, proceed.", ""); err != nil {
		t.Fatalf("the medical provider reviews the check-in: %v", err)
	}
	gates, _ = f.p.StartGates(ctx, f.c, s)
	if g := gateOf(gates, journey.GateCheckIn); !g.Met || !strings.Contains(g.Detail, "reviewed by the medical provider") {
		t.Fatalf("reviewed reading: %+v", g)
	}
	if es := entries(t, f.db, "runsheet.review"); len(es) != 3 || es[2].Outcome != journey.AuditSuccess {
		t.Errorf("reviews audited: %+v", es)
	}
	if _, err := f.p.ReviewHold(ctx, docA, id, "Again.", ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("a second review with nothing waiting: %v", err)
	}
	high := &journey.CheckIn{SessionID: id, Address: "4 Home Road, Portland", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: 186, Diastolic: 104}
	_, err = f.p.CheckIn(ctx, client, high)
	if journey.ErrorCode(err) != journey.ECONFLICT || !strings.Contains(journey.ErrorMessage(err), "too high for a dose today") {
		t.Fatalf("check-in 186/104: %v", err)
	}
	gates, _ = f.p.StartGates(ctx, f.c, s)
	if g := gateOf(gates, journey.GateCheckIn); g.Met || !strings.Contains(g.Detail, "no dose today") {
		t.Fatalf("no dose: %+v", g)
	}
	msgs, _ := f.db.FindMessages(ctx, "", 100)
	told := 0
	for _, m := range msgs {
		full, _ := f.db.FindMessageByID(ctx, m.ID)
		if strings.Contains(full.Subject, "stopped the dose") && full.To == "nora@practice.test" {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the therapist told %d times", told)
	}
	// Outside the hour before the session, or for an in-person session, no check-in.
	later := f.session(t, journey.TypeMedicine, journey.ModeRemote, f.now.AddDate(0, 0, 2), journey.SessionBooked)
	early := *ci
	early.SessionID = later
	if _, err := f.p.CheckIn(ctx, client, &early); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("a check-in two days early: %v", err)
	}
	if es := entries(t, f.db, "checkin.create"); len(es) != 4 { // the refusal of the therapist, two check-ins, the early one
		t.Errorf("check-ins audited: %d", len(es))
	}
}

func gateOf(gates []journey.Gate, code string) journey.Gate {
	for _, g := range gates {
		if g.Code == code {
			return g
		}
	}
	return journey.Gate{}
}

// The gates explain what is missing until the last one holds, through the
// real booking: each fact the practice records opens one, the session is
// booked once all hold, and at its start they are asked again.
func TestGatesOpenOneByOneUntilBooked(t *testing.T) {
	p, db, c, clientActor, now := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	when := ny(2027, 3, 11, 10, 0)
	book := func() string {
		t.Helper()
		_, err := p.BookSession(ctx, therapist, c.Medicine(when), "")
		if err == nil {
			return ""
		}
		je, _ := err.(*journey.Error)
		if je == nil || je.Code != journey.ECONFLICT {
			t.Fatalf("booking: %v", err)
		}
		var codes []string
		for _, g := range je.Gates {
			codes = append(codes, g.Code)
		}
		return strings.Join(codes, " ")
	}
	if got := book(); got != "clearance consent preparation measures" {
		t.Fatalf("a new client: unmet %q", got)
	}
	// Intake and questionnaires (a PHQ-9 today), then the clearance.
	if _, err := db.SaveIntake(ctx, c.Client.ID, sqldbtest.Intake("Casey Client", *now)); err != nil {
		t.Fatal(err)
	}
	for _, code := range journey.RequiredQuestionnaires {
		if _, err := p.CreateResponse(ctx, clientActor, c.Client.ID, code, sqldbtest.CleanAnswers[code]); err != nil {
			t.Fatal(err)
		}
	}
	if got := book(); got != "clearance consent preparation" {
		t.Fatalf("after intake: unmet %q", got)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.Client.ID, Decision: journey.DecisionCleared, ProviderID: c.Provider,
		ClearedUntil: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if got := book(); got != "consent preparation" {
		t.Fatalf("after clearance: unmet %q", got)
	}
	for _, d := range []*journey.ConsentDocument{{Code: journey.ConsentKAP, Title: "KAP informed consent", Body: "Risks."},
		{Code: journey.ConsentFinancial, Title: "Financial policy", Body: "Fees."}} {
		if err := db.CreateConsentDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignConsent(ctx, c.Client.ID, d.Code, "Casey Client", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if got := book(); got != "preparation" {
		t.Fatalf("after consent: unmet %q", got)
	}
	// Two preparations, booked, then held.
	var preps []*journey.CareSession
	for i, day := range []int{3, 4} {
		s, err := p.BookSession(ctx, therapist, &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation,
			Start: ny(2027, 3, day, 9, 0), Mode: journey.ModeInPerson, TherapistID: c.Therapist.ID}, "")
		if err != nil {
			t.Fatalf("preparation %d: %v", i+1, err)
		}
		preps = append(preps, s)
	}
	for i, s := range preps {
		sqldbtest.SetTime(now, s.Start.Add(5*time.Minute))
		for _, action := range []string{journey.ActionStart, journey.ActionComplete} {
			if _, err := p.RunSession(ctx, therapist, s.ID, action, ""); err != nil {
				t.Fatalf("preparation %d %s: %v", i+1, action, err)
			}
		}
		if i == 0 {
			if got := book(); got != "preparation" {
				t.Fatalf("one preparation held: unmet %q", got)
			}
		}
	}
	if got := book(); got != "" {
		t.Fatalf("every gate holds: unmet %q", got)
	}
	// At its start, 7 days after the last PHQ-9 and more, it waits for a new one.
	ss, _ := db.FindCareSessions(ctx, journey.CareSessionFilter{ClientID: c.Client.ID, From: when.Add(-time.Hour), To: when.Add(time.Hour), Limit: 5})
	if len(ss) != 1 {
		t.Fatalf("the medicine session: %+v", ss)
	}
	sqldbtest.SetTime(now, when.Add(-10*time.Minute))
	if _, err := p.RunSession(ctx, therapist, ss[0].ID, journey.ActionStart, ""); err == nil || !strings.Contains(fmt.Sprint(err.(*journey.Error).Gates), "measures") {
		t.Fatalf("start with an old PHQ-9: %v", err)
	}
	if _, err := p.CreateResponse(ctx, clientActor, c.Client.ID, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9]); err != nil {
		t.Fatal(err)
	}
	if got, err := p.RunSession(ctx, therapist, ss[0].ID, journey.ActionStart, ""); err != nil || got.Status != journey.SessionInProgress {
		t.Fatalf("start: %+v %v", got, err)
	}
}
