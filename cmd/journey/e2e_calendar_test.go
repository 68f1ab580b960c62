package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
)

// e2eFetch runs fetch(path, {method, body}) in the tab, signed in as its
// person, and returns the status; the test fails on anything but want.
func e2eFetch(t *testing.T, ctx context.Context, method, path, body string, want int) map[string]any {
	t.Helper()
	js := `fetch(` + jsString(path) + `, {method: ` + jsString(method) + `, headers: {"Content-Type": "application/json"}` +
		map[bool]string{true: ``, false: `, body: ` + jsString(body)}[body == ""] + `})
		.then(r => r.text().then(text => ({status: r.status, text: text})))`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if got["status"] != float64(want) {
		t.Fatalf("%s %s: %v, want %d: %v", method, path, got["status"], want, got["text"])
	}
	return got
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// The calendar in Chromium: an admin gives the demo's therapist, medical
// provider and chaperone clinical hours and opens a room; the admin's
// everyone view and the therapist's week pass axe at desktop and phone
// widths; the therapist books a preparation from the free times and sees
// it on the week, then asks for a medicine session and is told, beside
// the form, which gates are not met yet; a client books their own
// preparation in the portal.
func TestE2ECalendar(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)

	admin := e2ePortalTab(t, browser, 90*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2eCalendarPractice(t, admin)

	e2ePortalOpen(t, admin, base, "/staff/calendar?cal=team")
	if text := e2ePortalMain(admin); !strings.Contains(text, "Everyone") || !strings.Contains(text, "Dr. Maya Okafor") {
		t.Fatalf("everyone's week:\n%s", text)
	}
	e2eAxe(t, admin, axe, "/staff/calendar everyone")
	// Today's column is a column like the others (a class shared with
	// Today's dashboard once laid its cells out as a grid).
	if odd := e2eEval[int](t, admin, `[...document.querySelectorAll(".cal-team th, .cal-team td")].filter(c => getComputedStyle(c).display !== "table-cell").length`); odd != 0 {
		t.Fatalf("%d cells of everyone's week are not table cells", odd)
	}
	e2eViewport(t, admin, true)
	e2ePortalPhone(t, admin, "/staff/calendar everyone (phone)")
	e2eAxe(t, admin, axe, "/staff/calendar everyone (phone)")

	therapist := e2ePortalTab(t, browser, 90*time.Second, "therapist")
	e2eViewport(t, therapist, false)
	e2ePortalStaffSignIn(t, therapist, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalFollow(t, therapist, base, `nav.workspace-nav a[href="/staff/calendar"]`, "/staff/calendar")
	e2eAxe(t, therapist, axe, "/staff/calendar")
	e2eSubmit(t, therapist, `#book a`)
	e2eWaitJS(t, therapist, `!!document.getElementById("client_id")`)
	client := e2eEval[string](t, therapist, `document.querySelector("#client_id option[value]:not([value=''])").value`)
	e2ePortalSet(t, therapist, [2]string{"client_id", client}, [2]string{"type", "preparation"})
	e2ePortalChoose(t, therapist, "mode-in_person")
	resp := e2eSubmit(t, therapist, `form.cal-book-form button[type=submit]`)
	if resp.Status != 200 || !strings.Contains(e2ePortalMain(therapist), "Free times") {
		t.Fatalf("finding free times: %d\n%s", resp.Status, e2ePortalMain(therapist))
	}
	e2eAxe(t, therapist, axe, "/staff/calendar with free times")
	// This week may be nearly over: look in the next.
	if e2eEval[int](t, therapist, `document.querySelectorAll("ul.cal-slots button").length`) == 0 {
		if resp := e2eSubmit(t, therapist, `a[href*="find=1"][href$="#book"]`); resp.Status != 200 {
			t.Fatalf("the next week: %d", resp.Status)
		}
	}
	label := e2eEval[string](t, therapist, `document.querySelector("ul.cal-slots button").textContent`)
	resp = e2eSubmit(t, therapist, `ul.cal-slots button`)
	if resp.Status != 200 || !strings.Contains(resp.URL, "booked=1") {
		t.Fatalf("booking %s: %d at %s\n%s", label, resp.Status, resp.URL, e2ePortalMain(therapist))
	}
	text := e2ePortalMain(therapist)
	if !strings.Contains(text, "The session is booked") || !strings.Contains(text, "Preparation") ||
		!strings.Contains(text, strings.TrimPrefix(strings.Split(label, "–")[0], "Book ")) {
		t.Fatalf("the booked preparation is not on the week (%s):\n%s", label, text)
	}
	e2eAxe(t, therapist, axe, "/staff/calendar after booking")
	e2eTablet(t, therapist, "/staff/calendar after booking")
	e2eAxe(t, therapist, axe, "/staff/calendar after booking (tablet)")
	e2eViewport(t, therapist, false)

	// A medicine session: the gates say what is missing, before and on a
	// refused booking.
	e2ePortalOpen(t, therapist, base, "/staff/calendar?book=1&find=1&mode=in_person&route=lozenge&type=medicine&client_id="+client+"&date="+time.Now().AddDate(0, 0, 7).Format(time.DateOnly))
	text = e2ePortalMain(therapist)
	if !strings.Contains(text, "Before a medicine session") || !strings.Contains(text, "Not yet:") {
		t.Fatalf("no gates shown:\n%s", text)
	}
	if !strings.Contains(text, "Free times") || e2eEval[int](t, therapist, `document.querySelectorAll("ul.cal-slots button").length`) == 0 {
		t.Fatalf("no free medicine times next week:\n%s", text)
	}
	resp = e2eSubmit(t, therapist, `ul.cal-slots button`)
	if resp.Status != 409 || !strings.Contains(e2ePortalMain(therapist), "could not be booked") {
		t.Fatalf("a medicine session with its gates unmet: %d\n%s", resp.Status, e2ePortalMain(therapist))
	}
	if e2eEval[string](t, therapist, `document.getElementById("type").value`) != "medicine" {
		t.Fatal("the refused booking did not keep the session type")
	}
	e2eAxe(t, therapist, axe, "/staff/calendar with a refused booking")
	e2eViewport(t, therapist, true)
	e2ePortalPhone(t, therapist, "/staff/calendar with a refused booking (phone)")
	e2eAxe(t, therapist, axe, "/staff/calendar with a refused booking (phone)")

	// A client books their own preparation in the portal, with their
	// therapist, on a phone.
	taylor := e2ePortalTab(t, browser, 90*time.Second, "client")
	e2eViewport(t, taylor, true)
	e2ePortalOpen(t, taylor, base, "/login")
	e2eDo(t, taylor, "type Taylor's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "taylor.brooks@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-morning-trail"))
	e2eSubmit(t, taylor, "form.auth button[type=submit]")
	e2eWaitJS(t, taylor, `location.pathname === "/portal" && document.readyState === "complete"`)
	e2ePortalFollow(t, taylor, base, `nav a[href="/portal/book"]`, "/portal/book")
	e2eAxe(t, taylor, axe, "/portal/book (phone)")
	e2ePortalChoose(t, taylor, "type-preparation", "mode-in_person")
	if resp := e2eSubmit(t, taylor, `form[action="/portal/book#times"] button[type=submit]`); resp.Status != 200 {
		t.Fatalf("free times: %d\n%s", resp.Status, e2ePortalMain(taylor))
	}
	if e2eEval[int](t, taylor, `document.querySelectorAll("ul.cal-slots button").length`) == 0 {
		if resp := e2eSubmit(t, taylor, `#times nav a[href*="week="]:last-child`); resp.Status != 200 {
			t.Fatalf("the next week: %d", resp.Status)
		}
	}
	e2ePortalPhone(t, taylor, "/portal/book with free times (phone)")
	e2eAxe(t, taylor, axe, "/portal/book with free times (phone)")
	resp = e2eSubmit(t, taylor, `ul.cal-slots button`)
	if resp.Status != 200 || !strings.Contains(e2ePortalMain(taylor), "Your session is booked for") {
		t.Fatalf("the taylor's booking: %d at %s\n%s", resp.Status, resp.URL, e2ePortalMain(taylor))
	}
	e2eAxe(t, taylor, axe, "/portal/book booked (phone)")
	e2eViewport(t, taylor, false)
	e2eAxe(t, taylor, axe, "/portal/book booked")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// e2eTablet sizes the tab as a tablet held upright (820 by 1180) and
// checks that the page fits its width and that every button and link of
// the calendar is at least 24 pixels tall, a target a finger can hit (a
// radio's target is its label).
func e2eTablet(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	p := emulation.SetDeviceMetricsOverrideParams{Width: 820, Height: 1180, DeviceScaleFactor: 2, Mobile: true}
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, p); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	got := e2eEval[map[string]any](t, ctx, `({scroll: document.documentElement.scrollWidth,
		small: [...document.querySelectorAll("main a, main button, main select, main label, main input:not([type=hidden]):not([type=radio]):not([type=checkbox])")]
			.filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height < 24; })
			.map(el => el.outerHTML.slice(0, 80))})`)
	if got["scroll"].(float64) > 820 {
		t.Errorf("%s: on an 820px tablet the page is %vpx wide", what, got["scroll"])
	}
	if small := got["small"].([]any); len(small) > 0 {
		t.Errorf("%s: on a tablet these targets are under 24px tall: %v", what, small)
	}
}

// e2eCalendarPractice has the signed-in admin give the demo's therapist,
// medical provider and chaperone clinical hours every day 07:00-21:00
// (Chicago) and open a room with the same hours, through the API.
func e2eCalendarPractice(t *testing.T, admin context.Context) {
	t.Helper()
	staff, err := chromedp.Run(admin, chromedp.Evaluate[[]map[string]any](`fetch("/api/v1/staff").then(r => r.json()).then(j => j.staff)`, chromedp.EvalAwaitPromise))
	if err != nil || len(staff) == 0 {
		t.Fatalf("staff: %v %v", staff, err)
	}
	const week = `"weekly": [` +
		`{"weekday": 0, "start": "07:00", "end": "21:00"}, {"weekday": 1, "start": "07:00", "end": "21:00"}, {"weekday": 2, "start": "07:00", "end": "21:00"},` +
		`{"weekday": 3, "start": "07:00", "end": "21:00"}, {"weekday": 4, "start": "07:00", "end": "21:00"}, {"weekday": 5, "start": "07:00", "end": "21:00"},` +
		`{"weekday": 6, "start": "07:00", "end": "21:00"}]`
	for _, u := range staff {
		switch u["email"] {
		case "maya.okafor@cedarandtide.example", "jordan.lee@cedarandtide.example", "casey.morgan@cedarandtide.example":
			id := int64(u["id"].(float64))
			e2eFetch(t, admin, "PUT", "/api/v1/staff/"+itoa(id)+"/hours", `{"time_zone": "America/Chicago", `+week+`}`, 200)
		}
	}
	loc := e2eFetch(t, admin, "POST", "/api/v1/locations", `{"name": "Cedar & Tide clinic", "address": "1 Example Street", "time_zone": "America/Chicago"}`, 201)
	locID := e2eEval[float64](t, admin, `(`+loc["text"].(string)+`).id`)
	e2eFetch(t, admin, "POST", "/api/v1/rooms", `{"location_id": `+itoa(int64(locID))+`, "name": "Willow room", `+week+`}`, 201)
}

// The therapist books an in-person medicine session from the calendar with
// the medical provider, the chaperone and the room the free time names:
// the gates say what is missing (the financial policy unsigned), the
// booking is refused with that gate beside the form, and once the client
// has signed it the same time books.
func TestE2ECalendarMedicineSession(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	clientID := e2eCalendarSeed(t, srv)
	browser := e2eBrowser(t)
	admin := e2ePortalTab(t, browser, 90*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2eCalendarPractice(t, admin)

	therapist := e2ePortalTab(t, browser, 90*time.Second, "therapist")
	e2eViewport(t, therapist, false)
	e2ePortalStaffSignIn(t, therapist, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	search := "/staff/calendar?cal=client-" + itoa(clientID) + "&book=1&find=1&type=medicine&mode=in_person&route=lozenge&date=" +
		time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	e2ePortalOpen(t, therapist, base, search)
	text := e2ePortalMain(therapist)
	if !strings.Contains(text, "Not yet: The client has not signed the current Financial Policy") || strings.Count(text, "Not yet:") != 1 {
		t.Fatalf("the gates should miss only the financial policy:\n%s", text)
	}
	who := e2eEval[string](t, therapist, `document.querySelector("ul.cal-slots li span.small").textContent`)
	for _, want := range []string{"Dr. Maya Okafor (therapist)", "Dr. Jordan Lee (medical provider)", "Casey Morgan (chaperone)", "room Willow room"} {
		if !strings.Contains(who, want) {
			t.Fatalf("the first free time holds %q, not %s", who, want)
		}
	}
	resp := e2eSubmit(t, therapist, `ul.cal-slots button`)
	if text := e2ePortalMain(therapist); resp.Status != 409 || !strings.Contains(text, "could not be booked") || !strings.Contains(text, "Financial Policy") {
		t.Fatalf("booked with a gate unmet: %d\n%s", resp.Status, text)
	}
	e2eAxe(t, therapist, axe, "/staff/calendar, a medicine session refused by a gate")

	// The client signs the financial policy; the same time now books.
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	if _, err := db.SignConsent(context.Background(), clientID, journey.ConsentFinancial, "Sam Whitfield", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e2ePortalOpen(t, therapist, base, search)
	if text := e2ePortalMain(therapist); strings.Contains(text, "Not yet:") {
		t.Fatalf("a gate is still unmet:\n%s", text)
	}
	resp = e2eSubmit(t, therapist, `ul.cal-slots button`)
	if resp.Status != 200 || !strings.Contains(resp.URL, "booked=1") {
		t.Fatalf("the medicine session: %d at %s\n%s", resp.Status, resp.URL, e2ePortalMain(therapist))
	}
	e2ePortalOpen(t, therapist, base, "/staff/calendar?cal=client-"+itoa(clientID)+"&date="+time.Now().AddDate(0, 0, 7).Format(time.DateOnly))
	text = e2ePortalMain(therapist)
	if !strings.Contains(text, "Medicine session") || !strings.Contains(text, "Willow room") || !strings.Contains(text, "Casey Morgan") {
		t.Fatalf("the medicine session is not on the client's week:\n%s", text)
	}
	e2eAxe(t, therapist, axe, "/staff/calendar with a medicine session")
}

// e2eCalendarSeed clears the demo's Sam (in person, the practice's default
// plan), with both preparations held and the KAP consent signed but not
// the financial policy, through a second handle on the server's database.
// It returns Sam's client id.
func e2eCalendarSeed(t *testing.T, srv *testServer) int64 {
	t.Helper()
	ctx := context.Background()
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	defer db.Close()
	db.Mail = &mail.Composer{BaseURL: srv.URL}
	sam, err := db.FindUserByEmail(ctx, "sam.whitfield@example.org")
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(ctx, sam.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.FindUserByEmail(ctx, "jordan.lee@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := db.FindScreening(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ack []string
	for _, f := range sc.Findings {
		ack = append(ack, f.Code)
	}
	now := time.Now().UTC()
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 0, 0), Acknowledged: ack}); err != nil {
		t.Fatalf("clear Sam: %v %v", err, journey.ErrorFields(err))
	}
	if _, err := db.SignConsent(ctx, c.ID, journey.ConsentKAP, "Sam Whitfield", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{-9, -5} {
		start := now.AddDate(0, 0, days)
		if _, err := db.Write.Exec(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, created_by, created_at, updated_at)
			VALUES (?, 'preparation', ?, ?, ?, 'completed', 'in_person', ?, 0, 0)`), c.ID, start.Unix(), start.Add(time.Hour).Unix(), start.Add(time.Hour).Unix(), c.TherapistID()); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}
