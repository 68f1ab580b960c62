package web

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// remoteReady returns a care env with a second medical provider (Otto,
// at work weekdays 9 to 5) and a cleared client on a remote plan who has
// named their monitor: every gate of a remote medicine session holds.
func remoteReady(t *testing.T) (e *careEnv, c *journey.Client, otto int64) {
	t.Helper()
	e = newCareEnv(t)
	ctx := context.Background()
	otto = sqldbtest.Staff(t, e.db, "Otto Provider", journey.RoleMedicalProvider)
	var week []journey.WeeklyHours
	for d := time.Monday; d <= time.Friday; d++ {
		week = append(week, journey.WeeklyHours{Weekday: d, Start: 9 * 60, End: 17 * 60})
	}
	if err := e.db.SetStaffHours(ctx, &journey.StaffHours{StaffID: otto, TimeZone: "America/New_York", Weekly: week}); err != nil {
		t.Fatal(err)
	}
	c = (&sqldbtest.Care{Therapist: e.ny, Provider: e.mp}).ReadyClient(t, e.db, "Rowan Remote", "rowan@client.test", *e.now)
	client := e.session(&journey.User{ID: c.UserID}, true)
	if st, _, body := e.as(e.nora, "POST", fmt.Sprintf("/staff/clients/%d/plan", c.ID), url.Values{"preparations": {"2"}, "initial_doses": {"2"},
		"integration_min_days": {"1"}, "integration_max_days": {"7"}, "continuation": {"4"}, "mode": {"remote"}, "route": {"lozenge"},
		"reason": {"Lives two hours away."}}); st != 303 {
		t.Fatalf("the remote plan: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(client, "POST", "/portal/monitor", url.Values{"name": {"Max Monitor"}, "phone": {"(503) 555-0142"},
		"relationship": {"Partner"}, "adult": {"yes"}, "email": {"max@monitor.test"}, "agreed": {"yes"}, "texts": {"yes"}}); st != 303 {
		t.Fatalf("the monitor: %d\n%s", st, trim(body))
	}
	return e, c, otto
}

// The staff choose a remote medicine session's on-call medical contact on
// the calendar's booking form (the session's medical provider unless
// another active one is chosen; anyone else refused beside the field, the
// choices kept) and change it on the session's page; moving the session
// to another medical provider takes a default on-call contact with it.
func TestStaffOnCallChoice(t *testing.T) {
	e, c, otto := remoteReady(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	monday := time.Date(2030, 1, 7, 9, 0, 0, 0, ny)
	cal := fmt.Sprintf("client-%d", c.ID)
	search := fmt.Sprintf("/staff/calendar?cal=%s&date=2030-01-07&find=1&type=medicine&mode=remote&route=lozenge", cal)
	book := func(onCall int64) string {
		return url.Values{"cal": {cal}, "view": {"week"}, "date": {"2030-01-07"}, "find": {"1"}, "client_id": {fmt.Sprint(c.ID)},
			"type": {journey.TypeMedicine}, "mode": {journey.ModeRemote}, "route": {journey.RouteLozenge}, "start": {monday.Format(time.RFC3339)},
			"therapist_id": {fmt.Sprint(e.ny.ID)}, "medical_provider_id": {fmt.Sprint(e.mp)}, "chaperone_id": {fmt.Sprint(e.chap)},
			"on_call_id": {fmt.Sprint(onCall)}}.Encode()
	}
	e.runAs(t, []cookieScenario{
		{"the plan page says how the monitor may be reached", e.nora, "GET", fmt.Sprintf("/staff/clients/%d/plan", c.ID), "", 200,
			[]string{"<bdi>Max Monitor</bdi> (Partner)", "agreed to be contacted at max@monitor.test and by text."}, nil},
		{"the search offers the medical providers, the session's own first", e.nora, "GET", search, "", 200,
			[]string{`<select id="on_call_id" name="on_call_id"`, `<option value="" selected>The session&#39;s medical provider</option>`,
				fmt.Sprintf(`<option value="%d">Mia Provider</option>`, e.mp), fmt.Sprintf(`<option value="%d">Otto Provider</option>`, otto)},
			[]string{fmt.Sprintf(`<option value="%d">Cal Chaperone</option>`, e.chap)}},
		{"a chosen one is carried by every free time", e.nora, "GET", search + fmt.Sprintf("&on_call_id=%d", otto), "", 200,
			[]string{fmt.Sprintf(`<option value="%d" selected>Otto Provider</option>`, otto), fmt.Sprintf(`<input type="hidden" name="on_call_id" value="%d">`, otto)}, nil},
		{"the chaperone on call: refused beside the field, the choices kept", e.nora, "POST", "/staff/calendar/book", book(e.chap), 422,
			[]string{`id="on_call_id-error">Choose an active medical provider on staff to be on call.`, `<option value="medicine" selected>`,
				`id="mode-remote" name="mode" value="remote" checked`, `href="#on_call_id"`}, nil},
	})
	st, h, body := e.send(e.nora, "POST", "/staff/calendar/book", "application/x-www-form-urlencoded", book(otto))
	if st != 303 || !strings.Contains(h.Get("Location"), "booked=1") {
		t.Fatalf("the booking: %d %s\n%s", st, h.Get("Location"), trim(body))
	}
	ss, err := e.db.FindCareSessions(ctx, journey.CareSessionFilter{ClientID: c.ID, From: monday.AddDate(0, 0, -1), To: monday.AddDate(0, 0, 1), Limit: 10})
	if err != nil || len(ss) != 1 || ss[0].OnCallID != otto {
		t.Fatalf("booked: %+v %v; want Otto on call", ss, err)
	}
	id := ss[0].ID
	page := fmt.Sprintf("/staff/sessions/%d", id)
	e.runRedirecting(t, []cookieScenario{
		{"the session's page names Otto and offers the change", e.nora, "GET", page, "", 200,
			[]string{"<dt>On call (medical)</dt><dd><bdi>Otto Provider</bdi></dd>", fmt.Sprintf(`action="/staff/sessions/%d/on-call"`, id),
				fmt.Sprintf(`<option value="%d" selected>Otto Provider</option>`, otto)}, nil},
		{"the chaperone on call: refused beside the field", e.nora, "POST", page + "/on-call", url.Values{"on_call_id": {fmt.Sprint(e.chap)}}.Encode(), 422,
			[]string{`id="on_call_id-error">Choose an active medical provider on staff to be on call.`}, nil},
		{"nothing chosen", e.nora, "POST", page + "/on-call", "on_call_id=", 422, []string{`id="on_call_id-error"`}, nil},
		{"Mia on call", e.nora, "POST", page + "/on-call", url.Values{"on_call_id": {fmt.Sprint(e.mp)}}.Encode(), 303, nil, nil},
		{"the change is shown", e.nora, "GET", page + "?done=on-call", "", 200,
			[]string{"The on-call medical contact is changed.", "<dt>On call (medical)</dt><dd><bdi>Mia Provider</bdi></dd>"}, nil},
		{"free times with Otto as medical provider", e.nora, "GET", page + fmt.Sprintf("?find=1&date=2030-01-14&medical_provider_id=%d", otto), "", 200,
			[]string{fmt.Sprintf(`<input type="hidden" name="medical_provider_id" value="%d">`, otto), "Otto Provider (medical provider)",
				fmt.Sprintf(`<option value="%d" selected>Otto Provider</option>`, otto)}, nil},
		{"moved to Otto", e.nora, "POST", page + "/reschedule", url.Values{"date": {"2030-01-14"}, "start": {monday.AddDate(0, 0, 7).Format(time.RFC3339)},
			"medical_provider_id": {fmt.Sprint(otto)}}.Encode(), 303, nil, nil},
	}, func(string) string { return page + "?done=" })
	s, err := e.db.FindCareSession(ctx, id)
	if err != nil || s.MedicalProviderID != otto || s.OnCallID != otto || !s.Start.Equal(monday.AddDate(0, 0, 7)) {
		t.Fatalf("moved: %+v %v; want Otto as medical provider and on call", s, err)
	}
}

// Through the API: the on-call contact of a remote medicine session is
// changed to an active medical provider only (422 beside on_call_id), by
// those who may change the session; a move to another medical provider
// takes a default on-call contact with it.
func TestSessionOnCallChangeAPI(t *testing.T) {
	e, c, otto := remoteReady(t)
	st, _, out := e.send(e.nora, "POST", "/api/v1/sessions", "application/json", fmt.Sprintf(`{"client_id":%d,"type":"medicine","start":"2030-01-08T09:00:00-05:00",
		"mode":"remote","route":"lozenge","therapist_id":%d,"medical_provider_id":%d,"chaperone_id":%d}`, c.ID, e.ny.ID, e.mp, e.chap))
	if st != 201 || !strings.Contains(out, fmt.Sprintf(`"on_call_id":%d`, e.mp)) {
		t.Fatalf("book: %d %s", st, trim(out))
	}
	path := "/api/v1/sessions/" + regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(out)[1]
	for _, sc := range []cookieScenario{
		{"the chaperone on call", e.nora, "POST", path + "/on-call", fmt.Sprintf(`{"on_call_id":%d}`, e.chap), 422, []string{`"field":"on_call_id"`}, nil},
		{"the client may not", e.client, "POST", path + "/on-call", fmt.Sprintf(`{"on_call_id":%d}`, otto), 403, nil, nil},
		{"Otto on call", e.nora, "POST", path + "/on-call", fmt.Sprintf(`{"on_call_id":%d}`, otto), 200, []string{fmt.Sprintf(`"on_call_id":%d`, otto)}, nil},
		{"back to Mia", e.nora, "POST", path + "/on-call", fmt.Sprintf(`{"on_call_id":%d}`, e.mp), 200, []string{fmt.Sprintf(`"on_call_id":%d`, e.mp)}, nil},
		{"moved to a chaperone as medical provider", e.nora, "POST", path + "/reschedule",
			fmt.Sprintf(`{"start":"2030-01-09T09:00:00-05:00","medical_provider_id":%d}`, e.chap), 422, []string{`"field":"medical_provider_id"`}, nil},
		{"moved to Otto", e.nora, "POST", path + "/reschedule", fmt.Sprintf(`{"start":"2030-01-09T09:00:00-05:00","medical_provider_id":%d}`, otto), 200,
			[]string{fmt.Sprintf(`"medical_provider_id":%d`, otto), fmt.Sprintf(`"on_call_id":%d`, otto)}, nil},
	} {
		st, _, out := e.send(sc.cookie, sc.method, sc.path, "application/json", sc.body)
		if st != sc.status {
			t.Errorf("%s: %d, want %d: %s", sc.name, st, sc.status, trim(out))
			continue
		}
		for _, want := range sc.contains {
			if !strings.Contains(out, want) {
				t.Errorf("%s: lacks %s: %s", sc.name, want, trim(out))
			}
		}
	}
}
