package staff

import (
	"fmt"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Staff profiles: an admin edits anyone's (/admin/staff/{id}/profile), each
// member of staff their own (/account/profile); the same checks, the same
// audit entry (staff.profile.update).

type ProfilePage struct {
	Actor     *journey.Actor
	Profile   *journey.StaffProfile
	Own       bool   // the signed-in person's own profile
	Action    string // where the form posts
	HoursURL  string // the consult hours page, when the viewer may open it
	Zones     []webkit.ZoneOption
	States    []string
	Saved     bool
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (p *ProfilePage) PageTitle() string {
	if p.Own {
		return "Your profile"
	}
	return "Staff profile"
}

func (s *Handler) newProfilePage(r *http.Request, p *journey.StaffProfile, own bool) *ProfilePage {
	a := webkit.ActorFrom(r)
	page := &ProfilePage{Actor: a, Profile: p, Own: own, Action: "/account/profile", Zones: webkit.ZoneOptions(p.TimeZone, s.now()),
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

func (s *Handler) HandleProfileView(w http.ResponseWriter, r *http.Request) {
	id, own, err := webkit.ProfileTarget(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p, err := s.store.FindStaffProfile(r.Context(), id)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := s.newProfilePage(r, p, own)
	page.Saved = r.URL.Query().Get("saved") == "1"
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_profile", page)
}

func (s *Handler) HandleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	id, own, err := webkit.ProfileTarget(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	f := r.PostFormValue
	p := &journey.StaffProfile{ID: id, Name: f("name"), Credentials: f("credentials"), Pronouns: f("pronouns"), Bio: f("bio"),
		LicenceNumber: f("licence_number"), LicenceState: f("licence_state"), NPI: f("npi"), TimeZone: f("time_zone")}
	typed := *p
	err = s.proc.UpdateStaffProfile(r.Context(), s.kit.Who(r), p, "")
	if err == nil {
		http.Redirect(w, r, s.newProfilePage(r, p, own).Action+"?saved=1", http.StatusSeeOther)
		return
	}
	if journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	page := s.newProfilePage(r, &typed, own) // what was typed, shown back as typed
	page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "staff_profile", page)
}
