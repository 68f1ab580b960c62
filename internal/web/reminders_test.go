package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// feedAudits returns the outcomes of action's entries about calendar
// feed id ("" for entries naming none).
func (e *env) feedAudits(action string, id int64) []string {
	e.t.Helper()
	ctx := context.Background()
	e.db.FlushAudit(ctx)
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, en := range es {
		if en.Action == action && (id == 0 && en.SubjectID == "" || en.SubjectID == fmt.Sprint(id)) {
			out = append(out, en.Outcome)
		}
	}
	return out
}

// A member of staff and a client each make a private feed of their own
// sessions; it opens in go-ical with a stable UID per session, cancelled
// sessions CANCELLED, the staff feed naming clients by initials only;
// another may not revoke it, its owner does, and then it is 404. Making,
// reading and revoking are audited by the feed's id.
func TestCalendarFeeds(t *testing.T) {
	e := newEnv(t)
	c, u := sqldbtest.Client(t, e.db, e.ny.ID, "Cleo Client", "cleo@example.test", nil)
	client, nora, luis := e.session(u, true), e.session(staffUser(e.ny), true), e.session(staffUser(e.la), true)
	ids := sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{
		{ClientID: c.ID, Type: journey.TypePreparation, Mode: journey.ModeInPerson, Start: e.now.Add(48 * time.Hour), Minutes: 60, TherapistID: e.ny.ID},
		{ClientID: c.ID, Type: journey.TypeIntegration, Mode: journey.ModeRemote, Start: e.now.Add(96 * time.Hour), Minutes: 60, TherapistID: e.ny.ID},
		{ClientID: c.ID, Type: journey.TypeIntegration, Mode: journey.ModeInPerson, Start: e.now.Add(120 * time.Hour), Minutes: 60, TherapistID: e.la.ID},
	})
	sqldbtest.SetSession(t, e.db, ids[1], journey.SessionCancelled, 2, e.now.Add(96*time.Hour))

	create := func(cookie string) (int64, string) {
		t.Helper()
		st, _, body := e.api(cookie, "POST", "/api/v1/calendar-feeds", "")
		var out struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		}
		if st != 201 || json.Unmarshal([]byte(body), &out) != nil || out.ID == 0 || !strings.HasPrefix(out.URL, "http://journey.test/calendar/jy_cal_") {
			t.Fatalf("create: %d %s", st, body)
		}
		return out.ID, strings.TrimPrefix(out.URL, "http://journey.test")
	}
	read := func(path string) *ics.Calendar {
		t.Helper()
		st, h, body := e.do("GET", path, "", "")
		if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/calendar") {
			t.Fatalf("read %s: %d %s", path, st, body)
		}
		for _, banned := range []string{"Cleo", "cleo@"} {
			if strings.Contains(body, banned) {
				t.Errorf("the feed says %q", banned)
			}
		}
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("feed: %v\n%s", err, body)
		}
		return cal
	}

	noraFeed, noraPath := create(nora)
	cal := read(noraPath)
	evs := cal.Events()
	if len(evs) != 2 || evs[0].Id() != journey.SessionUID(ids[0])+"@journey.test" || evs[1].Id() != journey.SessionUID(ids[1])+"@journey.test" {
		t.Fatalf("Nora's feed: %d events", len(evs))
	}
	if got := evs[0].GetProperty(ics.ComponentPropertySummary).Value; got != "Preparation · C.C." {
		t.Errorf("summary %q", got)
	}
	if evs[1].GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" || evs[1].GetProperty(ics.ComponentPropertySequence).Value != "2" {
		t.Errorf("the cancelled session: %+v", evs[1].Properties)
	}
	if len(cal.Timezones()) != 1 || cal.Timezones()[0].GetProperty(ics.ComponentPropertyTzid).Value != "America/New_York" {
		t.Errorf("Nora's feed is not in her zone")
	}
	_, clientPath := create(client)
	if evs := read(clientPath).Events(); len(evs) != 3 || !strings.Contains(evs[2].GetProperty(ics.ComponentPropertySummary).Value, sqldbtest.Practice.Name) {
		t.Fatalf("the client's feed: %d events", len(evs))
	}

	if st, _, body := e.api(luis, "DELETE", fmt.Sprintf("/api/v1/calendar-feeds/%d", noraFeed), ""); st != 404 {
		t.Fatalf("Luis revoked Nora's feed: %d %s", st, body)
	}
	if st, _, body := e.api(nora, "GET", "/api/v1/calendar-feeds", ""); st != 200 || !strings.Contains(body, fmt.Sprintf(`"id":%d`, noraFeed)) || strings.Contains(body, "jy_cal_") {
		t.Fatalf("list: %d %s", st, body)
	}
	if st, _, _ := e.api(nora, "DELETE", fmt.Sprintf("/api/v1/calendar-feeds/%d", noraFeed), ""); st != 204 {
		t.Fatalf("revoke: %d", st)
	}
	for _, path := range []string{noraPath, "/calendar/jy_cal_nonsense-token-of-no-feed-at-all.ics", strings.TrimSuffix(clientPath, ".ics")} {
		if st, _, _ := e.do("GET", path, "", ""); st != 404 {
			t.Errorf("%s: %d, want 404", path, st)
		}
	}
	if got := e.feedAudits("calendar_feed.create", noraFeed); len(got) != 1 {
		t.Errorf("creation audited %v", got)
	}
	if got := e.feedAudits("calendar_feed.read", noraFeed); len(got) != 1 || got[0] != journey.AuditSuccess {
		t.Errorf("reads audited %v", got)
	}
	if got := e.feedAudits("calendar_feed.revoke", noraFeed); len(got) != 2 { // Luis's refusal, Nora's revocation
		t.Errorf("revocations audited %v", got)
	}
	if got := e.feedAudits("calendar_feed.read", 0); len(got) != 2 {
		t.Errorf("reads of no feed audited %v", got)
	}
}

// A client records their own answer about texts; staff may on their word;
// a therapist outside the care team may not see it. Bad input is a field
// error.
func TestTextConsentAPI(t *testing.T) {
	e := newEnv(t)
	c, u := sqldbtest.Client(t, e.db, e.ny.ID, "Cleo Client", "cleo@example.test", nil)
	client, luis := e.session(u, true), e.session(staffUser(e.la), true)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	path := fmt.Sprintf("/api/v1/clients/%d/text-consent", c.ID)
	e.apiCases([]cookieScenario{
		{name: "never asked", cookie: client, method: "GET", path: path, status: 200, contains: []string{`"agreed":false`, `"recorded_at":null`}},
		{name: "agreeing without a number", cookie: client, method: "PUT", path: path, body: `{"agreed": true, "phone": "call me"}`, status: 422,
			contains: []string{`"field":"phone"`}},
		{name: "no answer", cookie: client, method: "PUT", path: path, body: `{"phone": "+1 503 555 0142"}`, status: 422, contains: []string{`"field":"agreed"`}},
		{name: "the client agrees", cookie: client, method: "PUT", path: path, body: `{"agreed": true, "phone": "(503) 555-0142"}`, status: 200,
			contains: []string{`"agreed":true`, `"phone":"+15035550142"`, `"recorded_at":"`}},
		{name: "another therapist", cookie: luis, method: "GET", path: path, status: 404},
		{name: "front desk on the client's word", cookie: desk, method: "PUT", path: path, body: `{"agreed": false}`, status: 200,
			contains: []string{`"agreed":false`, `"phone":""`}},
	})
}

// Front desk sees failed deliveries by id, initials and class, never an
// address; a therapist does not.
func TestFailedDeliveriesAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cleo, _ := sqldbtest.Client(t, e.db, e.ny.ID, "Cleo Client", "cleo@example.test", nil)
	ms, _ := e.db.FindMessages(ctx, "", 10)
	if err := e.db.MarkMessage(ctx, ms[0].ID, journey.MailFailed, 12, "550 cleo@example.test unknown"); err != nil {
		t.Fatal(err)
	}
	// Her monitor's text could not go: no provider is set up.
	if err := e.db.SetMonitor(ctx, &journey.Monitor{ClientID: cleo.ID, Name: "Sam Monitor", Phone: "+15035550177", Relationship: "partner",
		Adult: true, Agreed: true, Texts: true}); err != nil {
		t.Fatal(err)
	}
	sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{{ClientID: cleo.ID, Type: journey.TypeMedicine, Mode: journey.ModeRemote,
		Start: e.now.Add(50 * time.Hour), Minutes: 180}})
	var texts []int64
	e.db.EnqueueMonitorTexts = func(_ context.Context, _ *sql.Tx, ids []int64) error { texts = append(texts, ids...); return nil }
	if _, err := e.db.SendMonitorInstructions(ctx, true); err != nil || len(texts) != 1 {
		t.Fatalf("monitor texts %v (%v)", texts, err)
	}
	if err := e.db.DeliverMonitorText(ctx, texts[0], nil); err != nil {
		t.Fatal(err)
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	nora := e.session(staffUser(e.ny), true)
	e.apiCases([]cookieScenario{
		{name: "front desk", cookie: desk, method: "GET", path: "/api/v1/deliveries/failed", status: 200,
			contains: []string{fmt.Sprintf(`"message_id":%d`, ms[0].ID), `"error_class":"smtp"`,
				fmt.Sprintf(`"monitor_message_id":%d,"channel":"sms","kind":"monitor","client_initials":"C.C."`, texts[0]), `"error_class":"unavailable"`},
			excludes: []string{"cleo", "550", "Sam", "0177"}},
		{name: "a bad limit", cookie: desk, method: "GET", path: "/api/v1/deliveries/failed?limit=9999", status: 422, contains: []string{`"field":"limit"`}},
		{name: "a therapist", cookie: nora, method: "GET", path: "/api/v1/deliveries/failed", status: 403},
	})
	if st, _, body := e.as(desk, "GET", "/staff/deliveries", nil); st != 200 || !strings.Contains(body, fmt.Sprintf("monitor message %d", texts[0])) ||
		!strings.Contains(body, "Text: the monitor's instructions") || strings.Contains(body, "0177") {
		t.Fatalf("the deliveries page: %d\n%s", st, body)
	}
	// The read is audited by the ids of what it showed.
	e.db.FlushAudit(context.Background())
	es, err := e.db.FindAudit(context.Background(), journey.AuditFilter{Action: "deliveries.read"})
	if err != nil || len(es) == 0 || !strings.Contains(es[0].Detail, fmt.Sprintf("other emails %d", ms[0].ID)) ||
		!strings.Contains(es[0].Detail, fmt.Sprintf("monitor messages %d", texts[0])) {
		t.Fatalf("audited: %v %+v", err, es)
	}
}

// An admin raises the fasting; lowering it below the defaults is refused.
func TestReminderSettingsAPI(t *testing.T) {
	e := newEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	e.apiCases([]cookieScenario{
		{name: "defaults", cookie: admin, method: "GET", path: "/api/v1/practice/reminders", status: 200,
			contains: []string{`"early_hours":72`, `"day_hours":24`, `"fast_food_hours":2`, `"fast_liquid_minutes":30`}},
		{name: "too little fasting", cookie: admin, method: "PUT", path: "/api/v1/practice/reminders", body: `{"fast_food_hours": 1}`, status: 422,
			contains: []string{`"field":"fast_food_hours"`}},
		{name: "raised", cookie: admin, method: "PUT", path: "/api/v1/practice/reminders", body: `{"fast_food_hours": 4, "fast_liquid_minutes": 120}`, status: 200,
			contains: []string{`"fast_food_hours":4`, `"fast_liquid_minutes":120`, `"early_hours":72`}},
	})
}

// apiCases runs each scenario as a JSON API request (runAs sends forms).
func (e *env) apiCases(cs []cookieScenario) {
	e.t.Helper()
	for _, c := range cs {
		st, _, body := e.api(c.cookie, c.method, c.path, c.body)
		if st != c.status {
			e.t.Errorf("%s: %d, want %d: %s", c.name, st, c.status, body)
			continue
		}
		for _, want := range c.contains {
			if !strings.Contains(body, want) {
				e.t.Errorf("%s: lacks %s: %s", c.name, want, body)
			}
		}
		for _, no := range c.excludes {
			if strings.Contains(body, no) {
				e.t.Errorf("%s: says %s: %s", c.name, no, body)
			}
		}
	}
}

// The portal's reminders page: a wrong number is named beside the field,
// what was typed kept and escaped; a right one is saved; a calendar link
// is shown once and can be stopped.
func TestPortalRemindersPage(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Cleo Client", "cleo@example.test", nil)
	st, _, body := e.as(cookie, "GET", "/portal/reminders", nil)
	if st != 200 || !strings.Contains(body, `action="/portal/texts"`) || !strings.Contains(body, `href="/portal/reminders"`) {
		t.Fatalf("page: %d", st)
	}
	st, _, body = e.as(cookie, "POST", "/portal/texts", url.Values{"agreed": {"yes"}, "phone": {`<b>555</b>`}})
	if st != 422 || !strings.Contains(body, `id="phone-error"`) || !strings.Contains(body, `value="&lt;b&gt;555&lt;/b&gt;"`) || !strings.Contains(body, `href="#phone"`) {
		t.Fatalf("a wrong number: %d %s", st, body)
	}
	st, h, _ := e.as(cookie, "POST", "/portal/texts", url.Values{"agreed": {"yes"}, "phone": {"(503) 555-0142"}})
	if st != 303 || h.Get("Location") != "/portal/reminders?saved=texts" {
		t.Fatalf("saving: %d %s", st, h.Get("Location"))
	}
	if _, _, body = e.as(cookie, "GET", "/portal/reminders?saved=texts", nil); !strings.Contains(body, `value="&#43;15035550142"`) || !strings.Contains(body, "You agreed to texts") {
		t.Errorf("after saving:\n%s", body)
	}
	st, _, body = e.as(cookie, "POST", "/portal/calendar", url.Values{})
	m := regexp.MustCompile(`value="(http://journey\.test/calendar/jy_cal_[A-Za-z0-9_-]+\.ics)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("a calendar link: %d", st)
	}
	if st, _, _ := e.do("GET", strings.TrimPrefix(m[1], "http://journey.test"), "", ""); st != 200 {
		t.Fatalf("the link: %d", st)
	}
	feeds, _ := e.db.FindCalendarFeeds(context.Background(), mustUserOf(t, e, cookie))
	st, h, _ = e.as(cookie, "POST", fmt.Sprintf("/portal/calendar/%d/revoke", feeds[0].ID), url.Values{})
	if st != 303 || h.Get("Location") != "/portal/reminders?saved=revoked" {
		t.Fatalf("stopping: %d", st)
	}
	if st, _, _ := e.do("GET", strings.TrimPrefix(m[1], "http://journey.test"), "", ""); st != 404 {
		t.Fatalf("the stopped link: %d", st)
	}
}

func mustUserOf(t *testing.T, e *env, cookie string) int64 {
	t.Helper()
	s, err := e.db.FindSession(context.Background(), cookie)
	if err != nil {
		t.Fatal(err)
	}
	return s.UserID
}

// Front desk's failed deliveries name the client by initials and say why,
// never the address; the admin's reminder rules keep what was typed.
func TestStaffReminderPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := sqldbtest.Client(t, e.db, e.ny.ID, "Cleo Client", "cleo@example.test", nil)
	now := *e.now
	ids := sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{{ClientID: c.ID, Type: journey.TypeIntegration, Mode: journey.ModeInPerson,
		Start: now.Add(20 * time.Hour), Minutes: 60}})
	if _, err := e.db.ScheduleReminders(ctx, false, 10); err != nil {
		t.Fatal(err)
	}
	rs, _ := e.db.FindReminders(ctx, ids[0])
	if err := e.db.SendReminder(ctx, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	rs, _ = e.db.FindReminders(ctx, ids[0])
	if err := e.db.MarkMessage(ctx, rs[0].MessageID, journey.MailFailed, 12, "550 cleo@example.test unknown"); err != nil {
		t.Fatal(err)
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	st, _, body := e.as(desk, "GET", "/staff/deliveries", nil)
	if st != 200 || !strings.Contains(body, "C.C.") || !strings.Contains(body, "second reminder") || !strings.Contains(body, fmt.Sprintf("reminder %d", rs[0].ID)) ||
		strings.Contains(body, "cleo@") || strings.Contains(body, "Cleo") {
		t.Fatalf("deliveries: %d\n%s", st, body)
	}
	if st, _, _ := e.as(e.session(staffUser(e.ny), true), "GET", "/staff/deliveries", nil); st != 403 {
		t.Errorf("a therapist: %d", st)
	}
	_, admin := e.staffCookie(journey.RoleAdmin)
	form := url.Values{"early_hours": {"72"}, "day_hours": {"24"}, "morning_hour": {"9"}, "fast_food_hours": {"<i>1</i>"}, "fast_liquid_minutes": {"20"}}
	st, _, body = e.as(admin, "POST", "/admin/reminders", form)
	if st != 422 || !strings.Contains(body, `id="fast_food_hours-error"`) || !strings.Contains(body, `value="&lt;i&gt;1&lt;/i&gt;"`) ||
		!strings.Contains(body, `id="fast_liquid_minutes-error"`) || strings.Contains(body, `id="early_hours-error"`) {
		t.Fatalf("wrong rules: %d\n%s", st, body)
	}
	form.Set("fast_food_hours", "4")
	form.Set("fast_liquid_minutes", "120")
	if st, h, _ := e.as(admin, "POST", "/admin/reminders", form); st != 303 || h.Get("Location") != "/admin/reminders?saved=1" {
		t.Fatalf("saving: %d", st)
	}
	if s, _ := e.db.FindReminderSettings(ctx); s.FastFoodHours != 4 || s.FastLiquidMinutes != 120 {
		t.Fatalf("saved %+v", s)
	}
	nora := e.session(staffUser(e.ny), true)
	st, _, body = e.as(nora, "POST", "/account/calendar", url.Values{})
	if st != 200 || !strings.Contains(body, "/calendar/jy_cal_") {
		t.Fatalf("Nora's calendar link: %d", st)
	}
}
