package portal

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The intake forms travel as url.Values in both directions: a step's
// saved answers become form values for the page, and a submitted form
// becomes the step's answers. Pages render from the values, never from
// the typed struct, so whatever the client typed (even "abc" for a
// weight) comes back to them as typed.

// IntakeValues returns the saved answers of step as form values.
func IntakeValues(in *journey.Intake, step string) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	num := func(k string, f float64) {
		if f != 0 {
			v.Set(k, strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	switch step {
	case journey.StepAbout:
		a := in.About
		set("legal_name", a.LegalName)
		set("preferred_name", a.PreferredName)
		set("pronouns", a.Pronouns)
		if y, m, d, ok := splitDate(a.DateOfBirth); ok {
			v.Set("dob_year", y)
			v.Set("dob_month", m)
			v.Set("dob_day", d)
		}
		set("phone", a.Phone)
		set("address", a.Address)
		set("city", a.City)
		set("state", a.State)
		set("postal_code", a.PostalCode)
	case journey.StepEmergency:
		set("emergency_name", in.Emergency.Name)
		set("emergency_relationship", in.Emergency.Relationship)
		set("emergency_phone", in.Emergency.Phone)
	case journey.StepGoals:
		v["reasons"] = append([]string(nil), in.Goals.Reasons...)
		set("reason_other", in.Goals.Other)
		set("story", in.Goals.Story)
		set("hopes", in.Goals.Hopes)
	case journey.StepMentalHealth:
		m := in.MentalHealth
		for code, ans := range m.Conditions {
			set("cond_"+code, ans)
		}
		set("diagnoses", m.Diagnoses)
		set("current_care", m.CurrentCare)
		set("hospitalisation", m.Hospitalisation)
	case journey.StepMedical:
		m := in.Medical
		for code, ans := range m.Conditions {
			set("cond_"+code, ans)
		}
		set("liver", m.Liver)
		set("other_conditions", m.Other)
		set("allergies", m.Allergies)
		num("height", m.HeightCM)
		num("weight", m.WeightKG)
		if m.HeightCM != 0 {
			v.Set("height_unit", "cm")
		}
		if m.WeightKG != 0 {
			v.Set("weight_unit", "kg")
		}
		if m.BPSystolic != 0 {
			v.Set("bp_systolic", strconv.Itoa(m.BPSystolic))
			v.Set("bp_diastolic", strconv.Itoa(m.BPDiastolic))
		}
		set("bp_date", m.BPDate)
	case journey.StepMedications:
		if in.Medications.None {
			v.Set("none", "1")
		}
		for i, md := range in.Medications.List {
			p := "med_" + strconv.Itoa(i) + "_"
			set(p+"name", md.Name)
			num(p+"dose", md.DoseMG)
			num(p+"per_day", md.PerDay)
			set(p+"notes", md.Notes)
		}
	case journey.StepSubstances:
		s := in.Substances
		if in.HasDone(step) {
			v.Set("drinks_per_week", strconv.Itoa(s.DrinksPerWeek))
		}
		set("cannabis", s.Cannabis)
		set("sud_history", s.SUDHistory)
		if s.SUDHistory == journey.Yes {
			v.Set("abstinent_months", strconv.Itoa(s.AbstinentMonths))
		}
		set("nonmedical_ketamine", s.NonMedicalKetamine)
		set("other_substances", s.Other)
	case journey.StepPregnancy:
		set("pregnant", in.Pregnancy.Pregnant)
		set("breastfeeding", in.Pregnancy.Breastfeeding)
		set("planning", in.Pregnancy.Planning)
	case journey.StepExperience:
		x := in.Experience
		set("prior_ketamine", x.PriorKetamine)
		set("bad_reaction", x.BadReaction)
		set("reactions", x.Reactions)
		set("psychedelics", x.Psychedelics)
	}
	return v
}

// ParseIntakeForm reads step's answers from form values, phone numbers in
// E.164. Numbers and phone numbers that do not parse are reported in errs,
// keyed by field; the caller shows them beside the field with the value as
// typed. (A phone number is checked here, not by the domain, which can only
// check its shape: "+15550100123" has E.164's shape but is no one's.)
func ParseIntakeForm(step string, f url.Values) (*journey.Intake, map[string]string) {
	in := &journey.Intake{}
	errs := map[string]string{}
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	number := func(k, msg string) float64 {
		s := strings.ReplaceAll(g(k), ",", "")
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			errs[k] = msg
			return 0
		}
		return x
	}
	phone := func(k string) string {
		p, ok := webkit.NormalizePhone(g(k))
		if !ok {
			errs[k] = webkit.PhoneHelp
			return g(k)
		}
		return p
	}
	integer := func(k, msg string) int {
		x := number(k, msg)
		if x != math.Trunc(x) {
			errs[k] = msg
		}
		return int(x)
	}
	conditions := func(list []journey.Condition) map[string]string {
		m := map[string]string{}
		for _, c := range list {
			if a := g("cond_" + c.Code); a != "" {
				m[c.Code] = a
			}
		}
		return m
	}
	switch step {
	case journey.StepAbout:
		in.About = journey.About{LegalName: g("legal_name"), PreferredName: g("preferred_name"), Pronouns: g("pronouns"),
			DateOfBirth: dateOfBirth(f, errs), Phone: phone("phone"), Address: g("address"), City: g("city"), State: g("state"),
			PostalCode: g("postal_code")}
	case journey.StepEmergency:
		in.Emergency = journey.Emergency{Name: g("emergency_name"), Relationship: g("emergency_relationship"), Phone: phone("emergency_phone")}
	case journey.StepGoals:
		in.Goals = journey.Goals{Reasons: f["reasons"], Other: g("reason_other"), Story: g("story"), Hopes: g("hopes")}
	case journey.StepMentalHealth:
		in.MentalHealth = journey.MentalHealth{Conditions: conditions(journey.PsychiatricConditions), Diagnoses: g("diagnoses"),
			CurrentCare: g("current_care"), Hospitalisation: g("hospitalisation")}
	case journey.StepMedical:
		m := journey.Medical{Conditions: conditions(journey.MedicalConditions), Liver: g("liver"), Other: g("other_conditions"),
			Allergies: g("allergies"), BPDate: g("bp_date")}
		m.HeightCM = number("height", "Enter your height as a number.")
		if g("height_unit") == "in" {
			m.HeightCM = math.Round(m.HeightCM*2.54*10) / 10
		}
		m.WeightKG = number("weight", "Enter your weight as a number.")
		if g("weight_unit") == "lb" {
			m.WeightKG = math.Round(m.WeightKG*0.45359237*10) / 10
		}
		m.BPSystolic = integer("bp_systolic", "Enter the top number as a whole number, like 120.")
		m.BPDiastolic = integer("bp_diastolic", "Enter the bottom number as a whole number, like 80.")
		in.Medical = m
	case journey.StepMedications:
		in.Medications.None = g("none") != ""
		for i := 0; i < journey.MaxMedications+5; i++ {
			p := "med_" + strconv.Itoa(i) + "_"
			if g(p+"name") == "" && g(p+"dose") == "" && g(p+"per_day") == "" && g(p+"notes") == "" {
				continue
			}
			in.Medications.List = append(in.Medications.List, journey.Medication{Name: g(p + "name"),
				DoseMG: number(p+"dose", "Enter the dose in mg as a number."), PerDay: number(p+"per_day", "Enter a number, like 1 or 2."),
				Notes: g(p + "notes")})
		}
	case journey.StepSubstances:
		in.Substances = journey.Substances{DrinksPerWeek: integer("drinks_per_week", "Enter a whole number of drinks, like 0 or 4."),
			Cannabis: g("cannabis"), SUDHistory: g("sud_history"), NonMedicalKetamine: g("nonmedical_ketamine"), Other: g("other_substances")}
		if in.Substances.SUDHistory == journey.Yes {
			in.Substances.AbstinentMonths = integer("abstinent_months", "Enter a whole number of months.")
		}
		if g("drinks_per_week") == "" {
			errs["drinks_per_week"] = "Enter a number of drinks; 0 if none."
		}
	case journey.StepPregnancy:
		in.Pregnancy = journey.Pregnancy{Pregnant: g("pregnant"), Breastfeeding: g("breastfeeding"), Planning: g("planning")}
	case journey.StepExperience:
		in.Experience = journey.Experience{PriorKetamine: g("prior_ketamine"), BadReaction: g("bad_reaction"), Reactions: g("reactions"),
			Psychedelics: g("psychedelics")}
	}
	return in, errs
}

// medRows is the medication rows the form shows: the saved or typed ones
// and one blank one, or want rows when the client asked for more ("Add
// another medication"), up to the limit.
func medRows(v url.Values, want int) []int {
	n := 0
	for i := 0; i < journey.MaxMedications+5; i++ {
		p := "med_" + strconv.Itoa(i) + "_"
		if v.Get(p+"name") != "" || v.Get(p+"dose") != "" || v.Get(p+"per_day") != "" || v.Get(p+"notes") != "" {
			n = i + 1
		}
	}
	rows := make([]int, min(max(n+1, want), journey.MaxMedications))
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// The date of birth is three fields, month, day and year (GOV.UK's date
// input, in the US order): a native date input shows whatever format the
// browser's locale picks, so no hint can say what it takes, and a picker
// is a poor way to reach a year forty years back.

// dateOfBirth returns the date of birth typed in the form as YYYY-MM-DD,
// or "" when none was typed; a date that is incomplete or does not exist
// is reported in errs. A form with only "date_of_birth" (the API's shape,
// older pages) is read as it is.
func dateOfBirth(f url.Values, errs map[string]string) string {
	if !f.Has("dob_month") && !f.Has("dob_day") && !f.Has("dob_year") {
		return strings.TrimSpace(f.Get("date_of_birth"))
	}
	parts := []struct{ key, name string }{{"dob_month", "month"}, {"dob_day", "day"}, {"dob_year", "year"}}
	var n [3]int
	var missing []string
	for i, p := range parts {
		s := strings.TrimSpace(f.Get(p.key))
		if s == "" {
			missing = append(missing, p.name)
			continue
		}
		x, err := strconv.Atoi(s)
		if err != nil {
			errs["date_of_birth"] = "Enter the month, day and year as numbers, like 4 23 1985."
			return ""
		}
		n[i] = x
	}
	switch {
	case len(missing) == 3:
		return ""
	case len(missing) > 0:
		errs["date_of_birth"] = "Your date of birth must include a " + strings.Join(missing, " and a ") + "."
		return ""
	}
	m, d, y := n[0], n[1], n[2]
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1000 || y > 9999 || t.Month() != time.Month(m) || t.Day() != d {
		errs["date_of_birth"] = "Enter a real date of birth, like 4 23 1985 (month, day, year)."
		return ""
	}
	return t.Format("2006-01-02")
}

// splitDate returns a YYYY-MM-DD date's year, month and day as typed
// into the form (no leading zeros).
func splitDate(s string) (y, m, d string, ok bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", "", "", false
	}
	return strconv.Itoa(t.Year()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Day()), true
}

// intakeLabels names the intake's fields as its pages label them.
var intakeLabels = map[string]string{
	"legal_name": "Full legal name", "preferred_name": "Name you like to be called", "pronouns": "Pronouns",
	"date_of_birth": "Date of birth", "phone": "Mobile phone", "address": "Street address", "city": "City",
	"state": "State", "postal_code": "ZIP code",
	"emergency_name": "Their name", "emergency_relationship": "How they are related to you", "emergency_phone": "Their phone number",
	"reasons": "What brings you to KAP", "reason_other": "If something else, what", "story": "What is going on for you",
	"hopes":     "What you hope will change",
	"diagnoses": "Other diagnoses", "current_care": "Who else supports you", "hospitalisation": "Stays in hospital",
	"liver": "Liver disease", "other_conditions": "Other health conditions", "allergies": "Allergies",
	"height": "Height", "weight": "Weight", "bp_systolic": "Blood pressure, top number", "bp_diastolic": "Blood pressure, bottom number",
	"bp_date":         "Date of the reading",
	"none":            "Medications",
	"drinks_per_week": "Alcoholic drinks in a usual week", "cannabis": "Cannabis use", "sud_history": "Problem with alcohol or drugs",
	"abstinent_months": "Months since last problem use", "nonmedical_ketamine": "Ketamine or PCP outside medical care",
	"other_substances": "Other substances",
	"pregnant":         "Pregnant", "breastfeeding": "Breastfeeding", "planning": "Planning a pregnancy",
	"prior_ketamine": "Ketamine before", "bad_reaction": "Bad reaction to ketamine", "reactions": "What it was like",
	"psychedelics": "Psychedelics",
}

var medFieldLabels = map[string]string{"name": "name", "dose": "dose", "per_day": "times a day", "notes": "notes"}

// intakeLabel returns the label of an intake field, "" when it has none.
func intakeLabel(field string) string {
	if l, ok := intakeLabels[field]; ok {
		return l
	}
	if code, ok := strings.CutPrefix(field, "cond_"); ok {
		for _, list := range [][]journey.Condition{journey.MedicalConditions, journey.PsychiatricConditions} {
			for _, c := range list {
				if c.Code == code {
					return c.Question
				}
			}
		}
	}
	if rest, ok := strings.CutPrefix(field, "med_"); ok {
		num, part, _ := strings.Cut(rest, "_")
		if n, err := strconv.Atoi(num); err == nil && medFieldLabels[part] != "" {
			return "Medication " + strconv.Itoa(n+1) + ", " + medFieldLabels[part]
		}
	}
	return ""
}
