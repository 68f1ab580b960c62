package pdf

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

func testEntity() *journey.BillingEntity {
	return &journey.BillingEntity{ID: 1, Kind: journey.EntityPractice, LegalName: "Cedar Psychotherapy PLLC", Address1: "12 Alder St",
		City: "Portland", State: "OR", Postal: "97205", Phone: "503-555-0100", TaxID: "12-3456789", NPI: "1245319599"}
}

func testSuperbill() *journey.Superbill {
	ana := &journey.BillingClinician{UserID: 7, Name: "Ana Therapist", NPI: "1234567893", Credentials: "LMFT", Licence: "T1234", LicenceState: "OR"}
	ben := &journey.BillingClinician{UserID: 8, Name: "Ben Therapist", Credentials: "LCSW", Licence: "C77", LicenceState: "OR"}
	charges := []*journey.Charge{
		{ID: 21, Date: "2026-03-09", Code: "90834", Units: 1, Modifiers: []string{"95"}, POS: "10", ClinicianID: 8, Description: "Integration",
			Diagnoses: []string{"F41.1", "F33.1"}, AmountCents: 15000},
		{ID: 20, Date: "2026-03-02", Code: "90837", Units: 1, POS: "11", ClinicianID: 7, Description: "Preparation",
			Diagnoses: []string{"F33.1"}, AmountCents: 20000},
	}
	s := journey.NewSuperbill(testEntity(), charges, map[int64]*journey.BillingClinician{7: ana, 8: ben},
		[]journey.Diagnosis{{Code: "F33.1", Description: "Major depressive disorder, recurrent, moderate"}}, map[int64]int64{20: 20000, 21: 5000})
	s.ClientName, s.Address = "Dana Client", "1 Test Street, Portland, OR 97205"
	s.Coverage = &journey.Coverage{Payer: journey.PayerInsurance, Insurer: "Example Health", MemberID: "XYZ123456", GroupNumber: "G-77"}
	s.Issued, s.Zone = time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC), time.UTC
	return s
}

func renderBill(t *testing.T, write func(*bytes.Buffer) error) []string {
	t.Helper()
	var a, b bytes.Buffer
	if err := write(&a); err != nil {
		t.Fatal(err)
	}
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders differ")
	}
	var lines []string
	for _, p := range pageTexts(t, a.Bytes()) {
		lines = append(lines, strings.Split(p, "\n")...)
	}
	return lines
}

// wantLines checks that each of want is a line of got, in order.
func wantLines(t *testing.T, got []string, want []string) {
	t.Helper()
	i := 0
	for _, w := range want {
		j := slices.Index(got[i:], w)
		if j < 0 {
			t.Errorf("line %q missing (or out of order) after line %d; lines:\n%s", w, i, strings.Join(got, "\n"))
			return
		}
		i += j + 1
	}
}

// TestSuperbillReadsBack: every part DOMAIN.md §7 lists reads back line
// by line: the provider with its tax ID and NPI, each rendering
// clinician with credentials, NPI and licence, the client with insurer
// and member ID, the diagnoses A–L, each service with its date, place of
// service, code, modifiers, units, pointers, fee and amount paid, and the
// totals; a missing NPI and date of birth are named, in the list at the
// top and in their place.
func TestSuperbillReadsBack(t *testing.T) {
	s := testSuperbill()
	lines := renderBill(t, func(b *bytes.Buffer) error { return WriteSuperbill(b, s) })
	wantLines(t, lines, []string{
		"Cedar Psychotherapy PLLCSuperbill",
		"Superbill",
		"Services from 2 March 2026 to 9 March 2026. Issued 20 March 2026.",
		"Incomplete: the records lack what is named here",
		"• NPI missing for Ben Therapist",
		"• Date of birth missing",
		"Billing provider",
		"Cedar Psychotherapy PLLC",
		"12 Alder St, Portland, OR 97205",
		"Tax ID (EIN): 12-3456789",
		"NPI (organisation): 1245319599",
		"Rendering clinician",
		"NameCredentialsNPILicenceLicence state",
		"Ana TherapistLMFT1234567893T1234OR",
		"Ben TherapistLCSWNPI missingC77OR",
		"Client",
		"Name: Dana Client",
		"Date of birth: Date of birth missing",
		"Address: 1 Test Street, Portland, OR 97205",
		"Insurer: Example Health",
		"Member ID: XYZ123456",
		"Group number: G-77",
		"Diagnoses (ICD-10-CM)",
		"PointerCodeDescription",
		"AF33.1Major depressive disorder, recurrent, moderate",
		"BF41.1Generalized anxiety disorder",
		"Services",
		"DatePlace of serviceCPT/HCPCSModifiersUnitsDiagnosis pointersRendering clinicianDescriptionFeePaid",
		"2026-03-0211908371AAna TherapistPreparation$200.00$200.00",
		"2026-03-091090834951BABen TherapistIntegration$150.00$50.00",
		"Totals",
		"Total fees: $350.00",
		"Total paid: $250.00",
		"Balance: $100.00",
		"Made 20 Mar 2026 15:00 UTC. Page 1 of 1",
	})
	for _, l := range lines {
		if strings.Contains(l, "No diagnosis chosen") || strings.Contains(l, "Insurer and member ID missing") {
			t.Errorf("named missing what is there: %q", l)
		}
	}
}

// TestSuperbillNamesWhatIsMissing: no diagnosis, no insurance, no address
// and a clinician with nothing on their profile are each named, never
// left blank.
func TestSuperbillNamesWhatIsMissing(t *testing.T) {
	s := testSuperbill()
	for _, l := range s.Lines {
		l.Charge.Diagnoses = nil
	}
	s = journey.NewSuperbill(s.Entity, []*journey.Charge{s.Lines[0].Charge}, map[int64]*journey.BillingClinician{7: {UserID: 7, Name: "Ana Therapist"}}, nil, nil)
	s.ClientName, s.Issued = "Dana Client", time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)
	lines := renderBill(t, func(b *bytes.Buffer) error { return WriteSuperbill(b, s) })
	wantLines(t, lines, []string{
		"• NPI missing for Ana Therapist",
		"• Credentials missing for Ana Therapist",
		"• Licence number missing for Ana Therapist",
		"• Licence state missing for Ana Therapist",
		"• Date of birth missing",
		"• Client address missing",
		"• Insurer and member ID missing (no insurance recorded)",
		"• No diagnosis chosen",
		"Ana TherapistCredentials missingNPI missingLicence number missingLicence state missing",
		"Address: Client address missing",
		"Insurer and member ID missing (no insurance recorded)",
		"No diagnosis chosen",
		"2026-03-0211908371No diagnosis chosenAna TherapistPreparation$200.00$0.00",
	})
}

// TestStatementReadsBack: the balance brought forward, each charge,
// payment, adjustment and refund of the period with its date, amount and
// running balance, the amount due and how to pay, line by line; the
// other charge type's postings and those after the period are left out.
func TestStatementReadsBack(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := func(d string, h int) time.Time {
		t, _ := time.ParseInLocation(time.DateOnly, d, ny)
		return t.Add(time.Duration(h) * time.Hour)
	}
	charges := map[int64]*journey.Charge{
		1: {ID: 1, Date: "2026-02-23", Code: "90837", Description: "Preparation session"},
		2: {ID: 2, Date: "2026-03-02", Code: "90834", Description: "Integration session"},
		3: {ID: 3, Date: "2026-03-05", Code: "0820T", Description: "Medicine session"},
		4: {ID: 4, Date: "2026-03-09", Description: "Late cancellation fee"},
	}
	psy, med := journey.ChargePsychotherapy, journey.ChargeMedicineSession
	postings := []*journey.Posting{
		{ID: 1, ChargeType: psy, Kind: journey.PostCharge, ChargeID: 1, AmountCents: 20000, At: at("2026-02-23", 12)},
		{ID: 2, ChargeType: psy, Kind: journey.PostCharge, ChargeID: 2, AmountCents: 15000, At: at("2026-03-02", 12)},
		{ID: 3, ChargeType: med, Kind: journey.PostCharge, ChargeID: 3, AmountCents: 60000, At: at("2026-03-05", 12)},
		{ID: 4, ChargeType: psy, Kind: journey.PostPayment, PaymentID: 1, AmountCents: -25000, At: at("2026-03-06", 9)},
		{ID: 5, ChargeType: psy, Kind: journey.PostAdjustment, ChargeID: 2, AmountCents: -2500, Memo: "sliding scale", At: at("2026-03-07", 9)},
		{ID: 6, ChargeType: psy, Kind: journey.PostCharge, ChargeID: 4, AmountCents: 7500, At: at("2026-03-09", 12)},
		{ID: 7, ChargeType: psy, Kind: journey.PostVoid, ChargeID: 4, AmountCents: -7500, At: at("2026-03-10", 12)},
		{ID: 8, ChargeType: psy, Kind: journey.PostRefund, AmountCents: 1000, At: at("2026-03-31", 23)}, // still 31 March in New York
		{ID: 9, ChargeType: psy, Kind: journey.PostPayment, AmountCents: -5000, At: at("2026-04-01", 9)},
	}
	st := journey.NewStatement(testEntity(), psy, postings, charges, "2026-03-01", "2026-03-31", ny)
	st.ClientName, st.Address, st.PayURL, st.Issued = "Dana Client", "1 Test Street, Portland, OR 97205", "https://journey.test/portal/billing",
		time.Date(2026, 4, 2, 15, 0, 0, 0, time.UTC)
	if st.OpeningCents != 20000 || st.DueCents != 8500 {
		t.Fatalf("opening %d, due %d; want 20000, 8500", st.OpeningCents, st.DueCents)
	}
	lines := renderBill(t, func(b *bytes.Buffer) error { return WriteStatement(b, st) })
	wantLines(t, lines, []string{
		"Cedar Psychotherapy PLLCStatement",
		"Psychotherapy, 1 March 2026 to 31 March 2026. Issued 2 April 2026.",
		"From", "Cedar Psychotherapy PLLC", "12 Alder St, Portland, OR 97205", "Tax ID (EIN): 12-3456789", "Phone: 503-555-0100",
		"To", "Dana Client", "1 Test Street, Portland, OR 97205",
		"DateDescriptionAmountBalance",
		"2026-03-01Balance brought forward$200.00",
		"2026-03-02Integration session, 2026-03-02 (90834)$150.00$350.00",
		"2026-03-06Payment, thank you-$250.00$100.00",
		"2026-03-07Adjustment: Integration session, 2026-03-02 (90834)-$25.00$75.00",
		"2026-03-09Late cancellation fee, 2026-03-09$75.00$150.00",
		"2026-03-10Voided: Late cancellation fee, 2026-03-09-$75.00$75.00",
		"2026-03-31Refund$10.00$85.00",
		"Amount due: $85.00",
		"How to pay: at the front desk by cash, check or card, or online: sign in at https://journey.test/portal/billing and choose Billing.",
	})
	text := strings.Join(lines, "\n")
	for _, never := range []string{"Medicine session", "sliding scale", "-$50.00"} {
		if strings.Contains(text, never) {
			t.Errorf("statement shows %q", never)
		}
	}
}
