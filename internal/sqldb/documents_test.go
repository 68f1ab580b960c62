package sqldb_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// docFixture is a client with charges of every kind at the practice and
// the medical entity, and another client's psychotherapy charge.
type docFixture struct {
	client, other              *journey.Client
	practice, medical          int64
	prep, integ, lateFee, dose *journey.Charge
	prescriber, othersTherapy  *journey.Charge
}

func newDocFixture(t *testing.T, db *sqldb.DB) *docFixture {
	t.Helper()
	ny, _ := sqldbtest.MustSeed(t, db)
	f := &docFixture{}
	f.client, _ = sqldbtest.Client(t, db, ny.ID, "Dana Docs", "dana@client.test", nil)
	f.other, _ = sqldbtest.Client(t, db, ny.ID, "Olly Other", "olly@client.test", nil)
	f.practice = sqldbtest.RawEntity(t, db, journey.EntityPractice, "Test Practice PLLC")
	f.medical = sqldbtest.RawEntity(t, db, journey.EntityMedical, "Test Medical PC")
	ch := func(client int64, typ string, entity int64, date, code string, cents int64) *journey.Charge {
		c := &journey.Charge{ClientID: client, ChargeType: typ, EntityID: entity, Date: date, Code: code, POS: journey.POSOffice,
			Description: typ, AmountCents: cents}
		if code == "" {
			c.Event = journey.EventLateCancel
		}
		sqldbtest.RawCharge(t, db, c)
		return c
	}
	f.prep = ch(f.client.ID, journey.ChargePsychotherapy, f.practice, "2026-03-02", "90837", 20000)
	f.integ = ch(f.client.ID, journey.ChargePsychotherapy, f.practice, "2026-03-09", "90834", 15000)
	f.lateFee = ch(f.client.ID, journey.ChargePsychotherapy, f.practice, "2026-03-16", "", 7500)
	f.dose = ch(f.client.ID, journey.ChargeMedicineSession, f.practice, "2026-03-05", "0820T", 60000)
	f.prescriber = ch(f.client.ID, journey.ChargePrescriber, f.medical, "2026-03-01", "99214", 25000)
	f.othersTherapy = ch(f.other.ID, journey.ChargePsychotherapy, f.practice, "2026-03-02", "90837", 20000)
	return f
}

func (f *docFixture) superbill(ids ...int64) *journey.Document {
	return &journey.Document{ClientID: f.client.ID, EntityID: f.practice, ChargeType: journey.ChargePsychotherapy, Kind: journey.DocSuperbill,
		From: "2026-03-01", To: "2026-03-31", ChargeIDs: ids, TotalCents: 35000, PDF: []byte("%PDF-1.3 superbill\x00\xff bytes"), CreatedBy: 0}
}

// TestCreateDocument: a superbill of two psychotherapy services is kept
// with its charges and its PDF, sealed at rest, and read back whole; the
// list filters by kind and carries the charges without the PDF.
func TestCreateDocument(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	f := newDocFixture(t, db)
	d := f.superbill(f.integ.ID, f.prep.ID, f.prep.ID)
	if err := db.CreateDocument(ctx, d); err != nil {
		t.Fatalf("create: %v", err)
	}
	if d.ID == 0 || d.CreatedAt.IsZero() || len(d.ChargeIDs) != 2 {
		t.Fatalf("created = %+v", d)
	}
	got, err := db.FindDocument(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.PDF, d.PDF) || got.Kind != journey.DocSuperbill || got.TotalCents != 35000 || got.From != "2026-03-01" ||
		got.To != "2026-03-31" || got.ClientID != f.client.ID || got.EntityID != f.practice {
		t.Errorf("read back %+v", got)
	}
	if want := []int64{f.prep.ID, f.integ.ID}; !equalIDs(got.ChargeIDs, want) {
		t.Errorf("charges %v, want %v", got.ChargeIDs, want)
	}
	var raw string
	if err := db.ReadQueryRow(ctx, `SELECT pdf FROM documents WHERE id = ?`, d.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(raw, "%PDF") || strings.Contains(raw, "superbill") {
		t.Error("the PDF is stored in the clear")
	}

	st := &journey.Document{ClientID: f.client.ID, EntityID: f.medical, ChargeType: journey.ChargePrescriber, Kind: journey.DocStatement,
		From: "2026-03-01", To: "2026-03-31", ChargeIDs: []int64{f.prescriber.ID}, TotalCents: 25000, PDF: []byte("%PDF statement"), CreatedBy: f.client.UserID}
	if err := db.CreateDocument(ctx, st); err != nil {
		t.Fatalf("statement: %v", err)
	}
	all, err := db.FindDocuments(ctx, f.client.ID, "", 50)
	if err != nil || len(all) != 2 {
		t.Fatalf("documents = %v, %v", all, err)
	}
	if all[0].ID != st.ID || all[0].PDF != nil || !equalIDs(all[0].ChargeIDs, []int64{f.prescriber.ID}) || !equalIDs(all[1].ChargeIDs, []int64{f.prep.ID, f.integ.ID}) {
		t.Errorf("list = %+v, %+v", all[0], all[1])
	}
	if all[0].CreatedBy != f.client.UserID {
		t.Errorf("statement made by %d, want %d", all[0].CreatedBy, f.client.UserID)
	}
	sb, err := db.FindDocuments(ctx, f.client.ID, journey.DocSuperbill, 50)
	if err != nil || len(sb) != 1 || sb[0].ID != d.ID {
		t.Errorf("superbills = %v, %v", sb, err)
	}
	if one, err := db.FindDocuments(ctx, f.client.ID, "", 1); err != nil || len(one) != 1 || one[0].ID != st.ID {
		t.Errorf("limit 1 = %v, %v", one, err)
	}
	if others, err := db.FindDocuments(ctx, f.other.ID, "", 50); err != nil || len(others) != 0 {
		t.Errorf("other client's documents = %v, %v", others, err)
	}
	if _, err := db.FindDocument(ctx, d.ID+100); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("missing document: %v", err)
	}
}

// TestCreateDocumentRefused: the database's refusal of a charge that does
// not belong on the document comes back as EINVALID naming the charge, and
// nothing of the document is kept.
func TestCreateDocumentRefused(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	f := newDocFixture(t, db)
	for _, c := range []struct {
		name string
		doc  *journey.Document
		bad  int64
		code string
	}{
		{"medicine session on a superbill", f.superbill(f.prep.ID, f.dose.ID), f.dose.ID, journey.EINVALID},
		{"missed-appointment fee on a superbill", f.superbill(f.prep.ID, f.lateFee.ID), f.lateFee.ID, journey.EINVALID},
		{"another client's charge", f.superbill(f.prep.ID, f.othersTherapy.ID), f.othersTherapy.ID, journey.EINVALID},
		{"another entity's charge", f.superbill(f.prep.ID, f.prescriber.ID), f.prescriber.ID, journey.EINVALID},
		{"medicine session on a psychotherapy statement", func() *journey.Document {
			d := f.superbill(f.prep.ID, f.dose.ID)
			d.Kind = journey.DocStatement
			return d
		}(), f.dose.ID, journey.EINVALID},
		{"a charge that does not exist", f.superbill(f.prep.ID, f.dose.ID+1000), 0, journey.ENOTFOUND},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := db.CreateDocument(ctx, c.doc)
			if journey.ErrorCode(err) != c.code {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
			if c.bad != 0 && !strings.Contains(journey.ErrorMessage(err), "Charge "+strconv.FormatInt(c.bad, 10)+" ") {
				t.Errorf("message %q does not name charge %d", journey.ErrorMessage(err), c.bad)
			}
		})
	}
	medicineSuperbill := f.superbill(f.dose.ID)
	medicineSuperbill.ChargeType = journey.ChargeMedicineSession
	if err := db.CreateDocument(ctx, medicineSuperbill); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("a medicine-session superbill: %v", err)
	}
	if ds, err := db.FindDocuments(ctx, f.client.ID, "", 50); err != nil || len(ds) != 0 {
		t.Errorf("refused documents were kept: %v, %v", ds, err)
	}
}

// TestDatabaseRefusesDosingOnSuperbill: whatever code writes, the
// database itself refuses a medicine-session charge (or an uncoded one)
// on a superbill, and a superbill of another charge type; and a document
// and its charges are never changed.
func TestDatabaseRefusesDosingOnSuperbill(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	f := newDocFixture(t, db)
	var doc int64
	if err := db.Write.QueryRowContext(ctx, db.Rebind(`INSERT INTO documents (client_id, entity_id, charge_type, kind, total_cents, pdf, created_at)
		VALUES (?, ?, 'psychotherapy', 'superbill', 0, '', 0) RETURNING id`), f.client.ID, f.practice).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	link := func(charge int64) error {
		_, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO document_charges (document_id, charge_id) VALUES (?, ?)`), doc, charge)
		return err
	}
	if err := link(f.prep.ID); err != nil {
		t.Fatalf("psychotherapy service: %v", err)
	}
	for name, id := range map[string]int64{"medicine session": f.dose.ID, "late fee": f.lateFee.ID, "prescriber": f.prescriber.ID,
		"other client": f.othersTherapy.ID} {
		if err := link(id); err == nil {
			t.Errorf("the database put the %s charge on a superbill", name)
		}
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO documents (client_id, entity_id, charge_type, kind, total_cents, pdf, created_at)
		VALUES (?, ?, 'medicine-session', 'superbill', 0, '', 0)`), f.client.ID, f.practice); err == nil {
		t.Error("the database kept a medicine-session superbill")
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`UPDATE documents SET charge_type = 'medicine-session' WHERE id = ?`), doc); err == nil {
		t.Error("a document was changed")
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`UPDATE document_charges SET charge_id = ? WHERE document_id = ?`), f.dose.ID, doc); err == nil {
		t.Error("a document's charge was swapped for a medicine-session charge")
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`DELETE FROM document_charges WHERE document_id = ?`), doc); err == nil {
		t.Error("a document's charges were removed")
	}
}

// TestDatabaseRefusesVoidOnSuperbill: a voided psychotherapy service is
// not billable, so the database keeps it off a superbill even when the code
// (journey.Superbillable) is bypassed; a statement may still show it.
func TestDatabaseRefusesVoidOnSuperbill(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	f := newDocFixture(t, db)
	if _, err := db.VoidCharge(ctx, f.integ.ID, "Entered twice.", 0); err != nil {
		t.Fatal(err)
	}
	doc := func(kind string) int64 {
		var id int64
		if err := db.Write.QueryRowContext(ctx, db.Rebind(`INSERT INTO documents (client_id, entity_id, charge_type, kind, total_cents, pdf, created_at)
			VALUES (?, ?, 'psychotherapy', ?, 0, '', 0) RETURNING id`), f.client.ID, f.practice, kind).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	link := func(doc, charge int64) error {
		_, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO document_charges (document_id, charge_id) VALUES (?, ?)`), doc, charge)
		return err
	}
	sb := doc(journey.DocSuperbill)
	if err := link(sb, f.prep.ID); err != nil {
		t.Fatalf("open psychotherapy service: %v", err)
	}
	if err := link(sb, f.integ.ID); err == nil {
		t.Error("the database put a voided charge on a superbill")
	}
	if err := link(doc(journey.DocStatement), f.integ.ID); err != nil {
		t.Errorf("a statement refused a voided charge: %v", err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
