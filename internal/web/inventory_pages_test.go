package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// signer is a member of staff with a second factor, signing pages.
type signer struct {
	e      *env
	cookie string
	secret string
}

// newSigner enrols user id's second factor and signs them in.
func (e *env) newSigner(id int64) *signer {
	e.t.Helper()
	ctx := context.Background()
	secret, _, _, err := auth.NewTOTP("Journey", "signer@practice.test")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.SetPendingTOTP(ctx, id, secret); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.ConfirmTOTP(ctx, id, 0, nil); err != nil {
		e.t.Fatal(err)
	}
	return &signer{e: e, cookie: e.session(&journey.User{ID: id}, true), secret: secret}
}

// code moves the clock on a step (a code signs once) and returns the
// signer's current code.
func (s *signer) code() string {
	sqldbtest.SetTime(s.e.now, s.e.now.Add(30*time.Second))
	c, err := totp.GenerateCode(s.secret, *s.e.now)
	if err != nil {
		s.e.t.Fatal(err)
	}
	return c
}

// post sends a signed form, with the signer's code unless code is set.
func (s *signer) post(path string, form url.Values) (int, string) {
	s.e.t.Helper()
	form = maps.Clone(form)
	if form.Get("code") == "" {
		form.Set("code", s.code())
	}
	st, h, body := s.e.as(s.cookie, "POST", path, form)
	if st == 303 {
		return st, h.Get("Location")
	}
	return st, body
}

// pdfText returns the text a PDF shows (testenv.PDFText).
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	return testenv.PDFText(doc)
}

// The log's pages end to end: a receipt refused (a wrong code, bad fields,
// what was typed kept and escaped) then signed; waste refused without a
// witness then witnessed; a count with a difference an admin resolves as
// a theft; the log on screen, as CSV and PDF, the monthly packet and the
// biennial inventory, each read back.
func TestInventoryPages(t *testing.T) {
	e := newCareEnv(t)
	mp := e.newSigner(e.mp)
	adminUser, _ := e.staffCookie(journey.RoleAdmin)
	admin := e.newSigner(adminUser.ID)
	if st, _, _ := e.as(e.nora, "GET", "/staff/inventory", nil); st != 403 {
		t.Errorf("a therapist opens the inventory: %d", st)
	}
	receipt := url.Values{"location_id": {"1"}, "product": {"Ketamine <b>HCl</b> injection"}, "strength": {"50 mg/mL"}, "ndc": {"0409-2051-05"},
		"unit": {"mL"}, "mg_per_unit": {"50"}, "lot": {"KX-1"}, "expiry": {"2031-06-30"}, "containers": {"2"}, "amount_per_container": {"10"},
		"supplier": {"Cardinal Health"}, "invoice": {"INV-5"}, "code": {"123456"}}
	st, body := mp.post("/staff/inventory/receipts", receipt)
	if st != 422 || !strings.Contains(body, "Sign with the current 6-digit code") || !strings.Contains(body, "Ketamine &lt;b&gt;HCl&lt;/b&gt; injection") {
		t.Fatalf("a wrong code: %d %s", st, trim(body))
	}
	bad := url.Values{}
	for k, v := range receipt {
		bad[k] = v
	}
	bad.Set("mg_per_unit", "lots")
	bad.Set("expiry", "2029-01-01")
	bad.Set("containers", "900")
	bad.Del("code")
	st, body = mp.post("/staff/inventory/receipts", bad)
	for _, want := range []string{"Enter the mg in one unit", "expired on 2029-01-01", "from 1 to 500", `value="lots"`} {
		if st != 422 || !strings.Contains(body, want) {
			t.Errorf("bad fields: %d, no %q", st, want)
		}
	}
	receipt.Del("code")
	if st, loc := mp.post("/staff/inventory/receipts", receipt); st != 303 || loc != "/staff/inventory?done=receipt" {
		t.Fatalf("receipt: %d %s", st, loc)
	}
	_, _, body = e.as(mp.cookie, "GET", "/staff/inventory", nil)
	for _, want := range []string{"lot KX-1", "(1000 mg)"} {
		if !strings.Contains(body, want) {
			t.Fatalf("stock lacks %q: %s", want, body[strings.Index(body, "<h1>"):])
		}
	}
	c1 := regexp.MustCompile(`/staff/inventory/containers/(\d+)">#1<`).FindStringSubmatch(body)[1]
	c2 := regexp.MustCompile(`/staff/inventory/containers/(\d+)">#2<`).FindStringSubmatch(body)[1]
	st, body = mp.post("/staff/inventory/containers/"+c1, url.Values{"action": {"waste"}, "amount": {"1.5"}, "reason": {"Vial cracked"}})
	if st != 422 || !strings.Contains(body, "Name a second member of staff") || !strings.Contains(body, `value="1.5"`) {
		t.Fatalf("waste without a witness: %d %s", st, trim(body))
	}
	if st, loc := mp.post("/staff/inventory/containers/"+c1, url.Values{"action": {"waste"}, "amount": {"1.5"}, "reason": {"Vial cracked"},
		"witness_id": {strconv.FormatInt(e.chap, 10)}}); st != 303 {
		t.Fatalf("witnessed waste: %d %s", st, loc)
	}
	st, body = mp.post("/staff/inventory/counts", url.Values{"location_id": {"1"}, "count_" + c1: {"8.5"}, "count_" + c2: {"nine"}})
	if st != 422 || !strings.Contains(body, "Enter what the container holds") || !strings.Contains(body, `value="nine"`) {
		t.Fatalf("a count typed wrong: %d %s", st, trim(body))
	}
	if st, loc := mp.post("/staff/inventory/counts", url.Values{"location_id": {"1"}, "count_" + c1: {"8.5"}, "count_" + c2: {"9"}, "biennial": {"true"}}); st != 303 {
		t.Fatalf("count: %d %s", st, loc)
	}
	_, _, body = e.as(mp.cookie, "GET", "/staff/inventory", nil)
	d := regexp.MustCompile(`/staff/inventory/discrepancies/(\d+)"`).FindStringSubmatch(body)
	if !strings.Contains(body, "Open discrepancies") || !strings.Contains(body, "An admin resolves it") || d != nil {
		t.Fatalf("a provider's view of the discrepancy: %s", trim(body))
	}
	_, _, body = e.as(admin.cookie, "GET", "/staff/inventory", nil)
	d = regexp.MustCompile(`/staff/inventory/discrepancies/(\d+)"`).FindStringSubmatch(body)
	if d == nil {
		t.Fatalf("the admin's view: %s", trim(body))
	}
	if st, body := admin.post("/staff/inventory/discrepancies/"+d[1], url.Values{"cause": {"theft"}}); st != 422 || !strings.Contains(body, "This field is required") {
		t.Fatalf("resolution without a note: %d", st)
	}
	if st, loc := admin.post("/staff/inventory/discrepancies/"+d[1], url.Values{"cause": {"theft"}, "note": {"One vial gone from the safe."}}); st != 303 {
		t.Fatalf("resolve: %d %s", st, loc)
	}
	st, _, body = e.as(mp.cookie, "GET", "/staff/inventory/log?from=2030-01-01&to=2030-01-31", nil)
	if st != 200 {
		t.Errorf("log page: %d", st)
	}
	if st, _, body := e.as(mp.cookie, "GET", "/staff/inventory/log?from=2030-01-31&to=soon", nil); st != 422 || !strings.Contains(body, "Enter the last day as YYYY-MM-DD.") ||
		!strings.Contains(body, `value="soon"`) {
		t.Errorf("log page with a bad range: %d", st)
	}
	for _, want := range []string{"Receipt", "Wasted", "Count", "Adjustment", "Counted 9 mL", "Mia Provider (second factor)", "Cal Chaperone", "-75"} {
		if !strings.Contains(body, want) {
			t.Errorf("log page lacks %q", want)
		}
	}
	_, _, body = e.as(mp.cookie, "GET", "/staff/inventory/log?from=2030-01-01&to=2030-01-31&format=csv", nil)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 1+2+1+2+1 || rows[0][0] != "When" || rows[3][1] != "Wasted" || rows[3][4] != "-1.5 mL" {
		t.Fatalf("csv = %q, %v", rows, err)
	}
	_, h, body := e.as(mp.cookie, "GET", "/staff/inventory/log?from=2030-01-01&to=2030-01-31&format=pdf", nil)
	text := pdfText(t, []byte(body))
	if h.Get("Content-Type") != "application/pdf" || !strings.Contains(text, "Controlled-substance log") || !strings.Contains(text, "Vial cracked") ||
		!strings.Contains(text, "One vial gone from the safe.") {
		t.Fatalf("pdf: %s", text)
	}
	_, _, body = e.as(mp.cookie, "GET", "/staff/inventory/packet?month=2030-01", nil)
	text = pdfText(t, []byte(body))
	for _, want := range []string{"Monthly compliance packet, January 2030", "Summary by lot", "Theft", "Notify authorities by", "2030-01-03 23:59", "Stock on hand now"} {
		if !strings.Contains(text, want) {
			t.Errorf("packet lacks %q: %s", want, text)
		}
	}
	_, _, body = e.as(mp.cookie, "GET", "/staff/inventory/biennial", nil)
	if text = pdfText(t, []byte(body)); !strings.Contains(text, "Biennial inventory") || !strings.Contains(text, "Mia Provider (second factor)") {
		t.Errorf("biennial: %s", text)
	}
}

// The dose page: what still blocks a dose is listed and a dose then is
// refused with it; once the run sheet is ready the medical provider signs
// a dose drawn from an open container, a wrong value kept and shown; a
// chaperone cannot open the page.
func TestDosePage(t *testing.T) {
	e := newCareEnv(t)
	ctx := context.Background()
	care := &sqldbtest.Care{Therapist: e.ny, Provider: e.mp, Chaperone: e.chap, Location: &journey.Location{ID: 1}}
	lot := sqldbtest.Stock(t, e.db, care, journey.UnitCount, 1, 10, "2031-01-31")
	if _, err := e.db.OpenContainer(ctx, lot.Containers[0].ID, journey.Signature{By: e.mp, Kind: journey.SignAPIToken}); err != nil {
		t.Fatal(err)
	}
	client := care.ReadyClient(t, e.db, "Rae Ready", "rae@client.test", *e.now)
	s, err := e.db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: client.ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson,
		Route: journey.RouteLozenge, Start: time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC), TherapistID: e.ny.ID, MedicalProviderID: e.mp,
		ChaperoneID: e.chap, RoomID: e.room}, e.ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(e.now, time.Date(2030, 1, 7, 14, 10, 0, 0, time.UTC))
	for _, action := range []string{journey.ActionCheckIn, journey.ActionStart} {
		if _, err := e.db.ChangeCareSessionStatus(ctx, s.ID, action, e.ny.ID); err != nil {
			t.Fatal(err)
		}
	}
	mp := e.newSigner(e.mp)
	path := fmt.Sprintf("/staff/sessions/%d/doses", s.ID)
	st, _, body := e.as(mp.cookie, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "Not yet") || !strings.Contains(body, "lot KX2031-01-31 (exp 2031-01-31), #1: 10 count left") {
		t.Fatalf("dose page before the run sheet: %d %s", st, trim(body))
	}
	dose := url.Values{"dose_mg": {"200"}, "route": {"lozenge"}, "source": {"container"}, "container_id": {strconv.FormatInt(lot.Containers[0].ID, 10)},
		"administered_at": {"09:08"}}
	if st, body := mp.post(path, dose); st != 409 || !strings.Contains(body, "This session cannot be dosed now.") {
		t.Fatalf("a dose before the run sheet is ready: %d %s", st, trim(body))
	}
	care.ReadyRunSheet(t, e.db, s.ID, journey.RouteLozenge, e.now.Add(-time.Minute))
	bad := url.Values{"dose_mg": {"two hundred"}, "route": {"lozenge"}, "source": {"container"}, "administered_at": {"9 am"}}
	if st, body := mp.post(path, bad); st != 422 || !strings.Contains(body, "Enter the dose in mg") || !strings.Contains(body, `value="two hundred"`) ||
		!strings.Contains(body, "as HH:MM") {
		t.Fatalf("a dose typed wrong: %d %s", st, trim(body))
	}
	if st, loc := mp.post(path, dose); st != 303 || loc != path+"?done=1" {
		t.Fatalf("dose: %d %s", st, loc)
	}
	_, _, body = e.as(mp.cookie, "GET", path+"?done=1", nil)
	if !strings.Contains(body, "Dose recorded and signed.") || !strings.Contains(body, "<td>200 mg</td>") || !strings.Contains(body, "#1: 8 count left") {
		t.Fatalf("after the dose: %s", trim(body))
	}
	chap := e.session(&journey.User{ID: e.chap}, true)
	if st, _, _ := e.as(chap, "GET", path, nil); st != 403 && st != 404 {
		t.Errorf("a chaperone opens the dose page: %d", st)
	}
}
