package web

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type sessionsPage struct {
	Actor   *journey.Actor
	Devices []deviceRow
	Zone    string
}

// deviceRow is one signed-in session as the person reads it.
type deviceRow struct {
	ID                   int64
	Device, From         string
	SignedIn, LastActive string // in the practice's zone, zone named
	Current              bool
}

func (*sessionsPage) PageTitle() string { return "Signed-in devices" }

// handleSessionsView lists where the person is signed in (ONC d(5)), so
// they can end a session they do not recognise.
func (s *Server) handleSessionsView(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	ss, err := s.store.FindUserSessions(r.Context(), a.ID())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, zone := s.practiceZone(r)
	if a.User.Kind == journey.UserClient {
		if c, err := s.portalClient(r); err == nil {
			loc, zone = webkit.ClientZone(r.Context(), kit{s}, s.store, c)
		}
	}
	page := &sessionsPage{Actor: a, Zone: zone}
	const when = "Mon 2 Jan, 3:04 PM MST"
	for _, x := range ss {
		page.Devices = append(page.Devices, deviceRow{ID: x.ID, Device: deviceName(x.UserAgent), From: x.ClientAddr,
			SignedIn: x.CreatedAt.In(loc).Format(when), LastActive: x.LastSeenAt.In(loc).Format(when), Current: x.ID == a.SessionID})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "sessions", page)
}

func (s *Server) handleSessionEnd(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.EndSession(r.Context(), a, id); err != nil {
		s.pageError(w, r, err)
		return
	}
	if id == a.SessionID {
		s.clearSessionCookie(w)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account/sessions", http.StatusSeeOther)
}

// portalClient returns the signed-in client's record.
func (s *Server) portalClient(r *http.Request) (*journey.Client, error) {
	return s.store.FindClientByUserID(r.Context(), actorFrom(r).ID())
}
