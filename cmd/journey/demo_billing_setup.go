package main

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo practice's billing setup: the practice and a medical PC with
// its own tax ID, the default fee schedule over them, NPIs and licences
// on the clinicians' profiles (synthetic numbers whose check digits are
// valid), who bills under which entity, diagnoses for the cleared
// clients, and coverage: insured for psychotherapy but for
// demoSelfPayClient, everyone self-pay at the medical entity.

var demoPracticeEntity = journey.BillingEntity{Kind: journey.EntityPractice, LegalName: "Cedar & Tide Ketamine-Assisted Therapy PLLC",
	Address1: "410 Alder Street", Address2: "Suite 3", City: "Portland", State: "OR", Postal: "97205", Phone: "+1 503 555 0142",
	TaxID: "93-4417260", NPI: "1629580345", Active: true}

var demoMedicalEntity = journey.BillingEntity{Kind: journey.EntityMedical, LegalName: "Cedar & Tide Medical PC",
	Address1: "410 Alder Street", Address2: "Suite 4", City: "Portland", State: "OR", Postal: "97205", Phone: "+1 503 555 0143",
	TaxID: "93-5580314", Active: true}

// demoBillingProfiles are the clinicians' NPIs and Oregon licences, by
// email; the medical provider's credentials are set here too.
var demoBillingProfiles = map[string]struct{ npi, credentials, licence string }{
	"maya.okafor@cedarandtide.example":     {"1503412763", "", "PSY-2231"},
	"daniel.reyes@cedarandtide.example":    {"1734025863", "", "T-1187"},
	"priya.natarajan@cedarandtide.example": {"1847192030", "", "L-6402"},
	"noor.haddad@cedarandtide.example":     {"1193867458", "", "C-5519"},
	"jordan.lee@cedarandtide.example":      {"1234567893", "MD", "MD-190244"},
}

// demoSelfPayClient pays the practice themselves: every session type held,
// so their statement, superbill and Good Faith Estimate show the split.
const demoSelfPayClient = "avery.santos@example.org"

// demoDiagnoses are the cleared clients' diagnoses, in pointer order.
var demoDiagnoses = map[string][]string{
	"morgan.ellis@example.org": {"F33.1", "F41.1"},
	"jamie.chen@example.org":   {"F43.10"},
	"avery.santos@example.org": {"F33.2", "F43.10"},
	"riley.novak@example.org":  {"F33.1"},
	"quinn.harper@example.org": {"F32.1", "F41.1"},
	"drew.kim@example.org":     {"F43.12", "F33.1"},
	"rowan.patel@example.org":  {"F33.1", "F41.1"},
}

// demoInsurers are the synthetic plans the insured clients hold, in turn.
var demoInsurers = []string{"Cascade Health Plan", "Evergreen Mutual", "Willamette Care PPO"}

// seedBillingSetup writes the demo's billing setup (see above).
func seedBillingSetup(ctx context.Context, db *sqldb.DB) error {
	practice, medical := demoPracticeEntity, demoMedicalEntity
	for _, e := range []*journey.BillingEntity{&practice, &medical} {
		if err := db.CreateBillingEntity(ctx, e); err != nil {
			return fmt.Errorf("entity: %w", err)
		}
	}
	if err := db.SaveFeeSchedule(ctx, journey.DefaultFeeSchedule(practice.ID, medical.ID), 0); err != nil {
		return fmt.Errorf("fee schedule: %w", err)
	}
	var billers []*journey.BillingClinician
	var therapist int64
	for email, bp := range demoBillingProfiles {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("clinician: %w", err)
		}
		p, err := db.FindStaffProfile(ctx, u.ID)
		if err != nil {
			return err
		}
		if p.NPI == "" {
			p.NPI = bp.npi
		}
		if p.Credentials == "" {
			p.Credentials = bp.credentials
		}
		p.LicenceNumber, p.LicenceState = bp.licence, "OR"
		if err := db.UpdateStaffProfile(ctx, p); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		entity := practice.ID
		if u.HasRole(journey.RoleMedicalProvider) {
			entity = medical.ID
		} else if email == demoAccounts[1].Email {
			therapist = u.ID
		}
		billers = append(billers, &journey.BillingClinician{UserID: u.ID, EntityID: entity})
	}
	if err := db.SetBillingClinicians(ctx, billers); err != nil {
		return fmt.Errorf("billing clinicians: %w", err)
	}
	n := 0
	for _, dc := range append(append([]demoCareClient{}, demoCareClients...), demoRemoteClient) {
		u, err := db.FindUserByEmail(ctx, dc.Email)
		if err != nil {
			return err
		}
		c, err := db.FindClientByUserID(ctx, u.ID)
		if err != nil {
			return err
		}
		if _, err := db.SetDiagnoses(ctx, c.ID, demoDiagnoses[dc.Email], therapist); err != nil {
			return fmt.Errorf("diagnoses: %w", err)
		}
		cov := journey.SelfPay(c.ID, practice.ID)
		if dc.Email != demoSelfPayClient {
			cov = &journey.Coverage{ClientID: c.ID, EntityID: practice.ID, Payer: journey.PayerInsurance,
				Insurer: demoInsurers[n%len(demoInsurers)], MemberID: fmt.Sprintf("CTH%07d", 4410+n*37), GroupNumber: fmt.Sprintf("G-%03d", 100+n)}
			n++
		}
		for _, c := range []*journey.Coverage{cov, journey.SelfPay(c.ID, medical.ID)} {
			if err := db.SetCoverage(ctx, c, 0); err != nil {
				return fmt.Errorf("coverage: %w", err)
			}
		}
	}
	return nil
}
