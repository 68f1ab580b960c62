package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

func testEstimate() *journey.EstimateDocument {
	la, _ := time.LoadLocation("America/Los_Angeles")
	line := func(service, code string, mods []string, qty int, unit int64, provider, npi string) journey.EstimateLine {
		return journey.EstimateLine{Service: service, Code: code, Modifiers: mods, Diagnoses: []string{"F33.1", "F43.12"}, Quantity: qty,
			UnitCents: unit, TotalCents: unit * int64(qty), ProviderName: provider, ProviderNPI: npi,
			FacilityName: "Cedar & Tide KAP, LLC", FacilityTIN: "12-3456789"}
	}
	return &journey.EstimateDocument{
		Estimate: &journey.Estimate{ID: 41, ClientID: 7, EntityID: 1, ChargeType: journey.ChargePsychotherapy,
			IssuedAt: time.Date(2026, 3, 20, 17, 0, 0, 0, time.UTC), ServiceFrom: "2026-03-20", ServiceTo: "2027-03-19",
			Lines: []journey.EstimateLine{
				line("Preparation session (psychotherapy)", "90791", nil, 1, 250_00, "Tess Therapist, LCSW", "1245319599"),
				line("Integration session (psychotherapy)", "90837", []string{"95"}, 6, 210_00, "Tess Therapist, LCSW", "1245319599"),
				line("Integration group (group psychotherapy)", "90853", nil, 2, 75_00, "Noor Newhire", ""),
			}, TotalCents: 250_00 + 6*210_00 + 2*75_00},
		RequestID: 12, ClientName: "Ada Visitor", DateOfBirth: "1990-02-03",
		Entity: &journey.BillingEntity{ID: 1, Kind: journey.EntityPractice, LegalName: "Cedar & Tide KAP, LLC", Address1: "12 Alder Street",
			City: "Portland", State: "OR", Postal: "97201", TaxID: "12-3456789", Phone: "+1 503 555 0142"},
		Practice: &journey.Practice{Name: "Cedar & Tide", Phone: "+1 503 555 0142", Email: "hello@cedar.example"},
		Zone:     la,
	}
}

// The estimate's PDF read back: who it is for, the facility with its
// address, NPI (named missing) and TIN, every line with its codes,
// diagnoses, quantity, amounts, provider and facility, the total, each
// disclaimer, and where to get help.
func TestEstimateReadsBack(t *testing.T) {
	var a, b bytes.Buffer
	if err := Estimate(&a, testEstimate()); err != nil {
		t.Fatal(err)
	}
	if err := Estimate(&b, testEstimate()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders differ")
	}
	text := flat(pageTexts(t, a.Bytes()))
	for _, want := range []string{
		"Good Faith Estimate", "For Ada Visitor, date of birth 1990-02-03",
		"Given by Cedar & Tide KAP, LLC for psychotherapy on 20 March 2026 (number 12-1)",
		"Services expected from 20 March 2026 to 19 March 2027",
		"12 Alder Street, Portland, OR 97201", "NPI missing · Tax ID (TIN) 12-3456789",
		"F33.1 Major depressive disorder, recurrent, moderate", "F43.12 Post-traumatic stress disorder, chronic",
		// A row's cells are read back one after the other, each whole.
		"Preparation session (psychotherapy)" + "90791" + "F33.1 F43.12" + "1" + "$250.00" + "$250.00" +
			"Tess Therapist, LCSW, NPI 1245319599 " + "Cedar & Tide KAP, LLC, NPI missing, TIN 12-3456789",
		"Integration session (psychotherapy)" + "90837" + "95" + "F33.1 F43.12" + "6" + "$210.00" + "$1,260.00" +
			"Tess Therapist, LCSW, NPI 1245319599 " + "Cedar & Tide KAP, LLC, NPI missing, TIN 12-3456789",
		"Integration group (group psychotherapy)" + "90853" + "F33.1 F43.12" + "2" + "$75.00" + "$150.00" +
			"Noor Newhire, NPI missing" + "Cedar & Tide KAP, LLC, NPI missing, TIN 12-3456789",
		"Total expected charges" + "$1,660.00",
		"Questions about this estimate: Cedar & Tide · +1 503 555 0142 · hello@cedar.example",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for _, d := range journey.EstimateDisclaimers {
		if !strings.Contains(text, d) {
			t.Errorf("text lacks the disclaimer %q", d)
		}
	}
	for _, want := range []string{"not a contract", "may differ", "$400 or more", "120 calendar days", "Keep a copy", "1-800-985-3059"} {
		if !strings.Contains(text, want) {
			t.Errorf("the disclaimers do not say %q", want)
		}
	}
	d := testEstimate()
	d.DateOfBirth = ""
	var c bytes.Buffer
	if err := Estimate(&c, d); err != nil {
		t.Fatal(err)
	}
	if text := flat(pageTexts(t, c.Bytes())); !strings.Contains(text, "date of birth not given") {
		t.Errorf("a missing date of birth is not named")
	}
}
