package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/starter"
)

// newEmptyEnv is a server over a database nothing has set up: a real
// practice's first start, without --demo.
func newEmptyEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, db: sqldbtest.Open(t)}
	now := testNow
	e.now = &now
	e.db.Now = sqldbtest.FixedClock(e.now)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.db.StartAudit(key, filepath.Join(t.TempDir(), "audit.head"))
	srv, err := NewServer(e.db, Config{BaseURL: "http://journey.test", MinFormTime: 0,
		FormSecret: []byte("test-secret"), Now: sqldbtest.FixedClock(e.now)})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// TestFirstRunPublicPages: before the practice is set up every public page
// and public API answers, and says plainly that bookings are not open yet.
func TestFirstRunPublicPages(t *testing.T) {
	e := newEmptyEnv(t)
	const notOpen = "not open yet"
	for _, path := range []string{"/", "/faq", "/privacy", "/book", "/book?tz=Europe/London", "/login"} {
		st, _, body := e.do("GET", path, "", "")
		if st != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200\n%s", path, st, trim(body))
			continue
		}
		if path != "/login" && !strings.Contains(body, notOpen) {
			t.Errorf("GET %s does not say bookings are %s\n%s", path, notOpen, trim(body))
		}
	}
	for _, path := range []string{"/api/v1/therapists", "/api/v1/faq", "/api/v1/consult-slots", "/api/v1/consult-slots?tz=Europe/London"} {
		st, _, body := e.do("GET", path, "", "")
		if st != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200\n%s", path, st, trim(body))
		}
	}
	st, _, body := e.do("GET", "/api/v1/consult-slots", "", "")
	var out struct {
		Slots  []any  `json:"slots"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || st != 200 {
		t.Fatalf("slots: %d %v\n%s", st, err, body)
	}
	if out.Slots == nil || len(out.Slots) != 0 || !strings.Contains(out.Reason, notOpen) {
		t.Errorf("slots before set-up = %s, want an empty list and a reason saying bookings are %s", body, notOpen)
	}
	// A booking before set-up is refused with the same plain reason, never a 500.
	st, _, body = e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY, 1, "ada@example.com", ""))
	if st >= 500 || st == http.StatusNotFound || !strings.Contains(body, notOpen) {
		t.Errorf("POST /api/v1/consults before set-up: %d\n%s", st, body)
	}
}

// TestPracticeSetupPage: the first admin of an empty database lands on
// setting up the practice, saves its details (each mistake beside its field,
// what was typed kept), and opens bookings; until then the public site says
// bookings are not open yet.
func TestPracticeSetupPage(t *testing.T) {
	e := newEmptyEnv(t)
	admin := e.addUser(journey.UserStaff, "first@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	if st, h, _ := e.as(cookie, "GET", "/login", nil); st != 303 || h.Get("Location") != "/admin/practice" {
		t.Fatalf("admin of a practice not set up lands on %d %q, want /admin/practice", st, h.Get("Location"))
	}
	st, _, body := e.as(cookie, "GET", "/admin/practice", nil)
	if st != 200 || !strings.Contains(body, "Set up the practice") || !strings.Contains(body, "Save the practice's details first") {
		t.Fatalf("setup page: %d\n%s", st, trim(body))
	}
	bad := url.Values{"name": {"Calm <b>Harbor</b>"}, "address": {"1 Main St"}, "phone": {"12"}, "email": {"not-an-address"},
		"time_zone": {"Mars/Olympus_Mons"}, "reminder_hours": {"a day"}, "cancel_notice_hours": {"500"}}
	st, _, body = e.as(cookie, "POST", "/admin/practice", bad)
	for _, want := range []string{
		`id="time_zone-error">Choose a known time zone`, `value="Mars/Olympus_Mons"`,
		`id="email-error">Enter an email address`, `value="not-an-address"`,
		`id="phone-error">Enter a phone number`, `value="Calm &lt;b&gt;Harbor&lt;/b&gt;"`,
		`id="reminder_hours-error">Enter a whole number of hours`, `value="a day"`,
		`id="cancel_notice_hours-error">Ask for between 1 and 168 hours`, `value="500"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("bad details: %d, page lacks %s", st, want)
		}
	}
	if st != 422 {
		t.Fatalf("bad details: status %d", st)
	}
	if _, err := e.db.FindPractice(context.Background()); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("bad details were saved: %v", err)
	}
	good := url.Values{"name": {"Calm Harbor"}, "address": {"1 Main St, Chicago"}, "phone": {"(312) 555-0100"},
		"email": {"desk@calmharbor.test"}, "time_zone": {"America/Chicago"}, "reminder_hours": {"48"}, "cancel_notice_hours": {""}}
	if st, h, body := e.as(cookie, "POST", "/admin/practice", good); st != 303 || h.Get("Location") != "/admin/practice?saved=details" {
		t.Fatalf("good details: %d %q\n%s", st, h.Get("Location"), trim(body))
	}
	p, err := e.db.FindPractice(context.Background())
	if err != nil || p.Name != "Calm Harbor" || p.Phone != "+13125550100" || p.TimeZone != "America/Chicago" || p.Open() ||
		p.ReminderHours != 48 || p.CancelNoticeHours != 24 {
		t.Fatalf("saved practice = %+v, %v; want Calm Harbor pending set-up", p, err)
	}
	if _, _, body := e.do("GET", "/", "", ""); !strings.Contains(body, "Calm Harbor") || !strings.Contains(body, "not open yet") {
		t.Errorf("home after details: want the name and 'not open yet'\n%s", trim(body))
	}
	if st, h, _ := e.as(cookie, "POST", "/admin/practice/open", url.Values{}); st != 303 || h.Get("Location") != "/admin/practice?saved=open" {
		t.Fatalf("open bookings: %d %q", st, h.Get("Location"))
	}
	if _, _, body := e.do("GET", "/book", "", ""); strings.Contains(body, "not open yet") || !strings.Contains(body, "Choose a time") {
		t.Errorf("book after opening still says not open\n%s", trim(body))
	}
	if st, h, _ := e.as(cookie, "GET", "/login", nil); st != 303 || h.Get("Location") != "/staff" {
		t.Errorf("admin of an open practice lands on %d %q, want /staff", st, h.Get("Location"))
	}
	if n := e.auditCount("settings.practice.update", journey.AuditSuccess) + e.auditCount("settings.practice.open", journey.AuditSuccess); n != 2 {
		t.Errorf("audit: %d successful practice changes, want 2", n)
	}
}

// TestPracticeAPI: GET/PUT /api/v1/practice for admins only, field errors as
// problem+json.
func TestPracticeAPI(t *testing.T) {
	e := newEmptyEnv(t)
	admin := e.addUser(journey.UserStaff, "first@practice.test", journey.RoleAdmin)
	therapist := e.addUser(journey.UserStaff, "t@practice.test", journey.RoleTherapist)
	ca, ct := e.session(admin, true), e.session(therapist, true)
	if st, _, body := e.api(ct, "GET", "/api/v1/practice", ""); st != 403 {
		t.Errorf("therapist GET: %d %s", st, body)
	}
	if st, _, body := e.api(ct, "PUT", "/api/v1/practice", `{"name":"X","time_zone":"UTC"}`); st != 403 {
		t.Errorf("therapist PUT: %d %s", st, body)
	}
	st, _, body := e.api(ca, "GET", "/api/v1/practice", "")
	if st != 200 || !strings.Contains(body, `"bookings_open":false`) {
		t.Fatalf("admin GET before set-up: %d %s", st, body)
	}
	st, h, body := e.api(ca, "PUT", "/api/v1/practice", `{"name":"","time_zone":"Nowhere/Land","email":"x","reminder_hours":-1,"cancel_notice_hours":169}`)
	var prob struct {
		Errors []struct{ Field, Detail string } `json:"errors"`
	}
	json.Unmarshal([]byte(body), &prob)
	fields := map[string]bool{}
	for _, f := range prob.Errors {
		fields[f.Field] = true
	}
	if st != 422 || h.Get("Content-Type") != "application/problem+json" || !fields["name"] || !fields["time_zone"] || !fields["email"] ||
		!fields["reminder_hours"] || !fields["cancel_notice_hours"] {
		t.Fatalf("bad PUT: %d %s %s", st, h.Get("Content-Type"), body)
	}
	st, _, body = e.api(ca, "PUT", "/api/v1/practice", `{"name":"Calm Harbor","time_zone":"America/Chicago","phone":"312 555 0100","bookings_open":true}`)
	if st != 200 || !strings.Contains(body, `"phone":"+13125550100"`) || !strings.Contains(body, `"bookings_open":true`) ||
		!strings.Contains(body, `"reminder_hours":24`) {
		t.Fatalf("good PUT: %d %s", st, body)
	}
	if _, _, body := e.do("GET", "/api/v1/consult-slots", "", ""); strings.Contains(body, "reason") || !strings.Contains(body, "America/Chicago") {
		t.Errorf("slots once open: %s", body)
	}
}

// auditCount counts the audit entries of action with outcome.
func (e *env) auditCount(action, outcome string) int {
	e.t.Helper()
	ctx := context.Background()
	if err := e.db.FlushAudit(ctx); err != nil {
		e.t.Fatal(err)
	}
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, a := range es {
		if a.Action == action && a.Outcome == outcome {
			n++
		}
	}
	return n
}

// TestConsultHoursPage: an admin gives a therapist (here themselves, in a
// practice of one) consult hours; mistakes stay beside their day, typed
// values kept; the slots then offer those hours.
func TestConsultHoursPage(t *testing.T) {
	e := newEmptyEnv(t)
	admin := e.addUser(journey.UserStaff, "first@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	if st, _, body := e.api(cookie, "PUT", "/api/v1/practice", `{"name":"Calm Harbor","time_zone":"America/Chicago","bookings_open":true}`); st != 200 {
		t.Fatalf("practice: %d %s", st, body)
	}
	path := fmt.Sprintf("/admin/staff/%d/hours", admin.ID)
	good := url.Values{"time_zone": {"America/Chicago"}, "consult_minutes": {"30"}, "start_1": {"09:00"}, "end_1": {"12:00"}}
	if st, _, _ := e.as(cookie, "POST", path, good); st != 404 {
		t.Fatalf("hours for someone without the therapist role: %d, want 404", st)
	}
	if st, _, _ := e.as(cookie, "POST", fmt.Sprintf("/admin/staff/%d/roles", admin.ID), url.Values{"roles": {"admin", "therapist"}}); st != 303 {
		t.Fatalf("roles: %d", st)
	}
	admin.Roles = []string{journey.RoleAdmin, journey.RoleTherapist}
	cookie = e.session(admin, true) // a change of roles ends the person's sessions
	bad := url.Values{"time_zone": {"Chicago"}, "consult_minutes": {"5"}, "start_1": {"9am"}, "end_1": {"noon"}, "start_3": {"14:00"}, "end_3": {"13:00"}}
	st, _, body := e.as(cookie, "POST", path, bad)
	for _, want := range []string{`id="time_zone-error">Choose a known time zone`, `value="Chicago"`, `id="consult_minutes-error">A consult lasts`,
		`value="5"`, `id="hours_1-error">Enter both times as HH:MM`, `value="9am"`, `value="noon"`, `id="hours_3-error">The start must come before the end`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad hours: %d, page lacks %s", st, want)
		}
	}
	if st != 422 {
		t.Fatalf("bad hours: %d", st)
	}
	if st, h, _ := e.as(cookie, "POST", path, good); st != 303 || h.Get("Location") != path+"?saved=1" {
		t.Fatalf("good hours: %d %q", st, h.Get("Location"))
	}
	if _, _, body := e.as(cookie, "GET", path, nil); !strings.Contains(body, `value="09:00"`) || !strings.Contains(body, `value="12:00"`) {
		t.Errorf("saved hours not shown\n%s", trim(body))
	}
	// Monday 7 January 2030, 09:00 in Chicago is 15:00 UTC.
	_, _, body = e.do("GET", "/api/v1/consult-slots?from=2030-01-07&days=1&tz=UTC", "", "")
	if !strings.Contains(body, `"start":"2030-01-07T15:00:00Z"`) || !strings.Contains(body, `"start":"2030-01-07T17:30:00Z"`) || strings.Contains(body, `"start":"2030-01-07T18:00:00Z"`) {
		t.Errorf("slots after setting hours: %s", body)
	}
	if n := e.auditCount("staff.hours.update", journey.AuditSuccess); n != 1 {
		t.Errorf("audit: %d hour changes, want 1", n)
	}
}

// TestStarterConsents: a practice with no consent documents is offered
// Journey's starter texts to review; the form opens with the text filled
// in, and once published the document leaves the starter list.
func TestStarterConsents(t *testing.T) {
	e := newEmptyEnv(t)
	admin := e.addUser(journey.UserStaff, "first@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	st, _, body := e.as(cookie, "GET", "/admin/consents", nil)
	if st != 200 || !strings.Contains(body, `href="/admin/consents/new?code=kap-informed-consent">Review Informed Consent for Ketamine-Assisted Psychotherapy`) {
		t.Fatalf("consents page offers no starter: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(cookie, "GET", "/admin/consents/new?code=telehealth-consent", nil)
	if st != 200 || !strings.Contains(body, "starter text") || !strings.Contains(body, `value="Consent to Telehealth Services"`) || !strings.Contains(body, "## How sessions take place") {
		t.Fatalf("starter form: %d\n%s", st, trim(body))
	}
	d := starter.Consent(journey.ConsentTelehealth)
	form := url.Values{"code": {d.Code}, "title": {d.Title}, "body": {d.Body}, "required": {"on"}}
	if st, _, body := e.as(cookie, "POST", "/admin/consents", form); st != 303 {
		t.Fatalf("publish starter: %d\n%s", st, trim(body))
	}
	_, _, body = e.as(cookie, "GET", "/admin/consents", nil)
	if strings.Contains(body, "new?code=telehealth-consent\">Review") || !strings.Contains(body, "new?code=kap-informed-consent\">Review") {
		t.Errorf("after publishing telehealth the starter list is wrong\n%s", trim(body))
	}
}

// TestFAQFromStarter: an empty FAQ starts from Journey's starter questions,
// unpublished; the admin edits one (a mistake beside its field, what was
// typed kept, the preview rendered) and publishes it.
func TestFAQFromStarter(t *testing.T) {
	e := newEmptyEnv(t)
	admin := e.addUser(journey.UserStaff, "first@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	if _, _, body := e.as(cookie, "GET", "/admin/faq", nil); !strings.Contains(body, "Add the starter questions") {
		t.Fatalf("empty FAQ offers no starter\n%s", trim(body))
	}
	if st, _, _ := e.as(cookie, "POST", "/admin/faq/starter", url.Values{}); st != 303 {
		t.Fatalf("starter: %d", st)
	}
	all, _ := e.db.FindFAQ(context.Background(), false)
	if len(all) != len(starter.FAQ()) || all[0].Published {
		t.Fatalf("after the starter: %d entries (first published %v), want %d unpublished", len(all), all[0].Published, len(starter.FAQ()))
	}
	if _, _, body := e.do("GET", "/api/v1/faq", "", ""); !strings.Contains(body, `"entries":[]`) {
		t.Errorf("unpublished starter questions are public: %s", body)
	}
	// Adding the starter set is one change: one version of the FAQ, the
	// admin's, after the empty one it replaced.
	if vs := e.versionsOf(cookie, "faq"); len(vs) != 2 || vs[0].By != "User first@practice.test" || !strings.HasPrefix(vs[1].Summary, "0 questions") {
		t.Errorf("the FAQ's versions after the starter set: %+v", vs)
	}
	if st, _, _ := e.as(cookie, "POST", "/admin/faq/starter", url.Values{}); st != 409 {
		t.Errorf("starter again: %d, want 409", st)
	}
	path := fmt.Sprintf("/admin/faq/%d", all[0].ID)
	st, _, body := e.as(cookie, "POST", path, url.Values{"question": {""}, "answer": {"Our **own** words <script>x</script>"}, "published": {"yes"}})
	for _, want := range []string{fmt.Sprintf(`id="q-%d-error">This field is required.`, all[0].ID), "Our **own** words &lt;script&gt;x&lt;/script&gt;", "<strong>own</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad entry: %d, page lacks %s", st, want)
		}
	}
	if st != 422 {
		t.Fatalf("bad entry: %d", st)
	}
	if st, _, _ := e.as(cookie, "POST", path, url.Values{"question": {"What is KAP here?"}, "answer": {"Our **own** words."}, "published": {"yes"}}); st != 303 {
		t.Fatalf("good entry: %d", st)
	}
	if _, _, body := e.do("GET", "/faq", "", ""); !strings.Contains(body, "What is KAP here?") || !strings.Contains(body, "<strong>own</strong>") {
		t.Errorf("published entry not on /faq\n%s", trim(body))
	}
	if st, _, _ := e.as(cookie, "POST", "/admin/faq/99999", url.Values{"question": {"Q?"}, "answer": {"A."}}); st != 404 {
		t.Errorf("unknown entry: %d, want 404", st)
	}
}

// TestLandingText: the landing page's text is previewed without being
// saved, then saved and shown; text that is too long is refused beside the
// field with what was typed kept.
func TestLandingText(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(journey.UserStaff, "boss@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	text := "## Care in Harbor Town\n\nWe are **three therapists** <b>and</b> a prescriber."
	st, _, body := e.as(cookie, "POST", "/admin/practice/landing", url.Values{"landing": {text}, "action": {"preview"}})
	if st != 200 || !strings.Contains(body, "<strong>three therapists</strong>") || !strings.Contains(body, "Preview (not saved)") ||
		!strings.Contains(body, "&lt;b&gt;and&lt;/b&gt;") {
		t.Fatalf("preview: %d\n%s", st, trim(body))
	}
	if _, _, home := e.do("GET", "/", "", ""); strings.Contains(home, "three therapists") || !strings.Contains(home, "How the program runs") {
		t.Fatal("a preview changed the landing page")
	}
	long := strings.Repeat("word ", 4001)
	st, _, body = e.as(cookie, "POST", "/admin/practice/landing", url.Values{"landing": {long}, "action": {"save"}})
	if st != 422 || !strings.Contains(body, `id="landing-error">Keep this under 20000 characters.`) || !strings.Contains(body, strings.Repeat("word ", 50)) {
		t.Fatalf("too long: %d", st)
	}
	if st, _, _ := e.as(cookie, "POST", "/admin/practice/landing", url.Values{"landing": {text}, "action": {"save"}}); st != 303 {
		t.Fatalf("save: %d", st)
	}
	if _, _, home := e.do("GET", "/", "", ""); !strings.Contains(home, "<strong>three therapists</strong>") || strings.Contains(home, "How the program runs") {
		t.Errorf("the landing page does not show the saved text\n%s", trim(home))
	}
}
