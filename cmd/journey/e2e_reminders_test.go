package main

// Reminders' pages in Chromium, at a desktop's 1280 px and a phone's
// 390 px, axe-clean: the admin's reminder rules with errors beside the
// fields and what was typed kept, front desk's failed deliveries and
// calendar link, and the client's texts and calendar link, whose feed
// opens in go-ical.

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func TestE2EReminders(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	check := func(ctx context.Context, what string) { t.Helper(); e2eCheckWidths(t, ctx, axe, what) }

	admin := e2ePortalTab(t, browser, 120*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2ePortalOpen(t, admin, base, "/admin/reminders")
	check(admin, "/admin/reminders")
	e2eDo(t, admin, "too little fasting", chromedp.SetValue(chromedp.ID("fast_food_hours"), "<b>1</b>"), chromedp.SetValue(chromedp.ID("fast_liquid_minutes"), "10"))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/reminders"] button[type=submit]`, 422, "/admin/reminders")
	if v := e2eEval[string](t, admin, `document.getElementById("fast_food_hours").value`); v != "<b>1</b>" {
		t.Errorf("the fasting as typed: %q", v)
	}
	check(admin, "/admin/reminders with errors")
	e2eDo(t, admin, "raise the fasting", chromedp.SetValue(chromedp.ID("fast_food_hours"), "4"), chromedp.SetValue(chromedp.ID("fast_liquid_minutes"), "120"))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/reminders"] button[type=submit]`, 200, "/admin/reminders?saved=1")

	desk := e2ePortalTab(t, browser, 120*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")
	e2ePortalFollow(t, desk, base, `nav.workspace-nav a[href="/staff/deliveries"]`, "/staff/deliveries")
	check(desk, "/staff/deliveries")
	e2ePortalOpen(t, desk, base, "/account/calendar")
	check(desk, "/account/calendar")
	e2ePortalSubmit(t, desk, base, `form[action="/account/calendar"] button[type=submit]`, 200, "/account/calendar")
	check(desk, "/account/calendar with a new link")

	// Sam has a preparation session with Maya in four days (the demo has
	// none yet); Sam's feed shows it.
	raw := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	samUser, err := raw.FindUserByEmail(context.Background(), "sam.whitfield@example.org")
	if err != nil {
		t.Fatal(err)
	}
	samClient, err := raw.FindClientByUserID(context.Background(), samUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	maya, err := raw.FindUserByEmail(context.Background(), "maya.okafor@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	session := sqldbtest.RawSessions(t, raw, maya.ID, []sqldbtest.RawSession{{ClientID: samClient.ID, Type: journey.TypePreparation,
		Mode: journey.ModeInPerson, Start: time.Now().Add(96 * time.Hour).Truncate(time.Hour), Minutes: 60, TherapistID: maya.ID}})[0]
	raw.Close()

	sam := e2ePortalTab(t, browser, 120*time.Second, "client")
	e2eViewport(t, sam, false)
	e2ePortalOpen(t, sam, base, "/login")
	e2eDo(t, sam, "type Sam's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "sam.whitfield@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-harbor-light"))
	e2eSubmit(t, sam, "form.auth button[type=submit]")
	e2eWaitJS(t, sam, `location.pathname === "/portal" && document.readyState === "complete"`)
	e2ePortalFollow(t, sam, base, `nav a[href="/portal/reminders"]`, "/portal/reminders")
	check(sam, "/portal/reminders")
	e2eDo(t, sam, "agree with a wrong number", chromedp.Click(chromedp.ID("agreed")), chromedp.SetValue(chromedp.ID("phone"), "<i>12</i>"))
	e2ePortalSubmit(t, sam, base, `form[action="/portal/texts"] button[type=submit]`, 422, "/portal/texts")
	if v := e2eEval[string](t, sam, `document.getElementById("phone").value`); v != "<i>12</i>" {
		t.Errorf("the number as typed: %q", v)
	}
	check(sam, "/portal/reminders with errors")
	e2eDo(t, sam, "a right number", chromedp.SetValue(chromedp.ID("phone"), "(503) 555-0142"))
	e2ePortalSubmit(t, sam, base, `form[action="/portal/texts"] button[type=submit]`, 200, "/portal/reminders?saved=texts")
	e2ePortalSubmit(t, sam, base, `form[action="/portal/calendar"] button[type=submit]`, 200, "/portal/calendar")
	check(sam, "/portal/reminders with a new link")
	feed := e2eEval[string](t, sam, `document.getElementById("new-url").value`)
	if !strings.HasPrefix(feed, base+"/calendar/jy_cal_") {
		t.Fatalf("the link: %q", feed)
	}
	resp, err := http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cal, err := ics.ParseCalendar(resp.Body)
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("the feed: %d %v", resp.StatusCode, err)
	}
	if evs := cal.Events(); len(evs) != 1 || !strings.HasPrefix(evs[0].Id(), journey.SessionUID(session)+"@") ||
		!strings.HasPrefix(evs[0].GetProperty(ics.ComponentPropertySummary).Value, "Preparation · Cedar & Tide") {
		t.Errorf("Sam's feed: %d events", len(evs))
	}
}

// e2eCheckWidths checks the tab's page at a desktop's 1280 px and a
// phone's 390 px: its layout fits, and axe-core finds nothing serious.
// It leaves the tab at desktop width.
func e2eCheckWidths(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	for _, phone := range []bool{false, true} {
		e2eViewport(t, ctx, phone)
		w := fmt.Sprintf("%s (%s)", what, map[bool]string{false: "1280px", true: "390px"}[phone])
		e2eCheckLayout(t, ctx, w)
		e2eAxeAll(t, ctx, axe, w)
	}
	e2eViewport(t, ctx, false)
}
