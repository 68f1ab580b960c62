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

// careEnv is the web env with a practice that can hold care sessions: the
// two therapists, a medical provider and a chaperone on weekday hours in
// New York, a room, and a client of Nora's with a portal session.
type careEnv struct {
	*env
	c                  *journey.Client
	mp, chap, room     int64
	client, nora, luis string
	desk               string
}

func newCareEnv(t *testing.T) *careEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	ce := &careEnv{env: e}
	ce.mp = sqldbtest.Staff(t, e.db, "Mia Provider", journey.RoleMedicalProvider)
	ce.chap = sqldbtest.Staff(t, e.db, "Cal Chaperone", journey.RoleChaperone)
	var week []journey.WeeklyHours
	for d := time.Monday; d <= time.Friday; d++ {
		week = append(week, journey.WeeklyHours{Weekday: d, Start: 9 * 60, End: 17 * 60})
	}
	for _, id := range []int64{e.ny.ID, e.la.ID, ce.mp, ce.chap} {
		if err := e.db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: week}); err != nil {
			t.Fatal(err)
		}
	}
	loc := &journey.Location{Name: "Main Street", TimeZone: "America/New_York"}
	if err := e.db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	room := &journey.Room{LocationID: loc.ID, Name: "Cedar", Weekly: week}
	if err := e.db.CreateRoom(ctx, room); err != nil {
		t.Fatal(err)
	}
	ce.room = room.ID
	var u *journey.User
	ce.c, u = sqldbtest.Client(t, e.db, e.ny.ID, "Casey Client", "casey@client.test", nil)
	ce.client, ce.nora, ce.luis = e.session(u, true), e.session(staffUser(e.ny), true), e.session(staffUser(e.la), true)
	_, ce.desk = e.staffCookie(journey.RoleFrontDesk)
	return ce
}

func TestSessionSlotsAPI(t *testing.T) {
	e := newCareEnv(t)
	base := fmt.Sprintf("/api/v1/session-slots?client_id=%d&from=2030-01-07&days=1&tz=America/New_York", e.c.ID)
	e.runAs(t, []cookieScenario{
		{"the therapist, a medicine session", e.nora, "GET", base + "&type=medicine", "", 200, []string{`"time_zone":"America/New_York"`,
			fmt.Sprintf(`{"start":"2030-01-07T09:00:00-05:00","end":"2030-01-07T12:00:00-05:00","therapist_id":%d,"medical_provider_id":%d,"chaperone_id":%d,"room_id":%d}`,
				e.ny.ID, e.mp, e.chap, e.room), `"start":"2030-01-07T14:00:00-05:00"`}, []string{`"start":"2030-01-07T14:30:00-05:00"`}},
		{"remote, no room", e.nora, "GET", base + "&type=medicine&mode=remote", "", 200, []string{`"room_id":null`}, nil},
		{"front desk, a follow-up in the client's zone", e.desk, "GET", fmt.Sprintf("/api/v1/session-slots?client_id=%d&from=2030-01-07&days=1&tz=Europe/London&type=prescriber-follow-up", e.c.ID), "", 200,
			[]string{`"start":"2030-01-07T14:00:00Z"`, `"therapist_id":null`}, nil},
		{"the client, their own preparation", e.client, "GET", "/api/v1/session-slots?from=2030-01-07&days=1&tz=America/New_York&type=preparation", "", 200,
			[]string{fmt.Sprintf(`"therapist_id":%d`, e.ny.ID)}, nil},
		{"the client, a medicine session", e.client, "GET", "/api/v1/session-slots?type=medicine", "", 422, []string{`"field":"type"`, "The practice books this kind of session"}, nil},
		{"another therapist's client", e.luis, "GET", base + "&type=preparation", "", 404, []string{"Client not found."}, []string{`"slots":`}},
		{"no one signed in", "", "GET", base + "&type=preparation", "", 401, nil, nil},
		{"bad parameters", e.nora, "GET", fmt.Sprintf("/api/v1/session-slots?client_id=%d&type=massage&mode=sofa&days=61&tz=Mars/Base&from=monday", e.c.ID), "", 422,
			[]string{`"field":"days"`, `"field":"tz"`, `"field":"from"`}, nil},
		{"bad values", e.nora, "GET", fmt.Sprintf("/api/v1/session-slots?client_id=%d&type=massage&mode=sofa", e.c.ID), "", 422,
			[]string{`"field":"type"`, `"field":"mode"`}, nil},
		{"a pinned person in the wrong role", e.nora, "GET", base + fmt.Sprintf("&type=medicine&therapist_id=%d", e.chap), "", 422, []string{`"field":"therapist_id"`}, nil},
	})
}

// cookieScenario is one request by a signed-in person (cookie, "" for no
// one) through the real router and store.
type cookieScenario struct {
	name, cookie, method, path, body string
	status                           int
	contains, excludes               []string
}

// runAs runs each scenario as a subtest: a POST sends its body as a form;
// a 303 must lead back to the page it came from (the path's own prefix).
func (e *careEnv) runAs(t *testing.T, scs []cookieScenario) {
	t.Helper()
	e.runRedirecting(t, scs, func(path string) string { return strings.TrimSuffix(path, "/book") })
}

// runRedirecting runs scs, each 303 going to a URL that starts with what
// back returns for the scenario's path.
func (e *careEnv) runRedirecting(t *testing.T, scs []cookieScenario, back func(path string) string) {
	t.Helper()
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			ct := ""
			if sc.method == "POST" {
				ct = "application/x-www-form-urlencoded"
			}
			st, h, body := e.send(sc.cookie, sc.method, sc.path, ct, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			if to := h.Get("Location"); st == 303 && !strings.HasPrefix(to, back(sc.path)) {
				t.Fatalf("redirected to %s", to)
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
