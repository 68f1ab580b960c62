package main

// The plan, the gates and a remote session in Chromium, at a desktop's
// 1280 px and a phone's 390 px, axe-clean: the therapist's plan page and
// Today, the medical provider's, the admin's care path settings, and the
// client's timeline, monitor and check-in with a reading too high for a
// dose.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
)

// e2ePlanSeed clears the demo's Sam with a remote plan, two preparations
// and a dose held with its integration, and a remote medicine session in
// half an hour, through a second handle on the server's database. It
// returns Sam's client id and the booked session's id.
func e2ePlanSeed(t *testing.T, srv *testServer, base string) (clientID, sessionID int64) {
	t.Helper()
	ctx := context.Background()
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	defer db.Close()
	db.Mail = &mail.Composer{BaseURL: base}
	sam, err := db.FindUserByEmail(ctx, "sam.whitfield@example.org")
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(ctx, sam.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.FindUserByEmail(ctx, "jordan.lee@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := db.FindScreening(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ack []string
	for _, f := range sc.Findings {
		ack = append(ack, f.Code)
	}
	now := time.Now().UTC()
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 0, 0), Acknowledged: ack}); err != nil {
		t.Fatalf("clear Sam: %v %v", err, journey.ErrorFields(err))
	}
	cs, err := db.FindCareSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs.TelehealthTemplate, cs.UpdatedBy = "https://video.example/room/{session_id}", doc.ID
	if err := db.UpdateCareSettings(ctx, cs); err != nil {
		t.Fatal(err)
	}
	plan := journey.DefaultPlan()
	plan.Mode = journey.ModeRemote
	if err := db.UpdatePlan(ctx, c.ID, plan, doc.ID, "Lives three hours away: remote sessions by lozenge."); err != nil {
		t.Fatal(err)
	}
	therapist := c.TherapistID()
	insert := func(typ, mode string, start time.Time, status string) int64 {
		route := ""
		if typ == journey.TypeMedicine {
			route = journey.RouteLozenge
		}
		var id int64
		if err := db.Write.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id`), c.ID, typ, start.Unix(), start.Add(time.Hour).Unix(), start.Add(time.Hour).Unix(),
			status, mode, route, therapist).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	insert(journey.TypePreparation, journey.ModeRemote, now.AddDate(0, 0, -30), journey.SessionCompleted)
	insert(journey.TypePreparation, journey.ModeRemote, now.AddDate(0, 0, -25), journey.SessionCompleted)
	insert(journey.TypeMedicine, journey.ModeRemote, now.AddDate(0, 0, -20), journey.SessionCompleted)
	insert(journey.TypeIntegration, journey.ModeRemote, now.AddDate(0, 0, -18), journey.SessionCompleted)
	return c.ID, insert(journey.TypeMedicine, journey.ModeRemote, now.Add(30*time.Minute), journey.SessionBooked)
}

func TestE2EPlanGatesRemote(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	clientID, sessionID := e2ePlanSeed(t, srv, base)
	browser := e2eBrowser(t)
	planPath := fmt.Sprintf("/staff/clients/%d/plan", clientID)

	// Both widths of a page: it fits, and axe finds nothing at all.
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

	// The client: the plan on the timeline, the monitor, the check-in.
	sam := e2ePortalTab(t, browser, 150*time.Second, "client")
	e2eViewport(t, sam, false)
	e2ePortalOpen(t, sam, base, "/login")
	e2eDo(t, sam, "type Sam's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "sam.whitfield@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-harbor-light"))
	e2eSubmit(t, sam, "form.auth button[type=submit]")
	e2eWaitJS(t, sam, `location.pathname === "/portal" && document.readyState === "complete"`)
	text := e2ePortalMain(sam)
	for _, want := range []string{"Preparation session 2", "Medicine session 2", "Booked for", "Join by video", "Check in for your session", "Name your monitor"} {
		if !strings.Contains(text, want) {
			t.Errorf("the portal lacks %q:\n%s", want, text)
		}
	}
	check(sam, "client /portal")
	e2ePortalFollow(t, sam, base, `a[href="/portal/monitor"]`, "/portal/monitor")
	e2ePortalText(t, sam, [2]string{"name", "Max <Monitor>"}, [2]string{"phone", "12"}, [2]string{"relationship", "Partner"})
	e2ePortalSubmit(t, sam, base, `form[action="/portal/monitor"] button[type=submit]`, 422, "/portal/monitor")
	if v := e2eEval[string](t, sam, `document.getElementById("name").value`); v != "Max <Monitor>" {
		t.Errorf("the monitor's name as typed: %q", v)
	}
	check(sam, "client /portal/monitor refused")
	e2ePortalSet(t, sam, [2]string{"phone", "(503) 555-0142"}, [2]string{"name", "Max Monitor"})
	e2eDo(t, sam, "confirm an adult", chromedp.Click(chromedp.ID("adult")))
	e2ePortalSubmit(t, sam, base, `form[action="/portal/monitor"] button[type=submit]`, 200, "/portal/monitor?saved=1")
	check(sam, "client /portal/monitor saved")

	checkIn := fmt.Sprintf("/portal/sessions/%d/check-in", sessionID)
	e2ePortalOpen(t, sam, base, "/portal")
	e2ePortalFollow(t, sam, base, fmt.Sprintf(`a[href="%s"]`, checkIn), checkIn)
	check(sam, "client check-in")
	e2ePortalText(t, sam, [2]string{"callback", "(503) 555-0143"}, [2]string{"systolic", "high"}, [2]string{"diastolic", "101"})
	e2ePortalSubmit(t, sam, base, `form[action$="/check-in"] button[type=submit]`, 422, checkIn)
	check(sam, "client check-in refused")
	e2ePortalText(t, sam, [2]string{"address", "4 Home Road, Portland"})
	e2ePortalSet(t, sam, [2]string{"systolic", "186"})
	e2eDo(t, sam, "confirm the emergency contact", chromedp.Click(chromedp.ID("emergency")))
	e2ePortalSubmit(t, sam, base, `form[action$="/check-in"] button[type=submit]`, 409, checkIn)
	if text := e2ePortalMain(sam); !strings.Contains(text, "No medicine session today") || !strings.Contains(text, "186/101") {
		t.Errorf("a high reading:\n%s", text)
	}
	check(sam, "client check-in: no dose")

	// The therapist: Today and the plan page, the gates saying why the
	// session cannot start.
	maya := e2ePortalTab(t, browser, 150*time.Second, "therapist")
	e2eViewport(t, maya, false)
	e2ePortalStaffSignIn(t, maya, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, maya, base, "/staff")
	if text := e2ePortalMain(maya); !strings.Contains(text, "Overdue integrations") || !strings.Contains(text, "No dose today: call back") {
		t.Errorf("the therapist's Today lacks overdue integrations:\n%s", text)
	}
	check(maya, "therapist /staff")
	e2ePortalOpen(t, maya, base, planPath)
	text = e2ePortalMain(maya)
	for _, want := range []string{"Medicine session 2", "Video link", "Max Monitor", "Lives three hours away", "Tailor the plan"} {
		if !strings.Contains(text, want) {
			t.Errorf("the therapist's plan page lacks %q:\n%s", want, text)
		}
	}
	check(maya, "therapist "+planPath)
	e2ePortalSet(t, maya, [2]string{"preparations", "0"})
	e2ePortalSubmit(t, maya, base, `form[action$="/plan"] button[type=submit]`, 422, planPath)
	if text := e2ePortalMain(maya); !strings.Contains(text, "Plan between 1 and 10") || !strings.Contains(text, "Say why the plan changes") {
		t.Errorf("a refused change:\n%s", text)
	}
	check(maya, "therapist "+planPath+" refused")

	// The medical provider and the admin.
	jordan := e2ePortalTab(t, browser, 150*time.Second, "medical provider")
	e2eViewport(t, jordan, false)
	e2ePortalStaffSignIn(t, jordan, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, jordan, base, planPath)
	check(jordan, "medical provider "+planPath)
	admin := e2ePortalTab(t, browser, 150*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2ePortalOpen(t, admin, base, "/admin/care")
	check(admin, "admin /admin/care")
}
