package pdf

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Superbills and statements are reports (report.go): a title, lines under
// it, sections of text and tables. What they say is worked out in the
// root package (billing_documents.go); here it is only laid out, and a
// value the records lack is printed as what is missing, never blank.

// WriteSuperbill writes s to w as a PDF: the billing provider, the
// rendering clinicians, the client and their insurance, the diagnoses
// A–L, each service (date, place of service, code with modifiers, units,
// diagnosis pointers, fee, amount paid) and the totals; what is missing
// is listed at the top and named where it belongs.
func WriteSuperbill(w io.Writer, s *journey.Superbill) error {
	zone := zoneOrUTC(s.Zone)
	e := s.Entity
	rep := Report{Practice: e.LegalName, Title: "Superbill", Generated: s.Issued, Zone: zone,
		Lines: []string{"Services from " + longDate(s.From) + " to " + longDate(s.To) + ". Issued " + s.Issued.In(zone).Format("2 January 2006") + "."}}
	if miss := s.Missing(); len(miss) > 0 {
		rep.Sections = append(rep.Sections, Section{Heading: "Incomplete: the records lack what is named here",
			Text: bullets(miss)})
	}
	provider := []string{e.LegalName, e.Address(), "Tax ID (EIN): " + orMissing(e.TaxID, "Tax ID missing")}
	if e.NPI != "" {
		provider = append(provider, "NPI (organisation): "+e.NPI)
	}
	if e.Phone != "" {
		provider = append(provider, "Phone: "+e.Phone)
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Billing provider", Text: provider})
	clin := Section{Heading: "Rendering clinician", Empty: "Rendering clinician missing",
		Columns: []Column{{"Name", 3, false}, {"Credentials", 2, false}, {"NPI", 2, false}, {"Licence", 2, false}, {"Licence state", 2, false}}}
	for _, c := range s.Clinicians {
		clin.Rows = append(clin.Rows, []string{c.Name, orMissing(c.Credentials, "Credentials missing"), orMissing(c.NPI, "NPI missing"),
			orMissing(c.Licence, "Licence number missing"), orMissing(c.LicenceState, "Licence state missing")})
	}
	rep.Sections = append(rep.Sections, clin)
	client := []string{"Name: " + s.ClientName, "Date of birth: " + orMissing(s.BirthDate, "Date of birth missing"),
		"Address: " + orMissing(s.Address, "Client address missing")}
	if cv := s.Coverage; cv != nil && cv.Payer == journey.PayerInsurance {
		client = append(client, "Insurer: "+cv.Insurer, "Member ID: "+orMissing(cv.MemberID, "Member ID missing"))
		if cv.GroupNumber != "" {
			client = append(client, "Group number: "+cv.GroupNumber)
		}
	} else {
		client = append(client, "Insurer and member ID missing (no insurance recorded)")
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Client", Text: client})
	dx := Section{Heading: "Diagnoses (ICD-10-CM)", Empty: "No diagnosis chosen",
		Columns: []Column{{"Pointer", 1, false}, {"Code", 1, false}, {"Description", 8, false}}}
	for i, d := range s.Diagnoses {
		dx.Rows = append(dx.Rows, []string{string(rune('A' + i)), d.Code, d.Description})
	}
	rep.Sections = append(rep.Sections, dx)
	svc := Section{Heading: "Services", Empty: "No services.",
		Columns: []Column{{"Date", 2, false}, {"Place of service", 2, false}, {"CPT/HCPCS", 1.5, false}, {"Modifiers", 1.5, false},
			{"Units", 1, true}, {"Diagnosis pointers", 3, false}, {"Rendering clinician", 3, false}, {"Description", 4, false},
			{"Fee", 2, true}, {"Paid", 2, true}}}
	for _, l := range s.Lines {
		c := l.Charge
		svc.Rows = append(svc.Rows, []string{c.Date, orMissing(c.POS, "missing"), c.Code, strings.Join(c.Modifiers, " "),
			strconv.Itoa(c.Units), orMissing(l.Pointers, "No diagnosis chosen"), orMissing(l.Clinician, "missing"), c.Description,
			journey.FormatCents(c.AmountCents + c.AdjustedCents), journey.FormatCents(l.PaidCents)})
	}
	rep.Sections = append(rep.Sections, svc)
	fee, paid := s.Totals()
	rep.Sections = append(rep.Sections, Section{Heading: "Totals", Text: []string{"Total fees: " + journey.FormatCents(fee),
		"Total paid: " + journey.FormatCents(paid), "Balance: " + journey.FormatCents(fee-paid)}})
	return WriteReport(w, rep)
}

// WriteStatement writes st to w as a PDF: the entity, the client, the
// period's lines each with the running balance (after the balance brought
// forward), the amount due and how to pay it.
func WriteStatement(w io.Writer, st *journey.Statement) error {
	zone := zoneOrUTC(st.Zone)
	e := st.Entity
	rep := Report{Practice: e.LegalName, Title: "Statement", Generated: st.Issued, Zone: zone,
		Lines: []string{journey.ChargeTypeName(st.ChargeType) + ", " + longDate(st.From) + " to " + longDate(st.To) + ". Issued " +
			st.Issued.In(zone).Format("2 January 2006") + "."}}
	from := []string{e.LegalName, e.Address(), "Tax ID (EIN): " + e.TaxID}
	if e.Phone != "" {
		from = append(from, "Phone: "+e.Phone)
	}
	rep.Sections = append(rep.Sections, Section{Heading: "From", Text: from},
		Section{Heading: "To", Text: []string{st.ClientName, orMissing(st.Address, "Address not on file")}})
	acct := Section{Heading: "Account", Columns: []Column{{"Date", 2, false}, {"Description", 8, false}, {"Amount", 2, true}, {"Balance", 2, true}}}
	acct.Rows = append(acct.Rows, []string{st.From, "Balance brought forward", "", journey.FormatCents(st.OpeningCents)})
	for _, l := range st.Lines {
		acct.Rows = append(acct.Rows, []string{l.Date, l.Description, journey.FormatCents(l.AmountCents), journey.FormatCents(l.BalanceCents)})
	}
	rep.Sections = append(rep.Sections, acct)
	due := []string{"Amount due: " + journey.FormatCents(max(st.DueCents, 0))}
	switch {
	case st.DueCents < 0:
		due = append(due, "Your account is in credit by "+journey.FormatCents(-st.DueCents)+".")
	case st.DueCents > 0:
		how := "How to pay: at the front desk by cash, check or card"
		if st.PayURL != "" {
			how += ", or online: sign in at " + st.PayURL + " and choose Billing"
		}
		due = append(due, how+".")
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Amount due", Text: due})
	return WriteReport(w, rep)
}

func zoneOrUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

func orMissing(v, missing string) string {
	if v == "" {
		return missing
	}
	return v
}

func bullets(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "• " + s
	}
	return out
}

// longDate writes YYYY-MM-DD as "2 March 2026"; anything else as it is.
func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}
