package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey/internal/testenv"
)

// e2eSetupPage checks a page of setting up at a desktop's and a phone's
// width: axe-clean, nothing past the window's edge, words unbroken.
func e2eSetupPage(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	for _, phone := range []bool{false, true} {
		e2eViewport(t, ctx, phone)
		e2eCheckLayout(t, ctx, what)
		e2eAxeAll(t, ctx, axe, what)
	}
	e2eViewport(t, ctx, false)
}

var e2eInviteLink = regexp.MustCompile(`https?://[^\s"<>]+/invite/[A-Za-z0-9_-]+`)

// A practice from an empty database: `journey serve` without --demo and
// `journey users add` for the first admin; the admin signs in, enrols a
// second factor and is led through setting the practice up in the browser
// (details, a therapist and their hours, a consent document from its
// starter text, open bookings); then a visitor books the first consult and
// its email arrives.
func TestE2EFirstRunSetup(t *testing.T) {
	axeJS, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@calmharbor.test"},
		"--rate-limit", "0", "--min-form-time", "1s")
	args := []string{"users", "add", "--email", "owner@calmharbor.test", "--name", "Olu Owner", "--role", "admin", "--password-stdin",
		"--master-key-file", srv.KeyFile}
	if strings.HasPrefix(srv.DSN, "postgres") {
		args = append(args, "--database", srv.DSN, "--data", t.TempDir())
	} else {
		args = append(args, "--data", filepath.Dir(srv.KeyFile))
	}
	if out, err := runCLI(t, "quiet-cedar-lantern-walk\n", args...); err != nil {
		t.Fatalf("users add: %v\n%s", err, out)
	}
	ctx := e2eTab(t, e2eBrowser(t), 120*time.Second)

	// Before set-up the public site works and says so.
	e2eDo(t, ctx, "open /book", chromedp.Navigate(srv.URL+"/book"))
	if text := e2eEval[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(text, "Bookings are not open yet") {
		t.Fatalf("/book before set-up:\n%s", text)
	}
	e2eAxeAll(t, ctx, axe, "/book before set-up")

	// The first sign-in: password, a second factor, then setting up.
	e2eDo(t, ctx, "open sign-in", chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "owner@calmharbor.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), "quiet-cedar-lantern-walk"))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `location.pathname === "/account/2fa" && !!document.querySelector("code.secret")`)
	secret := e2eEval[string](t, ctx, `document.querySelector("code.secret").textContent`)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e2eDo(t, ctx, "type code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `document.querySelectorAll("ul.codes code").length === 10`)
	e2eSubmit(t, ctx, "a.button")
	e2eWaitJS(t, ctx, `location.pathname === "/admin/practice"`)
	e2eSetupPage(t, ctx, axe, "/admin/practice, nothing done")

	// Details: a zone that does not exist is refused beside its field, what was typed kept.
	e2eDo(t, ctx, "type details",
		chromedp.SendKeys(chromedp.ID("name"), "Calm Harbor Therapy"),
		chromedp.SendKeys(chromedp.ID("address"), "1 Lake St, Chicago, IL"),
		chromedp.SendKeys(chromedp.ID("phone"), "(312) 555-0100"),
		chromedp.SendKeys(chromedp.ID("email"), "desk@calmharbor.test"),
		chromedp.SendKeys(chromedp.ID("time_zone"), "America/Chicgo"))
	if resp := e2eSubmit(t, ctx, `form[action="/admin/practice"] button[type=submit]`); resp.Status != 422 {
		t.Fatalf("a bad zone: status %d", resp.Status)
	}
	if got := e2eEval[string](t, ctx, `document.getElementById("time_zone-error").innerText + "|" + document.getElementById("time_zone").value + "|" + document.getElementById("name").value`); got != "Choose a known time zone, such as America/Chicago.|America/Chicgo|Calm Harbor Therapy" {
		t.Fatalf("bad zone: error|zone|name = %q", got)
	}
	e2eSetupPage(t, ctx, axe, "/admin/practice, a bad zone")
	e2eDo(t, ctx, "fix the zone", chromedp.SetValue(chromedp.ID("time_zone"), "America/Chicago"))
	e2eSubmit(t, ctx, `form[action="/admin/practice"] button[type=submit]`)
	e2eWaitJS(t, ctx, `location.search === "?saved=details"`)

	// The first therapist: invited by email, accepts, then gets consult hours.
	e2eDo(t, ctx, "open invite", chromedp.Navigate(srv.URL+"/admin/staff/invite"))
	e2eSetupPage(t, ctx, axe, "/admin/staff/invite")
	therapist := testenv.UniqueAddress(t)
	e2eDo(t, ctx, "invite a therapist",
		chromedp.SendKeys(chromedp.ID("name"), "Tess Therapist"),
		chromedp.SendKeys(chromedp.ID("email"), therapist),
		chromedp.Click(chromedp.CSS(`label[for="role-therapist"]`)))
	e2eSubmit(t, ctx, `form[action="/admin/staff/invite"] button[type=submit]`)
	invite := e2eWaitMessages(t, mailpit, therapist, 1)
	link := e2eInviteLink.FindString(testenv.MailText(t, mailpit, invite[0].ID))
	if link == "" {
		t.Fatalf("no invitation link in the email")
	}
	u, _ := url.Parse(link)
	resp, err := http.PostForm(srv.URL+u.Path, url.Values{"password": {"tide-pool-morning-ink"}, "password_again": {"tide-pool-morning-ink"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("accepting the invitation: %d", resp.StatusCode)
	}
	e2eDo(t, ctx, "open staff", chromedp.Navigate(srv.URL+"/admin/staff"))
	e2eSubmit(t, ctx, `a[href$="/hours"]`)
	e2eWaitJS(t, ctx, `location.pathname.endsWith("/hours")`)
	e2eSetupPage(t, ctx, axe, "consult hours")
	e2eDo(t, ctx, "type hours", chromedp.SetValue(chromedp.ID("time_zone"), "America/Chicago"))
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6"} {
		e2eDo(t, ctx, "hours of day "+d,
			chromedp.SendKeys(chromedp.ID("hours_"+d+"-start"), "09:00"),
			chromedp.SendKeys(chromedp.ID("hours_"+d+"-end"), "17:00"))
	}
	e2eSubmit(t, ctx, `form[action$="/hours"] button[type=submit]`)
	e2eWaitJS(t, ctx, `location.search === "?saved=1"`)

	// A consent document from its starter text, reviewed and published.
	e2eDo(t, ctx, "open consents", chromedp.Navigate(srv.URL+"/admin/consents"))
	e2eSetupPage(t, ctx, axe, "/admin/consents with starter texts")
	e2eSubmit(t, ctx, `a[href="/admin/consents/new?code=kap-informed-consent"]`)
	e2eWaitJS(t, ctx, `document.getElementById("body").value.includes("## What KAP is")`)
	e2eSetupPage(t, ctx, axe, "a starter consent text")
	e2eSubmit(t, ctx, `button[value="save"]`)
	e2eWaitJS(t, ctx, `location.pathname === "/admin/consents" && location.search.startsWith("?saved=")`)

	// The FAQ from the starter questions: the first one edited and published.
	e2eDo(t, ctx, "open the FAQ", chromedp.Navigate(srv.URL+"/admin/faq"))
	e2eSubmit(t, ctx, `form[action="/admin/faq/starter"] button[type=submit]`)
	e2eWaitJS(t, ctx, `document.querySelectorAll("section.faq-edit").length > 3`)
	e2eSetupPage(t, ctx, axe, "/admin/faq from the starter")
	e2eDo(t, ctx, "edit the first question",
		chromedp.SetValue(chromedp.CSS(`section.faq-edit input[name="question"]`), "What is KAP at Calm Harbor?"),
		chromedp.Click(chromedp.CSS(`section.faq-edit input[name="published"]`)))
	e2eSubmit(t, ctx, `section.faq-edit button[type=submit]`)
	e2eWaitJS(t, ctx, `location.search.startsWith("?saved=")`)

	// Open bookings.
	e2eDo(t, ctx, "back to setting up", chromedp.Navigate(srv.URL+"/admin/practice"))
	if text := e2eEval[string](t, ctx, `document.querySelector(".setup-steps").innerText`); !strings.Contains(text, "Done: 1 therapist(s) with consult hours") || !strings.Contains(text, "Done: 1 consent document(s) published") || !strings.Contains(text, "Done: 1 question(s) published") {
		t.Fatalf("steps after set-up:\n%s", text)
	}
	e2eSetupPage(t, ctx, axe, "/admin/practice, ready to open")
	e2eSubmit(t, ctx, `form[action="/admin/practice/open"] button[type=submit]`)
	e2eWaitJS(t, ctx, `location.search === "?saved=open"`)

	// A visitor books the first consult.
	e2eDo(t, ctx, "open /book", chromedp.Navigate(srv.URL+"/book?tz=America/Chicago"))
	formShown := time.Now()
	slot := e2eEval[*e2eSlot](t, ctx, e2eFirstSlotJS)
	if slot == nil {
		t.Fatalf("no open slot on /book after opening:\n%s", e2eEval[string](t, ctx, `document.querySelector("main").innerText`))
	}
	visitor := testenv.UniqueAddress(t)
	e2eDo(t, ctx, "fill the form",
		chromedp.Click(chromedp.CSS(`label[for="`+slot.ID+`"]`)),
		chromedp.SendKeys(chromedp.ID("name"), "Vera Visitor"),
		chromedp.SendKeys(chromedp.ID("email"), visitor),
		chromedp.Click(chromedp.CSS(`label[for="cm-email"]`)),
		chromedp.Click(chromedp.CSS(`label[for="mode-video"]`)),
		chromedp.Click(chromedp.ID("privacy_consent")))
	if d := time.Until(formShown.Add(1100 * time.Millisecond)); d > 0 {
		time.Sleep(d)
	}
	booked := e2eSubmit(t, ctx, "form.booking button[type=submit]")
	if m := e2eManageURL.FindStringSubmatch(booked.URL); booked.Status != 200 || m == nil || m[3] != "booked" {
		t.Fatalf("booking: %d %s\n%s", booked.Status, booked.URL, e2eEval[string](t, ctx, `document.querySelector("main").innerText`))
	}
	e2eDo(t, ctx, "open /faq", chromedp.Navigate(srv.URL+"/faq"))
	if text := e2eEval[string](t, ctx, `document.querySelector("main").innerText`); !strings.Contains(text, "What is KAP at Calm Harbor?") || strings.Contains(text, "not open yet") {
		t.Errorf("the public FAQ once open:\n%s", text)
	}
	mails := e2eWaitMessages(t, mailpit, visitor, 1)
	if body := testenv.MailText(t, mailpit, mails[0].ID); !strings.Contains(body, "Calm Harbor Therapy") || !strings.Contains(body, "Tess Therapist") {
		t.Errorf("the confirmation email does not name the practice and the therapist:\n%s", body)
	}
}
