package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// DecideClearance records a medical provider's decision cl on client id
// (the provider is the actor): one whose clinical record they may see,
// under the clearance permission. invalid, when not nil, is the caller's
// refusal of what was typed (a date that is no date), audited as a failed
// decision. It returns the client found (nil when the actor may not see
// them) and the decision saved.
func (p *Processor) DecideClearance(ctx context.Context, a *journey.Actor, id int64, cl *journey.Clearance, invalid error) (*journey.Client, *journey.Clearance, error) {
	c, err := p.Client(ctx, a, id, "clearance.decide", SeeClinical)
	if err != nil {
		return nil, nil, err
	}
	if !a.Can(journey.PermClearance) {
		return nil, nil, p.denied(ctx, a, "clearance.decide", "client", c.ID, "not a prescriber", "Client not found.")
	}
	cl.ClientID, cl.ProviderID = c.ID, a.ID()
	var saved *journey.Clearance
	err = attempt(invalid, func() (err error) {
		saved, err = p.store.DecideClearance(ctx, cl)
		return err
	})
	p.Audit(ctx, a, Entry{Action: "clearance.decide", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: decisionDetail(cl)})
	return c, saved, err
}

// decisionDetail names a decision for the audit trail.
func decisionDetail(cl *journey.Clearance) string {
	detail := cl.Decision
	switch detail {
	case journey.DecisionCleared, journey.DecisionDeclined, journey.DecisionNeedsInfo:
	default:
		detail = "no decision"
	}
	if cl.Override {
		detail += " override"
	}
	return detail
}

// Clearances returns client id's decisions, newest first, to the
// clinicians who may see their clinical record, audited as read.
func (p *Processor) Clearances(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Clearance, error) {
	return readClient(ctx, p, a, id, "clearance.read", SeeClinical, func(cid int64) ([]*journey.Clearance, error) { return p.store.FindClearances(ctx, cid) },
		func(cls []*journey.Clearance) string { return fmt.Sprintf("%d decisions%s", len(cls), via) })
}

// ReplyToClearance records client id's answer to the medical provider's
// open question: the client alone may answer. It is audited either way.
func (p *Processor) ReplyToClearance(ctx context.Context, a *journey.Actor, id int64, reply, via string) error {
	c, err := p.Client(ctx, a, id, "clearance.reply", ClientHimself)
	if err != nil {
		return err
	}
	err = p.store.ReplyToClearance(ctx, c.ID, reply)
	p.Audit(ctx, a, Entry{Action: "clearance.reply", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: via})
	return err
}

// ReviewQueue returns one page of the clients awaiting a medical decision,
// most urgent first, with the total, to those who decide (PermClearance),
// and audits the list as read; via ends the entry's detail.
func (p *Processor) ReviewQueue(ctx context.Context, a *journey.Actor, offset, limit int, via string) ([]*journey.ClientSummary, int, error) {
	if !a.Can(journey.PermClearance) {
		return nil, 0, journey.Errorf(journey.EFORBIDDEN, "You do not review clients.")
	}
	sums, total, err := p.store.ReviewQueue(ctx, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	p.Audit(ctx, a, Entry{Action: "review.list", SubjectType: "client", Outcome: journey.AuditSuccess,
		Detail: IDList("clients", sums, func(x *journey.ClientSummary) int64 { return x.Client.ID }) + via})
	return sums, total, nil
}
