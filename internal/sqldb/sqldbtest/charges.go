package sqldbtest

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// RawBilling is the practice's two billing entities and a fee line for
// each charge type, written by RawBillingSetup.
type RawBilling struct {
	Practice, Medical int64
	// Lines holds a completed medicine session's line id per charge type
	// (psychotherapy: a preparation session's).
	Lines map[string]int64
}

// RawBillingSetup writes two billing entities (the practice and the
// medical entity) and four fee lines straight into their tables, for
// tests of charges and the ledger apart from the setup pages.
func RawBillingSetup(tb testing.TB, db *sqldb.DB) *RawBilling {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().Unix()
	ins := func(q string, args ...any) int64 {
		tb.Helper()
		var id int64
		if err := db.Write.QueryRowContext(ctx, db.Rebind(q+" RETURNING id"), args...).Scan(&id); err != nil {
			tb.Fatalf("billing setup: %v", err)
		}
		return id
	}
	entity := `INSERT INTO billing_entities (kind, legal_name, address1, city, state, postal, tax_id, created_at, updated_at)
		VALUES (?, ?, '1 Main St', 'Portland', 'OR', '97201', ?, ?, ?)`
	b := &RawBilling{Lines: map[string]int64{}}
	b.Practice = ins(entity, journey.EntityPractice, "Journey Therapy PLLC", "12-3456789", now, now)
	b.Medical = ins(entity, journey.EntityMedical, "Journey Medical PC", "98-7654321", now, now)
	line := `INSERT INTO fee_lines (session_type, event, charge_type, entity_id, rule, code, units, fee_cents, description, created_at, updated_at)
		VALUES (?, 'completed', ?, ?, ?, ?, 1, ?, ?, ?, ?)`
	b.Lines[journey.ChargePsychotherapy] = ins(line, journey.TypePreparation, journey.ChargePsychotherapy, b.Practice,
		journey.RulePsychotherapyTime, "", 15000, "Preparation", now, now)
	b.Lines[journey.ChargeMedicineSession] = ins(line, journey.TypeMedicine, journey.ChargeMedicineSession, b.Practice,
		journey.RuleFixed, "S9999", 45000, "Medicine session", now, now)
	b.Lines[journey.ChargePrescriber] = ins(line, journey.TypeMedicine, journey.ChargePrescriber, b.Medical,
		journey.RuleEMTime, "", 20000, "Prescriber visit", now, now)
	b.Lines[journey.ChargeMedication] = ins(line, journey.TypeMedicine, journey.ChargeMedication, b.Medical,
		journey.RuleFixed, "J3490", 5000, "Ketamine", now, now)
	return b
}
