package sqldbtest

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// Billing is a practice ready to bill: the practice and a medical
// entity with valid tax IDs, the default fee schedule over them.
type Billing struct {
	Practice, Medical *journey.BillingEntity
	Schedule          *journey.FeeSchedule // as stored, lines with their ids
}

// SeedBilling writes Billing's entities and journey.DefaultFeeSchedule,
// and has clinicians (staff ids) bill under both entities when given.
func SeedBilling(tb testing.TB, db *sqldb.DB, clinicians ...int64) *Billing {
	tb.Helper()
	ctx := context.Background()
	b := &Billing{
		Practice: &journey.BillingEntity{Kind: journey.EntityPractice, LegalName: "Harbor KAP Therapy PLLC", Address1: "1 Main St",
			City: "New York", State: "NY", Postal: "10001", TaxID: "12-3456789", Active: true},
		Medical: &journey.BillingEntity{Kind: journey.EntityMedical, LegalName: "Harbor Medical PC", Address1: "1 Main St", Address2: "Suite 2",
			City: "New York", State: "NY", Postal: "10001", TaxID: "98-7654321", Active: true},
	}
	for _, e := range []*journey.BillingEntity{b.Practice, b.Medical} {
		if err := db.CreateBillingEntity(ctx, e); err != nil {
			tb.Fatalf("billing entity: %v", err)
		}
	}
	fs := journey.DefaultFeeSchedule(b.Practice.ID, b.Medical.ID)
	if err := db.SaveFeeSchedule(ctx, fs, 0); err != nil {
		tb.Fatalf("fee schedule: %v", err)
	}
	b.Schedule = fs
	var list []*journey.BillingClinician
	for _, id := range clinicians {
		list = append(list, &journey.BillingClinician{UserID: id, EntityID: b.Practice.ID}, &journey.BillingClinician{UserID: id, EntityID: b.Medical.ID})
	}
	if len(list) > 0 {
		if err := db.SetBillingClinicians(ctx, list); err != nil {
			tb.Fatalf("billing clinicians: %v", err)
		}
	}
	return b
}
