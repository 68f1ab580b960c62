package staff

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// HandleMeasureView: a clinician gives the client a questionnaire in
// session, on the portal's form (webkit.Measures).
func (s *Handler) HandleMeasureView(w http.ResponseWriter, r *http.Request) {
	m, ok := s.measures(w, r)
	if !ok {
		return
	}
	m.Render(w, r, http.StatusOK, m.Page(r))
}

// HandleMeasureSubmit stores the answers given in session and returns to
// the chart.
func (s *Handler) HandleMeasureSubmit(w http.ResponseWriter, r *http.Request) {
	m, ok := s.measures(w, r)
	if !ok {
		return
	}
	if m.Submit(w, r) {
		http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d?measured=%s", m.C.ID, url.QueryEscape(m.Q.Code)), http.StatusSeeOther)
	}
}

// measures returns the form of the path's questionnaire for the path's
// client, when the actor may give it (processing.AdministerTo); times in
// the practice's zone.
func (s *Handler) measures(w http.ResponseWriter, r *http.Request) (webkit.Measures, bool) {
	c, err := s.clientFor(r, "response.create", processing.AdministerTo)
	if err != nil {
		s.kit.PageError(w, r, err)
		return webkit.Measures{}, false
	}
	q, ok := measure.Find(r.PathValue("code"))
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such questionnaire."))
		return webkit.Measures{}, false
	}
	return webkit.Measures{Kit: s.kit, Store: s.store, Proc: s.proc, C: c, Q: q, Staff: true,
		Loc: webkit.PracticeLoc(r.Context(), s.kit)}, true
}
