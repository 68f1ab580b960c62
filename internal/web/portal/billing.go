package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The client's billing (/portal/billing): what they owe each entity for
// each charge type, their charges, a superbill for one psychotherapy
// session or for a date range, a statement of an account, and the
// documents issued to download. A dosing session is private pay and
// shows no superbill action; a superbill asked for one anyway is refused
// by processing with the reason, shown beside the form.

// BillingProcessing is what the billing page asks of processing
// (processing/documents.go).
type BillingProcessing interface {
	BillingOverview(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.BillingOverview, error)
	IssueSuperbills(ctx context.Context, a *journey.Actor, id int64, r processing.SuperbillRequest, via string) ([]*processing.IssuedDocument, error)
	IssueStatement(ctx context.Context, a *journey.Actor, id int64, r processing.StatementRequest, via string) (*processing.IssuedDocument, error)
	webkit.BillingDocReader
}

// BillingPage is the client's billing.
type BillingPage struct {
	Estimates webkit.EstimatesView // the client's Good Faith Estimates: a bill far above one is flagged
	Accounts  []AccountView
	Charges   []ChargeView
	Documents []DocumentView
	// The forms: a superbill's range, a statement's account and period.
	From, To                            string
	Account, StatementFrom, StatementTo string
	Errors                              map[string]string
	Summary                             []webkit.ErrorLine
	// What was just issued, with what its records lack.
	Issued  []DocumentView
	Missing []string
	// PayByCard: the practice takes cards online and something is owed
	// (cardpay.go's page pays it).
	PayByCard bool
}

func (*BillingPage) PageTitle() string { return "Billing" }

// Err returns the error beside field, if any.
func (p *BillingPage) Err(field string) string { return p.Errors[field] }

// AccountView is an account in words.
type AccountView struct {
	Value   string // entity:charge type, the statement form's choice
	Entity  string
	Type    string
	Balance string
	Owes    bool
}

// ChargeView is a charge in words, with whether it can go on a superbill
// and, when not, why.
type ChargeView struct {
	ID          int64
	Date        string
	Service     string
	Type        string
	Entity      string
	Code        string
	Amount      string
	Status      string
	Superbill   bool
	NoSuperbill string
}

// DocumentView is an issued document in words.
type DocumentView struct {
	ID     int64
	Kind   string
	Type   string
	Entity string
	Period string
	Total  string
	Issued string
	Href   string
}

// HandleBilling shows the client's billing.
func (s *Handler) HandleBilling(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	page := &BillingPage{From: now.AddDate(0, -3, 0).Format(time.DateOnly), To: now.Format(time.DateOnly),
		StatementFrom: now.AddDate(0, -3, 0).Format(time.DateOnly), StatementTo: now.Format(time.DateOnly), Errors: map[string]string{}}
	s.billingPage(w, r, http.StatusOK, page, nil)
}

// billingPage draws page with the client's billing and docs, just issued.
func (s *Handler) billingPage(w http.ResponseWriter, r *http.Request, status int, page *BillingPage, docs []*processing.IssuedDocument) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	o, err := s.proc.BillingOverview(r.Context(), s.kit.Who(r), c.ID, viaPortal)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	page.Accounts, page.Charges, page.Documents = BillingViews(o, loc)
	for _, a := range page.Accounts {
		page.PayByCard = page.PayByCard || (a.Owes && s.proc.CardPaymentsOffered())
	}
	for _, d := range docs {
		page.Issued = append(page.Issued, DocumentViewOf(d.Document, entityName(o, d.EntityID), loc, "/portal/billing/documents/"))
		page.Missing = append(page.Missing, d.Missing...)
	}
	// A bill far above a Good Faith Estimate shows the client's right here too.
	ce, err := s.proc.Estimates(r.Context(), s.kit.Who(r), c.ID, viaPortal)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Estimates = webkit.NewEstimatesView(ce, loc, s.now(), func(id int64) string { return fmt.Sprintf("/portal/estimates/%d/pdf", id) })
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_billing", page)
}

// BillingViews puts o in words for a page, dates in loc.
func BillingViews(o *processing.BillingOverview, loc *time.Location) (accounts []AccountView, charges []ChargeView, docs []DocumentView) {
	name := func(id int64) string { return entityName(o, id) }
	for _, a := range o.Accounts {
		accounts = append(accounts, AccountView{Value: strconv.FormatInt(a.Entity.ID, 10) + ":" + a.ChargeType, Entity: a.Entity.LegalName,
			Type: journey.ChargeTypeName(a.ChargeType), Balance: journey.FormatCents(a.BalanceCents), Owes: a.BalanceCents > 0})
	}
	for _, c := range o.Charges {
		v := ChargeView{ID: c.ID, Date: c.Date, Service: c.Description, Type: journey.ChargeTypeName(c.ChargeType), Entity: name(c.EntityID),
			Code: c.Code, Amount: journey.FormatCents(c.AmountCents + c.AdjustedCents), Status: c.Status}
		switch err := journey.Superbillable(c); {
		case err == nil:
			v.Superbill = true
		case c.ChargeType == journey.ChargeMedicineSession:
			v.NoSuperbill = "Private pay: a dosing session never goes on a superbill."
		case c.ChargeType != journey.ChargePsychotherapy:
			v.NoSuperbill = journey.ChargeTypeName(c.ChargeType) + " is billed separately, not on a superbill."
		case c.Status == journey.ChargeVoid:
			v.NoSuperbill = "Voided."
		default:
			v.NoSuperbill = "A missed-appointment fee is not a service."
		}
		charges = append(charges, v)
	}
	for _, d := range o.Documents {
		docs = append(docs, DocumentViewOf(d, name(d.EntityID), loc, "/portal/billing/documents/"))
	}
	return accounts, charges, docs
}

func entityName(o *processing.BillingOverview, id int64) string {
	if e := o.Entities[id]; e != nil {
		return e.LegalName
	}
	return "Entity " + strconv.FormatInt(id, 10)
}

// DocumentViewOf puts d in words, its download at hrefPrefix + id.
func DocumentViewOf(d *journey.Document, entity string, loc *time.Location, hrefPrefix string) DocumentView {
	period := d.From
	if d.To != "" && d.To != d.From {
		period += " to " + d.To
	}
	return DocumentView{ID: d.ID, Kind: webkit.DocumentKindName(d.Kind), Type: journey.ChargeTypeName(d.ChargeType), Entity: entity,
		Period: period, Total: journey.FormatCents(d.TotalCents), Issued: d.CreatedAt.In(loc).Format("January 2, 2006"),
		Href: hrefPrefix + strconv.FormatInt(d.ID, 10)}
}

// HandleBillingSuperbill issues a superbill: for the chosen session's
// charge (charge_ids) or for a date range (from, to). A refusal is shown
// beside the form with what was typed.
func (s *Handler) HandleBillingSuperbill(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	req := processing.SuperbillRequest{From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to")), At: s.now()}
	ids, bad := webkit.FormIDs(r.PostForm["charge_ids"])
	req.ChargeIDs = ids
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var docs []*processing.IssuedDocument
	if bad {
		err = webkit.Invalid("charge_ids", "Choose a session from the list.")
	} else {
		docs, err = s.proc.IssueSuperbills(r.Context(), s.kit.Who(r), c.ID, req, viaPortal)
	}
	page := &BillingPage{From: req.From, To: req.To, StatementFrom: req.From, StatementTo: req.To, Errors: map[string]string{}}
	s.issued(w, r, page, docs, err, superbillLabel)
}

// HandleBillingStatement issues a statement of one account (entity and
// charge type) over a period.
func (s *Handler) HandleBillingStatement(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &BillingPage{Account: r.PostFormValue("account"), StatementFrom: strings.TrimSpace(r.PostFormValue("from")),
		StatementTo: strings.TrimSpace(r.PostFormValue("to")), Errors: map[string]string{}}
	page.From, page.To = page.StatementFrom, page.StatementTo
	entity, typ, _ := strings.Cut(page.Account, ":")
	eid, _ := strconv.ParseInt(entity, 10, 64)
	d, err := s.proc.IssueStatement(r.Context(), s.kit.Who(r), c.ID, processing.StatementRequest{EntityID: eid, ChargeType: typ,
		From: page.StatementFrom, To: page.StatementTo, PayURL: s.kit.BaseURL() + "/portal/billing", At: s.now()}, viaPortal)
	var docs []*processing.IssuedDocument
	if d != nil {
		docs = append(docs, d)
	}
	s.issued(w, r, page, docs, webkit.StatementFields(err), statementLabel)
}

func superbillLabel(field string) string {
	switch field {
	case "from":
		return "First date"
	case "to":
		return "Last date"
	}
	return "Session"
}

func statementLabel(field string) string {
	switch field {
	case "statement_from":
		return "Statement from"
	case "statement_to":
		return "Statement to"
	}
	return "Account"
}

// issued shows the page after an issue: what was issued with what its
// records lack, or the refusal beside the form.
func (s *Handler) issued(w http.ResponseWriter, r *http.Request, page *BillingPage, docs []*processing.IssuedDocument, err error, label func(string) string) {
	switch {
	case err == nil:
		s.billingPage(w, r, http.StatusOK, page, docs)
	case journey.ErrorCode(err) == journey.EINVALID:
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, label)
		s.billingPage(w, r, s.kit.Status(err), page, nil)
	default:
		s.kit.PageError(w, r, err)
	}
}

// HandleBillingDocument sends one of the client's documents as it was
// issued; another client's is "not found".
func (s *Handler) HandleBillingDocument(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Document")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	webkit.DocumentPDF(w, r, s.kit, s.proc, id, viaPortal, s.kit.PageError)
}
