package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// EstimateProcessing is the part of processing a client's Good Faith
// Estimates use (processing/estimates.go).
type EstimateProcessing interface {
	Estimates(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientEstimates, error)
	RequestEstimate(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.EstimateRequest, error)
	EstimatePDF(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Estimate, []byte, error)
}

type apiEstimateLine struct {
	Service      string   `json:"service"`
	SessionType  string   `json:"session_type"`
	Code         string   `json:"code"`
	Modifiers    []string `json:"modifiers"`
	Diagnoses    []string `json:"diagnoses"`
	Quantity     int      `json:"quantity"`
	UnitCents    int64    `json:"unit_cents"`
	TotalCents   int64    `json:"total_cents"`
	ProviderName string   `json:"provider_name"`
	ProviderNPI  string   `json:"provider_npi"`
	FacilityName string   `json:"facility_name"`
	FacilityNPI  string   `json:"facility_npi"`
	FacilityTIN  string   `json:"facility_tin"`
}

type apiEstimate struct {
	ID          int64             `json:"id"`
	EntityID    int64             `json:"entity_id"`
	ChargeType  string            `json:"charge_type"`
	Reason      string            `json:"reason"`
	IssuedAt    time.Time         `json:"issued_at"`
	DueBy       time.Time         `json:"due_by"`
	ServiceFrom string            `json:"service_from"`
	ServiceTo   string            `json:"service_to"`
	TotalCents  int64             `json:"total_cents"`
	Currency    string            `json:"currency"`
	Current     bool              `json:"current"`
	Lines       []apiEstimateLine `json:"lines"`
	URL         string            `json:"url"`
}

type apiEstimateRequest struct {
	ID          int64     `json:"id"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
	DueBy       time.Time `json:"due_by"`
	Overdue     bool      `json:"overdue"`
}

func estimateRequestJSON(r *journey.EstimateRequest, now time.Time) apiEstimateRequest {
	return apiEstimateRequest{ID: r.ID, Reason: r.Reason, RequestedAt: r.RequestedAt, DueBy: r.DueBy, Overdue: r.Overdue(now)}
}

func (s *Handler) estimateJSON(e *journey.Estimate, current bool) apiEstimate {
	out := apiEstimate{ID: e.ID, EntityID: e.EntityID, ChargeType: e.ChargeType, Reason: e.Reason, IssuedAt: e.IssuedAt, DueBy: e.DueBy,
		ServiceFrom: e.ServiceFrom, ServiceTo: e.ServiceTo, TotalCents: e.TotalCents, Currency: journey.Currency, Current: current,
		Lines: make([]apiEstimateLine, len(e.Lines)), URL: s.kit.BaseURL() + fmt.Sprintf("/api/v1/estimates/%d/pdf", e.ID)}
	for i, l := range e.Lines {
		out.Lines[i] = apiEstimateLine{Service: l.Service, SessionType: l.SessionType, Code: l.Code, Modifiers: l.Modifiers, Diagnoses: l.Diagnoses,
			Quantity: l.Quantity, UnitCents: l.UnitCents, TotalCents: l.TotalCents, ProviderName: l.ProviderName, ProviderNPI: l.ProviderNPI,
			FacilityName: l.FacilityName, FacilityNPI: l.FacilityNPI, FacilityTIN: l.FacilityTIN}
		if out.Lines[i].Modifiers == nil {
			out.Lines[i].Modifiers = []string{}
		}
		if out.Lines[i].Diagnoses == nil {
			out.Lines[i].Diagnoses = []string{}
		}
	}
	return out
}

// HandleEstimates answers a client's Good Faith Estimates, newest first
// (superseded ones with current false), the requests still open and, per
// entity with a current estimate, what was billed against it.
func (s *Handler) HandleEstimates(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	ce, err := s.proc.Estimates(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	ests := make([]apiEstimate, len(ce.Estimates))
	for i, e := range ce.Estimates {
		ests[i] = s.estimateJSON(e, ce.Current[e.ID])
	}
	open := []apiEstimateRequest{}
	for _, rq := range ce.Open() {
		open = append(open, estimateRequestJSON(rq, s.now()))
	}
	disputes := ce.Disputes
	if disputes == nil {
		disputes = []journey.EstimateDispute{}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"estimates": ests, "open_requests": open, "disputes": disputes})
}

// HandleEstimateRequest asks for a Good Faith Estimate for the client:
// 202 with the request, issued within moments and due by the end of the
// third business day.
func (s *Handler) HandleEstimateRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	rq, err := s.proc.RequestEstimate(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusAccepted, estimateRequestJSON(rq, s.now()))
}

// HandleEstimatePDF answers an estimate's PDF as it was issued.
func (s *Handler) HandleEstimatePDF(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Estimate not found."))
		return
	}
	e, doc, err := s.proc.EstimatePDF(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.SendEstimatePDF(w, e, doc)
}
