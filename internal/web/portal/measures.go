package portal

import (
	"net/http"
	"net/url"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// HandleMeasureView shows the client a questionnaire (webkit.Measures).
func (s *Handler) HandleMeasureView(w http.ResponseWriter, r *http.Request) {
	m, ok := s.measures(w, r)
	if !ok {
		return
	}
	m.Render(w, r, http.StatusOK, m.Page(r))
}

// HandleMeasureSubmit stores the client's answers; a safety answer sends
// them to crisis resources at once.
func (s *Handler) HandleMeasureSubmit(w http.ResponseWriter, r *http.Request) {
	m, ok := s.measures(w, r)
	if !ok || !m.Submit(w, r) {
		return
	}
	http.Redirect(w, r, "/portal?saved="+url.QueryEscape(m.Q.Code), http.StatusSeeOther)
}

// measures returns the form of the path's questionnaire for the
// signed-in client, in their zone.
func (s *Handler) measures(w http.ResponseWriter, r *http.Request) (webkit.Measures, bool) {
	q, ok := measure.Find(r.PathValue("code"))
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such questionnaire."))
		return webkit.Measures{}, false
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return webkit.Measures{}, false
	}
	loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	return webkit.Measures{Kit: s.kit, Store: s.store, Proc: s.proc, C: c, Q: q, Loc: loc}, true
}
