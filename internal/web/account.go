package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
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
			loc, zone = s.clientZone(r.Context(), c)
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
	if err := s.store.EndUserSession(r.Context(), a.ID(), id); err != nil {
		s.audit(r, "session.end", "session", id, journey.AuditDenied, "not theirs, or gone")
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "session.end", "session", id, journey.AuditSuccess, "")
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
	users, err := s.store.FindUsers(r.Context(), journey.UserStaff)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "staff.list", "user", "", journey.AuditSuccess, "")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_list", &staffListPage{Actor: actorFrom(r), Users: users, AllRoles: journey.StaffRoles})
}

// handleStaffDeactivate turns an account off: its sessions and tokens end
// in the same transaction.
func (s *Server) handleStaffDeactivate(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if id == a.ID() {
		s.pageError(w, r, journey.Errorf(journey.ECONFLICT, "You cannot deactivate your own account."))
		return
	}
	if _, err := s.staffMember(r, id); err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := s.store.DeactivateUser(r.Context(), id); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "user.deactivate", "user", id, journey.AuditSuccess, "")
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// handleStaffRoles replaces a staff member's roles. Their sessions end, so
// the new privileges start with a new session id; the change is audited.
func (s *Server) handleStaffRoles(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	a := actorFrom(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := s.staffMember(r, id); err != nil {
		s.pageError(w, r, err)
		return
	}
	roles := r.PostForm["roles"]
	if id == a.ID() && !slices.Contains(roles, journey.RoleAdmin) {
		s.pageError(w, r, journey.Errorf(journey.ECONFLICT, "You cannot remove your own admin role: ask another admin."))
		return
	}
	if err := s.store.SetRoles(r.Context(), id, roles); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "user.roles", "user", id, journey.AuditSuccess, strings.Join(roles, ","))
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// staffMember returns the member of staff with id: ENOTFOUND for no user or
// one who is not staff, and the store's error when it cannot tell.
func (s *Server) staffMember(r *http.Request, id int64) (*journey.User, error) {
	u, err := s.store.FindUserByID(r.Context(), id)
	if err == nil && !u.IsStaff() || journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
	}
	return u, err
}
