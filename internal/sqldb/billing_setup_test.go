package sqldb_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// fieldsOf returns the names of err's field errors.
func fieldsOf(err error) []string {
	var out []string
	for _, f := range journey.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

// Entities are validated before they are stored, listed practice first,
// updated in place; an entity whose kind fee lines depend on keeps it.
func TestBillingEntities(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	bad := &journey.BillingEntity{Kind: "clinic", LegalName: " ", Address1: "1 Main", City: "X", State: "ZZ", Postal: "1234",
		TaxID: "07-1234567", NPI: "1234567890"}
	err := db.CreateBillingEntity(ctx, bad)
	if want := []string{"kind", "legal_name", "state", "postal", "tax_id", "npi"}; !slices.Equal(fieldsOf(err), want) {
		t.Fatalf("bad entity: fields %v, want %v (%v)", fieldsOf(err), want, err)
	}
	b := sqldbtest.SeedBilling(t, db)
	all, err := db.FindBillingEntities(ctx)
	if err != nil || len(all) != 2 || all[0].ID != b.Practice.ID || all[1].ID != b.Medical.ID {
		t.Fatalf("entities: %+v %v", all, err)
	}
	if *all[1] != *b.Medical {
		t.Fatalf("stored %+v, want %+v", all[1], b.Medical)
	}
	m := *b.Medical
	m.LegalName, m.NPI, m.State = "Harbor Medical Group PC", "1234567893", "nj"
	if err := db.UpdateBillingEntity(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindBillingEntity(ctx, m.ID); *got != m || got.State != "NJ" {
		t.Fatalf("updated %+v, want %+v", got, m)
	}
	m.Kind = journey.EntityPractice
	if err := db.UpdateBillingEntity(ctx, &m); !slices.Equal(fieldsOf(err), []string{"kind"}) {
		t.Fatalf("kind change with fee lines: %v", err)
	}
	m.ID = 9999
	m.Kind = journey.EntityMedical
	if err := db.UpdateBillingEntity(ctx, &m); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown entity: %v", err)
	}
	if _, err := db.FindBillingEntity(ctx, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("find unknown: %v", err)
	}
}

// Who bills under which entity is read with their staff profile, and
// what a bill needs of it that is missing is named.
func TestBillingClinicians(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	care := sqldbtest.SeedCare(t, db)
	b := sqldbtest.SeedBilling(t, db)
	p, _ := db.FindStaffProfile(ctx, care.Therapist.ID)
	p.NPI, p.LicenceNumber, p.LicenceState, p.TimeZone = "1234567893", "LCSW-1", "NY", "America/New_York"
	if err := db.UpdateStaffProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	err := db.SetBillingClinicians(ctx, []*journey.BillingClinician{
		{UserID: care.Therapist.ID, EntityID: b.Practice.ID}, {UserID: care.Chaperone, EntityID: b.Practice.ID},
		{UserID: care.Provider, EntityID: 9999}})
	if want := []string{"clinicians[1]", "clinicians[2]"}; !slices.Equal(fieldsOf(err), want) {
		t.Fatalf("bad clinicians: %v, want %v", err, want)
	}
	if err := db.SetBillingClinicians(ctx, []*journey.BillingClinician{
		{UserID: care.Therapist.ID, EntityID: b.Practice.ID}, {UserID: care.Provider, EntityID: b.Medical.ID},
		{UserID: care.Therapist.ID, EntityID: b.Practice.ID}}); err != nil {
		t.Fatal(err)
	}
	all, err := db.FindBillingClinicians(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("clinicians: %+v %v", all, err)
	}
	th := all[0]
	if th.UserID != care.Therapist.ID || th.Name != "Nora York" || th.NPI != "1234567893" || th.Credentials != "LCSW" || th.LicenceState != "NY" || len(th.Missing()) != 0 {
		t.Fatalf("therapist: %+v missing %v", th, th.Missing())
	}
	if pr := all[1]; pr.Name != "Mia Provider" || !slices.Equal(pr.Missing(), []string{"NPI", "credentials", "licence number", "licence state"}) {
		t.Fatalf("provider: %+v missing %v", pr, pr.Missing())
	}
	if _, err := db.FindBillingClinician(ctx, care.Provider, b.Practice.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("provider under the practice: %v", err)
	}
	if c, err := db.FindBillingClinician(ctx, care.Provider, b.Medical.ID); err != nil || c.Name != "Mia Provider" {
		t.Fatalf("provider under the medical entity: %+v %v", c, err)
	}
}

// The default fee schedule is stored and read back whole; a line that
// bills a charge type its entity may not is refused; a schedule saved
// without a line keeps it, inactive, for the charges that name it.
func TestFeeSchedule(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	if fs, err := db.FindFeeSchedule(ctx); err != nil || len(fs.Lines) != 0 || fs.TelehealthModifier != "95" {
		t.Fatalf("empty schedule: %+v %v", fs, err)
	}
	b := sqldbtest.SeedBilling(t, db)
	fs, err := db.FindFeeSchedule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := journey.DefaultFeeSchedule(b.Practice.ID, b.Medical.ID)
	if len(fs.Lines) != len(want.Lines) || len(fs.Prices) != len(want.Prices) || fs.TelehealthModifier != "95" {
		t.Fatalf("schedule: %d lines %d prices, want %d %d", len(fs.Lines), len(fs.Prices), len(want.Lines), len(want.Prices))
	}
	for i, l := range fs.Lines {
		w := want.Lines[i]
		w.ID = l.ID
		if l.ID == 0 || !sameLine(l, w) {
			t.Fatalf("line %d: %+v, want %+v", i, l, w)
		}
	}
	for _, p := range want.Prices {
		if got, ok := fs.Price(p.Code); !ok || got != p.Cents {
			t.Fatalf("price %s: %d %v", p.Code, got, ok)
		}
	}
	// Medication billed by the practice; a code on a no-show fee.
	bad := &journey.FeeLine{SessionType: journey.TypeMedicine, Event: journey.EventCompleted, ChargeType: journey.ChargeMedication,
		EntityID: b.Practice.ID, Rule: journey.RuleFixed, Code: "J3490", Units: 1, Description: "Ketamine"}
	if err := db.SaveFeeLine(ctx, bad); !slices.Equal(fieldsOf(err), []string{"entity_id"}) {
		t.Fatalf("medication under the practice: %v", err)
	}
	fs.Lines[1].Code = "90834"
	fs.Lines[1].Event = journey.EventNoShow
	fs.Prices[0].Cents = -1
	fs.TelehealthModifier = "9"
	err = db.SaveFeeSchedule(ctx, fs, 0)
	if want := []string{"lines[1].rule", "lines[1].code", "lines[1].fee_cents", "prices[0].cents", "telehealth_modifier"}; !slices.Equal(fieldsOf(err), want) {
		t.Fatalf("bad schedule: %v, want %v", fieldsOf(err), want)
	}
	fs, _ = db.FindFeeSchedule(ctx)
	dropped := fs.Lines[0]
	fs.Lines = fs.Lines[1:]
	fs.Lines[0].FeeCents = 320_00
	fs.Prices = append(fs.Prices, &journey.CodePrice{Code: "0821t", Cents: 150_00})
	fs.TelehealthModifier = "gt"
	if err := db.SaveFeeSchedule(ctx, fs, 0); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindFeeSchedule(ctx)
	if len(got.Lines) != len(want.Lines)-1 || got.Lines[0].FeeCents != 320_00 || got.TelehealthModifier != "GT" {
		t.Fatalf("saved again: %d lines, first %+v, modifier %q", len(got.Lines), got.Lines[0], got.TelehealthModifier)
	}
	if p, ok := got.Price("0821T"); !ok || p != 150_00 || got.Prices[len(got.Prices)-1].Description == "" {
		t.Fatalf("0821T: %d %v %+v", p, ok, got.Prices)
	}
	withOld, _ := db.FindFeeLines(ctx)
	if i := slices.IndexFunc(withOld.Lines, func(l *journey.FeeLine) bool { return l.ID == dropped.ID }); i < 0 || withOld.Lines[i].Active {
		t.Fatalf("the dropped line is kept inactive: %d", i)
	}
	if err := db.SetTelehealthModifier(ctx, "", 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindFeeSchedule(ctx); got.TelehealthModifier != "" {
		t.Fatalf("no modifier: %q", got.TelehealthModifier)
	}
	missing := &journey.FeeLine{ID: 9999, SessionType: journey.TypeIntegration, Event: journey.EventCompleted, ChargeType: journey.ChargePsychotherapy,
		EntityID: b.Practice.ID, Rule: journey.RulePsychotherapyTime, Description: "x"}
	if err := db.SaveFeeLine(ctx, missing); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown line: %v", err)
	}
}

func sameLine(a, b *journey.FeeLine) bool {
	return reflect.DeepEqual(a, b) || (len(a.Modifiers) == 0 && len(b.Modifiers) == 0 &&
		reflect.DeepEqual(withoutModifiers(a), withoutModifiers(b)))
}

func withoutModifiers(l *journey.FeeLine) journey.FeeLine {
	c := *l
	c.Modifiers = nil
	return c
}

// The charge-type rules as a table of cases, over the default fee
// schedule as stored and read back: each session type, mode, route,
// length, event and payer gives the codes, units, modifiers, place of
// service, entity, charge type and amount, and which documents may carry
// each charge (the payer changes none of it: a self-pay client may still
// claim psychotherapy with a superbill).
func TestChargeRules(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, db)
	fs, err := db.FindFeeSchedule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	P, M := b.Practice.ID, b.Medical.ID
	type want struct {
		code       string
		units      int
		mods       string
		pos        string
		entity     int64
		chargeType string
		cents      int64
		superbill  bool
	}
	const in, remote = journey.ModeInPerson, journey.ModeRemote
	const psy, med, rx, drug = journey.ChargePsychotherapy, journey.ChargeMedicineSession, journey.ChargePrescriber, journey.ChargeMedication
	for _, tc := range []struct {
		name                 string
		typ, mode, route     string
		event                string
		minutes              int
		first, newPt, atHome bool
		payer                string
		want                 []want
		skipped              int
	}{
		{name: "first preparation is the evaluation", typ: journey.TypePreparation, mode: in, minutes: 50, first: true, payer: journey.PayerInsurance,
			want: []want{{"90791", 1, "", "11", P, psy, 250_00, true}}},
		{name: "preparation by video at home", typ: journey.TypePreparation, mode: remote, minutes: 50, atHome: true, payer: journey.PayerSelfPay,
			want: []want{{"90834", 1, "95", "10", P, psy, 165_00, true}}},
		{name: "preparation by video away from home", typ: journey.TypePreparation, mode: remote, minutes: 55, payer: journey.PayerInsurance,
			want: []want{{"90837", 1, "95", "02", P, psy, 210_00, true}}},
		{name: "too short to code", typ: journey.TypePreparation, mode: in, minutes: 12, payer: journey.PayerInsurance, skipped: 1},
		{name: "integration 30 minutes", typ: journey.TypeIntegration, mode: in, minutes: 30, payer: journey.PayerSelfPay,
			want: []want{{"90832", 1, "", "11", P, psy, 120_00, true}}},
		{name: "integration first is still time", typ: journey.TypeIntegration, mode: in, minutes: 45, first: true, payer: journey.PayerInsurance,
			want: []want{{"90834", 1, "", "11", P, psy, 165_00, true}}},
		{name: "integration by video 60", typ: journey.TypeIntegration, mode: remote, minutes: 60, atHome: true, payer: journey.PayerInsurance,
			want: []want{{"90837", 1, "95", "10", P, psy, 210_00, true}}},
		{name: "integration group", typ: journey.TypeIntegrationGroup, mode: in, minutes: 90, payer: journey.PayerInsurance,
			want: []want{{"90853", 1, "", "11", P, psy, 75_00, true}}},
		{name: "dosing by lozenge", typ: journey.TypeMedicine, mode: in, route: journey.RouteLozenge, minutes: 180, payer: journey.PayerInsurance,
			want: []want{{"0820T", 3, "", "11", P, med, 900_00, false}, {"J3490", 1, "", "11", M, drug, 90_00, false}}},
		{name: "dosing by injection", typ: journey.TypeMedicine, mode: in, route: journey.RouteIM, minutes: 120, payer: journey.PayerSelfPay,
			want: []want{{"0820T", 2, "", "11", P, med, 600_00, false}, {"J3490", 1, "", "11", M, drug, 90_00, false},
				{"96372", 1, "", "11", M, rx, 40_00, false}}},
		{name: "remote dosing at home", typ: journey.TypeMedicine, mode: remote, route: journey.RouteLozenge, minutes: 150, atHome: true, payer: journey.PayerSelfPay,
			want: []want{{"0820T", 2, "95", "10", P, med, 600_00, false}, {"J3490", 1, "", "10", M, drug, 90_00, false}}},
		{name: "short dosing is one hour", typ: journey.TypeMedicine, mode: in, route: journey.RouteLozenge, minutes: 40, payer: journey.PayerSelfPay,
			want: []want{{"0820T", 1, "", "11", P, med, 300_00, false}, {"J3490", 1, "", "11", M, drug, 90_00, false}}},
		{name: "prescriber, new patient", typ: journey.TypePrescriberFollow, mode: in, minutes: 25, newPt: true, payer: journey.PayerInsurance,
			want: []want{{"99202", 1, "", "11", M, rx, 120_00, false}}},
		{name: "prescriber by video, established", typ: journey.TypePrescriberFollow, mode: remote, minutes: 30, atHome: true, payer: journey.PayerSelfPay,
			want: []want{{"99214", 1, "95", "10", M, rx, 195_00, false}}},
		{name: "prescriber too short", typ: journey.TypePrescriberFollow, mode: in, minutes: 5, payer: journey.PayerSelfPay, skipped: 1},
		{name: "preparation cancelled late", typ: journey.TypePreparation, mode: in, event: journey.EventLateCancel, payer: journey.PayerInsurance,
			want: []want{{"", 1, "", "11", P, psy, 100_00, false}}},
		{name: "remote integration missed", typ: journey.TypeIntegration, mode: remote, event: journey.EventNoShow, atHome: true, payer: journey.PayerInsurance,
			want: []want{{"", 1, "", "10", P, psy, 150_00, false}}},
		{name: "dosing missed", typ: journey.TypeMedicine, mode: in, route: journey.RouteIM, event: journey.EventNoShow, payer: journey.PayerSelfPay,
			want: []want{{"", 1, "", "11", P, med, 350_00, false}}},
		{name: "dosing cancelled late", typ: journey.TypeMedicine, mode: in, route: journey.RouteLozenge, event: journey.EventLateCancel, payer: journey.PayerSelfPay,
			want: []want{{"", 1, "", "11", P, med, 250_00, false}}},
		{name: "group missed", typ: journey.TypeIntegrationGroup, mode: in, event: journey.EventNoShow, payer: journey.PayerInsurance,
			want: []want{{"", 1, "", "11", P, psy, 60_00, false}}},
		{name: "prescriber cancelled late", typ: journey.TypePrescriberFollow, mode: remote, event: journey.EventLateCancel, atHome: true, payer: journey.PayerInsurance,
			want: []want{{"", 1, "", "10", M, rx, 75_00, false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.event == "" {
				tc.event = journey.EventCompleted
			}
			s := &journey.CareSession{ID: 7, Type: tc.typ, Mode: tc.mode, Route: tc.route, TherapistID: 11, MedicalProviderID: 12}
			dx := []string{"F33.1", "F41.1", "F43.10", "F32.A", "F43.21"}
			got, skipped := fs.ChargesFor(journey.ChargeFacts{Session: s, Event: tc.event, ClientID: 3, Date: "2026-03-02", Minutes: tc.minutes,
				FirstPsychotherapy: tc.first, NewPatient: tc.newPt, AtHome: tc.atHome, Diagnoses: dx, NDC: "0409-2053-05"})
			if len(skipped) != tc.skipped || len(got) != len(tc.want) {
				t.Fatalf("got %d charges (skipped %v), want %d (skipped %d)", len(got), skipped, len(tc.want), tc.skipped)
			}
			for i, w := range tc.want {
				c := got[i]
				if c.Code != w.code || c.Units != w.units || strings.Join(c.Modifiers, " ") != w.mods || c.POS != w.pos ||
					c.EntityID != w.entity || c.ChargeType != w.chargeType || c.AmountCents != w.cents || c.Event != tc.event {
					t.Errorf("charge %d: %s ×%d [%s] POS %s entity %d %s %d; want %+v", i, c.Code, c.Units, strings.Join(c.Modifiers, " "),
						c.POS, c.EntityID, c.ChargeType, c.AmountCents, w)
				}
				wantClinician := int64(11)
				if w.entity == M {
					wantClinician = 12
				}
				if c.ClinicianID != wantClinician || c.ClientID != 3 || c.SessionID != 7 || c.Date != "2026-03-02" || c.Currency != journey.Currency {
					t.Errorf("charge %d: clinician %d client %d session %d date %s", i, c.ClinicianID, c.ClientID, c.SessionID, c.Date)
				}
				switch {
				case c.Code == "" && len(c.Diagnoses) != 0:
					t.Errorf("charge %d: a fee carries diagnoses %v", i, c.Diagnoses)
				case c.Code != "" && !slices.Equal(c.Diagnoses, dx[:journey.MaxLinePointers]):
					t.Errorf("charge %d: diagnoses %v, want the first four", i, c.Diagnoses)
				}
				if (c.NDC != "") != (w.chargeType == drug) {
					t.Errorf("charge %d: NDC %q", i, c.NDC)
				}
				c.ID = int64(100 + i)
				if err := journey.Superbillable(c); (err == nil) != w.superbill {
					t.Errorf("charge %d (%s, payer %s): superbillable %v, want %v", i, c.ChargeType, tc.payer, err, w.superbill)
				}
				if err := journey.CheckDocument(journey.DocSuperbill, []*journey.Charge{c}); (err == nil) != w.superbill {
					t.Errorf("charge %d: on a superbill: %v, want allowed %v", i, err, w.superbill)
				}
				if err := journey.CheckDocument(journey.DocStatement, []*journey.Charge{c}); err != nil {
					t.Errorf("charge %d: on a statement: %v", i, err)
				}
			}
			if len(got) > 1 {
				if err := journey.CheckDocument(journey.DocStatement, got); err == nil {
					t.Errorf("one statement took charges of several entities or types")
				}
			}
		})
	}
}

// A client's diagnoses are replaced as a list in pointer order, checked
// code by code, and sealed at rest.
func TestDiagnoses(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	care := sqldbtest.SeedCare(t, db)
	cl := care.Client.ID
	if got, err := db.FindDiagnoses(ctx, cl); err != nil || len(got) != 0 {
		t.Fatalf("none yet: %v %v", got, err)
	}
	_, err := db.SetDiagnoses(ctx, cl, []string{"F33.1", "F33", "x", "f33.1"}, care.Therapist.ID)
	if want := []string{"diagnoses[1]", "diagnoses[2]", "diagnoses[3]"}; !slices.Equal(fieldsOf(err), want) {
		t.Fatalf("bad codes: %v, want %v", err, want)
	}
	if d := journey.ErrorFields(err)[0].Detail; !strings.Contains(d, "F33.0") {
		t.Fatalf("a category names its codes: %q", d)
	}
	got, err := db.SetDiagnoses(ctx, cl, []string{" f43.10", "", "F33.1", "Z63.0"}, care.Therapist.ID)
	if err != nil || !slices.Equal(got, []string{"F43.10", "F33.1", "Z63.0"}) {
		t.Fatalf("set: %v %v", got, err)
	}
	if got, _ := db.FindDiagnoses(ctx, cl); !slices.Equal(got, []string{"F43.10", "F33.1", "Z63.0"}) {
		t.Fatalf("read: %v", got)
	}
	if _, err := db.SetDiagnoses(ctx, cl, []string{"F41.1"}, care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindDiagnoses(ctx, cl); !slices.Equal(got, []string{"F41.1"}) {
		t.Fatalf("replaced: %v", got)
	}
	many := make([]string, 13)
	for i := range many {
		many[i] = "F4" + string(rune('0'+i%10)) + "." + string(rune('0'+i/10)) + "1"
	}
	if _, err := db.SetDiagnoses(ctx, cl, many, care.Therapist.ID); !slices.Contains(fieldsOf(err), "diagnoses") {
		t.Fatalf("thirteen: %v", err)
	}
	if _, err := db.SetDiagnoses(ctx, 9999, []string{"F41.1"}, care.Therapist.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown client: %v", err)
	}
	if hits := rawHits(t, db, []string{"F41.1"}); len(hits) > 0 {
		t.Fatalf("a diagnosis in the clear: %v", hits)
	}
}

// Each entity without coverage on file is self-pay; insurance needs its
// insurer and member ID, which are sealed; self-pay drops them.
func TestCoverage(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	care := sqldbtest.SeedCare(t, db)
	b := sqldbtest.SeedBilling(t, db)
	cl := care.Client.ID
	all, err := db.FindCoverage(ctx, cl)
	if err != nil || len(all) != 2 || all[0].EntityID != b.Practice.ID || all[0].Payer != journey.PayerSelfPay || all[1].Payer != journey.PayerSelfPay {
		t.Fatalf("none on file: %+v %v", all, err)
	}
	bad := &journey.Coverage{ClientID: cl, EntityID: b.Practice.ID, Payer: journey.PayerInsurance, Insurer: " "}
	if err := db.SetCoverage(ctx, bad, care.Therapist.ID); !slices.Equal(fieldsOf(err), []string{"insurer", "member_id"}) {
		t.Fatalf("insurance without its names: %v", err)
	}
	if err := db.SetCoverage(ctx, &journey.Coverage{ClientID: cl, EntityID: b.Practice.ID, Payer: "cash"}, 0); !slices.Equal(fieldsOf(err), []string{"payer"}) {
		t.Fatalf("unknown payer: %v", err)
	}
	ins := &journey.Coverage{ClientID: cl, EntityID: b.Practice.ID, Payer: journey.PayerInsurance, Insurer: "Aetna", MemberID: "W123456789", GroupNumber: "G-77"}
	if err := db.SetCoverage(ctx, ins, care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindClientCoverage(ctx, cl, b.Practice.ID)
	if got.Payer != journey.PayerInsurance || got.Insurer != "Aetna" || got.MemberID != "W123456789" || got.GroupNumber != "G-77" || got.UpdatedAt.IsZero() {
		t.Fatalf("insured: %+v", got)
	}
	if got, _ := db.FindClientCoverage(ctx, cl, b.Medical.ID); got.Payer != journey.PayerSelfPay {
		t.Fatalf("medical: %+v", got)
	}
	if hits := rawHits(t, db, []string{"W123456789", "Aetna", "G-77"}); len(hits) > 0 {
		t.Fatalf("coverage in the clear: %v", hits)
	}
	if err := db.SetCoverage(ctx, &journey.Coverage{ClientID: cl, EntityID: b.Practice.ID, Payer: journey.PayerSelfPay, MemberID: "W1"}, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindClientCoverage(ctx, cl, b.Practice.ID); got.Payer != journey.PayerSelfPay || got.MemberID != "" {
		t.Fatalf("self-pay again: %+v", got)
	}
	if err := db.SetCoverage(ctx, &journey.Coverage{ClientID: cl, EntityID: 9999, Payer: journey.PayerSelfPay}, 0); !slices.Equal(fieldsOf(err), []string{"entity_id"}) {
		t.Fatalf("unknown entity: %v", err)
	}
	if _, err := db.FindClientCoverage(ctx, cl, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("find unknown entity: %v", err)
	}
}
