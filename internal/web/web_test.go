package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	apiv1 "github.com/journey-kap/journey/internal/web/api"
)

// The fixed "now" of these tests: Wednesday 2 January 2030, 12:00 UTC.
var testNow = time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)

// Monday 7 January 2030, 09:00 in New York: the first slot of the NY therapist.
var mondayNY = time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC)

type env struct {
	t      testing.TB // a fuzz target lends its env to each input's *testing.T (fuzzEnv)
	db     *sqldb.DB
	srv    *Server
	ts     *httptest.Server
	now    *time.Time
	ny, la *journey.Therapist
	admins int // admins added by setPrivate
}

func newEnv(t testing.TB, mutate ...func(*Config)) *env {
	t.Helper()
	return newEnvDB(t, sqldbtest.Open(t), mutate...)
}

// newEnvDB is newEnv over a database the test opened.
func newEnvDB(t testing.TB, db *sqldb.DB, mutate ...func(*Config)) *env {
	t.Helper()
	e := &env{t: t, db: db}
	now := testNow
	e.now = &now
	e.db.Now = sqldbtest.FixedClock(e.now)
	e.ny, e.la = sqldbtest.MustSeed(t, e.db)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.db.StartAudit(key, filepath.Join(t.TempDir(), "audit.head"))
	cfg := Config{BaseURL: "http://journey.test", RateLimit: 0, MinFormTime: 2 * time.Second,
		FormSecret: []byte("test-secret"), Now: sqldbtest.FixedClock(e.now)}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := NewServer(e.db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// do sends a request and returns status, headers and body.
func (e *env) do(method, path, contentType, body string) (int, http.Header, string) {
	e.t.Helper()
	return e.send("", method, path, contentType, body)
}

// send sends a request, with the session cookie unless it is "", and
// returns status, headers and body; a redirect is returned, not followed.
func (e *env) send(cookie, method, path, contentType, body string) (int, http.Header, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
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

func bookingJSON(start time.Time, therapist int64, email string, extra string) string {
	return fmt.Sprintf(`{"start": %q, "therapist_id": %d, "name": "Ada Visitor", "email": %q, "phone": "(212) 555-0142",
		"contact_method": "text", "mode": "phone", "time_zone": "Europe/London", "reason": "grief", "privacy_consent": true%s}`,
		start.Format(time.RFC3339), therapist, email, extra)
}

// scenario is one request through the real router and store.
type scenario struct {
	name        string
	method      string
	path        string
	body        string
	contentType string
	status      int
	contains    []string
	excludes    []string
}

func (e *env) run(scs []scenario) {
	e.t.Helper()
	for _, sc := range scs {
		e.t.(*testing.T).Run(sc.name, func(t *testing.T) {
			ct := sc.contentType
			if ct == "" && sc.body != "" {
				ct = "application/json"
			}
			st, _, body := e.do(sc.method, sc.path, ct, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, body)
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q\n%s", s, trim(body))
				}
			}
			for _, s := range sc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, f := range []journey.FAQEntry{
		{Question: "What is KAP?", Answer: "Ketamine with **therapy**."},
		{Question: "Unsafe?", Answer: "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"},
	} {
		f.Position, f.Published = i+1, true
		if err := e.db.CreateFAQEntry(ctx, &f); err != nil {
			t.Fatal(err)
		}
	}
	e.run([]scenario{
		{name: "landing", method: "GET", path: "/", status: 200,
			contains: []string{"Ready to start your Journey?", `href="/book"`, "Schedule a Consult", "Nora York", "988"}},
		{name: "faq renders markdown safely", method: "GET", path: "/faq", status: 200,
			contains: []string{"<h2 id=\"q1\">What is KAP?</h2>", "<strong>therapy</strong>"},
			excludes: []string{"<script>alert", "javascript:", "onerror"}},
		{name: "privacy", method: "GET", path: "/privacy", status: 200, contains: []string{"We keep your details private."}},
		{name: "booking page in the visitor's zone", method: "GET", path: "/book?tz=Europe/London&from=2030-01-07", status: 200,
			contains: []string{`<option value="Europe/London" selected>`, "Monday, January 7", "2:00 PM", `name="slot"`, `value="0|` + fmt.Sprint(mondayNY.Unix()) + `"`}},
		{name: "booking page for one therapist", method: "GET", path: fmt.Sprintf("/book?tz=America/New_York&from=2030-01-07&therapist=%d", e.ny.ID), status: 200,
			contains: []string{"9:00 AM", "11:30 AM", fmt.Sprintf(`value="%d|%d"`, e.ny.ID, mondayNY.Unix()), "A consult lasts 30 minutes."},
			excludes: []string{"12:00 PM"}},
		{name: "unknown zone falls back with a notice", method: "GET", path: "/book?tz=Mars/Olympus", status: 200,
			contains: []string{"We do not know that time zone", `<option value="America/New_York" selected>`}},
		{name: "health", method: "GET", path: "/healthz", status: 200, contains: []string{"ok"}},
		{name: "page not found", method: "GET", path: "/nope", status: 404, contains: []string{"We could not find that page."}},
		{name: "manage link not found", method: "GET", path: "/c/" + strings.Repeat("x", 43), status: 404},
		{name: "api not found is problem json", method: "GET", path: "/api/v1/nope", status: 404, contains: []string{`"status":404`}},
		{name: "therapists", method: "GET", path: "/api/v1/therapists", status: 200, contains: []string{`"name":"Luis Angel"`, `"consult_minutes":30`}},
		{name: "faq api", method: "GET", path: "/api/v1/faq", status: 200, contains: []string{`"question":"What is KAP?"`}},
	})
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	_, h, _ := e.do("GET", "/", "", "")
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	// Static files are served at content-hashed URLs, cached for good.
	st, h, body := e.do("GET", assetURL("app.css"), "", "")
	if st != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.Contains(body, ":root") {
		t.Fatalf("static: %d %v", st, h)
	}
	if st, _, _ := e.do("GET", "/static/000000000000/app.css", "", ""); st != 404 {
		t.Fatalf("stale hash served: %d", st)
	}
	// A cross-origin form post from a browser is refused.
	req, _ := http.NewRequest("POST", e.ts.URL+"/book", strings.NewReader("name=x"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d", resp.StatusCode)
	}
}

func TestSlotsAPI(t *testing.T) {
	e := newEnv(t)
	st, _, body := e.do("GET", "/api/v1/consult-slots?from=2030-01-07&days=1&tz=Asia/Tokyo&therapist_id="+fmt.Sprint(e.ny.ID), "", "")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	var out struct {
		TimeZone string `json:"time_zone"`
		Slots    []struct {
			Start, End  string
			TherapistID int64 `json:"therapist_id"`
		}
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	// The Tokyo day of 7 January (UTC+9) holds NY's Sunday-evening? No: NY Monday 09:00 is Monday 23:00 in Tokyo,
	// so the Tokyo day carries the first two NY slots (23:00, 23:30).
	if out.TimeZone != "Asia/Tokyo" || len(out.Slots) != 2 || out.Slots[0].Start != "2030-01-07T23:00:00+09:00" ||
		out.Slots[0].End != "2030-01-07T23:30:00+09:00" || out.Slots[0].TherapistID != e.ny.ID {
		t.Fatalf("slots = %+v", out)
	}
	e.run([]scenario{
		{name: "unknown zone", method: "GET", path: "/api/v1/consult-slots?tz=Mars/Olympus", status: 422, contains: []string{`"field":"tz"`}},
		{name: "bad days", method: "GET", path: "/api/v1/consult-slots?days=100", status: 422, contains: []string{`"field":"days"`}},
		{name: "bad date", method: "GET", path: "/api/v1/consult-slots?from=07/01/2030", status: 422, contains: []string{`"field":"from"`}},
		{name: "bad therapist", method: "GET", path: "/api/v1/consult-slots?therapist_id=abc", status: 422, contains: []string{`"field":"therapist_id"`}},
		{name: "unknown therapist", method: "GET", path: "/api/v1/consult-slots?therapist_id=777", status: 422, contains: []string{`"field":"therapist_id"`}},
		{name: "defaults", method: "GET", path: "/api/v1/consult-slots", status: 200, contains: []string{`"time_zone":"America/New_York"`}},
	})
}

func TestConsultAPI(t *testing.T) {
	e := newEnv(t)
	st, h, body := e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY, e.ny.ID, "ada@example.com", ""))
	if st != 201 {
		t.Fatalf("%d %s", st, body)
	}
	var c struct {
		ID          int64
		Start, End  string
		TimeZone    string `json:"time_zone"`
		TherapistID int64  `json:"therapist_id"`
		Status      string
		ManageURL   string `json:"manage_url"`
	}
	json.Unmarshal([]byte(body), &c)
	if c.Start != "2030-01-07T14:00:00Z" || c.TimeZone != "Europe/London" || c.Status != "booked" ||
		!strings.HasPrefix(c.ManageURL, "http://journey.test/c/") || !strings.HasPrefix(h.Get("Location"), "/api/v1/manage/") {
		t.Fatalf("created = %+v", c)
	}
	token := strings.TrimPrefix(c.ManageURL, "http://journey.test/c/")
	stored, _ := e.db.FindConsultByToken(context.Background(), token)
	if stored.Phone != "+12125550142" || stored.ContactMethod != "text" {
		t.Fatalf("phone not normalised: %+v", stored)
	}
	big := `{"name": "` + strings.Repeat("a", 70<<10) + `"}`
	e.run([]scenario{
		{name: "slot taken", method: "POST", path: "/api/v1/consults", body: bookingJSON(mondayNY, e.ny.ID, "bea@example.com", ""), status: 409,
			contains: []string{"application/problem+json" /* checked below */}[:0]},
		{name: "email already booked", method: "POST", path: "/api/v1/consults", body: bookingJSON(mondayNY.Add(time.Hour), e.ny.ID, "ADA@example.com", ""), status: 409,
			contains: []string{`"field":"email"`}},
		{name: "malformed json", method: "POST", path: "/api/v1/consults", body: `{"start": `, status: 400, contains: []string{"not a valid JSON"}},
		{name: "unknown field", method: "POST", path: "/api/v1/consults", body: bookingJSON(mondayNY, 0, "x@example.com", `, "ssn": "1"`), status: 400, contains: []string{"unknown field"}},
		{name: "too large", method: "POST", path: "/api/v1/consults", body: big, status: 413},
		{name: "time never offered", method: "POST", path: "/api/v1/consults", body: bookingJSON(mondayNY.Add(5*time.Minute), e.ny.ID, "c@example.com", ""), status: 422, contains: []string{`"field":"start"`}},
		{name: "time in the past", method: "POST", path: "/api/v1/consults", body: bookingJSON(testNow.Add(-time.Hour), 0, "c@example.com", ""), status: 422, contains: []string{"has passed"}},
		{name: "every bad field named", method: "POST", path: "/api/v1/consults",
			body:   `{"start": "soon", "name": "", "email": "a@b", "phone": "12", "contact_method": "pigeon", "mode": "fax", "time_zone": "Mars/Olympus", "privacy_consent": false}`,
			status: 422, contains: []string{`"field":"start"`, `"field":"name"`, `"field":"email"`, `"field":"phone"`, `"field":"contact_method"`, `"field":"mode"`, `"field":"time_zone"`, `"field":"privacy_consent"`}},
		{name: "no mode", method: "POST", path: "/api/v1/consults",
			body:   strings.Replace(bookingJSON(mondayNY.Add(time.Hour), 0, "d@example.com", ""), `"mode": "phone", `, ``, 1),
			status: 422, contains: []string{`"field":"mode"`, "by phone or by video"}},
		{name: "phone needed for a phone consult", method: "POST", path: "/api/v1/consults",
			body:   strings.Replace(strings.Replace(bookingJSON(mondayNY.Add(time.Hour), 0, "d@example.com", ""), `"(212) 555-0142"`, `""`, 1), `"text"`, `"email"`, 1),
			status: 422, contains: []string{`"field":"phone"`, "so the therapist can call you"}},
		{name: "phone needed for texts", method: "POST", path: "/api/v1/consults",
			body:   strings.Replace(bookingJSON(mondayNY.Add(time.Hour), 0, "d@example.com", ""), `"(212) 555-0142"`, `""`, 1),
			status: 422, contains: []string{`"field":"phone"`}},
		{name: "manage view", method: "GET", path: "/api/v1/manage/" + token, status: 200, contains: []string{`"status":"booked"`}},
		{name: "manage bad token", method: "GET", path: "/api/v1/manage/short", status: 404},
		{name: "reschedule off grid", method: "POST", path: "/api/v1/manage/" + token + "/reschedule", body: `{"start": "2030-01-07T14:10:00Z"}`, status: 422},
		{name: "reschedule bad body", method: "POST", path: "/api/v1/manage/" + token + "/reschedule", body: `{"start": 5}`, status: 400},
		{name: "reschedule", method: "POST", path: "/api/v1/manage/" + token + "/reschedule", body: `{"start": "2030-01-07T10:30:00-05:00"}`, status: 200,
			contains: []string{`"start":"2030-01-07T15:30:00Z"`}},
		{name: "resend link", method: "POST", path: "/api/v1/consults/resend-link", body: `{"email": "nobody@example.com"}`, status: 202},
		{name: "cancel", method: "POST", path: "/api/v1/manage/" + token + "/cancel", status: 200, contains: []string{`"status":"cancelled"`}},
		{name: "cancel again", method: "POST", path: "/api/v1/manage/" + token + "/cancel", status: 409},
	})
	_, h, _ = e.do("POST", "/api/v1/consults", "application/json", `{`)
	if h.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("error content type = %q", h.Get("Content-Type"))
	}
}

// form is a booking form post as a browser sends it, with a form token
// issued long enough ago.
func (e *env) form(v url.Values) string {
	issued := *e.now
	sqldbtest.SetTime(e.now, issued.Add(-time.Minute))
	v.Set("ft", e.srv.formToken())
	sqldbtest.SetTime(e.now, issued)
	return v.Encode()
}

func validForm(e *env) url.Values {
	return url.Values{"slot": {fmt.Sprintf("%d|%d", e.ny.ID, mondayNY.Unix())}, "name": {"Ada Visitor"}, "email": {"ada@example.com"},
		"phone": {""}, "contact_method": {"email"}, "mode": {"video"}, "reason": {"stuck"}, "privacy_consent": {"yes"}, "tz": {"Europe/London"},
		"therapist": {fmt.Sprint(e.ny.ID)}, "from": {"2030-01-07"}}
}

func TestBookingForm(t *testing.T) {
	e := newEnv(t)
	const ctype = "application/x-www-form-urlencoded"
	bad := validForm(e)
	bad.Set("name", `<script>alert("x")</script>`)
	bad.Set("email", "ada@")
	bad.Set("phone", "12")
	bad.Set("reason", `"quoted" & <b>bold</b>`)
	bad.Del("privacy_consent")
	st, _, body := e.do("POST", "/book", ctype, e.form(bad))
	if st != 422 {
		t.Fatalf("invalid form: %d", st)
	}
	for _, want := range []string{
		`value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`, `value="ada@"`, `value="12"`, `&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;</textarea>`,
		`id="email-error"`, `id="phone-error"`, `id="privacy_consent-error"`, `aria-invalid="true"`, `id="error-summary"`,
		fmt.Sprintf(`value="%d|%d" checked`, e.ny.ID, mondayNY.Unix()),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form lacks %s", want)
		}
	}
	if strings.Contains(body, `<script>alert`) {
		t.Error("unescaped markup")
	}

	huge := validForm(e)
	huge.Set("reason", strings.Repeat("x", 70<<10))
	if st, _, body := e.do("POST", "/book", ctype, e.form(huge)); st != 413 || !strings.Contains(body, "larger than we accept") {
		t.Fatalf("oversized form: %d", st)
	}
	long := validForm(e)
	long.Set("reason", strings.Repeat("é", journey.MaxReasonLen+1))
	if st, _, body := e.do("POST", "/book", ctype, e.form(long)); st != 422 || !strings.Contains(body, "under 2000 characters") || !strings.Contains(body, "ééé") {
		t.Fatalf("reason too long: %d", st)
	}

	trap := validForm(e)
	trap.Set("website", "http://spam.example")
	if st, _, body := e.do("POST", "/book", ctype, e.form(trap)); st != 422 || !strings.Contains(body, "could not accept") || !strings.Contains(body, `value="Ada Visitor"`) {
		t.Fatalf("honeypot: %d", st)
	}
	fast := validForm(e)
	fast.Set("ft", e.srv.formToken()) // issued just now: faster than a person
	if st, _, _ := e.do("POST", "/book", ctype, fast.Encode()); st != 422 {
		t.Fatalf("instant submit: %d", st)
	}
	forged := validForm(e)
	forged.Set("ft", "1.AAAA")
	if st, _, _ := e.do("POST", "/book", ctype, forged.Encode()); st != 422 {
		t.Fatalf("forged token: %d", st)
	}

	st, h, _ := e.do("POST", "/book", ctype, e.form(validForm(e)))
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/c/") || !strings.HasSuffix(h.Get("Location"), "?booked=1") {
		t.Fatalf("book: %d %v", st, h)
	}
	st, _, body = e.do("GET", h.Get("Location"), "", "")
	if st != 200 || !strings.Contains(body, "You're booked") || !strings.Contains(body, "2:00 PM") || !strings.Contains(body, "Europe/London") {
		t.Fatalf("confirmation: %d\n%s", st, trim(body))
	}
	manage := strings.TrimSuffix(h.Get("Location"), "?booked=1")

	// The same email again: told so, entries kept, offered the link by email.
	again := validForm(e)
	again.Set("slot", fmt.Sprintf("%d|%d", e.ny.ID, mondayNY.Add(time.Hour).Unix()))
	st, _, body = e.do("POST", "/book", ctype, e.form(again))
	if st != 409 || !strings.Contains(body, "already has an upcoming consult") || !strings.Contains(body, `action="/book/resend"`) {
		t.Fatalf("second booking: %d", st)
	}
	// The slot taken meanwhile: told so, entries kept, grid fresh.
	taken := validForm(e)
	taken.Set("email", "bea@example.com")
	st, _, body = e.do("POST", "/book", ctype, e.form(taken))
	if st != 409 || !strings.Contains(body, "just taken") || !strings.Contains(body, `value="bea@example.com"`) ||
		strings.Contains(body, fmt.Sprintf(`value="%d|%d"`, e.ny.ID, mondayNY.Unix())) {
		t.Fatalf("taken slot: %d", st)
	}
	if st, _, body := e.do("POST", "/book/resend", ctype, "email=ada%40example.com"); st != 200 || !strings.Contains(body, "Check your email") {
		t.Fatalf("resend: %d", st)
	}
	// The resend sent a new link beside the old, which still works.
	if st, _, _ := e.do("GET", manage, "", ""); st != 200 {
		t.Fatalf("old link after resend: %d", st)
	}
}

func TestManagePages(t *testing.T) {
	e := newEnv(t)
	c, err := e.db.CreateConsult(context.Background(), &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada",
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "America/Chicago", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	const ctype = "application/x-www-form-urlencoded"
	path := "/c/" + c.ManageToken
	st, _, body := e.do("GET", path, "", "")
	if st != 200 || !strings.Contains(body, "8:00 AM") || !strings.Contains(body, "Move your consult") || !strings.Contains(body, "cancel my consult") {
		t.Fatalf("manage: %d\n%s", st, trim(body))
	}
	if st, _, body := e.do("POST", path+"/reschedule", ctype, "slot=garbage&tz=America/Chicago"); st != 422 || !strings.Contains(body, "Choose a new time") {
		t.Fatalf("reschedule without slot: %d", st)
	}
	next := fmt.Sprintf("slot=%d%%7C%d", e.ny.ID, mondayNY.Add(30*time.Minute).Unix())
	st, h, _ := e.do("POST", path+"/reschedule", ctype, next)
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?moved=1") {
		t.Fatalf("reschedule: %d", st)
	}
	if _, _, body := e.do("GET", h.Get("Location"), "", ""); !strings.Contains(body, "8:30 AM") || !strings.Contains(body, "has moved") {
		t.Fatal("moved page")
	}
	st, h, _ = e.do("POST", path+"/cancel", ctype, "")
	if st != 303 {
		t.Fatalf("cancel: %d", st)
	}
	if _, _, body := e.do("GET", h.Get("Location"), "", ""); !strings.Contains(body, "is cancelled") || strings.Contains(body, "Move your consult") {
		t.Fatal("cancelled page")
	}
	if st, _, _ := e.do("POST", path+"/cancel", ctype, ""); st != 409 {
		t.Fatalf("cancel twice: %d", st)
	}
}

// A booking anywhere invalidates the cached slot grid.
func TestSlotGridCacheInvalidation(t *testing.T) {
	e := newEnv(t)
	path := fmt.Sprintf("/book?tz=America/New_York&from=2030-01-07&therapist=%d", e.ny.ID)
	value := fmt.Sprintf(`value="%d|%d"`, e.ny.ID, mondayNY.Unix())
	for range 2 {
		if _, _, body := e.do("GET", path, "", ""); !strings.Contains(body, value) {
			t.Fatal("slot missing before booking")
		}
	}
	if _, err := e.db.CreateConsult(context.Background(), &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "A",
		Email: "a@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, body := e.do("GET", path, "", ""); strings.Contains(body, value) {
		t.Fatal("cached grid still offers the booked slot")
	}
	// A schedule change invalidates it too.
	if err := e.db.SetTherapistSchedule(context.Background(), e.ny.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, body := e.do("GET", path, "", ""); !strings.Contains(body, "No open times this week") {
		t.Fatal("cached grid survived a schedule change")
	}
	// A cached booking page still carries a fresh, valid form token.
	_, _, body := e.do("GET", path, "", "")
	m := regexp.MustCompile(`name="ft" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil || strings.Contains(body, tokenPlaceholder) {
		t.Fatal("no form token in the cached page")
	}
	sqldbtest.SetTime(e.now, e.now.Add(time.Minute))
	if !e.srv.checkFormToken(m[1]) {
		t.Fatal("the cached page's form token does not verify")
	}
	// An FAQ edit shows at once.
	if _, _, body := e.do("GET", "/faq", "", ""); strings.Contains(body, "Brand new?") {
		t.Fatal("unexpected entry")
	}
	if err := e.db.CreateFAQEntry(context.Background(), &journey.FAQEntry{Question: "Brand new?", Answer: "Yes.", Published: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, body := e.do("GET", "/faq", "", ""); !strings.Contains(body, "Brand new?") {
		t.Fatal("cached FAQ survived an edit")
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RateLimit = 3 })
	for i := range 3 {
		if st, _, _ := e.do("GET", "/api/v1/consult-slots", "", ""); st != 200 {
			t.Fatalf("request %d: %d", i, st)
		}
	}
	st, h, body := e.do("GET", "/api/v1/consult-slots", "", "")
	if st != 429 || h.Get("Retry-After") == "" || !strings.Contains(body, "Too many requests") {
		t.Fatalf("over the limit: %d %q", st, h.Get("Retry-After"))
	}
	if st, _, _ := e.do("GET", "/book", "", ""); st != 429 {
		t.Fatalf("pages share the budget: %d", st)
	}
	// Unlimited routes stay open, and time refills the bucket.
	if st, _, _ := e.do("GET", "/faq", "", ""); st != 200 {
		t.Fatalf("faq limited: %d", st)
	}
	sqldbtest.SetTime(e.now, e.now.Add(time.Minute))
	if st, _, _ := e.do("GET", "/api/v1/consult-slots", "", ""); st != 200 {
		t.Fatalf("after a minute: %d", st)
	}
}

// Every route declares a permission, and the OpenAPI document describes
// every API route.
func TestRouteTable(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(apiv1.OpenAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rt := range e.srv.routeTable() {
		if rt.perm == "" || rt.handler == nil {
			t.Errorf("%s: no permission or handler", rt.pattern)
		}
		if seen[rt.pattern] {
			t.Errorf("%s twice", rt.pattern)
		}
		seen[rt.pattern] = true
		method, path, _ := strings.Cut(rt.pattern, " ")
		if rest, ok := strings.CutPrefix(path, "/api/v1"); ok {
			if doc.Paths[rest][strings.ToLower(method)] == nil {
				t.Errorf("openapi.json does not describe %s", rt.pattern)
			}
		}
	}
	st, _, body := e.do("GET", "/api/v1/openapi.json", "", "")
	if st != 200 || !strings.Contains(body, `"openapi":"3.1.0"`) || !strings.Contains(body, `"url":"http://journey.test/api/v1"`) {
		t.Fatalf("openapi: %d %s", st, trim(body))
	}
}

func TestTemplatesCheckedAtStart(t *testing.T) {
	if _, err := parseTemplates(templateFS); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/static/[0-9a-f]{12}/app\.js$`).MatchString(assetURL("app.js")) {
		t.Fatal(assetURL("app.js"))
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"(212) 555-0142": "+12125550142", "+44 20 7946 0000": "+442079460000", "": ""} {
		if got, ok := normalizePhone(in); !ok || got != want {
			t.Errorf("%q → %q %v", in, got, ok)
		}
	}
	// libphonenumber takes +49 4264 4942674000, which has 16 digits: more
	// than E.164 allows, and more than the domain stores (FuzzNormalizePhone).
	for _, in := range []string{"12", "call me", "+1 555", strings.Repeat("9", 50), "+4942644942674000"} {
		if _, ok := normalizePhone(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}
