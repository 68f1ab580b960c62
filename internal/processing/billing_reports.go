package processing

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
)

// Billing reports: the practice's money by month, entity and charge type,
// and aged balances per client and entity, for the front desk and admins
// (PermBillingRead over every client). Amounts, dates and names, never a
// note. Every read is audited; the aged report names the clients it
// showed.

// BillingReportsStore is the store's part for the reports (sqldb/billing_reports.go).
type BillingReportsStore interface {
	BillingMonths(ctx context.Context, spans []journey.MonthSpan) ([]*journey.MonthRow, error)
	AgedBalances(ctx context.Context, asOf time.Time) ([]*journey.AgedBalance, error)
}

// MonthReport is the month report: its months, rows and the entities
// the rows name.
type MonthReport struct {
	Spans    []journey.MonthSpan
	Rows     []*journey.MonthRow
	Entities []*journey.BillingEntity
}

// reportGate lets through billing staff who see every client; others are
// refused, audited as action.
func (p *Processor) reportGate(ctx context.Context, a *journey.Actor, action string) error {
	if a.Can(journey.PermBillingRead) && a.ClientScope() == 0 {
		return nil
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "billing", Outcome: journey.AuditDenied, Detail: "not billing staff"})
	return journey.Errorf(journey.EFORBIDDEN, "Only the front desk and admins see the billing reports.")
}

// BillingMonthReport returns the months from `from` to `to` (YYYY-MM, in
// loc, the practice's zone), audited with via; EINVALID on from or to.
func (p *Processor) BillingMonthReport(ctx context.Context, a *journey.Actor, from, to string, loc *time.Location, via string) (*MonthReport, error) {
	if err := p.reportGate(ctx, a, "billing.report.months"); err != nil {
		return nil, err
	}
	spans, err := journey.MonthSpans(from, to, loc)
	if err != nil {
		return nil, err
	}
	r := &MonthReport{Spans: spans}
	if r.Rows, err = p.store.BillingMonths(ctx, spans); err != nil {
		return nil, err
	}
	if r.Entities, err = p.store.FindBillingEntities(ctx); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "billing.report.months", SubjectType: "billing", Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s: %s to %s, %d rows", via, from, to, len(r.Rows))})
	return r, nil
}

// AgedReport is the aged balances with the entities they name.
type AgedReport struct {
	AsOf     time.Time
	Rows     []*journey.AgedBalance
	Entities []*journey.BillingEntity
}

// AgedBalances returns every client's balance with each entity at asOf
// by age, audited with the clients shown.
func (p *Processor) AgedBalances(ctx context.Context, a *journey.Actor, asOf time.Time, via string) (*AgedReport, error) {
	if err := p.reportGate(ctx, a, "billing.report.aged"); err != nil {
		return nil, err
	}
	rows, err := p.store.AgedBalances(ctx, asOf)
	if err != nil {
		return nil, err
	}
	es, err := p.store.FindBillingEntities(ctx)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "billing.report.aged", SubjectType: "billing", Outcome: journey.AuditSuccess,
		Detail: via + ": " + IDList("clients", rows, func(r *journey.AgedBalance) int64 { return r.ClientID })})
	return &AgedReport{AsOf: asOf, Rows: rows, Entities: es}, nil
}
