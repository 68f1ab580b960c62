package portal

// The client's own sessions: upcoming and past, in their zone, with where
// (the room and address, or the video link) and the status; moving one to
// a free time with the same people, and cancelling with a reason, for the
// types the practice opens to clients. Others: "call the practice".
// processing.SessionView finds the session through the signed-in client:
// another client's is "not found".

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// SessionsProcessing is the part of processing the client's sessions call.
type SessionsProcessing interface {
	CareSessions(ctx context.Context, a *journey.Actor, f journey.CareSessionFilter, via string) ([]*journey.CareSession, error)
	SessionView(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.SessionView, error)
	RescheduleSession(ctx context.Context, a *journey.Actor, id int64, start time.Time, via string) (*journey.CareSession, error)
	CancelSession(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.CareSession, error)
	TelehealthLink(ctx context.Context, s *journey.CareSession) (string, error)
}

// SessionsReads is what the client's sessions read of the practice: its
// rooms and locations, to say where.
type SessionsReads interface {
	FindRooms(ctx context.Context) ([]*journey.Room, error)
	FindLocations(ctx context.Context) ([]*journey.Location, error)
}

const viaPortal = " via portal"

// SessionsPage is the client's sessions.
type SessionsPage struct {
	Zone     string
	Upcoming []SessionItem
	Past     []SessionItem
}

func (*SessionsPage) PageTitle() string { return "Your sessions" }

// SessionItem is one session as the client sees it.
type SessionItem struct {
	ID      int64
	When    string
	Type    string
	Where   string
	Address string
	Link    string
	Status  string
	Late    bool
	Active  bool // booked: it can still be moved or cancelled
	Href    string
}

// HandleSessions lists the client's sessions, the coming ones first.
func (s *Handler) HandleSessions(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	now := s.now()
	ss, err := s.proc.CareSessions(r.Context(), s.kit.Who(r), journey.CareSessionFilter{From: now.AddDate(-2, 0, 0), To: now.AddDate(2, 0, 0),
		Limit: journey.MaxSessionList}, viaPortal)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w2, err := s.where(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	types, err := s.proc.SessionTypes(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p := &SessionsPage{Zone: zone}
	for _, cs := range ss {
		it, err := s.sessionItem(r.Context(), cs, types, w2, loc)
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		if cs.End.After(now) {
			p.Upcoming = append(p.Upcoming, it)
		} else {
			p.Past = append([]SessionItem{it}, p.Past...) // the latest first
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_sessions", p)
}

// places names the practice's rooms with their location and address.
type places map[int64]struct{ where, address string }

func (s *Handler) where(ctx context.Context) (places, error) {
	rs, err := s.store.FindRooms(ctx)
	if err != nil {
		return nil, err
	}
	ls, err := s.store.FindLocations(ctx)
	if err != nil {
		return nil, err
	}
	out := places{}
	// A session in person without a room is at the practice.
	if pr, err := s.kit.Practice(ctx); err == nil {
		out[0] = struct{ where, address string }{"In person, at the practice", pr.Address}
	}
	for _, rm := range rs {
		pl := struct{ where, address string }{where: "Room " + rm.Name}
		for _, l := range ls {
			if l.ID == rm.LocationID {
				pl.where += ", " + l.Name
				pl.address = l.Address
			}
		}
		out[rm.ID] = pl
	}
	return out, nil
}

// sessionItem says session cs in words and the client's zone.
func (s *Handler) sessionItem(ctx context.Context, cs *journey.CareSession, types []*journey.SessionType, pl places, loc *time.Location) (SessionItem, error) {
	it := SessionItem{ID: cs.ID, Type: cs.Type, Status: journey.SessionStatusWords(cs.Status), Late: cs.LateCancel,
		Active: cs.Status == journey.SessionBooked, Href: fmt.Sprintf("/portal/sessions/%d", cs.ID),
		When: cs.Start.In(loc).Format("Monday 2 January 2006, 15:04") + "–" + cs.End.In(loc).Format("15:04")}
	for _, t := range types {
		if t.Code == cs.Type {
			it.Type = t.Name
		}
	}
	switch {
	case cs.Mode == journey.ModeRemote:
		it.Where = "By video, from home"
		link, err := s.proc.TelehealthLink(ctx, cs)
		if err != nil {
			return it, err
		}
		it.Link = link
	default:
		it.Where, it.Address = pl[cs.RoomID].where, pl[cs.RoomID].address
		if it.Where == "" {
			it.Where = "In person"
		}
	}
	return it, nil
}

// portalSessionID reads the path's {id}; ENOTFOUND when it is not an id.
func portalSessionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, journey.Errorf(journey.ENOTFOUND, "Session not found.")
	}
	return id, nil
}
