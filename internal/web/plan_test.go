package web

import (
	"context"
	"fmt"
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
		{"the therapist reads it", e.nora, "GET", fmt.Sprintf("/api/v1/clients/%d/monitor", e.c.ID), "", 200, []string{`"name":"Max Monitor"`}, nil},
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
