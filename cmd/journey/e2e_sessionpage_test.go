package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// e2eWidths checks the page at a phone's (390), a tablet's (820) and a
// desktop's (1280) width: it fits, and axe finds nothing serious.
func e2eWidths(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	e2eViewport(t, ctx, true)
	e2ePortalPhone(t, ctx, what+" (phone)")
	e2eAxe(t, ctx, axe, what+" (phone)")
	p := emulation.SetDeviceMetricsOverrideParams{Width: 820, Height: 1180, DeviceScaleFactor: 2, Mobile: true}
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, p); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	if w := e2eEval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 820 {
		t.Errorf("%s: on an 820px tablet the page is %vpx wide", what, w)
	}
	e2eAxe(t, ctx, axe, what+" (tablet)")
	e2eViewport(t, ctx, false)
	e2eAxe(t, ctx, axe, what)
}

// A session's own pages in Chromium: a client books a preparation in the
// portal, finds it under their sessions, looks for times to move it to
// and is told beside the field that a cancellation needs a reason; the
// therapist opens it from the calendar, sees the free times to move it
// to, and cancels it with a reason; the client then sees it cancelled.
// Every page passes axe at 390, 820 and 1280 pixels.
func TestE2ESessionPages(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)

	admin := e2ePortalTab(t, browser, 90*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2eCalendarPractice(t, admin)

	taylor := e2ePortalTab(t, browser, 120*time.Second, "client")
	e2eViewport(t, taylor, false)
	e2ePortalOpen(t, taylor, base, "/login")
	e2eDo(t, taylor, "type Taylor's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "taylor.brooks@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-morning-trail"))
	e2eSubmit(t, taylor, "form.auth button[type=submit]")
	e2eWaitJS(t, taylor, `location.pathname === "/portal" && document.readyState === "complete"`)
	// Next week, so the booking is well outside the practice's notice.
	e2ePortalOpen(t, taylor, base, "/portal/book?type=preparation&mode=in_person&find=1&week="+time.Now().AddDate(0, 0, 9).Format(time.DateOnly))
	if resp := e2eSubmit(t, taylor, `ul.cal-slots button`); resp.Status != 200 || !strings.Contains(e2ePortalMain(taylor), "Your session is booked for") {
		t.Fatalf("booking: %d\n%s", resp.Status, e2ePortalMain(taylor))
	}
	e2ePortalFollow(t, taylor, base, `nav a[href="/portal/sessions"]`, "/portal/sessions")
	if text := e2ePortalMain(taylor); !strings.Contains(text, "Coming up") || !strings.Contains(text, "Preparation") || !strings.Contains(text, "In person") {
		t.Fatalf("the client's sessions:\n%s", text)
	}
	e2eWidths(t, taylor, axe, "/portal/sessions")
	href := e2eEval[string](t, taylor, `document.querySelector("ul.sessions a[href^='/portal/sessions/']").getAttribute("href")`)
	id := strings.TrimPrefix(href, "/portal/sessions/")
	e2ePortalFollow(t, taylor, base, `ul.sessions a[href="`+href+`"]`, href)
	e2eWidths(t, taylor, axe, "/portal/sessions/{id}")
	if resp := e2eSubmit(t, taylor, `#move a[href*="find=1"]`); resp.Status != 200 {
		t.Fatalf("free times: %d", resp.Status)
	}
	if text := e2ePortalMain(taylor); !strings.Contains(text, "Move to") && !strings.Contains(text, "No free times") {
		t.Fatalf("no free times listed:\n%s", text)
	}
	e2eWidths(t, taylor, axe, "/portal/sessions/{id} with free times")
	if resp := e2eSubmit(t, taylor, `form[action$="/cancel"] button[type=submit]`); resp.Status != 422 || !strings.Contains(e2ePortalMain(taylor), "Why are you cancelling?") {
		t.Fatalf("a cancellation without a reason: %d\n%s", resp.Status, e2ePortalMain(taylor))
	}
	if e2eEval[string](t, taylor, `document.getElementById("reason").getAttribute("aria-invalid")`) != "true" {
		t.Fatal("the reason is not marked invalid")
	}
	e2eWidths(t, taylor, axe, "/portal/sessions/{id} refused")

	therapist := e2ePortalTab(t, browser, 120*time.Second, "therapist")
	e2eViewport(t, therapist, false)
	e2ePortalStaffSignIn(t, therapist, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, therapist, base, "/staff/calendar?date="+time.Now().AddDate(0, 0, 9).Format(time.DateOnly))
	e2ePortalFollow(t, therapist, base, `a.cal-time[href="/staff/sessions/`+id+`"]`, "/staff/sessions/"+id)
	text := e2ePortalMain(therapist)
	for _, want := range []string{"Preparation", "In person", "Taylor", "Check in", "Cancelling now is not late", "History", "Booked on"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the session page lacks %q:\n%s", want, text)
		}
	}
	e2eWidths(t, therapist, axe, "/staff/sessions/{id}")
	if resp := e2eSubmit(t, therapist, `#move form button[type=submit]`); resp.Status != 200 {
		t.Fatalf("free times: %d", resp.Status)
	}
	e2eWidths(t, therapist, axe, "/staff/sessions/{id} with free times")
	e2eDo(t, therapist, "type a reason", chromedp.SendKeys(chromedp.CSS("#reason"), "The therapist is away <that day>"))
	if resp := e2eSubmit(t, therapist, `form[action$="/cancel"] button[type=submit]`); resp.Status != 200 || !strings.Contains(e2ePortalMain(therapist), "The session is cancelled.") {
		t.Fatalf("cancelling: %d\n%s", resp.Status, e2ePortalMain(therapist))
	}
	if text := e2ePortalMain(therapist); !strings.Contains(text, "The therapist is away <that day>") || !strings.Contains(text, "Cancelled on") {
		t.Fatalf("the cancellation is not shown:\n%s", text)
	}
	e2eWidths(t, therapist, axe, "/staff/sessions/{id} cancelled")

	e2ePortalOpen(t, taylor, base, "/portal/sessions/"+id)
	if text := e2ePortalMain(taylor); !strings.Contains(text, "cancelled") || strings.Contains(text, "Cancel it") {
		t.Fatalf("the client's cancelled session:\n%s", text)
	}
}
