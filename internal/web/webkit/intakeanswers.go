package webkit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// The intake's answers as people read them: section by section in the
// order the portal asks them, for the medical provider's review screen and
// the chart (staff) and for the client reading their own back (portal).

// Medication is one medication the client takes, with its daily total.
type Medication struct {
	Name, Dose, PerDay, Daily, Notes string
}

// IntakeAnswer is one answer of the intake, labelled.
type IntakeAnswer struct {
	Label, Value string
	Flag         bool // a yes or not-sure answer to a health question, or a number that needs a look
}

// IntakeSection is one part of the intake with its answers.
type IntakeSection struct {
	Title string
	Done  bool
	Rows  []IntakeAnswer
}

// Medications is the intake's medication list as staff read it.
type Medications struct {
	List []Medication
	None bool // the client said they take none
}

// MedicationsOf lists what the client takes, with each day's total.
func MedicationsOf(in *journey.Intake) Medications {
	out := Medications{None: in.Medications.None}
	for _, m := range in.Medications.List {
		out.List = append(out.List, Medication{Name: m.Name, Dose: num(m.DoseMG) + " mg", PerDay: num(m.PerDay),
			Daily: num(m.DailyMG()) + " mg", Notes: m.Notes})
	}
	return out
}

// answerWord names a yes/no/not sure answer.
func answerWord(a string) string {
	switch a {
	case journey.Yes:
		return "Yes"
	case journey.No:
		return "No"
	case journey.Unsure:
		return "Not sure"
	case journey.NotApplicable:
		return "Not applicable"
	case "":
		return "(no answer)"
	}
	return a
}

func flagged(a string) bool { return a == journey.Yes || a == journey.Unsure }

// num formats a number without trailing zeros.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// label returns the label of code in list, or code itself.
func label(code string, list []struct{ Code, Label string }) string {
	for _, x := range list {
		if x.Code == code {
			return x.Label
		}
	}
	return code
}

// IntakeSections lays out the intake section by section, in the order the
// portal asks it, each health question with its full text.
func IntakeSections(in *journey.Intake, now time.Time) []IntakeSection {
	var out []IntakeSection
	text := func(rows *[]IntakeAnswer, label, v string) {
		if v == "" {
			v = "—"
		}
		*rows = append(*rows, IntakeAnswer{Label: label, Value: v})
	}
	yn := func(rows *[]IntakeAnswer, label, v string) {
		*rows = append(*rows, IntakeAnswer{Label: label, Value: answerWord(v), Flag: flagged(v)})
	}
	conditions := func(rows *[]IntakeAnswer, got map[string]string, asked []journey.Condition) {
		for _, c := range asked {
			yn(rows, c.Question, got[c.Code])
		}
	}
	for _, st := range journey.IntakeSteps {
		sec := IntakeSection{Title: st.Title, Done: in.HasDone(st.Code)}
		if !sec.Done {
			out = append(out, sec)
			continue
		}
		rows := &sec.Rows
		switch st.Code {
		case journey.StepAbout:
			a := in.About
			text(rows, "Legal name", a.LegalName)
			text(rows, "Preferred name", a.PreferredName)
			text(rows, "Pronouns", a.Pronouns)
			dob := a.DateOfBirth
			if age := a.Age(now); age >= 0 {
				dob += fmt.Sprintf(" (age %d)", age)
			}
			text(rows, "Date of birth", dob)
			text(rows, "Phone", a.Phone)
			text(rows, "Address", strings.Join([]string{a.Address, a.City, a.State, a.PostalCode}, ", "))
		case journey.StepEmergency:
			text(rows, "Emergency contact", in.Emergency.Name)
			text(rows, "Relationship", in.Emergency.Relationship)
			text(rows, "Phone", in.Emergency.Phone)
		case journey.StepGoals:
			var reasons []string
			for _, g := range in.Goals.Reasons {
				reasons = append(reasons, label(g, journey.IntakeGoals))
			}
			text(rows, "What brings them", strings.Join(reasons, ", "))
			if in.Goals.Other != "" {
				text(rows, "Something else", in.Goals.Other)
			}
			text(rows, "In their words", in.Goals.Story)
			text(rows, "What they hope for", in.Goals.Hopes)
		case journey.StepMentalHealth:
			m := in.MentalHealth
			conditions(rows, m.Conditions, journey.PsychiatricConditions)
			text(rows, "Diagnoses", m.Diagnoses)
			text(rows, "Current care", m.CurrentCare)
			text(rows, "Hospital stays", m.Hospitalisation)
		case journey.StepMedical:
			m := in.Medical
			conditions(rows, m.Conditions, journey.MedicalConditions)
			*rows = append(*rows, IntakeAnswer{Label: "Liver disease", Value: label(m.Liver, journey.LiverSeverities),
				Flag: m.Liver != "none" && m.Liver != ""})
			text(rows, "Other conditions", m.Other)
			text(rows, "Allergies", m.Allergies)
			text(rows, "Height", num(m.HeightCM)+" cm")
			text(rows, "Weight (for mg/kg dosing)", journey.FormatKG(m.WeightKG)+" kg")
			if m.HeightCM > 0 && m.WeightKG > 0 {
				h := m.HeightCM / 100
				text(rows, "BMI", strconv.FormatFloat(m.WeightKG/(h*h), 'f', 1, 64))
			}
			bp := "No reading given"
			if m.BPSystolic > 0 {
				bp = fmt.Sprintf("%d/%d mmHg", m.BPSystolic, m.BPDiastolic)
				if m.BPDate != "" {
					bp += ", taken " + m.BPDate
				}
			}
			*rows = append(*rows, IntakeAnswer{Label: "Blood pressure", Value: bp, Flag: m.BPSystolic > 140 || m.BPDiastolic > 90})
		case journey.StepMedications:
			v := "Listed above"
			if in.Medications.None {
				v = "Takes no medication"
			}
			text(rows, "Medications", v)
		case journey.StepSubstances:
			x := in.Substances
			text(rows, "Drinks a week", strconv.Itoa(x.DrinksPerWeek))
			text(rows, "Cannabis", label(x.Cannabis, journey.CannabisUse))
			yn(rows, "Past substance use problem", x.SUDHistory)
			if x.SUDHistory == journey.Yes {
				text(rows, "Months since last problem use", strconv.Itoa(x.AbstinentMonths))
			}
			yn(rows, "Non-medical ketamine or PCP in the last 90 days", x.NonMedicalKetamine)
			text(rows, "Other substances", x.Other)
		case journey.StepPregnancy:
			yn(rows, "Pregnant", in.Pregnancy.Pregnant)
			yn(rows, "Breastfeeding", in.Pregnancy.Breastfeeding)
			yn(rows, "Planning a pregnancy", in.Pregnancy.Planning)
		case journey.StepExperience:
			x := in.Experience
			yn(rows, "Had ketamine before", x.PriorKetamine)
			if x.PriorKetamine == journey.Yes {
				yn(rows, "Had a bad reaction to ketamine", x.BadReaction)
			}
			text(rows, "Reactions", x.Reactions)
			text(rows, "Psychedelic experience", x.Psychedelics)
		}
		out = append(out, sec)
	}
	return out
}

// MedicationRows lists the client's medications for them to read, where
// staff see a table beside the sections.
func MedicationRows(in *journey.Intake) []IntakeAnswer {
	meds := MedicationsOf(in)
	if meds.None {
		return []IntakeAnswer{{Label: "Medications", Value: "I take no medication"}}
	}
	var rows []IntakeAnswer
	for _, m := range meds.List {
		v := m.Dose + ", " + m.PerDay + " times a day"
		if m.Notes != "" {
			v += " (" + m.Notes + ")"
		}
		rows = append(rows, IntakeAnswer{Label: m.Name, Value: v})
	}
	return rows
}
