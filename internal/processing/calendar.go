package processing

import (
	"context"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// CalendarStore is what the calendar reads beside the sessions.
type CalendarStore interface {
	FindClientsByIDs(ctx context.Context, ids []int64) ([]*journey.Client, error)
}

// CalendarQuery asks for one calendar over [From, To): a member of
// staff's, a room's or a client's (one id set), or every session the
// actor may list (none).
type CalendarQuery struct {
	From, To                  time.Time
	StaffID, RoomID, ClientID int64
}

// Calendar is the sessions of a calendar with each client as the viewer
// may name them.
type Calendar struct {
	Sessions []*journey.CareSession
	// Clients holds each session's client by id. A chaperone's sessions
	// carry no client id, only the first name (CareSession.FirstName).
	Clients map[int64]CalendarClient
}

// CalendarClient is a session's client as the viewer may name them: by
// name with a link to the record when they may see it, by initials
// otherwise (a clinician in a session of someone else's client).
type CalendarClient struct {
	Label string
	Chart bool
}

// Calendar returns the sessions q selects that the actor may list
// (CareSessions: its record rules, a chaperone's limited view, and the
// audit entry of the list) with their clients' names as the actor may see
// them.
func (p *Processor) Calendar(ctx context.Context, a *journey.Actor, q CalendarQuery) (*Calendar, error) {
	ss, err := p.CareSessions(ctx, a, journey.CareSessionFilter{From: q.From, To: q.To, StaffID: q.StaffID, RoomID: q.RoomID,
		ClientID: q.ClientID, Limit: journey.MaxSessionList}, " via calendar")
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var ids []int64
	if q.ClientID != 0 {
		// The client's own calendar is titled with their name even in a
		// week without sessions, when the viewer may see their record.
		seen[q.ClientID], ids = true, append(ids, q.ClientID)
	}
	for _, s := range ss {
		for _, id := range journey.SessionClients(s) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	cs, err := p.store.FindClientsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	cal := &Calendar{Sessions: ss, Clients: make(map[int64]CalendarClient, len(cs))}
	for _, c := range cs {
		switch {
		case a.CanSeeClient(c):
			cal.Clients[c.ID] = CalendarClient{Label: c.Name, Chart: true}
		case c.ID == q.ClientID && !slices.ContainsFunc(ss, func(s *journey.CareSession) bool { return slices.Contains(journey.SessionClients(s), c.ID) }):
			// Asked for by id, in none of the sessions listed: not named.
		default:
			cal.Clients[c.ID] = CalendarClient{Label: journey.Initials(c.Name)}
		}
	}
	return cal, nil
}
