package journey

import (
	"strconv"
	"time"
)

// Intake steps, in the order the portal asks them. Each is saved on its
// own, so a client can stop after any step and resume on another device.
const (
	StepAbout        = "about"
	StepEmergency    = "emergency"
	StepGoals        = "goals"
	StepMentalHealth = "mental-health"
	StepMedical      = "medical"
	StepMedications  = "medications"
	StepSubstances   = "substances"
	StepPregnancy    = "pregnancy"
	StepExperience   = "experience"
)

// IntakeSteps lists the steps in order, with the title the portal shows.
var IntakeSteps = []struct{ Code, Title string }{
	{StepAbout, "About you"},
	{StepEmergency, "Emergency contact"},
	{StepGoals, "What brings you"},
	{StepMentalHealth, "Mental health history"},
	{StepMedical, "Medical history"},
	{StepMedications, "Current medications"},
	{StepSubstances, "Alcohol and other substances"},
	{StepPregnancy, "Pregnancy and breastfeeding"},
	{StepExperience, "Ketamine and psychedelic experience"},
}

// IsIntakeStep reports whether s names an intake step.
func IsIntakeStep(s string) bool {
	for _, st := range IntakeSteps {
		if st.Code == s {
			return true
		}
	}
	return false
}

// Answers to yes/no questions. Unsure is a real answer: the prescriber
// reviews it rather than Journey guessing.
const (
	Yes           = "yes"
	No            = "no"
	Unsure        = "unsure"
	NotApplicable = "not-applicable"
)

// Goals a client can name (the practice's own list).
var IntakeGoals = []struct{ Code, Label string }{
	{"depression", "Depression"},
	{"anxiety", "Anxiety"},
	{"ptsd", "PTSD or trauma"},
	{"stuck", "Feeling stuck"},
	{"growth", "Personal growth"},
	{"grief", "Grief"},
	{"transitions", "Life transitions"},
	{"other", "Something else"},
}

// Condition is one health question of the intake, asked in plain words.
// Codes are what screening rules refer to (docs/clinical-defaults.md).
type Condition struct {
	Code     string
	Question string
}

// Medical conditions asked at intake.
var MedicalConditions = []Condition{
	{"ketamine_allergy", "Have you ever had an allergic reaction to ketamine or esketamine (Spravato)?"},
	{"aneurysm", "Have you been told you have an aneurysm, or an arteriovenous malformation (a tangle of blood vessels), in your brain, chest, belly or limbs?"},
	{"brain_bleed", "Have you ever had bleeding in the brain?"},
	{"uncontrolled_hypertension", "Do you have high blood pressure that stays high even with treatment?"},
	{"preeclampsia", "Have you ever had pre-eclampsia or eclampsia (dangerously high blood pressure in pregnancy)?"},
	{"heart_disease", "Do you have serious heart disease, such as blocked heart arteries, heart failure or a past heart attack?"},
	{"unstable_heart", "Has a doctor told you your heart condition is unstable, or do you have chest pain or an irregular heartbeat that is not under control?"},
	{"stroke", "Have you had a stroke?"},
	{"head_injury", "Have you had a serious head injury (brain injury)?"},
	{"hyperthyroidism", "Do you have an overactive thyroid that is not being treated?"},
	{"bladder", "Do you have bladder problems, such as interstitial cystitis, pain when you pass urine, or needing to go very often?"},
	{"intracranial_pressure", "Have you been told you have raised pressure inside your head?"},
	{"glaucoma", "Do you have glaucoma or raised pressure in your eyes?"},
	{"hypertensive_encephalopathy", "Have you ever had blood pressure so high that it affected your brain (hypertensive encephalopathy)?"},
}

// Psychiatric conditions asked at intake.
var PsychiatricConditions = []Condition{
	{"psychosis", "Have you ever been diagnosed with schizophrenia, schizoaffective disorder, delusional disorder or another psychotic disorder?"},
	{"family_psychosis", "Has a parent, brother, sister or child of yours been diagnosed with a psychotic disorder such as schizophrenia?"},
	{"bipolar", "Have you ever been diagnosed with bipolar disorder?"},
	{"mania_now", "Right now, are you going through a time of very high energy, little need for sleep, racing thoughts or unusual risk-taking?"},
	{"personality_disorder", "Have you been diagnosed with a severe personality disorder?"},
}

// Liver disease severities a client can report.
var LiverSeverities = []struct{ Code, Label string }{
	{"none", "No liver disease"},
	{"mild", "Mild"},
	{"moderate", "Moderate"},
	{"severe", "Severe (for example cirrhosis with complications)"},
	{Unsure, "Not sure"},
}

// Ranges accepted at intake. Values outside them are typing mistakes or
// impossible, and are refused with the range.
const (
	MinHeightCM, MaxHeightCM   = 100, 250
	MinWeightKG, MaxWeightKG   = 30, 350
	MinSystolic, MaxSystolic   = 70, 250
	MinDiastolic, MaxDiastolic = 40, 150
	MaxAge                     = 120
	MaxMedications             = 30
	MaxIntakeText              = 4000
	MaxDoseMG                  = 10000
	MaxDosesPerDay             = 12
	MaxDrinksPerWeek           = 200
)

// Intake is everything a client tells the practice before screening. All
// of it is protected health information.
type Intake struct {
	ClientID     int64        `json:"-"`
	Done         []string     `json:"done"` // steps saved, in any order
	About        About        `json:"about"`
	Emergency    Emergency    `json:"emergency"`
	Goals        Goals        `json:"goals"`
	MentalHealth MentalHealth `json:"mental_health"`
	Medical      Medical      `json:"medical"`
	Medications  Medications  `json:"medications"`
	Substances   Substances   `json:"substances"`
	Pregnancy    Pregnancy    `json:"pregnancy"`
	Experience   Experience   `json:"experience"`
	UpdatedAt    time.Time    `json:"updated_at"`
	// ContactUpdated is set by a save whose phone number replaced the one
	// on the client's record: one person has one current phone, and the
	// caller audits the change. Never stored.
	ContactUpdated bool `json:"-"`
}

// About is the client's demographics and contact details.
type About struct {
	LegalName     string `json:"legal_name"`
	PreferredName string `json:"preferred_name"`
	Pronouns      string `json:"pronouns"`
	DateOfBirth   string `json:"date_of_birth"` // YYYY-MM-DD
	Phone         string `json:"phone"`         // E.164
	Address       string `json:"address"`
	City          string `json:"city"`
	State         string `json:"state"`
	PostalCode    string `json:"postal_code"`
}

// Emergency is the person to call in an emergency.
type Emergency struct {
	Name         string `json:"emergency_name"`
	Relationship string `json:"emergency_relationship"`
	Phone        string `json:"emergency_phone"` // E.164
}

// Goals records what brings the client and what they hope for.
type Goals struct {
	Reasons []string `json:"reasons"`
	Other   string   `json:"reason_other"`
	Story   string   `json:"story"`
	Hopes   string   `json:"hopes"`
}

// MentalHealth is the client's mental-health history.
type MentalHealth struct {
	Conditions      map[string]string `json:"conditions"` // PsychiatricConditions code → Yes/No/Unsure
	Diagnoses       string            `json:"diagnoses"`
	CurrentCare     string            `json:"current_care"`
	Hospitalisation string            `json:"hospitalisation"`
}

// Medical is the client's medical history and measurements.
type Medical struct {
	Conditions  map[string]string `json:"conditions"` // MedicalConditions code → Yes/No/Unsure
	Liver       string            `json:"liver"`
	Other       string            `json:"other_conditions"`
	Allergies   string            `json:"allergies"`
	HeightCM    float64           `json:"height_cm"`
	WeightKG    float64           `json:"weight_kg"`
	BPSystolic  int               `json:"bp_systolic"` // 0 when the client has no reading
	BPDiastolic int               `json:"bp_diastolic"`
	BPDate      string            `json:"bp_date"` // YYYY-MM-DD, when the reading was taken
}

// Medications lists what the client takes now.
type Medications struct {
	None bool         `json:"none"` // the client confirms they take nothing
	List []Medication `json:"list"`
}

// Medication is one medicine the client takes, with its dose.
type Medication struct {
	Name   string  `json:"name"`
	DoseMG float64 `json:"dose_mg"` // per dose
	PerDay float64 `json:"per_day"` // doses a day (0.5 for every other day)
	Notes  string  `json:"notes"`
}

// DailyMG is the total a day, in mg.
func (m Medication) DailyMG() float64 { return m.DoseMG * m.PerDay }

// Substances is the client's use of alcohol and other substances.
type Substances struct {
	DrinksPerWeek      int    `json:"drinks_per_week"`
	Cannabis           string `json:"cannabis"` // none, occasional, weekly, daily
	SUDHistory         string `json:"sud_history"`
	AbstinentMonths    int    `json:"abstinent_months"`    // since the last problem use, when SUDHistory is yes
	NonMedicalKetamine string `json:"nonmedical_ketamine"` // non-medical ketamine or PCP in the last 90 days
	Other              string `json:"other_substances"`
}

// Pregnancy records pregnancy and breastfeeding.
type Pregnancy struct {
	Pregnant      string `json:"pregnant"` // Yes, No, Unsure, NotApplicable
	Breastfeeding string `json:"breastfeeding"`
	Planning      string `json:"planning"`
}

// Experience records prior ketamine and psychedelic experience.
type Experience struct {
	PriorKetamine string `json:"prior_ketamine"`
	BadReaction   string `json:"bad_reaction"` // a bad reaction to ketamine
	Reactions     string `json:"reactions"`
	Psychedelics  string `json:"psychedelics"`
}

// Cannabis use answers.
var CannabisUse = []struct{ Code, Label string }{
	{"none", "None"}, {"occasional", "Now and then"}, {"weekly", "Weekly"}, {"daily", "Daily or almost daily"},
}

// AnswerAll returns the answer given to every question of list, keyed by
// condition code: a starting point for a form, a demo, a test.
func AnswerAll(list []Condition, answer string) map[string]string {
	m := make(map[string]string, len(list))
	for _, c := range list {
		m[c.Code] = answer
	}
	return m
}

// Section returns a pointer to the part of the intake that step saves
// (&in.About for StepAbout …), nil for an unknown step.
func (in *Intake) Section(step string) any {
	switch step {
	case StepAbout:
		return &in.About
	case StepEmergency:
		return &in.Emergency
	case StepGoals:
		return &in.Goals
	case StepMentalHealth:
		return &in.MentalHealth
	case StepMedical:
		return &in.Medical
	case StepMedications:
		return &in.Medications
	case StepSubstances:
		return &in.Substances
	case StepPregnancy:
		return &in.Pregnancy
	case StepExperience:
		return &in.Experience
	}
	return nil
}

// CopyStep replaces the part of in that step saves with from's.
func (in *Intake) CopyStep(from *Intake, step string) {
	switch step {
	case StepAbout:
		in.About = from.About
	case StepEmergency:
		in.Emergency = from.Emergency
	case StepGoals:
		in.Goals = from.Goals
	case StepMentalHealth:
		in.MentalHealth = from.MentalHealth
	case StepMedical:
		in.Medical = from.Medical
	case StepMedications:
		in.Medications = from.Medications
	case StepSubstances:
		in.Substances = from.Substances
	case StepPregnancy:
		in.Pregnancy = from.Pregnancy
	case StepExperience:
		in.Experience = from.Experience
	}
}

// HasDone reports whether step has been saved.
func (in *Intake) HasDone(step string) bool {
	for _, d := range in.Done {
		if d == step {
			return true
		}
	}
	return false
}

// MarkDone records step as saved.
func (in *Intake) MarkDone(step string) {
	if !in.HasDone(step) {
		in.Done = append(in.Done, step)
	}
}

// Complete reports whether every step has been saved.
func (in *Intake) Complete() bool {
	for _, st := range IntakeSteps {
		if !in.HasDone(st.Code) {
			return false
		}
	}
	return true
}

// NextStep returns the first step not yet saved, or "" when all are.
func (in *Intake) NextStep() string {
	for _, st := range IntakeSteps {
		if !in.HasDone(st.Code) {
			return st.Code
		}
	}
	return ""
}

// Age returns the client's age in whole years at now, or -1 without a
// valid date of birth.
func (a *About) Age(now time.Time) int {
	dob, err := time.Parse(time.DateOnly, a.DateOfBirth)
	if err != nil {
		return -1
	}
	y := now.Year() - dob.Year()
	if now.Month() < dob.Month() || (now.Month() == dob.Month() && now.Day() < dob.Day()) {
		y--
	}
	return y
}

// Normalize cleans (CleanText) and trims every free-text field.
func (in *Intake) Normalize() {
	t, p := Line, Paragraphs
	a := &in.About
	a.LegalName, a.PreferredName, a.Pronouns, a.DateOfBirth = t(a.LegalName), t(a.PreferredName), t(a.Pronouns), t(a.DateOfBirth)
	a.Phone, a.Address, a.City, a.State, a.PostalCode = t(a.Phone), t(a.Address), t(a.City), t(a.State), t(a.PostalCode)
	e := &in.Emergency
	e.Name, e.Relationship, e.Phone = t(e.Name), t(e.Relationship), t(e.Phone)
	g := &in.Goals
	g.Other, g.Story, g.Hopes = t(g.Other), p(g.Story), p(g.Hopes)
	m := &in.MentalHealth
	m.Diagnoses, m.CurrentCare, m.Hospitalisation = p(m.Diagnoses), p(m.CurrentCare), p(m.Hospitalisation)
	in.Medical.Other, in.Medical.Allergies, in.Medical.BPDate = p(in.Medical.Other), p(in.Medical.Allergies), t(in.Medical.BPDate)
	for i := range in.Medications.List {
		md := &in.Medications.List[i]
		md.Name, md.Notes = t(md.Name), p(md.Notes)
	}
	in.Substances.Other = p(in.Substances.Other)
	x := &in.Experience
	x.Reactions, x.Psychedelics = p(x.Reactions), p(x.Psychedelics)
}

// ValidateStep returns EINVALID naming every field of step that is wrong.
// minAge is the youngest age the practice accepts (a screening setting).
// Field names are the portal form's input names.
func (in *Intake) ValidateStep(step string, minAge int, now time.Time) error {
	var v Validation
	switch step {
	case StepAbout:
		a := &in.About
		checkText(&v, "legal_name", a.LegalName, 1, MaxNameLen)
		checkText(&v, "preferred_name", a.PreferredName, 0, MaxNameLen)
		checkText(&v, "pronouns", a.Pronouns, 0, 50)
		switch age := a.Age(now); {
		case a.DateOfBirth == "":
			v.Add("date_of_birth", "Enter your date of birth.")
		case age < 0 && validDate(a.DateOfBirth):
			v.Add("date_of_birth", "Enter a date in the past.")
		case age < 0:
			v.Add("date_of_birth", "Enter a date like 1985-04-23.")
		case age > MaxAge:
			v.Add("date_of_birth", "Enter a date of birth within the last "+itoa(MaxAge)+" years.")
		case age < minAge:
			v.Add("date_of_birth", "Journey's programme is for adults aged "+itoa(minAge)+" or over.")
		}
		checkPhone(&v, "phone", a.Phone, true)
		checkText(&v, "address", a.Address, 1, 300)
		checkText(&v, "city", a.City, 1, 100)
		checkText(&v, "state", a.State, 1, 50)
		checkText(&v, "postal_code", a.PostalCode, 1, 20)
	case StepEmergency:
		e := &in.Emergency
		checkText(&v, "emergency_name", e.Name, 1, MaxNameLen)
		checkText(&v, "emergency_relationship", e.Relationship, 1, 100)
		checkPhone(&v, "emergency_phone", e.Phone, true)
		if e.Phone != "" && e.Phone == in.About.Phone {
			v.Add("emergency_phone", "Enter someone else's number: this is your own.")
		}
	case StepGoals:
		g := &in.Goals
		if len(g.Reasons) == 0 {
			v.Add("reasons", "Choose at least one.")
		}
		for _, r := range g.Reasons {
			if !oneOf(r, IntakeGoals) {
				v.Add("reasons", "Choose from the list.")
				break
			}
		}
		other := false
		for _, r := range g.Reasons {
			other = other || r == "other"
		}
		checkText(&v, "reason_other", g.Other, b2i(other), 500)
		checkText(&v, "story", g.Story, 1, MaxIntakeText)
		checkText(&v, "hopes", g.Hopes, 0, MaxIntakeText)
	case StepMentalHealth:
		m := &in.MentalHealth
		checkConditions(&v, m.Conditions, PsychiatricConditions)
		checkText(&v, "diagnoses", m.Diagnoses, 0, MaxIntakeText)
		checkText(&v, "current_care", m.CurrentCare, 0, MaxIntakeText)
		checkText(&v, "hospitalisation", m.Hospitalisation, 0, MaxIntakeText)
	case StepMedical:
		m := &in.Medical
		checkConditions(&v, m.Conditions, MedicalConditions)
		if !oneOf(m.Liver, LiverSeverities) {
			v.Add("liver", "Choose an answer.")
		}
		checkText(&v, "other_conditions", m.Other, 0, MaxIntakeText)
		checkText(&v, "allergies", m.Allergies, 0, MaxIntakeText)
		if m.HeightCM < MinHeightCM || m.HeightCM > MaxHeightCM {
			v.Add("height", "Enter a height between "+itoa(MinHeightCM)+" and "+itoa(MaxHeightCM)+" cm (3 ft 4 in to 8 ft 2 in).")
		}
		if m.WeightKG < MinWeightKG || m.WeightKG > MaxWeightKG {
			v.Add("weight", "Enter a weight between "+itoa(MinWeightKG)+" and "+itoa(MaxWeightKG)+" kg (66 to 770 lb).")
		}
		switch {
		case m.BPSystolic == 0 && m.BPDiastolic == 0:
			if m.BPDate != "" {
				v.Add("bp_systolic", "Enter the reading, or clear the date.")
			}
		case m.BPSystolic < MinSystolic || m.BPSystolic > MaxSystolic:
			v.Add("bp_systolic", "Enter a top number between "+itoa(MinSystolic)+" and "+itoa(MaxSystolic)+".")
		case m.BPDiastolic < MinDiastolic || m.BPDiastolic > MaxDiastolic:
			v.Add("bp_diastolic", "Enter a bottom number between "+itoa(MinDiastolic)+" and "+itoa(MaxDiastolic)+".")
		case m.BPDiastolic >= m.BPSystolic:
			v.Add("bp_diastolic", "The bottom number is lower than the top one; check the reading.")
		}
		if m.BPDate != "" {
			d, err := time.Parse(time.DateOnly, m.BPDate)
			if err != nil || d.After(now) || now.Sub(d) > 366*24*time.Hour {
				v.Add("bp_date", "Enter a date within the last year, like 2026-11-02.")
			}
		}
	case StepMedications:
		md := &in.Medications
		if md.None && len(md.List) > 0 {
			v.Add("none", "You listed medications; untick this box, or remove them.")
		}
		if !md.None && len(md.List) == 0 {
			v.Add("none", "List your medications, or tick that you take none.")
		}
		if len(md.List) > MaxMedications {
			v.Add("none", "List at most "+itoa(MaxMedications)+" medications; tell your therapist about the rest.")
		}
		for i, m := range md.List {
			p := "med_" + itoa(i) + "_"
			checkText(&v, p+"name", m.Name, 1, 100)
			if m.DoseMG <= 0 || m.DoseMG > MaxDoseMG {
				v.Add(p+"dose", "Enter the dose in mg, between 0 and "+itoa(MaxDoseMG)+".")
			}
			if m.PerDay <= 0 || m.PerDay > MaxDosesPerDay {
				v.Add(p+"per_day", "Enter how many times a day, between 0.5 and "+itoa(MaxDosesPerDay)+".")
			}
			checkText(&v, p+"notes", m.Notes, 0, 500)
		}
	case StepSubstances:
		s := &in.Substances
		if s.DrinksPerWeek < 0 || s.DrinksPerWeek > MaxDrinksPerWeek {
			v.Add("drinks_per_week", "Enter a number of drinks between 0 and "+itoa(MaxDrinksPerWeek)+".")
		}
		if !oneOf(s.Cannabis, CannabisUse) {
			v.Add("cannabis", "Choose an answer.")
		}
		checkYesNo(&v, "sud_history", s.SUDHistory, false)
		if s.SUDHistory == Yes && (s.AbstinentMonths < 0 || s.AbstinentMonths > 1200) {
			v.Add("abstinent_months", "Enter the months since, between 0 and 1200.")
		}
		checkYesNo(&v, "nonmedical_ketamine", s.NonMedicalKetamine, false)
		checkText(&v, "other_substances", s.Other, 0, MaxIntakeText)
	case StepPregnancy:
		p := &in.Pregnancy
		checkYesNo(&v, "pregnant", p.Pregnant, true)
		checkYesNo(&v, "breastfeeding", p.Breastfeeding, true)
		checkYesNo(&v, "planning", p.Planning, true)
	case StepExperience:
		x := &in.Experience
		checkYesNo(&v, "prior_ketamine", x.PriorKetamine, false)
		if x.PriorKetamine == Yes {
			checkYesNo(&v, "bad_reaction", x.BadReaction, false)
		}
		checkText(&v, "reactions", x.Reactions, 0, MaxIntakeText)
		checkText(&v, "psychedelics", x.Psychedelics, 0, MaxIntakeText)
	default:
		v.Add("step", "No such step.")
	}
	return v.Err()
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func checkConditions(v *Validation, got map[string]string, asked []Condition) {
	for _, c := range asked {
		checkYesNo(v, "cond_"+c.Code, got[c.Code], false)
	}
	for code := range got {
		found := false
		for _, c := range asked {
			found = found || c.Code == code
		}
		if !found {
			v.Add("cond_"+code, "This is not a question we asked.")
		}
	}
}

func checkYesNo(v *Validation, field, s string, allowNA bool) {
	switch s {
	case Yes, No, Unsure:
	case NotApplicable:
		if !allowNA {
			v.Add(field, "Choose yes, no or not sure.")
		}
	case "":
		v.Add(field, "Choose an answer.")
	default:
		v.Add(field, "Choose yes, no or not sure.")
	}
}

func checkPhone(v *Validation, field, s string, required bool) {
	switch {
	case s == "" && required:
		v.Add(field, "Enter a phone number.")
	case s != "" && !e164.MatchString(s):
		v.Add(field, "Enter a phone number with its area code, like (212) 555-0142.")
	}
}

func oneOf(s string, list []struct{ Code, Label string }) bool {
	for _, x := range list {
		if x.Code == s {
			return true
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FormatKG formats a weight for display.
func FormatKG(kg float64) string { return strconv.FormatFloat(kg, 'f', -1, 64) }
