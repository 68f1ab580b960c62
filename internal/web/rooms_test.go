package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// The admin's locations and rooms pages, and clinical hours (one's own,
// or anyone's for an admin): what was typed is kept beside the error.
func TestRoomsAndClinicalHoursPages(t *testing.T) {
	e := newCareEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	ct := "application/x-www-form-urlencoded"
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains                         []string
	}{
		{"the rooms", admin, "GET", "/admin/rooms", "", 200, []string{"Cedar", "Main Street", "Mon 09:00–17:00"}},
		{"a therapist may not", e.nora, "GET", "/admin/rooms", "", 403, nil},
		{"a location without a zone", admin, "POST", "/admin/rooms/locations", form("loc_name", "<b>North</b>", "loc_time_zone", "Mars/Base"), 422,
			[]string{"&lt;b&gt;North&lt;/b&gt;", "Choose a known time zone", `aria-invalid="true"`}},
		{"a location", admin, "POST", "/admin/rooms/locations", form("loc_name", "North Clinic", "loc_time_zone", "America/Chicago"), 303, nil},
		{"a room with no name", admin, "POST", "/admin/rooms", form("room_location", "1", "room_name", ""), 422, []string{`id="room_name-error"`}},
		{"a room", admin, "POST", "/admin/rooms", form("room_location", "1", "room_name", "Oak"), 303, nil},
		{"its hours, refused", admin, "POST", "/admin/rooms/2", form("start_1", "9am", "end_1", "17:00", "days_off", "2030-02-01\nsoon"), 422,
			[]string{`value="9am"`, "Enter both times as HH:MM", "is not a date", "soon"}},
		{"its hours", admin, "POST", "/admin/rooms/2", form("start_1", "08:00", "end_1", "18:00", "days_off", "2030-02-01"), 303, nil},
		{"its hours, saved", admin, "GET", "/admin/rooms/2?saved=1", "", 200, []string{`value="08:00"`, "2030-02-01", "America/New_York"}},
		{"one's own clinical hours", e.nora, "GET", "/account/clinical-hours", "", 200, []string{"Your clinical hours", `value="09:00"`}},
		{"one's own, refused", e.nora, "POST", "/account/clinical-hours", form("time_zone", "Nowhere", "start_2", "17:00", "end_2", "09:00"), 422,
			[]string{`value="Nowhere"`, "Choose a known time zone", "The start must come before the end."}},
		{"one's own, saved", e.nora, "POST", "/account/clinical-hours", form("time_zone", "America/Chicago", "start_2", "07:00", "end_2", "15:00"), 303, nil},
		{"an admin sets another's", admin, "GET", fmt.Sprintf("/admin/staff/%d/clinical-hours", e.chap), "", 200, []string{"Clinical hours of Cal Chaperone"}},
		{"a therapist may not set another's", e.nora, "GET", fmt.Sprintf("/admin/staff/%d/clinical-hours", e.chap), "", 403, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			c := ""
			if sc.body != "" {
				c = ct
			}
			st, _, body := e.send(sc.cookie, sc.method, sc.path, c, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s\n%s", s, trim(body))
				}
			}
		})
	}
	h, err := e.db.FindStaffHours(t.Context(), e.ny.ID)
	if err != nil || h.TimeZone != "America/Chicago" || len(h.Weekly) != 1 || h.Weekly[0].Start != 7*60 {
		t.Fatalf("saved hours = %+v, %v", h, err)
	}
}

// The admin's session types page: each type's settings, refused beside
// the field with what was typed kept, then saved with the notice.
func TestSessionTypesPage(t *testing.T) {
	e := newCareEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	st, _, body := e.send(admin, "GET", "/admin/session-types", "", "")
	if st != 200 || !strings.Contains(body, `name="medicine-buffer_minutes"`) || !strings.Contains(body, `value="30"`) || !strings.Contains(body, `name="integration-group-capacity"`) {
		t.Fatalf("page: %d %s", st, trim(body))
	}
	form := url.Values{"cancel_notice_hours": {"24"}}
	for _, ty := range journey.DefaultSessionTypes() {
		p := ty.Code + "-"
		form.Set(p+"name", ty.Name)
		form.Set(p+"minutes", fmt.Sprint(ty.Minutes))
		form.Set(p+"buffer_minutes", fmt.Sprint(ty.BufferMinutes))
		form.Set(p+"lead_hours", fmt.Sprint(ty.LeadHours))
		form.Set(p+"capacity", fmt.Sprint(ty.Capacity))
	}
	form.Set("medicine-minutes", "2h")
	form.Set("preparation-buffer_minutes", "-5")
	st, _, body = e.send(admin, "POST", "/admin/session-types", "application/x-www-form-urlencoded", form.Encode())
	if st != 422 || !strings.Contains(body, `value="2h"`) || !strings.Contains(body, `id="medicine-minutes-error"`) || !strings.Contains(body, `id="preparation-buffer_minutes-error"`) {
		t.Fatalf("refused: %d %s", st, trim(body))
	}
	form.Set("medicine-minutes", "150")
	form.Set("preparation-buffer_minutes", "10")
	form.Set("integration-client_books", "true")
	if st, _, body = e.send(admin, "POST", "/admin/session-types", "application/x-www-form-urlencoded", form.Encode()); st != 303 {
		t.Fatalf("save: %d %s", st, trim(body))
	}
	ts, _ := e.db.FindSessionTypes(t.Context())
	if ts[1].Minutes != 150 || ts[0].BufferMinutes != 10 || ts[0].ClientBooks || !ts[2].ClientBooks {
		t.Fatalf("saved types: %+v %+v %+v", ts[0], ts[1], ts[2])
	}
	if h, _ := e.db.SessionCancelHours(t.Context()); h != 24 {
		t.Fatalf("notice %d", h)
	}
	if st, _, _ := e.send(e.nora, "GET", "/admin/session-types", "", ""); st != 403 {
		t.Fatalf("a therapist: %d", st)
	}
}
