package staff

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// A client's documents for billing staff (/staff/clients/{id}/documents):
// issue a superbill of chosen psychotherapy services or of a date range,
// issue a statement of an account, list and download what was issued.
// Only coded psychotherapy services can be ticked; a charge sent anyway
// that is anything else is refused by processing, named beside the form.

// DocumentProcessing is what the documents page asks of processing
// (processing/documents.go).
type DocumentProcessing interface {
	BillingOverview(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.BillingOverview, error)
	IssueSuperbills(ctx context.Context, a *journey.Actor, id int64, r processing.SuperbillRequest, via string) ([]*processing.IssuedDocument, error)
	IssueStatement(ctx context.Context, a *journey.Actor, id int64, r processing.StatementRequest, via string) (*processing.IssuedDocument, error)
	webkit.BillingDocReader
}

// DocumentsPage is a client's documents with the forms that issue them
// (fields charge_ids; from, to; account, statement_from, statement_to).
type DocumentsPage struct {
	formPage
	ClientID   int64
	ClientName string
	Accounts   []DocAccount
	Charges    []DocCharge
	Documents  []DocRow
	Issued     []DocRow
	Missing    []string
}

func (*DocumentsPage) PageTitle() string { return "Documents" }

// DocAccount is an entity and charge type the client has postings with.
type DocAccount struct{ Value, Label, Balance string }

// DocCharge is a charge in words: whether it can be ticked for a
// superbill, and when not, why.
type DocCharge struct {
	ID                        int64
	Date, Service, Code, Type string
	Amount                    string
	Superbill                 bool
	Why                       string
}

// DocRow is an issued document.
type DocRow struct {
	ID                                int64
	Kind, Type, Entity, Period, Total string
	Issued, Href                      string
}

// HandleDocuments shows a client's documents and the forms that issue them.
func (s *Handler) HandleDocuments(w http.ResponseWriter, r *http.Request) {
	page := &DocumentsPage{formPage: newFormPage()}
	today := s.now().In(webkit.PracticeLoc(r.Context(), s.kit))
	page.Form["from"], page.Form["to"] = today.AddDate(0, -1, 0).Format("2006-01-02"), today.Format("2006-01-02")
	page.Form["statement_from"], page.Form["statement_to"] = page.Form["from"], page.Form["to"]
	s.documentsPage(w, r, http.StatusOK, page, nil)
}

func (s *Handler) documentsPage(w http.ResponseWriter, r *http.Request, status int, page *DocumentsPage, issued []*processing.IssuedDocument) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	o, err := s.proc.BillingOverview(r.Context(), s.kit.Who(r), id, " via page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc := webkit.PracticeLoc(r.Context(), s.kit)
	page.ClientID, page.ClientName = id, o.Client.Name
	name := func(e int64) string {
		if en := o.Entities[e]; en != nil {
			return en.LegalName
		}
		return ""
	}
	for _, a := range o.Accounts {
		page.Accounts = append(page.Accounts, DocAccount{Value: strconv.FormatInt(a.Entity.ID, 10) + ":" + a.ChargeType,
			Label: journey.ChargeTypeName(a.ChargeType) + ", " + a.Entity.LegalName, Balance: journey.FormatCents(a.BalanceCents)})
	}
	for _, ch := range o.Charges {
		dc := DocCharge{ID: ch.ID, Date: ch.Date, Service: ch.Description, Code: ch.Code, Type: journey.ChargeTypeName(ch.ChargeType),
			Amount: journey.FormatCents(ch.AmountCents + ch.AdjustedCents)}
		if err := journey.Superbillable(ch); err != nil {
			dc.Why = journey.ErrorMessage(err)
		} else {
			dc.Superbill = true
		}
		page.Charges = append(page.Charges, dc)
	}
	row := func(d *journey.Document) DocRow {
		period := d.From
		if d.To != d.From {
			period += " to " + d.To
		}
		return DocRow{ID: d.ID, Kind: webkit.DocumentKindName(d.Kind), Type: journey.ChargeTypeName(d.ChargeType), Entity: name(d.EntityID),
			Period: period, Total: journey.FormatCents(d.TotalCents), Issued: d.CreatedAt.In(loc).Format("Jan 2, 2006 3:04 PM"),
			Href: "/staff/clients/" + strconv.FormatInt(id, 10) + "/documents/" + strconv.FormatInt(d.ID, 10)}
	}
	for _, d := range o.Documents {
		page.Documents = append(page.Documents, row(d))
	}
	for _, d := range issued {
		page.Issued, page.Missing = append(page.Issued, row(d.Document)), append(page.Missing, d.Missing...)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_documents", page)
}

// HandleSuperbillIssue issues a superbill of the ticked charges
// (charge_ids) or of a range (from, to).
func (s *Handler) HandleSuperbillIssue(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientForm(w, r)
	if !ok {
		return
	}
	page := &DocumentsPage{formPage: newFormPage()}
	page.keep(r, "", "from", "to")
	req := processing.SuperbillRequest{At: s.now()}
	if r.PostFormValue("by") == "range" {
		req.From, req.To = strings.TrimSpace(page.Form["from"]), strings.TrimSpace(page.Form["to"])
	}
	ids, bad := webkit.FormIDs(r.PostForm["charge_ids"])
	if bad {
		s.documentsIssued(w, r, page, nil, webkit.Invalid("charge_ids", "Tick sessions from the list."))
		return
	}
	req.ChargeIDs = ids
	docs, err := s.proc.IssueSuperbills(r.Context(), s.kit.Who(r), id, req, " via page")
	s.documentsIssued(w, r, page, docs, err)
}

// HandleStatementIssue issues a statement of an account over a period.
func (s *Handler) HandleStatementIssue(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientForm(w, r)
	if !ok {
		return
	}
	page := &DocumentsPage{formPage: newFormPage()}
	page.keep(r, "", "account", "statement_from", "statement_to")
	entity, typ, _ := strings.Cut(page.Form["account"], ":")
	eid, _ := strconv.ParseInt(entity, 10, 64)
	d, err := s.proc.IssueStatement(r.Context(), s.kit.Who(r), id, processing.StatementRequest{EntityID: eid, ChargeType: typ,
		From: strings.TrimSpace(page.Form["statement_from"]), To: strings.TrimSpace(page.Form["statement_to"]),
		PayURL: s.kit.BaseURL() + "/portal/billing", At: s.now()}, " via page")
	var docs []*processing.IssuedDocument
	if d != nil {
		docs = append(docs, d)
	}
	s.documentsIssued(w, r, page, docs, webkit.StatementFields(err))
}

// documentsIssued shows the page after an issue: what was issued and
// what its records lack, or the refusal beside its form.
func (s *Handler) documentsIssued(w http.ResponseWriter, r *http.Request, page *DocumentsPage, docs []*processing.IssuedDocument, err error) {
	switch {
	case err == nil:
		s.documentsPage(w, r, http.StatusOK, page, docs)
	case page.refuse(err, "", nil):
		s.documentsPage(w, r, http.StatusUnprocessableEntity, page, nil)
	default:
		s.kit.PageError(w, r, err)
	}
}

// HandleDocumentDownload sends one of the client's documents as issued.
func (s *Handler) HandleDocumentDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := webkit.PathID(r, "doc")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Document not found."))
		return
	}
	webkit.DocumentPDF(w, r, s.kit, s.proc, id, " via page", s.kit.PageError)
}

// clientForm returns the path's client id with the request's form read,
// or answers the error and returns false.
func (s *Handler) clientForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return 0, false
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return 0, false
	}
	return id, true
}
