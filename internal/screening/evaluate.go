package screening

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	journey "github.com/journey-kap/journey"
)

// conditionRules maps intake condition codes (journey.MedicalConditions and
// journey.PsychiatricConditions) to the rule a yes raises.
// uncontrolled_hypertension is handled with the blood pressure reading.
var conditionRules = map[string]string{
	"ketamine_allergy":            CodeKetamineHypersensitivity,
	"aneurysm":                    CodeVascularAneurysmAVM,
	"brain_bleed":                 CodeIntracerebralHaemorrhage,
	"preeclampsia":                CodePreeclampsia,
	"heart_disease":               CodeSevereCardiac,
	"unstable_heart":              CodeUnstableCardiac,
	"stroke":                      CodeStroke,
	"head_injury":                 CodeCerebralTrauma,
	"hyperthyroidism":             CodeHyperthyroidism,
	"bladder":                     CodeBladder,
	"intracranial_pressure":       CodeIntracranialPressure,
	"glaucoma":                    CodeGlaucoma,
	"hypertensive_encephalopathy": CodeHypertensiveEncephalopathy,
	"psychosis":                   CodePsychoticDisorder,
	"family_psychosis":            CodeFamilyPsychosis,
	"bipolar":                     CodeBipolar,
	"mania_now":                   CodeMania,
	"personality_disorder":        CodePersonalityDisorder,
}

const condUncontrolledHypertension = "uncontrolled_hypertension"

// unsureLabels names, in a few words, each question a "not sure" answer
// can be given to. Conditions missing here are named by their question.
var unsureLabels = map[string]string{
	"ketamine_allergy":            "allergy to ketamine or esketamine",
	"aneurysm":                    "aneurysm or arteriovenous malformation",
	"brain_bleed":                 "bleeding in the brain",
	"uncontrolled_hypertension":   "high blood pressure that stays high with treatment",
	"preeclampsia":                "pre-eclampsia or eclampsia",
	"heart_disease":               "serious heart disease",
	"unstable_heart":              "unstable heart condition",
	"stroke":                      "stroke",
	"head_injury":                 "serious head injury",
	"hyperthyroidism":             "untreated overactive thyroid",
	"bladder":                     "bladder problems",
	"intracranial_pressure":       "raised pressure inside the head",
	"glaucoma":                    "glaucoma or raised eye pressure",
	"hypertensive_encephalopathy": "hypertensive encephalopathy",
	"psychosis":                   "a psychotic disorder",
	"family_psychosis":            "a close relative with a psychotic disorder",
	"bipolar":                     "bipolar disorder",
	"mania_now":                   "a current time of very high energy (possible mania)",
	"personality_disorder":        "a severe personality disorder",
}

// Evaluate applies the enabled rules of rs (Defaults when rs is nil) to a
// client's intake and questionnaire responses and returns the findings,
// hard stops first, then by code; each rule fires at most once. It uses
// each rule's current kind and threshold, so an admin's change takes
// effect. Intake steps the client has not saved are skipped; of the
// responses (the client's, in any order) only the latest of each
// questionnaire counts. now is the time of evaluation, for the client's age.
func Evaluate(rs *journey.RuleSet, in *journey.Intake, responses []*journey.Response, now time.Time) []journey.Finding {
	if rs == nil {
		rs = Defaults()
	}
	e := &evaluation{rs: rs, defaults: Defaults(), found: map[string]int{}}
	if in != nil {
		e.intake(in, now)
	}
	e.responses(responses)
	slices.SortStableFunc(e.out, func(a, b journey.Finding) int {
		if d := journey.KindRank(a.Kind) - journey.KindRank(b.Kind); d != 0 {
			return d
		}
		return strings.Compare(a.Code, b.Code)
	})
	return e.out
}

type evaluation struct {
	rs, defaults *journey.RuleSet
	out          []journey.Finding
	found        map[string]int // code → index in out
}

// on returns the rule with code when it is enabled, else nil.
func (e *evaluation) on(code string) *journey.Rule {
	ru := e.rs.Rule(code)
	if ru == nil || !ru.Enabled {
		return nil
	}
	return ru
}

// limits returns the thresholds of rule code, falling back to the
// default's where the rule has none.
func (e *evaluation) limits(code string) (t, t2 float64) {
	ru, def := e.rs.Rule(code), e.defaults.Rule(code)
	pick := func(p, d *float64) float64 {
		switch {
		case p != nil && !math.IsNaN(*p):
			return *p
		case d != nil:
			return *d
		}
		return 0
	}
	if ru == nil {
		ru = def
	}
	return pick(ru.Threshold, def.Threshold), pick(ru.Threshold2, def.Threshold2)
}

// add records a finding of rule code when the rule is enabled. A second
// add for the same code extends the first finding's detail.
func (e *evaluation) add(code, detail string) {
	ru := e.on(code)
	if ru == nil {
		return
	}
	if i, ok := e.found[code]; ok {
		e.out[i].Detail += " " + detail
		return
	}
	e.found[code] = len(e.out)
	e.out = append(e.out, journey.Finding{Code: code, Kind: ru.Kind, Detail: detail, Source: ru.Source})
}

func (e *evaluation) intake(in *journey.Intake, now time.Time) {
	var unsure []string
	if in.HasDone(journey.StepAbout) && e.on(CodeAgeMinimum) != nil {
		t, _ := e.limits(CodeAgeMinimum)
		switch age := in.About.Age(now); {
		case age < 0:
			e.add(CodeAgeMinimum, "No valid date of birth, so the client's age cannot be checked.")
		case float64(age) < t:
			e.add(CodeAgeMinimum, "Age "+strconv.Itoa(age)+" is under the minimum age of "+fmtNum(t)+".")
		}
	}
	if in.HasDone(journey.StepMentalHealth) {
		unsure = append(unsure, e.conditions(in.MentalHealth.Conditions, journey.PsychiatricConditions)...)
	}
	if in.HasDone(journey.StepMedical) {
		m := &in.Medical
		unsure = append(unsure, e.conditions(m.Conditions, journey.MedicalConditions)...)
		e.bloodPressure(m)
		switch m.Liver {
		case "severe":
			e.add(CodeHepaticSevere, "Reports severe liver disease.")
		case "moderate":
			e.add(CodeHepaticModerate, "Reports moderate liver disease.")
		case journey.Unsure:
			unsure = append(unsure, "liver disease")
		}
	}
	if in.HasDone(journey.StepMedications) && !in.Medications.None {
		e.medications(in.Medications.List)
	}
	if in.HasDone(journey.StepSubstances) {
		s := &in.Substances
		switch s.SUDHistory {
		case journey.Yes:
			if t, _ := e.limits(CodeSubstanceUseDisorder); float64(s.AbstinentMonths) < t {
				e.add(CodeSubstanceUseDisorder, "Reports a substance use problem, the last problem use "+
					plural(s.AbstinentMonths, "month")+" ago (less than "+fmtNum(t)+" months).")
			}
		case journey.Unsure:
			unsure = append(unsure, "a past substance use problem")
		}
		switch s.NonMedicalKetamine {
		case journey.Yes:
			e.add(CodeNonMedicalKetamine, "Reports non-medical ketamine or PCP use in the last 90 days.")
		case journey.Unsure:
			unsure = append(unsure, "non-medical ketamine or PCP in the last 90 days")
		}
		if t, _ := e.limits(CodeAlcohol); float64(s.DrinksPerWeek) > t {
			e.add(CodeAlcohol, "Drinks about "+strconv.Itoa(s.DrinksPerWeek)+" a week, above the practice's limit of "+fmtNum(t)+".")
		}
	}
	if in.HasDone(journey.StepPregnancy) {
		p := &in.Pregnancy
		switch p.Pregnant {
		case journey.Yes:
			e.add(CodePregnancy, "Reports being pregnant.")
		case journey.Unsure:
			unsure = append(unsure, "pregnancy")
		}
		switch p.Breastfeeding {
		case journey.Yes:
			e.add(CodeBreastfeeding, "Reports breastfeeding.")
		case journey.Unsure:
			unsure = append(unsure, "breastfeeding")
		}
	}
	if in.HasDone(journey.StepExperience) {
		x := &in.Experience
		if x.PriorKetamine == journey.Unsure {
			unsure = append(unsure, "having taken ketamine before")
		}
		if x.PriorKetamine != journey.No {
			switch x.BadReaction {
			case journey.Yes:
				d := "Reports a bad reaction to ketamine before."
				if x.Reactions != "" {
					d += " The client describes it in the intake (experience step)."
				}
				e.add(CodePriorBadReaction, d)
			case journey.Unsure:
				unsure = append(unsure, "a bad reaction to ketamine before")
			}
		}
	}
	if len(unsure) > 0 {
		e.add(CodeUnsureAnswer, "Answered \"not sure\" about: "+strings.Join(unsure, "; ")+".")
	}
}

// conditions raises the rule of each condition answered yes and returns
// the labels of those answered unsure, in the order asked.
func (e *evaluation) conditions(got map[string]string, asked []journey.Condition) (unsure []string) {
	for _, c := range asked {
		switch got[c.Code] {
		case journey.Yes:
			if code, ok := conditionRules[c.Code]; ok {
				e.add(code, "Answered yes to \""+c.Question+"\"")
			}
		case journey.Unsure:
			if l, ok := unsureLabels[c.Code]; ok {
				unsure = append(unsure, l)
			} else {
				unsure = append(unsure, strings.TrimSuffix(c.Question, "?"))
			}
		}
	}
	return unsure
}

func (e *evaluation) bloodPressure(m *journey.Medical) {
	var severe []string
	sys, dia := float64(m.BPSystolic), float64(m.BPDiastolic)
	reading := ""
	if m.BPSystolic > 0 || m.BPDiastolic > 0 {
		reading = "Blood pressure " + strconv.Itoa(m.BPSystolic) + "/" + strconv.Itoa(m.BPDiastolic)
		if m.BPDate != "" {
			reading += " on " + m.BPDate
		} else {
			reading += " (date not given)"
		}
	}
	readingSevere := false
	if reading != "" && e.on(CodeBPSevere) != nil {
		t, t2 := e.limits(CodeBPSevere)
		if (m.BPSystolic > 0 && sys >= t) || (m.BPDiastolic > 0 && dia >= t2) {
			readingSevere = true
			severe = append(severe, reading+" is at or above "+fmtNum(t)+"/"+fmtNum(t2)+".")
		}
	}
	if m.Conditions[condUncontrolledHypertension] == journey.Yes {
		for _, c := range journey.MedicalConditions {
			if c.Code == condUncontrolledHypertension {
				severe = append(severe, "Answered yes to \""+c.Question+"\"")
			}
		}
	}
	if len(severe) > 0 {
		e.add(CodeBPSevere, strings.Join(severe, " "))
	}
	if reading != "" && !readingSevere {
		t, t2 := e.limits(CodeBPElevated)
		if (m.BPSystolic > 0 && sys > t) || (m.BPDiastolic > 0 && dia > t2) {
			e.add(CodeBPElevated, reading+" is above "+fmtNum(t)+"/"+fmtNum(t2)+".")
		}
	}
}

func (e *evaluation) medications(list []journey.Medication) {
	byClass := map[string][]journey.Medication{}
	descs := map[string][]string{}
	var unknown []string
	for _, m := range list {
		md, ok := Classify(m.Name)
		if !ok {
			unknown = append(unknown, strconv.Quote(m.Name)+dose(m))
			continue
		}
		byClass[md.Class] = append(byClass[md.Class], m)
		descs[md.Class] = append(descs[md.Class], describe(m, md))
	}
	if b := byClass[ClassBenzodiazepine]; len(b) > 0 {
		eq := DiazepamEquivalent(b)
		d := "Takes " + joinAnd(descs[ClassBenzodiazepine]) + ": " + fmtNum(eq) + " mg/day diazepam-equivalent"
		if len(b) > 1 {
			d += " in all"
		}
		t, _ := e.limits(CodeBenzodiazepineHighDose)
		high := e.on(CodeBenzodiazepineHighDose) != nil
		switch {
		case high && eq > t:
			e.add(CodeBenzodiazepineHighDose, d+", above the "+fmtNum(t)+" mg/day limit.")
		case high:
			e.add(CodeBenzodiazepine, d+", not above the "+fmtNum(t)+" mg/day limit.")
		default:
			e.add(CodeBenzodiazepine, d+".")
		}
	}
	if d := descs[ClassLamotrigine]; len(d) > 0 {
		e.add(CodeLamotrigine, "Takes "+joinAnd(d)+".")
	}
	if d := slices.Concat(descs[ClassOpioid], descs[ClassSedative]); len(d) > 0 {
		e.add(CodeOpioidSedative, "Takes "+joinAnd(d)+".")
	}
	if d := descs[ClassStimulant]; len(d) > 0 {
		e.add(CodeStimulant, "Takes "+joinAnd(d)+".")
	}
	if d := descs[ClassMAOI]; len(d) > 0 {
		e.add(CodeMAOI, "Takes "+joinAnd(d)+", an MAO inhibitor.")
	}
	if d := descs[ClassCYP]; len(d) > 0 {
		e.add(CodeCYPInteraction, "Takes "+joinAnd(d)+", which can change how fast ketamine is broken down.")
	}
	if len(unknown) > 0 {
		them := "them"
		if len(unknown) == 1 {
			them = "it"
		}
		e.add(CodeUnknownMedication, "Journey does not recognise "+joinAnd(unknown)+"; the prescriber should check "+them+".")
	}
}

// describe names a medication the client takes, generic name first, with
// what the client typed when that differs, and the dose.
func describe(m journey.Medication, md Medication) string {
	s := md.Name
	if typed := normalize(m.Name); typed != normalize(md.Name) && !strings.HasPrefix(typed, normalize(md.Name)+" ") {
		s += " (" + m.Name + ")"
	}
	return s + dose(m)
}

func dose(m journey.Medication) string {
	s := ""
	if m.DoseMG > 0 {
		s += " " + fmtNum(m.DoseMG) + " mg"
	}
	switch {
	case m.PerDay == 0.5:
		s += " every other day"
	case m.PerDay > 0:
		s += " × " + fmtNum(m.PerDay) + " a day"
	}
	return s
}

func (e *evaluation) responses(rs []*journey.Response) {
	latest := map[string]*journey.Response{}
	for _, r := range rs {
		if r == nil {
			continue
		}
		cur := latest[r.Questionnaire]
		if cur == nil || r.CreatedAt.After(cur.CreatedAt) || (r.CreatedAt.Equal(cur.CreatedAt) && r.ID > cur.ID) {
			latest[r.Questionnaire] = r
		}
	}
	if r := latest[journey.QuestionnaireCSSRS]; hasFlag(r, journey.FlagCSSRSHighRisk) {
		e.add(CodeSuicidalityHighRisk, "The C-SSRS screener of "+r.CreatedAt.Format(time.DateOnly)+
			" shows high risk: suicidal thoughts with intent or a plan in the past month, or suicidal behaviour in the past 3 months.")
	}
	if r := latest[journey.QuestionnairePHQ9]; hasFlag(r, journey.FlagPHQ9Item9) {
		d := "On the PHQ-9 of " + r.CreatedAt.Format(time.DateOnly) + ", item 9 (thoughts of being better off dead or of self-harm) was answered above 0"
		if len(r.Answers) >= 9 && r.Answers[8] > 0 {
			d += " (" + strconv.Itoa(r.Answers[8]) + " of 3)"
		}
		e.add(CodePHQ9Item9, d+".")
	}
}

func hasFlag(r *journey.Response, flag string) bool {
	return r != nil && slices.Contains(r.Score.Flags, flag)
}

// fmtNum formats f with at most two decimals and no trailing zeros.
func fmtNum(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
