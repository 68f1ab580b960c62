package main

// Good Faith Estimates in Chromium, at a desktop's 1280 px and a phone's
// 390 px, axe-clean: the demo's self-pay client reads the estimate they
// were given before their first medicine session, asks for a new one
// and finds it issued by the job queue moments later, the old one
// replaced; the front desk sees them on the client's estimates page; the
// public notice of the right to an estimate.

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2EEstimates(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	check := func(ctx context.Context, what string) { t.Helper(); e2eCheckWidths(t, ctx, axe, what) }

	visitor := e2ePortalTab(t, browser, 60*time.Second, "visitor")
	e2eViewport(t, visitor, false)
	e2ePortalOpen(t, visitor, base, "/")
	e2ePortalFollow(t, visitor, base, `footer a[href="/good-faith-estimate"]`, "/good-faith-estimate")
	check(visitor, "/good-faith-estimate")

	avery := e2ePortalTab(t, browser, 120*time.Second, "client")
	e2eViewport(t, avery, false)
	e2ePortalOpen(t, avery, base, "/login")
	e2eDo(t, avery, "type Avery's credentials", chromedp.SendKeys(chromedp.CSS("#email"), demoSelfPayClient),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-stone-bridge"))
	e2eSubmit(t, avery, "form.auth button[type=submit]")
	e2eWaitJS(t, avery, `location.pathname === "/portal" && document.readyState === "complete"`)
	e2ePortalFollow(t, avery, base, `nav a[href="/portal/estimates"]`, "/portal/estimates")
	check(avery, "/portal/estimates")
	rows := e2eEval[int](t, avery, `document.querySelectorAll("table.estimates tbody tr").length`)
	text := e2eEval[string](t, avery, `document.querySelector("main").innerText`)
	if rows != 4 || !strings.Contains(text, "Cedar & Tide Ketamine-Assisted Therapy PLLC") || !strings.Contains(text, "Medicine session") ||
		!strings.Contains(text, "Download the PDF") || strings.Contains(text, "A bill is $400") {
		t.Fatalf("%d estimates:\n%s", rows, text)
	}
	e2ePortalSubmit(t, avery, base, `form[action="/portal/estimates"] button[type=submit]`, 200, "/portal/estimates?requested=1")
	check(avery, "/portal/estimates, one asked for")
	// The job queue issues it within moments: a reload shows it.
	deadline := time.Now().Add(30 * time.Second)
	for e2eEval[int](t, avery, `document.querySelectorAll("table.estimates tbody tr").length`) < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("the estimate asked for was not issued:\n%s", e2ePortalMain(avery))
		}
		time.Sleep(300 * time.Millisecond)
		e2ePortalOpen(t, avery, base, "/portal/estimates")
	}
	if n := e2eEval[int](t, avery, `[...document.querySelectorAll("table.estimates .tag")].filter(e => e.textContent.includes("Replaced")).length`); n != 4 {
		t.Errorf("%d estimates replaced, want the first 4", n)
	}
	check(avery, "/portal/estimates, issued again")

	desk := e2ePortalTab(t, browser, 120*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")
	id := e2eClientID(t, srv, demoSelfPayClient)
	e2ePortalOpen(t, desk, base, "/staff/clients/"+id+"/billing")
	e2ePortalFollow(t, desk, base, `main a[href="/staff/clients/`+id+`/estimates"]`, "/staff/clients/"+id+"/estimates")
	check(desk, "/staff/clients/{id}/estimates")
	if text := e2eEval[string](t, desk, `document.querySelector("main").innerText`); !strings.Contains(text, "No estimate is waiting") {
		t.Errorf("the staff's page:\n%s", text)
	}
}

// e2eClientID returns the id of the demo client with email, read from
// the server's database.
func e2eClientID(t *testing.T, srv *testServer, email string) string {
	t.Helper()
	raw := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	defer raw.Close()
	u, err := raw.FindUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	c, err := raw.FindClientByUserID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(c.ID, 10)
}
