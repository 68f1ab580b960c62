package processing

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
)

// Documents: superbills and statements issued, listed and downloaded.
// Reading (a list, a PDF) is CanSeeBilling: the front desk and admins for
// any client they see, a client their own; issuing is CanPostBilling or
// the client for themselves. A superbill only ever carries coded
// psychotherapy services: a range picks nothing else, and charges named
// one by one that are anything else are refused, each named
// (journey.Superbillable), before the database's own refusal
// (sqldb.CreateDocument). Every read, issue and refusal is audited by
// ids.

// DocumentStore is what documents read and change: sqldb's documents.go,
// with the charges, ledger and billing setup they are made from.
type DocumentStore interface {
	CreateDocument(ctx context.Context, d *journey.Document) error
	FindDocuments(ctx context.Context, clientID int64, kind string, limit int) ([]*journey.Document, error)
	FindDocument(ctx context.Context, id int64) (*journey.Document, error)
	FindPractice(ctx context.Context) (*journey.Practice, error)
	FindCharges(ctx context.Context, f journey.ChargeFilter) ([]*journey.Charge, error)
	FindLedger(ctx context.Context, clientID, entityID int64) (*journey.Ledger, error)
	FindBillingEntities(ctx context.Context) ([]*journey.BillingEntity, error)
	FindBillingEntity(ctx context.Context, id int64) (*journey.BillingEntity, error)
	FindBillingClinicians(ctx context.Context) ([]*journey.BillingClinician, error)
	FindClientCoverage(ctx context.Context, clientID, entityID int64) (*journey.Coverage, error)
	FindStaffProfile(ctx context.Context, id int64) (*journey.StaffProfile, error)
}

// MaxDocumentList bounds a list of a client's documents.
const MaxDocumentList = 200

// errNoDocument is what anyone who may not read a document is told.
const errNoDocument = "Document not found."

// SuperbillRequest asks for superbills: of the charges ChargeIDs, or of
// every coded psychotherapy service from From to To (YYYY-MM-DD, both
// included); At is the time of issue.
type SuperbillRequest struct {
	From, To  string
	ChargeIDs []int64
	At        time.Time
}

// Validate returns EINVALID naming the wrong fields: charges or a range,
// not both nor neither; a range of real dates, in order.
func (r *SuperbillRequest) Validate() error {
	var v journey.Validation
	switch {
	case len(r.ChargeIDs) > 0 && (r.From != "" || r.To != ""):
		v.Add("charge_ids", "Choose sessions or a date range, not both.")
	case len(r.ChargeIDs) > journey.MaxChargeList:
		v.Add("charge_ids", "Choose at most "+strconv.Itoa(journey.MaxChargeList)+" sessions.")
	case len(r.ChargeIDs) == 0:
		checkRange(&v, r.From, r.To)
	}
	return v.Err()
}

func checkRange(v *journey.Validation, from, to string) {
	f, errF := time.Parse(time.DateOnly, from)
	t, errT := time.Parse(time.DateOnly, to)
	if errF != nil {
		v.Add("from", "Enter the first date, such as 2026-03-01.")
	}
	if errT != nil {
		v.Add("to", "Enter the last date, such as 2026-03-31.")
	}
	if errF == nil && errT == nil && t.Before(f) {
		v.Add("to", "The last date comes on or after the first.")
	}
}

// IssuedDocument is a document as issued, with what its records lack
// (journey.Superbill.Missing): it is issued all the same, the gaps named
// on it and shown to whoever issued it.
type IssuedDocument struct {
	*journey.Document
	Missing []string
}

// docClient returns client id when the actor may read their billing
// (issue: and issue documents for them), "not found" otherwise, audited
// as action.
func (p *Processor) docClient(ctx context.Context, a *journey.Actor, id int64, action string, issue bool) (*journey.Client, error) {
	c, err := p.store.FindClientByID(ctx, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, p.denied(ctx, a, action, "client", id, "no such client", "Client not found.")
	}
	if err != nil {
		return nil, err
	}
	if !a.CanSeeBilling(c) {
		return nil, p.denied(ctx, a, action, "client", id, "not theirs to see", "Client not found.")
	}
	if issue && !a.IsClient(c) && !a.CanPostBilling(c) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: id, Outcome: journey.AuditDenied, Detail: "may not issue"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the front desk, an admin or the client issues billing documents.")
	}
	return c, nil
}

// IssueSuperbills issues client id's superbills for r, one per billing
// entity, and returns them. EINVALID naming each charge that may not go
// on a superbill (not psychotherapy, a missed-appointment fee, voided, not
// the client's), or when a range holds no coded psychotherapy service.
func (p *Processor) IssueSuperbills(ctx context.Context, a *journey.Actor, id int64, r SuperbillRequest, via string) ([]*IssuedDocument, error) {
	const action = "superbill.issue"
	c, err := p.docClient(ctx, a, id, action, true)
	if err != nil {
		return nil, err
	}
	var out []*IssuedDocument
	err = attempt(r.Validate(), func() error {
		charges, err := p.superbillCharges(ctx, c, r)
		if err != nil {
			return err
		}
		byEntity := map[int64][]*journey.Charge{}
		var entities []int64
		for _, ch := range charges {
			if byEntity[ch.EntityID] == nil {
				entities = append(entities, ch.EntityID)
			}
			byEntity[ch.EntityID] = append(byEntity[ch.EntityID], ch)
		}
		for _, e := range entities {
			d, err := p.issueSuperbill(ctx, a, c, e, byEntity[e], r.At)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: IDList("documents", out, func(d *IssuedDocument) int64 { return d.ID }) + refusalOf(err) + via})
	return out, err
}

// superbillCharges returns the charges r names (each refused that is not
// Superbillable, named) or the coded psychotherapy services of r's range.
func (p *Processor) superbillCharges(ctx context.Context, c *journey.Client, r SuperbillRequest) ([]*journey.Charge, error) {
	if len(r.ChargeIDs) == 0 {
		charges, err := p.allCharges(ctx, journey.ChargeFilter{ClientID: c.ID, ChargeType: journey.ChargePsychotherapy,
			Status: journey.ChargeOpen, From: r.From, To: r.To})
		if err != nil {
			return nil, err
		}
		charges = slices.DeleteFunc(charges, func(ch *journey.Charge) bool { return journey.Superbillable(ch) != nil })
		if len(charges) == 0 {
			var v journey.Validation
			v.Add("from", "There is no psychotherapy service from "+r.From+" to "+r.To+" to put on a superbill.")
			return nil, v.Err()
		}
		return charges, nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(r.ChargeIDs)))
	charges, err := p.store.FindCharges(ctx, journey.ChargeFilter{ClientID: c.ID, IDs: ids, Limit: journey.MaxChargeList})
	if err != nil {
		return nil, err
	}
	var wrong []string
	for _, id := range ids {
		i := slices.IndexFunc(charges, func(ch *journey.Charge) bool { return ch.ID == id })
		if i < 0 {
			wrong = append(wrong, "Charge "+strconv.FormatInt(id, 10)+" is not one of the client's charges.")
		} else if err := journey.Superbillable(charges[i]); err != nil {
			wrong = append(wrong, journey.ErrorMessage(err))
		}
	}
	if len(wrong) > 0 {
		var v journey.Validation
		v.Add("charge_ids", strings.Join(wrong, " "))
		return nil, v.Err()
	}
	return charges, nil
}

// allCharges returns every charge f selects, a page at a time.
func (p *Processor) allCharges(ctx context.Context, f journey.ChargeFilter) ([]*journey.Charge, error) {
	var out []*journey.Charge
	f.Limit = journey.MaxChargeList
	for {
		page, err := p.store.FindCharges(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.Offset += len(page)
	}
}

// issueSuperbill makes, renders and keeps the superbill of charges (one
// entity's) for client c.
func (p *Processor) issueSuperbill(ctx context.Context, a *journey.Actor, c *journey.Client, entityID int64, charges []*journey.Charge, at time.Time) (*IssuedDocument, error) {
	if err := journey.CheckDocument(journey.DocSuperbill, charges); err != nil {
		return nil, err
	}
	e, err := p.store.FindBillingEntity(ctx, entityID)
	if err != nil {
		return nil, err
	}
	clinicians, err := p.billingClinicians(ctx, entityID, charges)
	if err != nil {
		return nil, err
	}
	paid, err := p.paidShares(ctx, c.ID, entityID)
	if err != nil {
		return nil, err
	}
	s := journey.NewSuperbill(e, charges, clinicians, nil, paid)
	s.ClientName, s.Issued = c.Name, at
	if _, s.Zone, err = p.practiceZone(ctx); err != nil {
		return nil, err
	}
	if s.Coverage, err = p.store.FindClientCoverage(ctx, c.ID, entityID); err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if about, err := p.clientAbout(ctx, c.ID); err != nil {
		return nil, err
	} else if about != nil {
		s.BirthDate, s.Address = about.DateOfBirth, addressLine(about)
		if about.LegalName != "" {
			s.ClientName = about.LegalName
		}
	}
	var buf bytes.Buffer
	if err := pdf.WriteSuperbill(&buf, s); err != nil {
		return nil, err
	}
	fee, _ := s.Totals()
	d := &journey.Document{ClientID: c.ID, EntityID: entityID, ChargeType: journey.ChargePsychotherapy, Kind: journey.DocSuperbill,
		From: s.From, To: s.To, ChargeIDs: chargeIDs(charges), TotalCents: fee, PDF: buf.Bytes(), CreatedBy: a.ID()}
	if err := p.store.CreateDocument(ctx, d); err != nil {
		return nil, err
	}
	return &IssuedDocument{Document: d, Missing: s.Missing()}, nil
}

// billingClinicians returns the rendering clinicians of charges by user
// id: as they bill under entity, else under another entity, else from
// their staff profile alone (not yet set up to bill), so a superbill
// names who gave the care and what their profile lacks.
func (p *Processor) billingClinicians(ctx context.Context, entityID int64, charges []*journey.Charge) (map[int64]*journey.BillingClinician, error) {
	list, err := p.store.FindBillingClinicians(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*journey.BillingClinician{}
	for _, bc := range list {
		if prev := out[bc.UserID]; prev == nil || (prev.EntityID != entityID && bc.EntityID == entityID) {
			out[bc.UserID] = bc
		}
	}
	for _, c := range charges {
		if c.ClinicianID == 0 || out[c.ClinicianID] != nil {
			continue
		}
		pr, err := p.store.FindStaffProfile(ctx, c.ClinicianID)
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[c.ClinicianID] = &journey.BillingClinician{UserID: pr.ID, Name: pr.Name, NPI: pr.NPI, Credentials: pr.Credentials,
			Licence: pr.LicenceNumber, LicenceState: pr.LicenceState}
	}
	return out, nil
}

// paidShares returns what was paid toward each of client's psychotherapy
// charges at entity (journey.AllocatePaid over the ledger's net
// payments).
func (p *Processor) paidShares(ctx context.Context, clientID, entityID int64) (map[int64]int64, error) {
	l, err := p.store.FindLedger(ctx, clientID, entityID)
	if err != nil {
		return nil, err
	}
	var paid int64
	for _, po := range l.Postings {
		if po.ChargeType == journey.ChargePsychotherapy && (po.Kind == journey.PostPayment || po.Kind == journey.PostRefund) {
			paid -= po.AmountCents
		}
	}
	all, err := p.allCharges(ctx, journey.ChargeFilter{ClientID: clientID, EntityID: entityID, ChargeType: journey.ChargePsychotherapy})
	if err != nil {
		return nil, err
	}
	return journey.AllocatePaid(all, paid), nil
}

// clientAbout returns the demographics of client id's intake, nil when
// they have none: a bill needs the name, date of birth and address only,
// never the clinical answers.
func (p *Processor) clientAbout(ctx context.Context, id int64) (*journey.About, error) {
	in, err := p.store.FindIntake(ctx, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND || (err == nil && in == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &in.About, nil
}

func addressLine(a *journey.About) string {
	if a.Address == "" {
		return ""
	}
	return a.Address + ", " + a.City + ", " + a.State + " " + a.PostalCode
}

func chargeIDs(cs []*journey.Charge) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// StatementRequest asks for a statement of the client's account with
// EntityID for ChargeType from From to To (YYYY-MM-DD, read in the
// practice's zone); PayURL is where the client pays online, At the time
// of issue.
type StatementRequest struct {
	EntityID   int64
	ChargeType string
	From, To   string
	PayURL     string
	At         time.Time
}

// IssueStatement issues client id's statement for r and returns it.
// EINVALID naming the wrong fields: an entity that does not bill the
// charge type, a period that is not one.
func (p *Processor) IssueStatement(ctx context.Context, a *journey.Actor, id int64, r StatementRequest, via string) (*IssuedDocument, error) {
	const action = "statement.issue"
	c, err := p.docClient(ctx, a, id, action, true)
	if err != nil {
		return nil, err
	}
	var out *IssuedDocument
	err = attempt(p.checkStatement(ctx, &r), func() error {
		var err error
		out, err = p.issueStatement(ctx, a, c, r)
		return err
	})
	docID := int64(0)
	if out != nil {
		docID = out.ID
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("document %d, entity %d, %s%s%s", docID, r.EntityID, r.ChargeType, refusalOf(err), via)})
	return out, err
}

func (p *Processor) checkStatement(ctx context.Context, r *StatementRequest) error {
	var v journey.Validation
	checkRange(&v, r.From, r.To)
	e, err := p.store.FindBillingEntity(ctx, r.EntityID)
	switch {
	case journey.ErrorCode(err) == journey.ENOTFOUND || r.EntityID == 0:
		v.Add("entity_id", "Choose the entity whose statement it is.")
	case err != nil:
		return err
	case !slices.Contains(journey.EntityChargeTypes(e.Kind), r.ChargeType):
		v.Add("charge_type", "Choose a charge type "+e.LegalName+" bills: "+typeNames(journey.EntityChargeTypes(e.Kind))+".")
	}
	return v.Err()
}

func typeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = strings.ToLower(journey.ChargeTypeName(t))
	}
	return strings.Join(names, " or ")
}

func (p *Processor) issueStatement(ctx context.Context, a *journey.Actor, c *journey.Client, r StatementRequest) (*IssuedDocument, error) {
	e, err := p.store.FindBillingEntity(ctx, r.EntityID)
	if err != nil {
		return nil, err
	}
	l, err := p.store.FindLedger(ctx, c.ID, r.EntityID)
	if err != nil {
		return nil, err
	}
	charges, err := p.allCharges(ctx, journey.ChargeFilter{ClientID: c.ID, EntityID: r.EntityID, ChargeType: r.ChargeType})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*journey.Charge, len(charges))
	for _, ch := range charges {
		byID[ch.ID] = ch
	}
	_, zone, err := p.practiceZone(ctx)
	if err != nil {
		return nil, err
	}
	st := journey.NewStatement(e, r.ChargeType, l.Postings, byID, r.From, r.To, zone)
	st.ClientName, st.PayURL, st.Issued = c.Name, r.PayURL, r.At
	if about, err := p.clientAbout(ctx, c.ID); err != nil {
		return nil, err
	} else if about != nil {
		st.Address = addressLine(about)
		if about.LegalName != "" {
			st.ClientName = about.LegalName
		}
	}
	var buf bytes.Buffer
	if err := pdf.WriteStatement(&buf, st); err != nil {
		return nil, err
	}
	// The statement carries the charges it shows being made.
	var ids []int64
	for _, po := range l.Postings {
		if po.Kind == journey.PostCharge && po.ChargeType == r.ChargeType && byID[po.ChargeID] != nil {
			if day := po.At.In(zone).Format(time.DateOnly); day >= r.From && day <= r.To {
				ids = append(ids, po.ChargeID)
			}
		}
	}
	d := &journey.Document{ClientID: c.ID, EntityID: r.EntityID, ChargeType: r.ChargeType, Kind: journey.DocStatement,
		From: r.From, To: r.To, ChargeIDs: ids, TotalCents: st.DueCents, PDF: buf.Bytes(), CreatedBy: a.ID()}
	if err := p.store.CreateDocument(ctx, d); err != nil {
		return nil, err
	}
	return &IssuedDocument{Document: d}, nil
}

// Documents returns client id's documents of kind ("" every kind), newest
// first, without their PDFs; "not found" to anyone who may not see their
// billing. The list is audited as a read of each document on it.
func (p *Processor) Documents(ctx context.Context, a *journey.Actor, id int64, kind, via string) ([]*journey.Document, error) {
	const action = "document.list"
	c, err := p.docClient(ctx, a, id, action, false)
	if err != nil {
		return nil, err
	}
	ds, err := p.store.FindDocuments(ctx, c.ID, kind, MaxDocumentList)
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: IDList("documents", ds, func(d *journey.Document) int64 { return d.ID }) + via})
	return ds, err
}

// Document returns document id with its PDF (a download is a read,
// audited); "not found" to anyone who may not see its client's billing.
func (p *Processor) Document(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Document, error) {
	const action = "document.read"
	d, err := p.store.FindDocument(ctx, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, p.denied(ctx, a, action, "document", id, "no such document", errNoDocument)
	}
	if err != nil {
		return nil, err
	}
	c, err := p.store.FindClientByID(ctx, d.ClientID)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeBilling(c) {
		return nil, p.denied(ctx, a, action, "document", id, "not theirs to see", errNoDocument)
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "document", SubjectID: d.ID, Outcome: journey.AuditSuccess,
		Detail: d.Kind + " of client " + strconv.FormatInt(c.ID, 10) + via})
	return d, nil
}

// Account is what a client owes one entity for one charge type.
type Account struct {
	Entity       *journey.BillingEntity
	ChargeType   string
	BalanceCents int64
}

// BillingOverview is a client's billing as the portal shows it: what
// they owe each entity per charge type, their charges (amounts, codes and
// dates) and their documents.
type BillingOverview struct {
	Client    *journey.Client
	Accounts  []Account
	Charges   []*journey.Charge
	Documents []*journey.Document
	Entities  map[int64]*journey.BillingEntity
}

// BillingOverview returns client id's billing overview; "not found" to
// anyone who may not see their billing. Audited as a read of their
// ledger, charges and each document listed.
func (p *Processor) BillingOverview(ctx context.Context, a *journey.Actor, id int64, via string) (*BillingOverview, error) {
	const action = "billing.read"
	c, err := p.docClient(ctx, a, id, action, false)
	if err != nil {
		return nil, err
	}
	o, err := p.billingOverview(ctx, c)
	detail := "ledger, charges"
	if o != nil {
		detail += ", " + IDList("documents", o.Documents, func(d *journey.Document) int64 { return d.ID })
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: detail + via})
	return o, err
}

func (p *Processor) billingOverview(ctx context.Context, c *journey.Client) (*BillingOverview, error) {
	clientID := c.ID
	o := &BillingOverview{Client: c, Entities: map[int64]*journey.BillingEntity{}}
	es, err := p.store.FindBillingEntities(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		o.Entities[e.ID] = e
	}
	l, err := p.store.FindLedger(ctx, clientID, 0)
	if err != nil {
		return nil, err
	}
	type key struct {
		entity int64
		typ    string
	}
	bal := map[key]int64{}
	for _, po := range l.Postings {
		bal[key{po.EntityID, po.ChargeType}] += po.AmountCents
	}
	for _, e := range es {
		for _, t := range journey.EntityChargeTypes(e.Kind) {
			if b, ok := bal[key{e.ID, t}]; ok {
				o.Accounts = append(o.Accounts, Account{Entity: e, ChargeType: t, BalanceCents: b})
			}
		}
	}
	if o.Charges, err = p.allCharges(ctx, journey.ChargeFilter{ClientID: clientID}); err != nil {
		return nil, err
	}
	slices.Reverse(o.Charges) // newest first
	o.Documents, err = p.store.FindDocuments(ctx, clientID, "", MaxDocumentList)
	return o, err
}
