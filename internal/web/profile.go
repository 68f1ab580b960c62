package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
)

// Staff profiles: an admin edits anyone's (/admin/staff/{id}/profile), each
// member of staff their own (/account/profile); the same checks, the same
// audit entry (staff.profile.update).

type profilePage struct {
	Actor     *journey.Actor
	Profile   *journey.StaffProfile
	Own       bool   // the signed-in person's own profile
	Action    string // where the form posts
	HoursURL  string // the consult hours page, when the viewer may open it
	Zones     []zoneOption
	States    []string
	Saved     bool
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (p *profilePage) PageTitle() string {
	if p.Own {
		return "Your profile"
	}
	return "Staff profile"
}

// profileTarget returns whose profile the request is about: the path's
// staff member on admin routes, the actor on /account and /me routes.
func (s *Server) profileTarget(r *http.Request) (int64, bool, error) {
	if v := r.PathValue("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false, journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
		}
		return id, id == actorFrom(r).ID(), nil
	}
	return actorFrom(r).ID(), true, nil
}

func (s *Server) newProfilePage(r *http.Request, p *journey.StaffProfile, own bool) *profilePage {
	a := actorFrom(r)
	page := &profilePage{Actor: a, Profile: p, Own: own, Action: "/account/profile", Zones: zoneOptions(p.TimeZone, s.cfg.Now()),
		States: journey.USStates(), Errors: map[string]string{}}
	if r.PathValue("id") != "" {
		page.Action = fmt.Sprintf("/admin/staff/%d/profile", p.ID)
	}
	if a.Can(journey.PermStaffManage) && !own {
		page.HoursURL = fmt.Sprintf("/admin/staff/%d/hours", p.ID)
	} else if own && a.Has(journey.RoleTherapist) {
		page.HoursURL = "/account/hours"
	}
	return page
}

func (s *Server) handleProfileView(w http.ResponseWriter, r *http.Request) {
	id, own, err := s.profileTarget(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p, err := s.store.FindStaffProfile(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page := s.newProfilePage(r, p, own)
	page.Saved = r.URL.Query().Get("saved") == "1"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_profile", page)
}

func (s *Server) handleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	id, own, err := s.profileTarget(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	f := r.PostFormValue
	p := &journey.StaffProfile{ID: id, Name: f("name"), Credentials: f("credentials"), Pronouns: f("pronouns"), Bio: f("bio"),
		LicenceNumber: f("licence_number"), LicenceState: f("licence_state"), NPI: f("npi"), TimeZone: f("time_zone")}
	typed := *p
	err = s.proc.UpdateStaffProfile(r.Context(), s.who(r), p, "")
	if err == nil {
		http.Redirect(w, r, s.newProfilePage(r, p, own).Action+"?saved=1", http.StatusSeeOther)
		return
	}
	if journey.ErrorCode(err) != journey.EINVALID {
		s.pageError(w, r, err)
		return
	}
	page := s.newProfilePage(r, &typed, own) // what was typed, shown back as typed
	page.Message = showFieldErrors(err, page.Errors, &page.ErrorList)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusUnprocessableEntity, "staff_profile", page)
}

// apiProfile is a staff profile in the API.
type apiProfile struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Credentials   string `json:"credentials"`
	Pronouns      string `json:"pronouns"`
	Bio           string `json:"bio"`
	LicenceNumber string `json:"licence_number"`
	LicenceState  string `json:"licence_state"`
	NPI           string `json:"npi"`
	TimeZone      string `json:"time_zone"`
}

func toAPIProfile(p *journey.StaffProfile) apiProfile {
	return apiProfile{ID: p.ID, Name: p.Name, Credentials: p.Credentials, Pronouns: p.Pronouns, Bio: p.Bio,
		LicenceNumber: p.LicenceNumber, LicenceState: p.LicenceState, NPI: p.NPI, TimeZone: p.TimeZone}
}

func (s *Server) handleAPIProfile(w http.ResponseWriter, r *http.Request) {
	id, _, err := s.profileTarget(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	p, err := s.store.FindStaffProfile(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIProfile(p))
}

func (s *Server) handleAPIProfileUpdate(w http.ResponseWriter, r *http.Request) {
	id, _, err := s.profileTarget(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in apiProfile
	if !s.decodeJSON(w, r, &in) {
		return
	}
	p := &journey.StaffProfile{ID: id, Name: in.Name, Credentials: in.Credentials, Pronouns: in.Pronouns, Bio: in.Bio,
		LicenceNumber: in.LicenceNumber, LicenceState: in.LicenceState, NPI: in.NPI, TimeZone: in.TimeZone}
	if err := s.proc.UpdateStaffProfile(r.Context(), s.who(r), p, "api"); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIProfile(p))
}
