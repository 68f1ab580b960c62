package processing_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// billed is a client with a month of charges of every type at the
// practice and the medical entity, a payment, and another client.
type billed struct {
	db                         *sqldb.DB
	client, other              *journey.Client
	clientUser, otherUser      int64
	therapist                  *journey.Therapist
	practice, medical          *journey.BillingEntity
	prep, dose, integ, lateFee *journey.Charge
	prescriber, othersTherapy  *journey.Charge
	frontDesk                  *journey.Actor
}

func newBilled(t *testing.T, db *sqldb.DB) *billed {
	t.Helper()
	ctx := context.Background()
	ny, _ := sqldbtest.MustSeed(t, db)
	b := &billed{db: db, therapist: ny}
	now := time.Now()
	var u *journey.User
	b.client, u = sqldbtest.Client(t, db, ny.ID, "Dana Billing", "dana@client.test", sqldbtest.Intake("Dana Billing", now))
	b.clientUser = u.ID
	b.other, u = sqldbtest.Client(t, db, ny.ID, "Olly Other", "olly@client.test", nil)
	b.otherUser = u.ID
	b.practice = &journey.BillingEntity{Kind: journey.EntityPractice, LegalName: "Cedar Psychotherapy PLLC", Address1: "12 Alder St",
		City: "Portland", State: "OR", Postal: "97205", TaxID: "12-3456789"}
	b.medical = &journey.BillingEntity{Kind: journey.EntityMedical, LegalName: "Cedar Medical PC", Address1: "12 Alder St",
		City: "Portland", State: "OR", Postal: "97205", TaxID: "98-7654321"}
	for _, e := range []*journey.BillingEntity{b.practice, b.medical} {
		if err := db.CreateBillingEntity(ctx, e); err != nil {
			t.Fatalf("entity: %v %v", err, journey.ErrorFields(err))
		}
	}
	if err := db.SetBillingClinicians(ctx, []*journey.BillingClinician{{UserID: ny.ID, EntityID: b.practice.ID}}); err != nil {
		t.Fatalf("clinicians: %v %v", err, journey.ErrorFields(err))
	}
	if err := db.SetCoverage(ctx, &journey.Coverage{ClientID: b.client.ID, EntityID: b.practice.ID, Payer: journey.PayerInsurance,
		Insurer: "Example Health", MemberID: "XYZ123456"}, ny.ID); err != nil {
		t.Fatalf("coverage: %v", err)
	}
	ch := func(client int64, typ string, entity int64, date, code string, cents int64) *journey.Charge {
		c := &journey.Charge{ClientID: client, ChargeType: typ, EntityID: entity, ClinicianID: ny.ID, Event: journey.EventCompleted, Date: date,
			Code: code, Units: 1, POS: journey.POSOffice, Description: journey.ChargeTypeName(typ) + " " + date, AmountCents: cents,
			Diagnoses: []string{"F33.1"}}
		if code == "" {
			c.Event, c.Diagnoses = journey.EventLateCancel, nil
		}
		out, err := db.CreateCharges(ctx, []*journey.Charge{c}, 0)
		if err != nil {
			t.Fatalf("charge: %v", err)
		}
		return out[0]
	}
	b.prep = ch(b.client.ID, journey.ChargePsychotherapy, b.practice.ID, "2026-03-02", "90837", 20000)
	b.dose = ch(b.client.ID, journey.ChargeMedicineSession, b.practice.ID, "2026-03-05", "0820T", 60000)
	b.integ = ch(b.client.ID, journey.ChargePsychotherapy, b.practice.ID, "2026-03-09", "90834", 15000)
	b.lateFee = ch(b.client.ID, journey.ChargePsychotherapy, b.practice.ID, "2026-03-16", "", 7500)
	b.prescriber = ch(b.client.ID, journey.ChargePrescriber, b.medical.ID, "2026-03-01", "99214", 25000)
	b.othersTherapy = ch(b.other.ID, journey.ChargePsychotherapy, b.practice.ID, "2026-03-02", "90837", 20000)
	if _, _, err := db.CreatePayment(ctx, &journey.Payment{ClientID: b.client.ID, EntityID: b.practice.ID, ChargeType: journey.ChargePsychotherapy,
		AmountCents: 25000, Method: journey.PayCash, IdempotencyKey: "docs-test-1", By: ny.ID}); err != nil {
		t.Fatalf("payment: %v %v", err, journey.ErrorFields(err))
	}
	b.frontDesk = actor(sqldbtest.Staff(t, db, "Fran Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	return b
}

func (b *billed) clientActor() *journey.Actor { return actor(b.clientUser, journey.RoleClient) }

// TestIssueSuperbillRange: a range picks the client's coded psychotherapy
// services only (never the dosing session, the missed-appointment fee,
// the prescriber visit or another client's), one superbill kept with
// its PDF; what its records lack is named; the issue is audited.
func TestIssueSuperbillRange(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	b := newBilled(t, db)
	at := time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)
	for _, who := range []*journey.Actor{b.frontDesk, b.clientActor()} {
		docs, err := p.IssueSuperbills(ctx, who, b.client.ID, processing.SuperbillRequest{From: "2026-03-01", To: "2026-03-31", At: at}, " test")
		if err != nil {
			t.Fatalf("issue: %v %v", err, journey.ErrorFields(err))
		}
		if len(docs) != 1 {
			t.Fatalf("%d superbills, want 1", len(docs))
		}
		d := docs[0]
		if !slices.Equal(d.ChargeIDs, []int64{b.prep.ID, b.integ.ID}) || d.Kind != journey.DocSuperbill || d.EntityID != b.practice.ID ||
			d.TotalCents != 35000 || d.From != "2026-03-02" || d.To != "2026-03-09" || !bytes.HasPrefix(d.PDF, []byte("%PDF-")) {
			t.Errorf("superbill %+v (charges %v)", d.Document, d.ChargeIDs)
		}
		if !slices.Contains(d.Missing, "NPI missing for "+b.therapist.Name) {
			t.Errorf("missing = %q, want the therapist's NPI named", d.Missing)
		}
		for _, m := range d.Missing {
			if strings.Contains(m, "birth") || strings.Contains(m, "diagnosis") || strings.Contains(m, "Insurer") {
				t.Errorf("named missing what is there: %q", m)
			}
		}
	}
	if es := entries(t, db, "superbill.issue"); len(es) != 2 || es[0].Outcome != journey.AuditSuccess {
		t.Errorf("issues audited: %+v", es)
	}
	// A range of nothing but the dosing session picks nothing.
	_, err := p.IssueSuperbills(ctx, b.clientActor(), b.client.ID, processing.SuperbillRequest{From: "2026-03-05", To: "2026-03-05", At: at}, "")
	if journey.ErrorCode(err) != journey.EINVALID || !hasField(err, "from") {
		t.Errorf("a range holding only a dosing session: %v", err)
	}
}

// TestIssueSuperbillChargesRefused: charges named one by one that are not
// coded psychotherapy services of the client are refused, each named, and
// nothing is issued.
func TestIssueSuperbillChargesRefused(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	b := newBilled(t, db)
	for _, c := range []struct {
		name  string
		ids   []int64
		named []int64
	}{
		{"the dosing session", []int64{b.dose.ID}, []int64{b.dose.ID}},
		{"a session and the dosing session", []int64{b.prep.ID, b.dose.ID}, []int64{b.dose.ID}},
		{"the dosing session and the late fee", []int64{b.dose.ID, b.prep.ID, b.lateFee.ID}, []int64{b.dose.ID, b.lateFee.ID}},
		{"the prescriber visit", []int64{b.prescriber.ID}, []int64{b.prescriber.ID}},
		{"another client's session", []int64{b.othersTherapy.ID}, []int64{b.othersTherapy.ID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := p.IssueSuperbills(ctx, b.clientActor(), b.client.ID, processing.SuperbillRequest{ChargeIDs: c.ids, At: time.Now()}, "")
			if journey.ErrorCode(err) != journey.EINVALID || !hasField(err, "charge_ids") {
				t.Fatalf("err = %v", err)
			}
			detail := journey.ErrorFields(err)[0].Detail
			for _, id := range c.named {
				if !strings.Contains(detail, "Charge "+strconv.FormatInt(id, 10)+" ") {
					t.Errorf("%q does not name charge %d", detail, id)
				}
			}
			if slices.Contains(c.ids, b.dose.ID) && !strings.Contains(detail, "medicine session: only psychotherapy goes on a superbill") {
				t.Errorf("%q does not say why", detail)
			}
		})
	}
	for _, bad := range []processing.SuperbillRequest{
		{ChargeIDs: []int64{b.prep.ID}, From: "2026-03-01", To: "2026-03-31"},
		{From: "March", To: "2026-03-31"},
		{From: "2026-03-31", To: "2026-03-01"},
	} {
		if _, err := p.IssueSuperbills(ctx, b.frontDesk, b.client.ID, bad, ""); journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if ds, err := p.Documents(ctx, b.frontDesk, b.client.ID, "", ""); err != nil || len(ds) != 0 {
		t.Errorf("refused superbills were kept: %v, %v", ds, err)
	}
}

// TestDocumentRules: the front desk and the client read and issue the
// client's documents; another client, a therapist and a chaperone find
// no such client or document; every read is audited.
func TestDocumentRules(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	b := newBilled(t, db)
	docs, err := p.IssueSuperbills(ctx, b.frontDesk, b.client.ID, processing.SuperbillRequest{ChargeIDs: []int64{b.prep.ID}, At: time.Now()}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := docs[0].ID
	for _, c := range []struct {
		name  string
		a     *journey.Actor
		found bool
	}{
		{"front desk", b.frontDesk, true},
		{"the client", b.clientActor(), true},
		{"admin", actor(sqldbtest.Staff(t, db, "Ada Admin", journey.RoleAdmin), journey.RoleAdmin), true},
		{"another client", actor(b.otherUser, journey.RoleClient), false},
		{"their therapist", actor(b.therapist.ID, journey.RoleTherapist), false},
		{"a chaperone", actor(sqldbtest.Staff(t, db, "Cal Chaperone", journey.RoleChaperone), journey.RoleChaperone), false},
	} {
		d, err := p.Document(ctx, c.a, id, "")
		ds, lerr := p.Documents(ctx, c.a, b.client.ID, "", "")
		_, ierr := p.IssueSuperbills(ctx, c.a, b.client.ID, processing.SuperbillRequest{ChargeIDs: []int64{b.integ.ID}, At: time.Now()}, "")
		if c.found {
			if err != nil || !bytes.Equal(d.PDF, docs[0].PDF) || lerr != nil || len(ds) == 0 || ierr != nil {
				t.Errorf("%s: read %v, list %v, issue %v", c.name, err, lerr, ierr)
			}
			continue
		}
		for what, e := range map[string]error{"read": err, "list": lerr, "issue": ierr} {
			if journey.ErrorCode(e) != journey.ENOTFOUND {
				t.Errorf("%s: %s: %v, want not found", c.name, what, e)
			}
		}
	}
	reads := entries(t, db, "document.read")
	denied := 0
	for _, e := range reads {
		if e.Outcome == journey.AuditDenied {
			denied++
		}
	}
	if len(reads) != 6 || denied != 3 {
		t.Errorf("%d reads audited, %d refused; want 6, 3", len(reads), denied)
	}
	if _, err := p.Document(ctx, b.frontDesk, id+1000, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("no such document: %v", err)
	}
}

// TestIssueStatement: a statement of one account (entity and charge
// type) over a period is kept with the charges it shows; an entity that
// does not bill the charge type is refused beside the field.
func TestIssueStatement(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	b := newBilled(t, db)
	today := time.Now().UTC().Format(time.DateOnly)
	d, err := p.IssueStatement(ctx, b.clientActor(), b.client.ID, processing.StatementRequest{EntityID: b.practice.ID,
		ChargeType: journey.ChargePsychotherapy, From: "2000-01-01", To: "2999-12-31", PayURL: "https://journey.test/portal/billing", At: time.Now()}, "")
	if err != nil {
		t.Fatalf("statement: %v %v", err, journey.ErrorFields(err))
	}
	// 200 + 150 + 75 charged, 250 paid.
	if d.Kind != journey.DocStatement || d.TotalCents != 17500 || !slices.Equal(d.ChargeIDs, []int64{b.prep.ID, b.integ.ID, b.lateFee.ID}) {
		t.Errorf("statement %+v", d.Document)
	}
	med, err := p.IssueStatement(ctx, b.frontDesk, b.client.ID, processing.StatementRequest{EntityID: b.practice.ID,
		ChargeType: journey.ChargeMedicineSession, From: today, To: today, At: time.Now()}, "")
	if err != nil || med.TotalCents != 60000 || !slices.Equal(med.ChargeIDs, []int64{b.dose.ID}) {
		t.Errorf("medicine-session statement: %+v, %v", med, err)
	}
	_, err = p.IssueStatement(ctx, b.frontDesk, b.client.ID, processing.StatementRequest{EntityID: b.practice.ID,
		ChargeType: journey.ChargePrescriber, From: today, To: today, At: time.Now()}, "")
	if !hasField(err, "charge_type") {
		t.Errorf("prescriber care from the practice: %v", err)
	}
	_, err = p.IssueStatement(ctx, b.frontDesk, b.client.ID, processing.StatementRequest{EntityID: b.practice.ID + 100,
		ChargeType: journey.ChargePrescriber, From: "x", To: today, At: time.Now()}, "")
	if !hasField(err, "entity_id") || !hasField(err, "from") {
		t.Errorf("no such entity, no such date: %v", err)
	}
	if es := entries(t, db, "statement.issue"); len(es) != 4 {
		t.Errorf("%d statement issues audited, want 4", len(es))
	}
}
