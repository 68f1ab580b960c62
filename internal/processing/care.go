package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// clientChange finds client id for a change the actor makes under
// permission perm: a client they may see (else "not found", audited with
// action), and a permission their role holds (else EFORBIDDEN).
func (p *Processor) clientChange(ctx context.Context, a *journey.Actor, id int64, action string, perm journey.Permission) (*journey.Client, error) {
	c, err := p.Client(ctx, a, id, action, SeeClient)
	if err == nil && !a.Can(perm) {
		err = journey.Errorf(journey.EFORBIDDEN, "You do not have access to this.")
	}
	return c, err
}

// ChangeCareTeam adds member to client id's care team, or takes them off
// when remove (never the last therapist: ECONFLICT), audited either way,
// and returns the client as they now stand. A member of staff who does
// not exist is ENOTFOUND from the store.
func (p *Processor) ChangeCareTeam(ctx context.Context, a *journey.Actor, id, member int64, remove bool) (*journey.Client, error) {
	c, err := p.clientChange(ctx, a, id, "client.careteam", journey.PermClientsWrite)
	if err != nil {
		return nil, err
	}
	action := "client.careteam.add"
	if remove {
		action = "client.careteam.remove"
		err = p.store.RemoveCareMember(ctx, c.ID, member)
	} else {
		err = p.store.AddCareMember(ctx, c.ID, member)
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: fmt.Sprintf("user %d", member)})
	if err != nil {
		return c, err
	}
	return p.store.FindClientByID(ctx, c.ID)
}

// ReinviteClient sends client id, who has not joined the portal, a fresh
// invitation (earlier links stop working; ECONFLICT once they have
// joined), audited either way with via. It returns the client found, nil
// when the actor may not see them.
func (p *Processor) ReinviteClient(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Client, error) {
	c, err := p.clientChange(ctx, a, id, "client.invite", journey.PermClientsWrite)
	if err != nil {
		return nil, err
	}
	token, err := NewClientToken()
	if err == nil {
		err = p.store.ReinviteClient(ctx, c.ID, a.ID(), token)
	}
	p.Audit(ctx, a, Entry{Action: "client.invite", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: "reinvite" + via})
	return c, err
}

// NewClientToken returns a fresh portal invitation token.
func NewClientToken() (string, error) {
	token, _, err := auth.NewToken(auth.PrefixInvitation)
	return token, err
}

// CreateClient adds client n, created by the actor, and queues their
// portal invitation in the same transaction (sqldb). From a consult (the
// consult's person, with its therapist) the actor must see the consult.
// It is audited: a failure from a consult against the consult.
func (p *Processor) CreateClient(ctx context.Context, a *journey.Actor, n *journey.NewClient) (*journey.Client, error) {
	if !a.Can(journey.PermClientsWrite) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "You may not add clients.")
	}
	if n.ConsultID != 0 {
		if _, err := p.Consult(ctx, a, n.ConsultID); err != nil {
			return nil, err
		}
	}
	n.CreatedBy = a.ID()
	token, err := NewClientToken()
	if err != nil {
		return nil, err
	}
	c, err := p.store.CreateClient(ctx, n, token)
	if err != nil {
		if n.ConsultID != 0 {
			p.Audit(ctx, a, Entry{Action: "client.create", SubjectType: "consult", SubjectID: n.ConsultID, Outcome: journey.AuditFailure,
				Detail: journey.ErrorCode(err)})
		}
		return nil, err
	}
	detail := "added directly"
	if n.ConsultID != 0 {
		detail = fmt.Sprintf("from consult %d", n.ConsultID)
	}
	p.Audit(ctx, a, Entry{Action: "client.create", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: detail})
	return c, nil
}
