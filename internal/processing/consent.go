package processing

import (
	"context"

	"github.com/journey-kap/journey"
)

// SignConsent records client id's signature of document code with the
// name they typed, from addr. Only the client signs for themselves: staff
// who may see the client are refused with EFORBIDDEN, anyone else gets
// "not found"; both are audited. invalid, when not nil, is the caller's
// refusal of what was sent (a version no longer current, the box not
// ticked), audited as a failed signing. detail names the document in the
// entry.
func (p *Processor) SignConsent(ctx context.Context, a *journey.Actor, id int64, code, typedName, addr string, invalid error, detail string) (*journey.ConsentSignature, error) {
	c, err := p.Client(ctx, a, id, "consent.sign", SeeClient)
	if err != nil {
		return nil, err
	}
	if !a.IsClient(c) {
		p.Audit(ctx, a, Entry{Action: "consent.sign", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "not the client"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the client can sign their consent documents.")
	}
	var sig *journey.ConsentSignature
	err = invalid
	if err == nil {
		sig, err = p.store.SignConsent(ctx, c.ID, code, typedName, addr)
	}
	p.Audit(ctx, a, Entry{Action: "consent.sign", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: detail})
	return sig, err
}

// ConsentSignatures returns the consents client id signed, to whoever may
// see the client, audited as read with via.
func (p *Processor) ConsentSignatures(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.ConsentSignature, error) {
	c, err := p.Client(ctx, a, id, "consent.read", SeeClient)
	if err != nil {
		return nil, err
	}
	sigs, err := p.store.FindConsentSignatures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consent.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return sigs, nil
}
