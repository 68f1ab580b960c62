package main

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo's documents: the front desk has issued the self-pay client a
// superbill of every psychotherapy service they had (preparation and
// integration; never the dosing session) and a statement of their
// psychotherapy account, partly paid; so the client's portal and the
// staff's documents page show both at once. Issued through processing,
// as the staff page does, so each is audited and its PDF is the one a
// person would get.

// seedDocuments issues the self-pay client's superbill and statement; it
// runs after the charges (seedCharges).
func seedDocuments(ctx context.Context, db *sqldb.DB, now time.Time) error {
	baseURL := ""
	if m, ok := db.Mail.(*mail.Composer); ok {
		baseURL = m.BaseURL
	}
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
	a := &journey.Actor{User: desk, Verified: true, ClientAddr: "demo"}
	p := processing.New(db)
	const via = " (demo)"
	from, to := now.AddDate(-1, 0, 0).Format(time.DateOnly), now.Format(time.DateOnly)
	if _, err := p.IssueSuperbills(ctx, a, c.ID, processing.SuperbillRequest{From: from, To: to, At: now}, via); err != nil {
		return fmt.Errorf("superbill: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	es, err := db.FindBillingEntities(ctx)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Kind != journey.EntityPractice {
			continue
		}
		if _, err := p.IssueStatement(ctx, a, c.ID, processing.StatementRequest{EntityID: e.ID, ChargeType: journey.ChargePsychotherapy,
			From: from, To: to, PayURL: baseURL + "/portal/billing", At: now}, via); err != nil {
			return fmt.Errorf("statement: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	return nil
}
