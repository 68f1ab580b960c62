package main

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
)

// The demo practice bills through two entities with their own tax IDs
// under the default fee schedule; every billing clinician's profile has
// what a bill needs; the cleared clients have diagnoses, are insured for
// psychotherapy but for one self-pay client, and pay the medical entity
// themselves.
func TestDemoBillingSetup(t *testing.T) {
	ctx := context.Background()
	db := seededDemo(t)
	es, err := db.FindBillingEntities(ctx)
	if err != nil || len(es) != 2 || es[0].Kind != journey.EntityPractice || es[1].Kind != journey.EntityMedical || es[0].TaxID == es[1].TaxID {
		t.Fatalf("entities: %+v %v", es, err)
	}
	fs, err := db.FindFeeSchedule(ctx)
	if err != nil || len(fs.Lines) != len(journey.DefaultFeeSchedule(es[0].ID, es[1].ID).Lines) {
		t.Fatalf("schedule: %d lines %v", len(fs.Lines), err)
	}
	cs, err := db.FindBillingClinicians(ctx)
	if err != nil || len(cs) != len(demoBillingProfiles) {
		t.Fatalf("clinicians: %+v %v", cs, err)
	}
	for _, c := range cs {
		if len(c.Missing()) > 0 || journey.CheckNPI(c.NPI) != nil {
			t.Errorf("%d lacks %v (NPI %s)", c.UserID, c.Missing(), c.NPI)
		}
	}
	selfPay := 0
	for _, dc := range append(append([]demoCareClient{}, demoCareClients...), demoRemoteClient) {
		u, err := db.FindUserByEmail(ctx, dc.Email)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.FindClientByUserID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dx, err := db.FindDiagnoses(ctx, c.ID); err != nil || len(dx) == 0 {
			t.Errorf("%s: diagnoses %v %v", dc.Name, dx, err)
		}
		cov, err := db.FindCoverage(ctx, c.ID)
		if err != nil || len(cov) != 2 || cov[1].Payer != journey.PayerSelfPay {
			t.Fatalf("%s: coverage %+v %v", dc.Name, cov, err)
		}
		if cov[0].Payer == journey.PayerSelfPay {
			selfPay++
			if dc.Email != demoSelfPayClient {
				t.Errorf("%s is self-pay", dc.Name)
			}
		} else if cov[0].MemberID == "" || cov[0].Insurer == "" {
			t.Errorf("%s: insured without a member ID: %+v", dc.Name, cov[0])
		}
	}
	if selfPay != 1 {
		t.Errorf("%d self-pay clients, want 1", selfPay)
	}
}
