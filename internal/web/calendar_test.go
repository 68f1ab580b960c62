package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// careSession writes a session of the client holding the people given, as
// a booking would.
func (e *careEnv) careSession(typ string, start, end time.Time, people map[string]int64) int64 {
	e.t.Helper()
	route := ""
	if typ == journey.TypeMedicine {
		route = journey.RouteLozenge
	}
	var id int64
	err := e.db.Write.QueryRow(e.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, route, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'in_person', ?, ?, 0, 0) RETURNING id`), e.c.ID, typ, start.Unix(), end.Unix(), end.Unix(), route, e.ny.ID).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	people[journey.NeedClient] = e.c.ID
	for role, rid := range people {
		if _, err := e.db.Write.Exec(e.db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
			id, role, journey.ResourceKind(role), rid, start.Unix(), end.Unix()); err != nil {
			e.t.Fatal(err)
		}
	}
	return id
}

func TestCalendarPages(t *testing.T) {
	e := newCareEnv(t)
	ny, _ := time.LoadLocation("America/New_York")
	monday := time.Date(2030, 1, 7, 0, 0, 0, 0, ny)
	_, chapCookie := e.chaperoneCookie()
	e.careSession(journey.TypeMedicine, monday.Add(13*time.Hour), monday.Add(16*time.Hour),
		map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedMedicalProvider: e.mp, journey.NeedChaperone: e.chap, journey.NeedRoom: e.room})
	clientCal := fmt.Sprintf("/staff/calendar?cal=client-%d&date=2030-01-07", e.c.ID)
	book := func(start time.Time, typ string, extra url.Values) string {
		v := url.Values{"cal": {fmt.Sprintf("client-%d", e.c.ID)}, "view": {"week"}, "date": {"2030-01-07"}, "find": {"1"},
			"client_id": {fmt.Sprint(e.c.ID)}, "type": {typ}, "mode": {journey.ModeInPerson}, "therapist_id": {fmt.Sprint(e.ny.ID)}}
		if !start.IsZero() {
			v.Set("start", start.Format(time.RFC3339))
		}
		for k, vs := range extra {
			v[k] = vs
		}
		return v.Encode()
	}
	e.runAs(t, []cookieScenario{
		{"my week", e.nora, "GET", "/staff/calendar?date=2030-01-07", "", 200,
			[]string{"My calendar: week of Monday 7 January 2030", "13:00–16:00", "Medicine session", `<a href="/staff/clients/`, "Casey Client", "Cedar",
				"Mia Provider", `href="/staff/calendar" aria-current="page">Calendar</a>`, "Book a session from the free times"}, nil},
		{"a day", e.nora, "GET", "/staff/calendar?date=2030-01-08&view=day", "", 200, []string{"My calendar: tuesday 8 January 2030", "Nothing booked."}, []string{"Medicine session"}},
		{"the client's week finds free times", e.nora, "GET", clientCal + "&find=1&type=preparation&mode=in_person", "", 200,
			[]string{"Casey Client: week of Monday 7 January 2030", "Free times, Monday 7 January to Sunday 13 January", "Book 09:00–10:00",
				"with Nora York (therapist)", `<option value="preparation" selected>`, `value="2030-01-07T09:00:00-05:00"`},
			[]string{`value="2030-01-07T13:00:00-05:00"`, `value="2030-01-07T12:30:00-05:00"`, `value="2030-01-07T15:30:00-05:00"`}}, // the client is in their medicine session
		{"a booking from a free time", e.nora, "POST", "/staff/calendar/book", book(monday.Add(9*time.Hour), journey.TypePreparation, nil), 303, nil, nil},
		{"the same time again is refused, the choice kept", e.nora, "POST", "/staff/calendar/book", book(monday.Add(9*time.Hour), journey.TypePreparation, nil), 409,
			[]string{"Monday 7 January, 09:00 could not be booked", "Nora York: ", `<option value="preparation" selected>`, "Free times"}, nil},
		{"a time not chosen", e.nora, "POST", "/staff/calendar/book", book(time.Time{}, journey.TypePreparation, nil), 422,
			[]string{"Choose one of the free times."}, nil},
		{"a medicine session with its gates unmet", e.nora, "POST", "/staff/calendar/book",
			book(monday.AddDate(0, 0, 1).Add(9*time.Hour), journey.TypeMedicine, url.Values{"route": {journey.RouteLozenge},
				"medical_provider_id": {fmt.Sprint(e.mp)}, "chaperone_id": {fmt.Sprint(e.chap)}, "room_id": {fmt.Sprint(e.room)}}), 409,
			[]string{"Tuesday 8 January, 09:00 could not be booked", "Before a medicine session", "Not yet:", `id="route-lozenge" name="route" value="lozenge" checked`}, nil},
		{"what was typed is kept, escaped", e.nora, "GET", "/staff/calendar?book=1&find=1&client_id=%3Cscript%3E&type=%3Cb%3Emassage", "", 200,
			[]string{"Choose the client."}, []string{"<script>", "<b>massage"}},
		{"everyone's week for the front desk", e.desk, "GET", "/staff/calendar?cal=team&date=2030-01-07", "", 200,
			[]string{"Everyone: week of Monday 7 January 2030", `<th scope="row"><bdi>Nora York</bdi>`, "Cal Chaperone", `role="region"`}, nil},
		{"the chaperone sees a first name and cannot book", chapCookie, "GET", "/staff/calendar?date=2030-01-07", "", 200,
			[]string{"Medicine session</strong>: <bdi>Casey</bdi>", "13:00–16:00"}, []string{"Casey Client", "Book a session", "lozenge"}},
		{"the chaperone may not book", chapCookie, "POST", "/staff/calendar/book", book(monday.Add(11*time.Hour), journey.TypePreparation, nil), 403, nil, nil},
		{"the client's calendar in a week without sessions is titled with their name", e.nora, "GET", fmt.Sprintf("/staff/calendar?cal=client-%d&date=2030-02-04", e.c.ID), "", 200,
			[]string{"Casey Client: week of Monday 4 February 2030", "For <strong><bdi>Casey Client</bdi></strong>."}, nil},
		{"the client's chart links to their calendar", e.nora, "GET", fmt.Sprintf("/staff/clients/%d", e.c.ID), "", 200,
			[]string{fmt.Sprintf(`<a href="/staff/calendar?cal=client-%d">`, e.c.ID)}, nil},
		{"another therapist sees none of the client's sessions", e.luis, "GET", clientCal, "", 200, []string{"No sessions in these days."}, []string{"Casey Client", "13:00–16:00"}},
	})
	// The booking is on the client's calendar.
	if _, _, body := e.send(e.nora, "GET", clientCal, "", ""); !strings.Contains(body, "09:00–10:00") || !strings.Contains(body, "Preparation") {
		t.Errorf("the booked preparation is not on the calendar\n%s", trim(body))
	}
}

// chaperoneCookie is a signed-in session of the practice's chaperone.
func (e *careEnv) chaperoneCookie() (*journey.User, string) {
	u := &journey.User{ID: e.chap, Kind: journey.UserStaff, Roles: []string{journey.RoleChaperone}, Active: true}
	return u, e.session(u, true)
}

// Issue 11: a therapist books a remote medicine session from the calendar
// for a cleared client on a remote plan. With no monitor named the booking
// is refused by the monitor gate in words, the choices kept; a remote
// session by injection is refused beside the route; once the client names
// a monitor in the portal the same time books, its page carries the video
// link and the plan page names the monitor.
func TestCalendarRemoteMedicineSession(t *testing.T) {
	e := newCareEnv(t)
	ctx := context.Background()
	set, err := e.db.FindCareSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.TelehealthTemplate, set.UpdatedBy = "https://video.example/room/{session_id}", e.ny.ID
	if err := e.db.UpdateCareSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	c := (&sqldbtest.Care{Therapist: e.ny, Provider: e.mp}).ReadyClient(t, e.db, "Rowan Remote", "rowan@client.test", *e.now)
	client := e.session(&journey.User{ID: c.UserID}, true)
	planPath := fmt.Sprintf("/staff/clients/%d/plan", c.ID)
	if st, _, body := e.as(e.nora, "POST", planPath, url.Values{"preparations": {"2"}, "initial_doses": {"2"}, "integration_min_days": {"1"},
		"integration_max_days": {"7"}, "continuation": {"4"}, "mode": {"remote"}, "route": {"lozenge"}, "reason": {"Lives two hours away."}}); st != 303 {
		t.Fatalf("the remote plan: %d\n%s", st, trim(body))
	}
	ny, _ := time.LoadLocation("America/New_York")
	monday := time.Date(2030, 1, 7, 9, 0, 0, 0, ny)
	cal := fmt.Sprintf("client-%d", c.ID)
	search := fmt.Sprintf("/staff/calendar?cal=%s&date=2030-01-07&find=1&type=medicine&mode=remote&route=lozenge", cal)
	st, _, body := e.as(e.nora, "GET", search, nil)
	if st != 200 {
		t.Fatalf("the search: %d\n%s", st, trim(body))
	}
	book := func(route string) string {
		return url.Values{"cal": {cal}, "view": {"week"}, "date": {"2030-01-07"}, "find": {"1"}, "client_id": {fmt.Sprint(c.ID)},
			"type": {journey.TypeMedicine}, "mode": {journey.ModeRemote}, "route": {route}, "start": {monday.Format(time.RFC3339)},
			"therapist_id": {fmt.Sprint(e.ny.ID)}, "medical_provider_id": {fmt.Sprint(e.mp)}, "chaperone_id": {fmt.Sprint(e.chap)}}.Encode()
	}
	monitorGate := "The client has not named an adult monitor with a phone number in the portal: no monitor, no remote session."
	e.runAs(t, []cookieScenario{
		{"the search lists the monitor gate unmet", e.nora, "GET", search, "", 200,
			[]string{"Rowan Remote: week of Monday 7 January 2030", "Not yet:</strong> " + monitorGate, "Free times, Monday 7 January",
				`id="mode-remote" name="mode" value="remote" checked`, `value="2030-01-07T09:00:00-05:00"`}, []string{"room Cedar"}},
		{"no monitor: refused in words, the choices kept", e.nora, "POST", "/staff/calendar/book", book(journey.RouteLozenge), 409,
			[]string{"Monday 7 January, 09:00 could not be booked", monitorGate, `<option value="medicine" selected>`,
				`id="mode-remote" name="mode" value="remote" checked`, `id="route-lozenge" name="route" value="lozenge" checked`}, nil},
		{"intramuscular for remote: refused beside the route", e.nora, "POST", "/staff/calendar/book", book(journey.RouteIM), 422,
			[]string{`id="route-error">A remote medicine session is by lozenge only.`, `id="mode-remote" name="mode" value="remote" checked`,
				`id="route-im" name="route" value="im" checked`}, nil},
	})
	// The client names their monitor in the portal.
	if st, h, body := e.as(client, "POST", "/portal/monitor", url.Values{"name": {"Max Monitor"}, "phone": {"(503) 555-0142"},
		"relationship": {"Partner"}, "adult": {"yes"}}); st != 303 || h.Get("Location") != "/portal/monitor?saved=1" {
		t.Fatalf("the monitor: %d\n%s", st, trim(body))
	}
	st, h, body := e.send(e.nora, "POST", "/staff/calendar/book", "application/x-www-form-urlencoded", book(journey.RouteLozenge))
	if st != 303 || !strings.Contains(h.Get("Location"), "booked=1") {
		t.Fatalf("the booking with a monitor: %d %s\n%s", st, h.Get("Location"), trim(body))
	}
	var id int64
	if err := e.db.Write.QueryRow(e.db.Rebind(`SELECT id FROM care_sessions WHERE client_id = ? AND type = 'medicine' AND mode = 'remote' AND route = 'lozenge' AND start_at = ?`),
		c.ID, monday.Unix()).Scan(&id); err != nil {
		t.Fatalf("the booked session: %v", err)
	}
	e.runAs(t, []cookieScenario{
		{"the session's page has the video link", e.nora, "GET", fmt.Sprintf("/staff/sessions/%d", id), "", 200,
			[]string{"Remote (by video)", fmt.Sprintf(`<a href="https://video.example/room/%d">Video link</a>`, id), "Lozenge (sublingual)", "Mia Provider"}, []string{"Room Cedar"}},
		{"the plan page names the monitor", e.nora, "GET", planPath, "", 200,
			[]string{"Remote monitor", "<bdi>Max Monitor</bdi> (Partner)", `href="tel:&#43;15035550142">(503) 555-0142</a>`, "confirmed an adult present throughout; has not agreed to be contacted"}, []string{"The client has not named a monitor yet."}},
		{"the client's calendar shows it", e.nora, "GET", fmt.Sprintf("/staff/calendar?cal=%s&date=2030-01-07", cal), "", 200,
			[]string{"09:00–12:00", "Medicine session"}, nil},
	})
}
