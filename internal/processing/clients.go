package processing

import (
	"context"

	"github.com/journey-kap/journey"
)

// Rule is a record rule of policy.go: may the actor do this to client c?
type Rule func(a *journey.Actor, c *journey.Client) bool

// The record rules of policy.go that guard a client's record.
var (
	SeeClient     Rule = (*journey.Actor).CanSeeClient    // contact details and path
	SeeClinical   Rule = (*journey.Actor).CanSeeClinical  // the clinical record
	SeeScreening  Rule = (*journey.Actor).CanSeeScreening // the client themselves or their clinicians
	AdministerTo  Rule = (*journey.Actor).CanAdminister   // give a questionnaire
	ClientHimself Rule = (*journey.Actor).IsClient        // the client alone
)

// Client returns client id when the actor passes rule. A client the actor
// may not see is "not found", so ids cannot be probed; the refusal is
// audited with action (e.g. "client.read").
func (p *Processor) Client(ctx context.Context, a *journey.Actor, id int64, action string, rule Rule) (*journey.Client, error) {
	c, err := p.store.FindClientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !rule(a, c) {
		return nil, p.denied(ctx, a, action, "client", c.ID, "not theirs to see", "Client not found.")
	}
	return c, nil
}

// readClient reads part of client id's record with find once the actor
// passes rule, and audits the read as action with detail (of what was
// read).
func readClient[T any](ctx context.Context, p *Processor, a *journey.Actor, id int64, action string, rule Rule,
	find func(clientID int64) (T, error), detail func(T) string) (T, error) {
	var zero T
	c, err := p.Client(ctx, a, id, action, rule)
	if err != nil {
		return zero, err
	}
	v, err := find(c.ID)
	if err != nil {
		return zero, err
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: detail(v)})
	return v, nil
}

// via is a detail that names where a read was made, whatever was read.
func via[T any](where string) func(T) string { return func(T) string { return where } }

// ClientExists reports whether client id exists at all, whoever may see
// it (for the break-glass offer).
func (p *Processor) clientExists(ctx context.Context, id int64) (bool, error) {
	_, err := p.store.FindClientByID(ctx, id)
	return existence(err)
}

// existence turns a lookup's error into whether the record exists.
func existence(err error) (bool, error) {
	switch journey.ErrorCode(err) {
	case "":
		return true, nil
	case journey.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// ClientScope returns the list filter for the clients the actor may list
// (policy.go: ClientScope); ok is false when they may list no one.
func ClientScope(a *journey.Actor) (f journey.ClientFilter, ok bool) {
	switch scope := a.ClientScope(); {
	case scope < 0:
		return f, false
	case scope > 0:
		f.CareTeamMember = scope
	}
	return f, true
}

// ClinicalRecord is the clinical part of a client's record, as the chart,
// the review screen and the API read it.
type ClinicalRecord struct {
	Screening  *journey.Screening
	Latest     []*journey.Response  // newest response to each questionnaire, newest first
	Clearances []*journey.Clearance // newest first
	Alerts     []*journey.Alert     // open first
}

// ClientRecord is a client's record as one person may read it.
type ClientRecord struct {
	Client     *journey.Client
	Signatures []*journey.ConsentSignature
	// The clinical record and intake, nil unless the actor may see them
	// (policy.go: CanSeeClinical) or broke the glass.
	Clinical *ClinicalRecord
	Intake   *journey.Intake
	// CanAdminister: the actor may give the client a questionnaire.
	CanAdminister bool
}

// ClientRecord reads client id's record for the actor: contact details,
// path and consents to whoever may see the client, the clinical record
// only to those who may see it. Each part read is audited, with via
// saying where ("chart", "api").
func (p *Processor) ClientRecord(ctx context.Context, a *journey.Actor, id int64, via string) (*ClientRecord, error) {
	c, err := p.Client(ctx, a, id, "client.read", SeeClient)
	if err != nil {
		return nil, err
	}
	return p.clientRecord(ctx, a, c, via, a.CanSeeClinical(c))
}

// clientRecord reads c's record, its clinical part when clinical.
func (p *Processor) clientRecord(ctx context.Context, a *journey.Actor, c *journey.Client, via string, clinical bool) (*ClientRecord, error) {
	rec := &ClientRecord{Client: c, CanAdminister: a.CanAdminister(c)}
	var err error
	if rec.Signatures, err = p.store.FindConsentSignatures(ctx, c.ID); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "client.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	if !clinical {
		return rec, nil
	}
	if rec.Clinical, err = p.clinicalRecord(ctx, c, false); err != nil {
		return nil, err
	}
	if rec.Intake, err = p.store.FindIntake(ctx, c.ID); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "client.clinical.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return rec, nil
}

// ClinicalRecord reads c's clinical record (c from Client) when the actor
// may see it, and "not found" otherwise; openAlerts keeps only the alerts
// not yet acknowledged. The caller audits the read with what it showed.
func (p *Processor) ClinicalRecord(ctx context.Context, a *journey.Actor, c *journey.Client, openAlerts bool) (*ClinicalRecord, error) {
	if !a.CanSeeClinical(c) {
		return nil, p.denied(ctx, a, "client.clinical.read", "client", c.ID, "not theirs to see", "Client not found.")
	}
	return p.clinicalRecord(ctx, c, openAlerts)
}

func (p *Processor) clinicalRecord(ctx context.Context, c *journey.Client, openAlerts bool) (*ClinicalRecord, error) {
	var rec ClinicalRecord
	var err error
	if rec.Screening, err = p.store.FindScreening(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Latest, err = p.store.LatestResponses(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Clearances, err = p.store.FindClearances(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Alerts, err = p.store.FindAlerts(ctx, 0, c.ID, openAlerts, 50); err != nil {
		return nil, err
	}
	return &rec, nil
}

// Screening returns client id's screening to the client themselves or a
// clinician who may see their clinical record (policy.go:
// CanSeeScreening); clinical says whether the actor may read the
// findings, which a client never does. The read is audited with via.
func (p *Processor) Screening(ctx context.Context, a *journey.Actor, id int64, via string) (sc *journey.Screening, clinical bool, err error) {
	c, err := p.Client(ctx, a, id, "client.clinical.read", SeeScreening)
	if err != nil {
		return nil, false, err
	}
	if sc, err = p.store.FindScreening(ctx, c.ID); err != nil {
		return nil, false, err
	}
	clinical = a.CanSeeClinical(c)
	action := "client.read"
	if clinical {
		action = "client.clinical.read"
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: via})
	return sc, clinical, nil
}

// Clients lists the clients f selects within those the actor may list
// (policy.go: ClientScope; none for one who may list no one), with the
// total, and audits the list as read; via ends the entry's detail.
func (p *Processor) Clients(ctx context.Context, a *journey.Actor, f journey.ClientFilter, via string) ([]*journey.Client, int, error) {
	var cs []*journey.Client
	total := 0
	if scope, ok := ClientScope(a); ok {
		f.CareTeamMember = scope.CareTeamMember
		var err error
		if cs, total, err = p.store.FindClients(ctx, f); err != nil {
			return nil, 0, err
		}
	}
	p.Audit(ctx, a, Entry{Action: "client.list", SubjectType: "client", Outcome: journey.AuditSuccess,
		Detail: IDList("clients", cs, func(c *journey.Client) int64 { return c.ID }) + via})
	return cs, total, nil
}
