package sqldbtest

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// RawEntity writes a billing entity of kind straight to its table and
// returns its id: for tests of what reads entities, without the setup's
// validation.
func RawEntity(tb testing.TB, db *sqldb.DB, kind, name string) int64 {
	tb.Helper()
	var id int64
	if err := db.Write.QueryRowContext(context.Background(), db.Rebind(`INSERT INTO billing_entities (kind, legal_name, address1, city, state,
		postal, tax_id, created_at, updated_at) VALUES (?, ?, '1 Main St', 'Portland', 'OR', '97205', '12-3456789', 0, 0) RETURNING id`),
		kind, name).Scan(&id); err != nil {
		tb.Fatalf("billing entity: %v", err)
	}
	return id
}

// RawCharge writes c straight to the charges table (diagnoses and the
// void reason left empty, so nothing needs sealing) with its charge
// posting, and sets c.ID: for tests of what reads charges, without the
// fee schedule.
func RawCharge(tb testing.TB, db *sqldb.DB, c *journey.Charge) {
	tb.Helper()
	ctx := context.Background()
	var session any
	if c.SessionID != 0 {
		session = c.SessionID
	}
	if c.Units == 0 {
		c.Units = 1
	}
	if c.Event == "" {
		c.Event = journey.EventCompleted
	}
	c.Currency, c.Status = journey.Currency, journey.ChargeOpen
	mods := ""
	for i, m := range c.Modifiers {
		if i > 0 {
			mods += " "
		}
		mods += m
	}
	if err := db.Write.QueryRowContext(ctx, db.Rebind(`INSERT INTO charges (client_id, session_id, charge_type, entity_id, event, service_date,
		code, units, modifiers, pos, minutes, description, amount_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`),
		c.ClientID, session, c.ChargeType, c.EntityID, c.Event, c.Date, c.Code, c.Units, mods, c.POS, c.Minutes, c.Description,
		c.AmountCents).Scan(&c.ID); err != nil {
		tb.Fatalf("charge: %v", err)
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO postings (client_id, entity_id, charge_type, kind, charge_id, amount_cents, at)
		VALUES (?, ?, ?, 'charge', ?, ?, 0)`), c.ClientID, c.EntityID, c.ChargeType, c.ID, c.AmountCents); err != nil {
		tb.Fatalf("charge posting: %v", err)
	}
}
