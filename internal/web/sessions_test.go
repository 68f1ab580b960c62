package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The care sessions' API through the real router and store, in order:
// each scenario may use what the one before booked ({id} is the last
// session created).
func TestCareSessionsAPI(t *testing.T) {
	e := newCareEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	chap := e.session(&journey.User{ID: e.chap}, true)
	prep := func(start, extra string) string {
		return fmt.Sprintf(`{"client_id":%d,"type":"preparation","start":%q,"mode":"remote"%s}`, e.c.ID, start, extra)
	}
	json := "application/json"
	var id string
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains, excludes               []string
	}{
		{"the session types", e.client, "GET", "/api/v1/session-types", "", 200,
			[]string{`"code":"medicine"`, `"minutes":180`, `"needs":["therapist","medical_provider","chaperone","room"]`, `"client_bookable":true`}, nil},
		{"the therapist books a preparation", e.nora, "POST", "/api/v1/sessions", prep("2030-01-07T10:00:00-05:00", ""), 201,
			[]string{`"status":"booked"`, `"type":"preparation"`, fmt.Sprintf(`"therapist_id":%d`, e.ny.ID), `"start":"2030-01-07T15:00:00Z"`,
				`"end":"2030-01-07T16:00:00Z"`, `"room_id":null`}, nil},
		{"the client taken at that time", e.desk, "POST", "/api/v1/sessions", prep("2030-01-07T10:30:00-05:00", fmt.Sprintf(`,"therapist_id":%d`, e.la.ID)), 409,
			[]string{`"conflicts":[{"resource":"client","id":` + fmt.Sprint(e.c.ID), `"detail":"The client has another session then."`}, []string{`"gates"`}},
		{"a medicine session with unmet gates", e.nora, "POST", "/api/v1/sessions",
			fmt.Sprintf(`{"client_id":%d,"type":"medicine","start":"2030-01-08T09:00:00-05:00","mode":"in_person","route":"im","therapist_id":%d,"medical_provider_id":%d,"chaperone_id":%d,"room_id":%d}`,
				e.c.ID, e.ny.ID, e.mp, e.chap, e.room), 409, []string{`"gates":[{"code":`, `"met":false`}, nil},
		{"bad fields, kept apart", e.nora, "POST", "/api/v1/sessions", fmt.Sprintf(`{"client_id":%d,"type":"massage","start":"monday","mode":"sofa"}`, e.c.ID), 422,
			[]string{`"field":"start"`, `"field":"mode"`, `"field":"type"`}, nil},
		{"not JSON", e.nora, "POST", "/api/v1/sessions", `{"client_id":`, 400, nil, nil},
		{"the client books their own integration", e.client, "POST", "/api/v1/sessions",
			`{"type":"integration","start":"2030-01-09T11:00:00-05:00","mode":"remote"}`, 201, []string{fmt.Sprintf(`"therapist_id":%d`, e.ny.ID)}, nil},
		{"the client may not book a medicine session", e.client, "POST", "/api/v1/sessions",
			`{"type":"medicine","start":"2030-01-09T11:00:00-05:00","mode":"remote","route":"lozenge"}`, 403, nil, nil},
		{"front desk lists the week", e.desk, "GET", "/api/v1/sessions?from=2030-01-07&to=2030-01-14", "", 200,
			[]string{`"sessions":[`, `"type":"preparation"`, `"type":"integration"`}, nil},
		{"a list needs sane bounds", e.desk, "GET", "/api/v1/sessions?from=soon&limit=99999&client_id=x", "", 422,
			[]string{`"field":"from"`, `"field":"limit"`, `"field":"client_id"`}, nil},
		{"another therapist sees none of them", e.luis, "GET", fmt.Sprintf("/api/v1/sessions?client_id=%d", e.c.ID), "", 200,
			[]string{`"sessions":[]`}, nil},
		{"the therapist reads one", e.nora, "GET", "/api/v1/sessions/{id}", "", 200, []string{`"status":"booked"`}, nil},
		{"a chaperone not on it", chap, "GET", "/api/v1/sessions/{id}", "", 404, nil, []string{`"type":"preparation"`}},
		{"a move", e.nora, "POST", "/api/v1/sessions/{id}/reschedule", `{"start":"2030-01-10T13:00:00-05:00"}`, 200,
			[]string{`"start":"2030-01-10T18:00:00Z"`, `"sequence":1`}, nil},
		{"a move to nowhere", e.nora, "POST", "/api/v1/sessions/{id}/reschedule", `{"start":""}`, 422, []string{`"field":"start"`}, nil},
		{"a check-in days early", e.nora, "POST", "/api/v1/sessions/{id}/check-in", "", 409, []string{"too early"}, nil},
		{"a cancel with no reason", e.nora, "POST", "/api/v1/sessions/{id}/cancel", `{"reason":" "}`, 422, []string{`"field":"reason"`}, nil},
		{"a cancel in time", e.nora, "POST", "/api/v1/sessions/{id}/cancel", `{"reason":"Client asked"}`, 200, []string{`"late":false`}, nil},
		{"a second cancel", e.nora, "POST", "/api/v1/sessions/{id}/cancel", `{"reason":"Again"}`, 409, nil, nil},
		{"the rooms", e.nora, "GET", "/api/v1/rooms", "", 200, []string{`"name":"Cedar"`, `"time_zone":"America/New_York"`, `"weekly":[{"weekday":1,"start":"09:00","end":"17:00"}`}, nil},
		{"a therapist may not add a room", e.nora, "POST", "/api/v1/rooms", `{"location_id":1,"name":"Oak"}`, 403, nil, nil},
		{"an admin adds a room", admin, "POST", "/api/v1/rooms",
			`{"location_id":1,"name":"Oak","weekly":[{"weekday":2,"start":"08:00","end":"12:00"}],"exceptions":[{"date":"2030-02-01","kind":"off"}]}`, 201,
			[]string{`"name":"Oak"`, `"weekday":2`, `"date":"2030-02-01"`}, nil},
		{"a room with bad hours", admin, "POST", "/api/v1/rooms", `{"location_id":1,"name":"","weekly":[{"weekday":9,"start":"25:00","end":"08:00"}]}`, 422,
			[]string{`"field":"name"`, `"field":"weekly[0].start"`}, nil},
		{"an admin adds a location", admin, "POST", "/api/v1/locations", `{"name":"Second Site","time_zone":"America/Chicago"}`, 201, []string{`"name":"Second Site"`}, nil},
		{"the therapist sets their hours", e.nora, "PUT", fmt.Sprintf("/api/v1/staff/%d/hours", e.ny.ID),
			`{"time_zone":"America/New_York","weekly":[{"weekday":1,"start":"09:00","end":"18:00"}]}`, 200, []string{`"end":"18:00"`}, nil},
		{"not another's hours", e.nora, "PUT", fmt.Sprintf("/api/v1/staff/%d/hours", e.la.ID), `{"time_zone":"America/New_York"}`, 403, nil, nil},
		{"hours in no zone", e.nora, "PUT", fmt.Sprintf("/api/v1/staff/%d/hours", e.ny.ID), `{"time_zone":"Mars/Base"}`, 422, []string{`"field":"time_zone"`}, nil},
		{"an admin lengthens the buffer", admin, "PUT", "/api/v1/session-types/medicine", `{"buffer_minutes":45}`, 200,
			[]string{`"buffer_minutes":45`, `"minutes":180`, `"needs":["therapist","medical_provider","chaperone","room"]`}, nil},
		{"a type of no length", admin, "PUT", "/api/v1/session-types/preparation", `{"minutes":0}`, 422, []string{`"field":"minutes"`}, nil},
		{"not a therapist", e.nora, "PUT", "/api/v1/session-types/preparation", `{"minutes":50}`, 403, nil, nil},
		{"the notice", admin, "PUT", "/api/v1/practice/sessions", `{"cancel_notice_hours":24}`, 200, []string{`"cancel_notice_hours":24`}, nil},
		{"the notice, read back", e.client, "GET", "/api/v1/session-types", "", 200, []string{`"cancel_notice_hours":24`, `"buffer_minutes":45`}, nil},
		{"no notice", admin, "PUT", "/api/v1/practice/sessions", `{}`, 422, []string{`"field":"cancel_notice_hours"`}, nil},
		{"anyone's hours, read by staff", e.desk, "GET", fmt.Sprintf("/api/v1/staff/%d/hours", e.ny.ID), "", 200, []string{`"time_zone":"America/New_York"`}, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			ct := ""
			if sc.body != "" {
				ct = json
			}
			st, _, body := e.send(sc.cookie, sc.method, strings.ReplaceAll(sc.path, "{id}", id), ct, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s\n%s", s, trim(body))
				}
			}
			for _, s := range sc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %s", s)
				}
			}
			if st == 201 && sc.path == "/api/v1/sessions" && sc.cookie == e.nora {
				id = regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(body)[1]
			}
		})
	}
}

// A group session through the API: front desk adds a client, the client
// sees the group, a second add of the same client is a conflict, and the
// client is taken out again.
func TestGroupAttendeesAPI(t *testing.T) {
	e := newCareEnv(t)
	st, _, body := e.send(e.nora, "POST", "/api/v1/sessions", "application/json",
		fmt.Sprintf(`{"client_id":%d,"type":"integration-group","start":"2030-01-08T13:00:00-05:00","mode":"in_person","room_id":%d}`, e.c.ID, e.room))
	if st != 201 || !strings.Contains(body, fmt.Sprintf(`"attendees":[%d]`, e.c.ID)) {
		t.Fatalf("group: %d %s", st, trim(body))
	}
	id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(body)[1]
	other, _ := sqldbtestClient(t, e.env, "Olive Other", "olive@client.test")
	path := "/api/v1/sessions/" + id + "/attendees"
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains                         string
	}{
		{"front desk adds a client", e.desk, "POST", path, fmt.Sprintf(`{"client_id":%d}`, other), 200, fmt.Sprintf(`"attendees":[%d,%d]`, e.c.ID, other)},
		{"not twice", e.desk, "POST", path, fmt.Sprintf(`{"client_id":%d}`, other), 409, "already in this group"},
		{"a client may not add themselves to a group the practice books", e.client, "POST", path, `{}`, 403, ""},
		{"the client sees their group", e.client, "GET", "/api/v1/sessions/" + id, "", 200, `"type":"integration-group"`},
		{"front desk takes one out", e.desk, "DELETE", fmt.Sprintf("%s/%d", path, other), "", 200, fmt.Sprintf(`"attendees":[%d]`, e.c.ID)},
		{"not one who is not in it", e.desk, "DELETE", fmt.Sprintf("%s/%d", path, other), "", 404, ""},
	} {
		t.Run(sc.name, func(t *testing.T) {
			ct := ""
			if sc.body != "" {
				ct = "application/json"
			}
			st, _, body := e.send(sc.cookie, sc.method, sc.path, ct, sc.body)
			if st != sc.status || !strings.Contains(body, sc.contains) {
				t.Fatalf("status %d, want %d with %s\n%s", st, sc.status, sc.contains, trim(body))
			}
		})
	}
}

// sqldbtestClient adds a client of Nora's and returns its id.
func sqldbtestClient(t *testing.T, e *env, name, email string) (int64, *journey.User) {
	c, u := sqldbtest.Client(t, e.db, e.ny.ID, name, email, nil)
	return c.ID, u
}
