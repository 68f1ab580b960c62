package processing

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// SessionView is one care session as its page shows it to the actor: the
// session (a chaperone's limited view when InFull is false), its type,
// its clients as the viewer may name them, the telehealth link of a
// remote session, and what the actor may do with it.
type SessionView struct {
	Session *journey.CareSession
	Type    *journey.SessionType
	// Clients names the session's client or a group's attendees by id, as
	// the calendar does (CalendarClient); a chaperone's view has none and
	// carries the first name in Session.FirstName.
	Clients     map[int64]CalendarClient
	Link        string // the video link of a remote session; "" otherwise
	InFull      bool   // false: a chaperone's view, nothing clinical
	CanRun      bool   // check in, start, complete, no-show (CanRunSession)
	CanChange   bool   // reschedule and cancel (CanBookSession)
	CanAttend   bool   // add and remove a group's clients
	CanNote     bool   // write its notes (CanWriteNote): the page links them
	CancelHours int    // the practice's notice: a cancellation inside it is late
}

// LateIfCancelled reports whether a cancellation at now would be marked
// late: inside the practice's notice before the start.
func (v *SessionView) LateIfCancelled(now time.Time) bool {
	return v.Session.Start.Sub(now) < time.Duration(v.CancelHours)*time.Hour
}

// SessionView returns session id for its page, with what the actor may
// do with it, and audits the read like CareSession; one they may not see
// is "not found" (audited).
func (p *Processor) SessionView(ctx context.Context, a *journey.Actor, id int64, via string) (*SessionView, error) {
	s, c, err := p.session(ctx, a, id, "session.read")
	if err != nil {
		return nil, err
	}
	t, err := p.sessionType(ctx, s.Type)
	if err != nil {
		return nil, err
	}
	v := &SessionView{Session: s, Type: t, InFull: a.SessionInFull(s), CanRun: a.CanRunSession(s)}
	if c == nil {
		if ids := journey.SessionClients(s); len(ids) > 0 {
			if c, err = p.store.FindClientByID(ctx, ids[0]); err != nil {
				return nil, err
			}
		}
	}
	v.CanChange = v.InFull && s.Active() && c != nil && a.CanBookSession(c, t)
	v.CanNote = a.CanWriteNote(s, c)
	v.CanAttend = v.InFull && t.Capacity > 1 && a.Can(journey.PermSessionsWrite) && s.Active()
	if v.Clients, err = p.clientLabels(ctx, a, journey.SessionClients(s)); err != nil {
		return nil, err
	}
	if v.Link, err = p.TelehealthLink(ctx, s); err != nil {
		return nil, err
	}
	if v.CancelHours, err = p.store.SessionCancelHours(ctx); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "session.read", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess, Detail: "session" + via})
	return v, nil
}

// clientLabels names clients ids as the actor may see them: by name with
// their record when they may see it, by initials otherwise.
func (p *Processor) clientLabels(ctx context.Context, a *journey.Actor, ids []int64) (map[int64]CalendarClient, error) {
	out := make(map[int64]CalendarClient, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cs, err := p.store.FindClientsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if a.CanSeeClient(c) {
			out[c.ID] = CalendarClient{Label: c.Name, Chart: true}
		} else {
			out[c.ID] = CalendarClient{Label: journey.Initials(c.Name)}
		}
	}
	return out, nil
}
