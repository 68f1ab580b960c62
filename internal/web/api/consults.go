package api

import (
	"fmt"
	"net/http"

	"github.com/journey-kap/journey/internal/web/webkit"
)

// HandleStaffBook books a consult for a caller: the public booking's
// body and checks, whatever the private-booking setting (staff book
// directly), with the therapist limited as on the page.
func (s *Handler) HandleStaffBook(w http.ResponseWriter, r *http.Request) {
	var in Booking
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	req, err := bookingFromAPI(in)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	a := webkit.ActorFrom(r)
	c, err := s.proc.BookConsult(r.Context(), a, req, " (api)")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/consults/%d", c.ID))
	webkit.WriteJSON(w, http.StatusCreated, s.staffConsultJSON(a, c))
}

func (s *Handler) HandleConsultReschedule(w http.ResponseWriter, r *http.Request) {
	id, _ := webkit.PathID(r, "id")
	var in apiReschedule
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	start, bad := parseStart(in.Start)
	c, err := s.proc.MoveConsult(r.Context(), s.kit.Who(r), id, start, in.TherapistID, bad, " (api)")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.staffConsultJSON(webkit.ActorFrom(r), c))
}

func (s *Handler) HandleConsultCancel(w http.ResponseWriter, r *http.Request) {
	id, _ := webkit.PathID(r, "id")
	var in struct {
		Reason string `json:"reason"`
	}
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	c, err := s.proc.CancelConsult(r.Context(), s.kit.Who(r), id, in.Reason, " (api)")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.staffConsultJSON(webkit.ActorFrom(r), c))
}
