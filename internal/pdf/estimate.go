package pdf

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Estimate writes a Good Faith Estimate to w: who it is for, the entity
// that gives it with its address, NPI and tax ID, each expected service
// with its codes, diagnoses, quantity, amounts, provider and facility,
// the total, and the disclaimers the rule asks for. What is missing (a
// date of birth, an NPI) is named, never left blank.
func Estimate(w io.Writer, d *journey.EstimateDocument) error {
	e, ent := d.Estimate, d.Entity
	zone := d.Zone
	if zone == nil {
		zone = time.UTC
	}
	dob := d.DateOfBirth
	if dob == "" {
		dob = "not given"
	}
	npi := func(s string) string {
		if s == "" {
			return "NPI missing"
		}
		return "NPI " + s
	}
	rep := Report{Practice: d.Practice.Name, Title: "Good Faith Estimate", Generated: e.IssuedAt, Zone: zone,
		Lines: []string{
			"For " + d.ClientName + ", date of birth " + dob,
			"Given by " + ent.LegalName + " for " + strings.ToLower(journey.ChargeTypeName(e.ChargeType)) +
				" on " + e.IssuedAt.In(zone).Format("2 January 2006") + " (number " + strconv.FormatInt(d.RequestID, 10) + "-" + strconv.FormatInt(e.EntityID, 10) + ")",
			"Services expected from " + longDate(e.ServiceFrom) + " to " + longDate(e.ServiceTo),
		}}
	facility := []string{ent.LegalName, ent.Address(), npi(ent.NPI) + " · Tax ID (TIN) " + ent.TaxID}
	if ent.Phone != "" {
		facility = append(facility, "Phone "+ent.Phone)
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Provider and facility", Text: facility})
	var diagnoses []string
	seen := map[string]bool{}
	for _, l := range e.Lines {
		for _, c := range l.Diagnoses {
			if !seen[c] {
				seen[c] = true
				diagnoses = append(diagnoses, strings.TrimSpace(c+" "+journey.DiagnosisDescription(c)))
			}
		}
	}
	if len(diagnoses) == 0 {
		diagnoses = []string{"No diagnosis is recorded yet: the services below carry no diagnosis code."}
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Diagnoses (ICD-10)", Text: diagnoses})
	table := Section{Heading: "Expected charges", Empty: "No charges are expected.",
		Columns: []Column{{Header: "Service", Width: 3}, {Header: "Code", Width: 1}, {Header: "Modifiers", Width: 1},
			{Header: "Diagnoses", Width: 1.2}, {Header: "Quantity", Width: 0.9, Right: true}, {Header: "Each", Width: 1.1, Right: true},
			{Header: "Expected charge", Width: 1.3, Right: true}, {Header: "Provider", Width: 2.2}, {Header: "Facility", Width: 2.4}}}
	for _, l := range e.Lines {
		code := l.Code
		if code == "" {
			code = "none"
		}
		table.Rows = append(table.Rows, []string{l.Service, code, strings.Join(l.Modifiers, " "), strings.Join(l.Diagnoses, " "),
			strconv.Itoa(l.Quantity), journey.FormatCents(l.UnitCents), journey.FormatCents(l.TotalCents),
			l.ProviderName + ", " + npi(l.ProviderNPI),
			l.FacilityName + ", " + npi(l.FacilityNPI) + ", TIN " + l.FacilityTIN})
	}
	table.Rows = append(table.Rows, []string{"Total expected charges", "", "", "", "", "", journey.FormatCents(e.TotalCents), "", ""})
	rep.Sections = append(rep.Sections, table)
	rep.Sections = append(rep.Sections, Section{Heading: "What this estimate means", Text: journey.EstimateDisclaimers})
	help := "Questions about this estimate: " + d.Practice.Name
	for _, s := range []string{d.Practice.Phone, d.Practice.Email} {
		if s != "" {
			help += " · " + s
		}
	}
	rep.Sections = append(rep.Sections, Section{Heading: "Questions", Text: []string{help}})
	return WriteReport(w, rep)
}
