package processing

import (
	"context"

	"github.com/journey-kap/journey"
)

// Intake returns client id's intake to the client themselves or a
// clinician who may see their clinical record, audited as read.
func (p *Processor) Intake(ctx context.Context, a *journey.Actor, id int64, where string) (*journey.Intake, error) {
	return readClient(ctx, p, a, id, "intake.read", SeeScreening, func(cid int64) (*journey.Intake, error) { return p.store.FindIntake(ctx, cid) },
		via[*journey.Intake](where))
}

// SaveIntakeStep saves one step of client id's intake from in: the client
// themselves, or a clinician of theirs in session (policy.go:
// CanAdminister). It is audited either way, and a phone number that
// replaced the one on record is audited as a contact change.
func (p *Processor) SaveIntakeStep(ctx context.Context, a *journey.Actor, id int64, step string, in *journey.Intake) (*journey.Intake, error) {
	c, err := p.Client(ctx, a, id, "intake.update", AdministerTo)
	if err != nil {
		return nil, err
	}
	saved, err := p.store.SaveIntakeStep(ctx, c.ID, step, in)
	p.Audit(ctx, a, Entry{Action: "intake.update", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: step})
	if err == nil && saved.ContactUpdated {
		p.Audit(ctx, a, Entry{Action: "client.contact.update", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
			Detail: "phone, from the intake"})
	}
	return saved, err
}

// CreateResponse scores and stores answers to questionnaire code for
// client id: the client themselves, or a clinician of theirs in session.
// A safety flag raises an alert in the same transaction (sqldb). It is
// audited either way.
func (p *Processor) CreateResponse(ctx context.Context, a *journey.Actor, id int64, code string, answers []int) (*journey.Response, error) {
	c, err := p.Client(ctx, a, id, "response.create", AdministerTo)
	if err != nil {
		return nil, err
	}
	resp, _, err := p.store.CreateResponse(ctx, c.ID, code, answers, a.ID())
	p.Audit(ctx, a, Entry{Action: "response.create", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: code})
	return resp, err
}

// Responses returns client id's responses to questionnaire code (all when
// ""), newest first, at most limit, to the client themselves or a
// clinician who may see their clinical record, audited as read.
func (p *Processor) Responses(ctx context.Context, a *journey.Actor, id int64, code string, limit int, where string) ([]*journey.Response, error) {
	return readClient(ctx, p, a, id, "response.read", SeeScreening,
		func(cid int64) ([]*journey.Response, error) { return p.store.FindResponses(ctx, cid, code, limit) }, via[[]*journey.Response](where))
}
