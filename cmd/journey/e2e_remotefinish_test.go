package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestE2ERemoteFinish: in Chromium, at a phone's and a desktop's width
// with axe-core, front desk records a client's answer about texts on the
// chart's page (a wrong number kept as typed beside the field), and the
// medical provider sees a remote check-in's raised home reading wait for
// their review on the run sheet and records it.
func TestE2ERemoteFinish(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	check := func(ctx context.Context, what string) { t.Helper(); e2eCheckWidths(t, ctx, axe, what) }

	ctx := context.Background()
	raw := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	riley, err := raw.FindUserByEmail(ctx, "riley.novak@example.org")
	if err != nil {
		t.Fatal(err)
	}
	client, err := raw.FindClientByUserID(ctx, riley.ID)
	if err != nil {
		t.Fatal(err)
	}
	jordan, err := raw.FindUserByEmail(ctx, "jordan.lee@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	maya, err := raw.FindUserByEmail(ctx, "maya.okafor@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	// The demo's own sessions may hold the same team at that time.
	sqldbtest.ReleaseHolds(t, raw, time.Now(), time.Now().Add(5*time.Hour))
	session := sqldbtest.MedicineSession(t, raw, client.ID, time.Now().Add(30*time.Minute), journey.SessionBooked, journey.ModeRemote, journey.RouteLozenge,
		map[string]int64{journey.NeedTherapist: maya.ID, journey.NeedMedicalProvider: jordan.ID})
	ci := &journey.CheckIn{SessionID: session, ClientID: client.ID, Address: "4 Home Road", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: 152, Diastolic: 88}
	if err := raw.CreateCheckIn(ctx, ci); err != nil || ci.Result != journey.CheckInReview {
		t.Fatalf("check-in: %+v %v", ci, err)
	}
	raw.Close()

	desk := e2ePortalTab(t, browser, 120*time.Second, "front desk")
	e2eViewport(t, desk, false)
	e2ePortalStaffSignIn(t, desk, base, "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone")
	texts := fmt.Sprintf("/staff/clients/%d/texts", client.ID)
	e2ePortalOpen(t, desk, base, texts)
	check(desk, texts)
	e2eDo(t, desk, "agree with a wrong number", chromedp.Click(chromedp.ID("agreed")), chromedp.SetValue(chromedp.ID("phone"), "<i>12</i>"))
	e2ePortalSubmit(t, desk, base, `form[action="`+texts+`"] button[type=submit]`, 422, texts)
	if v := e2eEval[string](t, desk, `document.getElementById("phone").value`); v != "<i>12</i>" {
		t.Errorf("the number as typed: %q", v)
	}
	check(desk, texts+" with errors")
	e2eDo(t, desk, "a right number", chromedp.SetValue(chromedp.ID("phone"), "+1 503 555 0142"))
	e2ePortalSubmit(t, desk, base, `form[action="`+texts+`"] button[type=submit]`, 200, texts+"?saved=1")
	check(desk, texts+" saved")

	doc := e2ePortalTab(t, browser, 120*time.Second, "medical provider")
	e2eViewport(t, doc, false)
	e2ePortalStaffSignIn(t, doc, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	sheet := fmt.Sprintf("/staff/sessions/%d/run-sheet", session)
	e2ePortalOpen(t, doc, base, sheet)
	if !e2eEval[bool](t, doc, `document.body.textContent.includes("152/88, waits for the medical provider")`) {
		t.Error("the run sheet does not say the check-in waits for review")
	}
	check(doc, sheet+" with a check-in to review")
	e2eDo(t, doc, "write the review", chromedp.SetValue(chromedp.CSS(`form[action="`+sheet+`/review"] textarea`), "Spoke with the client: their usual reading; proceed."))
	e2ePortalSubmit(t, doc, base, `form[action="`+sheet+`/review"] button[type=submit]`, 200, sheet+"?done=review")
	if e2eEval[bool](t, doc, `document.body.textContent.includes("waits for the medical provider")`) {
		t.Error("the check-in still waits after the review")
	}
	check(doc, sheet+" reviewed")
}
