package processing

import (
	"context"
	"fmt"
	"time"

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

// BookConsult books req for a caller (front desk, an admin, or a therapist
// for themselves: policy.go ConsultTherapist limits the therapist), with
// the store's booking checks as on the public page, and audits it; via
// ends the entry's detail (" (api)").
func (p *Processor) BookConsult(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (*journey.Consult, error) {
	if !a.Can(journey.PermConsultsWrite) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "You may not book consults.")
	}
	req.TherapistID = a.ConsultTherapist(req.TherapistID)
	c, err := p.store.CreateConsult(ctx, req)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.create", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: "booked by staff for a caller" + via})
	return c, nil
}

// changeConsult finds consult id for a change by the actor: one they may
// see, and may change.
func (p *Processor) changeConsult(ctx context.Context, a *journey.Actor, id int64) (*journey.Consult, error) {
	c, err := p.Consult(ctx, a, id)
	if err == nil && !a.Can(journey.PermConsultsWrite) {
		err = journey.Errorf(journey.EFORBIDDEN, "You may not change consults.")
	}
	return c, err
}

// MoveConsult moves consult id to start with therapist (policy.go
// ConsultTherapist limits whom), audited either way; invalid, when not
// nil, is the caller's refusal of what was typed, audited as a failed
// move. It returns the consult as it now stands, or as it was when the
// move was refused (nil when the actor may not see it).
func (p *Processor) MoveConsult(ctx context.Context, a *journey.Actor, id int64, start time.Time, therapist int64, invalid error, via string) (*journey.Consult, error) {
	c, err := p.changeConsult(ctx, a, id)
	if err != nil {
		return nil, err
	}
	moved := c
	err = attempt(invalid, func() (err error) {
		moved, err = p.store.RescheduleConsultByID(ctx, c.ID, start, a.ConsultTherapist(therapist))
		return err
	})
	if err != nil {
		p.Audit(ctx, a, Entry{Action: "consult.update", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditFailure, Detail: "move by staff" + via})
		return c, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.update", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: "moved by staff" + via})
	return moved, nil
}

// CancelConsult cancels consult id for a caller with the reason staff give
// (required: EINVALID on "reason" otherwise), which goes to the audit
// trail, not to the person. It returns the consult as MoveConsult does.
func (p *Processor) CancelConsult(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Consult, error) {
	c, err := p.changeConsult(ctx, a, id)
	if err != nil {
		return nil, err
	}
	reason, err = staffCancelReason(reason)
	cancelled := c
	if err == nil {
		cancelled, err = p.store.CancelConsultByID(ctx, c.ID, reason)
	}
	if err != nil {
		return c, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.cancel", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Reason: reason, Detail: "cancelled by staff" + via})
	return cancelled, nil
}

// staffCancelReason checks the reason staff give for cancelling: the
// visitor's rules (journey.CancelReason), and staff must give one.
func staffCancelReason(v string) (string, error) {
	reason, err := journey.CancelReason(v)
	if err == nil && reason == "" {
		var val journey.Validation
		val.Add("reason", fmt.Sprintf("Say why the consult is cancelled (for example \"caller asked\"), in at most %d characters.", journey.MaxCancelReasonLen))
		err = val.Err()
	}
	return reason, err
}

// SetConsultStatus marks consult id held or missed (journey.MarkLead: from
// 15 minutes before its start), audited either way. It returns the
// consult as MoveConsult does.
func (p *Processor) SetConsultStatus(ctx context.Context, a *journey.Actor, id int64, status string) (*journey.Consult, error) {
	c, err := p.changeConsult(ctx, a, id)
	if err != nil {
		return nil, err
	}
	updated, err := p.store.SetConsultStatus(ctx, c.ID, status)
	p.Audit(ctx, a, Entry{Action: "consult.update", SubjectType: "consult", SubjectID: c.ID, Outcome: outcome(err), Detail: "status"})
	if err != nil {
		return c, err
	}
	return updated, nil
}

// CanChange reports whether the actor may move or cancel consult c now:
// one they may see and change, still to happen.
func CanChange(a *journey.Actor, c *journey.Consult, now time.Time) bool {
	return a.Can(journey.PermConsultsWrite) && a.CanSeeConsult(c) && c.Upcoming(now)
}
