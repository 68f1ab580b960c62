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

// clearedClient returns a client cleared by a new medical provider, who is
// returned too.
func clearedClient(t *testing.T, db *sqldb.DB, therapistID int64, now time.Time, name, email string) (*journey.Client, *journey.User) {
	t.Helper()
	ctx := context.Background()
	cl, _ := sqldbtest.Client(t, db, therapistID, name, email, sqldbtest.Intake(name, now))
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr " + name, Email: "dr." + email, Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	return cl, doc
}

// A plan is made from the practice's default in the clearance's
// transaction; a change keeps who and why; a renewed clearance keeps the
// tailored plan.
func TestPlanMadeAtClearanceAndChanged(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	cs, err := db.FindCareSettings(ctx)
	if err != nil || cs.DefaultPlan != journey.DefaultPlan() || cs.Rules != journey.DefaultCareRules() {
		t.Fatalf("care settings: %+v %v", cs, err)
	}
	cs.DefaultPlan.Preparations, cs.UpdatedBy = 3, ny.ID
	if err := db.UpdateCareSettings(ctx, cs); err != nil {
		t.Fatal(err)
	}
	waiting, _ := sqldbtest.Client(t, db, ny.ID, "Wai Ting", "wai@example.test", sqldbtest.Intake("Wai Ting", *now))
	if _, err := db.FindPlan(ctx, waiting.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("plan before clearance: %v", err)
	}
	cl, doc := clearedClient(t, db, ny.ID, *now, "Pat Plan", "pat@example.test")
	p, err := db.FindPlan(ctx, cl.ID)
	if err != nil || p.Settings.Preparations != 3 || len(p.Changes) != 1 || p.Changes[0].By != doc.ID || p.Changes[0].ByName != "Dr Pat Plan" ||
		!strings.Contains(p.Changes[0].Reason, "default") {
		t.Fatalf("plan at clearance: %+v %v", p, err)
	}
	s := p.Settings
	s.Mode, s.Route = journey.ModeRemote, journey.RouteIM
	err = db.UpdatePlan(ctx, cl.ID, s, ny.ID, " ")
	if fe := journey.ErrorFields(err); len(fe) != 2 || fe[0].Field != "route" || fe[1].Field != "reason" {
		t.Fatalf("a remote IM plan with no reason: %+v", fe)
	}
	s.Route = journey.RouteLozenge
	if err := db.UpdatePlan(ctx, cl.ID, s, ny.ID, "Lives three hours away; remote by lozenge."); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdatePlan(ctx, waiting.ID, s, ny.ID, "No plan yet."); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("change with no plan: %v", err)
	}
	// Renewed clearance: the tailored plan stays.
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	p, err = db.FindPlan(ctx, cl.ID)
	if err != nil || p.Settings.Mode != journey.ModeRemote || len(p.Changes) != 2 || p.Changes[0].Reason != "Lives three hours away; remote by lozenge." ||
		p.Changes[0].By != ny.ID || p.Changes[0].Settings.Mode != journey.ModeRemote {
		t.Fatalf("after the change and a renewed clearance: %+v %v", p, err)
	}
	// The reason and settings are sealed.
	for _, table := range []string{"treatment_plans", "plan_changes"} {
		if dump := tableText(t, db, table); strings.Contains(dump, "three hours") || strings.Contains(dump, "remote") {
			t.Errorf("%s holds plain text: %s", table, dump)
		}
	}
	cs.TelehealthTemplate = "http://video.example/{session_id}"
	if fe := journey.ErrorFields(db.UpdateCareSettings(ctx, cs)); len(fe) != 1 || fe[0].Field != "telehealth_template" {
		t.Fatalf("an http template: %+v", fe)
	}
}

// tableText returns every row of table as text, for checks that nothing
// is stored plain.
func tableText(t *testing.T, db *sqldb.DB, table string) string {
	t.Helper()
	rows, err := db.Read.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				b.Write(x)
			case string:
				b.WriteString(x)
			}
			b.WriteByte('|')
		}
	}
	return b.String()
}

// insertSession writes a care session row as the booking would, for the
// plan's reads.
func insertSession(t *testing.T, db *sqldb.DB, clientID, by int64, typ string, start time.Time, status string) int64 {
	t.Helper()
	var id int64
	err := db.Write.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'in_person', ?, ?, 0, 0) RETURNING id`), clientID, typ, start.Unix(), start.Add(time.Hour).Unix(),
		start.Add(time.Hour).Unix(), status, map[bool]string{true: "lozenge"}[typ == journey.TypeMedicine], by).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPlanSessionsOverridesMonitorCheckIn(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	cl, doc := clearedClient(t, db, ny.ID, *now, "Rem Ote", "rem@example.test")
	other, _ := clearedClient(t, db, ny.ID, *now, "Oth Er", "oth@example.test")
	prep := insertSession(t, db, cl.ID, ny.ID, journey.TypePreparation, now.AddDate(0, 0, -3), journey.SessionCompleted)
	dose := insertSession(t, db, cl.ID, ny.ID, journey.TypeMedicine, now.AddDate(0, 0, 2), journey.SessionBooked)
	insertSession(t, db, other.ID, ny.ID, journey.TypePreparation, now.AddDate(0, 0, -4), journey.SessionCompleted)
	ss, err := db.FindPlanSessions(ctx, cl.ID)
	if err != nil || len(ss) != 2 || ss[0].ID != prep || ss[1].ID != dose || ss[0].Status != journey.SessionCompleted || ss[1].Route != journey.RouteLozenge {
		t.Fatalf("plan sessions: %+v %v", ss, err)
	}

	// Overrides: one for the client holds GateOverrideDays; one for a session, for it only.
	if err := db.CreateGateOverride(ctx, &journey.GateOverride{ClientID: cl.ID, Code: journey.GateConsent, By: doc.ID, Reason: "Because I say so."}); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("consent override: %v", err)
	}
	if err := db.CreateGateOverride(ctx, &journey.GateOverride{ClientID: cl.ID, Code: journey.GateRecheck, By: doc.ID, Reason: "Seen by phone last week; stable."}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateGateOverride(ctx, &journey.GateOverride{ClientID: cl.ID, SessionID: dose, Code: journey.GateClearance, By: doc.ID, Reason: "Renewal booked for the day after."}); err != nil {
		t.Fatal(err)
	}
	os, err := db.FindGateOverrides(ctx, cl.ID, dose, *now)
	if err != nil || len(os) != 2 || os[0].Code != journey.GateClearance || os[0].SessionID != dose || os[1].Reason != "Seen by phone last week; stable." || os[1].ByName != "Dr Rem Ote" {
		t.Fatalf("overrides: %+v %v", os, err)
	}
	if os, _ := db.FindGateOverrides(ctx, cl.ID, 0, now.AddDate(0, 0, journey.GateOverrideDays+1)); len(os) != 0 {
		t.Fatalf("overrides after %d days: %+v", journey.GateOverrideDays, os)
	}
	if os, _ := db.FindGateOverrides(ctx, other.ID, dose, *now); len(os) != 0 {
		t.Fatalf("another client's overrides: %+v", os)
	}

	// The monitor.
	if _, err := db.FindMonitor(ctx, cl.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no monitor: %v", err)
	}
	m := &journey.Monitor{ClientID: cl.ID, Name: "Sam Sitter", Phone: "+15035550142", Relationship: "Partner"}
	if fe := journey.ErrorFields(db.SetMonitor(ctx, m)); len(fe) != 1 || fe[0].Field != "adult" {
		t.Fatalf("monitor not confirmed adult: %+v", fe)
	}
	m.Adult = true
	if err := db.SetMonitor(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.Name = "Sam Q. Sitter"
	if err := db.SetMonitor(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindMonitor(ctx, cl.ID); err != nil || got.Name != "Sam Q. Sitter" || !got.Adult || got.Phone != "+15035550142" {
		t.Fatalf("monitor: %+v %v", got, err)
	}

	// Check-ins: the latest counts; none after one that stopped the dose.
	c := &journey.CheckIn{SessionID: dose, ClientID: cl.ID, Address: "4 Home Road", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: 150, Diastolic: 85}
	if err := db.CreateCheckIn(ctx, c); err != nil || c.Result != journey.CheckInReview {
		t.Fatalf("check-in: %+v %v", c, err)
	}
	c2 := *c
	c2.Systolic, c2.Diastolic = 184, 102
	if err := db.CreateCheckIn(ctx, &c2); err != nil || c2.Result != journey.CheckInNoDose {
		t.Fatalf("second check-in: %+v %v", c2, err)
	}
	var told []string
	for _, m := range outbox(t, db) {
		if strings.Contains(m.Subject, "stopped the dose") {
			told = append(told, m.To)
			if strings.Contains(m.Text, "Rem") || strings.Contains(m.Text, "184") || !strings.Contains(m.Text, fmt.Sprintf("/staff/clients/%d/plan", cl.ID)) {
				t.Errorf("the therapist's email: %q", m.Text)
			}
		}
	}
	if len(told) != 1 {
		t.Fatalf("therapists told of the stopped dose: %v", told)
	}
	if got, err := db.FindCheckIn(ctx, dose); err != nil || got.ID != c2.ID || got.Systolic != 184 || got.Address != "4 Home Road" {
		t.Fatalf("latest check-in: %+v %v", got, err)
	}
	c3 := *c
	if err := db.CreateCheckIn(ctx, &c3); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("check-in after no dose: %v", err)
	}
	for _, table := range []string{"remote_monitors", "session_checkins", "gate_overrides"} {
		if dump := tableText(t, db, table); strings.Contains(dump, "Sam") || strings.Contains(dump, "Home Road") || strings.Contains(dump, "stable") {
			t.Errorf("%s holds plain text", table)
		}
	}
}

// FindPlansOf reads a list's plans and sessions at once, as FindPlan and
// FindPlanSessions read each.
func TestFindPlansOf(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	a, _ := clearedClient(t, db, ny.ID, *now, "Ann One", "ann@example.test")
	b, _ := clearedClient(t, db, ny.ID, *now, "Bea Two", "bea@example.test")
	waiting, _ := sqldbtest.Client(t, db, ny.ID, "Wai Ting", "wai@example.test", nil)
	insertSession(t, db, a.ID, ny.ID, journey.TypePreparation, now.AddDate(0, 0, -3), journey.SessionCompleted)
	insertSession(t, db, a.ID, ny.ID, journey.TypeMedicine, now.AddDate(0, 0, 2), journey.SessionBooked)
	insertSession(t, db, b.ID, ny.ID, journey.TypePreparation, now.AddDate(0, 0, -1), journey.SessionNoShow)
	plans, sessions, err := db.FindPlansOf(ctx, []int64{a.ID, b.ID, waiting.ID})
	if err != nil || len(plans) != 2 || plans[a.ID].Settings != journey.DefaultPlan() || plans[waiting.ID] != nil {
		t.Fatalf("plans: %+v %v", plans, err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		one, _ := db.FindPlanSessions(ctx, id)
		if len(one) != len(sessions[id]) {
			t.Fatalf("client %d: %d sessions by list, %d alone", id, len(sessions[id]), len(one))
		}
		for i := range one {
			if one[i].ID != sessions[id][i].ID || one[i].Status != sessions[id][i].Status || !one[i].Start.Equal(sessions[id][i].Start) {
				t.Errorf("client %d session %d: %+v by list, %+v alone", id, i, sessions[id][i], one[i])
			}
		}
	}
	if p, s, err := db.FindPlansOf(ctx, nil); err != nil || len(p) != 0 || len(s) != 0 {
		t.Fatalf("no ids: %v %v %v", p, s, err)
	}
}

// A check-in's reading is judged by the practice's own limits (its
// monitoring rules), not Journey's defaults.
func TestCheckInUsesThePracticeLimits(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	cl, _ := clearedClient(t, db, ny.ID, *now, "Lim It", "lim@example.test")
	cs, _ := db.FindCareSettings(ctx)
	cs.Monitoring.HoldSystolic, cs.Monitoring.HoldDiastolic, cs.Monitoring.ReviewSystolic, cs.Monitoring.ReviewDiastolic = 170, 95, 130, 85
	cs.UpdatedBy = ny.ID
	if err := db.UpdateCareSettings(ctx, cs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sys, dia int
		want     string
	}{{128, 80, journey.CheckInOK}, {135, 80, journey.CheckInReview}, {172, 80, journey.CheckInNoDose}, {150, 96, journey.CheckInNoDose}} {
		dose := insertSession(t, db, cl.ID, ny.ID, journey.TypeMedicine, now.Add(20*time.Minute), journey.SessionBooked)
		c := &journey.CheckIn{SessionID: dose, ClientID: cl.ID, Address: "4 Home Road", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: tc.sys, Diastolic: tc.dia}
		if err := db.CreateCheckIn(ctx, c); err != nil || c.Result != tc.want {
			t.Errorf("%d/%d: %s %v, want %s", tc.sys, tc.dia, c.Result, err, tc.want)
		}
		if _, err := db.Write.Exec(db.Rebind(`UPDATE care_sessions SET status = 'cancelled' WHERE id = ?`), dose); err != nil {
			t.Fatal(err)
		}
	}
}
