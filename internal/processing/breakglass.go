package processing

import (
	"context"

	"github.com/journey-kap/journey"
)

// BreakGlassOffered reports whether the actor, refused a record of kind
// (journey.BreakGlass…) with id, may open it by giving a reason: they may
// break the glass on that kind and the record exists. The offer is an
// interstitial; the record stays closed until the reason is given.
func (p *Processor) BreakGlassOffered(ctx context.Context, a *journey.Actor, kind string, id int64) (bool, error) {
	if !a.CanBreakGlass(kind) {
		return false, nil
	}
	switch kind {
	case journey.BreakGlassClient:
		return p.clientExists(ctx, id)
	case journey.BreakGlassConsult:
		_, err := p.store.FindConsultByID(ctx, id)
		return existence(err)
	}
	return false, nil
}

// breakGlass checks the actor may break the glass on kind and the reason
// they gave; notFound is the answer to one who may not.
func breakGlass(a *journey.Actor, kind, reason, notFound string) error {
	if !a.CanBreakGlass(kind) {
		return journey.Errorf(journey.ENOTFOUND, "%s", notFound)
	}
	if n := len([]rune(reason)); n < 10 || n > 500 {
		var v journey.Validation
		v.Add("reason", "Say why you need this record, in 10 to 500 characters. An admin will review it.")
		return v.Err()
	}
	return nil
}

// auditBreakGlass records the access with its reason, flagged for an
// admin's review under the breakglass action.
func (p *Processor) auditBreakGlass(ctx context.Context, a *journey.Actor, kind string, id int64, reason string) {
	p.Audit(ctx, a, Entry{Action: "breakglass." + kind, SubjectType: kind, SubjectID: id, Outcome: journey.AuditSuccess,
		Reason: reason, Detail: "outside care team; for admin review"})
}

// BreakGlassConsult opens consult id outside the clinician's list once
// they give a reason (10 to 500 characters, else EINVALID on "reason"):
// for this request, audited with the reason (ONC 170.315(d)(6)). One who
// may not break the glass gets "not found".
func (p *Processor) BreakGlassConsult(ctx context.Context, a *journey.Actor, id int64, reason string) (*journey.Consult, error) {
	if err := breakGlass(a, journey.BreakGlassConsult, reason, "Consult not found."); err != nil {
		return nil, err
	}
	c, err := p.store.FindConsultByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p.auditBreakGlass(ctx, a, journey.BreakGlassConsult, c.ID, reason)
	return c, nil
}

// BreakGlassClient opens client id's record, clinical part included,
// outside the care team once the clinician gives a reason, as
// BreakGlassConsult does; the reads are audited as on the chart.
func (p *Processor) BreakGlassClient(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*ClientRecord, error) {
	if err := breakGlass(a, journey.BreakGlassClient, reason, "Client not found."); err != nil {
		return nil, err
	}
	c, err := p.store.FindClientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p.auditBreakGlass(ctx, a, journey.BreakGlassClient, c.ID, reason)
	return p.clientRecord(ctx, a, c, via, true)
}
