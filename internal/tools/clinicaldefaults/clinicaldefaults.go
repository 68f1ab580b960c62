// Package clinicaldefaults writes docs/clinical-defaults.md from the
// defaults the code ships: the screening rules, the questionnaires' bands
// and flags, the intake's ranges and the calendar and clearance defaults.
// The document is generated, never edited by hand, so it cannot drift from
// the code; a test compares the file with Render and fails when they differ
// (run `go generate ./internal/tools/clinicaldefaults` to write it again).
package clinicaldefaults

//go:generate go test -run TestDocumentIsCurrent -update .

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/screening"
)

// Render returns the document's Markdown.
func Render() []byte {
	var b bytes.Buffer
	b.WriteString(header)
	rules(&b)
	questionnaires(&b)
	intake(&b)
	monitoring(&b)
	calendar(&b)
	carePath(&b)
	billing(&b) // billing.go
	return b.Bytes()
}

const header = `# Clinical defaults

Every threshold and rule Journey ships, where it comes from, and where a practice changes it. These are **defaults for a practice's medical director to review, not medical advice**: Journey raises findings for staff to weigh; only the prescriber decides whether a client is cleared, and Journey never tells a client to stop or change a medication.

This file is generated from the code (` + "`go generate ./internal/tools/clinicaldefaults`" + `); a test fails when the two differ.

`

var kindNames = map[string]string{
	journey.FindingHardStop: "hard stop",
	journey.FindingReview:   "prescriber review",
	journey.FindingWarn:     "warning",
}

func rules(b *bytes.Buffer) {
	rs := screening.Defaults()
	fmt.Fprintf(b, "## Screening rules (version %d)\n\n", rs.Version)
	b.WriteString("Each rule turns an intake answer or a questionnaire result into a finding of one of three kinds: a **hard stop** (no dosing unless the prescriber overrides it with a written reason), a **prescriber review** (the prescriber signs it off on the decision screen) or a **warning** (shown to the care team). ")
	b.WriteString("An admin changes a rule's kind, threshold or whether it is on at **Settings → Screening rules** (`/admin/rules`); each change makes a new version of the rule set, records who made it and why, and screens every client again under it.\n\n")
	b.WriteString("| Rule | Kind | Threshold | Source |\n|---|---|---|---|\n")
	for _, r := range rs.Rules {
		fmt.Fprintf(b, "| %s (`%s`) | %s | %s | %s |\n", cell(r.Title), r.Code, kindNames[r.Kind], threshold(r), cell(r.Source))
	}
	b.WriteString("\n")
}

func threshold(r journey.Rule) string {
	if r.Threshold == nil {
		return ""
	}
	s := num(*r.Threshold)
	if r.Threshold2 != nil {
		s += "/" + num(*r.Threshold2)
	}
	if r.Unit != "" {
		s += " " + r.Unit
	}
	return cell(s)
}

func questionnaires(b *bytes.Buffer) {
	b.WriteString("## Questionnaires\n\n")
	b.WriteString("Scored in code from versioned definitions; a response keeps the version it was given under.\n\n")
	for _, q := range measure.All() {
		fmt.Fprintf(b, "### %s (version %d)\n\n", q.Title, q.Version)
		if q.Recall != "" {
			fmt.Fprintf(b, "Recall period: %s. %d items", q.Recall, len(q.Items))
		} else {
			fmt.Fprintf(b, "%d items", len(q.Items))
		}
		if q.MaxScore > 0 {
			fmt.Fprintf(b, ", total 0–%d", q.MaxScore)
		}
		b.WriteString(".\n\n")
		if len(q.Bands) > 0 {
			b.WriteString("| Total | Band |\n|---|---|\n")
			for _, bd := range q.Bands {
				fmt.Fprintf(b, "| %d–%d | %s |\n", bd.Min, bd.Max, bd.Label)
			}
			b.WriteString("\n")
		}
		if note := questionnaireNotes[q.Code]; note != "" {
			b.WriteString(note + "\n\n")
		}
	}
}

// questionnaireNotes says what each instrument flags. The numbers come from
// the code; a test checks each flag named here is one the scorer raises.
var questionnaireNotes = map[string]string{
	journey.QuestionnairePHQ9: "Flag `" + journey.FlagPHQ9Item9 + "`: any answer above 0 on item 9 (thoughts of being better off dead or of self-harm), whatever the total. " +
		"The client sees crisis resources at once and the care team gets an alert to acknowledge; the finding needs the prescriber's review. Source: the PHQ-9's instructions.",
	journey.QuestionnairePCL5: "Flag `" + journey.FlagPCL5ProbablePTSD + "`: a total at or above " + strconv.Itoa(measure.DefaultPCL5Cutoff) +
		" (published cut-offs range from 31 to 33). Flag `" + measure.FlagPCL5ProvisionalPTSD + "`: the DSM-5 provisional rule, counting an item rated 2 (Moderately) or more, at least one B item, one C item, two D items and two E items. " +
		"Cluster totals B (items 1–5), C (6–7), D (8–14) and E (15–20) are shown. Source: the National Center for PTSD's PCL-5 scoring guidance.",
	journey.QuestionnaireCSSRS: "Nothing is summed: the result is a risk level. A yes to question 4 or 5, or a suicide attempt or preparation in the past 3 months, is **high risk** (flag `" + journey.FlagCSSRSHighRisk + "`: crisis resources at once, an alert to the care team, and the screening rule `" + screening.CodeSuicidalityHighRisk + "`); " +
		"a yes to question 3 or a lifetime attempt more than 3 months ago is moderate; a yes to question 1 or 2 alone is low. Questions 3–5 are asked only after a yes to question 2. Source: the Columbia Lighthouse Project's screener triage.",
}

func intake(b *bytes.Buffer) {
	b.WriteString("## Intake ranges\n\n")
	b.WriteString("Answers outside these ranges are refused beside the field, with the range in the message; they guard against typing mistakes, not clinical limits.\n\n")
	b.WriteString("| Answer | Accepted |\n|---|---|\n")
	fmt.Fprintf(b, "| Height | %d–%d cm |\n", journey.MinHeightCM, journey.MaxHeightCM)
	fmt.Fprintf(b, "| Weight | %d–%d kg |\n", journey.MinWeightKG, journey.MaxWeightKG)
	fmt.Fprintf(b, "| Blood pressure, top number | %d–%d mmHg |\n", journey.MinSystolic, journey.MaxSystolic)
	fmt.Fprintf(b, "| Blood pressure, bottom number | %d–%d mmHg, below the top number |\n", journey.MinDiastolic, journey.MaxDiastolic)
	min := screening.Defaults().Rule(screening.CodeAgeMinimum)
	fmt.Fprintf(b, "| Age | %s to %d years (the lower bound is the screening rule `%s`) |\n", num(*min.Threshold), journey.MaxAge, screening.CodeAgeMinimum)
	fmt.Fprintf(b, "| Medications | at most %d, each up to %d mg and %d times a day |\n", journey.MaxMedications, journey.MaxDoseMG, journey.MaxDosesPerDay)
	fmt.Fprintf(b, "| Alcohol | up to %d drinks a week |\n\n", journey.MaxDrinksPerWeek)
}

func monitoring(b *bytes.Buffer) {
	r := journey.DefaultMonitoringRules()
	b.WriteString("## The medicine session\n\n")
	b.WriteString("Each reading on the run sheet is checked against these thresholds; before the dose a **hold** stops it until the client is re-measured and the medical provider reviews the readings, a **review** asks for both before the dose; after it an **escalation** tells the medical provider now and a **flag** is noted on the run sheet. A hold, an escalation, an order past a bound and an early discharge each email the care team at once and are audited. ")
	b.WriteString("An admin changes them at **Settings → Care path** (`/admin/care`).\n\n")
	b.WriteString("| Reading | When | Threshold | Action |\n|---|---|---|---|\n")
	fmt.Fprintf(b, "| Blood pressure | before the dose | above %d/%d (either number) | review: re-measure and the prescriber reviews |\n", r.ReviewSystolic, r.ReviewDiastolic)
	fmt.Fprintf(b, "| Blood pressure | before the dose | at or above %d/%d (either number) | hold |\n", r.HoldSystolic, r.HoldDiastolic)
	fmt.Fprintf(b, "| Heart rate | before the dose | below %d or above %d | hold |\n", r.HoldHRLow, r.HoldHRHigh)
	fmt.Fprintf(b, "| Respiratory rate | before the dose | below %d or above %d | hold |\n", r.HoldRRLow, r.HoldRRHigh)
	fmt.Fprintf(b, "| SpO2 | before the dose | below %d%% | hold |\n", r.HoldSpO2)
	fmt.Fprintf(b, "| SpO2 | after the dose | below %d%% | escalate |\n", r.EscalateSpO2)
	fmt.Fprintf(b, "| Blood pressure | after the dose | a rise over the last pre-dose reading of at least %d systolic or %d diastolic | flag |\n\n", r.RiseSystolic, r.RiseDiastolic)
	b.WriteString("| Setting | Default |\n|---|---|\n")
	fmt.Fprintf(b, "| Peak check | %d minutes after the dose |\n", r.PeakAfterMinutes)
	fmt.Fprintf(b, "| Least observation time before discharge | %d minutes after the dose (a medical provider may discharge earlier with a reason) |\n", r.ObserveMinutes)
	fmt.Fprintf(b, "| Remote session: the monitor's visual check-in | every %d minutes after the dose; a later one is flagged as missed |\n", r.RemoteCheckMinutes)
	fmt.Fprintf(b, "| Lozenge dose | %s–%s mg per session; outside it the order needs an override with a reason |\n", journey.Mg(r.LozengeMinMg), journey.Mg(r.LozengeMaxMg))
	fmt.Fprintf(b, "| IM dose | above %s mg/kg the order needs an override with a reason; above %s mg/kg (the medical director's hard cap) it is refused |\n\n", journey.Mg(r.IMWarnMgPerKg), journey.Mg(r.IMCapMgPerKg))
	b.WriteString("Readings outside these ranges are impossible and refused beside the field, with the range in the message:\n\n| Reading | Accepted |\n|---|---|\n")
	for _, v := range journey.VitalRanges {
		fmt.Fprintf(b, "| %s | %d–%d |\n", v.Label, v.Min, v.Max)
	}
	b.WriteString("\n")
}

func calendar(b *bytes.Buffer) {
	b.WriteString("## Consults and clearance\n\n")
	b.WriteString("| Setting | Default | Changed at |\n|---|---|---|\n")
	fmt.Fprintf(b, "| Consult length | %d minutes | each therapist's consult hours |\n", int(journey.DefaultConsultLength.Minutes()))
	fmt.Fprintf(b, "| Notice before a consult can be booked | %d hours | each therapist's consult hours |\n", int(journey.DefaultMinNotice.Hours()))
	fmt.Fprintf(b, "| How far ahead consults can be booked | %d days | each therapist's consult hours |\n", journey.DefaultHorizonDays)
	fmt.Fprintf(b, "| How long a clearance holds | %d months | the prescriber's decision screen, per client |\n", journey.DefaultClearance)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// cell keeps a value inside its Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// carePath writes the treatment plan a cleared client starts from, the
// rules of the gates before a medicine session, and the home blood
// pressure limits of a remote session's check-in.
func carePath(b *bytes.Buffer) {
	p, r, m := journey.DefaultPlan(), journey.DefaultCareRules(), journey.DefaultMonitoringRules()
	b.WriteString("\n## The care path after clearance\n\n")
	b.WriteString("A cleared client's treatment plan starts from the practice's default; the care team tailors it per client, each change kept with who and why. The admin changes every default here under Settings, Care path.\n\n")
	b.WriteString("| Setting | Default |\n|---|---|\n")
	fmt.Fprintf(b, "| Preparation sessions | %d (at least 1) |\n", p.Preparations)
	fmt.Fprintf(b, "| Medicine sessions in the initial phase | %d, then a follow-up with the medical provider |\n", p.InitialDoses)
	fmt.Fprintf(b, "| Integration after each medicine session | from %d to %d days after it |\n", p.IntegrationMinDays, p.IntegrationMaxDays)
	fmt.Fprintf(b, "| Continuation series | %d more medicine sessions (%d in all) |\n", p.Continuation, p.InitialDoses+p.Continuation)
	fmt.Fprintf(b, "| An integration is overdue | when none is booked %d days after a dose |\n", r.IntegrationOverdueDays)
	b.WriteString("\nGates before a medicine session is booked, and again when it starts (a medical provider may override only the clearance's age and the re-check, with a reason):\n\n")
	b.WriteString("| Gate | Holds when |\n|---|---|\n")
	b.WriteString("| Clearance | the client is cleared, with no unresolved hard stop, and the clearance holds on the session's day |\n")
	b.WriteString("| Consent | the current KAP informed consent and financial policy are signed |\n")
	b.WriteString("| Preparation | the plan's number of preparation sessions have been held |\n")
	b.WriteString("| Integration | the previous medicine session's integration has been held (or booked, if the practice allows) |\n")
	fmt.Fprintf(b, "| Measures | a PHQ-9 was completed in the last %d days |\n", r.MeasuresWithinDays)
	b.WriteString("| Safety alert | no safety alert is open |\n")
	fmt.Fprintf(b, "| Re-check | after more than %d days since the last dose, a follow-up with the medical provider came first |\n", r.RecheckAfterDays)
	b.WriteString("| Team | a therapist, a medical provider and a chaperone are assigned and free for the whole session |\n")
	b.WriteString("| Remote | by lozenge only; an adult monitor named with a phone number; the client checked in at the start |\n")
	fmt.Fprintf(b, "\nAt a remote session's check-in, a home blood pressure at or above %d/%d (the practice's hold level) means no dose that day and the therapist is told at once; above %d/%d (its review level), the medical provider reviews it before the dose. An override given for a client holds for %d days.\n",
		m.HoldSystolic, m.HoldDiastolic, m.ReviewSystolic, m.ReviewDiastolic, journey.GateOverrideDays)
}
