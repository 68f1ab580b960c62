package main

// End-to-end tests in headless Chromium (chromedp): a visitor books a
// consult through the real pages with JavaScript on and off, gets the
// confirmation and the calendar invitation by email (mailpit), and cancels;
// a visitor's bad entries survive a failed submit; and axe-core finds no
// serious or critical accessibility problem on the public pages.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey/internal/testenv"
)

// e2eBrowser starts a headless Chromium for the test, with a fresh profile,
// and returns a chromedp context for its first tab. The browser lives at
// most two minutes and stops when the test ends.
func e2eBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
	}
	life, lifeCancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(lifeCancel)
	actx, acancel := chromedp.NewExecAllocator(life, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		_ = chromedp.Cancel(bctx) // close the browser gracefully, then make sure
		bcancel()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// e2eTab opens a new tab of the browser of bctx and returns its context,
// bounded by timeout.
func e2eTab(t *testing.T, bctx context.Context, timeout time.Duration) context.Context {
	t.Helper()
	tctx, tcancel := chromedp.NewContext(bctx)
	t.Cleanup(tcancel)
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

func e2eDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// e2eEval evaluates js in the page and decodes its value into T.
func e2eEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// e2eWaitJS polls js until it is true, across navigations (a page-side poll
// would not survive the reload that app.js makes).
func e2eWaitJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var last error
	for {
		ok, err := chromedp.Run(wctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		select {
		case <-wctx.Done():
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("waiting for %s at %s: %v (last error: %v)", js, loc, wctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// e2eSubmit clicks sel and waits for the page that the click loads.
func e2eSubmit(t *testing.T, ctx context.Context, sel string) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	return resp
}

// e2eTimezone makes the tab's browser report zone as its own.
func e2eTimezone(t *testing.T, ctx context.Context, zone string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		t.Fatalf("time zone override: %v", err)
	}
}

// e2eSlot is the first open slot of the booking grid.
type e2eSlot struct {
	ID    string `json:"id"`
	Value string `json:"value"`
	Label string `json:"label"`
	Day   string `json:"day"`
}

func (s *e2eSlot) start(t *testing.T) time.Time {
	t.Helper()
	_, sec, ok := strings.Cut(s.Value, "|")
	n, err := strconv.ParseInt(sec, 10, 64)
	if !ok || err != nil {
		t.Fatalf("slot value %q is not therapist|unix", s.Value)
	}
	return time.Unix(n, 0)
}

const e2eFirstSlotJS = `(() => {
	const i = document.querySelector('#slots input[name=slot]');
	if (!i) return null;
	const l = document.querySelector('label[for="' + i.id + '"]');
	return {id: i.id, value: i.value, label: l ? l.textContent.trim() : "", day: i.closest('fieldset').querySelector('legend').textContent.trim()};
})()`

// e2eConsultDetails reads the manage page's dl.consult as a map dt → dd.
const e2eConsultDetails = `Object.fromEntries([...document.querySelectorAll('dl.consult dt')].map(dt => [dt.textContent.trim(), dt.nextElementSibling.innerText.trim()]))`

var e2eManageURL = regexp.MustCompile(`^(.*/c/([^/?#]+))\?(booked|cancelled)=1$`)

func TestE2EBookConsult(t *testing.T) {
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@practice.test"},
		"--demo", "--rate-limit", "0", "--min-form-time", "1s")
	browser := e2eBrowser(t)

	for _, tc := range []struct {
		name    string
		js      bool
		zone    string // the zone the times end up in
		method  string // contact method chosen
		mode    string // phone or video
		phone   string // typed
		contact func(addr string) string
		how     string // what the confirmation page and email say of how the consult takes place
	}{
		{name: "javascript on", js: true, zone: "Europe/London", method: "phone", mode: "phone", phone: "(415) 201-0142",
			contact: func(string) string { return "phone at +14152010142" }, how: "will call you at +14152010142"},
		{name: "javascript off", js: false, zone: "Asia/Tokyo", method: "email", mode: "video",
			contact: func(addr string) string { return "email at " + addr }, how: demoPractice.VideoLink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := e2eTab(t, browser, 45*time.Second)
			// The browser is in London, the practice in Los Angeles.
			e2eTimezone(t, ctx, "Europe/London")
			if !tc.js {
				if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
					t.Fatal(err)
				}
			}
			// Every document the tab loads, to tell whether app.js ran.
			var mu sync.Mutex
			var visited []string
			if err := chromedp.Listen(ctx, func(ev any) {
				if ev, ok := ev.(*page.EventFrameNavigated); ok && ev.Frame.ParentID == "" {
					mu.Lock()
					visited = append(visited, ev.Frame.URL)
					mu.Unlock()
				}
			}); err != nil {
				t.Fatal(err)
			}
			e2eDo(t, ctx, "open /book", chromedp.Navigate(srv.URL+"/book"))

			if tc.js {
				// app.js reads the browser's zone and reloads with ?tz=.
				e2eWaitJS(t, ctx, `new URLSearchParams(location.search).has("tz") && document.readyState === "complete" && !!document.getElementById("tz")`)
				if got := e2eEval[string](t, ctx, `new URLSearchParams(location.search).get("tz")`); got != "Europe/London" {
					t.Fatalf("app.js reloaded with tz=%q, want Europe/London", got)
				}
			} else {
				// No script ran: the page stays in the practice's zone.
				if loc := e2eEval[string](t, ctx, `location.href`); loc != srv.URL+"/book" {
					t.Fatalf("with JavaScript off the page moved to %s", loc)
				}
				if got := e2eEval[string](t, ctx, `document.getElementById("tz").value`); got != "America/Los_Angeles" {
					t.Fatalf("tz select = %q, want the practice's America/Los_Angeles", got)
				}
				// The visitor picks Tokyo and asks for the times (a GET form).
				e2eDo(t, ctx, "choose Asia/Tokyo", chromedp.SetValue(chromedp.ID("tz"), "Asia/Tokyo"))
				resp := e2eSubmit(t, ctx, "form.week-controls button[type=submit]")
				if resp.Status != http.StatusOK || !strings.Contains(resp.URL, "tz=Asia%2FTokyo") {
					t.Fatalf("Show times: %d %s, want 200 with tz=Asia%%2FTokyo", resp.Status, resp.URL)
				}
			}
			formShown := time.Now()
			if got := e2eEval[string](t, ctx, `document.getElementById("tz").value`); got != tc.zone {
				t.Fatalf("tz select shows %q, want %q", got, tc.zone)
			}
			if got := e2eEval[string](t, ctx, `document.querySelector("#slots .small").innerText`); !strings.Contains(got, "Times are in "+tc.zone+".") {
				t.Fatalf("grid heading says %q, want times in %s", got, tc.zone)
			}

			// The first open time, shown in the visitor's zone.
			slot := e2eEval[*e2eSlot](t, ctx, e2eFirstSlotJS)
			if slot == nil {
				t.Fatalf("no open slot on /book")
			}
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			start := slot.start(t)
			local := start.In(loc)
			if slot.Label != local.Format("3:04 PM") || slot.Day != local.Format("Monday, January 2") {
				t.Fatalf("slot %s is labelled %q on %q, want %q on %q (%s)", slot.Value, slot.Label, slot.Day,
					local.Format("3:04 PM"), local.Format("Monday, January 2"), tc.zone)
			}

			addr := testenv.UniqueAddress(t)
			name := "Ada <i>Lovelace</i>"
			e2eDo(t, ctx, "fill the form",
				chromedp.Click(chromedp.CSS(`label[for="`+slot.ID+`"]`)),
				chromedp.SendKeys(chromedp.ID("name"), name),
				chromedp.SendKeys(chromedp.ID("email"), addr),
			)
			if tc.phone != "" {
				e2eDo(t, ctx, "type phone", chromedp.SendKeys(chromedp.ID("phone"), tc.phone))
			}
			e2eDo(t, ctx, "choose contact method and consent",
				chromedp.Click(chromedp.CSS(`label[for="cm-`+tc.method+`"]`)),
				chromedp.Click(chromedp.CSS(`label[for="mode-`+tc.mode+`"]`)),
				chromedp.Click(chromedp.ID("privacy_consent")),
			)
			checked := e2eEval[[]bool](t, ctx, fmt.Sprintf(`[%q, %q, %q, "privacy_consent"].map(id => document.getElementById(id).checked)`, slot.ID, "cm-"+tc.method, "mode-"+tc.mode))
			if len(checked) != 4 || !checked[0] || !checked[1] || !checked[2] || !checked[3] {
				t.Fatalf("slot, contact method, mode, consent checked = %v, want all true", checked)
			}
			if got := e2eEval[string](t, ctx, `document.querySelector("form.booking button[type=submit]").textContent.trim()`); got != "Book my consult" {
				t.Fatalf("submit button says %q", got)
			}
			// A person takes longer than --min-form-time (1s) to fill the form.
			if d := time.Until(formShown.Add(1100 * time.Millisecond)); d > 0 {
				time.Sleep(d)
			}
			resp := e2eSubmit(t, ctx, "form.booking button[type=submit]")
			m := e2eManageURL.FindStringSubmatch(resp.URL)
			if resp.Status != http.StatusOK || m == nil || m[3] != "booked" || !strings.HasPrefix(resp.URL, srv.URL+"/c/") {
				body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`))
				t.Fatalf("after booking: %d %s, want 200 at /c/{token}?booked=1\n%s", resp.Status, resp.URL, body)
			}
			manageURL := m[1]
			if h := e2eEval[string](t, ctx, `document.querySelector("main h1").textContent`); h != "You're booked" {
				t.Fatalf("heading %q, want You're booked", h)
			}
			// The name is shown as typed, as text: no <i> element.
			if n := e2eEval[int](t, ctx, `document.querySelectorAll("main i").length`); n != 0 {
				t.Fatalf("the name's markup became %d <i> element(s)", n)
			}
			if !strings.Contains(e2eEval[string](t, ctx, `document.querySelector("main").innerText`), name) {
				t.Fatalf("the page does not show the name %q literally", name)
			}
			details := e2eEval[map[string]string](t, ctx, e2eConsultDetails)
			wantWhen := local.Format("Monday, January 2, 2006") + ", " + local.Format("3:04 PM") + " – "
			if !strings.HasPrefix(details["When"], wantWhen) || !strings.HasSuffix(details["When"], "("+tc.zone+")") {
				t.Fatalf("When = %q, want %q… (%s)", details["When"], wantWhen, tc.zone)
			}
			if details["Name"] != name || details["Status"] != "Booked" || details["We will contact you by"] != tc.contact(addr) ||
				!strings.Contains(details["How"], tc.how) {
				t.Fatalf("consult details = %q", details)
			}

			// The confirmation email, with the manage link and the invitation.
			msgs := testenv.WaitForMail(t, mailpit, addr, 30*time.Second)
			if len(msgs) != 1 {
				t.Fatalf("%d messages to %s after booking, want 1", len(msgs), addr)
			}
			if want := "Your free consult is booked: " + local.Format("Mon Jan 2, 3:04 PM MST"); msgs[0].Subject != want {
				t.Fatalf("subject %q, want %q", msgs[0].Subject, want)
			}
			text := testenv.MailText(t, mailpit, msgs[0].ID)
			if !slices.Contains(strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), manageURL) {
				t.Fatalf("the email does not hold the manage link %s on a line of its own:\n%s", manageURL, text)
			}
			if !strings.Contains(text, tc.how) {
				t.Fatalf("the email does not say %q:\n%s", tc.how, text)
			}
			uid := e2eCheckInvite(t, mailpit, msgs[0].ID, "REQUEST", start, addr)

			// Cancel from the manage page: a link to a page that asks first.
			resp = e2eSubmit(t, ctx, "a[href$='/cancel']")
			if h := e2eEval[string](t, ctx, `document.querySelector("main h1").textContent`); resp.Status != http.StatusOK || !strings.HasPrefix(h, "Cancel your consult on "+local.Format("Monday, January 2")) {
				t.Fatalf("cancel confirmation: %d %q", resp.Status, h)
			}
			e2eDo(t, ctx, "give a reason", chromedp.SendKeys("#reason", "Found a closer practice."))
			resp = e2eSubmit(t, ctx, "form[action$='/cancel'] button[type=submit]")
			if resp.Status != http.StatusOK || resp.URL != manageURL+"?cancelled=1" {
				t.Fatalf("after cancelling: %d %s, want 200 at %s?cancelled=1", resp.Status, resp.URL, manageURL)
			}
			if h := e2eEval[string](t, ctx, `document.querySelector("main h1").textContent`); h != "Your consult is cancelled" {
				t.Fatalf("heading %q after cancelling", h)
			}
			if details := e2eEval[map[string]string](t, ctx, e2eConsultDetails); details["Status"] != "Cancelled" {
				t.Fatalf("status %q after cancelling", details["Status"])
			}
			if n := e2eEval[int](t, ctx, `document.querySelectorAll("form[action$='/cancel'], form[action$='/reschedule']").length`); n != 0 {
				t.Fatalf("a cancelled consult still offers %d move/cancel form(s)", n)
			}
			cancelled := e2eWaitMessages(t, mailpit, addr, 2)
			var cmsg *testenv.MailSummary
			for i := range cancelled {
				if strings.HasPrefix(cancelled[i].Subject, "Your free consult is cancelled: ") {
					cmsg = &cancelled[i]
				}
			}
			if cmsg == nil || cmsg.Subject != "Your free consult is cancelled: "+local.Format("Mon Jan 2, 3:04 PM MST") {
				t.Fatalf("no cancellation email for %s among %+v", local.Format("Mon Jan 2, 3:04 PM MST"), cancelled)
			}
			if cuid := e2eCheckInvite(t, mailpit, cmsg.ID, "CANCEL", start, addr); cuid != uid {
				t.Fatalf("the cancellation's UID %q is not the invitation's %q", cuid, uid)
			}

			mu.Lock()
			defer mu.Unlock()
			detected := slices.ContainsFunc(visited, func(u string) bool { return strings.Contains(u, "tz=Europe%2FLondon") })
			if detected != tc.js {
				t.Errorf("app.js zone detection ran = %v, want %v; pages: %q", detected, tc.js, visited)
			}
		})
	}
}

// e2eWaitMessages waits until at least n messages to addr have arrived.
func e2eWaitMessages(t *testing.T, mailpit, addr string, n int) []testenv.MailSummary {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs := testenv.WaitForMail(t, mailpit, addr, 30*time.Second)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d message(s) to %s within 30s, want %d", len(msgs), addr, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// e2eCheckInvite checks that message id carries one .ics attachment, an
// RFC 5545 calendar with method and exactly one event that starts at start
// and has a UID, an organizer and addr as attendee. It returns the UID.
func e2eCheckInvite(t *testing.T, mailpit, id, method string, start time.Time, addr string) string {
	t.Helper()
	var cal []testenv.Attachment
	for _, a := range testenv.MailAttachments(t, mailpit, id) {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			cal = append(cal, a)
		}
	}
	if len(cal) != 1 || !strings.HasSuffix(cal[0].FileName, ".ics") {
		t.Fatalf("message %s: calendar attachments %+v, want one text/calendar *.ics", id, cal)
	}
	data := testenv.MailPart(t, mailpit, id, cal[0].PartID)
	c, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the invitation does not parse: %v\n%s", err, data)
	}
	props := map[string]string{}
	for _, p := range c.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["METHOD"] != method || props["VERSION"] != "2.0" || props["PRODID"] == "" {
		t.Fatalf("calendar properties %q, want METHOD:%s, VERSION:2.0 and a PRODID\n%s", props, method, data)
	}
	evs := c.Events()
	if len(evs) != 1 {
		t.Fatalf("%d VEVENTs, want 1\n%s", len(evs), data)
	}
	ev := evs[0]
	got, err := ev.GetStartAt()
	if err != nil || !got.Equal(start) {
		t.Fatalf("DTSTART = %v (%v), want %v\n%s", got, err, start.UTC(), data)
	}
	if ev.Id() == "" || ev.GetProperty(ics.ComponentPropertyDtstamp) == nil {
		t.Fatalf("the event lacks a UID or DTSTAMP\n%s", data)
	}
	if org := ev.GetProperty(ics.ComponentPropertyOrganizer); org == nil || !strings.HasPrefix(strings.ToLower(org.Value), "mailto:") {
		t.Fatalf("the event has no ORGANIZER mailto:\n%s", data)
	}
	found := false
	for _, a := range ev.Attendees() {
		found = found || strings.EqualFold(a.Email(), addr)
	}
	if !found {
		t.Fatalf("the event has no ATTENDEE mailto:%s\n%s", addr, data)
	}
	return ev.Id()
}

func TestE2EBadInputKeepsEntries(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--rate-limit", "0", "--min-form-time", "0s")
	ctx := e2eTab(t, e2eBrowser(t), 40*time.Second)

	// Any dialog (alert(1) from the name) is noted and dismissed, so the
	// page cannot hang on it.
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	e2eTimezone(t, ctx, "Europe/London")
	e2eDo(t, ctx, "open /book", chromedp.Navigate(srv.URL+"/book"))
	e2eWaitJS(t, ctx, `new URLSearchParams(location.search).get("tz") === "Europe/London" && document.readyState === "complete"`)

	typed := map[string]string{
		"name":   "<script>alert(1)</script>",
		"email":  "not-an-email",
		"phone":  "12",
		"reason": `"quotes" & <b>tags</b>`,
	}
	for _, f := range []string{"name", "email", "phone", "reason"} {
		e2eDo(t, ctx, "type "+f, chromedp.SendKeys(chromedp.ID(f), typed[f]))
	}
	resp := e2eSubmit(t, ctx, "form.booking button[type=submit]")
	if resp.Status != http.StatusUnprocessableEntity || !strings.HasSuffix(resp.URL, "/book") {
		t.Fatalf("bad form: %d %s, want 422 at /book", resp.Status, resp.URL)
	}
	// The page stays (app.js must not reload it and lose the entries).
	if loc := e2eEval[string](t, ctx, `location.href`); loc != srv.URL+"/book" {
		t.Fatalf("the error page moved to %s", loc)
	}
	if !e2eEval[bool](t, ctx, `(() => { const s = document.getElementById("error-summary"); return !!s && s.getAttribute("role") === "alert" && s.querySelectorAll("li a").length >= 4; })()`) {
		t.Fatal("no error summary listing the fields")
	}
	// app.js moves focus to the summary for screen readers.
	if id := e2eEval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`); id != "error-summary" {
		t.Fatalf("focus is on %q, want the error summary", id)
	}
	// A message beside each bad field.
	for field, container := range map[string]string{
		"email":           `document.getElementById("email").closest(".field")`,
		"phone":           `document.getElementById("phone").closest(".field")`,
		"slot":            `document.getElementById("slots")`,
		"privacy_consent": `document.getElementById("privacy_consent").closest(".field")`,
	} {
		js := fmt.Sprintf(`(() => { const c = %s; const e = document.getElementById(%q); return !!c && !!e && c.contains(e) && e.classList.contains("field-error") && e.textContent.trim() !== ""; })()`, container, field+"-error")
		if !e2eEval[bool](t, ctx, js) {
			t.Errorf("no .field-error beside %s", field)
		}
	}
	for _, f := range []string{"email", "phone", "privacy_consent"} {
		if got := e2eEval[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).getAttribute("aria-invalid") || ""`, f)); got != "true" {
			t.Errorf("#%s aria-invalid = %q, want true", f, got)
		}
	}
	// What was typed is kept exactly, as text.
	for f, want := range typed {
		if got := e2eEval[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).value`, f)); got != want {
			t.Errorf("#%s holds %q, want %q", f, got, want)
		}
	}
	if n := e2eEval[int](t, ctx, `document.querySelectorAll("main script, main b").length`); n != 0 {
		t.Errorf("the entries became %d element(s) in main", n)
	}
	if got := e2eEval[string](t, ctx, `document.querySelector("input[name=tz]").value`); got != "Europe/London" {
		t.Errorf("the form's zone became %q, want Europe/London", got)
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d dialog(s) opened: the name ran as script", n)
	}
}

// e2eViolation is an axe-core violation, cut down to what a report needs.
type e2eViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Count  int      `json:"count"`
	Nodes  []string `json:"nodes"`
}

const e2eAxeRun = `
;axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, count: v.nodes.length,
		nodes: v.nodes.slice(0, 4).map(n => JSON.stringify(n.target))})))`

// e2eAxe runs axe-core (source axe) on the tab's page and fails the test
// for every serious or critical violation; lesser ones are logged.
func e2eAxe(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]e2eViolation](axe+e2eAxeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", page, err)
	}
	for _, v := range vs {
		msg := fmt.Sprintf("%s: axe %s (%s, %d node(s)): %s: %s", page, v.ID, v.Impact, v.Count, v.Help, strings.Join(v.Nodes, " "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// e2eViewport sizes the tab as a desktop window or a phone.
func e2eViewport(t *testing.T, ctx context.Context, phone bool) {
	t.Helper()
	p := emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 900, DeviceScaleFactor: 1}
	if phone {
		p = emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true}
	}
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, p); err != nil {
		t.Fatalf("viewport: %v", err)
	}
}

// e2eBookAPI books the first open slot through the JSON API and returns the
// consult's manage URL.
func e2eBookAPI(t *testing.T, base string) string {
	t.Helper()
	client := &http.Client{Timeout: 15 * time.Second}
	resp, err := client.Get(base + "/api/v1/consult-slots?days=14")
	if err != nil {
		t.Fatal(err)
	}
	var slots struct {
		Slots []struct {
			Start       string `json:"start"`
			TherapistID int64  `json:"therapist_id"`
		} `json:"slots"`
	}
	err = json.NewDecoder(resp.Body).Decode(&slots)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(slots.Slots) == 0 {
		t.Fatalf("consult-slots: %d %v %+v", resp.StatusCode, err, slots)
	}
	body, _ := json.Marshal(map[string]any{
		"start": slots.Slots[0].Start, "therapist_id": slots.Slots[0].TherapistID, "name": "Grace Hopper",
		"email": testenv.UniqueAddress(t), "contact_method": "email", "mode": "video", "time_zone": "America/Chicago", "privacy_consent": true,
	})
	resp, err = client.Post(base+"/api/v1/consults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		ManageURL string `json:"manage_url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusCreated || c.ManageURL == "" {
		t.Fatalf("POST /api/v1/consults: %d %v %+v", resp.StatusCode, err, c)
	}
	return c.ManageURL
}

func TestE2EAccessibility(t *testing.T) {
	axePath := testenv.AxePath(t)
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	axe := string(src)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0", "--min-form-time", "0s")
	ctx := e2eTab(t, e2eBrowser(t), 50*time.Second)
	// axe's script is not 'self': let it in.
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	// The browser is in the practice's zone, so /book stays put.
	e2eTimezone(t, ctx, "America/Los_Angeles")

	open := func(path string) {
		t.Helper()
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+path))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, err, resp)
		}
	}

	e2eViewport(t, ctx, false)
	screenshot := os.Getenv("JOURNEY_UPDATE_SCREENSHOT") == "1"
	if screenshot {
		// No scrollbar in the picture (takes effect from the next page).
		if _, err := chromedp.Call(ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/", "/faq", "/book"} {
		open(path)
		e2eAxe(t, ctx, axe, path+" (desktop)")
		if path == "/" && screenshot {
			e2eScreenshot(t, ctx)
		}
	}

	// The booking form after a failed submit, errors showing.
	resp := e2eSubmit(t, ctx, "form.booking button[type=submit]")
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty booking form: %d, want 422", resp.Status)
	}
	e2eWaitJS(t, ctx, `!!document.getElementById("error-summary") && document.querySelectorAll(".field-error").length > 0`)
	e2eAxe(t, ctx, axe, "/book with errors (desktop)")

	// A confirmation and manage page.
	manage := e2eBookAPI(t, srv.URL)
	u, err := url.Parse(manage)
	if err != nil {
		t.Fatal(err)
	}
	open(u.Path + "?booked=1")
	if h := e2eEval[string](t, ctx, `document.querySelector("main h1").textContent`); h != "You're booked" {
		t.Fatalf("manage page heading %q", h)
	}
	e2eAxe(t, ctx, axe, "/c/{token}?booked=1 (desktop)")
	open(u.Path + "/cancel")
	e2eAxe(t, ctx, axe, "/c/{token}/cancel (desktop)")

	e2eViewport(t, ctx, true)
	for _, path := range []string{"/", "/book"} {
		open(path)
		if w := e2eEval[int](t, ctx, `window.innerWidth`); w != 390 {
			t.Fatalf("phone viewport is %dpx wide, want 390", w)
		}
		e2ePortalPhone(t, ctx, path)
		e2eAxe(t, ctx, axe, path+" (phone)")
	}
	// Any therapist's week on a phone: one day open, its times grouped by
	// part of day, fewer than thirty buttons on the page at once; another
	// day opens with a tap, no JavaScript needed.
	grid := e2eEval[map[string]any](t, ctx, `({days: document.querySelectorAll("#slots details.day-pick").length,
		open: document.querySelectorAll("#slots details.day-pick[open]").length,
		shown: [...document.querySelectorAll("#slots .slot label")].filter(l => l.checkVisibility()).length,
		all: document.querySelectorAll("#slots .slot").length})`)
	if grid["days"].(float64) < 2 || grid["open"] != float64(1) || grid["shown"].(float64) >= grid["all"].(float64) || grid["shown"].(float64) > 30 {
		t.Errorf("/book on a phone: %v", grid)
	}
	e2eDo(t, ctx, "open the second day", chromedp.Click(chromedp.CSS("#slots details.day-pick:nth-of-type(2) summary")))
	if n := e2eEval[int](t, ctx, `document.querySelectorAll("#slots details.day-pick[open]").length`); n != 2 {
		t.Errorf("%d days open after opening the second", n)
	}
	e2ePortalPhone(t, ctx, "/book with two days open")
	for _, path := range []string{u.Path + "?booked=1", u.Path + "/cancel"} {
		open(path)
		e2ePortalPhone(t, ctx, path)
		e2eAxe(t, ctx, axe, path+" (phone)")
	}
}

// e2eScreenshot writes the landing page at 1280×900 to
// docs/screenshot-landing.png (JOURNEY_UPDATE_SCREENSHOT=1).
func e2eScreenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.DecodeConfig(bytes.NewReader(buf))
	if err != nil || img.Width != 1280 || img.Height != 900 {
		t.Fatalf("screenshot is %dx%d (%v), want 1280x900", img.Width, img.Height, err)
	}
	out := filepath.Join("..", "..", "docs", "screenshot-landing.png")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}
