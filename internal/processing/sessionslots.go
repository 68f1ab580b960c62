package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// SessionSlotStore is what a search for session slots reads.
type SessionSlotStore interface {
	FindSessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	FindSessionSlots(ctx context.Context, q journey.SessionSlotQuery) ([]journey.SessionSlot, error)
}

// SessionSlots returns the times a session of q.Type can be held for
// q.ClientID, with who and which room it would reserve, when the actor
// may look (CanFindSessionSlots): staff for a client they may see, a
// client for themselves and the types the practice opens to clients. A
// client the actor may not see is "not found" (audited); a client asking
// for a type the practice books is EINVALID on type. The search is
// audited with the type and mode.
func (p *Processor) SessionSlots(ctx context.Context, a *journey.Actor, q journey.SessionSlotQuery) ([]journey.SessionSlot, error) {
	const action = "session_slots.read"
	if err := q.Validate(); err != nil {
		return nil, err
	}
	c, err := p.store.FindClientByID(ctx, q.ClientID)
	if err != nil {
		return nil, err
	}
	types, err := p.store.FindSessionTypes(ctx)
	if err != nil {
		return nil, err
	}
	var t *journey.SessionType
	for _, ty := range types {
		if ty.Code == q.Type {
			t = ty
		}
	}
	switch {
	case t == nil:
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "type", Detail: "Choose a session type."}}}
	case a.CanFindSessionSlots(c, t):
	case a.IsClient(c):
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "type " + t.Code + " is booked by the practice"})
		msg := "The practice books this kind of session with you: please ask them."
		return nil, &journey.Error{Code: journey.EINVALID, Message: msg, Fields: []journey.FieldError{{Field: "type", Detail: msg}}}
	default:
		return nil, p.denied(ctx, a, action, "client", c.ID, "not theirs to see", "Client not found.")
	}
	slots, err := p.store.FindSessionSlots(ctx, q)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("type %s, %s, %d slots", t.Code, q.Mode, len(slots))})
	return slots, nil
}
