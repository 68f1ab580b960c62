package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// groupSession writes an integration group held by the therapist in the
// room, with no clients yet.
func (e *careEnv) groupSession(start time.Time) int64 {
	e.t.Helper()
	end := start.Add(90 * time.Minute)
	var id int64
	if err := e.db.Write.QueryRow(e.db.Rebind(`INSERT INTO care_sessions (type, start_at, end_at, block_end, mode, created_by, created_at, updated_at)
		VALUES ('integration-group', ?, ?, ?, 'in_person', ?, 0, 0) RETURNING id`), start.Unix(), end.Unix(), end.Unix(), e.ny.ID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	for role, rid := range map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedRoom: e.room} {
		if _, err := e.db.Write.Exec(e.db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
			id, role, journey.ResourceKind(role), rid, start.Unix(), end.Unix()); err != nil {
			e.t.Fatal(err)
		}
	}
	return id
}

func TestStaffSessionPage(t *testing.T) {
	e := newCareEnv(t)
	ny, _ := time.LoadLocation("America/New_York")
	monday := time.Date(2030, 1, 7, 0, 0, 0, 0, ny)
	_, chap := e.chaperoneCookie()
	medicine := e.careSession(journey.TypeMedicine, monday.Add(13*time.Hour), monday.Add(16*time.Hour),
		map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedMedicalProvider: e.mp, journey.NeedChaperone: e.chap, journey.NeedRoom: e.room})
	taken := e.careSession(journey.TypePreparation, monday.Add(9*time.Hour), monday.Add(10*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	prep := e.careSession(journey.TypePreparation, monday.Add(10*time.Hour), monday.Add(11*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	group := e.groupSession(monday.AddDate(0, 0, 1).Add(10 * time.Hour))
	page := func(id int64) string { return fmt.Sprintf("/staff/sessions/%d", id) }
	move := func(start time.Time) string {
		return url.Values{"date": {"2030-01-07"}, "start": {start.Format(time.RFC3339)}}.Encode()
	}
	soon := e.careSession(journey.TypeIntegration, testNow.Add(24*time.Hour), testNow.Add(25*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	e.sessionRunAs(t, []cookieScenario{
		{"the therapist sees it all", e.nora, "GET", page(medicine), "", 200,
			[]string{"Medicine session, Monday 7 January 2030", "13:00–16:00", "180 minutes (and 30 minutes kept free after)", "Room Cedar, Main Street",
				"Casey Client", "Mia Provider", "Cal Chaperone", "Lozenge (sublingual)", `value="check-in"`, `value="start"`, "Cancelling now is not late",
				"48 hours", "History", "Booked on", fmt.Sprintf(`href="/staff/sessions/%d/run-sheet"`, medicine), fmt.Sprintf(`href="/staff/sessions/%d/notes"`, medicine)}, nil},
		{"the calendar links to it", e.nora, "GET", "/staff/calendar?date=2030-01-07", "", 200, []string{fmt.Sprintf(`href="/staff/sessions/%d"`, medicine)}, nil},
		{"the chaperone sees the time, place and first name, nothing clinical", chap, "GET", page(medicine), "", 200,
			[]string{"13:00–16:00", "Room Cedar, Main Street", "<bdi>Casey</bdi>", "what you need to be there", "/run-sheet"},
			[]string{"Casey Client", "Lozenge", "Cancel it", `value="start"`, "History", "Move it", "/staff/clients/", "/notes"}},
		{"the chaperone does not see a session they are not assigned to", chap, "GET", page(prep), "", 404, nil, []string{"Casey"}},
		{"another therapist does not see the client's session", e.luis, "GET", page(prep), "", 404, nil, []string{"Casey"}},
		{"no such session", e.nora, "GET", "/staff/sessions/99999", "", 404, nil, nil},
		{"the chaperone may not cancel", chap, "POST", page(medicine) + "/cancel", "reason=ill", 403, nil, nil},
		{"a medicine session's start names its unmet gates", e.nora, "POST", page(medicine) + "/status", "action=start", 409,
			[]string{"error-summary", "<li>The client has not signed the current"}, nil},
		{"a cancellation needs a reason", e.nora, "POST", page(prep) + "/cancel", "reason=", 422,
			[]string{`id="reason-error"`, `aria-invalid="true"`}, nil},
		{"a move into a taken time is refused, the choice kept", e.nora, "POST", page(prep) + "/reschedule", move(monday.Add(9 * time.Hour)), 409,
			[]string{"The session could not be moved to Monday 7 January, 09:00", `value="2030-01-07"`}, nil},
		{"free times to move to", e.nora, "GET", page(prep) + "?find=1&date=2030-01-07", "", 200,
			[]string{"Move to 11:00–12:00", "with Nora York (therapist)"}, []string{`value="2030-01-07T09:00:00-05:00"`}},
		{"a move to a free time", e.nora, "POST", page(prep) + "/reschedule", move(monday.Add(11 * time.Hour)), 303, nil, nil},
		{"the move is in its history", e.nora, "GET", page(prep) + "?done=moved", "", 200, []string{"The session is moved.", "11:00–12:00", "Moved once."}, nil},
		{"a client is added to the group", e.nora, "POST", page(group) + "/attendees", fmt.Sprintf("client_id=%d", e.c.ID), 303, nil, nil},
		{"the group lists them", e.nora, "GET", page(group), "", 200, []string{"The group's clients (1 of 8)", "Casey Client", "/remove"}, nil},
		{"a client not chosen", e.nora, "POST", page(group) + "/attendees", "client_id=%3Cb%3E", 422, []string{`id="client_id-error"`}, []string{"<b>"}},
	})
	_ = taken
	// Inside the practice's 48 hours the page says a cancellation is late, and shows it so after.
	e.sessionRunAs(t, []cookieScenario{
		{"the page warns it will be late", e.nora, "GET", page(soon), "", 200, []string{"Cancelling now is late"}, nil},
		{"a late cancellation", e.nora, "POST", page(soon) + "/cancel", "reason=The+client+is+unwell", 303, nil, nil},
		{"it is marked late", e.nora, "GET", page(soon), "", 200,
			[]string{"Cancelled", "(late: inside the practice's notice)", "The client is unwell", "late, inside the practice&#39;s notice"},
			[]string{"Cancel it", `value="start"`}},
	})
	// The chaperone's view of a cancelled session says neither why nor whether it was late.
	if st, _, _ := e.send(e.nora, "POST", page(medicine)+"/cancel", "application/x-www-form-urlencoded", "reason=The+client+is+unwell"); st != 303 {
		t.Fatalf("cancel: status %d", st)
	}
	if st, _, body := e.send(chap, "GET", page(medicine), "", ""); st != 200 || strings.Contains(body, "unwell") || strings.Contains(body, "(late") {
		t.Errorf("the chaperone sees the cancellation's reason or lateness (status %d)\n%s", st, trim(body))
	}
}

// sessionRunAs runs scs as runAs does, a change's redirect going back to
// the session's page.
func (e *careEnv) sessionRunAs(t *testing.T, scs []cookieScenario) {
	t.Helper()
	e.runRedirecting(t, scs, func(path string) string {
		prefix, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/sessions/")
		id, _, _ := strings.Cut(rest, "/")
		return "/" + prefix + "/sessions/" + id + "?done="
	})
}

func TestPortalSessions(t *testing.T) {
	e := newCareEnv(t)
	ny, _ := time.LoadLocation("America/New_York")
	monday := time.Date(2030, 1, 7, 0, 0, 0, 0, ny)
	medicine := e.careSession(journey.TypeMedicine, monday.Add(13*time.Hour), monday.Add(16*time.Hour),
		map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedMedicalProvider: e.mp, journey.NeedChaperone: e.chap, journey.NeedRoom: e.room})
	e.careSession(journey.TypePreparation, monday.Add(9*time.Hour), monday.Add(10*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	prep := e.careSession(journey.TypePreparation, monday.Add(10*time.Hour), monday.Add(11*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	soon := e.careSession(journey.TypeIntegration, testNow.Add(24*time.Hour), testNow.Add(25*time.Hour), map[string]int64{journey.NeedTherapist: e.ny.ID})
	_, other := sqldbtest.Client(t, e.db, e.ny.ID, "Olive Other", "olive@client.test", nil)
	otherCookie := e.session(other, true)
	page := func(id int64) string { return fmt.Sprintf("/portal/sessions/%d", id) }
	move := func(start time.Time) string {
		return url.Values{"week": {"2030-01-07"}, "start": {start.Format(time.RFC3339)}}.Encode()
	}
	e.sessionRunAs(t, []cookieScenario{
		{"the client's sessions", e.client, "GET", "/portal/sessions", "", 200,
			[]string{"Your sessions", "Coming up", "Medicine session", "Monday 7 January 2030, 13:00–16:00", "Room Cedar, Main Street", "Preparation", "In person, at the practice",
				fmt.Sprintf(`href="/portal/sessions/%d"`, prep)}, nil},
		{"the portal's navigation and timeline link to them", e.client, "GET", "/portal", "", 200, []string{`<a href="/portal/sessions">Your sessions</a>`}, nil},
		{"a preparation the client may move and cancel", e.client, "GET", page(prep) + "?find=1&week=2030-01-07", "", 200,
			[]string{"Move it", "Move to 11:00–12:00", "Cancel it", "Cancelling now is not late"}, []string{"call the practice"}},
		{"a medicine session is the practice's to change", e.client, "GET", page(medicine), "", 200, []string{"please call the practice"}, []string{"Cancel it", "Move it"}},
		{"and a cancel of it is refused", e.client, "POST", page(medicine) + "/cancel", "reason=busy", 403, []string{"error-summary"}, nil},
		{"another client sees none of them", otherCookie, "GET", "/portal/sessions", "", 200, []string{"No sessions booked."}, []string{"Medicine session", "Preparation"}},
		{"another client's session is not found", otherCookie, "GET", page(prep), "", 404, nil, []string{"Preparation"}},
		{"nor can they cancel it", otherCookie, "POST", page(prep) + "/cancel", "reason=mine", 404, nil, nil},
		{"a cancellation needs a reason", e.client, "POST", page(prep) + "/cancel", "reason=+", 422, []string{`id="reason-error"`}, nil},
		{"a move into a taken time is refused, the choice kept", e.client, "POST", page(prep) + "/reschedule", move(monday.Add(9 * time.Hour)), 409,
			[]string{"Your session could not be moved to Monday 7 January at 09:00"}, nil},
		{"a move to a free time", e.client, "POST", page(prep) + "/reschedule", move(monday.Add(11 * time.Hour)), 303, nil, nil},
		{"moved", e.client, "GET", page(prep) + "?done=moved", "", 200, []string{"Your session is moved.", "11:00–12:00"}, nil},
		{"a session tomorrow warns the cancellation is late", e.client, "GET", page(soon), "", 200, []string{"This would be a late cancellation", "48 hours"}, nil},
		{"what was typed is kept, escaped", e.client, "POST", page(soon) + "/cancel", "reason=" + url.QueryEscape(strings.Repeat("<b>x", 200)), 422,
			[]string{"&lt;b&gt;x"}, []string{"<b>x"}},
		{"a late cancellation", e.client, "POST", page(soon) + "/cancel", "reason=I+am+unwell", 303, nil, nil},
		{"it is marked late", e.client, "GET", page(soon), "", 200, []string{"cancelled (late"}, []string{"Cancel it"}},
	})
}
