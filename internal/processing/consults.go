package processing

import (
	"context"

	"github.com/journey-kap/journey"
)

// Consult returns consult id when the actor may see it (policy.go:
// CanSeeConsult); one they may not see is "not found", so ids cannot be
// probed, and the refusal is audited.
func (p *Processor) Consult(ctx context.Context, a *journey.Actor, id int64) (*journey.Consult, error) {
	c, err := p.store.FindConsultByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeConsult(c) {
		return nil, p.denied(ctx, a, "consult.read", "consult", c.ID, "not on their list", "Consult not found.")
	}
	return c, nil
}

// ConsultScope returns the filter of the consults the actor may list
// (policy.go: ConsultScope) on top of f; ok is false when they may list
// none.
func ConsultScope(a *journey.Actor, f journey.ConsultFilter) (journey.ConsultFilter, bool) {
	switch scope := a.ConsultScope(); {
	case scope < 0:
		return f, false
	case scope > 0:
		f.TherapistID = &scope
	}
	return f, true
}

// ReadConsult returns consult id as Consult does and audits the read, with
// via saying where ("" for the page, "api").
func (p *Processor) ReadConsult(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Consult, error) {
	c, err := p.Consult(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.read", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return c, nil
}

// Consults lists the consults f selects within those the actor may list
// (a therapist their own, front desk and admins all), with the total, and
// audits the list as read; via ends the entry's detail (" via api").
func (p *Processor) Consults(ctx context.Context, a *journey.Actor, f journey.ConsultFilter, via string) ([]*journey.Consult, int, error) {
	f, ok := ConsultScope(a, f)
	if !ok {
		return nil, 0, journey.Errorf(journey.EFORBIDDEN, "You do not have access to consults.")
	}
	cs, total, err := p.store.FindConsults(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.list", SubjectType: "consult", Outcome: journey.AuditSuccess,
		Detail: IDList("consults", cs, func(c *journey.Consult) int64 { return c.ID }) + via})
	return cs, total, nil
}
