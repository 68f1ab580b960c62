package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/testenv"
)

// Front desk books a consult for a caller in the browser, moves it and
// cancels it with a reason; the caller receives each email in mailpit; the
// pages pass axe, with and without errors showing, and the booking page
// fits a phone.
func TestE2EFrontDeskBooksForCaller(t *testing.T) {
	src, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(src)
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@practice.test"},
		"--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	desk := e2ePortalTab(t, browser, 90*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")

	e2ePortalOpen(t, desk, base, "/staff/consults")
	e2ePortalFollow(t, desk, base, `main a[href="/staff/consults/new"]`, "/staff/consults/new")
	e2eAxe(t, desk, axe, "/staff/consults/new")
	e2ePortalText(t, desk, [2]string{"name", "<b>Cal</b>"}, [2]string{"email", "not-an-email"})
	e2ePortalSubmit(t, desk, base, `form[action="/staff/consults"] button[type=submit]`, 422, "/staff/consults")
	if text := e2ePortalMain(desk); !strings.Contains(text, "<b>Cal</b>") && !strings.Contains(e2eEval[string](t, desk, `document.getElementById("name").value`), "<b>Cal</b>") {
		t.Fatalf("the typed name is not kept:\n%s", text)
	}
	e2eAxe(t, desk, axe, "/staff/consults/new with errors")

	addr := testenv.UniqueAddress(t)
	e2ePortalSet(t, desk, [2]string{"name", "Cal Caller"}, [2]string{"email", addr})
	first := e2eEval[string](t, desk, `document.querySelector("#slots input[name=slot]").id`)
	e2ePortalChoose(t, desk, first, "cm-email", "mode-video", "privacy_consent")
	resp := e2eSubmit(t, desk, `form[action="/staff/consults"] button[type=submit]`)
	if resp.Status != 200 || !strings.HasSuffix(resp.URL, "?booked=1") {
		t.Fatalf("booking: %d at %s\n%s", resp.Status, resp.URL, e2ePortalMain(desk))
	}
	consultURL := strings.TrimSuffix(resp.URL, "?booked=1")
	e2eAxe(t, desk, axe, "the booked consult")
	if msgs := e2eWaitMessages(t, mailpit, addr, 1); !strings.Contains(msgs[0].Subject, "is booked") {
		t.Fatalf("first email: %q", msgs[0].Subject)
	}

	// Move it to the next offered time.
	next := e2eEval[string](t, desk, `document.querySelector("#slots input[name=slot]").id`)
	e2ePortalChoose(t, desk, next)
	resp = e2eSubmit(t, desk, `form[action$="/reschedule"] button[type=submit]`)
	if resp.Status != 200 || resp.URL != consultURL+"?moved=1" {
		t.Fatalf("moving: %d at %s\n%s", resp.Status, resp.URL, e2ePortalMain(desk))
	}
	if msgs := e2eWaitMessages(t, mailpit, addr, 2); !strings.Contains(msgs[0].Subject+msgs[1].Subject, "has moved") {
		t.Fatalf("no moved email: %q %q", msgs[0].Subject, msgs[1].Subject)
	}

	// Cancel: first without a reason (refused beside the field), then with one.
	e2ePortalSubmit(t, desk, base, `form[action$="/cancel"] button[type=submit]`, 422, strings.TrimPrefix(consultURL, base)+"/cancel")
	e2eAxe(t, desk, axe, "cancel without a reason")
	e2ePortalText(t, desk, [2]string{"cancel-reason", "caller asked"})
	resp = e2eSubmit(t, desk, `form[action$="/cancel"] button[type=submit]`)
	if resp.Status != 200 || resp.URL != consultURL+"?cancelled=1" {
		t.Fatalf("cancelling: %d at %s\n%s", resp.Status, resp.URL, e2ePortalMain(desk))
	}
	e2eWaitMessages(t, mailpit, addr, 3)

	e2eViewport(t, desk, true)
	e2ePortalOpen(t, desk, base, "/staff/consults/new")
	e2ePortalPhone(t, desk, "/staff/consults/new")
	e2eAxe(t, desk, axe, "/staff/consults/new (phone)")
}

// An admin's own profile and a colleague's pass axe, with the NPI's
// check-digit error showing beside the field, at desktop and phone widths.
func TestE2EStaffProfileAccessibility(t *testing.T) {
	src, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(src)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	admin := e2ePortalTab(t, browser, 60*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2ePortalOpen(t, admin, base, "/admin/staff")
	e2ePortalFollow(t, admin, base, `main a[href="/admin/staff/2/profile"]`, "/admin/staff/2/profile")
	e2eAxe(t, admin, axe, "/admin/staff/2/profile")
	e2ePortalOpen(t, admin, base, "/account/profile")
	e2eAxe(t, admin, axe, "/account/profile")
	e2ePortalSet(t, admin, [2]string{"npi", "1234567890"})
	e2ePortalSubmit(t, admin, base, `form[action="/account/profile"] button[type=submit]`, 422, "/account/profile")
	if text := e2ePortalMain(admin); !strings.Contains(text, "This NPI's check digit is wrong") {
		t.Fatalf("no NPI error:\n%s", text)
	}
	e2eAxe(t, admin, axe, "/account/profile with errors")
	e2eViewport(t, admin, true)
	e2ePortalPhone(t, admin, "/account/profile with errors")
	e2eAxe(t, admin, axe, "/account/profile with errors (phone)")
}
