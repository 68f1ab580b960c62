package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Superbills and statements (processing/documents.go): issued for a
// client by the front desk, an admin or the client themselves, listed,
// and downloaded as the PDF given. A superbill carries coded
// psychotherapy services only: a charge named that is anything else is
// 422 naming it.

// DocumentProcessing is the part of processing the documents' calls use.
type DocumentProcessing interface {
	IssueSuperbills(ctx context.Context, a *journey.Actor, id int64, r processing.SuperbillRequest, via string) ([]*processing.IssuedDocument, error)
	IssueStatement(ctx context.Context, a *journey.Actor, id int64, r processing.StatementRequest, via string) (*processing.IssuedDocument, error)
	Documents(ctx context.Context, a *journey.Actor, id int64, kind, via string) ([]*journey.Document, error)
	webkit.BillingDocReader
}

// apiDocument is a document as the API answers it; url is its PDF.
type apiDocument struct {
	ID         int64    `json:"id"`
	Kind       string   `json:"kind"`
	ClientID   int64    `json:"client_id"`
	EntityID   int64    `json:"entity_id"`
	ChargeType string   `json:"charge_type"`
	From       string   `json:"from"`
	To         string   `json:"to"`
	TotalCents int64    `json:"total_cents"`
	Currency   string   `json:"currency"`
	ChargeIDs  []int64  `json:"charge_ids"`
	CreatedAt  string   `json:"created_at"`
	URL        string   `json:"url"`
	Missing    []string `json:"missing,omitempty"`
}

func (s *Handler) documentJSON(d *journey.Document, missing []string) apiDocument {
	ids := d.ChargeIDs
	if ids == nil {
		ids = []int64{}
	}
	return apiDocument{ID: d.ID, Kind: d.Kind, ClientID: d.ClientID, EntityID: d.EntityID, ChargeType: d.ChargeType, From: d.From, To: d.To,
		TotalCents: d.TotalCents, Currency: journey.Currency, ChargeIDs: ids, CreatedAt: timeOrEmpty(d.CreatedAt),
		URL: s.kit.BaseURL() + "/api/v1/documents/" + strconv.FormatInt(d.ID, 10), Missing: missing}
}

// superbillBody is what POST /api/v1/clients/{id}/superbills reads: a
// range or the charges.
type superbillBody struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	ChargeIDs []int64 `json:"charge_ids"`
}

// HandleSuperbillCreate issues the client's superbills: 201 with the
// first (the practice's; every one issued under superbills), 422 naming
// each charge that may not go on one.
func (s *Handler) HandleSuperbillCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var b superbillBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	docs, err := s.proc.IssueSuperbills(r.Context(), s.kit.Who(r), id, processing.SuperbillRequest{From: b.From, To: b.To,
		ChargeIDs: b.ChargeIDs, At: s.now()}, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	all := make([]apiDocument, len(docs))
	for i, d := range docs {
		all[i] = s.documentJSON(d.Document, d.Missing)
	}
	webkit.WriteJSON(w, http.StatusCreated, struct {
		apiDocument
		Superbills []apiDocument `json:"superbills"`
	}{all[0], all})
}

// statementBody is what POST /api/v1/clients/{id}/statements reads.
type statementBody struct {
	EntityID   int64  `json:"entity_id"`
	ChargeType string `json:"charge_type"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// HandleStatementCreate issues a statement of the client's account with
// an entity for a charge type over a period: 201 with it; 422 naming the
// wrong fields.
func (s *Handler) HandleStatementCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var b statementBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	d, err := s.proc.IssueStatement(r.Context(), s.kit.Who(r), id, processing.StatementRequest{EntityID: b.EntityID, ChargeType: b.ChargeType,
		From: b.From, To: b.To, PayURL: s.kit.BaseURL() + "/portal/billing", At: s.now()}, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, s.documentJSON(d.Document, d.Missing))
}

// HandleDocuments lists the client's documents, newest first, kind
// narrowing them (statement, superbill, invoice, estimate).
func (s *Handler) HandleDocuments(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	kind := r.URL.Query().Get("kind")
	switch kind {
	case "", journey.DocStatement, journey.DocSuperbill, journey.DocInvoice, journey.DocEstimate:
	default:
		s.kit.APIError(w, r, webkit.Invalid("kind", "Choose statement, superbill, invoice or estimate."))
		return
	}
	ds, err := s.proc.Documents(r.Context(), s.kit.Who(r), id, kind, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiDocument, len(ds))
	for i, d := range ds {
		out[i] = s.documentJSON(d, nil)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"documents": out})
}

// HandleDocumentPDF sends a document's PDF as it was issued; 404 to
// anyone who may not see its client's billing.
func (s *Handler) HandleDocumentPDF(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Document")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.DocumentPDF(w, r, s.kit, s.proc, id, viaAPI, s.kit.APIError)
}
