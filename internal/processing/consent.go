package processing

import (
	"context"
	"fmt"
	"slices"

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
	err = attempt(invalid, func() (err error) {
		sig, err = p.store.SignConsent(ctx, c.ID, code, typedName, addr)
		return err
	})
	p.Audit(ctx, a, Entry{Action: "consent.sign", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: detail})
	return sig, err
}

// ConsentSignatures returns the consents client id signed, to whoever may
// see the client, audited as read with via.
func (p *Processor) ConsentSignatures(ctx context.Context, a *journey.Actor, id int64, where string) ([]*journey.ConsentSignature, error) {
	return readClient(ctx, p, a, id, "consent.read", SeeClient,
		func(cid int64) ([]*journey.ConsentSignature, error) { return p.store.FindConsentSignatures(ctx, cid) }, via[[]*journey.ConsentSignature](where))
}

// SignedCopy returns signature sigID of client id and the version of the
// document signed, for its PDF: to whoever may see the client (the client
// themselves too). A signature that is not the client's is "not found";
// each download is audited, the refusal too.
func (p *Processor) SignedCopy(ctx context.Context, a *journey.Actor, id, sigID int64) (*journey.ConsentSignature, *journey.ConsentDocument, error) {
	c, err := p.Client(ctx, a, id, "consent.download", SeeClient)
	if err != nil {
		return nil, nil, err
	}
	sigs, err := p.store.FindConsentSignatures(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(sigs, func(sg *journey.ConsentSignature) bool { return sg.ID == sigID })
	if i < 0 {
		return nil, nil, p.denied(ctx, a, "consent.download", "client", c.ID, "no such signature", "No such signed document.")
	}
	d, err := p.store.FindConsentDocument(ctx, sigs[i].DocumentID)
	if err != nil {
		return nil, nil, err
	}
	p.Audit(ctx, a, Entry{Action: "consent.download", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s v%d", d.Code, d.Version)})
	return sigs[i], d, nil
}
