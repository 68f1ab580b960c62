package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
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
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// book creates a consult with therapist t at start for a visitor called name.
func (e *env) book(t *journey.Therapist, start time.Time, name, reason string) *journey.Consult {
	e.t.Helper()
	c, err := e.db.CreateConsult(context.Background(), &journey.BookingRequest{Start: start, TherapistID: t.ID, Name: name,
		Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC",
		Reason: reason, PrivacyConsent: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// staffUser returns the user behind a seeded therapist.
func staffUser(t *journey.Therapist) *journey.User {
	return &journey.User{ID: t.ID, Kind: journey.UserStaff, Roles: []string{journey.RoleTherapist}, Active: true}
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
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true})
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
			denied := st == 403 || (st == 401 && (strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/portal/"))) || strings.HasPrefix(loc, "/login?next=") || (loc == "/login/2fa" && rt.perm != permSecondFactor)
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
	mine := e.book(e.ny, mondayNY, "Mine Visitor", "grief")
	theirs := e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Their Visitor", "")

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
	if st, _, body := e.as(verified, "GET", fmt.Sprintf("/staff/consults/%d", theirs.ID), nil); st != 200 || !strings.Contains(body, "not on your list") || strings.Contains(body, "Their Visitor") {
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
	sqldbtest.SetTime(e.now, e.now.Add(30*time.Second))
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
	// Wrong codes, then the second step waits; the refusal is audited as
	// the password step's is (the metrics count throttles from it).
	for range 4 {
		e.as(pending, "POST", "/login/2fa", url.Values{"code": {"000000"}})
	}
	if st, _, body := e.as(pending, "POST", "/login/2fa", url.Values{"code": {"000000"}}); st != 429 || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("after 5 wrong codes: %d", st)
	}
	if err := e.db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: "signin.second_factor"})
	throttled := 0
	for _, en := range es {
		if en.Outcome == journey.AuditDenied && en.Detail == "throttled" && en.SubjectID == fmt.Sprint(e.ny.ID) {
			throttled++
		}
	}
	if err != nil || throttled != 1 {
		t.Fatalf("second-step throttles audited: %d, %v; want 1", throttled, err)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	cookie := e.session(u, true)
	if st, _, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("fresh session: %d", st)
	}
	sqldbtest.SetTime(e.now, e.now.Add(14*time.Minute))
	if st, _, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("14 minutes idle: %d", st)
	}
	sqldbtest.SetTime(e.now, e.now.Add(16*time.Minute))
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
		sqldbtest.SetTime(e.now, e.now.Add(61*time.Minute)) // past the failure window
	}
	if st, _, _ := e.as("", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {testPassword}}); st != 303 {
		t.Fatalf("after the wait: %d", st)
	}
}

// Sign-ins, denials and reads of PHI land in the audit trail, and admins
// can search it and export it.
func TestAuditTrailRecordsAccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.addUser(journey.UserStaff, "admin@practice.test", journey.RoleAdmin)
	desk := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	adminCookie, deskCookie := e.session(admin, true), e.session(desk, true)
	theirs, err := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada",
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	e.as("", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {"wrong-wrong-wrong"}})
	e.as(deskCookie, "GET", fmt.Sprintf("/staff/consults/%d", theirs.ID), nil)
	nora := staffUser(e.ny)
	if st, _, _ := e.as(e.session(nora, true), "GET", fmt.Sprintf("/staff/consults/%d", theirs.ID+1000), nil); st != 404 {
		t.Fatalf("missing consult: %d", st)
	}
	e.as(deskCookie, "GET", "/admin/audit", nil) // denied: front desk
	if err := e.db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := e.db.FindAudit(ctx, journey.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, en := range entries {
		found[fmt.Sprintf("%d %s %s %s", en.ActorID, en.Action, en.SubjectID, en.Outcome)] = true
	}
	for _, w := range []string{
		fmt.Sprintf("0 signin.failure %d failure", desk.ID),
		fmt.Sprintf("%d consult.read %d success", desk.ID, theirs.ID),
		fmt.Sprintf("%d access.denied  denied", desk.ID),
	} {
		if !found[w] {
			t.Errorf("no audit entry %q in %v", w, found)
		}
	}
	st, _, body := e.as(adminCookie, "GET", "/admin/audit?action=signin&person=desk%40practice.test", nil)
	if st != 200 || !strings.Contains(body, "No entries match") {
		// the failure was anonymous: filtering by the desk as actor finds none
		t.Fatalf("audit filter by person: %d", st)
	}
	st, _, body = e.as(adminCookie, "GET", "/admin/audit?action=consult.read", nil)
	if st != 200 || !strings.Contains(body, "consult.read") || !strings.Contains(body, "desk@practice.test") {
		t.Fatalf("audit screen: %d", st)
	}
	if st, _, body := e.as(adminCookie, "GET", "/admin/audit?from=yesterday", nil); st != 422 || !strings.Contains(body, "YYYY-MM-DD") {
		t.Fatalf("bad date: %d", st)
	}
	st, h, body := e.as(adminCookie, "GET", "/admin/audit.csv?action=consult", nil)
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "seq,time,actor_id") ||
		!strings.Contains(body, fmt.Sprintf(",consult.read,consult,%d,", theirs.ID)) {
		t.Fatalf("csv: %d\n%s", st, body)
	}
}

// The staff API answers Bearer tokens only: 401 without, scoped data with.
func TestStaffAPIWithTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mine := e.book(e.ny, mondayNY, "Mine", "grief")
	theirs := e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Theirs", "")
	nora := staffUser(e.ny)
	cookie := e.session(nora, true)
	// Create a token through the page; it is shown once.
	st, _, body := e.as(cookie, "POST", "/account/tokens", url.Values{"name": {"scripts"}, "expires": {"24h"}})
	m := regexp.MustCompile(`<code class="secret">(jy_pat_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("create token: %d", st)
	}
	token := m[1]
	if st, _, body := e.as(cookie, "POST", "/account/tokens", url.Values{"name": {""}, "expires": {"forever"}}); st != 422 || !strings.Contains(body, "Name the token") {
		t.Fatalf("bad token form: %d", st)
	}
	call := func(tok, path string) (int, string) {
		req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := call("", "/api/v1/me"); st != 401 || !strings.Contains(body, `"status":401`) {
		t.Fatalf("no token: %d %s", st, body)
	}
	if st, _ := call("jy_pat_nonsense", "/api/v1/me"); st != 401 {
		t.Fatalf("bad token: %d", st)
	}
	if st, body := call(token, "/api/v1/me"); st != 200 || !strings.Contains(body, `"roles":["therapist"]`) || !strings.Contains(body, `"email":"nora@practice.test"`) {
		t.Fatalf("me: %d %s", st, body)
	}
	if st, body := call(token, "/api/v1/consults?from=2030-01-01"); st != 200 || !strings.Contains(body, `"name":"Mine"`) || strings.Contains(body, "Theirs") || !strings.Contains(body, `"reason":"grief"`) {
		t.Fatalf("consults: %d %s", st, body)
	}
	if st, _ := call(token, fmt.Sprintf("/api/v1/consults/%d", theirs.ID)); st != 404 {
		t.Fatalf("another therapist's consult: %d", st)
	}
	if st, _ := call(token, fmt.Sprintf("/api/v1/consults/%d", mine.ID)); st != 200 {
		t.Fatalf("own consult: %d", st)
	}
	if st, _ := call(token, "/api/v1/staff"); st != 403 {
		t.Fatalf("a therapist lists staff: %d", st)
	}
	if st, body := call(token, "/api/v1/consults?limit=9999"); st != 422 || !strings.Contains(body, `"field":"limit"`) {
		t.Fatalf("bad limit: %d", st)
	}
	// Revoked: refused at once.
	toks, _ := e.db.FindAPITokens(ctx, nora.ID)
	if st, _, _ := e.as(cookie, "POST", fmt.Sprintf("/account/tokens/%d/revoke", toks[0].ID), url.Values{}); st != 303 {
		t.Fatalf("revoke: %d", st)
	}
	if st, _ := call(token, "/api/v1/me"); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
	// An expired token too.
	_, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	e.db.CreateAPIToken(ctx, nora.ID, "old", hash, e.now.Add(-time.Minute))
	if _, userID, err := e.db.FindAPIToken(ctx, hash); err == nil || userID != 0 {
		t.Fatal("expired token accepted")
	}
}

// Over TLS the session cookie is __Host- prefixed and Secure, and every
// response carries HSTS.
func TestSecureCookiesAndHSTS(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SecureCookies = true })
	e.addUser(journey.UserClient, "client@example.com", journey.RoleClient)
	st, h, _ := e.as("", "POST", "/login", url.Values{"email": {"client@example.com"}, "password": {testPassword}})
	cookie := h.Get("Set-Cookie")
	if st != 303 || !strings.HasPrefix(cookie, "__Host-journey=") || !strings.Contains(cookie, "Secure") ||
		!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || !strings.Contains(cookie, "Path=/") {
		t.Fatalf("cookie: %d %q", st, cookie)
	}
	if !strings.Contains(h.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatal("no HSTS")
	}
}

// Deactivating a staff member ends their sessions and tokens at once; a
// person can see and end their own other sessions.
func TestDeactivateAndSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.addUser(journey.UserStaff, "admin@practice.test", journey.RoleAdmin)
	desk := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	adminCookie := e.session(admin, true)
	deskA, deskB := e.session(desk, true), e.session(desk, true)
	_, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	if _, err := e.db.CreateAPIToken(ctx, desk.ID, "t", hash, e.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A third device, named in words, never by its raw User-Agent.
	firefox := &journey.Session{UserID: desk.ID, Idle: journey.DefaultStaffIdle, SecondFactorAt: *e.now,
		UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0"}
	if err := e.db.CreateSession(ctx, firefox); err != nil {
		t.Fatal(err)
	}
	st, _, body := e.as(deskA, "GET", "/account/sessions", nil)
	if st != 200 || strings.Count(body, "/end\"") != 3 || !strings.Contains(body, "this device") || !strings.Contains(body, "Firefox on a Mac") ||
		strings.Contains(body, "Gecko/") || strings.Contains(body, ">Sessions<") {
		t.Fatalf("devices page: %d\n%s", st, body)
	}
	ss, _ := e.db.FindUserSessions(ctx, desk.ID)
	var other int64
	for _, s := range ss {
		if sessionMatches(e, deskB, s.ID) {
			other = s.ID
		}
	}
	if st, _, _ := e.as(deskA, "POST", fmt.Sprintf("/account/sessions/%d/end", other), url.Values{}); st != 303 {
		t.Fatalf("end other session: %d", st)
	}
	if st, _, _ := e.as(deskB, "GET", "/staff/consults", nil); st != 303 {
		t.Fatalf("ended session still works: %d", st)
	}
	// Someone else's session cannot be ended from here.
	adminSessions, _ := e.db.FindUserSessions(ctx, admin.ID)
	if st, _, _ := e.as(deskA, "POST", fmt.Sprintf("/account/sessions/%d/end", adminSessions[0].ID), url.Values{}); st != 404 {
		t.Fatalf("ending another's session: %d", st)
	}
	if st, _, body := e.as(adminCookie, "GET", "/admin/staff", nil); st != 200 || !strings.Contains(body, "desk@practice.test") {
		t.Fatalf("staff list: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/deactivate", desk.ID), url.Values{}); st != 303 {
		t.Fatalf("deactivate: %d", st)
	}
	if st, _, _ := e.as(deskA, "GET", "/staff/consults", nil); st != 303 {
		t.Fatalf("deactivated staff's session: %d", st)
	}
	if _, _, err := e.db.FindAPIToken(ctx, hash); err == nil {
		t.Fatal("deactivated staff's token still works")
	}
	if st, _, _ := e.as("", "POST", "/login", url.Values{"email": {"desk@practice.test"}, "password": {testPassword}}); st != 401 {
		t.Fatalf("deactivated staff signs in: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/deactivate", admin.ID), url.Values{}); st != 409 {
		t.Fatalf("self-deactivation: %d", st)
	}
	// A change of roles ends the person's sessions: new privileges, new session id.
	chap := e.addUser(journey.UserStaff, "chap@practice.test", journey.RoleChaperone)
	chapCookie := e.session(chap, true)
	if st, _, _ := e.as(chapCookie, "GET", "/staff/consults", nil); st != 403 {
		t.Fatalf("chaperone reads consults: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/roles", chap.ID), url.Values{"roles": {"chaperone", "front_desk"}}); st != 303 {
		t.Fatalf("set roles: %d", st)
	}
	if st, _, _ := e.as(chapCookie, "GET", "/staff/consults", nil); st != 303 {
		t.Fatalf("old session survived a role change: %d", st)
	}
	if st, _, _ := e.as(e.session(chap, true), "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("new session with the new role: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/roles", chap.ID), url.Values{"roles": {"wizard"}}); st != 422 {
		t.Fatalf("unknown role: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/roles", admin.ID), url.Values{"roles": {"therapist"}}); st != 409 {
		t.Fatalf("an admin demotes themself: %d", st)
	}
}

// sessionMatches reports whether cookie belongs to session id.
func sessionMatches(e *env, cookie string, id int64) bool {
	s, err := e.db.FindSession(context.Background(), cookie)
	return err == nil && s.ID == id
}

// latestMail returns the text of the newest outbox message to addr.
func (e *env) latestMail(addr string) string {
	e.t.Helper()
	ms, err := e.db.FindMessages(context.Background(), "", 50)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		full, _ := e.db.FindMessageByID(context.Background(), m.ID)
		if full.To == addr {
			return full.Text
		}
	}
	e.t.Fatalf("no mail to %s", addr)
	return ""
}

// An admin invites a therapist; the link works once; the new therapist
// sets a password and is sent to set up the second factor. A forgotten
// password is reset by an emailed link that ends every session.
func TestInvitationAndPasswordReset(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(journey.UserStaff, "admin@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	bad := url.Values{"name": {""}, "email": {"nora@practice.test"}, "roles": {"wizard"}}
	st, _, body := e.as(cookie, "POST", "/admin/staff/invite", bad)
	if st != 422 || !strings.Contains(body, "name-error") || !strings.Contains(body, "Unknown role") {
		t.Fatalf("bad invitation: %d", st)
	}
	taken := url.Values{"name": {"Nora Again"}, "email": {"NORA@practice.test"}, "roles": {"therapist"}}
	if st, _, body := e.as(cookie, "POST", "/admin/staff/invite", taken); st != 409 || !strings.Contains(body, "already has an account") {
		t.Fatalf("invitation to an existing account: %d", st)
	}
	inv := url.Values{"name": {"Theo Rapist"}, "email": {"theo@practice.test"}, "roles": {"therapist", "chaperone"}}
	if st, _, body := e.as(cookie, "POST", "/admin/staff/invite", inv); st != 200 || !strings.Contains(body, "Invitation sent to theo@practice.test") {
		t.Fatalf("invite: %d", st)
	}
	mail := e.latestMail("theo@practice.test")
	m := regexp.MustCompile(`http://journey\.test(/invite/jy_inv_[A-Za-z0-9_-]+)`).FindStringSubmatch(mail)
	if m == nil || !strings.Contains(mail, "Therapist, Chaperone") {
		t.Fatalf("invitation mail:\n%s", mail)
	}
	link := m[1]
	if st, _, body := e.as("", "GET", "/invite/jy_inv_forged", nil); st != 404 || !strings.Contains(body, "not valid") {
		t.Fatalf("unknown link: %d", st)
	}
	if st, _, body := e.as("", "GET", link, nil); st != 200 || !strings.Contains(body, "theo@practice.test") {
		t.Fatalf("accept page: %d", st)
	}
	if st, _, body := e.as("", "POST", link, url.Values{"password": {"theo-rapist-1234"}, "password_again": {"theo-rapist-1234"}}); st != 422 || !strings.Contains(body, "too common or too easy") {
		t.Fatalf("weak password: %d", st)
	}
	if st, _, body := e.as("", "POST", link, url.Values{"password": {testPassword}, "password_again": {"something-else-entirely"}}); st != 422 || !strings.Contains(body, "not the same") {
		t.Fatalf("mismatch: %d", st)
	}
	st, h, _ := e.as("", "POST", link, url.Values{"password": {testPassword}, "password_again": {testPassword}})
	if st != 303 || h.Get("Location") != "/account/2fa" || sessionCookie(h) == "" {
		t.Fatalf("accept: %d %q", st, h.Get("Location"))
	}
	theo, err := e.db.FindUserByEmail(context.Background(), "theo@practice.test")
	if err != nil || !theo.HasRole(journey.RoleTherapist) || !theo.HasRole(journey.RoleChaperone) || !theo.HasPassword {
		t.Fatalf("theo: %+v %v", theo, err)
	}
	if st, _, body := e.as("", "GET", link, nil); st != 409 || !strings.Contains(body, "already used") {
		t.Fatalf("link reused: %d", st)
	}
	// An expired invitation.
	e.as(cookie, "POST", "/admin/staff/invite", url.Values{"name": {"Late Comer"}, "email": {"late@practice.test"}, "roles": {"front_desk"}})
	late := regexp.MustCompile(`/invite/jy_inv_[A-Za-z0-9_-]+`).FindString(e.latestMail("late@practice.test"))
	sqldbtest.SetTime(e.now, e.now.Add(73*time.Hour))
	if st, _, body := e.as("", "GET", late, nil); st != 409 || !strings.Contains(body, "expired") {
		t.Fatalf("expired link: %d", st)
	}

	// Password reset: same answer for unknown addresses; the link ends every session.
	theoSession := e.session(theo, true)
	for _, addr := range []string{"theo@practice.test", "nobody@practice.test"} {
		if st, _, body := e.as("", "POST", "/reset", url.Values{"email": {addr}}); st != 200 || !strings.Contains(body, "If <strong>"+addr) {
			t.Fatalf("reset request %s: %d", addr, st)
		}
	}
	reset := regexp.MustCompile(`/reset/jy_rst_[A-Za-z0-9_-]+`).FindString(e.latestMail("theo@practice.test"))
	const newPassword = "copper-kettle-morning-fog"
	if st, h, _ := e.as("", "POST", reset, url.Values{"password": {newPassword}, "password_again": {newPassword}}); st != 303 || h.Get("Location") != "/login?reset=done" {
		t.Fatalf("reset: %d", st)
	}
	if st, _, _ := e.as(theoSession, "GET", "/account/sessions", nil); st != 303 {
		t.Fatalf("a session survived the reset: %d", st)
	}
	if st, _, _ := e.as("", "POST", "/login", url.Values{"email": {"theo@practice.test"}, "password": {newPassword}}); st != 303 {
		t.Fatalf("sign in with the new password: %d", st)
	}
	if st, _, _ := e.as("", "POST", reset, url.Values{"password": {newPassword}, "password_again": {newPassword}}); st != 409 {
		t.Fatalf("reset link reused: %d", st)
	}
}

// A therapist may open another therapist's consult only by breaking the
// glass with a reason, which the audit trail keeps for review.
func TestBreakGlass(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	theirs := e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Their Visitor", "")
	nora := staffUser(e.ny)
	cookie := e.session(nora, true)
	path := fmt.Sprintf("/staff/consults/%d", theirs.ID)
	st, _, body := e.as(cookie, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "not on your list") || strings.Contains(body, "Their Visitor") {
		t.Fatalf("offer: %d", st)
	}
	if st, _, body := e.as(cookie, "POST", path+"/break-glass", url.Values{"reason": {"short"}}); st != 422 || !strings.Contains(body, `>short</textarea>`) {
		t.Fatalf("short reason: %d", st)
	}
	st, _, body = e.as(cookie, "POST", path+"/break-glass", url.Values{"reason": {"Covering for Luis today, client called in distress"}})
	if st != 200 || !strings.Contains(body, "Their Visitor") || !strings.Contains(body, "outside your care team") {
		t.Fatalf("break glass: %d", st)
	}
	// Front desk cannot break the glass (they see consults anyway), nor a
	// chaperone, whose role may not read consults at all (TestBreakGlassRoleMatrix).
	chap := e.addUser(journey.UserStaff, "chap@practice.test", journey.RoleChaperone)
	if st, _, _ := e.as(e.session(chap, true), "POST", path+"/break-glass", url.Values{"reason": {"I would like to see it please"}}); st != 403 {
		t.Fatalf("chaperone breaks the glass: %d", st)
	}
	e.db.FlushAudit(ctx)
	es, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "breakglass"})
	if len(es) != 1 || es[0].ActorID != nora.ID || es[0].Reason != "Covering for Luis today, client called in distress" || es[0].SubjectID != fmt.Sprint(theirs.ID) {
		t.Fatalf("break-glass audit: %+v", es)
	}
}

// Every route that takes an id refuses another person's record, with an
// audit entry, and never shows it.
func TestIDRoutesRefuseOthersRecords(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	theirs := e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Their Visitor", "")
	luis := staffUser(e.la)
	luisCookie := e.session(luis, true)
	_, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	luisToken, _ := e.db.CreateAPIToken(ctx, luis.ID, "t", hash, e.now.Add(time.Hour))
	luisSessions, _ := e.db.FindUserSessions(ctx, luis.ID)
	nora := staffUser(e.ny)
	cookie := e.session(nora, true)
	noraToken, _, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	e.db.CreateAPIToken(ctx, nora.ID, "n", auth.HashToken(noraToken), e.now.Add(time.Hour))

	cases := []struct {
		method, path string
		action       string
	}{
		{"POST", fmt.Sprintf("/staff/consults/%d/status", theirs.ID), "consult.read"},
		{"POST", fmt.Sprintf("/account/tokens/%d/revoke", luisToken), "token.revoke"},
		{"POST", fmt.Sprintf("/account/sessions/%d/end", luisSessions[0].ID), "session.end"},
	}
	for _, c := range cases {
		st, _, body := e.as(cookie, c.method, c.path, url.Values{"status": {"held"}})
		if (st != 404 && st != 403) || strings.Contains(body, "Their Visitor") {
			t.Errorf("%s %s: %d", c.method, c.path, st)
		}
	}
	req, _ := http.NewRequest("GET", e.ts.URL+fmt.Sprintf("/api/v1/consults/%d", theirs.ID), nil)
	req.Header.Set("Authorization", "Bearer "+noraToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("api consult: %v %v", err, resp)
	}
	resp.Body.Close()
	e.db.FlushAudit(ctx)
	denied, _ := e.db.FindAudit(ctx, journey.AuditFilter{ActorID: nora.ID})
	seen := map[string]int{}
	for _, en := range denied {
		if en.Outcome == journey.AuditDenied {
			seen[en.Action]++
		}
	}
	if seen["consult.read"] != 2 || seen["token.revoke"] != 1 || seen["session.end"] != 1 {
		t.Fatalf("denied entries: %v", seen)
	}
	// Luis's session and token still work: nothing was ended on his behalf.
	if st, _, _ := e.as(luisCookie, "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("luis's session: %d", st)
	}
	if _, _, err := e.db.FindAPIToken(ctx, hash); err != nil {
		t.Fatalf("luis's token: %v", err)
	}
}
