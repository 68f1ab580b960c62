package main

// A client's billing page in Chromium for the front desk, at a desktop's
// 1280 px and a phone's 390 px, axe-clean with and without an error beside
// a field: the demo's self-pay client, partly paid, with charges of every
// charge type; a wrong amount kept as typed; a payment recorded.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2EClientBilling(t *testing.T) {
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
	desk := e2ePortalTab(t, browser, 120*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")
	e2ePortalOpen(t, desk, base, "/staff/clients?q=Avery")
	chart := e2eEval[string](t, desk, `[...document.querySelectorAll("a")].find(a => a.textContent.includes("Avery Santos")).getAttribute("href")`)
	e2ePortalOpen(t, desk, base, chart)
	if href := e2eEval[string](t, desk, `(document.querySelector('a[href$="/billing"]') || {}).getAttribute ? document.querySelector('a[href$="/billing"]').getAttribute("href") : ""`); href != chart+"/billing" {
		t.Fatalf("the client's page links %q", href)
	}
	e2ePortalOpen(t, desk, base, chart+"/billing")
	text := e2eEval[string](t, desk, `document.body.innerText`)
	for _, want := range []string{"Psychotherapy", "Medicine session", "90791", "Check 2087", "Record a payment"} {
		if !strings.Contains(text, want) {
			t.Errorf("the billing page lacks %q", want)
		}
	}
	check(desk, "a client's billing")
	e2eDo(t, desk, "a wrong amount", chromedp.SetValue(chromedp.ID("pay-amount"), "<b>12"))
	e2ePortalSubmit(t, desk, base, `form[action="`+chart+`/billing/payments"] button[type=submit]`, 422, chart+"/billing/payments")
	if v := e2eEval[string](t, desk, `document.getElementById("pay-amount").value`); v != "<b>12" {
		t.Errorf("the amount as typed: %q", v)
	}
	check(desk, "a client's billing with an error")
	e2eDo(t, desk, "fix the amount", chromedp.SetValue(chromedp.ID("pay-amount"), "25.00"))
	e2ePortalSubmit(t, desk, base, `form[action="`+chart+`/billing/payments"] button[type=submit]`, 200, chart+"/billing?done=payment")
	if text := e2eEval[string](t, desk, `document.body.innerText`); !strings.Contains(text, "The payment is recorded.") || !strings.Contains(text, "$25.00") {
		t.Errorf("after the payment:\n%s", text)
	}
}
