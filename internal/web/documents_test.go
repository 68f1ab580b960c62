package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// docEnv is careEnv's client with a month of charges: two psychotherapy
// services, a dosing session and a late-cancellation fee at the
// practice, a prescriber visit at the medical entity; and another client
// with a portal account.
type docEnv struct {
	*careEnv
	practice, medical       int64
	prep, dose, integ, late int64
	prescriber              int64
	other                   string // the other client's cookie
}

func newDocEnv(t *testing.T) *docEnv {
	t.Helper()
	ctx := context.Background()
	e := &docEnv{careEnv: newCareEnv(t)}
	ents := []*journey.BillingEntity{
		{Kind: journey.EntityPractice, LegalName: "Cedar Psychotherapy PLLC", Address1: "12 Alder St", City: "Portland", State: "OR", Postal: "97205", TaxID: "12-3456789"},
		{Kind: journey.EntityMedical, LegalName: "Cedar Medical PC", Address1: "12 Alder St", City: "Portland", State: "OR", Postal: "97205", TaxID: "98-7654321"},
	}
	for _, en := range ents {
		if err := e.db.CreateBillingEntity(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	e.practice, e.medical = ents[0].ID, ents[1].ID
	ch := func(typ string, entity int64, date, code string, cents int64) int64 {
		c := &journey.Charge{ClientID: e.c.ID, ChargeType: typ, EntityID: entity, ClinicianID: e.ny.ID, Event: journey.EventCompleted, Date: date,
			Code: code, Units: 1, POS: journey.POSOffice, Description: journey.ChargeTypeName(typ) + " session", AmountCents: cents, Diagnoses: []string{"F33.1"}}
		if code == "" {
			c.Event, c.Diagnoses, c.Description = journey.EventLateCancel, nil, "Late cancellation fee"
		}
		out, err := e.db.CreateCharges(ctx, []*journey.Charge{c}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return out[0].ID
	}
	e.prep = ch(journey.ChargePsychotherapy, e.practice, "2026-03-02", "90837", 20000)
	e.dose = ch(journey.ChargeMedicineSession, e.practice, "2026-03-05", "0820T", 60000)
	e.integ = ch(journey.ChargePsychotherapy, e.practice, "2026-03-09", "90834", 15000)
	e.late = ch(journey.ChargePsychotherapy, e.practice, "2026-03-16", "", 7500)
	e.prescriber = ch(journey.ChargePrescriber, e.medical, "2026-03-01", "99214", 25000)
	_, u := sqldbtest.Client(t, e.db, e.ny.ID, "Olly Other", "olly@client.test", nil)
	e.other = e.session(u, true)
	return e
}

// TestPortalBilling: the client's billing page through the real router
// and store: balances per entity and charge type, a superbill action on
// each psychotherapy service and none on the dosing session, a superbill
// for one session or a range (only psychotherapy on it, what is missing
// named), a refusal beside the form with what was typed kept escaped, a
// statement, and their documents to download: another client's is not
// found.
func TestPortalBilling(t *testing.T) {
	e := newDocEnv(t)
	st, _, b := e.as(e.client, "GET", "/portal/billing", nil)
	if st != 200 {
		t.Fatalf("billing page: %d %s", st, trim(b))
	}
	for _, want := range []string{"Cedar Psychotherapy PLLC", "Medicine session", "$425.00", "$600.00", "Cedar Medical PC", "$250.00",
		fmt.Sprintf(`name="charge_ids" value="%d"`, e.prep), fmt.Sprintf(`name="charge_ids" value="%d"`, e.integ),
		"Private pay: a dosing session never goes on a superbill.", "A missed-appointment fee is not a service.",
		"Prescriber care is billed separately, not on a superbill.", `href="/portal/billing"`} {
		if !strings.Contains(b, want) {
			t.Errorf("billing page lacks %q", want)
		}
	}
	for _, never := range []int64{e.dose, e.late, e.prescriber} {
		if strings.Contains(b, fmt.Sprintf(`name="charge_ids" value="%d"`, never)) {
			t.Errorf("charge %d offers a superbill", never)
		}
	}
	// The dosing session's id sent anyway is refused, named, beside the form.
	st, _, b = e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"charge_ids": {fmt.Sprint(e.dose)}})
	if st != 422 || !strings.Contains(b, fmt.Sprintf("Charge %d is medicine session: only psychotherapy goes on a superbill.", e.dose)) ||
		!strings.Contains(b, `href="#charge_ids"`) || !strings.Contains(b, `id="charge_ids-error"`) {
		t.Fatalf("a dosing session's superbill: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"from": {"<b>March"}, "to": {"2026-03-31"}})
	if st != 422 || !strings.Contains(b, `value="&lt;b&gt;March"`) || !strings.Contains(b, `id="from-error"`) || strings.Contains(b, "<b>March") {
		t.Fatalf("a bad date: %d %s", st, trim(b))
	}
	// One session's superbill, then the month's.
	st, _, b = e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"charge_ids": {fmt.Sprint(e.prep)}})
	if st != 200 || !strings.Contains(b, "is ready") || !strings.Contains(b, "NPI missing for "+e.ny.Name) {
		t.Fatalf("a session's superbill: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"from": {"2026-03-01"}, "to": {"2026-03-31"}})
	if st != 200 || !strings.Contains(b, "2026-03-02 to 2026-03-09") || !strings.Contains(b, "$350.00") {
		t.Fatalf("the month's superbill: %d %s", st, trim(b))
	}
	ds, err := e.db.FindDocuments(context.Background(), e.c.ID, journey.DocSuperbill, 10)
	if err != nil || len(ds) != 2 || len(ds[0].ChargeIDs) != 2 || ds[0].ChargeIDs[0] != e.prep || ds[0].ChargeIDs[1] != e.integ {
		t.Fatalf("superbills kept: %+v, %v", ds, err)
	}
	doc := fmt.Sprintf("/portal/billing/documents/%d", ds[0].ID)
	st, h, b := e.as(e.client, "GET", doc, nil)
	if st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(b, "%PDF-") {
		t.Fatalf("download: %d %s", st, h.Get("Content-Type"))
	}
	if st, _, b := e.as(e.other, "GET", doc, nil); st != 404 || strings.HasPrefix(b, "%PDF") {
		t.Errorf("another client downloads it: %d", st)
	}
	// A statement of the practice's psychotherapy account.
	st, _, b = e.as(e.client, "POST", "/portal/billing/statements", url.Values{"account": {fmt.Sprintf("%d:psychotherapy", e.practice)},
		"from": {"2000-01-01"}, "to": {"2999-12-31"}})
	if st != 200 || !strings.Contains(b, "Statement") || !strings.Contains(b, "$425.00") {
		t.Fatalf("statement: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.client, "POST", "/portal/billing/statements", url.Values{"account": {fmt.Sprintf("%d:prescriber", e.practice)},
		"from": {"2026-03-01"}, "to": {"x<y"}})
	if st != 422 || !strings.Contains(b, `id="account-error"`) || !strings.Contains(b, `id="statement_to-error"`) || !strings.Contains(b, `value="x&lt;y"`) {
		t.Fatalf("a bad statement: %d %s", st, trim(b))
	}
	_, _, b = e.as(e.client, "GET", "/portal/billing", nil)
	if strings.Count(b, `href="/portal/billing/documents/`) != 3 {
		t.Errorf("documents listed: %s", trim(b))
	}
	if _, _, b := e.as(e.other, "GET", "/portal/billing", nil); strings.Contains(b, "Cedar Psychotherapy PLLC") || !strings.Contains(b, "Nothing has been billed yet.") {
		t.Errorf("another client's billing page shows this client's: %s", trim(b))
	}
}

// TestDocumentsAPI: superbills, statements and documents through the
// API: a dosing session named is 422 naming it, a range covering it
// leaves it off, the PDF is the client's and billing staff's only.
func TestDocumentsAPI(t *testing.T) {
	e := newDocEnv(t)
	sb := fmt.Sprintf("/api/v1/clients/%d/superbills", e.c.ID)
	e.apiCases([]cookieScenario{
		{"the dosing session", e.desk, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d,%d]}`, e.prep, e.dose), 422,
			[]string{`"field":"charge_ids"`, fmt.Sprintf("Charge %d is medicine session", e.dose)}, []string{`"url"`}},
		{"the late fee", e.client, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d]}`, e.late), 422, []string{fmt.Sprintf("Charge %d is a missed-appointment fee", e.late)}, nil},
		{"both ways", e.desk, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d],"from":"2026-03-01","to":"2026-03-31"}`, e.prep), 422, []string{`"field":"charge_ids"`}, nil},
		{"a bad range", e.desk, "POST", sb, `{"from":"2026-03-31","to":"2026-03-01"}`, 422, []string{`"field":"to"`}, nil},
		{"a range covering the dosing session", e.desk, "POST", sb, `{"from":"2026-03-01","to":"2026-03-31"}`, 201,
			[]string{fmt.Sprintf(`"charge_ids":[%d,%d]`, e.prep, e.integ), `"kind":"superbill"`, `"url":"http://journey.test/api/v1/documents/`,
				`"missing":["NPI missing for ` + e.ny.Name}, nil},
		{"the client, one session", e.client, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d]}`, e.integ), 201, []string{fmt.Sprintf(`"charge_ids":[%d]`, e.integ)}, nil},
		{"another client", e.other, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d]}`, e.integ), 404, []string{"Client not found."}, nil},
		{"the therapist", e.nora, "POST", sb, fmt.Sprintf(`{"charge_ids":[%d]}`, e.integ), 404, nil, nil},
		{"no one", "", "POST", sb, `{}`, 401, nil, nil},
		{"a statement", e.desk, "POST", fmt.Sprintf("/api/v1/clients/%d/statements", e.c.ID),
			fmt.Sprintf(`{"entity_id":%d,"charge_type":"medicine-session","from":"2000-01-01","to":"2999-12-31"}`, e.practice), 201,
			[]string{`"kind":"statement"`, `"total_cents":60000`, fmt.Sprintf(`"charge_ids":[%d]`, e.dose)}, nil},
		{"a statement the entity does not bill", e.desk, "POST", fmt.Sprintf("/api/v1/clients/%d/statements", e.c.ID),
			fmt.Sprintf(`{"entity_id":%d,"charge_type":"prescriber","from":"2026-03-01","to":"2026-03-31"}`, e.practice), 422, []string{`"field":"charge_type"`}, nil},
		{"the list", e.client, "GET", fmt.Sprintf("/api/v1/clients/%d/documents?kind=superbill", e.c.ID), "", 200, []string{`"documents":[{`}, []string{`"kind":"statement"`}},
		{"a bad kind", e.desk, "GET", fmt.Sprintf("/api/v1/clients/%d/documents?kind=receipt", e.c.ID), "", 422, []string{`"field":"kind"`}, nil},
		{"another client's list", e.other, "GET", fmt.Sprintf("/api/v1/clients/%d/documents", e.c.ID), "", 404, nil, []string{`"documents"`}},
	})
	ds, err := e.db.FindDocuments(context.Background(), e.c.ID, "", 10)
	if err != nil || len(ds) != 3 {
		t.Fatalf("documents: %v, %v", ds, err)
	}
	path := fmt.Sprintf("/api/v1/documents/%d", ds[0].ID)
	for name, c := range map[string]struct {
		cookie string
		status int
	}{"the client": {e.client, 200}, "front desk": {e.desk, 200}, "another client": {e.other, 404}, "the therapist": {e.nora, 404}} {
		st, h, b := e.api(c.cookie, "GET", path, "")
		if st != c.status || (st == 200) != strings.HasPrefix(b, "%PDF-") || (st == 200 && h.Get("Content-Type") != "application/pdf") {
			t.Errorf("%s downloads: %d %s", name, st, h.Get("Content-Type"))
		}
	}
}

// TestStaffDocuments: billing staff issue a superbill of ticked sessions
// or a range and a statement on the client's documents page, see what
// the records lack, and download; a dosing session has no box, and its
// id sent anyway is refused beside the form; a therapist cannot open it.
func TestStaffDocuments(t *testing.T) {
	e := newDocEnv(t)
	page := fmt.Sprintf("/staff/clients/%d/documents", e.c.ID)
	if _, _, b := e.as(e.desk, "GET", fmt.Sprintf("/staff/clients/%d/billing", e.c.ID), nil); !strings.Contains(b, `href="`+page+`"`) {
		t.Errorf("the billing page does not lead to the documents: %s", trim(b))
	}
	st, _, b := e.as(e.desk, "GET", page, nil)
	if st != 200 || !strings.Contains(b, fmt.Sprintf(`name="charge_ids" value="%d"`, e.prep)) ||
		strings.Contains(b, fmt.Sprintf(`name="charge_ids" value="%d"`, e.dose)) ||
		!strings.Contains(b, fmt.Sprintf("Charge %d is medicine session: only psychotherapy goes on a superbill.", e.dose)) {
		t.Fatalf("documents page: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.desk, "POST", page+"/superbills", url.Values{"by": {"charges"}, "charge_ids": {fmt.Sprint(e.prep), fmt.Sprint(e.dose)}})
	if st != 422 || !strings.Contains(b, `href="#charge_ids"`) || !strings.Contains(b, fmt.Sprintf("Charge %d is medicine session", e.dose)) {
		t.Fatalf("a dosing session ticked anyway: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.desk, "POST", page+"/superbills", url.Values{"by": {"range"}, "from": {"2026-03-31"}, "to": {"<i>soon"}})
	if st != 422 || !strings.Contains(b, `id="to-error"`) || !strings.Contains(b, `value="&lt;i&gt;soon"`) {
		t.Fatalf("a bad range: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.desk, "POST", page+"/superbills", url.Values{"by": {"charges"}, "charge_ids": {fmt.Sprint(e.prep), fmt.Sprint(e.integ)}})
	if st != 200 || !strings.Contains(b, "Superbill 1 issued") || !strings.Contains(b, "NPI missing for "+e.ny.Name) {
		t.Fatalf("a superbill of two sessions: %d %s", st, trim(b))
	}
	st, _, b = e.as(e.desk, "POST", page+"/statements", url.Values{"account": {fmt.Sprintf("%d:prescriber", e.medical)},
		"statement_from": {"2000-01-01"}, "statement_to": {"2999-12-31"}})
	if st != 200 || !strings.Contains(b, "Statement 2 issued") || !strings.Contains(b, "$250.00") {
		t.Fatalf("a statement: %d %s", st, trim(b))
	}
	if st, h, b := e.as(e.desk, "GET", page+"/1", nil); st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(b, "%PDF-") {
		t.Errorf("download: %d", st)
	}
	for name, cookie := range map[string]string{"the therapist": e.nora, "the client": e.client} {
		if st, _, b := e.as(cookie, "GET", page, nil); st == 200 || strings.Contains(b, "Superbill 1") {
			t.Errorf("%s opens the staff documents page: %d", name, st)
		}
	}
}

// TestNoRouteLetsDosingReachSuperbill tries every way a dosing session's
// charge could reach a superbill, for the client and the front desk: the
// portal's form, the staff form, the API by id and by a range over it,
// processing, the store and the database itself. None succeeds, and no
// superbill in the database carries it.
func TestNoRouteLetsDosingReachSuperbill(t *testing.T) {
	e := newDocEnv(t)
	ctx := context.Background()
	dose := fmt.Sprint(e.dose)
	refused := func(what string, st int, body string) {
		t.Helper()
		if st != 422 || !strings.Contains(body, "Charge "+dose+" is medicine session") {
			t.Errorf("%s: %d %s", what, st, trim(body))
		}
	}
	st, _, b := e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"charge_ids": {dose}})
	refused("the portal's form", st, b)
	st, _, b = e.as(e.client, "POST", "/portal/billing/superbills", url.Values{"charge_ids": {fmt.Sprint(e.prep) + "," + dose}})
	refused("the portal's form, with a session", st, b)
	st, _, b = e.as(e.desk, "POST", fmt.Sprintf("/staff/clients/%d/documents/superbills", e.c.ID), url.Values{"by": {"charges"}, "charge_ids": {dose}})
	refused("the staff form", st, b)
	sb := fmt.Sprintf("/api/v1/clients/%d/superbills", e.c.ID)
	for _, cookie := range []string{e.client, e.desk} {
		st, _, b = e.api(cookie, "POST", sb, `{"charge_ids":[`+dose+`]}`)
		refused("the API by id", st, b)
	}
	if st, _, b := e.api(e.desk, "POST", sb, `{"from":"2026-03-05","to":"2026-03-05"}`); st != 422 || !strings.Contains(b, `"field":"from"`) {
		t.Errorf("the API, a range of the dosing day alone: %d %s", st, b)
	}
	if st, _, b := e.api(e.client, "POST", sb, `{"from":"2026-01-01","to":"2026-12-31"}`); st != 201 || strings.Contains(b, dose+",") ||
		strings.Contains(b, ","+dose+"]") || !strings.Contains(b, fmt.Sprintf(`"charge_ids":[%d,%d]`, e.prep, e.integ)) {
		t.Errorf("the API, a range over the dosing session: %d %s", st, b)
	}
	front := &journey.Actor{User: &journey.User{ID: 1, Roles: []string{journey.RoleAdmin}, Kind: journey.UserStaff, Active: true}, Verified: true}
	if _, err := e.srv.proc.IssueSuperbills(ctx, front, e.c.ID, processingRequest(e.dose), ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("processing: %v", err)
	}
	if err := e.db.CreateDocument(ctx, &journey.Document{ClientID: e.c.ID, EntityID: e.practice, ChargeType: journey.ChargePsychotherapy,
		Kind: journey.DocSuperbill, ChargeIDs: []int64{e.dose}, PDF: []byte("%PDF")}); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("the store: %v", err)
	}
	ds, err := e.db.FindDocuments(ctx, e.c.ID, journey.DocSuperbill, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("superbills: %v, %v", ds, err)
	}
	if _, err := e.db.Write.ExecContext(ctx, e.db.Rebind(`INSERT INTO document_charges (document_id, charge_id) VALUES (?, ?)`), ds[0].ID, e.dose); err == nil {
		t.Error("the database put the dosing session on a superbill")
	}
	var n int
	if err := e.db.Write.QueryRowContext(ctx, e.db.Rebind(`SELECT COUNT(*) FROM document_charges dc JOIN documents d ON d.id = dc.document_id
		WHERE d.kind = 'superbill' AND dc.charge_id = ?`), e.dose).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d superbills carry the dosing session (%v)", n, err)
	}
}

func processingRequest(ids ...int64) processing.SuperbillRequest {
	return processing.SuperbillRequest{ChargeIDs: ids}
}
