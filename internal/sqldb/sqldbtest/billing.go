package sqldbtest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

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

// BulkCharges writes n open charges of cents, each with its charge
// posting, straight to the tables in one transaction: charge i is
// clients[i % len(clients)]'s, posted at from + span·i/n, billed by entity
// under chargeType with code. For benchmarks and reports over many rows.
func BulkCharges(tb testing.TB, db *sqldb.DB, clients []int64, entity int64, chargeType, code string, n int, cents int64, from time.Time, span time.Duration) {
	tb.Helper()
	bulkLedger(tb, db, n, func(ctx context.Context, tx *sql.Tx, i int) error {
		at := from.Add(span * time.Duration(i) / time.Duration(n))
		client := clients[i%len(clients)]
		var id int64
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO charges (client_id, charge_type, entity_id, event, service_date, code, units,
			pos, minutes, description, amount_cents, created_at) VALUES (?, ?, ?, 'completed', ?, ?, 1, '11', 50, ?, ?, ?) RETURNING id`),
			client, chargeType, entity, at.UTC().Format(time.DateOnly), code, "Bulk "+code, cents, at.Unix()).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO postings (client_id, entity_id, charge_type, kind, charge_id, amount_cents, at)
			VALUES (?, ?, ?, 'charge', ?, ?, ?)`), client, entity, chargeType, id, cents, at.Unix())
		return err
	})
}

// BulkPayments writes n cash payments of cents by client to entity for
// chargeType, each with its posting, in one transaction, at from +
// span·i/n.
func BulkPayments(tb testing.TB, db *sqldb.DB, client, entity int64, chargeType string, n int, cents int64, from time.Time, span time.Duration) {
	tb.Helper()
	bulkLedger(tb, db, n, func(ctx context.Context, tx *sql.Tx, i int) error {
		at := from.Add(span * time.Duration(i) / time.Duration(n))
		var id int64
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO payments (client_id, entity_id, charge_type, amount_cents, method, status,
			idempotency_key, at, updated_at) VALUES (?, ?, ?, ?, 'cash', 'succeeded', ?, ?, ?) RETURNING id`),
			client, entity, chargeType, cents, fmt.Sprintf("bulk-%d-%d-%d", client, at.UnixNano(), i), at.Unix(), at.Unix()).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO postings (client_id, entity_id, charge_type, kind, payment_id, amount_cents, at)
			VALUES (?, ?, ?, 'payment', ?, ?, ?)`), client, entity, chargeType, id, -cents, at.Unix())
		return err
	})
}

func bulkLedger(tb testing.TB, db *sqldb.DB, n int, row func(ctx context.Context, tx *sql.Tx, i int) error) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := row(ctx, tx, i); err != nil {
			tx.Rollback()
			tb.Fatalf("bulk ledger row %d: %v", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
