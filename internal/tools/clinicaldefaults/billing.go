package clinicaldefaults

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// billing writes the billing defaults: the default fee schedule, how codes
// follow minutes, telehealth, and the Good Faith Estimate's deadlines.
func billing(b *bytes.Buffer) {
	const practice, medical = 1, 2
	fs := journey.DefaultFeeSchedule(practice, medical)
	entity := map[int64]string{practice: "practice", medical: "medical entity"}
	b.WriteString("\n## Billing defaults\n\n")
	b.WriteString("Billing follows KAP's split into four charge types that never share a document: **psychotherapy** (preparation and integration, which may go on a superbill), the **medicine-session** fee (private pay, never on a superbill or claim), **prescriber** care and **medication** (billed by the medical entity). A practice starts from this fee schedule; an admin changes its lines, the price list and the telehealth modifier at **Billing setup** (`/admin/billing`). A charge keeps the code and amount it was made with.\n\n")
	b.WriteString("| Session | Event | Mode, route | Charge type | Entity | Code | Fee |\n|---|---|---|---|---|---|---|\n")
	for _, l := range fs.Lines {
		fee := "price list"
		if l.FeeCents > 0 {
			fee = journey.FormatCents(l.FeeCents)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", l.SessionType, strings.ReplaceAll(l.Event, "_", " "), modeRoute(l),
			journey.ChargeTypeName(l.ChargeType), entity[l.EntityID], ruleName(l), fee)
	}
	b.WriteString("\nCodes chosen by minutes (the clinician's recorded minutes, else the session's length):\n\n")
	b.WriteString("| Rule | Minutes → code |\n|---|---|\n")
	fmt.Fprintf(b, "| Psychotherapy | %s; under %d minutes no code, and nothing is charged |\n",
		ranges(func(m int) string { return journey.PsychotherapyCode(m) }), firstCoded(func(m int) string { return journey.PsychotherapyCode(m) }))
	b.WriteString("| Evaluation then time | 90791 for the client's first psychotherapy service, then as psychotherapy |\n")
	fmt.Fprintf(b, "| Office visit, new patient | %s |\n", ranges(func(m int) string { return journey.EMCode(m, true) }))
	fmt.Fprintf(b, "| Office visit, established | %s |\n", ranges(func(m int) string { return journey.EMCode(m, false) }))
	b.WriteString("| Per hour (0820T monitoring) | one unit per started hour beyond the first 30 minutes, at least one |\n")
	b.WriteString("\n| Code | Price |\n|---|---|\n")
	for _, p := range fs.Prices {
		fmt.Fprintf(b, "| %s %s | %s |\n", p.Code, cell(p.Description), journey.FormatCents(p.Cents))
	}
	fmt.Fprintf(b, "\nA remote session's service codes carry the telehealth modifier **%s** (an admin may choose another, such as GT, or none); a drug's HCPCS code does not. Place of service: **%s** in the office, **%s** by video with the client at home, **%s** by video elsewhere. Each coded line points at up to %d of the client's diagnoses (a list of up to %d, A–L), chosen by their clinicians from the common KAP codes or typed.\n",
		fs.TelehealthModifier, journey.POSOffice, journey.POSTelehealthHome, journey.POSTelehealthOther, journey.MaxLinePointers, journey.MaxDiagnoses)
	b.WriteString("\nGood Faith Estimates (No Surprises Act), counted in business days (weekdays that are not US federal holidays, observed on the Friday before or Monday after) in the practice's zone:\n\n")
	b.WriteString("| Booked | Estimate due by the end of |\n|---|---|\n")
	booked := time.Date(2026, time.December, 23, 10, 0, 0, 0, time.UTC) // a Wednesday before Christmas, a Friday
	for _, ahead := range []int{10, 3} {
		service := journey.AddBusinessDays(booked, ahead)
		due, _ := journey.EstimateDueBy(booked, service, time.UTC)
		fmt.Fprintf(b, "| %d or more business days ahead | business day %d after booking (booked %s: %s) |\n", ahead,
			journey.BusinessDaysBetween(booked, due), booked.Format("Mon 2 Jan"), due.Format("Mon 2 Jan"))
	}
	b.WriteString("| fewer | no deadline; Journey issues one at once |\n")
	req := journey.EstimateRequestDue(booked, time.UTC)
	fmt.Fprintf(b, "| asked for by the client | business day %d after the request |\n", journey.BusinessDaysBetween(booked, req))
	fmt.Fprintf(b, "\nA bill **%s or more** above its estimate for one provider is flagged with the client's right to dispute it.\n", journey.FormatCents(journey.DisputeThresholdCents))
}

func modeRoute(l *journey.FeeLine) string {
	var s []string
	for _, v := range []string{l.Mode, l.Route} {
		if v != "" {
			s = append(s, strings.ReplaceAll(v, "_", " "))
		}
	}
	if len(s) == 0 {
		return "any"
	}
	return strings.Join(s, ", ")
}

func ruleName(l *journey.FeeLine) string {
	switch l.Rule {
	case journey.RuleFixed:
		if l.Code == "" {
			return "none (a fee, not a service)"
		}
		return l.Code
	case journey.RulePerHour:
		return l.Code + " per hour"
	}
	return map[string]string{journey.RulePsychotherapyTime: "psychotherapy by minutes", journey.RuleEvaluationThenTime: "90791, then by minutes",
		journey.RuleEMTime: "office visit by minutes"}[l.Rule]
}

// ranges writes code's minute ranges from 0 to 120: "90832 16–37, …,
// 90837 53+".
func ranges(code func(int) string) string {
	var out []string
	start, cur := 0, code(0)
	for m := 1; m <= 121; m++ {
		if c := code(m); c != cur || m == 121 {
			if cur != "" {
				if m == 121 {
					out = append(out, fmt.Sprintf("%s %d+", cur, start))
				} else {
					out = append(out, fmt.Sprintf("%s %d–%d", cur, start, m-1))
				}
			}
			start, cur = m, c
		}
	}
	return strings.Join(out, ", ")
}

func firstCoded(code func(int) string) int {
	for m := 0; ; m++ {
		if code(m) != "" {
			return m
		}
	}
}
