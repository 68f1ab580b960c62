package main

// The controlled-substance log's pages in Chromium at a tablet's (768
// px), a phone's and a desktop's width, axe-clean and fitting the window:
// the demo's medical provider receives a lot (refused first, what was
// typed kept, then signed with a fresh authenticator code), and opens a
// container, the count and the log.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// e2eSignInSecret signs a demo staff member in for the first time, as
// e2ePortalStaffSignIn does, and returns their authenticator's secret.
func e2eSignInSecret(t *testing.T, ctx context.Context, base, email, password string) string {
	t.Helper()
	e2ePortalOpen(t, ctx, base, "/login")
	e2eDo(t, ctx, "type "+email+"'s credentials", chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `location.pathname === "/account/2fa" && !!document.querySelector("code.secret")`)
	secret := strings.TrimSpace(e2eEval[string](t, ctx, `document.querySelector("code.secret").textContent`))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e2eDo(t, ctx, "type the code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `document.querySelectorAll("ul.codes code").length === 10`)
	e2eSubmit(t, ctx, "a.button")
	e2eWaitJS(t, ctx, `location.pathname === "/staff" && document.readyState === "complete"`)
	return secret
}

func TestE2EInventory(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	mp := e2ePortalTab(t, browser, 150*time.Second, "provider")
	e2eTablet768(t, mp)
	secret := e2eSignInSecret(t, mp, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, mp, base, "/staff/inventory")
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory")

	e2ePortalOpen(t, mp, base, "/staff/inventory/receipts")
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory/receipts")
	e2ePortalText(t, mp, [2]string{"product", "Ketamine <b>HCl</b> lozenge"}, [2]string{"strength", "100 mg"}, [2]string{"ndc", "71225-104-10"},
		[2]string{"mg_per_unit", "100"}, [2]string{"lot", "LZ-E2E"}, [2]string{"containers", "2"},
		[2]string{"amount_per_container", "30"}, [2]string{"supplier", "Compounding Co"}, [2]string{"invoice", "INV-E2E"})
	// A date field takes its value as set, not typed key by key.
	e2eDo(t, mp, "an expired lot, a count", chromedp.SetValue(chromedp.ID("expiry"), "2020-01-01"),
		chromedp.Click(chromedp.CSS(`input[name=unit][value=count]`)))
	e2ePortalSubmit(t, mp, base, `form[action="/staff/inventory/receipts"] button[type=submit]`, 422, "/staff/inventory/receipts")
	if v := e2eEval[string](t, mp, `document.getElementById("product").value`); v != "Ketamine <b>HCl</b> lozenge" {
		t.Errorf("the product as typed: %q", v)
	}
	// What was typed is checked before the signature, so a mistake does
	// not spend the code: the expiry is refused on its own.
	if text := e2ePortalMain(mp); !strings.Contains(text, "an expired lot cannot be received into stock") {
		t.Fatalf("the refusal:\n%s", text)
	}
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory/receipts with errors")
	// The code for the next step: the one that signed in is spent.
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	e2eDo(t, mp, "fix the expiry and sign", chromedp.SetValue(chromedp.ID("expiry"), "2031-01-31"), chromedp.SendKeys(chromedp.ID("code"), code))
	e2ePortalSubmit(t, mp, base, `form[action="/staff/inventory/receipts"] button[type=submit]`, 200, "/staff/inventory?done=receipt")
	if text := e2ePortalMain(mp); !strings.Contains(text, "Received and signed.") || !strings.Contains(text, "lot LZ-E2E") {
		t.Fatalf("after the receipt:\n%s", text)
	}
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory with stock")
	container := e2eEval[string](t, mp, `[...document.querySelectorAll("a[href^='/staff/inventory/containers/']")].map(a => a.getAttribute("href")).find(h => h)`)
	e2ePortalOpen(t, mp, base, container)
	e2eRunSheetCheck(t, mp, axe, "a container")
	e2ePortalOpen(t, mp, base, "/staff/inventory/counts")
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory/counts")
	e2ePortalOpen(t, mp, base, "/staff/inventory/log")
	if text := e2ePortalMain(mp); !strings.Contains(text, "Receipt") || !strings.Contains(text, "Dr. Jordan Lee (second factor)") {
		t.Fatalf("the log:\n%s", text)
	}
	e2eRunSheetCheck(t, mp, axe, "/staff/inventory/log")
}
