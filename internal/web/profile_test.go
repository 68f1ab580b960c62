package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

func profileForm(name, npi, tz string) url.Values {
	return url.Values{"name": {name}, "credentials": {"LCSW"}, "pronouns": {"she/her"}, "bio": {"Grief and trauma."},
		"licence_number": {"C1234"}, "licence_state": {"NY"}, "npi": {npi}, "time_zone": {tz}}
}

// An admin edits a therapist's profile; a wrong NPI check digit or an
// unknown zone is named beside its field, with what was typed kept and
// escaped; each person edits their own; others may not edit anyone's.
func TestStaffProfilePages(t *testing.T) {
	e := newEnv(t)
	admin, adminCookie := e.staffCookie(journey.RoleAdmin)
	path := fmt.Sprintf("/admin/staff/%d/profile", e.ny.ID)
	st, _, body := e.as(adminCookie, "GET", path, nil)
	if st != 200 || !strings.Contains(body, `value="Nora York"`) || !strings.Contains(body, fmt.Sprintf(`/admin/staff/%d/hours`, e.ny.ID)) {
		t.Fatalf("profile page: %d %s", st, trim(body))
	}
	st, _, body = e.as(adminCookie, "POST", path, profileForm("<i>Nora</i>", "1234567890", "Mars/Olympus"))
	if st != 422 || !strings.Contains(body, "This NPI&#39;s check digit is wrong") || !strings.Contains(body, `id="npi-error"`) ||
		!strings.Contains(body, `id="time_zone-error"`) || !strings.Contains(body, `value="&lt;i&gt;Nora&lt;/i&gt;"`) ||
		!strings.Contains(body, `value="1234567890"`) || !strings.Contains(body, `value="Mars/Olympus"`) {
		t.Fatalf("bad profile: %d %s", st, trim(body))
	}
	st, h, _ := e.as(adminCookie, "POST", path, profileForm("Nora Yorke", "1234567893", "America/New_York"))
	if st != 303 || h.Get("Location") != path+"?saved=1" {
		t.Fatalf("save: %d %q", st, h.Get("Location"))
	}
	if _, _, body := e.do("GET", "/api/v1/therapists", "", ""); !strings.Contains(body, "Nora Yorke") {
		t.Fatalf("the public list keeps the old name: %s", body)
	}
	if n := len(e.staffAudits(admin.ID, "staff.profile.update")); n != 2 {
		t.Fatalf("%d profile audit entries, want 2 (one refused, one saved)", n)
	}

	// Nora edits her own; front desk may not edit hers through the admin page.
	nora := e.session(staffUser(e.ny), true)
	if st, _, body := e.as(nora, "GET", "/account/profile", nil); st != 200 || !strings.Contains(body, `value="1234567893"`) || !strings.Contains(body, `href="/account/hours"`) {
		t.Fatalf("own profile: %d", st)
	}
	// Her own consult hours, with the same hours page the admin uses.
	if st, _, body := e.as(nora, "GET", "/account/hours", nil); st != 200 || !strings.Contains(body, `action="/account/hours"`) {
		t.Fatalf("own hours: %d", st)
	}
	hours := url.Values{"time_zone": {"America/New_York"}, "consult_minutes": {"30"}, "start_1": {"13:00"}, "end_1": {"15:00"}}
	if st, h, _ := e.as(nora, "POST", "/account/hours", hours); st != 303 || h.Get("Location") != "/account/hours?saved=1" {
		t.Fatalf("own hours saved: %d %q", st, h.Get("Location"))
	}
	if th, _ := e.db.FindTherapistByID(context.Background(), e.ny.ID); len(th.Weekly) != 1 || th.Weekly[0].Start != 13*60 {
		t.Fatalf("hours: %+v", th.Weekly)
	}
	hours.Set("start_1", "1pm")
	if st, _, body := e.as(nora, "POST", "/account/hours", hours); st != 422 || !strings.Contains(body, `value="1pm"`) {
		t.Fatalf("bad own hours: %d", st)
	}
	if st, h, _ := e.as(nora, "POST", "/account/profile", profileForm("Nora York", "1245319599", "America/New_York")); st != 303 || h.Get("Location") != "/account/profile?saved=1" {
		t.Fatalf("own save: %d", st)
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	if st, _, _ := e.as(desk, "POST", path, profileForm("X", "", "")); st != 403 {
		t.Fatalf("front desk edits another's profile: %d", st)
	}
	if st, _, _ := e.as(adminCookie, "GET", "/admin/staff/99999/profile", nil); st != 404 {
		t.Fatalf("unknown staff: %d", st)
	}
}

// The API: GET/PUT /api/v1/staff/{id} for admins, /api/v1/me/profile for
// oneself, field errors as problem+json.
func TestStaffProfileAPI(t *testing.T) {
	e := newEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	path := fmt.Sprintf("/api/v1/staff/%d", e.la.ID)
	if st, _, body := e.api(admin, "GET", path, ""); st != 200 || !strings.Contains(body, `"name":"Luis Angel"`) {
		t.Fatalf("get: %d %s", st, body)
	}
	st, h, body := e.api(admin, "PUT", path, `{"name":"Luis Angel","npi":"1234567890","time_zone":"Nowhere/Else"}`)
	if st != 422 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(body, `"field":"npi"`) || !strings.Contains(body, `check digit is wrong`) || !strings.Contains(body, `"field":"time_zone"`) {
		t.Fatalf("bad put: %d %s", st, body)
	}
	st, _, body = e.api(admin, "PUT", path, `{"name":"Luis Ángel","credentials":"LMFT","npi":"1245319599","licence_number":"lmft-1","licence_state":"ca","time_zone":"America/Los_Angeles"}`)
	if st != 200 || !strings.Contains(body, `"licence_state":"CA"`) || !strings.Contains(body, `"npi":"1245319599"`) {
		t.Fatalf("put: %d %s", st, body)
	}
	luis := e.session(staffUser(e.la), true)
	if st, _, body := e.api(luis, "GET", "/api/v1/me/profile", ""); st != 200 || !strings.Contains(body, "Luis Ángel") {
		t.Fatalf("own: %d %s", st, body)
	}
	if st, _, body := e.api(luis, "PUT", "/api/v1/me/profile", `{"name":"Luis Angel","npi":"12345"}`); st != 422 || !strings.Contains(body, "10 digits") {
		t.Fatalf("own bad: %d %s", st, body)
	}
	if st, _, _ := e.api(luis, "PUT", path, `{"name":"Luis"}`); st != 403 {
		t.Fatalf("a therapist through the admin route: %d", st)
	}
	if st, _, _ := e.api(admin, "GET", "/api/v1/staff/99999", ""); st != 404 {
		t.Fatalf("unknown: %d", st)
	}
}

// A member of staff has one time zone, their profile's: the consult hours
// page shows it without asking again, and changing it on the profile
// moves the hours the booking page offers with it.
func TestOneStaffZone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	nora := e.session(staffUser(e.ny), true)
	_, _, body := e.as(nora, "GET", "/account/hours", nil)
	if strings.Contains(body, `name="time_zone"`) || !strings.Contains(body, "America/New_York") || !strings.Contains(body, `href="/account/profile"`) {
		t.Errorf("the hours page asks for a zone the profile already holds:\n%s", trim(body))
	}
	hours := url.Values{"time_zone": {"Europe/Paris"}, "consult_minutes": {"30"}, "start_1": {"13:00"}, "end_1": {"15:00"}}
	if st, _, _ := e.as(nora, "POST", "/account/hours", hours); st != 303 {
		t.Fatalf("hours: %d", st)
	}
	if th, _ := e.db.FindTherapistByID(ctx, e.ny.ID); th.TimeZone != "America/New_York" {
		t.Errorf("the hours page changed the zone to %q behind the profile", th.TimeZone)
	}
	if st, _, body := e.as(nora, "POST", "/account/profile", profileForm("Nora York", "1234567893", "America/Chicago")); st != 303 {
		t.Fatalf("profile: %d %s", st, trim(body))
	}
	th, _ := e.db.FindTherapistByID(ctx, e.ny.ID)
	p, _ := e.db.FindStaffProfile(ctx, e.ny.ID)
	if th.TimeZone != "America/Chicago" || p.TimeZone != "America/Chicago" {
		t.Errorf("profile zone %q, consult zone %q: want both America/Chicago", p.TimeZone, th.TimeZone)
	}
	if st, _, body := e.as(nora, "POST", "/account/profile", profileForm("Nora York", "1234567893", "")); st != 422 || !strings.Contains(body, `id="time_zone-error"`) {
		t.Errorf("a consulting therapist's zone emptied: %d", st)
	}
}
