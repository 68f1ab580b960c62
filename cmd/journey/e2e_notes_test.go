package main

// Clinical notes and the client's pages after a session in Chromium at a
// tablet's, a phone's and a desktop's width, axe-clean: the therapist
// drafts yesterday's medicine session's note, is refused signing with a
// heading empty (what was typed kept), signs it, adds private
// psychotherapy notes the medical provider's page never shows; the client
// answers the morning-after check-in (refused with a question unanswered,
// the answers kept) and writes a journal entry shared with the therapist.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// e2eNotesSeed adds a client with a password and their medicine session
// with Dr. Maya Okafor, Dr. Jordan Lee and the chaperone, held yesterday
// (ended 20 hours ago), and returns the session's id and the client's
// email.
func e2eNotesSeed(t *testing.T, srv *testServer, base string) (int64, string) {
	t.Helper()
	ctx := context.Background()
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	defer db.Close()
	db.Mail = &mail.Composer{BaseURL: base}
	user := func(email string) *journey.User {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	maya, jordan, casey := user("maya.okafor@cedarandtide.example"), user("jordan.lee@cedarandtide.example"), user("casey.morgan@cedarandtide.example")
	care := &sqldbtest.Care{Therapist: &journey.Therapist{ID: maya.ID}, Provider: jordan.ID, Chaperone: casey.ID}
	now := time.Now().UTC()
	email := "nova.e2e@example.org"
	cl := care.ReadyClient(t, db, "Nova Notes", email, now)
	id := sqldbtest.MedicineSession(t, db, cl.ID, now.Add(-23*time.Hour), journey.SessionCompleted, journey.ModeRemote, journey.RouteLozenge,
		map[string]int64{journey.NeedTherapist: maya.ID, journey.NeedMedicalProvider: jordan.ID, journey.NeedChaperone: casey.ID})
	hash, err := auth.NewHasher(1, auth.DefaultParams()).Hash(ctx, e2eClientPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, cl.UserID, hash, 0); err != nil {
		t.Fatal(err)
	}
	return id, email
}

// e2eType types text into the field sel.
func e2eType(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	e2eDo(t, ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

func TestE2ENotesAndAftercare(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	session, clientEmail := e2eNotesSeed(t, srv, base)
	path := fmt.Sprintf("/staff/sessions/%d/notes", session)
	browser := e2eBrowser(t)

	// The therapist drafts the note, is refused signing it half written, signs it.
	maya := e2ePortalTab(t, browser, 240*time.Second, "therapist")
	e2eTablet768(t, maya)
	e2ePortalStaffSignIn(t, maya, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, maya, base, path)
	e2eMain(t, maya, "an empty notes page", "Write the progress note", "Intention", "State at discharge", "Psychotherapy notes")
	e2eRunSheetCheck(t, maya, axe, "notes page, empty")
	e2eType(t, maya, `#new-progress textarea[name="fields.intention"]`, "To meet the grief with kindness.")
	e2ePortalSubmit(t, maya, base, `#new-progress button[type=submit]`, 200, path+"?done=created")
	e2eType(t, maya, `textarea[name="fields.course"]`, "Settled after 20 minutes <calm>.")
	signAt := e2eEval[string](t, maya, `new URL(document.querySelector("button[name=sign]").form.action).pathname`)
	e2ePortalSubmit(t, maya, base, `button[name=sign]`, 422, signAt)
	e2eMain(t, maya, "a sign refused", "Write Interventions before signing.", "Write State at discharge before signing.")
	if v := e2eEval[string](t, maya, `document.querySelector('textarea[name="fields.course"]').value`); v != "Settled after 20 minutes <calm>." {
		t.Errorf("the course as typed: %q", v)
	}
	e2eRunSheetCheck(t, maya, axe, "notes page, a sign refused")
	e2eType(t, maya, `textarea[name="fields.interventions"]`, "Music; a hand on the shoulder when asked.")
	e2eType(t, maya, `textarea[name="fields.discharge_state"]`, "Alert, steady, with Max.")
	e2ePortalSubmit(t, maya, base, `button[name=sign]`, 200, path+"?done=signed")
	e2eMain(t, maya, "signed", "Signed: the note is locked", "Settled after 20 minutes <calm>.", "Add an addendum")
	e2eType(t, maya, `#new-psychotherapy textarea[name="fields.process"]`, "My own pull to rescue: watch it.")
	e2ePortalSubmit(t, maya, base, `#new-psychotherapy button[type=submit]`, 200, path+"?done=created")
	e2eMain(t, maya, "private notes", "Psychotherapy notes (yours alone)", "Draft: only you change and sign it.")
	if v := e2eEval[string](t, maya, `document.querySelector('.note textarea[name="fields.process"]').value`); v != "My own pull to rescue: watch it." {
		t.Errorf("the private draft: %q", v)
	}
	e2eRunSheetCheck(t, maya, axe, "notes page, signed")

	// The medical provider reads the signed note, never the private one.
	jordan := e2ePortalTab(t, browser, 240*time.Second, "medical provider")
	e2eTablet768(t, jordan)
	e2ePortalStaffSignIn(t, jordan, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, jordan, base, path)
	e2eMain(t, jordan, "the prescriber's notes page", "Settled after 20 minutes", "Alert, steady, with Max.")
	if text := e2ePortalMain(jordan); strings.Contains(text, "rescue") || strings.Contains(text, "yours alone") {
		t.Errorf("the medical provider sees the psychotherapy notes:\n%s", text)
	}

	// The client's morning-after check-in and journal.
	nova := e2ePortalTab(t, browser, 240*time.Second, "client")
	e2eTablet768(t, nova)
	e2ePortalOpen(t, nova, base, "/login")
	e2eDo(t, nova, "type the client's credentials", chromedp.SendKeys(chromedp.CSS("#email"), clientEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), e2eClientPassword))
	e2eSubmit(t, nova, "form.auth button[type=submit]")
	e2eWaitJS(t, nova, `location.pathname === "/portal" && document.readyState === "complete"`)
	e2ePortalOpen(t, nova, base, "/portal/morning-after")
	e2eMain(t, nova, "the check-in", "How did you sleep last night?", "Since the session")
	e2eRunSheetCheck(t, nova, axe, "morning-after check-in")
	choose := func(field, value string) {
		e2eDo(t, nova, "choose "+field, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%s][value=%s]`, field, value))))
	}
	choose("slept", "some")
	choose("nausea", "mild")
	e2ePortalSubmit(t, nova, base, `form[action="/portal/morning-after"] button[type=submit]`, 422, "/portal/morning-after")
	e2eMain(t, nova, "a check-in half answered", "Please answer each question", "Any headache?")
	if !e2eEval[bool](t, nova, `document.querySelector("input[name=nausea][value=mild]").checked`) {
		t.Errorf("the nausea answer was not kept")
	}
	e2eRunSheetCheck(t, nova, axe, "morning-after check-in refused")
	choose("headache", "none")
	choose("urinary", "none")
	choose("distress", "none")
	choose("safety", "no")
	e2ePortalSubmit(t, nova, base, `form[action="/portal/morning-after"] button[type=submit]`, 200, "/portal/morning-after")
	e2eMain(t, nova, "the check-in sent", "your care team has your answers", "A little")
	e2eRunSheetCheck(t, nova, axe, "morning-after check-in sent")
	e2ePortalOpen(t, nova, base, "/portal/journal")
	e2eType(t, nova, "#text", "The grief felt lighter on the walk home.")
	e2eDo(t, nova, "share it", chromedp.Click(chromedp.CSS(`input[name=shared]`)))
	e2ePortalSubmit(t, nova, base, `form[action="/portal/journal"] button[type=submit]`, 200, "/portal/journal?done=added")
	e2eMain(t, nova, "the journal", "Shared with your therapist.", "The grief felt lighter")
	e2eRunSheetCheck(t, nova, axe, "journal")
	e2ePortalOpen(t, nova, base, "/portal/preparation")
	e2eRunSheetCheck(t, nova, axe, "goals and safety plan")
}
