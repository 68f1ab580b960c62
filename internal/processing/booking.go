package processing

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// A visitor's consult: booked from the public page or the API, then read,
// moved and cancelled by its manage link. The link's token is the visitor's
// only credential; a record rule has nothing to add to it.

// Book books req for a visitor, or holds its time when the practice takes
// bookings privately (held: the visitor confirms by an emailed link, and
// the answer is the same whatever the address). via says where ("public
// booking page", "api").
func (p *Processor) Book(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (c *journey.Consult, held bool, err error) {
	settings, err := p.store.FindBookingSettings(ctx)
	if err != nil {
		return nil, false, err
	}
	if settings.Private {
		if err := p.store.HoldConsult(ctx, req); err != nil {
			return nil, true, err
		}
		p.Audit(ctx, a, Entry{Action: "consult.hold", SubjectType: "consult", Outcome: journey.AuditSuccess, Detail: via})
		return nil, true, nil
	}
	if c, err = p.store.CreateConsult(ctx, req); err != nil {
		return nil, false, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.create", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return c, false, nil
}

// ConfirmHold books the time held under token (journey.ErrHoldExpired once
// it lapsed; ECONFLICT when it was taken meanwhile).
func (p *Processor) ConfirmHold(ctx context.Context, a *journey.Actor, token string) (*journey.Consult, error) {
	c, err := p.store.ConfirmHold(ctx, token)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.create", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: "confirmed hold"})
	return c, nil
}

// ManagedConsult returns the consult of manage link token, its read
// audited with via.
func (p *Processor) ManagedConsult(ctx context.Context, a *journey.Actor, token, via string) (*journey.Consult, error) {
	c, err := p.store.FindConsultByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.read", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return c, nil
}

// RescheduleManaged moves the consult of manage link token to start with
// therapist (0: the same), audited with via.
func (p *Processor) RescheduleManaged(ctx context.Context, a *journey.Actor, token string, start time.Time, therapist int64, via string) (*journey.Consult, error) {
	c, err := p.store.RescheduleConsult(ctx, token, start, therapist)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.update", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return c, nil
}

// CancelManaged cancels the consult of manage link token with the
// visitor's optional reason, audited with via.
func (p *Processor) CancelManaged(ctx context.Context, a *journey.Actor, token, reason, via string) (*journey.Consult, error) {
	c, err := p.store.CancelConsult(ctx, token, reason)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consult.cancel", SubjectType: "consult", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return c, nil
}
