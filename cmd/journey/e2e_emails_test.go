package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey/internal/testenv"
)

// An admin edits the text of an email in the workspace: the list and the
// page of one email fit 1280 and 390 px and are axe-clean; a text that
// drops the link it must carry is refused beside the field with what was
// typed kept; a preview shows the text with sample details; once saved,
// the next booking's email (in mailpit) is in the practice's words.
func TestE2EEmailTemplates(t *testing.T) {
	src, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(src)
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@practice.test"}, "--demo", "--rate-limit", "0")
	base := srv.URL
	ctx := e2ePortalTab(t, e2eBrowser(t), 120*time.Second, "admin")
	e2eViewport(t, ctx, false)
	e2ePortalStaffSignIn(t, ctx, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	for _, phone := range []bool{false, true} {
		e2eViewport(t, ctx, phone)
		for _, path := range []string{"/admin/emails", "/admin/emails/consult_booked", "/admin/emails/safety_alert"} {
			e2ePortalOpen(t, ctx, base, path)
			what := fmt.Sprintf("%s (%s)", path, map[bool]string{false: "1280px", true: "390px"}[phone])
			e2eCheckLayout(t, ctx, what)
			e2eAxeAll(t, ctx, axe, what)
		}
	}
	e2eViewport(t, ctx, false)
	e2ePortalOpen(t, ctx, base, "/admin/emails")
	e2ePortalFollow(t, ctx, base, `a[href="/admin/emails/consult_booked"]`, "/admin/emails/consult_booked")

	// The manage link dropped: refused beside the text, the text kept.
	dropped := "Hello {{client_first_name}}, see you then. {{how_to_join}}"
	e2eDo(t, ctx, "type a text without the link", chromedp.SetValue("#body", dropped))
	e2ePortalSubmit(t, ctx, base, `button[value="save"]`, 422, "/admin/emails/consult_booked")
	if got := e2eEval[string](t, ctx, `document.getElementById("body-error").textContent`); !strings.Contains(got, "Keep {{manage_link}} in the text") {
		t.Fatalf("the error beside the text says %q", got)
	}
	if got := e2eEval[string](t, ctx, `document.getElementById("body").value`); got != dropped {
		t.Fatalf("the text typed is not kept: %q", got)
	}
	e2eCheckLayout(t, ctx, "the email page with an error")
	e2eAxeAll(t, ctx, axe, "the email page with an error")

	own := "In Cedar & Tide's own words, <b>{{client_first_name}}</b>: {{how_to_join}}\n\nYour link: {{manage_link}}"
	e2eDo(t, ctx, "type the practice's text", chromedp.SetValue("#body", own))
	e2ePortalSubmit(t, ctx, base, `button[value="preview"]`, 200, "/admin/emails/consult_booked")
	preview := e2eEval[string](t, ctx, `document.querySelector(".email-preview").textContent`)
	if !strings.Contains(preview, "In Cedar & Tide's own words, <b>Ada</b>: This is a video consult.") || !strings.Contains(preview, "/c/SAMPLE-TOKEN") {
		t.Fatalf("preview: %q", preview)
	}
	if n := e2eEval[int](t, ctx, `document.querySelectorAll(".email-preview b").length`); n != 0 {
		t.Fatal("the preview rendered the text's markup")
	}
	e2ePortalSubmit(t, ctx, base, `button[value="save"]`, 200, "/admin/emails/consult_booked?saved=1")
	if !strings.Contains(e2ePortalMain(ctx), "Saved as version 1") {
		t.Fatalf("after saving:\n%s", e2ePortalMain(ctx))
	}

	addr := e2eBookAPIAddr(t, base)
	msgs := testenv.WaitForMail(t, mailpit, addr, 30*time.Second)
	text := testenv.MailText(t, mailpit, msgs[0].ID)
	if !strings.Contains(text, "In Cedar & Tide's own words, <b>Race</b>: This is a video consult.") || !strings.Contains(text, "Your link: "+base+"/c/") ||
		!strings.Contains(text, "988") {
		t.Fatalf("the booking's email is not in the practice's words:\n%s", text)
	}
}

// e2eBookAPIAddr books the first open time through the API for a new
// address, and returns the address.
func e2eBookAPIAddr(t *testing.T, base string) string {
	t.Helper()
	c := procClient(t)
	slots := procGetSlots(t, c, base, 14)
	addr := testenv.UniqueAddress(t)
	req, err := procBookingRequest(base, slots[0].Start, slots[0].TherapistID, addr)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("booking: %d", resp.StatusCode)
	}
	return addr
}
