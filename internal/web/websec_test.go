package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	apiv1 "github.com/journey-kap/journey/internal/web/api"
)

// lockedBuffer is a log sink the server's goroutines and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The request log and the token.use audit entry name the matched route
// for signed-in requests too (authenticate copies the request, so the
// pattern the ServeMux sets later never reached them).
func TestRouteInRequestLogAndTokenAudit(t *testing.T) {
	var logs lockedBuffer
	e := newEnv(t, func(c *Config) {
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	desk := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	if st, _, _ := e.as(e.session(desk, true), "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("consults: %d", st)
	}
	token, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	if _, err := e.db.CreateAPIToken(ctx, desk.ID, "t", hash, e.now.Add(journey.SessionLifetime)); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("api: %v %v", err, resp)
	}
	resp.Body.Close()
	for _, want := range []string{`route="GET /staff/consults" status=200`, `route="GET /api/v1/me" status=200`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("request log lacks %s:\n%s", want, logs.String())
		}
	}
	if err := e.db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: "token.use"})
	if err != nil || len(es) != 1 || es[0].Detail != "GET /api/v1/me" {
		t.Fatalf("token.use entries: %+v %v", es, err)
	}
}

// nextIsLocal is the property every accepted sign-in next must have: a
// path on this site, read so by URL parsers, with nothing a browser or a
// proxy would turn into another host.
func nextIsLocal(t *testing.T, in, got string) {
	t.Helper()
	u, err := url.Parse(got)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		t.Fatalf("safeNext(%q) = %q: parses as %+v (%v)", in, got, u, err)
	}
	if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, `/\`) {
		t.Fatalf("safeNext(%q) = %q: not a single-slash path", in, got)
	}
	if strings.ContainsFunc(got, func(r rune) bool { return unicode.IsControl(r) || r == '\\' }) {
		t.Fatalf("safeNext(%q) = %q: holds a control character or backslash", in, got)
	}
}

func TestSafeNext(t *testing.T) {
	for _, p := range []string{"/staff", "/staff/consults/12", "/portal/intake/about?x=1&y=%2F", "/admin/audit?action=signin#top", "/a%20b"} {
		if got := safeNext(p); got != p {
			t.Errorf("safeNext(%q) = %q, want it kept", p, got)
		}
	}
	for _, p := range []string{"", "staff", "//evil.test", `/\evil.test`, "/\t/evil.test", "/\n/evil.test", "/%09/evil.test",
		"/%2F/evil.test", "/%2f%2fevil.test", "/%5Cevil.test", "/%255C/evil.test", "/a\\b", "/a\x00b", "/a\x7fb", "/a\u0085b",
		"https://evil.test/", "javascript:alert(1)", "/x\r\nLocation: https://evil.test", " /staff", "/staff ", "/%E2%80%AE/x",
		"/" + strings.Repeat("a", 2000), "/%zz", "\\\\evil.test"} {
		if got := safeNext(p); got != "" {
			t.Errorf("safeNext(%q) = %q, want it refused", p, got)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, seed := range []string{"/staff", "/portal/intake/about?x=1", "//evil.test", `/\evil.test`, "/\t/evil.test", "/%09/evil.test",
		"/%2F%2Fevil.test", "/%252F/evil.test", "https://evil.test", "/a\u202eb", "/%00", "/?next=//evil", "/#//evil"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if got := safeNext(p); got != "" {
			nextIsLocal(t, p, got)
		}
	})
}

// A sign-in next of "/\t/host" is refused: the staff member lands on their
// home, not on another host.
func TestSignInNextStaysOnSite(t *testing.T) {
	e := newEnv(t)
	st, _, body := e.as("", "GET", "/login?next="+url.QueryEscape("/\t/evil.test"), nil)
	if st != 200 || !strings.Contains(body, `name="next" value=""`) {
		t.Fatalf("login page keeps a bad next: %d", st)
	}
	e.addUser(journey.UserClient, "client@example.com", journey.RoleClient)
	st, h, _ := e.as("", "POST", "/login", url.Values{"email": {"client@example.com"}, "password": {testPassword}, "next": {"/portal\t/evil.test"}})
	if st != 303 || h.Get("Location") != "/portal" {
		t.Fatalf("client sign-in with a bad next: %d %q", st, h.Get("Location"))
	}
	e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	st, h, _ = e.as("", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {testPassword}, "next": {"/%09/evil.test"}})
	if st != 303 || h.Get("Location") != "/account/2fa" {
		t.Fatalf("staff sign-in: %d %q", st, h.Get("Location"))
	}
}

// Every response that may echo what a person typed, or show a signed-in
// person's page, is never stored by a browser or a proxy.
func TestNoStoreOnEchoesAndSignedInPages(t *testing.T) {
	e := newEnv(t)
	_, clientCookie := e.portalClient("Kim Client", "kim@example.test", nil)
	desk := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	deskCookie := e.session(desk, true)
	badBooking := validForm(e)
	badBooking.Set("email", "ada@")
	badBooking.Set("reason", "my private reason")
	cases := []struct {
		name, cookie, method, path string
		form                       url.Values
		status                     int
	}{
		{"booking with errors", "", "POST", "/book", nil, 422},
		{"reset request", "", "POST", "/reset", url.Values{"email": {"someone@example.test"}}, 200},
		{"wrong password", "", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {"not-the-password"}}, 401},
		{"intake with errors", clientCookie, "POST", "/portal/intake/about", url.Values{"legal_name": {"Kim"}, "phone": {"not a phone"}}, 422},
		{"portal page", clientCookie, "GET", "/portal", nil, 200},
		{"staff page", deskCookie, "GET", "/staff", nil, 200},
		{"login page with a next", "", "GET", "/login?next=%2Fstaff", nil, 200},
	}
	for _, c := range cases {
		var st int
		var h http.Header
		var body string
		if c.name == "booking with errors" {
			st, h, body = e.do("POST", "/book", "application/x-www-form-urlencoded", e.form(badBooking))
			if !strings.Contains(body, "my private reason") {
				t.Errorf("%s: the typed reason is not shown again", c.name)
			}
		} else {
			st, h, _ = e.as(c.cookie, c.method, c.path, c.form)
		}
		if st != c.status || !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: %d, Cache-Control %q", c.name, st, h.Get("Cache-Control"))
		}
	}
	// Static files stay cacheable, even fetched by a signed-in browser.
	if _, h, _ := e.as(deskCookie, "GET", assetURL("app.css"), nil); !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("static file: Cache-Control %q", h.Get("Cache-Control"))
	}
}

// Break-glass opens a record a role could see with a reason, never one
// its role may not see at all: every role, against a consult and a client
// outside its own list, through the real routes.
func TestBreakGlassRoleMatrix(t *testing.T) {
	e := newEnv(t)
	consult := e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Their Visitor", "")
	client, _ := e.portalClient("Kim Client", "kim@example.test", nil) // on the NY therapist's care team
	reason := url.Values{"reason": {"Covering today, the client called in distress"}}
	cookies := map[string]string{"anonymous": ""}
	for _, role := range append(journey.StaffRoles, journey.RoleClient) {
		kind := journey.UserStaff
		if role == journey.RoleClient {
			kind = journey.UserClient
		}
		cookies[role] = e.session(e.addUser(kind, role+"@practice.test", role), true)
	}
	// Each role's answer: the consult page, breaking the glass on it, and the same for the client.
	const login = 303
	want := map[string][4]int{
		"anonymous":                 {login, login, login, login},
		journey.RoleAdmin:           {200, 404, 200, 403},
		journey.RoleFrontDesk:       {200, 404, 200, 403},
		journey.RoleTherapist:       {200, 200, 200, 200},
		journey.RoleMedicalProvider: {403, 403, 200, 200},
		journey.RoleChaperone:       {403, 403, 403, 403},
		journey.RoleClient:          {403, 403, 403, 403},
	}
	cpath, clpath := fmt.Sprintf("/staff/consults/%d", consult.ID), fmt.Sprintf("/staff/clients/%d", client.ID)
	for role, w := range want {
		got := [4]int{}
		var bodies [4]string
		got[0], _, bodies[0] = e.as(cookies[role], "GET", cpath, nil)
		got[1], _, bodies[1] = e.as(cookies[role], "POST", cpath+"/break-glass", reason)
		got[2], _, bodies[2] = e.as(cookies[role], "GET", clpath, nil)
		got[3], _, bodies[3] = e.as(cookies[role], "POST", clpath+"/break-glass", reason)
		if got != w {
			t.Errorf("%s: consult view, consult break-glass, client view, client break-glass = %v, want %v", role, got, w)
		}
		if role != journey.RoleTherapist && role != journey.RoleAdmin && role != journey.RoleFrontDesk && strings.Contains(bodies[0]+bodies[1], "Their Visitor") {
			t.Errorf("%s sees the consult", role)
		}
	}
}

var staticURL = regexp.MustCompile(`/static/[0-9a-f]+/`)

// swapCrisisLines replaces the crisis lines for one test with values no
// page could hold by accident, so a number written anywhere but
// journey.Crisis shows up as a mismatch.
func swapCrisisLines(t *testing.T) journey.CrisisLines {
	t.Helper()
	old := journey.Crisis
	journey.Crisis = journey.CrisisLines{
		Lifeline:  journey.CrisisLine{Name: "Test Lifeline", How: "call or text", Number: "5550199"},
		Emergency: journey.CrisisLine{Name: "Test Emergency", How: "call", Number: "5550112"},
		TextLine:  journey.CrisisLine{Name: "Test Text Line", How: "text", Number: "5557417", Word: "HELLO"},
	}
	t.Cleanup(func() { journey.Crisis = old })
	return journey.Crisis
}

// Every page and API answer that names a crisis line reads it from
// journey.Crisis: the footer of every page, the portal's support page and
// the API's answer after a safety flag.
func TestCrisisLinesFromOneSource(t *testing.T) {
	cl := swapCrisisLines(t)
	e := newEnv(t)
	_, cookie := e.portalClient("Kim Client", "kim@example.test", nil)
	_, _, home := e.as("", "GET", "/", nil)
	_, _, support := e.as(cookie, "GET", "/portal/support", nil)
	api, _ := json.Marshal(apiv1.ToResponse(&journey.Response{Score: journey.Score{Flags: []string{journey.SafetyFlags[0]}}}))
	for name, body := range map[string]string{"footer": home, "support page": support, "API": string(api)} {
		// A content-hashed asset URL may hold any digits (/static/0e6bb3988132/app.css).
		body = staticURL.ReplaceAllString(body, "/static/")
		for _, old := range []string{"988", "911", "741741"} {
			// As a number of its own: a content-hashed asset URL may hold
			// the same digits inside its hex.
			if regexp.MustCompile(`\b` + old + `\b`).MatchString(body) {
				t.Errorf("%s still names %s", name, old)
			}
		}
		if !strings.Contains(body, cl.Lifeline.Number) || !strings.Contains(body, cl.Emergency.Number) {
			t.Errorf("%s lacks the crisis lines:\n%s", name, trim(body))
		}
	}
	for _, want := range []string{`href="tel:5550199"`, `href="tel:5550112"`, `href="sms:5557417"`, "HELLO", "Test Lifeline"} {
		if !strings.Contains(support, want) {
			t.Errorf("support page lacks %s", want)
		}
	}
}

// A name typed with a right-to-left override is stored and shown without
// it, and every list of people isolates each name (<bdi>), so no name can
// reorder the text around it.
func TestNamesWithBidiOverrides(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const rlo = "\u202e"
	c, _ := sqldbtest.Client(t, e.db, e.ny.ID, "Eve "+rlo+"ecalevoL", "eve@example.test", sqldbtest.Intake("Eve "+rlo+"ecalevoL", *e.now))
	if _, _, err := e.db.CreateResponse(ctx, c.ID, journey.QuestionnaireCSSRS, []int{1, 1, 0, 1, 0, 0}, c.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Bo " + rlo + "rotisiV",
		Email: "bo@example.test", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", Reason: "why\u2066 not", PrivacyConsent: true}); err != nil {
		t.Fatal(err)
	}
	if journey.ValidEmail("bo" + rlo + "@example.test") {
		t.Error("an email address with an override is valid")
	}
	hash, _ := fastHasher.Hash(ctx, testPassword)
	admin := &journey.User{Kind: journey.UserStaff, Name: "Ann " + rlo + "nimdA", Email: "ann@practice.test", Roles: []string{journey.RoleAdmin}, Active: true}
	if err := e.db.CreateUser(ctx, admin, hash); err != nil {
		t.Fatal(err)
	}
	stored, err := e.db.FindClientByID(ctx, c.ID)
	if err != nil || stored.Name != "Eve ecalevoL" {
		t.Fatalf("stored client name %q %v", stored.Name, err)
	}
	if u, _ := e.db.FindUserByID(ctx, admin.ID); u.Name != "Ann nimdA" {
		t.Fatalf("stored user name %q", u.Name)
	}
	cs, _, _ := e.db.FindConsults(ctx, journey.ConsultFilter{})
	if len(cs) != 1 || cs[0].Name != "Bo rotisiV" || cs[0].Reason != "why not" {
		t.Fatalf("stored consult %+v", cs)
	}
	nora, adminCookie := e.session(staffUser(e.ny), true), e.session(admin, true)
	_, mpCookie := e.staffCookie(journey.RoleMedicalProvider)
	e.as(adminCookie, "GET", "/admin/staff", nil) // an audit entry by the admin, for the audit list
	e.db.FlushAudit(ctx)
	for _, l := range []struct{ name, cookie, path, want string }{
		{"client list", nora, "/staff/clients", "<bdi>Eve ecalevoL</bdi>"},
		{"consult list", nora, "/staff/consults", "<bdi>Bo rotisiV</bdi>"},
		{"review queue", mpCookie, "/staff/review", "<bdi>Eve ecalevoL</bdi>"},
		{"alerts", nora, "/staff/alerts", "<bdi>Eve ecalevoL</bdi>"},
		{"staff home alerts", nora, "/staff", "<bdi>Eve ecalevoL</bdi>"},
		{"staff list", adminCookie, "/admin/staff", "<bdi>Ann nimdA</bdi>"},
		{"audit", adminCookie, "/admin/audit", "<bdi>Ann nimdA</bdi>"},
		{"chart heading", nora, fmt.Sprintf("/staff/clients/%d", c.ID), "<bdi>Eve ecalevoL</bdi>"},
	} {
		st, _, body := e.as(l.cookie, "GET", l.path, nil)
		if st != 200 || !strings.Contains(body, l.want) || strings.Contains(body, rlo) {
			t.Errorf("%s: %d, isolated name %v, override shown %v", l.name, st, strings.Contains(body, l.want), strings.Contains(body, rlo))
		}
	}
}

// requestReset asks for a reset link for addr and returns the link the
// newest email to addr carries (with no queue wired in, the request is
// worked at once).
func (e *env) requestReset(addr string) string {
	e.t.Helper()
	if st, _, _ := e.as("", "POST", "/reset", url.Values{"email": {addr}}); st != 200 {
		e.t.Fatalf("reset request: %d", st)
	}
	return regexp.MustCompile(`/reset/jy_rst_[A-Za-z0-9_-]+`).FindString(e.latestMail(addr))
}

// A password reset ends the person's sessions and API tokens and says so;
// a new link voids the earlier ones, and using one voids the rest.
func TestPasswordResetEndsSessionsTokensAndOtherLinks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(journey.UserStaff, "theo@practice.test", journey.RoleTherapist)
	cookie := e.session(u, true)
	_, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	if _, err := e.db.CreateAPIToken(ctx, u.ID, "scripts", hash, e.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	first := e.requestReset("theo@practice.test")
	second := e.requestReset("theo@practice.test")
	if first == "" || first == second {
		t.Fatalf("links %q %q", first, second)
	}
	if st, _, _ := e.as("", "GET", first, nil); st != 409 {
		t.Fatalf("the first link after a second was sent: %d", st)
	}
	third := e.requestReset("theo@practice.test")
	const pw = "copper-kettle-morning-fog"
	// The third link voided the second; the third works.
	if st, _, _ := e.as("", "POST", second, url.Values{"password": {pw}, "password_again": {pw}}); st != 409 {
		t.Fatalf("second link: %d", st)
	}
	st, h, _ := e.as("", "POST", third, url.Values{"password": {pw}, "password_again": {pw}})
	if st != 303 {
		t.Fatalf("reset: %d", st)
	}
	st, _, body := e.as("", "GET", h.Get("Location"), nil)
	if st != 200 || !strings.Contains(body, "signed out everywhere") || !strings.Contains(body, "API tokens") {
		t.Fatalf("confirmation %q: %d\n%s", h.Get("Location"), st, trim(body))
	}
	if st, _, _ := e.as(cookie, "GET", "/account/sessions", nil); st != 303 {
		t.Fatalf("a session survived the reset: %d", st)
	}
	if _, _, err := e.db.FindAPIToken(ctx, hash); err == nil {
		t.Fatal("an API token survived the reset")
	}
	// Using a link voided any other still open.
	fourth := e.requestReset("theo@practice.test")
	fifth := e.requestReset("theo@practice.test")
	if st, _, _ := e.as("", "POST", fifth, url.Values{"password": {pw + "-2"}, "password_again": {pw + "-2"}}); st != 303 {
		t.Fatalf("fifth: %d", st)
	}
	if st, _, _ := e.as("", "GET", fourth, nil); st != 409 {
		t.Fatalf("an older link after a reset: %d", st)
	}
}
