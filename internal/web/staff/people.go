package staff

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type StaffListPage struct {
	Actor    *journey.Actor
	Users    []*journey.User
	AllRoles []string
}

func (*StaffListPage) PageTitle() string { return "Staff" }

func (s *Handler) HandleStaffList(w http.ResponseWriter, r *http.Request) {
	users, err := s.proc.StaffList(r.Context(), s.kit.Who(r), func(int) string { return "" })
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_list", &StaffListPage{Actor: webkit.ActorFrom(r), Users: users, AllRoles: journey.StaffRoles})
}

// HandleStaffDeactivate turns an account off: its sessions and tokens end
// in the same transaction.
func (s *Handler) HandleStaffDeactivate(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.DeactivateStaff(r.Context(), s.kit.Who(r), id); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// HandleStaffRoles replaces a staff member's roles. Their sessions end, so
// the new privileges start with a new session id; the change is audited.
func (s *Handler) HandleStaffRoles(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.SetStaffRoles(r.Context(), s.kit.Who(r), id, r.PostForm["roles"]); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}
