package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// mailsTo returns the texts of every outbox message to addr, oldest first.
func (e *env) mailsTo(addr string) []string {
	e.t.Helper()
	ms, err := e.db.FindMessages(context.Background(), "", 500)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(ms) - 1; i >= 0; i-- {
		full, err := e.db.FindMessageByID(context.Background(), ms[i].ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if full.To == addr {
			out = append(out, full.Subject+"\n"+full.Text)
		}
	}
	return out
}

var linkPath = regexp.MustCompile(`http://journey\.test(/(?:c|book/confirm)/[A-Za-z0-9_-]+)`)

// linkIn returns the path of the last manage or confirm link in text.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	m := linkPath.FindAllStringSubmatch(text, -1)
	if len(m) == 0 {
		t.Fatalf("no link in:\n%s", text)
	}
	return m[len(m)-1][1]
}

// Asking for the manage link again sends a new one beside the old: whoever
// knows the address can no longer void the link the visitor holds. Resends
// are limited per address, silently.
func TestResendKeepsEarlierLinks(t *testing.T) {
	e := newEnv(t)
	const ctype = "application/x-www-form-urlencoded"
	c := e.book(e.ny, mondayNY, "Ada Visitor", "stuck")
	old := "/c/" + url.PathEscape(c.ManageToken)

	if st, _, body := e.do("POST", "/book/resend", ctype, "email=ada.visitor%40example.com"); st != 200 || !strings.Contains(body, "Check your email") {
		t.Fatalf("resend page: %d", st)
	}
	if st, _, body := e.do("GET", old, "", ""); st != 200 || !strings.Contains(body, "Your consult") {
		t.Fatalf("the link the visitor held stopped working after a resend: %d", st)
	}
	mails := e.mailsTo("ada.visitor@example.com")
	if len(mails) != 2 {
		t.Fatalf("%d mails, want the booking and one link", len(mails))
	}
	fresh := linkIn(t, mails[1])
	if fresh == old {
		t.Fatal("the resend sent the same link")
	}
	if st, _, _ := e.do("GET", fresh, "", ""); st != 200 {
		t.Fatalf("new link: %d", st)
	}
	if strings.Contains(mails[1], "no longer work") {
		t.Errorf("the link mail still says earlier links stop working:\n%s", mails[1])
	}

	// Four more asks within the hour (one by the API): only two more mails,
	// and every answer is the same.
	var bodies []string
	for i := 0; i < 3; i++ {
		_, _, body := e.do("POST", "/book/resend", ctype, "email=ada.visitor%40example.com")
		bodies = append(bodies, body)
	}
	st, _, apiBody := e.do("POST", "/api/v1/consults/resend-link", "application/json", `{"email": "ada.visitor@example.com"}`)
	if st != 202 {
		t.Fatalf("API resend: %d", st)
	}
	_, _, apiUnknown := e.do("POST", "/api/v1/consults/resend-link", "application/json", `{"email": "nobody@example.com"}`)
	if apiBody != apiUnknown {
		t.Errorf("API answers differ:\n%s\n%s", apiBody, apiUnknown)
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Error("a rate-limited resend answered differently")
		}
	}
	if n := len(e.mailsTo("ada.visitor@example.com")); n != 4 {
		t.Fatalf("%d mails after five resends in an hour, want 4 (the booking and three links)", n)
	}
	// Both links still open the consult; cancelling by one ends it for both.
	if st, _, _ := e.do("GET", old, "", ""); st != 200 {
		t.Fatalf("old link: %d", st)
	}
	if st, _, _ := e.do("POST", fresh+"/cancel", ctype, ""); st != 303 {
		t.Fatalf("cancel by the new link: %d", st)
	}
	if st, _, body := e.do("GET", old, "", ""); st != 200 || !strings.Contains(body, "<dd>Cancelled</dd>") {
		t.Fatalf("old link after cancel: %d", st)
	}
	if st, _, _ := e.do("POST", old+"/reschedule", ctype, "slot="+url.QueryEscape(fmt.Sprintf("%d|%d", e.ny.ID, mondayNY.Add(time.Hour).Unix()))); st != 409 {
		t.Fatalf("move by the old link after cancel: %d, want 409", st)
	}

	// An hour later the address may ask again.
	sqldbtest.SetTime(e.now, testNow.Add(61*time.Minute))
	e.book(e.ny, mondayNY.Add(2*time.Hour), "Ada Visitor", "again")
	before := len(e.mailsTo("ada.visitor@example.com"))
	e.do("POST", "/book/resend", ctype, "email=ada.visitor%40example.com")
	if n := len(e.mailsTo("ada.visitor@example.com")); n != before+1 {
		t.Fatalf("after an hour: %d mails, want %d", n, before+1)
	}
}

// setPrivate turns private booking on through the settings API.
func (e *env) setPrivate(on bool, minutes int) {
	e.t.Helper()
	e.admins++
	u := e.addUser(journey.UserStaff, fmt.Sprintf("admin%d@practice.test", e.admins), journey.RoleAdmin)
	st, _, body := e.api(e.session(u, true), "PUT", "/api/v1/practice/booking", fmt.Sprintf(`{"private": %t, "hold_minutes": %d}`, on, minutes))
	if st != 200 {
		e.t.Fatalf("PUT booking settings: %d\n%s", st, body)
	}
}

// slotsOffered returns the slot list of the week of mondayNY for NY.
func (e *env) slotsOffered() string {
	e.t.Helper()
	st, _, body := e.do("GET", fmt.Sprintf("/api/v1/consult-slots?tz=UTC&from=2030-01-07&days=1&therapist_id=%d", e.ny.ID), "", "")
	if st != 200 {
		e.t.Fatalf("slots: %d", st)
	}
	return body
}

func offers(body string, start time.Time) bool {
	return strings.Contains(body, `"start":"`+start.UTC().Format(time.RFC3339)+`"`)
}

// With private booking on, the public booking answers the same whatever the
// address: the time is held and a link goes to the address, a confirm link
// for a new address, the manage link for one that already has a consult.
func TestPrivateBooking(t *testing.T) {
	e := newEnv(t)
	const ctype = "application/x-www-form-urlencoded"
	existing := e.book(e.ny, mondayNY, "Ada Visitor", "stuck")
	e.setPrivate(true, 30)

	slotA, slotB := mondayNY.Add(time.Hour), mondayNY.Add(90*time.Minute)
	if !offers(e.slotsOffered(), slotA) || !offers(e.slotsOffered(), slotB) {
		t.Fatal("slots not offered to start with")
	}
	// The API: 202 with the same body both ways.
	stOld, hOld, bodyOld := e.do("POST", "/api/v1/consults", "application/json", bookingJSON(slotA, e.ny.ID, "ada.visitor@example.com", ""))
	stNew, hNew, bodyNew := e.do("POST", "/api/v1/consults", "application/json", bookingJSON(slotB, e.ny.ID, "bea@example.com", ""))
	if stOld != 202 || stNew != 202 || bodyOld != bodyNew {
		t.Fatalf("API answers differ or are not 202:\n%d %s\n%d %s", stOld, bodyOld, stNew, bodyNew)
	}
	if hOld.Get("Location") != hNew.Get("Location") || hOld.Get("Cache-Control") != "no-store" || hNew.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers differ: %v %v", hOld, hNew)
	}
	// Both slots left the list.
	list := e.slotsOffered()
	if offers(list, slotA) || offers(list, slotB) {
		t.Fatal("a held time is still offered")
	}
	// The holder of a consult got a new manage link; the old one works too.
	adaMails := e.mailsTo("ada.visitor@example.com")
	if len(adaMails) != 2 || !strings.Contains(linkIn(t, adaMails[1]), "/c/") {
		t.Fatalf("mails to the address with a consult: %q", adaMails)
	}
	if st, _, _ := e.do("GET", linkIn(t, adaMails[1]), "", ""); st != 200 {
		t.Fatalf("new manage link: %d", st)
	}
	if st, _, _ := e.do("GET", "/c/"+existing.ManageToken, "", ""); st != 200 {
		t.Fatalf("old manage link: %d", st)
	}
	// The new address got a confirm link that books the consult.
	beaMails := e.mailsTo("bea@example.com")
	if len(beaMails) != 1 || !strings.Contains(beaMails[0], "/book/confirm/") || !strings.Contains(beaMails[0], "30 minutes") {
		t.Fatalf("mails to the new address: %q", beaMails)
	}
	confirm := linkIn(t, beaMails[0])
	st, h, body := e.do("GET", confirm, "", "")
	if st != 200 || !strings.Contains(body, "Confirm") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("confirm page: %d %v\n%s", st, h, trim(body))
	}
	st, h, _ = e.do("POST", confirm, ctype, "")
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/c/") {
		t.Fatalf("confirm: %d %v", st, h)
	}
	if st, _, body := e.do("GET", h.Get("Location"), "", ""); st != 200 || !strings.Contains(body, "You're booked") {
		t.Fatalf("after confirm: %d\n%s", st, trim(body))
	}
	beaMails = e.mailsTo("bea@example.com")
	if len(beaMails) != 2 || !strings.Contains(beaMails[1], "is booked") {
		t.Fatalf("no booking mail after confirm: %q", beaMails)
	}
	// Confirming twice leads to the consult, not to a second one.
	if st, h, _ := e.do("POST", confirm, ctype, ""); st != 303 || !strings.HasPrefix(h.Get("Location"), "/c/") {
		t.Fatalf("second confirm: %d %v", st, h)
	}
	if st, h, _ := e.do("GET", confirm, "", ""); st != 303 || !strings.HasPrefix(h.Get("Location"), "/c/") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("the confirm link after confirming: %d %v", st, h)
	}
	if n := len(e.mailsTo("bea@example.com")); n != 2 {
		t.Fatalf("%d mails after a second confirm", n)
	}
	if offers(e.slotsOffered(), slotB) {
		t.Fatal("a booked time is offered")
	}

	// The page: same status and body for both kinds of address.
	slotC, slotD := mondayNY.Add(2*time.Hour), mondayNY.Add(150*time.Minute)
	form := func(slot time.Time, email string) string {
		v := validForm(e)
		v.Set("slot", fmt.Sprintf("%d|%d", e.ny.ID, slot.Unix()))
		v.Set("email", email)
		return e.form(v)
	}
	st1, h1, page1 := e.do("POST", "/book", ctype, form(slotC, "ada.visitor@example.com"))
	st2, h2, page2 := e.do("POST", "/book", ctype, form(slotD, "cy@example.com"))
	if st1 != st2 || page1 != page2 || h1.Get("Location") != h2.Get("Location") {
		t.Fatalf("booking page answers differ:\n%d %v\n%d %v\n%s", st1, h1, st2, h2, trim(page2))
	}
	if st1 != 200 || !strings.Contains(page1, "Check your email") || strings.Contains(page1, "This email address already has") || h1.Get("Cache-Control") != "no-store" {
		t.Fatalf("booking page: %d\n%s", st1, trim(page1))
	}
	list = e.slotsOffered()
	if offers(list, slotC) || offers(list, slotD) {
		t.Fatal("a time held from the page is still offered")
	}

	// An unconfirmed hold frees its slot after the window, and its link
	// says so kindly and offers to book again.
	cyConfirm := linkIn(t, e.mailsTo("cy@example.com")[0])
	sqldbtest.SetTime(e.now, testNow.Add(31*time.Minute))
	list = e.slotsOffered()
	if !offers(list, slotC) || !offers(list, slotD) {
		t.Fatal("expired holds still block their slots")
	}
	for _, method := range []string{"GET", "POST"} {
		st, h, body := e.do(method, cyConfirm, ctype, "")
		if st != 410 || !strings.Contains(body, "expired") || !strings.Contains(body, `href="/book"`) || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s expired link: %d\n%s", method, st, trim(body))
		}
	}
	if cs, _, _ := e.db.FindConsults(context.Background(), journey.ConsultFilter{}); len(cs) != 2 {
		t.Fatalf("%d consults, want the first and the confirmed one", len(cs))
	}
	if st, h, _ := e.do("GET", "/book/confirm/not-a-real-token-at-all-000000", "", ""); st != 404 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("unknown confirm link: %d", st)
	}
}

// With the setting off (the default) booking is instant, as before.
func TestPrivateBookingOffByDefault(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.staffCookie(journey.RoleAdmin)
	st, _, body := e.api(cookie, "GET", "/api/v1/practice/booking", "")
	var got struct {
		Private     bool `json:"private"`
		HoldMinutes int  `json:"hold_minutes"`
	}
	if st != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Private || got.HoldMinutes != 30 {
		t.Fatalf("default settings: %d %s", st, body)
	}
	if st, _, _ := e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY, e.ny.ID, "ada@example.com", "")); st != 201 {
		t.Fatalf("instant booking: %d", st)
	}
	st, _, body = e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY.Add(time.Hour), e.ny.ID, "ada@example.com", ""))
	if st != 409 || !strings.Contains(body, "already") {
		t.Fatalf("second booking with the setting off: %d %s", st, body)
	}
	// Turned on and off again: instant once more.
	e.setPrivate(true, 45)
	e.setPrivate(false, 45)
	if st, _, _ := e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY.Add(time.Hour), e.ny.ID, "bea@example.com", "")); st != 201 {
		t.Fatalf("instant booking after turning it off: %d", st)
	}
}

// The settings page and API validate the hold window beside the field.
func TestBookingSettingsValidation(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.staffCookie(journey.RoleAdmin)
	st, h, body := e.as(cookie, "GET", "/admin/booking", nil)
	if st != 200 || !strings.Contains(body, `name="hold_minutes"`) || !strings.Contains(body, "already has an upcoming consult") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("settings page: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(cookie, "POST", "/admin/booking", url.Values{"private": {"on"}, "hold_minutes": {"200"}})
	if st != 422 || !strings.Contains(body, `id="hold_minutes-error"`) || !strings.Contains(body, "between 5 and 120") || !strings.Contains(body, `value="200"`) {
		t.Fatalf("bad hold window on the page: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(cookie, "POST", "/admin/booking", url.Values{"private": {"on"}, "hold_minutes": {"<b>x</b>"}})
	if st != 422 || !strings.Contains(body, `value="&lt;b&gt;x&lt;/b&gt;"`) {
		t.Fatalf("non-number hold window: %d\n%s", st, trim(body))
	}
	st, _, body = e.api(cookie, "PUT", "/api/v1/practice/booking", `{"private": true, "hold_minutes": 4}`)
	if st != 422 || !strings.Contains(body, `"hold_minutes"`) || !strings.Contains(body, "between 5 and 120") {
		t.Fatalf("bad hold window by the API: %d %s", st, body)
	}
	st, h, _ = e.as(cookie, "POST", "/admin/booking", url.Values{"private": {"on"}, "hold_minutes": {"15"}})
	if st != 303 {
		t.Fatalf("save: %d %v", st, h)
	}
	st, _, body = e.api(cookie, "GET", "/api/v1/practice/booking", "")
	if st != 200 || !strings.Contains(body, `"private":true`) || !strings.Contains(body, `"hold_minutes":15`) {
		t.Fatalf("saved settings: %d %s", st, body)
	}
	// Only those who may change settings.
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	if st, _, _ := e.api(desk, "PUT", "/api/v1/practice/booking", `{"private": false, "hold_minutes": 30}`); st != 403 {
		t.Fatalf("front desk changed booking settings: %d", st)
	}
}
