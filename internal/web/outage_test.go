package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// With the database away, every kind of request says so: 503 with
// Retry-After, never a validation error, "not found", "wrong password" or a
// trip to the sign-in page; a page keeps what was typed. Once the database
// is back, the same requests succeed.
func TestDatabaseOutage(t *testing.T) {
	for _, fault := range sqldbtest.Faults() {
		t.Run(fault, func(t *testing.T) { testDatabaseOutage(t, fault) })
	}
}

func testDatabaseOutage(t *testing.T, fault string) {
	o := sqldbtest.OpenOutage(t, fault)
	e := newEnvDB(t, o.DB)
	_, staff := e.staffCookie(journey.RoleAdmin)
	therapist := e.session(staffUser(e.ny), true)
	client, portal := e.portalClient("Cleo Client", "cleo@example.com", nil)
	consult := e.book(e.la, mondayNY.Add(3*time.Hour), "Manny Manage", "stuck")
	e.addUser(journey.UserStaff, "sam@practice.test", journey.RoleFrontDesk)

	form := validForm(e)
	form.Set("name", `Ada <Visitor>`)
	bookForm := e.form(form)
	type req struct {
		name, method, path, cookie, ctype, body string
		contains, excludes                      []string
	}
	reqs := []req{
		{name: "health check", method: "GET", path: "/healthz"},
		{name: "booking page", method: "GET", path: "/book?tz=America/New_York&from=2030-01-07"},
		{name: "booking form", method: "POST", path: "/book", ctype: "application/x-www-form-urlencoded", body: bookForm,
			contains: []string{"reach our records right now", "Ada &lt;Visitor&gt;", `name="slot"`},
			excludes: []string{"Choose one of our therapists"}},
		{name: "booking API", method: "POST", path: "/api/v1/consults", ctype: "application/json",
			body:     bookingJSON(mondayNY.Add(5*time.Hour), e.la.ID, "api@example.com", ""),
			contains: []string{`"status":503`}, excludes: []string{`"field"`}},
		{name: "slots API", method: "GET", path: fmt.Sprintf("/api/v1/consult-slots?from=2030-01-07&therapist_id=%d", e.ny.ID),
			contains: []string{`"status":503`}, excludes: []string{`"field"`}},
		{name: "manage link", method: "GET", path: "/c/" + url.PathEscape(consult.ManageToken)},
		{name: "sign-in", method: "POST", path: "/login", ctype: "application/x-www-form-urlencoded",
			body:     url.Values{"email": {"sam@practice.test"}, "password": {testPassword}, "next": {"/staff"}}.Encode(),
			contains: []string{"reach our records right now", "sam@practice.test"}, excludes: []string{"do not match", testPassword}},
		{name: "staff page", method: "GET", path: "/staff/consults", cookie: therapist},
		{name: "staff client record", method: "GET", path: fmt.Sprintf("/staff/clients/%d", client.ID), cookie: therapist,
			excludes: []string{"not found"}},
		{name: "admin audit screen", method: "GET", path: "/admin/audit", cookie: staff},
		{name: "portal page", method: "GET", path: "/portal", cookie: portal},
		{name: "portal intake step", method: "GET", path: "/portal/intake/about", cookie: portal},
		{name: "staff API", method: "GET", path: "/api/v1/clients", cookie: staff, contains: []string{`"status":503`}},
	}
	send := func(t *testing.T, rq req) (int, http.Header, string) {
		t.Helper()
		hr, _ := http.NewRequest(rq.method, e.ts.URL+rq.path, strings.NewReader(rq.body))
		if rq.ctype != "" {
			hr.Header.Set("Content-Type", rq.ctype)
		}
		if rq.cookie != "" {
			hr.AddCookie(&http.Cookie{Name: "journey_session", Value: rq.cookie})
		}
		return doRequest(t, hr)
	}

	o.Cut()
	for _, rq := range reqs {
		t.Run("down/"+rq.name, func(t *testing.T) {
			st, h, body := send(t, rq)
			if st != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q, want 503 with Retry-After\n%s", st, h.Get("Retry-After"), trim(body))
			}
			if rq.cookie != "" && sessionCookie(h) != "" {
				t.Errorf("the session cookie was changed: %v", h.Values("Set-Cookie"))
			}
			for _, s := range rq.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q\n%s", s, trim(body))
				}
			}
			for _, s := range rq.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
		})
	}
	o.Restore()
	for _, rq := range reqs {
		t.Run("up/"+rq.name, func(t *testing.T) {
			if st, _, body := send(t, rq); st >= 400 {
				t.Fatalf("status %d after the database came back\n%s", st, trim(body))
			}
		})
	}
}

// doRequest sends hr without following redirects and returns status,
// headers and body.
func doRequest(t *testing.T, hr *http.Request) (int, http.Header, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
