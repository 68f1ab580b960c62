package journey

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// What a superbill and a statement say, worked out from the records
// (internal/processing gathers them, internal/pdf lays them out). A
// superbill with a gap (no NPI, no diagnosis, no date of birth) is still
// issued: the gap is named on it, in the place the value would be and in
// a list at its top, and the page that issued it shows the same list, so
// the client or the front desk can have it fixed and issue it again. A
// blank field would be sent to an insurer unnoticed; a refusal would keep
// from the client a document that is right in every other part.

// SuperbillLine is one service on a superbill: the charge, the rendering
// clinician's name, its diagnosis pointers (letters into the superbill's
// list) and what has been paid toward it.
type SuperbillLine struct {
	Charge    *Charge
	Clinician string
	Pointers  string // "AB"; "" when the charge has no diagnosis
	PaidCents int64
}

// Superbill is what a superbill says: the billing provider (the entity),
// the rendering clinicians, the client, their diagnoses (A–L), the
// services and totals.
type Superbill struct {
	Entity     *BillingEntity
	Clinicians []*BillingClinician // those named on its lines, in order of first service
	ClientName string
	BirthDate  string // YYYY-MM-DD, "" when not known
	Address    string // one line, "" when not known
	Coverage   *Coverage
	Diagnoses  []Diagnosis // the list the lines point into, A first
	Lines      []SuperbillLine
	From, To   string // the dates of its first and last service
	Issued     time.Time
	Zone       *time.Location
}

// NewSuperbill returns the superbill of charges (all Superbillable, of one
// entity; CheckDocument) in date order, their diagnoses gathered into one
// list in the order of the client's list (known: the client's diagnoses,
// whose descriptions it takes), each line pointing into it; clinicians
// maps a user id to the rendering clinician's billing record and paid a
// charge id to what was paid toward it.
func NewSuperbill(e *BillingEntity, charges []*Charge, clinicians map[int64]*BillingClinician, known []Diagnosis, paid map[int64]int64) *Superbill {
	s := &Superbill{Entity: e}
	sorted := byService(charges)
	letter := map[string]byte{}
	for _, c := range sorted {
		for _, code := range c.Diagnoses {
			if _, ok := letter[code]; !ok && len(s.Diagnoses) < MaxDiagnoses {
				letter[code] = 'A' + byte(len(s.Diagnoses))
				s.Diagnoses = append(s.Diagnoses, Diagnosis{Code: code, Description: describe(code, known)})
			}
		}
	}
	for _, c := range sorted {
		l := SuperbillLine{Charge: c, PaidCents: paid[c.ID]}
		for _, code := range c.Diagnoses {
			if b, ok := letter[code]; ok {
				l.Pointers += string(b)
			}
		}
		if bc := clinicians[c.ClinicianID]; bc != nil {
			l.Clinician = bc.Name
			if !slices.Contains(s.Clinicians, bc) {
				s.Clinicians = append(s.Clinicians, bc)
			}
		}
		s.Lines = append(s.Lines, l)
	}
	if len(sorted) > 0 {
		s.From, s.To = sorted[0].Date, sorted[len(sorted)-1].Date
	}
	return s
}

// byService returns a copy of charges oldest service first (then by id).
func byService(charges []*Charge) []*Charge {
	sorted := slices.Clone(charges)
	slices.SortStableFunc(sorted, func(a, b *Charge) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return sorted
}

func describe(code string, known []Diagnosis) string {
	for _, d := range known {
		if d.Code == code && d.Description != "" {
			return d.Description
		}
	}
	if d := DiagnosisDescription(code); d != "" {
		return d
	}
	return "Description not on file"
}

// Totals returns the sum of the superbill's fees and of what was paid
// toward them.
func (s *Superbill) Totals() (fee, paid int64) {
	for _, l := range s.Lines {
		fee += l.Charge.AmountCents + l.Charge.AdjustedCents
		paid += l.PaidCents
	}
	return fee, paid
}

// Missing returns, in words, what the superbill needs and the records
// lack; none when it is complete.
func (s *Superbill) Missing() []string {
	var m []string
	if s.Entity != nil && s.Entity.TaxID == "" {
		m = append(m, "Tax ID missing for "+s.Entity.LegalName)
	}
	for _, l := range s.Lines {
		if l.Clinician == "" {
			m = append(m, "Rendering clinician missing for the service on "+l.Charge.Date)
		}
	}
	for _, c := range s.Clinicians {
		for _, what := range c.Missing() {
			m = append(m, upperFirst(what)+" missing for "+c.Name)
		}
	}
	if s.BirthDate == "" {
		m = append(m, "Date of birth missing")
	}
	if s.Address == "" {
		m = append(m, "Client address missing")
	}
	if s.Coverage == nil || s.Coverage.Payer != PayerInsurance {
		m = append(m, "Insurer and member ID missing (no insurance recorded)")
	}
	if len(s.Diagnoses) == 0 {
		m = append(m, "No diagnosis chosen")
	} else {
		for _, l := range s.Lines {
			if l.Pointers == "" {
				m = append(m, "No diagnosis chosen for the service on "+l.Charge.Date)
			}
		}
	}
	return m
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AllocatePaid spreads paidCents, the net of a client's payments and
// refunds with one entity for one charge type, over charges (that
// client's, of that entity and type) oldest service first, each up to
// what it comes to after its adjustments; a voided charge takes nothing.
// Payments are made to an account, not to a service, so a superbill's
// "amount paid" is this share. It returns each charge's share by id.
func AllocatePaid(charges []*Charge, paidCents int64) map[int64]int64 {
	sorted := byService(charges)
	out := map[int64]int64{}
	for _, c := range sorted {
		owed := c.AmountCents + c.AdjustedCents
		if c.Status == ChargeVoid || owed <= 0 || paidCents <= 0 {
			continue
		}
		share := min(owed, paidCents)
		out[c.ID], paidCents = share, paidCents-share
	}
	return out
}

// StatementLine is one line of a statement: a posting in words with the
// balance after it.
type StatementLine struct {
	Date         string // YYYY-MM-DD, in the practice's zone
	Kind         string // a Post* kind
	Description  string
	AmountCents  int64
	BalanceCents int64
}

// Statement is what a statement says: a client's account with one entity
// for one charge type over a period, line by line, and what is due.
type Statement struct {
	Entity       *BillingEntity
	ChargeType   string
	ClientName   string
	Address      string // one line, "" when not known
	From, To     string // YYYY-MM-DD, inclusive
	OpeningCents int64  // the balance before From
	Lines        []StatementLine
	DueCents     int64 // the balance at the end of To
	PayURL       string
	Issued       time.Time
	Zone         *time.Location
}

// NewStatement returns the statement of postings (one client's with one
// entity, any charge types: those of other types are left out) for
// chargeType from `from` to `to` (YYYY-MM-DD, read in loc), charges
// giving each charge posting its service date, code and description.
func NewStatement(e *BillingEntity, chargeType string, postings []*Posting, charges map[int64]*Charge, from, to string, loc *time.Location) *Statement {
	st := &Statement{Entity: e, ChargeType: chargeType, From: from, To: to, Zone: loc}
	sorted := slices.Clone(postings)
	slices.SortStableFunc(sorted, func(a, b *Posting) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	bal := int64(0)
	for _, p := range sorted {
		if p.ChargeType != chargeType {
			continue
		}
		day := p.At.In(loc).Format(time.DateOnly)
		if day > to {
			break
		}
		bal += p.AmountCents
		if day < from {
			st.OpeningCents = bal
			continue
		}
		st.Lines = append(st.Lines, StatementLine{Date: day, Kind: p.Kind, Description: postingText(p, charges[p.ChargeID]),
			AmountCents: p.AmountCents, BalanceCents: bal})
	}
	st.DueCents = bal
	return st
}

// postingText says what a posting was, in the words a statement uses: no
// memo, which may carry a reason staff typed.
func postingText(p *Posting, c *Charge) string {
	service := ""
	if c != nil {
		service = c.Description + ", " + c.Date
		if c.Code != "" {
			service += " (" + c.Code + ")"
		}
	}
	switch p.Kind {
	case PostCharge:
		return service
	case PostVoid:
		return "Voided: " + service
	case PostAdjustment:
		return "Adjustment: " + service
	case PostPayment:
		return "Payment, thank you"
	case PostRefund:
		return "Refund"
	}
	return p.Kind
}
