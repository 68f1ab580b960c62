package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// planEnv is a cleared client of Nora's with a portal session, the medical
// provider who cleared them, and cookies for each.
type planEnv struct {
	*env
	c                                    *journey.Client
	doc                                  *journey.User
	client, nora, luis, doctor, frontDsk string
}

func newPlanEnv(t *testing.T) *planEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	c, u := sqldbtest.Client(t, e.db, e.ny.ID, "Cleo Client", "cleo@example.test", sqldbtest.Intake("Cleo Client", *e.now))
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: e.now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	return &planEnv{env: e, c: c, doc: doc, client: e.session(u, true), nora: e.session(staffUser(e.ny), true),
		luis: e.session(staffUser(e.la), true), doctor: e.session(doc, true), frontDsk: desk}
}

// session writes a care session row for the client as a booking would.
func (e *planEnv) careSession(typ, mode string, start time.Time, status string) int64 {
	e.t.Helper()
	route := ""
	if typ == journey.TypeMedicine {
		route = journey.RouteLozenge
	}
	var id int64
	err := e.db.Write.QueryRow(e.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id`), e.c.ID, typ, start.Unix(), start.Add(3*time.Hour).Unix(),
		start.Add(3*time.Hour).Unix(), status, mode, route, e.ny.ID).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestPlanAndGatesAPI(t *testing.T) {
	e := newPlanEnv(t)
	plan := fmt.Sprintf("/api/v1/clients/%d/plan", e.c.ID)
	gates := fmt.Sprintf("/api/v1/clients/%d/gates", e.c.ID)
	e.careSession(journey.TypePreparation, journey.ModeInPerson, e.now.AddDate(0, 0, -3), journey.SessionCompleted)
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains, excludes               []string
	}{
		{"the client reads their plan", e.client, "GET", plan, "", 200,
			[]string{`"phase":"preparation"`, `"type":"preparation","phase":"preparation","number":1,"status":"held"`, `"next":{"type":"preparation","detail":"Book the preparation session 2."}`}, nil},
		{"their therapist", e.nora, "GET", plan, "", 200, []string{`"steps":[`}, nil},
		{"front desk", e.frontDsk, "GET", plan, "", 200, []string{`"steps":[`}, nil},
		{"another therapist", e.luis, "GET", plan, "", 404, []string{"Client not found."}, []string{"steps"}},
		{"no one signed in", "", "GET", plan, "", 401, nil, nil},
		{"a change without a reason", e.nora, "PUT", plan, `{"preparations": 1}`, 422, []string{`"field":"reason"`}, nil},
		{"a remote plan by IM", e.nora, "PUT", plan, `{"mode": "remote", "route": "im", "reason": "Lives far."}`, 422,
			[]string{`"field":"route"`, "lozenge only"}, nil},
		{"front desk may not change it", e.frontDsk, "PUT", plan, `{"preparations": 1, "reason": "x"}`, 403, nil, nil},
		{"the client may not", e.client, "PUT", plan, `{"preparations": 1, "reason": "x"}`, 403, nil, nil},
		{"the therapist tailors it", e.nora, "PUT", plan, `{"preparations": 1, "continuation": 6, "reason": "Retreat done; one preparation."}`, 200,
			[]string{`"phase":"initial"`, `"preparations":1`, `"continuation":6`, `"initial_doses":2`}, nil},
		{"an unknown field", e.nora, "PUT", plan, `{"preparatons": 1, "reason": "typo"}`, 400, nil, nil},
		{"gates in person", e.nora, "GET", gates + "?type=medicine&mode=in_person", "", 200,
			[]string{`"ready":false`, `{"code":"consent","met":false,"detail":"The client has not signed the current KAP informed consent (the practice has not published it)`,
				`{"code":"preparation","met":true`, `{"code":"team","met":false,"detail":"No chaperone assigned."}`}, []string{"remote-route"}},
		{"gates remote", e.doctor, "GET", gates + "?type=medicine&mode=remote", "", 200,
			[]string{`{"code":"remote-route","met":true`, `{"code":"monitor","met":false`}, nil},
		{"gates of a group", e.nora, "GET", gates + "?type=integration&mode=in_person", "", 422, []string{`"field":"type"`}, nil},
		{"gates with a bad mode and start", e.nora, "GET", gates + "?type=medicine&mode=boat&start=tomorrow", "", 422,
			[]string{`"field":"start"`}, nil},
		{"front desk may not read the gates", e.frontDsk, "GET", gates + "?type=medicine&mode=in_person", "", 403, nil, nil},
		{"the client may not", e.client, "GET", gates + "?type=medicine&mode=in_person", "", 403, nil, nil},
		{"a therapist may not override", e.nora, "POST", fmt.Sprintf("/api/v1/clients/%d/gate-overrides", e.c.ID),
			`{"code": "recheck", "reason": "Seen by phone; stable."}`, 403, nil, nil},
		{"consent may not be overridden", e.doctor, "POST", fmt.Sprintf("/api/v1/clients/%d/gate-overrides", e.c.ID),
			`{"code": "consent", "reason": "Signed on paper, to scan."}`, 422, []string{`"field":"code"`}, nil},
		{"the medical provider overrides the re-check", e.doctor, "POST", fmt.Sprintf("/api/v1/clients/%d/gate-overrides", e.c.ID),
			`{"code": "recheck", "reason": "Seen by phone; stable."}`, 201, []string{`"code":"recheck"`}, nil},
		{"the client names a monitor with a bad phone", e.client, "PUT", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID),
			`{"name": "Max", "phone": "12", "relationship": "Partner", "adult": false}`, 422, []string{`"field":"phone"`, `"field":"adult"`}, nil},
		{"the client names a monitor", e.client, "PUT", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID),
			`{"name": "Max Monitor", "phone": "(503) 555-0142", "relationship": "Partner", "adult": true}`, 200, []string{`"phone":"+15035550142"`}, nil},
		{"the therapist may not name it", e.nora, "PUT", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID),
			`{"name": "Max Monitor", "phone": "(503) 555-0142", "relationship": "Partner", "adult": true}`, 403, nil, nil},
		{"the client names a monitor with a bad email, texts without agreeing", e.client, "PUT", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID),
			`{"name": "Max Monitor", "phone": "(503) 555-0142", "relationship": "Partner", "adult": true, "email": "max@", "agreed": false, "texts": true}`, 422,
			[]string{`"field":"email"`, `"field":"texts"`}, []string{`"field":"phone"`}},
		{"the client gives the monitor's email and their agreement", e.client, "PUT", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID),
			`{"name": "Max Monitor", "phone": "(503) 555-0142", "relationship": "Partner", "adult": true, "email": "max@monitor.test", "agreed": true, "texts": true}`, 200,
			[]string{`"email":"max@monitor.test"`, `"agreed":true`, `"texts":true`}, nil},
		{"the therapist reads it", e.nora, "GET", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID), "", 200,
			[]string{`"name":"Max Monitor"`, `"email":"max@monitor.test"`, `"agreed":true`, `"texts":true`}, nil},
		{"the monitor now holds", e.nora, "GET", gates + "?type=medicine&mode=remote", "", 200, []string{`{"code":"monitor","met":true`}, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			st, _, body := e.api(sc.cookie, sc.method, sc.path, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s\n%s", s, trim(body))
				}
			}
			for _, s := range sc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %s", s)
				}
			}
		})
	}
}

// A remote session from the monitor to a check-in with a high home blood
// pressure, through the API: refused, no dose, the therapist emailed.
func TestRemoteCheckInAPI(t *testing.T) {
	e := newPlanEnv(t)
	id := e.careSession(journey.TypeMedicine, journey.ModeRemote, e.now.Add(20*time.Minute), journey.SessionBooked)
	path := fmt.Sprintf("/api/v1/sessions/%d/remote-check-in", id)
	body := func(sys, dia int) string {
		return fmt.Sprintf(`{"address": "4 Home Road, Portland", "callback": "(503) 555-0143", "emergency_confirmed": true, "systolic": %d, "diastolic": %d}`, sys, dia)
	}
	if st, _, b := e.api(e.nora, "POST", path, body(120, 80)); st != 403 {
		t.Fatalf("the therapist checks in: %d %s", st, b)
	}
	if st, _, b := e.api(e.client, "POST", path, `{"address": "", "callback": "x", "systolic": 90, "diastolic": 95}`); st != 422 ||
		!strings.Contains(b, `"field":"address"`) || !strings.Contains(b, `"field":"callback"`) || !strings.Contains(b, `"field":"emergency"`) || !strings.Contains(b, `"field":"diastolic"`) {
		t.Fatalf("a bad check-in: %d %s", st, b)
	}
	st, _, b := e.api(e.client, "POST", path, body(186, 104))
	if st != 409 || !strings.Contains(b, "too high for a dose today") {
		t.Fatalf("a high reading: %d %s", st, b)
	}
	if st, _, b := e.api(e.client, "POST", path, body(120, 80)); st != 409 || !strings.Contains(b, "already stopped the dose") {
		t.Fatalf("a second check-in after no dose: %d %s", st, b)
	}
	if m := e.latestMail("nora@practice.test"); !strings.Contains(m, "There is no dose") || strings.Contains(m, "Cleo") || strings.Contains(m, "186") {
		t.Fatalf("the therapist's email: %q", m)
	}
}

// The staff plan page: the steps with what is overdue, the gates with the
// medical provider's override, the form that tailors the plan keeping what
// was typed when it is refused.
func TestPlanPages(t *testing.T) {
	e := newPlanEnv(t)
	path := fmt.Sprintf("/staff/clients/%d/plan", e.c.ID)
	e.careSession(journey.TypePreparation, journey.ModeInPerson, e.now.AddDate(0, 0, -20), journey.SessionCompleted)
	e.careSession(journey.TypePreparation, journey.ModeInPerson, e.now.AddDate(0, 0, -15), journey.SessionCompleted)
	e.careSession(journey.TypeMedicine, journey.ModeInPerson, e.now.AddDate(0, 0, -4), journey.SessionCompleted)
	if _, _, body := e.as(e.nora, "GET", fmt.Sprintf("/staff/clients/%d", e.c.ID), nil); !strings.Contains(body, "Initial doses: 3 of 15 steps held. <strong>1 overdue.</strong>") ||
		!strings.Contains(body, `href="`+path+`"`) {
		t.Fatalf("the chart's plan line:\n%s", trim(body))
	}
	st, _, body := e.as(e.nora, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "Integration 1") || !strings.Contains(body, "(overdue)") || !strings.Contains(body, "1 overdue") ||
		!strings.Contains(body, "Tailor the plan") || !strings.Contains(body, "Not met: team") || strings.Contains(body, "Override this gate") {
		t.Fatalf("the therapist's plan page: %d\n%s", st, trim(body))
	}
	if _, _, body := e.as(e.nora, "GET", "/staff/clients", nil); !strings.Contains(body, "Plan: initial doses, 1 overdue") {
		t.Fatalf("the caseload:\n%s", trim(body))
	}
	if st, _, body := e.as(e.frontDsk, "GET", path, nil); st != 200 || strings.Contains(body, "Gates before") || strings.Contains(body, "Tailor the plan") {
		t.Fatalf("front desk's plan page: %d", st)
	}
	if st, _, _ := e.as(e.luis, "GET", path, nil); st != 404 {
		t.Fatalf("another therapist: %d", st)
	}
	// A refused change keeps what was typed, each error beside its field.
	form := url.Values{"preparations": {"0"}, "initial_doses": {"two"}, "integration_min_days": {"1"}, "integration_max_days": {"7"},
		"continuation": {"4"}, "mode": {"remote"}, "route": {"im"}, "reason": {"<b>Moving</b> away"}}
	st, _, body = e.as(e.nora, "POST", path, form)
	if st != 422 || !strings.Contains(body, `id="initial_doses-error">Enter a whole number.`) || !strings.Contains(body, `value="two"`) ||
		!strings.Contains(body, "&lt;b&gt;Moving&lt;/b&gt; away") || !strings.Contains(body, `href="#initial_doses"`) {
		t.Fatalf("a refused change: %d\n%s", st, trim(body))
	}
	form.Set("initial_doses", "2")
	st, _, body = e.as(e.nora, "POST", path, form)
	if st != 422 || !strings.Contains(body, "Plan between 1 and 10 preparation sessions.") || !strings.Contains(body, "A remote plan is by lozenge only.") {
		t.Fatalf("a refused change: %d\n%s", st, trim(body))
	}
	form.Set("preparations", "2")
	form.Set("route", "lozenge")
	if st, h, body := e.as(e.nora, "POST", path, form); st != 303 || h.Get("Location") != path+"?changed=1" {
		t.Fatalf("the change: %d %s", st, trim(body))
	}
	if _, _, body := e.as(e.nora, "GET", path+"?changed=1", nil); !strings.Contains(body, "Plan changed") || !strings.Contains(body, "&lt;b&gt;Moving&lt;/b&gt; away") ||
		!strings.Contains(body, "Not met: monitor") {
		t.Fatalf("after the change:\n%s", trim(body))
	}
	// The medical provider overrides the clearance's age once it has run out.
	sqldbtestSetTime(e, e.now.AddDate(1, 0, 1))
	e.doctor, e.nora = e.session(e.doc, true), e.session(staffUser(e.ny), true) // a year on, sign in again
	st, _, body = e.as(e.doctor, "GET", path, nil)
	if st != 200 || !strings.Contains(body, `id="override-clearance"`) {
		t.Fatalf("the provider's page after the clearance ran out: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(e.doctor, "POST", fmt.Sprintf("/staff/clients/%d/gate-overrides", e.c.ID), url.Values{"code": {"clearance"}, "reason": {"short"}}); st != 422 ||
		!strings.Contains(body, `id="override-clearance-error"`) || !strings.Contains(body, ">short</textarea>") {
		t.Fatalf("a short reason: %d\n%s", st, trim(body))
	}
	if st, _, _ := e.as(e.doctor, "POST", fmt.Sprintf("/staff/clients/%d/gate-overrides", e.c.ID), url.Values{"code": {"clearance"}, "reason": {"Renewal visit booked for Friday."}}); st != 303 {
		t.Fatalf("the override: %d", st)
	}
	if _, _, body := e.as(e.doctor, "GET", path, nil); !strings.Contains(body, "A medical provider overrode this gate.") || !strings.Contains(body, "Renewal visit booked") {
		t.Fatalf("after the override:\n%s", trim(body))
	}
	if st, _, _ := e.as(e.nora, "POST", fmt.Sprintf("/staff/clients/%d/gate-overrides", e.c.ID), url.Values{"code": {"clearance"}, "reason": {"Renewal visit booked."}}); st != 403 {
		t.Fatalf("a therapist overrides: %d", st)
	}
}

func sqldbtestSetTime(e *planEnv, t time.Time) { sqldbtest.SetTime(e.now, t) }

// The portal: the plan on the timeline, naming the monitor, and the
// check-in with a reading too high for a dose.
func TestPortalPlanMonitorCheckIn(t *testing.T) {
	e := newPlanEnv(t)
	ctx := context.Background()
	set, _ := e.db.FindCareSettings(ctx)
	set.TelehealthTemplate, set.UpdatedBy = "https://video.example/room/{session_id}", e.ny.ID
	if err := e.db.UpdateCareSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	e.careSession(journey.TypePreparation, journey.ModeInPerson, e.now.AddDate(0, 0, -20), journey.SessionCompleted)
	id := e.careSession(journey.TypeMedicine, journey.ModeRemote, e.now.Add(30*time.Minute), journey.SessionBooked)
	st, _, body := e.as(e.client, "GET", "/portal", nil)
	for _, want := range []string{"Preparation session 1", "Held on", "Medicine session 1", "Booked for", fmt.Sprintf("https://video.example/room/%d", id),
		fmt.Sprintf("/portal/sessions/%d/check-in", id), "Name your monitor", "Integration session 1", "Next:"} {
		if !strings.Contains(body, want) {
			t.Errorf("the portal lacks %q", want)
		}
	}
	if st != 200 || t.Failed() {
		t.Fatalf("%d\n%s", st, trim(body))
	}
	st, _, body = e.as(e.client, "POST", "/portal/monitor", url.Values{"name": {"<i>Max</i>"}, "phone": {"12"}, "relationship": {"Partner"}, "email": {"max@<b>"}, "texts": {"yes"}})
	if st != 422 || !strings.Contains(body, `id="texts-error"`) || !strings.Contains(body, `name="texts" type="checkbox" value="yes" checked`) || !strings.Contains(body, `id="phone-error"`) || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `value="max@&lt;b&gt;"`) || !strings.Contains(body, `id="adult-error"`) || !strings.Contains(body, `value="&lt;i&gt;Max&lt;/i&gt;"`) {
		t.Fatalf("a refused monitor: %d\n%s", st, trim(body))
	}
	if st, h, _ := e.as(e.client, "POST", "/portal/monitor", url.Values{"name": {"Max Monitor"}, "phone": {"(503) 555-0142"}, "relationship": {"Partner"}, "adult": {"yes"},
		"email": {"max@monitor.test"}, "agreed": {"yes"}, "texts": {"yes"}}); st != 303 || h.Get("Location") != "/portal/monitor?saved=1" {
		t.Fatalf("the monitor: %d", st)
	}
	if _, _, body := e.as(e.client, "GET", "/portal/monitor?saved=1", nil); !strings.Contains(body, `value="&#43;15035550142"`) ||
		!strings.Contains(body, `value="max@monitor.test"`) || !strings.Contains(body, `name="agreed" type="checkbox" value="yes" checked`) ||
		!strings.Contains(body, `name="texts" type="checkbox" value="yes" checked`) || !strings.Contains(body, "monitor is saved") {
		t.Fatalf("the saved monitor:\n%s", trim(body))
	}
	cpath := fmt.Sprintf("/portal/sessions/%d/check-in", id)
	if st, _, body := e.as(e.client, "GET", cpath, nil); st != 200 || !strings.Contains(body, "Your session: ") {
		t.Fatalf("the check-in page: %d\n%s", st, trim(body))
	}
	inPerson := e.careSession(journey.TypeMedicine, journey.ModeInPerson, e.now.AddDate(0, 0, 9), journey.SessionBooked)
	for _, other := range []int64{inPerson, 999999} {
		if st, _, _ := e.as(e.client, "GET", fmt.Sprintf("/portal/sessions/%d/check-in", other), nil); st != 404 {
			t.Errorf("the check-in page of session %d: %d", other, st)
		}
	}
	st, _, body = e.as(e.client, "POST", cpath, url.Values{"address": {""}, "callback": {"(503) 555-0143"}, "systolic": {"high"}, "diastolic": {"90"}})
	if st != 422 || !strings.Contains(body, `id="address-error"`) || !strings.Contains(body, `id="systolic-error"`) || !strings.Contains(body, `id="emergency-error"`) ||
		!strings.Contains(body, `value="high"`) {
		t.Fatalf("a refused check-in: %d\n%s", st, trim(body))
	}
	good := url.Values{"address": {"4 Home Road, Portland"}, "callback": {"(503) 555-0143"}, "emergency": {"yes"}, "systolic": {"184"}, "diastolic": {"101"}}
	st, _, body = e.as(e.client, "POST", cpath, good)
	if st != 409 || !strings.Contains(body, "No medicine session today") || !strings.Contains(body, "(184/101) is too high for a dose today") {
		t.Fatalf("a high reading: %d\n%s", st, trim(body))
	}
	// Today tells the therapist to call back, and not another therapist.
	if _, _, body := e.as(e.nora, "GET", "/staff", nil); !strings.Contains(body, "No dose today: call back") || !strings.Contains(body, "<strong>184/101</strong>") {
		t.Fatalf("the therapist's Today after the check-in:\n%s", trim(body))
	}
	if _, _, body := e.as(e.luis, "GET", "/staff", nil); strings.Contains(body, "No dose today") {
		t.Fatal("another therapist's Today shows the check-in")
	}
	// The therapist's plan page, where the email leads, shows the reading and the number to call.
	if _, _, body := e.as(e.nora, "GET", fmt.Sprintf("/staff/clients/%d/plan", e.c.ID), nil); !strings.Contains(body, "<strong>184/101</strong>, at or above the limit for a dose: no dose today") ||
		!strings.Contains(body, `href="tel:&#43;15035550143">(503) 555-0143</a>`) || !strings.Contains(body, "4 Home Road, Portland") {
		t.Fatalf("the therapist's plan page after the check-in:\n%s", trim(body))
	}
	if st, _, _ := e.as(e.nora, "GET", cpath, nil); st != 403 {
		t.Fatalf("staff on the portal's check-in: %d", st)
	}
}

// The therapist's Today lists an integration not booked 3 days after a
// dose, and stops once it is booked.
func TestTodayOverdueIntegration(t *testing.T) {
	e := newPlanEnv(t)
	e.careSession(journey.TypeMedicine, journey.ModeInPerson, e.now.AddDate(0, 0, -2), journey.SessionCompleted)
	if _, _, body := e.as(e.nora, "GET", "/staff", nil); !strings.Contains(body, "Overdue integrations") || !strings.Contains(body, "No integration is overdue") {
		t.Fatalf("two days after the dose:\n%s", trim(body))
	}
	sqldbtestSetTime(e, e.now.AddDate(0, 0, 1))
	e.nora, e.luis = e.session(staffUser(e.ny), true), e.session(staffUser(e.la), true) // a day on, sign in again
	_, _, body := e.as(e.nora, "GET", "/staff", nil)
	if !strings.Contains(body, fmt.Sprintf(`<a href="/staff/clients/%d/plan"><bdi>Cleo Client</bdi></a>: integration 1, due by`, e.c.ID)) {
		t.Fatalf("three days after the dose:\n%s", trim(body))
	}
	if _, _, body := e.as(e.luis, "GET", "/staff", nil); strings.Contains(body, "Cleo Client") {
		t.Fatal("another therapist sees the overdue integration")
	}
	e.careSession(journey.TypeIntegration, journey.ModeInPerson, e.now.AddDate(0, 0, 1), journey.SessionBooked)
	if _, _, body := e.as(e.nora, "GET", "/staff", nil); strings.Contains(body, "Cleo Client</bdi></a>: integration") {
		t.Fatalf("once booked:\n%s", trim(body))
	}
}

// The admin sets the practice's default plan, its rules and the telehealth
// link template; a bad value is shown beside its field, what was typed kept.
func TestCareSettingsPage(t *testing.T) {
	e := newPlanEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	st, _, body := e.as(admin, "GET", "/admin/care", nil)
	if st != 200 || !strings.Contains(body, `id="preparations"`) || !strings.Contains(body, `value="90"`) {
		t.Fatalf("the page: %d\n%s", st, trim(body))
	}
	if st, _, _ := e.as(e.nora, "GET", "/admin/care", nil); st != 403 {
		t.Fatalf("a therapist: %d", st)
	}
	form := url.Values{"preparations": {"3"}, "initial_doses": {"2"}, "integration_min_days": {"1"}, "integration_max_days": {"7"}, "continuation": {"x"},
		"mode": {"in_person"}, "route": {"lozenge"}, "integration_overdue_days": {"3"}, "recheck_after_days": {"90"}, "measures_within_days": {"7"},
		"telehealth_template": {`https://video.example/"room"`}}
	for k, v := range map[string]string{"review_systolic": "140", "review_diastolic": "90", "hold_systolic": "180", "hold_diastolic": "100",
		"hold_hr_low": "45", "hold_hr_high": "120", "hold_rr_low": "10", "hold_rr_high": "30", "hold_spo2": "99", "escalate_spo2": "90",
		"rise_systolic": "40", "rise_diastolic": "25", "peak_after_minutes": "40", "observe_minutes": "120", "remote_check_minutes": "15",
		"lozenge_min_mg": "50", "lozenge_max_mg": "400", "im_warn_mg_per_kg": "1", "im_cap_mg_per_kg": "<2"} {
		form.Set(k, v)
	}
	st, _, body = e.as(admin, "POST", "/admin/care", form)
	if st != 422 || !strings.Contains(body, `id="hold_spo2-error"`) || !strings.Contains(body, "between 85 and 98") ||
		!strings.Contains(body, `id="im_cap_mg_per_kg-error"`) || !strings.Contains(body, `value="&lt;2"`) {
		t.Fatalf("refused thresholds: %d\n%s", st, trim(body))
	}
	form.Set("hold_spo2", "93")
	form.Set("im_cap_mg_per_kg", "1.5")
	if st != 422 || !strings.Contains(body, `id="continuation-error"`) || !strings.Contains(body, `id="telehealth_template-error"`) ||
		!strings.Contains(body, `value="https://video.example/&#34;room&#34;"`) || !strings.Contains(body, `value="x"`) {
		t.Fatalf("a refused save: %d\n%s", st, trim(body))
	}
	form.Set("continuation", "6")
	form.Set("telehealth_template", "https://video.example/room/{session_id}")
	if st, h, _ := e.as(admin, "POST", "/admin/care", form); st != 303 || h.Get("Location") != "/admin/care?saved=1" {
		t.Fatalf("the save: %d", st)
	}
	cs, _ := e.db.FindCareSettings(context.Background())
	if cs.DefaultPlan.Preparations != 3 || cs.DefaultPlan.Continuation != 6 || cs.TelehealthTemplate != "https://video.example/room/{session_id}" ||
		cs.Monitoring.HoldSpO2 != 93 || cs.Monitoring.IMCapMgPerKg != 1.5 || cs.Monitoring.ObserveMinutes != 120 {
		t.Fatalf("saved: %+v", cs)
	}
}
