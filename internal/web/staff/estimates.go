package staff

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// A client's Good Faith Estimates for billing staff: those issued with
// their PDFs, the requests still open with their deadlines (overdue in
// red), a bill $400 or more above its estimates, and the actions to ask
// for one or issue an open request now.

// EstimateProcessing is the part of processing the estimates page calls.
type EstimateProcessing interface {
	Estimates(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientEstimates, error)
	RequestEstimate(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.EstimateRequest, error)
	IssueEstimateNow(ctx context.Context, a *journey.Actor, id, reqID int64, via string) ([]*journey.Estimate, error)
	EstimatePDF(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Estimate, []byte, error)
}

// EstimatesPage is a client's estimates in the workspace.
type EstimatesPage struct {
	webkit.EstimatesView
	ClientID   int64
	ClientName string
	CanIssue   bool
	Done       string // "requested" or "issued" after an action
}

func (p *EstimatesPage) PageTitle() string { return "Good Faith Estimates" }

// HandleEstimates shows a client's estimates.
func (s *Handler) HandleEstimates(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	ce, err := s.proc.Estimates(r.Context(), s.kit.Who(r), id, " page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &EstimatesPage{EstimatesView: webkit.NewEstimatesView(ce, ce.Zone, s.now(), func(id int64) string { return fmt.Sprintf("/staff/estimates/%d/pdf", id) }),
		ClientID: ce.Client.ID, ClientName: ce.Client.Name, CanIssue: ce.CanIssue, Done: r.URL.Query().Get("done")}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_estimates", page)
}

// HandleEstimateRequest asks for an estimate for the client.
func (s *Handler) HandleEstimateRequest(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if _, err := s.proc.RequestEstimate(r.Context(), s.kit.Who(r), id, " page"); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/estimates?done=requested", id), http.StatusSeeOther)
}

// HandleEstimateIssue issues one of the client's open requests now.
func (s *Handler) HandleEstimateIssue(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	req, err := strconv.ParseInt(r.PathValue("req"), 10, 64)
	if err != nil {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Estimate request not found."))
		return
	}
	if _, err := s.proc.IssueEstimateNow(r.Context(), s.kit.Who(r), id, req, " page"); err != nil && journey.ErrorCode(err) != journey.ECONFLICT {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/estimates?done=issued", id), http.StatusSeeOther)
}

// HandleEstimatePDF sends an estimate as it was issued.
func (s *Handler) HandleEstimatePDF(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Estimate not found."))
		return
	}
	e, doc, err := s.proc.EstimatePDF(r.Context(), s.kit.Who(r), id, " page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	webkit.SendEstimatePDF(w, e, doc)
}
