package main

// End-to-end test of a client's path from consult to medical clearance in
// headless Chromium: the therapist invites the person after their consult,
// the client sets up the portal on a phone, completes the intake, the
// questionnaires (raising a safety alert) and the consents, the therapist
// follows up the alert, the medical provider clears the client, and the
// audit trail holds every step.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/starter"
	"github.com/journey-kap/journey/internal/testenv"
)

// e2ePortalTab opens a tab in a browser context of its own (its own
// cookies: a fresh browser for another person), bounded by timeout. axe's
// script is let in past the CSP. If the test fails, the tab's address,
// text and a screenshot are saved to the test's artifact directory.
func e2ePortalTab(t *testing.T, bctx context.Context, timeout time.Duration, name string) context.Context {
	t.Helper()
	tctx, tcancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(tcancel)
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("open %s's tab: %v", name, err)
	}
	if _, err := chromedp.Call(tctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tctx, timeout)
	t.Cleanup(cancel)
	// Registered after the tab's cancels, so it runs before them.
	t.Cleanup(func() {
		if t.Failed() {
			e2ePortalDump(t, tctx, name)
		}
	})
	return ctx
}

// e2ePortalDump saves what the tab shows, for a failed test.
func e2ePortalDump(t *testing.T, tctx context.Context, name string) {
	ctx, cancel := context.WithTimeout(tctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Logf("%s's tab: no longer answers (%v)", name, err)
		return
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 3000 {
		text = text[:3000] + "…"
	}
	msg := fmt.Sprintf("%s's tab was at %s:\n%s", name, loc, text)
	if buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		path := filepath.Join(t.ArtifactDir(), "e2e-portal-"+name+".png")
		if err := os.WriteFile(path, buf, 0o644); err == nil {
			msg += "\n(screenshot: " + path + "; keep it with go test -artifacts)"
		}
	}
	t.Log(msg)
}

// e2ePortalMain is the page's main text, to explain a failure.
func e2ePortalMain(ctx context.Context) string {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
	if err != nil {
		return "(page text unavailable: " + err.Error() + ")"
	}
	return s
}

// e2ePortalSubmit clicks the submit button sel and checks that the page it
// leads to answers status at base+want (path and query).
func e2ePortalSubmit(t *testing.T, ctx context.Context, base, sel string, status int64, want string) {
	t.Helper()
	resp := e2eSubmit(t, ctx, sel)
	if resp.Status != status || resp.URL != base+want {
		t.Fatalf("%s: %d at %s, want %d at %s\n%s", sel, resp.Status, resp.URL, status, base+want, e2ePortalMain(ctx))
	}
}

// e2ePortalOpen loads base+path and wants 200.
func e2ePortalOpen(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil || resp.Status != 200 {
		t.Fatalf("GET %s: %v %+v\n%s", path, err, resp, e2ePortalMain(ctx))
	}
}

// e2ePortalFollow clicks the link sel on the page and wants 200 at
// base+want.
func e2ePortalFollow(t *testing.T, ctx context.Context, base, sel, want string) {
	t.Helper()
	e2ePortalSubmit(t, ctx, base, sel, 200, want)
}

// e2ePortalPhone checks that the page fits the phone (390px) without
// scrolling sideways or zooming out; if not, it names the widest element.
func e2ePortalPhone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	got := e2eEval[map[string]any](t, ctx, `(() => {
		// The text that reaches furthest right: an unbreakable word spills out of its box.
		let widest = null, right = 0;
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			if (!n.textContent.trim()) continue;
			const range = document.createRange();
			range.selectNodeContents(n);
			const r = range.getBoundingClientRect().right;
			if (r > right) { right = r; widest = n.parentElement; }
		}
		const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
		return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
			widest: widest ? name(widest) + " " + JSON.stringify(widest.textContent.trim().slice(0, 60)) : "", right: Math.round(right)};
	})()`)
	if got["inner"] != float64(390) || got["scroll"].(float64) > 390 {
		t.Errorf("%s: on a 390px phone the page is %vpx wide (window %vpx): it zooms out or scrolls sideways; widest: %v reaching %vpx",
			what, got["scroll"], got["inner"], got["widest"], got["right"])
	}
}

// e2ePortalStaffSignIn signs a demo staff member in for the first time:
// password, then setting up the authenticator (TOTP), then the recovery
// codes, landing on the staff dashboard.
func e2ePortalStaffSignIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	e2ePortalOpen(t, ctx, base, "/login")
	e2eDo(t, ctx, "type "+email+"'s credentials",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `location.pathname === "/account/2fa" && !!document.querySelector("code.secret")`)
	secret := e2eEval[string](t, ctx, `document.querySelector("code.secret").textContent`)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e2eDo(t, ctx, "type the code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `document.querySelectorAll("ul.codes code").length === 10`)
	e2eSubmit(t, ctx, "a.button")
	e2eWaitJS(t, ctx, `location.pathname === "/staff" && document.readyState === "complete"`)
}

// e2ePortalText types into the text fields by id.
func e2ePortalText(t *testing.T, ctx context.Context, fields ...[2]string) {
	t.Helper()
	for _, f := range fields {
		e2eDo(t, ctx, "type "+f[0], chromedp.SendKeys(chromedp.ID(f[0]), f[1]))
	}
}

// e2ePortalChoose clicks the labels of the radios and checkboxes by id.
func e2ePortalChoose(t *testing.T, ctx context.Context, ids ...string) {
	t.Helper()
	for _, id := range ids {
		e2eDo(t, ctx, "choose "+id, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
	}
	list, _ := json.Marshal(ids)
	js := string(list) + `.map(id => !!document.getElementById(id) && document.getElementById(id).checked)`
	for i, ok := range e2eEval[[]bool](t, ctx, js) {
		if !ok {
			t.Fatalf("#%s is not checked after clicking its label", ids[i])
		}
	}
}

// e2ePortalSet sets selects and date inputs by id.
func e2ePortalSet(t *testing.T, ctx context.Context, fields ...[2]string) {
	t.Helper()
	for _, f := range fields {
		e2eDo(t, ctx, "set "+f[0], chromedp.SetValue(chromedp.ID(f[0]), f[1]))
	}
}

// e2ePortalAnswer answers a questionnaire: item i gets answers[i]; a
// negative answer leaves the item unanswered.
func e2ePortalAnswer(t *testing.T, ctx context.Context, answers []int) {
	t.Helper()
	if n := e2eEval[int](t, ctx, `document.querySelectorAll("form.measure fieldset.item").length`); n != len(answers) {
		t.Fatalf("%d questions on %s, want %d", n, e2eEval[string](t, ctx, `location.pathname`), len(answers))
	}
	var ids []string
	for i, v := range answers {
		if v >= 0 {
			ids = append(ids, fmt.Sprintf("item_%d_%d", i, v))
		}
	}
	e2ePortalChoose(t, ctx, ids...)
}

// e2ePortalAudit is one line of `journey audit export --format jsonl`.
type e2ePortalAudit struct {
	Seq         int64  `json:"seq"`
	ActorID     int64  `json:"actor_id"`
	ActorRole   string `json:"actor_role"`
	Action      string `json:"action"`
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	Outcome     string `json:"outcome"`
	Detail      string `json:"detail"`
}

var e2ePortalJoinLink = regexp.MustCompile(`(?m)^(http://\S+/portal/join/\S+)\s*$`)

// A visitor's consult becomes a client who joins the portal on a phone,
// completes the intake, questionnaires and consents; a safety answer
// alerts the therapist, who follows it up; the medical provider clears the
// client; and the audit trail records each step.
func TestE2EPortalConsultToClearance(t *testing.T) {
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }
	axe := e2eAxeScript(t)
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@practice.test"},
		"--demo", "--rate-limit", "0")
	base := srv.URL
	t.Cleanup(func() {
		if t.Failed() {
			e2ePortalServerErrors(t, srv)
		}
	})
	browser := e2eBrowser(t)

	const (
		visitor   = "Robin Quist"       // as booked, and the client's name
		legalName = "Robin Avery Quist" // as given in the intake, and signed
		preferred = "Robin"
		therapist = "maya.okafor@cedarandtide.example"
		provider  = "jordan.lee@cedarandtide.example"
	)

	// 1. A visitor books a consult with Dr. Okafor (the booking itself is
	// tested elsewhere).
	e2eBookWith(t, base, "Dr. Maya Okafor", visitor)
	step("consult booked")

	// 2. The therapist signs in and finds the consult.
	staff := e2ePortalTab(t, browser, 85*time.Second, "therapist")
	e2ePortalStaffSignIn(t, staff, base, therapist, "demo-therapist-willow-creek")
	e2ePortalOpen(t, staff, base, "/staff/consults")
	href := e2eEval[string](t, staff, fmt.Sprintf(`(() => {
		const tr = [...document.querySelectorAll("table.list tbody tr")].find(r => r.cells[2] && r.cells[2].textContent.trim() === %q);
		return tr ? tr.querySelector("a[href^='/staff/consults/']").getAttribute("href") : "";
	})()`, visitor))
	consultID, err := strconv.ParseInt(strings.TrimPrefix(href, "/staff/consults/"), 10, 64)
	if err != nil {
		t.Fatalf("no consult with %s on the therapist's list:\n%s", visitor, e2ePortalMain(staff))
	}
	e2ePortalFollow(t, staff, base, `a[href="`+href+`"]`, href)
	details := e2eEval[map[string]string](t, staff, e2eConsultDetails)
	addr := details["Email"]
	if details["Status"] != "Booked" || !strings.HasSuffix(addr, "@example.test") {
		t.Fatalf("the consult before it was held: %q", details)
	}

	// The consult takes place. The server reads the real clock, and
	// consults can be marked held only once they have started; the
	// earliest slot is still ahead, so the store marks it held as of an
	// hour after its start (the page's "Mark held" is not offered yet).
	if n := e2eEval[int](t, staff, `document.querySelectorAll('form[action$="/status"], form[action$="/client"]').length`); n != 0 {
		t.Fatalf("a consult not yet started offers %d status or invite form(s)", n)
	}
	e2ePortalHold(t, srv, consultID)
	e2ePortalOpen(t, staff, base, href)
	if st := e2eEval[map[string]string](t, staff, e2eConsultDetails)["Status"]; st != "Held" {
		t.Fatalf("consult status %q once held", st)
	}
	// The therapist invites the person to begin.
	if b := e2eEval[string](t, staff, `document.querySelector('form[action="`+href+`/client"] button').textContent`); b != "Invite to begin" {
		t.Fatalf("the held consult's button says %q\n%s", b, e2ePortalMain(staff))
	}
	resp := e2eSubmit(t, staff, `form[action="`+href+`/client"] button[type=submit]`)
	clientID, err := strconv.ParseInt(strings.TrimPrefix(resp.URL, base+"/staff/clients/"), 10, 64)
	if resp.Status != 200 || err != nil {
		t.Fatalf("after Invite to begin: %d at %s, want 200 at /staff/clients/{id}\n%s", resp.Status, resp.URL, e2ePortalMain(staff))
	}
	chart := e2eEval[map[string]string](t, staff, e2eConsultDetails)
	if h := e2eEval[string](t, staff, `document.querySelector("main h1").textContent`); h != visitor ||
		chart["Stage"] != "Invited" || !strings.HasSuffix(chart["Portal"], "not joined yet") || chart["Email"] != addr {
		t.Fatalf("the new client's chart: %q %q", h, chart)
	}
	e2eAxe(t, staff, axe, "/staff/clients/{id} (invited)")
	step("client invited")

	// The invitation arrives with the link to the portal.
	var invite string
	for deadline := time.Now().Add(30 * time.Second); invite == ""; time.Sleep(100 * time.Millisecond) {
		msgs := testenv.WaitForMail(t, mailpit, addr, 30*time.Second)
		for _, m := range msgs {
			if strings.HasPrefix(m.Subject, "Your next step with ") {
				invite = testenv.MailText(t, mailpit, m.ID)
			}
		}
		if invite == "" && time.Now().After(deadline) {
			t.Fatalf("no invitation to %s within 30s among %+v", addr, msgs)
		}
	}
	join := e2ePortalJoinLink.FindStringSubmatch(strings.ReplaceAll(invite, "\r\n", "\n"))
	if join == nil || !strings.HasPrefix(join[1], base+"/portal/join/") {
		t.Fatalf("no %s/portal/join/ link on a line of its own in the invitation:\n%s", base, invite)
	}

	// 3. The client, in a browser of their own, on a phone, sets a
	// password and lands on the portal.
	client := e2ePortalTab(t, browser, 85*time.Second, "client")
	e2eViewport(t, client, true)
	// No one is signed in there: the therapist's session stays in theirs.
	e2ePortalOpen(t, client, base, "/staff")
	if p := e2eEval[string](t, client, `location.pathname`); p != "/login" {
		t.Fatalf("the client's fresh browser opened /staff at %s, want the sign-in page", p)
	}
	e2ePortalOpen(t, client, base, strings.TrimPrefix(join[1], base))
	if !strings.Contains(e2ePortalMain(client), "Welcome, "+visitor+".") {
		t.Fatalf("the join page does not greet %s:\n%s", visitor, e2ePortalMain(client))
	}
	e2ePortalPhone(t, client, "join")
	const password = "copper-kettle-marsh-violin-7"
	e2ePortalText(t, client, [2]string{"password", password}, [2]string{"password_again", password})
	e2ePortalSubmit(t, client, base, "form.auth button[type=submit]", 200, "/portal")
	if h := e2eEval[string](t, client, `document.querySelector("main h1").textContent`); h != "Hello, "+visitor {
		t.Fatalf("portal heading %q", h)
	}
	tasks := e2eEval[[]string](t, client, `[...document.querySelectorAll("ul.tasks li a")].map(a => a.getAttribute("href"))`)
	// The intake's next step, then each step to jump to; the
	// questionnaires; the consents in the order the demo wrote them.
	wantTasks := []string{"/portal/intake/about"}
	for _, st := range journey.IntakeSteps {
		wantTasks = append(wantTasks, "/portal/intake/"+st.Code)
	}
	for _, code := range journey.RequiredQuestionnaires {
		wantTasks = append(wantTasks, "/portal/measures/"+code)
	}
	for _, code := range starter.ConsentOrder {
		wantTasks = append(wantTasks, "/portal/consents/"+code)
	}
	if !slices.Equal(tasks, wantTasks) {
		t.Fatalf("portal tasks %q, want %q", tasks, wantTasks)
	}
	stages := e2ePortalStages(t, client)
	if len(stages) != 7 || stages["Free consult"] != "done" || stages["Intake and questionnaires"] != "current" ||
		stages["Medical review"] != "upcoming" || stages["Consent forms"] != "current" {
		t.Fatalf("timeline %q", stages)
	}
	e2ePortalPhone(t, client, "/portal")
	e2eAxe(t, client, axe, "/portal (phone)")
	step("client joined")

	// The intake, step by step, from the first task.
	e2ePortalFollow(t, client, base, `ul.tasks a[href="/portal/intake/about"]`, "/portal/intake/about")
	e2ePortalText(t, client,
		[2]string{"legal_name", legalName}, [2]string{"preferred_name", preferred}, [2]string{"pronouns", "they/them"},
		[2]string{"phone", "(212) 555-0142"}, [2]string{"address", "12 Harbor Lane"}, [2]string{"city", "Portland"},
		[2]string{"state", "OR"}, [2]string{"postal_code", "97209"})
	e2ePortalText(t, client, [2]string{"dob_month", "5"}, [2]string{"dob_day", "14"}, [2]string{"dob_year", "1986"})
	e2ePortalPhone(t, client, "intake: about")
	e2eAxe(t, client, axe, "/portal/intake/about (phone)")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/emergency")

	e2ePortalText(t, client, [2]string{"emergency_name", "Jamie Lindqvist"}, [2]string{"emergency_relationship", "sibling"},
		[2]string{"emergency_phone", "(415) 201-0142"})
	e2ePortalPhone(t, client, "intake: emergency")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/goals")

	e2ePortalChoose(t, client, "reason-depression", "reason-stuck")
	e2ePortalText(t, client, [2]string{"story", "Two years of low mood; talk therapy helped a little."},
		[2]string{"hopes", "To feel like myself again."})
	e2ePortalPhone(t, client, "intake: goals")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/mental-health")

	var noes []string
	for _, c := range journey.PsychiatricConditions {
		noes = append(noes, "cond_"+c.Code+"-no")
	}
	e2ePortalChoose(t, client, noes...)
	e2ePortalPhone(t, client, "intake: mental health")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/medical")

	// The medical step, with a weight of 5 kg: refused beside the field,
	// and nothing typed or chosen is lost.
	noes = noes[:0]
	for _, c := range journey.MedicalConditions {
		noes = append(noes, "cond_"+c.Code+"-no")
	}
	e2ePortalChoose(t, client, noes...)
	e2ePortalSet(t, client, [2]string{"liver", "none"}, [2]string{"height_unit", "cm"}, [2]string{"weight_unit", "kg"})
	e2ePortalText(t, client, [2]string{"height", "170"}, [2]string{"weight", "5"})
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 422, "/portal/intake/medical")
	bad := e2eEval[map[string]any](t, client, `(() => {
		const w = document.getElementById("weight"), e = document.getElementById("weight-error");
		return {
			beside: !!e && w.closest(".field").contains(e) && e.classList.contains("field-error"),
			message: e ? e.textContent.trim() : "",
			invalid: w.getAttribute("aria-invalid") || "",
			describedby: w.getAttribute("aria-describedby") || "",
			weight: w.value, unit: document.getElementById("weight_unit").value,
			height: document.getElementById("height").value, liver: document.getElementById("liver").value,
			stroke: document.getElementById("cond_stroke-no").checked,
			summary: [...document.querySelectorAll("#error-summary li a")].map(a => a.getAttribute("href")),
			focus: document.activeElement ? document.activeElement.id : "",
		};
	})()`)
	if bad["beside"] != true || !strings.Contains(fmt.Sprint(bad["message"]), "Enter a weight between 30 and 350 kg") ||
		bad["invalid"] != "true" || bad["describedby"] != "weight-error" {
		t.Errorf("the weight's error: %v", bad)
	}
	if bad["weight"] != "5" || bad["unit"] != "kg" || bad["height"] != "170" || bad["liver"] != "none" || bad["stroke"] != true {
		t.Errorf("entries after the refused save: %v", bad)
	}
	if fmt.Sprint(bad["summary"]) != "[#weight]" || bad["focus"] != "error-summary" {
		t.Errorf("error summary links %v, focus on %q; want one link to #weight and focus on the summary", bad["summary"], bad["focus"])
	}
	e2ePortalPhone(t, client, "intake: medical with an error")
	e2eAxe(t, client, axe, "/portal/intake/medical with an error (phone)")
	e2eDo(t, client, "correct the weight", chromedp.Clear(chromedp.ID("weight")), chromedp.SendKeys(chromedp.ID("weight"), "72"))
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/medications")

	// One row at a time: "Add another medication" reveals the next in
	// place (the page does not reload), the first row's entries kept.
	if n := e2eEval[int](t, client, `document.querySelectorAll("fieldset.med-row").length`); n != 1 {
		t.Errorf("%d medication rows on a first visit, want 1", n)
	}
	e2ePortalText(t, client, [2]string{"med_0_name", "sertraline"}, [2]string{"med_0_dose", "50"}, [2]string{"med_0_per_day", "1"})
	e2eDo(t, client, "add another medication", chromedp.Click(chromedp.ID("add-med")))
	added := e2eEval[map[string]any](t, client, `({rows: document.querySelectorAll("fieldset.med-row").length,
		url: location.pathname + location.search, first: document.getElementById("med_0_name").value,
		legend: document.querySelector("#med-row-1 legend").textContent, focus: document.activeElement.id,
		label: document.querySelector('label[for="med_1_dose"]') !== null, count: document.querySelector('input[name="rows"]').value})`)
	if added["rows"] != float64(2) || added["url"] != "/portal/intake/medications" || added["first"] != "sertraline" ||
		added["legend"] != "Medication 2" || added["focus"] != "med_1_name" || added["label"] != true || added["count"] != "2" {
		t.Errorf("after Add another medication: %v", added)
	}
	e2ePortalText(t, client, [2]string{"med_1_name", "lorazepam"}, [2]string{"med_1_dose", "0.5"}, [2]string{"med_1_per_day", "1"},
		[2]string{"med_1_notes", "as needed, about twice a week"})
	e2ePortalPhone(t, client, "intake: medications")
	e2eAxe(t, client, axe, "/portal/intake/medications (phone)")
	e2ePortalSubmit(t, client, base, `form.intake p.actions button[value=next]`, 200, "/portal/intake/substances")

	e2ePortalText(t, client, [2]string{"drinks_per_week", "2"})
	e2ePortalSet(t, client, [2]string{"cannabis", "none"})
	e2ePortalChoose(t, client, "sud_history-no", "nonmedical_ketamine-no")
	e2ePortalPhone(t, client, "intake: substances")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/pregnancy")

	e2ePortalChoose(t, client, "pregnant-na", "breastfeeding-na", "planning-na")
	e2ePortalPhone(t, client, "intake: pregnancy")
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal/intake/experience")

	e2ePortalChoose(t, client, "prior_ketamine-no")
	e2ePortalPhone(t, client, "intake: experience")
	if b := e2eEval[string](t, client, `document.querySelector("form.intake button[value=next]").textContent.trim()`); b != "Save and finish" {
		t.Errorf("the last step's button says %q", b)
	}
	e2ePortalSubmit(t, client, base, `form.intake button[value=next]`, 200, "/portal?saved=intake")
	if h := e2eEval[string](t, client, `document.querySelector("main h1").textContent`); h != "Hello, "+preferred {
		t.Errorf("after the intake the portal greets %q, want the preferred name", h)
	}
	if n := e2eEval[int](t, client, `document.querySelectorAll('ul.tasks a[href^="/portal/intake/"]').length`); n != 0 {
		t.Errorf("%d intake task(s) left after the last step", n)
	}
	step("intake done")

	// The client reads their answers back, on the phone and at 1280 px.
	e2ePortalFollow(t, client, base, `a[href="/portal/answers"]`, "/portal/answers")
	if got := e2eEval[string](t, client, `document.body.innerText`); !strings.Contains(got, legalName) ||
		!strings.Contains(got, "You can still change your answers") || !strings.Contains(got, "sertraline") {
		t.Errorf("the client's answers:\n%s", got)
	}
	e2ePortalPhone(t, client, "your answers")
	e2eAxe(t, client, axe, "/portal/answers (phone)")
	e2eViewport(t, client, false)
	e2ePortalOpen(t, client, base, "/portal/answers/medications")
	e2eAxe(t, client, axe, "/portal/answers/medications (desktop)")
	if w := e2eEval[int](t, client, `document.documentElement.scrollWidth`); w > 1280 {
		t.Errorf("/portal/answers/medications is %dpx wide at 1280", w)
	}
	e2eViewport(t, client, true)
	e2ePortalOpen(t, client, base, "/portal")

	// 4. The questionnaires. PHQ-9 item 9 above 0 leads to crisis support.
	e2ePortalFollow(t, client, base, `ul.tasks a[href="/portal/measures/phq-9"]`, "/portal/measures/phq-9")
	e2ePortalAnswer(t, client, []int{2, 1, 1, 2, 1, 1, 1, 0, 1})
	e2ePortalPhone(t, client, "PHQ-9")
	e2ePortalSubmit(t, client, base, "form.measure button[type=submit]", 200, "/portal/support?alerted=1")
	support := e2eEval[map[string]any](t, client, `({
		alert: (document.querySelector('[role="alert"]') || {innerText: ""}).innerText,
		tel: [...document.querySelectorAll('a[href^="tel:"]')].map(a => a.getAttribute("href")),
		text: document.querySelector("main").innerText,
	})`)
	if !strings.Contains(fmt.Sprint(support["alert"]), "Your care team has been alerted") ||
		!strings.Contains(fmt.Sprint(support["tel"]), "tel:988") || !strings.Contains(fmt.Sprint(support["tel"]), "tel:911") ||
		!strings.Contains(fmt.Sprint(support["text"]), "988") || !strings.Contains(fmt.Sprint(support["text"]), "911") {
		t.Errorf("the support page after a safety answer: %v", support)
	}
	e2ePortalPhone(t, client, "/portal/support")
	e2eAxe(t, client, axe, "/portal/support?alerted=1 (phone)")

	for _, m := range []struct {
		code    string
		answers []int
	}{
		{journey.QuestionnaireGAD7, []int{1, 1, 0, 1, 0, 0, 1}},
		{journey.QuestionnairePCL5, make([]int, 20)},
		// Items 3–5 are asked only after a yes to item 2: left out.
		{journey.QuestionnaireCSSRS, []int{0, 0, -1, -1, -1, 0}},
	} {
		e2ePortalOpen(t, client, base, "/portal")
		e2ePortalFollow(t, client, base, `ul.tasks a[href="/portal/measures/`+m.code+`"]`, "/portal/measures/"+m.code)
		if m.code == journey.QuestionnaireCSSRS {
			// With JavaScript, items 3–5 show only after a yes to item 2.
			hidden := `[2, 3, 4].map(i => document.getElementById("item_" + i).hidden).join()`
			if got := e2eEval[string](t, client, hidden); got != "true,true,true" {
				t.Fatalf("C-SSRS items 3–5 before item 2: hidden %s", got)
			}
			e2ePortalChoose(t, client, "item_1_1")
			if got := e2eEval[string](t, client, hidden); got != "false,false,false" {
				t.Fatalf("C-SSRS items 3–5 after a yes to item 2: hidden %s", got)
			}
		}
		e2ePortalAnswer(t, client, m.answers)
		e2ePortalPhone(t, client, m.code)
		e2ePortalSubmit(t, client, base, "form.measure button[type=submit]", 200, "/portal?saved="+m.code)
	}
	if got := e2eEval[string](t, client, `document.querySelector('main [role="status"]').textContent.trim()`); got != "Thank you: your answers are saved." {
		t.Errorf("after the last questionnaire the portal says %q", got)
	}
	if st := e2ePortalStages(t, client); st["Intake and questionnaires"] != "done" || st["Medical review"] != "waiting" {
		t.Errorf("timeline after intake and questionnaires: %q", st)
	}
	step("questionnaires done")

	// The consents, signed with the legal name from the intake.
	var sigHref string
	for i, code := range starter.ConsentOrder {
		e2ePortalOpen(t, client, base, "/portal")
		e2ePortalFollow(t, client, base, `ul.tasks a[href="/portal/consents/`+code+`"]`, "/portal/consents/"+code)
		if n := e2eEval[int](t, client, `document.querySelectorAll("article.document h1, article.document h2, article.document p").length`); n < 2 {
			t.Errorf("%s: the document shows %d headings and paragraphs", code, n)
		}
		e2ePortalPhone(t, client, "consent "+code)
		if i == 0 {
			e2eAxe(t, client, axe, "/portal/consents/"+code+" (phone)")
		}
		e2eDo(t, client, "agree", chromedp.Click(chromedp.ID("agree")))
		e2ePortalText(t, client, [2]string{"typed_name", legalName})
		e2ePortalSubmit(t, client, base, "form.sign button[type=submit]", 200, "/portal/consents/"+code+"?signed=1")
		// The client lands on the confirmation, not the document's top.
		banner := e2eEval[map[string]any](t, client, `(() => { const b = document.getElementById("signed");
			return b ? {text: b.textContent, top: b.getBoundingClientRect().top, inner: window.innerHeight} : {text: ""}; })()`)
		if text := fmt.Sprint(banner["text"]); !strings.Contains(text, "You signed “") || !strings.Contains(text, "“"+legalName+"”") {
			t.Fatalf("%s after signing: %q\n%s", code, text, e2ePortalMain(client))
		}
		if top, _ := banner["top"].(float64); top < -2 || top >= banner["inner"].(float64) {
			t.Errorf("%s: the confirmation is at %vpx, off the %vpx screen", code, top, banner["inner"])
		}
		if i == 0 {
			sigHref = e2eEval[string](t, client, `document.querySelector('#signed a[href^="/portal/signatures/"]').getAttribute("href")`)
		}
	}
	// The signed copy downloads as a PDF.
	pdf, err := chromedp.Run(client, chromedp.Evaluate[map[string]any](`fetch(`+strconv.Quote(sigHref)+`).then(async r => ({
		status: r.status, type: r.headers.get("content-type") || "", disposition: r.headers.get("content-disposition") || "",
		head: String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 5)),
	}))`, chromedp.EvalAwaitPromise))
	if err != nil || pdf["status"] != float64(200) || pdf["type"] != "application/pdf" || pdf["head"] != "%PDF-" ||
		!strings.Contains(fmt.Sprint(pdf["disposition"]), journey.ConsentKAP) {
		t.Errorf("GET %s: %v %v, want 200 application/pdf starting %%PDF-", sigHref, err, pdf)
	}
	e2ePortalOpen(t, client, base, "/portal")
	if n := e2eEval[int](t, client, `document.querySelectorAll('main a[href^="/portal/signatures/"]').length`); n != 4 {
		t.Errorf("%d signed documents to download on the portal, want 4", n)
	}
	if n := e2eEval[int](t, client, `document.querySelectorAll("ul.tasks li").length`); n != 0 {
		t.Errorf("%d tasks left after everything was done:\n%s", n, e2ePortalMain(client))
	}
	if st := e2ePortalStages(t, client); st["Consent forms"] != "done" {
		t.Errorf("timeline after signing: %q", st)
	}
	step("consents signed")

	// 5. The therapist is emailed, without the client's name.
	alertMail := e2ePortalAlertMail(t, mailpit, therapist, base+"/staff/alerts#alert-")
	for _, name := range []string{visitor, legalName, "Quist", preferred} {
		if strings.Contains(alertMail.Subject+alertMail.Text+alertMail.HTML, name) {
			t.Errorf("the alert email names the client (%q):\n%s\n%s", name, alertMail.Subject, alertMail.Text)
		}
	}
	if !strings.Contains(alertMail.Subject, "Urgent") {
		t.Errorf("alert email subject %q, want it to say Urgent", alertMail.Subject)
	}
	alertID := regexp.MustCompile(`/staff/alerts#alert-(\d+)`).FindStringSubmatch(alertMail.Text)[1]

	// The dashboard's urgent banner, then the acknowledgement.
	e2ePortalOpen(t, staff, base, "/staff")
	banner := e2eEval[map[string]any](t, staff, `(() => {
		const s = document.querySelector('section.urgent[role="alert"]');
		return s ? {title: s.querySelector("h2").textContent, items: [...s.querySelectorAll("li")].map(li => li.textContent.trim())} : null;
	})()`)
	if banner == nil || !strings.HasPrefix(fmt.Sprint(banner["title"]), "Urgent: ") ||
		!strings.Contains(fmt.Sprint(banner["items"]), visitor+": PHQ-9 item 9 answered above 0") {
		t.Fatalf("the therapist's dashboard banner: %v\n%s", banner, e2ePortalMain(staff))
	}
	e2eAxe(t, staff, axe, "/staff with an open alert")
	e2ePortalFollow(t, staff, base, `section.urgent a[href="/staff/alerts"]`, "/staff/alerts")
	card := "#alert-" + alertID
	if got := e2eEval[string](t, staff, `(document.querySelector("`+card+` h3") || {textContent: ""}).textContent`); got != visitor+": PHQ-9 item 9 answered above 0" {
		t.Fatalf("open alert %s reads %q\n%s", alertID, got, e2ePortalMain(staff))
	}
	e2eAxe(t, staff, axe, "/staff/alerts")
	const note = "Called Robin the same afternoon; went through the safety plan; check-in booked for tomorrow."
	e2ePortalText(t, staff, [2]string{"note-" + alertID, note})
	e2ePortalSubmit(t, staff, base, card+" form button[type=submit]", 200, "/staff/alerts?acknowledged=1")
	if got := e2eEval[string](t, staff, `(document.querySelector("li`+card+`") || {textContent: ""}).textContent`); !strings.Contains(got, "Acknowledged by Dr. Maya Okafor") || !strings.Contains(got, note) {
		t.Fatalf("acknowledged alert %s reads %q\n%s", alertID, got, e2ePortalMain(staff))
	}
	e2ePortalOpen(t, staff, base, fmt.Sprintf("/staff/clients/%d", clientID))
	if text := e2ePortalMain(staff); !strings.Contains(text, "Screening findings") || !strings.Contains(text, "PHQ-9") {
		t.Fatalf("the chart after intake lacks the clinical record:\n%s", text)
	}
	e2eAxe(t, staff, axe, "/staff/clients/{id} (clinical)")
	e2ePortalOpen(t, staff, base, "/staff")
	if n := e2eEval[int](t, staff, `document.querySelectorAll('section.urgent[role="alert"]').length`); n != 0 {
		// Another client of Maya's may have an alert of their own; ours must be gone.
		if items := e2eEval[string](t, staff, `document.querySelector("section.urgent").innerText`); strings.Contains(items, visitor) {
			t.Errorf("the banner still lists %s after the acknowledgement:\n%s", visitor, items)
		}
	}
	step("alert acknowledged")

	// 6. The medical provider reviews and clears the client.
	doc := e2ePortalTab(t, browser, 60*time.Second, "provider")
	e2ePortalStaffSignIn(t, doc, base, provider, "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, doc, base, "/staff/review")
	review := fmt.Sprintf("/staff/clients/%d/review", clientID)
	row := e2eEval[[]string](t, doc, `(() => {
		const a = document.querySelector('table.list a[href="`+review+`"]');
		return a ? [...a.closest("tr").cells].map(c => c.innerText.trim()) : [];
	})()`)
	if len(row) != 4 || row[0] != visitor || !strings.HasPrefix(row[1], "Prescriber review") || strings.Contains(row[1], "Open safety alert") {
		t.Fatalf("the review queue's row for %s: %q\n%s", visitor, row, e2ePortalMain(doc))
	}
	e2eAxe(t, doc, axe, "/staff/review")
	e2ePortalFollow(t, doc, base, `table.list a[href="`+review+`"]`, review)
	screen := e2eEval[map[string]any](t, doc, `({
		h1: document.querySelector("main h1").textContent,
		findings: document.querySelector('section[aria-labelledby="findings-title"]').innerText,
		meds: [...document.querySelectorAll('section[aria-labelledby="meds-title"] tbody tr')].map(tr => [...tr.cells].map(c => c.textContent.trim()).join(" | ")),
		alerts: !!document.getElementById("alerts-title"),
		until: document.getElementById("cleared_until").value,
	})`)
	if screen["h1"] != "Medical review: "+visitor || !strings.Contains(fmt.Sprint(screen["findings"]), "Thoughts of self-harm (PHQ-9 item 9)") {
		t.Errorf("the decision screen: %v", screen)
	}
	meds := fmt.Sprint(screen["meds"])
	if !strings.Contains(meds, "sertraline | 50 mg") || !strings.Contains(meds, "lorazepam | 0.5 mg") || !strings.Contains(meds, "as needed") {
		t.Errorf("medications on the decision screen: %s", meds)
	}
	if screen["alerts"] != false {
		t.Errorf("the decision screen still shows an open safety alert after the acknowledgement")
	}
	until, err := time.Parse(time.DateOnly, fmt.Sprint(screen["until"]))
	if err != nil || until.Before(time.Now().AddDate(1, 0, -2)) || until.After(time.Now().AddDate(1, 0, 2)) {
		t.Errorf("the default clearance date is %q, want a year from today", screen["until"])
	}
	e2eAxe(t, doc, axe, review)
	// Clearing needs each prescriber-review finding acknowledged: without,
	// the screen comes back naming it.
	e2ePortalChoose(t, doc, "decision-cleared")
	e2ePortalSubmit(t, doc, base, `form[action$="/clearance"] button[type=submit]`, 422, fmt.Sprintf("/staff/clients/%d/clearance", clientID))
	if got := e2eEval[string](t, doc, `document.getElementById("error-summary").innerText`); !strings.Contains(got, "Thoughts of self-harm (PHQ-9 item 9): Acknowledge") {
		t.Errorf("clearing without acknowledging: the summary says %q", got)
	}
	e2eAxe(t, doc, axe, review+" with errors")
	acks := e2eEval[[]string](t, doc, `[...document.querySelectorAll('input[name="ack"]')].map(i => i.id)`)
	if len(acks) == 0 {
		t.Fatal("no finding to acknowledge on the decision screen")
	}
	e2ePortalChoose(t, doc, acks...)
	e2ePortalSubmit(t, doc, base, `form[action$="/clearance"] button[type=submit]`, 200, fmt.Sprintf("/staff/review?decided=%d", clientID))
	if n := e2eEval[int](t, doc, `document.querySelectorAll('table.list a[href="`+review+`"]').length`); n != 0 {
		t.Errorf("%s is still in the review queue after being cleared", visitor)
	}
	if got := e2eEval[string](t, doc, `(document.querySelector('main .success[role="status"]') || {textContent: ""}).textContent`); !strings.Contains(got, "Decision recorded") {
		t.Errorf("after the decision the queue says %q", got)
	}
	step("client cleared")

	// The client's portal shows the medical review done.
	e2ePortalOpen(t, client, base, "/portal")
	e2ePortalPhone(t, client, "/portal after clearance")
	if st := e2ePortalStages(t, client); st["Medical review"] != "done" {
		t.Errorf("timeline after clearance: %q", st)
	}
	want := "The medical provider has cleared you to continue until " + until.Format("January 2, 2006") + "."
	if got := e2eEval[string](t, client, `[...document.querySelectorAll("ol.timeline li")].find(li => li.querySelector("h3").textContent.startsWith("Medical review")).querySelector("p").textContent`); got != want {
		t.Errorf("the medical review stage says %q, want %q", got, want)
	}
	step("portal shows the clearance")

	// 7. The audit trail, once the server has written all of it.
	srv.stop()
	e2ePortalCheckAudit(t, srv, clientID, alertID)
	step("audit trail checked")
}

// e2ePortalServerErrors logs the server's errors and failed requests, for
// a failed test.
func e2ePortalServerErrors(t *testing.T, srv *testServer) {
	var lines []string
	for l := range strings.Lines(srv.Log.String()) {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, "status=5") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	if len(lines) > 0 {
		t.Logf("the server's errors:\n%s", strings.Join(lines, "\n"))
	}
}

// e2ePortalHold marks consult id held, as of an hour after its start,
// through a second handle on the server's database.
func e2ePortalHold(t *testing.T, srv *testServer, id int64) {
	t.Helper()
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	defer db.Close()
	ctx := context.Background()
	c, err := db.FindConsultByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	held := c.Start.Add(time.Hour)
	db.Now = func() time.Time { return held }
	if _, err := db.SetConsultStatus(ctx, id, journey.ConsultHeld); err != nil {
		t.Fatalf("mark consult %d held: %v", id, err)
	}
}

// e2ePortalStages reads the portal's timeline: title → state.
func e2ePortalStages(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	return e2eEval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("ol.timeline li.stage")].map(li =>
		[li.querySelector("h3").firstChild.textContent.trim(), [...li.classList].find(c => c.startsWith("stage-") && c !== "stage").slice(6)]))`)
}

// e2ePortalAlertMail waits for the safety alert email to to that links to
// an alert at marker (this server's address: mailpit is shared).
func e2ePortalAlertMail(t *testing.T, mailpit, to, marker string) *testenv.MailMessage {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range testenv.WaitForMail(t, mailpit, to, 30*time.Second) {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			if msg := testenv.MailMessageByID(t, mailpit, m.ID); strings.Contains(msg.Text, marker) {
				return msg
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s linking to %s within 30s (%d other message(s))", to, marker, len(seen))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// e2ePortalCheckAudit exports the stopped server's audit trail with
// `journey audit export` and checks it holds each step of the client's
// path.
func e2ePortalCheckAudit(t *testing.T, srv *testServer, clientID int64, alertID string) {
	t.Helper()
	args := []string{"audit", "export", "--format", "jsonl", "--master-key-file", srv.KeyFile}
	if strings.HasPrefix(srv.DSN, "postgres") {
		// The export needs no audit key; --data only names where one would go.
		args = append(args, "--database", srv.DSN, "--data", t.TempDir())
	} else {
		args = append(args, "--data", filepath.Dir(srv.DSN))
	}
	out, err := runCLI(t, "", args...)
	if err != nil {
		t.Fatalf("audit export: %v\n%s", err, out)
	}
	var entries []e2ePortalAudit
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var e e2ePortalAudit
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit export line %q: %v", sc.Text(), err)
		}
		entries = append(entries, e)
	}
	cid := strconv.FormatInt(clientID, 10)
	find := func(action, subject, outcome string) []e2ePortalAudit {
		var out []e2ePortalAudit
		for _, e := range entries {
			if e.Action == action && e.SubjectID == subject && e.Outcome == outcome {
				out = append(out, e)
			}
		}
		return out
	}
	details := func(es []e2ePortalAudit) []string {
		var ds []string
		for _, e := range es {
			ds = append(ds, e.Detail)
		}
		return ds
	}
	check := func(ok bool, format string, args ...any) {
		t.Helper()
		if !ok {
			t.Errorf("audit trail: "+format, args...)
		}
	}
	created := find("client.create", cid, journey.AuditSuccess)
	check(len(created) == 1 && strings.HasPrefix(created[0].Detail, "from consult ") && strings.Contains(created[0].ActorRole, journey.RoleTherapist),
		"client.create of client %s: %+v", cid, created)
	check(len(find("portal.join", cid, journey.AuditSuccess)) == 1, "no portal.join for client %s", cid)
	var steps []string
	for _, st := range journey.IntakeSteps {
		steps = append(steps, st.Code)
	}
	intake := details(find("intake.update", cid, journey.AuditSuccess))
	check(slices.Equal(intake, steps), "intake.update successes %q, want %q", intake, steps)
	refused := details(find("intake.update", cid, journey.AuditFailure))
	check(slices.Equal(refused, []string{journey.StepMedical}), "intake.update failures %q, want the refused weight's medical step", refused)
	resps := details(find("response.create", cid, journey.AuditSuccess))
	check(slices.Equal(resps, journey.RequiredQuestionnaires), "response.create %q, want %q", resps, journey.RequiredQuestionnaires)
	check(len(find("consent.sign", cid, journey.AuditSuccess)) == len(starter.ConsentOrder), "consent.sign: %q", details(find("consent.sign", cid, journey.AuditSuccess)))
	check(len(find("consent.download", cid, journey.AuditSuccess)) == 1, "consent.download: %+v", find("consent.download", cid, journey.AuditSuccess))
	ack := find("alert.acknowledge", alertID, journey.AuditSuccess)
	check(len(ack) == 1 && ack[0].Detail == "client "+cid && strings.Contains(ack[0].ActorRole, journey.RoleTherapist),
		"alert.acknowledge of alert %s: %+v", alertID, ack)
	decided := find("clearance.decide", cid, journey.AuditSuccess)
	check(len(decided) == 1 && decided[0].Detail == journey.DecisionCleared && strings.Contains(decided[0].ActorRole, journey.RoleMedicalProvider),
		"clearance.decide of client %s: %+v", cid, decided)
	// In order: invited, intake, questionnaires, acknowledged, cleared.
	if !t.Failed() {
		seq := []int64{created[0].Seq, find("intake.update", cid, journey.AuditSuccess)[0].Seq,
			find("response.create", cid, journey.AuditSuccess)[0].Seq, ack[0].Seq, decided[0].Seq}
		check(slices.IsSorted(seq), "entries out of order: seq %v", seq)
	}
	// No client name in any entry (the trail names people by id).
	for _, e := range entries {
		check(!strings.Contains(e.Detail, "Quist"), "entry %d names the client: %+v", e.Seq, e)
	}
}
