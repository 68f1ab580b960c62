package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// Alerts returns the safety alerts of the clients whose clinical record the
// actor may see (policy.go: AlertScope), open ones only when open, at most
// limit, and audits the list as read; via ends the entry's detail (" via
// api", " on the dashboard"). An empty list is audited only when
// auditEmpty.
func (p *Processor) Alerts(ctx context.Context, a *journey.Actor, open bool, limit int, via string, auditEmpty bool) ([]*journey.Alert, error) {
	als, err := p.store.FindAlerts(ctx, a.AlertScope(), 0, open, limit)
	if err != nil {
		return nil, err
	}
	what := "alerts"
	if open {
		what = "open alerts"
	}
	if len(als) > 0 || auditEmpty {
		p.Audit(ctx, a, Entry{Action: "alert.read", SubjectType: "alert", Outcome: journey.AuditSuccess,
			Detail: IDList(what, als, func(a *journey.Alert) int64 { return a.ID }) + via})
	}
	return als, nil
}

// alert returns alert id with its client's name when the actor may see the
// client's clinical record; any other alert is "not found", and the
// refusal is audited.
func (p *Processor) alert(ctx context.Context, a *journey.Actor, id int64) (*journey.Alert, error) {
	al, err := p.store.FindAlert(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := p.store.FindClientByID(ctx, al.ClientID)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeClinical(c) {
		return nil, p.denied(ctx, a, "alert.read", "alert", al.ID, "not their client", "Alert not found.")
	}
	al.ClientName = c.Name
	return al, nil
}

// AcknowledgeAlert records that the actor followed up alert id with note,
// and returns the alert as it now stands. An alert of a client whose
// clinical record the actor may not see is "not found"; a missing note is
// EINVALID on the field "note", one already acknowledged ECONFLICT.
func (p *Processor) AcknowledgeAlert(ctx context.Context, a *journey.Actor, id int64, note string) (*journey.Alert, error) {
	al, err := p.alert(ctx, a, id)
	if err != nil {
		return nil, err
	}
	err = p.store.AcknowledgeAlert(ctx, al.ID, a.ID(), note)
	p.Audit(ctx, a, Entry{Action: "alert.acknowledge", SubjectType: "alert", SubjectID: al.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("client %d", al.ClientID)})
	if err != nil {
		return nil, err
	}
	name := al.ClientName
	if al, err = p.store.FindAlert(ctx, al.ID); err != nil {
		return nil, err
	}
	al.ClientName = name
	return al, nil
}
