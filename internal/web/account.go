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

type staffListPage struct {
	Actor    *journey.Actor
	Users    []*journey.User
	AllRoles []string
}

func (*staffListPage) PageTitle() string { return "Staff" }

func (s *Server) handleStaffList(w http.ResponseWriter, r *http.Request) {
	users, err := s.proc.StaffList(r.Context(), s.who(r), func(int) string { return "" })
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_list", &staffListPage{Actor: actorFrom(r), Users: users, AllRoles: journey.StaffRoles})
}

// handleStaffDeactivate turns an account off: its sessions and tokens end
// in the same transaction.
func (s *Server) handleStaffDeactivate(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.DeactivateStaff(r.Context(), s.who(r), id); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// handleStaffRoles replaces a staff member's roles. Their sessions end, so
// the new privileges start with a new session id; the change is audited.
func (s *Server) handleStaffRoles(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.SetStaffRoles(r.Context(), s.who(r), id, r.PostForm["roles"]); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// staffMember returns the member of staff with id: ENOTFOUND for no user or
// one who is not staff, and the store's error when it cannot tell.
func (s *Server) staffMember(r *http.Request, id int64) (*journey.User, error) {
	return s.proc.StaffMember(r.Context(), id)
}
