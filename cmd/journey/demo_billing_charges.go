package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo's charges: every session the demo completed, missed or
// cancelled late is charged as completing it in the workspace charges it
// (processing's SessionCharges, the fee schedule's ChargesFor over the
// same facts), oldest first so each client's first psychotherapy is the
// evaluation; then the self-pay client has paid part of what they owe the
// practice for psychotherapy by check at the desk, so their statement is
// partly paid.

// demoPartPayment is the share, in percent, of the self-pay client's
// psychotherapy balance they paid at the desk.
const demoPartPayment = 40

// seedCharges writes the demo's charges and the self-pay client's part
// payment; it runs after the billing setup (seedBillingSetup).
func seedCharges(ctx context.Context, db *sqldb.DB) error {
	p := processing.New(db)
	ss, err := db.FindCareSessions(ctx, journey.CareSessionFilter{Limit: journey.MaxSessionList})
	if err != nil {
		return err
	}
	slices.SortStableFunc(ss, func(a, b *journey.CareSession) int { return a.Start.Compare(b.Start) })
	for _, s := range ss {
		event := journey.BillingEvent(s)
		if event == "" {
			continue
		}
		charges, _, _, err := p.SessionCharges(ctx, s, event, 0)
		if err != nil {
			return fmt.Errorf("session %d: %w", s.ID, err)
		}
		if _, err := db.CreateCharges(ctx, charges, 0); err != nil {
			return fmt.Errorf("session %d: %w", s.ID, err)
		}
	}
	return seedPartPayment(ctx, db)
}

// seedPartPayment records the self-pay client's check for part of their
// psychotherapy balance at the practice, taken by the front desk.
func seedPartPayment(ctx context.Context, db *sqldb.DB) error {
	u, err := db.FindUserByEmail(ctx, demoSelfPayClient)
	if err != nil {
		return err
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		return err
	}
	desk, err := db.FindUserByEmail(ctx, demoAccounts[4].Email)
	if err != nil {
		return err
	}
	es, err := db.FindBillingEntities(ctx)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Kind != journey.EntityPractice {
			continue
		}
		l, err := db.FindLedger(ctx, c.ID, e.ID)
		if err != nil {
			return err
		}
		owed := l.ByType[journey.ChargePsychotherapy]
		if owed <= 0 {
			return fmt.Errorf("the self-pay client owes nothing for psychotherapy")
		}
		pay := &journey.Payment{ClientID: c.ID, EntityID: e.ID, ChargeType: journey.ChargePsychotherapy,
			AmountCents: owed * demoPartPayment / 100 / 100 * 100, Method: journey.PayCheck, Reference: "Check 2087",
			IdempotencyKey: "demo-part-payment", By: desk.ID}
		if _, _, err := db.CreatePayment(ctx, pay); err != nil {
			return fmt.Errorf("part payment: %w", err)
		}
		return nil
	}
	return fmt.Errorf("no practice entity")
}
