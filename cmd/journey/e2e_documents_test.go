package main

// The client's billing page in Chromium at a tablet's, a phone's and a
// desktop's width, axe-clean: the demo's self-pay client sees what they
// owe each entity, a superbill action on each psychotherapy session and
// none on their dosing session, is refused a superbill for a range that
// ends before it starts (the dates kept, the error beside the field),
// gets a superbill for one session and downloads it, and sees the
// front desk's superbill and statement among their documents; the front
// desk's documents page for the client is axe-clean too, a dosing
// session there with no box to tick.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2EPortalBilling(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	avery := e2ePortalTab(t, browser, 240*time.Second, "client")
	e2eTablet768(t, avery)
	e2ePortalOpen(t, avery, base, "/login")
	e2eDo(t, avery, "type the client's credentials", chromedp.SendKeys(chromedp.CSS("#email"), demoSelfPayClient),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-stone-bridge"))
	e2eSubmit(t, avery, "form.auth button[type=submit]")
	e2eWaitJS(t, avery, `location.pathname === "/portal" && document.readyState === "complete"`)
	e2ePortalFollow(t, avery, base, `nav a[href="/portal/billing"]`, "/portal/billing")
	e2eMain(t, avery, "the billing page", "What you owe", "Cedar & Tide Ketamine-Assisted Therapy PLLC", "Psychotherapy", "Medicine session",
		"Private pay: a dosing session never goes on a superbill.", "Superbill for this session", "Your documents", "Superbill ", "Statement ")
	e2eRunSheetCheck(t, avery, axe, "billing page")

	// A range that ends before it starts: refused beside the field, the dates kept.
	e2ePortalSet(t, avery, [2]string{"from", "2026-03-31"}, [2]string{"to", "2026-03-01"})
	e2ePortalSubmit(t, avery, base, `form[action="/portal/billing/superbills"] button[type=submit]:not(.secondary)`, 422, "/portal/billing/superbills")
	e2eMain(t, avery, "a range refused", "Please correct the highlighted field", "The last date comes on or after the first.")
	if v := e2eEval[string](t, avery, `document.querySelector("#from").value`); v != "2026-03-31" {
		t.Errorf("the first date as typed: %q", v)
	}
	e2eRunSheetCheck(t, avery, axe, "billing page, a range refused")

	// One session's superbill, then its download.
	e2ePortalSubmit(t, avery, base, `form[action="/portal/billing/superbills"] button.secondary`, 200, "/portal/billing/superbills")
	e2eMain(t, avery, "a superbill issued", "is ready (Psychotherapy")
	e2eRunSheetCheck(t, avery, axe, "billing page, a superbill issued")
	href := e2eEval[string](t, avery, `document.querySelector('[role=status] a[href^="/portal/billing/documents/"]').getAttribute("href")`)
	// The session cookie is HttpOnly: the page fetches the PDF with it.
	got, err := chromedp.Run(avery, chromedp.Evaluate[string](fmt.Sprintf(`(async () => { const r = await fetch(%q); const b = await r.arrayBuffer();
		return r.status + " " + r.headers.get("Content-Type") + " " + new TextDecoder().decode(b.slice(0, 5)); })()`, href), chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf %PDF-" {
		t.Errorf("the download: %q %v", got, err)
	}
	// The front desk's page of the client's documents.
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	u, err := db.FindUserByEmail(context.Background(), demoSelfPayClient)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(context.Background(), u.ID)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	desk := e2ePortalTab(t, browser, 240*time.Second, "front desk")
	e2eTablet768(t, desk)
	e2ePortalStaffSignIn(t, desk, base, demoAccounts[4].Email, demoAccounts[4].Password)
	e2ePortalOpen(t, desk, base, fmt.Sprintf("/staff/clients/%d/documents", c.ID))
	e2eMain(t, desk, "the documents page", "Superbill of chosen sessions", "is medicine session: only psychotherapy goes on a superbill.", "Issued")
	e2eRunSheetCheck(t, desk, axe, "staff documents page")
	// No one else downloads it.
	resp, err := http.Get(base + href)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.HasPrefix(string(body), "%PDF") {
			t.Errorf("a signed-out request downloads the superbill: %d", resp.StatusCode)
		}
	}
}
