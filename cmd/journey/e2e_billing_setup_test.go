package main

// The billing setup and reports in Chromium, at a desktop's 1280 px and a
// phone's 390 px, axe-clean with and without errors beside the fields:
// the admin's setup page, a client's diagnoses (their therapist) and
// coverage and the billing reports (the front desk), what was typed kept.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2EBillingSetup(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
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
	admin := e2ePortalTab(t, browser, 120*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2ePortalOpen(t, admin, base, "/admin/billing")
	check(admin, "/admin/billing")
	e2ePortalText(t, admin, [2]string{"p_code", "90834"}, [2]string{"p_cents", "<b>lots</b>"})
	e2ePortalSubmit(t, admin, base, `form[action="/admin/billing/prices"] button[type=submit]`, 422, "/admin/billing/prices")
	if v := e2eEval[string](t, admin, `document.getElementById("p_cents").value`); v != "<b>lots</b>" {
		t.Errorf("the fee as typed: %q", v)
	}
	check(admin, "/admin/billing with errors")
	e2eDo(t, admin, "fix the fee", chromedp.SetValue(chromedp.ID("p_cents"), "170.00"))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/billing/prices"] button[type=submit]`, 200, "/admin/billing?saved=prices")

	// Avery Santos, the demo's self-pay client, of the demo therapist.
	e2ePortalOpen(t, admin, base, "/staff/clients?q=Avery")
	chart := e2eEval[string](t, admin, `[...document.querySelectorAll("a")].find(a => a.textContent.includes("Avery Santos")).getAttribute("href")`)

	therapist := e2ePortalTab(t, browser, 120*time.Second, "therapist")
	e2eViewport(t, therapist, false)
	e2ePortalStaffSignIn(t, therapist, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, therapist, base, chart+"/diagnoses")
	check(therapist, "a client's diagnoses")
	e2eDo(t, therapist, "a category", chromedp.SetValue(chromedp.ID("dx3"), "F43"))
	e2ePortalSubmit(t, therapist, base, `form[action="`+chart+`/diagnoses"] button[type=submit]`, 422, chart+"/diagnoses")
	if v := e2eEval[string](t, therapist, `document.getElementById("dx3").value`); v != "F43" {
		t.Errorf("the code as typed: %q", v)
	}
	check(therapist, "a client's diagnoses with errors")
	e2eDo(t, therapist, "a code", chromedp.SetValue(chromedp.ID("dx3"), "F41.1"))
	e2ePortalSubmit(t, therapist, base, `form[action="`+chart+`/diagnoses"] button[type=submit]`, 200, chart+"/diagnoses?saved=1")

	desk := e2ePortalTab(t, browser, 120*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")
	e2ePortalOpen(t, desk, base, chart+"/coverage")
	check(desk, "a client's coverage")
	first := e2eEval[string](t, desk, `document.querySelector('input[name="entity_id"]').value`)
	e2eDo(t, desk, "insurance without a member ID", chromedp.Click(fmt.Sprintf(`#c%s_payer-insurance`, first)),
		chromedp.SetValue(chromedp.ID("c"+first+"_insurer"), "Cascade Health Plan"))
	e2ePortalSubmit(t, desk, base, `form[action="`+chart+`/coverage"] button[type=submit]`, 422, chart+"/coverage")
	check(desk, "a client's coverage with errors")

	e2ePortalOpen(t, desk, base, "/staff/billing/reports")
	check(desk, "/staff/billing/reports")
	e2eDo(t, desk, "months backwards", chromedp.SetValue(chromedp.ID("from"), "2031-01"), chromedp.SetValue(chromedp.ID("to"), "2030-12"))
	e2ePortalSubmit(t, desk, base, `form[action="/staff/billing/reports"] button[type=submit]`, 422, "/staff/billing/reports?from=2031-01&to=2030-12")
	check(desk, "/staff/billing/reports with errors")
}
