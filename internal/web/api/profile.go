package api

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

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

func (s *Handler) HandleProfile(w http.ResponseWriter, r *http.Request) {
	id, _, err := webkit.ProfileTarget(r)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	p, err := s.store.FindStaffProfile(r.Context(), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, toAPIProfile(p))
}

func (s *Handler) HandleProfileUpdate(w http.ResponseWriter, r *http.Request) {
	id, _, err := webkit.ProfileTarget(r)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var in apiProfile
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	p := &journey.StaffProfile{ID: id, Name: in.Name, Credentials: in.Credentials, Pronouns: in.Pronouns, Bio: in.Bio,
		LicenceNumber: in.LicenceNumber, LicenceState: in.LicenceState, NPI: in.NPI, TimeZone: in.TimeZone}
	if err := s.proc.UpdateStaffProfile(r.Context(), s.kit.Who(r), p, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, toAPIProfile(p))
}
