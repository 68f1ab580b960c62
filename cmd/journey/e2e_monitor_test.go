package main

// A remote medicine session's monitor and on-call contact in Chromium, at
// 1280 px and 390 px, axe-clean: the client's monitor form with its email
// and the monitor's agreement (bad input kept and named beside its
// field, then saved and shown back), the on-call line on the client's
// session page, and the staff's on-call choice on the session page and
// the calendar's booking form.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2EMonitorAndOnCall(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	clientID, sessionID := e2ePlanSeed(t, srv, base)
	// The session's on-call contact is the demo's medical provider.
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	doc, err := db.FindUserByEmail(context.Background(), "jordan.lee@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(db.Rebind(`UPDATE care_sessions SET on_call_id = ? WHERE id = ?`), doc.ID, sessionID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	browser := e2eBrowser(t)
	check := func(ctx context.Context, what string) {
		t.Helper()
		for _, phone := range []bool{false, true} {
			e2eViewport(t, ctx, phone)
			w := fmt.Sprintf("%s (%s)", what, map[bool]string{false: "1280px", true: "390px"}[phone])
			e2eCheckLayout(t, ctx, w)
			e2eAxeAll(t, ctx, axe, w)
		}
		e2eViewport(t, ctx, false)
	}

	sam := e2ePortalTab(t, browser, 150*time.Second, "client")
	e2eViewport(t, sam, false)
	e2ePortalOpen(t, sam, base, "/login")
	e2eDo(t, sam, "type Sam's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "sam.whitfield@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-harbor-light"))
	e2eSubmit(t, sam, "form.auth button[type=submit]")
	e2eWaitJS(t, sam, `location.pathname === "/portal" && document.readyState === "complete"`)

	// The monitor form: a wrong email and texts without the monitor's
	// agreement are named beside their fields, what was typed kept.
	e2ePortalOpen(t, sam, base, "/portal/monitor")
	e2ePortalText(t, sam, [2]string{"name", "Max Monitor"}, [2]string{"phone", "(503) 555-0142"}, [2]string{"relationship", "Partner"},
		[2]string{"email", "max@<monitor>"})
	e2eDo(t, sam, "confirm an adult, texts without agreeing", chromedp.Click(chromedp.ID("adult")), chromedp.Click(chromedp.ID("texts")))
	e2ePortalSubmit(t, sam, base, `form[action="/portal/monitor"] button[type=submit]`, 422, "/portal/monitor")
	if v := e2eEval[string](t, sam, `document.getElementById("email").value`); v != "max@<monitor>" {
		t.Errorf("the email as typed: %q", v)
	}
	for _, js := range []string{`document.getElementById("texts").checked`, `document.getElementById("adult").checked`,
		`!!document.getElementById("email-error") && document.getElementById("email").getAttribute("aria-invalid") === "true"`,
		`!!document.getElementById("texts-error") && document.getElementById("texts").getAttribute("aria-describedby") === "texts-error"`} {
		if !e2eEval[bool](t, sam, js) {
			t.Errorf("the refused form: not %s", js)
		}
	}
	if text := e2ePortalMain(sam); !strings.Contains(text, "Enter your monitor's email address") || !strings.Contains(text, "get texts only if they agreed") {
		t.Errorf("the refused form's messages:\n%s", text)
	}
	check(sam, "client /portal/monitor refused")
	e2ePortalSet(t, sam, [2]string{"email", "max@monitor.example"})
	e2eDo(t, sam, "the monitor agreed", chromedp.Click(chromedp.ID("agreed")))
	e2ePortalSubmit(t, sam, base, `form[action="/portal/monitor"] button[type=submit]`, 200, "/portal/monitor?saved=1")
	for _, js := range []string{`document.getElementById("email").value === "max@monitor.example"`, `document.getElementById("agreed").checked`,
		`document.getElementById("texts").checked`, `!document.getElementById("email-error")`} {
		if !e2eEval[bool](t, sam, js) {
			t.Errorf("the saved form: not %s", js)
		}
	}
	check(sam, "client /portal/monitor saved")

	// The client's session page names the on-call clinician and the
	// practice's number.
	sessionPath := fmt.Sprintf("/portal/sessions/%d", sessionID)
	e2ePortalOpen(t, sam, base, sessionPath)
	if text := e2ePortalMain(sam); !strings.Contains(text, "on-call clinician is Dr. Jordan Lee") {
		t.Errorf("the client's session page lacks the on-call line:\n%s", text)
	}
	check(sam, "client "+sessionPath)

	// The therapist: the on-call choice on the session's page, then the
	// booking form's.
	maya := e2ePortalTab(t, browser, 150*time.Second, "therapist")
	e2eViewport(t, maya, false)
	e2ePortalStaffSignIn(t, maya, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	staffPath := fmt.Sprintf("/staff/sessions/%d", sessionID)
	e2ePortalOpen(t, maya, base, staffPath)
	if v := e2eEval[string](t, maya, `document.querySelector("#on_call_id option:checked").textContent`); v != "Dr. Jordan Lee" {
		t.Errorf("on call on the session's page: %q", v)
	}
	check(maya, "therapist "+staffPath)
	calendar := fmt.Sprintf("/staff/calendar?cal=client-%d&find=1&type=medicine&mode=remote&route=lozenge", clientID)
	e2ePortalOpen(t, maya, base, calendar)
	if v := e2eEval[string](t, maya, `document.querySelector("#on_call_id option:checked").textContent`); v != "The session's medical provider" {
		t.Errorf("on call on the booking form: %q", v)
	}
	check(maya, "therapist calendar booking form")
}
