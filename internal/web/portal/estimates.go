package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The client's Good Faith Estimates: each one issued with its PDF, the
// estimate they asked for while it is prepared, a bill far above an
// estimate with their dispute right, and the notice of their right to
// one. processing.Estimates reads them through the signed-in client.

// EstimateProcessing is the part of processing the estimates page calls.
type EstimateProcessing interface {
	Estimates(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientEstimates, error)
	RequestEstimate(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.EstimateRequest, error)
	EstimatePDF(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Estimate, []byte, error)
}

// EstimatesPage is the client's estimates.
type EstimatesPage struct {
	webkit.EstimatesView
	Requested bool // they just asked for one
}

func (*EstimatesPage) PageTitle() string { return "Your Good Faith Estimates" }

// HandleEstimates shows the client's estimates.
func (s *Handler) HandleEstimates(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	ce, err := s.proc.Estimates(r.Context(), s.kit.Who(r), c.ID, viaPortal)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	page := &EstimatesPage{EstimatesView: webkit.NewEstimatesView(ce, loc, s.now(), func(id int64) string { return fmt.Sprintf("/portal/estimates/%d/pdf", id) }),
		Requested: r.URL.Query().Get("requested") == "1"}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_estimates", page)
}

// HandleEstimateRequest asks for an estimate for the client.
func (s *Handler) HandleEstimateRequest(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if _, err := s.proc.RequestEstimate(r.Context(), s.kit.Who(r), c.ID, viaPortal); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/estimates?requested=1", http.StatusSeeOther)
}

// HandleEstimatePDF sends one of the client's estimates as it was issued.
func (s *Handler) HandleEstimatePDF(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Estimate not found."))
		return
	}
	e, doc, err := s.proc.EstimatePDF(r.Context(), s.kit.Who(r), id, viaPortal)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	webkit.SendEstimatePDF(w, e, doc)
}
