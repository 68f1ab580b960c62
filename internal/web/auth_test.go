package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

const testPassword = "violet-harbor-lantern-92"

// fastHasher keeps tests quick; production parameters are tested in auth.
var fastHasher = auth.NewHasher(2, nil)

// addUser creates an active user with the test password.
func (e *env) addUser(kind, email string, roles ...string) *journey.User {
	e.t.Helper()
	hash, err := fastHasher.Hash(context.Background(), testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &journey.User{Kind: kind, Name: "User " + email, Email: email, Roles: roles, Active: true}
	if err := e.db.CreateUser(context.Background(), u, hash); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// session starts a session for u directly in the store; verified says
// whether the second factor is done. It returns the cookie value.
func (e *env) session(u *journey.User, verified bool) string {
	e.t.Helper()
	s := &journey.Session{UserID: u.ID, Idle: journey.DefaultStaffIdle}
	if verified {
		s.SecondFactorAt = *e.now
	}
	if err := e.db.CreateSession(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
	return s.Token
}

// as sends a request with the session cookie and returns status, headers, body.
func (e *env) as(cookie, method, path string, form url.Values) (int, http.Header, string) {
	e.t.Helper()
	var body string
	if form != nil {
		body = form.Encode()
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "journey_session", Value: cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = fmt.Fprint(b, readAll(resp))
	return resp.StatusCode, resp.Header, b.String()
}

func readAll(resp *http.Response) string {
	buf := new(strings.Builder)
	p := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(p)
		buf.Write(p[:n])
		if err != nil {
			return buf.String()
		}
	}
}

// sessionCookie returns the session cookie a response set, "" if none.
func sessionCookie(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "journey_session" {
			return c.Value
		}
	}
	return ""
}

// Every route, every role: a route's declared permission decides, through
// the one policy table. A new route without a permission, or with the
// wrong one, fails here.
func TestRouteRoleMatrix(t *testing.T) {
	e := newEnv(t)
	c, err := e.db.CreateConsult(context.Background(), &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada",
		Email: "ada@example.com", ContactMethod: "email", TimeZone: "UTC", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[string]*journey.Actor{"anonymous": nil}
	cookies := map[string]string{"anonymous": ""}
	for _, role := range append(journey.StaffRoles, journey.RoleClient) {
		kind := journey.UserStaff
		if role == journey.RoleClient {
			kind = journey.UserClient
		}
		u := e.addUser(kind, role+"@practice.test", role)
		actors[role] = &journey.Actor{User: u, Verified: true}
		cookies[role] = e.session(u, true)
	}
	pending := e.addUser(journey.UserStaff, "pending@practice.test", journey.RoleAdmin)
	actors["admin, second factor pending"] = &journey.Actor{User: pending}
	cookies["admin, second factor pending"] = e.session(pending, false)

	fill := strings.NewReplacer("{id}", fmt.Sprint(c.ID), "{token}", c.ManageToken, "{hash}/{name}", strings.TrimPrefix(assetURL("app.css"), "/static/"))
	for _, rt := range e.srv.routeTable() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.TrimSuffix(fill.Replace(path), "{$}")
		for name, a := range actors {
			allowed := a.Can(rt.perm)
			var form url.Values
			if method == "POST" {
				form = url.Values{}
			}
			st, h, _ := e.as(cookies[name], method, path, form)
			loc := h.Get("Location")
			api := strings.HasPrefix(path, "/api/")
			denied := st == 403 || (api && st == 401) || strings.HasPrefix(loc, "/login?next=") || (loc == "/login/2fa" && rt.perm != permSecondFactor)
			if allowed == denied {
				t.Errorf("%s as %s: status %d (Location %q); allowed by policy: %v", rt.pattern, name, st, loc, allowed)
			}
		}
		// Logging out ends the sessions; start fresh ones for the next route.
		if rt.pattern == "POST /logout" {
			for name, a := range actors {
				if a != nil {
					cookies[name] = e.session(a.User, a.Verified)
				}
			}
		}
	}
}

func TestSignInWithSecondFactor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Nora, the NY therapist, gets a password; the LA therapist has a consult too.
	hash, _ := fastHasher.Hash(ctx, testPassword)
	if err := e.db.SetPassword(ctx, e.ny.ID, hash, 0); err != nil {
		t.Fatal(err)
	}
	mine, _ := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Mine Visitor",
		Email: "mine@example.com", ContactMethod: "email", TimeZone: "UTC", Reason: "grief", PrivacyConsent: true})
	theirs, _ := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY.Add(4*time.Hour + 20*time.Minute), TherapistID: e.la.ID,
		Name: "Their Visitor", Email: "theirs@example.com", ContactMethod: "email", TimeZone: "UTC", PrivacyConsent: true})
	if mine == nil || theirs == nil {
		t.Fatal("fixture consults")
	}

	st, _, body := e.as("", "POST", "/login", url.Values{"email": {"nora@practice.test"}, "password": {"wrong-password-here"}})
	if st != 401 || !strings.Contains(body, "do not match") || !strings.Contains(body, `value="nora@practice.test"`) {
		t.Fatalf("wrong password: %d", st)
	}
	st, h, _ := e.as("", "POST", "/login", url.Values{"email": {"NORA@practice.test"}, "password": {testPassword}})
	pending := sessionCookie(h)
	if st != 303 || h.Get("Location") != "/account/2fa" || pending == "" {
		t.Fatalf("sign in: %d %q", st, h.Get("Location"))
	}
	// Staff pages wait for the second factor.
	if st, h, _ := e.as(pending, "GET", "/staff/consults", nil); st != 303 || h.Get("Location") != "/login/2fa" {
		t.Fatalf("before the second factor: %d %q", st, h.Get("Location"))
	}
	st, _, body = e.as(pending, "GET", "/account/2fa", nil)
	m := regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("enrol page: %d", st)
	}
	secret := m[1]
	if st, _, _ := e.as(pending, "POST", "/account/2fa", url.Values{"code": {"000000"}}); st != 422 {
		t.Fatalf("wrong enrol code: %d", st)
	}
	code, _ := totp.GenerateCode(secret, *e.now)
	st, h, body = e.as(pending, "POST", "/account/2fa", url.Values{"code": {code}})
	verified := sessionCookie(h)
	codes := regexp.MustCompile(`<code>([a-z2-9]{5}-[a-z2-9]{5})</code>`).FindAllStringSubmatch(strings.ToLower(body), -1)
	if st != 200 || verified == "" || verified == pending || len(codes) != 10 {
		t.Fatalf("enrol: %d, rotated %v, %d codes", st, verified != pending, len(codes))
	}
	// The pre-verification session id no longer works: no fixation.
	if st, _, _ := e.as(pending, "GET", "/staff/consults", nil); st != 303 {
		t.Fatalf("old session id still works: %d", st)
	}
	st, _, body = e.as(verified, "GET", "/staff/consults", nil)
	if st != 200 || !strings.Contains(body, "Mine Visitor") || strings.Contains(body, "Their Visitor") {
		t.Fatalf("a therapist sees only their consults: %d", st)
	}
	if st, _, body := e.as(verified, "GET", fmt.Sprintf("/staff/consults/%d", mine.ID), nil); st != 200 || !strings.Contains(body, "grief") {
		t.Fatalf("own consult: %d", st)
	}
	if st, _, _ := e.as(verified, "GET", fmt.Sprintf("/staff/consults/%d", theirs.ID), nil); st != 404 {
		t.Fatalf("another therapist's consult: %d", st)
	}

	// Sign out, sign in again: the same TOTP code is refused (replay), the next one works.
	e.as(verified, "POST", "/logout", url.Values{})
	if st, _, _ := e.as(verified, "GET", "/staff/consults", nil); st != 303 {
		t.Fatal("session survived sign-out")
	}
	_, h, _ = e.as("", "POST", "/login", url.Values{"email": {"nora@practice.test"}, "password": {testPassword}})
	pending = sessionCookie(h)
	if h.Get("Location") != "/login/2fa?next=%2Fstaff" {
		t.Fatalf("second sign-in goes to %q", h.Get("Location"))
	}
	if st, _, _ := e.as(pending, "POST", "/login/2fa", url.Values{"code": {code}}); st != 401 {
		t.Fatalf("replayed code: %d", st)
	}
	*e.now = e.now.Add(30 * time.Second)
	next, _ := totp.GenerateCode(secret, *e.now)
	if st, h, _ := e.as(pending, "POST", "/login/2fa", url.Values{"code": {next}}); st != 303 || h.Get("Location") != "/staff" {
		t.Fatalf("next code: %d %q", st, h.Get("Location"))
	}
	// A recovery code works once.
	_, h, _ = e.as("", "POST", "/login", url.Values{"email": {"nora@practice.test"}, "password": {testPassword}})
	pending = sessionCookie(h)
	if st, _, _ := e.as(pending, "POST", "/login/2fa", url.Values{"code": {strings.ToUpper(codes[0][1])}}); st != 303 {
		t.Fatalf("recovery code: %d", st)
	}
	_, h, _ = e.as("", "POST", "/login", url.Values{"email": {"nora@practice.test"}, "password": {testPassword}})
	pending = sessionCookie(h)
	if st, _, _ := e.as(pending, "POST", "/login/2fa", url.Values{"code": {codes[0][1]}}); st != 401 {
		t.Fatalf("reused recovery code: %d", st)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	cookie := e.session(u, true)
	if st, _, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("fresh session: %d", st)
	}
	*e.now = e.now.Add(14 * time.Minute)
	if st, _, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("14 minutes idle: %d", st)
	}
	*e.now = e.now.Add(16 * time.Minute)
	if st, h, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("16 minutes idle: %d", st)
	}
}

// After five failures the account and the address wait, with the same
// answer whether or not the account exists.
func TestSignInThrottle(t *testing.T) {
	e := newEnv(t)
	e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	for _, email := range []string{"desk@practice.test", "nobody@practice.test"} {
		for i := range 5 {
			if st, _, _ := e.as("", "POST", "/login", url.Values{"email": {email}, "password": {"not-the-password"}}); st != 401 {
				t.Fatalf("%s failure %d: %d", email, i+1, st)
			}
		}
		st, h, body := e.as("", "POST", "/login", url.Values{"email": {email}, "password": {testPassword}})
		if st != 429 || h.Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
			t.Fatalf("%s after 5 failures: %d", email, st)
		}
		*e.now = e.now.Add(61 * time.Minute) // past the failure window
	}
	if st, _, _ := e.as("", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {testPassword}}); st != 303 {
		t.Fatalf("after the wait: %d", st)
	}
}
