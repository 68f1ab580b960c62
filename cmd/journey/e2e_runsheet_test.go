package main

// The medicine session's run sheet in Chromium on a tablet (768 px), and
// at a phone's and a desktop's width, axe-clean: an in-person session from
// check-in to discharge (a high blood pressure holds the dose, a
// re-measure, the prescriber's review, the dose, the peak check, discharge
// refused before 120 minutes and then allowed), and a remote one that
// starts with the client's own check-in in the portal, with the monitor's
// visual check-ins and a missed one flagged.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// runSheetSeed is what a run sheet test starts from.
type runSheetSeed struct {
	session     int64
	client      *journey.Client
	clientEmail string
	doseToken   string // Dr. Jordan Lee's API token, to record the dose
	loc         *time.Location
}

const e2eClientPassword = "a-long-e2e-password-for-remy"

// e2eRunSheetSeed adds a client whose gates all hold and their medicine
// session (mode), booked with Dr. Maya Okafor, Dr. Jordan Lee, the
// chaperone and (in person) a room, started 150 minutes ago so a dose
// can be dated two hours back; a remote client names their monitor and
// gets a password. It writes through a second handle on the server's
// database.
func e2eRunSheetSeed(t *testing.T, srv *testServer, base, mode string) *runSheetSeed {
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
	email := "rowan.e2e@example.org"
	if mode == journey.ModeRemote {
		email = "remy.e2e@example.org"
	}
	cl := care.ReadyClient(t, db, map[string]string{journey.ModeInPerson: "Rowan Inperson", journey.ModeRemote: "Remy Remote"}[mode], email, now)
	holds := map[string]int64{journey.NeedTherapist: maya.ID, journey.NeedMedicalProvider: jordan.ID, journey.NeedChaperone: casey.ID}
	if mode == journey.ModeInPerson {
		rooms, err := db.FindRooms(ctx)
		if err != nil || len(rooms) == 0 {
			t.Fatalf("rooms: %v", err)
		}
		holds[journey.NeedRoom] = rooms[0].ID
	}
	// The demo's own medicine session today holds the same team and room.
	sqldbtest.ReleaseHolds(t, db, now.Add(-150*time.Minute), now.Add(4*time.Hour))
	id := sqldbtest.MedicineSession(t, db, cl.ID, now.Add(-150*time.Minute).Truncate(time.Minute), journey.SessionBooked, mode, journey.RouteLozenge, holds)
	if mode == journey.ModeRemote {
		if err := db.SetMonitor(ctx, &journey.Monitor{ClientID: cl.ID, Name: "Max Monitor", Phone: "+15035550142", Relationship: "Partner", Adult: true}); err != nil {
			t.Fatal(err)
		}
		hash, err := auth.NewHasher(1, auth.DefaultParams()).Hash(ctx, e2eClientPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, cl.UserID, hash, 0); err != nil {
			t.Fatal(err)
		}
	}
	tok, hash, err := auth.NewToken(auth.PrefixPersonalAccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAPIToken(ctx, jordan.ID, "e2e doses", hash, now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	pr, err := db.FindPractice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := journey.LoadZone(pr.TimeZone)
	return &runSheetSeed{session: id, client: cl, clientEmail: email, doseToken: tok, loc: loc}
}

// e2eTablet768 sets a tablet's viewport: 768 px, touch.
func e2eTablet768(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 768, Height: 1024,
		DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatalf("viewport: %v", err)
	}
}

// e2eRunSheetCheck checks the page fits and is axe-clean at a tablet's, a
// phone's and a desktop's width, and leaves the tablet's.
func e2eRunSheetCheck(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	for _, w := range []string{"768px", "390px", "1280px"} {
		switch w {
		case "768px":
			e2eTablet768(t, ctx)
		default:
			e2eViewport(t, ctx, w == "390px")
		}
		e2eCheckLayout(t, ctx, what+" ("+w+")")
		e2eAxeAll(t, ctx, axe, what+" ("+w+")")
	}
	e2eTablet768(t, ctx)
}

// e2eDoseAPI records a lozenge from the client's own prescription given
// at, through the controlled-substance log's API with token.
func e2eDoseAPI(t *testing.T, base, token string, session int64, at time.Time, self bool) {
	t.Helper()
	body := fmt.Sprintf(`{"dose_mg":200,"route":"lozenge","pharmacy":"Main St Pharmacy","prescription_number":"RX-204","self_administered":%t,"administered_at":%q}`,
		self, at.UTC().Format(time.RFC3339))
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/sessions/%d/administrations", base, session), bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if resp.StatusCode != 201 {
		t.Fatalf("the dose: %d %s", resp.StatusCode, out.String())
	}
}

// e2eMain wants each of wants in the page's main text.
func e2eMain(t *testing.T, ctx context.Context, what string, wants ...string) {
	t.Helper()
	text := e2ePortalMain(ctx)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// e2eReading types a reading into the run sheet's form and submits it.
func e2eReading(t *testing.T, ctx context.Context, base, path, phase, at string, sys, dia int, status int64) {
	t.Helper()
	e2ePortalSet(t, ctx, [2]string{"phase", phase}, [2]string{"taken_at", at}, [2]string{"systolic", fmt.Sprint(sys)}, [2]string{"diastolic", fmt.Sprint(dia)},
		[2]string{"heart_rate", "74"}, [2]string{"spo2", "98"}, [2]string{"resp_rate", "14"})
	want := path + "?done=vitals"
	if status != 200 {
		want = path + "/vitals"
	}
	e2ePortalSubmit(t, ctx, base, `form[action$="/vitals"] button[type=submit]`, status, want)
}

func TestE2ERunSheetInPerson(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	seed := e2eRunSheetSeed(t, srv, base, journey.ModeInPerson)
	path := fmt.Sprintf("/staff/sessions/%d/run-sheet", seed.session)
	browser := e2eBrowser(t)
	clock := func(d time.Duration) string { return time.Now().Add(d).In(seed.loc).Format("15:04") }

	// The therapist checks the client in and takes the pre-dose set: too high.
	maya := e2ePortalTab(t, browser, 240*time.Second, "therapist")
	e2eTablet768(t, maya)
	e2ePortalStaffSignIn(t, maya, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, maya, base, path)
	e2eMain(t, maya, "the run sheet", "Run sheet: Rowan Inperson", "No order yet", "No pre-dose vitals yet")
	e2eRunSheetCheck(t, maya, axe, "therapist run sheet")
	e2ePortalSubmit(t, maya, base, `form[action$="/status"] button[type=submit]`, 200, path+"?done=check-in")
	e2eReading(t, maya, base, path, "pre-dose", clock(-125*time.Minute), 400, 101, 422)
	if v := e2eEval[string](t, maya, `document.getElementById("systolic").value`); v != "400" {
		t.Errorf("the systolic as typed: %q", v)
	}
	e2eMain(t, maya, "a refused reading", "Systolic pressure must be between 50 and 300.")
	e2eRunSheetCheck(t, maya, axe, "therapist run sheet, a refused reading")
	e2eReading(t, maya, base, path, "pre-dose", clock(-125*time.Minute), 186, 101, 200)
	e2eMain(t, maya, "a hold", "186/101", "at or above 180/100", "holds the dose")
	e2eDo(t, maya, "tick the checklist", chromedp.Click(chromedp.ID("cl-fasted")), chromedp.Click(chromedp.ID("cl-ride")), chromedp.Click(chromedp.ID("cl-nodrive")))
	e2ePortalText(t, maya, [2]string{"intention", "To meet the grief with kindness."})
	e2ePortalSubmit(t, maya, base, `form[action$="/checklist"] button[type=submit]`, 200, path+"?done=checklist")
	e2ePortalSubmit(t, maya, base, `form[action$="/status"] button[type=submit]`, 200, path+"?done=start")

	// The prescriber orders, may not review while the reading holds, and
	// reviews once the therapist has re-measured.
	jordan := e2ePortalTab(t, browser, 240*time.Second, "medical provider")
	e2eTablet768(t, jordan)
	e2ePortalStaffSignIn(t, jordan, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, jordan, base, path)
	e2ePortalText(t, jordan, [2]string{"formulation", "ketamine HCl 100 mg lozenge"}, [2]string{"strength_mg", "100"}, [2]string{"dose_mg", "450"})
	e2ePortalSubmit(t, jordan, base, `form[action$="/order"] button[type=submit]`, 422, path+"/order")
	e2eMain(t, jordan, "an order past the bound", "above the practice's 400 mg", "give the reason for the override")
	if v := e2eEval[string](t, jordan, `document.getElementById("dose_mg").value`); v != "450" {
		t.Errorf("the dose as typed: %q", v)
	}
	e2eRunSheetCheck(t, jordan, axe, "prescriber run sheet, a refused order")
	e2ePortalSet(t, jordan, [2]string{"dose_mg", "200"})
	e2ePortalSubmit(t, jordan, base, `form[action$="/order"] button[type=submit]`, 200, path+"?done=order")
	e2eMain(t, jordan, "the order", "200 mg lozenge (2.86 mg/kg at 70 kg)", "waits for the medical provider's review")
	e2ePortalText(t, jordan, [2]string{"note", "Anxious on arrival."})
	e2ePortalSubmit(t, jordan, base, `form[action$="/review"] button[type=submit]`, 409, path+"/review")
	e2eMain(t, jordan, "a review too soon", "cannot be reviewed yet", "holds the dose")
	e2eReading(t, maya, base, path, "pre-dose", clock(-122*time.Minute), 152, 92, 200)
	e2eMain(t, maya, "the re-measure", "152/92", "above 140/90")
	e2ePortalOpen(t, jordan, base, path)
	e2ePortalText(t, jordan, [2]string{"note", "Settled after rest; 152/92 acceptable. Proceed with 200 mg."})
	e2ePortalSubmit(t, jordan, base, `form[action$="/review"] button[type=submit]`, 200, path+"?done=review")
	e2eMain(t, jordan, "the review", "Ready for the dose", "(reviewed)")
	e2eRunSheetCheck(t, jordan, axe, "prescriber run sheet, ready")

	// The dose (the log's API), the peak check, discharge refused before
	// 120 minutes and then allowed.
	dosed := time.Now().Add(-119 * time.Minute).Truncate(time.Second)
	e2eDoseAPI(t, base, seed.doseToken, seed.session, dosed, false)
	e2ePortalOpen(t, maya, base, path)
	e2eMain(t, maya, "after the dose", "A dose of 200 mg, lozenge", "Peak check due", "overdue")
	e2eReading(t, maya, base, path, "peak", clock(-80*time.Minute), 150, 95, 200)
	e2eReading(t, maya, base, path, "pre-discharge", clock(-1*time.Minute), 132, 84, 200)
	for _, id := range []string{"dc-vitals_acceptable", "dc-alert_oriented", "dc-walks_safely", "dc-dissociation_resolved", "dc-escort", "dc-no_driving"} {
		e2eDo(t, maya, "tick "+id, chromedp.Click(chromedp.ID(id)))
	}
	e2ePortalSubmit(t, maya, base, `form[action$="/discharge"] button[type=submit]`, 409, path+"/discharge")
	e2eMain(t, maya, "discharge too soon", "Discharge comes 120 minutes after the dose")
	e2eRunSheetCheck(t, maya, axe, "therapist run sheet, discharge refused")
	time.Sleep(time.Until(dosed.Add(120*time.Minute + 2*time.Second)))
	// The refused form kept every tick.
	e2ePortalSubmit(t, maya, base, `form[action$="/discharge"] button[type=submit]`, 200, path+"?done=discharge")
	e2eMain(t, maya, "discharged", "Discharged at", "Addendum")
	e2eRunSheetCheck(t, maya, axe, "therapist run sheet, discharged")
}

func TestE2ERunSheetRemote(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	seed := e2eRunSheetSeed(t, srv, base, journey.ModeRemote)
	path := fmt.Sprintf("/staff/sessions/%d/run-sheet", seed.session)
	browser := e2eBrowser(t)
	clock := func(d time.Duration) string { return time.Now().Add(d).In(seed.loc).Format("15:04") }

	// The therapist cannot start before the client checks in.
	maya := e2ePortalTab(t, browser, 240*time.Second, "therapist")
	e2eTablet768(t, maya)
	e2ePortalStaffSignIn(t, maya, base, "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek")
	e2ePortalOpen(t, maya, base, path)
	e2ePortalSubmit(t, maya, base, `form[action$="/status"] button[type=submit]`, 200, path+"?done=check-in")
	e2ePortalSubmit(t, maya, base, `form[action$="/status"] button[type=submit]`, 409, path+"/status")
	e2eMain(t, maya, "a start before the client's check-in", "has not checked in from the portal")

	// The client checks in from home.
	remy := e2ePortalTab(t, browser, 240*time.Second, "client")
	e2eTablet768(t, remy)
	e2ePortalOpen(t, remy, base, "/login")
	e2eDo(t, remy, "type the client's credentials", chromedp.SendKeys(chromedp.CSS("#email"), seed.clientEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), e2eClientPassword))
	e2eSubmit(t, remy, "form.auth button[type=submit]")
	e2eWaitJS(t, remy, `location.pathname === "/portal" && document.readyState === "complete"`)
	checkIn := fmt.Sprintf("/portal/sessions/%d/check-in", seed.session)
	e2ePortalOpen(t, remy, base, checkIn)
	e2ePortalText(t, remy, [2]string{"address", "12 Home Lane, Salem"}, [2]string{"callback", "(503) 555-0177"}, [2]string{"systolic", "128"}, [2]string{"diastolic", "82"})
	e2eDo(t, remy, "confirm the emergency contact", chromedp.Click(chromedp.ID("emergency")))
	e2ePortalSubmit(t, remy, base, `form[action$="/check-in"] button[type=submit]`, 200, "/portal?saved=checkin")
	e2eRunSheetCheck(t, remy, axe, "client check-in done")

	// The therapist: the readings the client reads out, the checklist, the start.
	e2ePortalOpen(t, maya, base, path)
	e2eDo(t, maya, "read out by the client", chromedp.Click(chromedp.ID("vt-remote")))
	e2eReading(t, maya, base, path, "pre-dose", clock(-125*time.Minute), 128, 82, 200)
	e2eMain(t, maya, "a reading read out", "(read out)")
	e2eDo(t, maya, "tick the checklist", chromedp.Click(chromedp.ID("cl-fasted")), chromedp.Click(chromedp.ID("cl-ride")), chromedp.Click(chromedp.ID("cl-nodrive")))
	e2ePortalText(t, maya, [2]string{"intention", "Rest."})
	e2ePortalSubmit(t, maya, base, `form[action$="/checklist"] button[type=submit]`, 200, path+"?done=checklist")
	e2ePortalSubmit(t, maya, base, `form[action$="/status"] button[type=submit]`, 200, path+"?done=start")
	e2eMain(t, maya, "started", "Met: check-in", "Monitor present: yes")

	// The prescriber orders; the client takes the lozenge, observed; the
	// monitor's visual check-ins, one late and flagged.
	jordan := e2ePortalTab(t, browser, 240*time.Second, "medical provider")
	e2eTablet768(t, jordan)
	e2ePortalStaffSignIn(t, jordan, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, jordan, base, path)
	e2ePortalText(t, jordan, [2]string{"formulation", "ketamine HCl 100 mg lozenge"}, [2]string{"strength_mg", "100"}, [2]string{"dose_mg", "200"})
	e2ePortalSubmit(t, jordan, base, `form[action$="/order"] button[type=submit]`, 200, path+"?done=order")
	e2eDoseAPI(t, base, seed.doseToken, seed.session, time.Now().Add(-100*time.Minute), true)
	e2ePortalOpen(t, maya, base, path)
	e2eMain(t, maya, "the remote dose", "taken by the client, observed", "Visual check-in due")
	for _, at := range []time.Duration{-88 * time.Minute, -60 * time.Minute} {
		e2ePortalSet(t, maya, [2]string{"phase", "visual"}, [2]string{"taken_at", clock(at)})
		e2ePortalSubmit(t, maya, base, `form[action$="/vitals"] button[type=submit]`, 200, path+"?done=vitals")
	}
	e2eMain(t, maya, "a missed check-in", "one every 15 minutes was missed", "overdue")
	e2eRunSheetCheck(t, maya, axe, "therapist remote run sheet")

	// The prescriber discharges early with a reason; the monitor confirmed.
	e2ePortalOpen(t, jordan, base, path)
	for _, id := range []string{"dc-vitals_acceptable", "dc-alert_oriented", "dc-walks_safely", "dc-dissociation_resolved", "dc-escort", "dc-no_driving"} {
		e2eDo(t, jordan, "tick "+id, chromedp.Click(chromedp.ID(id)))
	}
	e2eMain(t, jordan, "the remote discharge", "The monitor confirmed they are with the client")
	e2ePortalText(t, jordan, [2]string{"dc-override", "Alert and steady at 100 minutes; the monitor is with them."})
	e2ePortalSubmit(t, jordan, base, `form[action$="/discharge"] button[type=submit]`, 200, path+"?done=discharge")
	e2eMain(t, jordan, "discharged early", "before the observation time")
	e2eRunSheetCheck(t, jordan, axe, "prescriber remote run sheet, discharged")
}
