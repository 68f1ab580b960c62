package screening_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	journey "github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/screening"
)

var now = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)

// cleanIntake is a complete intake, every step saved, that raises no
// finding: every health answer no, no medications.
func cleanIntake() *journey.Intake {
	in := &journey.Intake{ClientID: 1}
	for _, st := range journey.IntakeSteps {
		in.MarkDone(st.Code)
	}
	in.About = journey.About{LegalName: "Maria Lopez", DateOfBirth: "1985-04-23", Phone: "+12125550142",
		Address: "1 Main St", City: "Springfield", State: "IL", PostalCode: "62701"}
	in.Emergency = journey.Emergency{Name: "Ana Lopez", Relationship: "sister", Phone: "+12125550143"}
	in.Goals = journey.Goals{Reasons: []string{"depression"}, Story: "Low for a year."}
	in.MentalHealth.Conditions = journey.AnswerAll(journey.PsychiatricConditions, journey.No)
	in.Medical = journey.Medical{Conditions: journey.AnswerAll(journey.MedicalConditions, journey.No), Liver: "none", HeightCM: 170,
		WeightKG: 70, BPSystolic: 120, BPDiastolic: 80, BPDate: "2026-11-02"}
	in.Medications = journey.Medications{None: true}
	in.Substances = journey.Substances{DrinksPerWeek: 2, Cannabis: "none", SUDHistory: journey.No, NonMedicalKetamine: journey.No}
	in.Pregnancy = journey.Pregnancy{Pregnant: journey.No, Breastfeeding: journey.No, Planning: journey.No}
	in.Experience = journey.Experience{PriorKetamine: journey.No}
	return in
}

func takes(meds ...journey.Medication) func(*journey.Intake) {
	return func(in *journey.Intake) {
		in.Medications = journey.Medications{List: meds}
	}
}

func medCond(code string) func(*journey.Intake) {
	return func(in *journey.Intake) { in.Medical.Conditions[code] = journey.Yes }
}

func psyCond(code string) func(*journey.Intake) {
	return func(in *journey.Intake) { in.MentalHealth.Conditions[code] = journey.Yes }
}

func response(q string, at time.Time, flags ...string) *journey.Response {
	return &journey.Response{ClientID: 1, Questionnaire: q, Version: 1, Score: journey.Score{Flags: flags}, CreatedAt: at}
}

func codes(fs []journey.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func find(fs []journey.Finding, code string) *journey.Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

func f64(f float64) *float64 { return &f }

func merge(t *testing.T, changes ...journey.Rule) *journey.RuleSet {
	t.Helper()
	rs, err := screening.Merge(screening.Defaults(), changes)
	if err != nil {
		t.Fatalf("Merge: %v %v", err, journey.ErrorFields(err))
	}
	return rs
}

// change returns the default rule code with f applied, as a Merge change.
func change(code string, f func(*journey.Rule)) journey.Rule {
	ru := *screening.Defaults().Rule(code)
	f(&ru)
	return ru
}

func TestCleanIntake(t *testing.T) {
	in := cleanIntake()
	for _, st := range journey.IntakeSteps {
		if err := in.ValidateStep(st.Code, 18, now); err != nil {
			t.Fatalf("clean intake step %s invalid: %v %v", st.Code, err, journey.ErrorFields(err))
		}
	}
	if fs := screening.Evaluate(screening.Defaults(), in, nil, now); len(fs) != 0 {
		t.Fatalf("clean intake: findings %+v", fs)
	}
	if fs := screening.Evaluate(nil, &journey.Intake{}, nil, now); len(fs) != 0 {
		t.Fatalf("empty intake, nothing saved: findings %+v", fs)
	}
}

// TestEachRule shows every default rule firing from the answers that should
// trigger it, alone, with its default kind and source; not firing when the
// step is not saved; and not firing when disabled.
func TestEachRule(t *testing.T) {
	older := now.Add(-48 * time.Hour)
	cases := []struct {
		name      string
		code      string
		step      string // the intake step the answers are in; "" for responses
		mutate    func(*journey.Intake)
		responses []*journey.Response
	}{
		{"ketamine allergy", screening.CodeKetamineHypersensitivity, journey.StepMedical, medCond("ketamine_allergy"), nil},
		{"aneurysm", screening.CodeVascularAneurysmAVM, journey.StepMedical, medCond("aneurysm"), nil},
		{"brain bleed", screening.CodeIntracerebralHaemorrhage, journey.StepMedical, medCond("brain_bleed"), nil},
		{"bp reading severe", screening.CodeBPSevere, journey.StepMedical, func(in *journey.Intake) { in.Medical.BPSystolic, in.Medical.BPDiastolic = 185, 95 }, nil},
		{"uncontrolled hypertension", screening.CodeBPSevere, journey.StepMedical, medCond("uncontrolled_hypertension"), nil},
		{"bp elevated", screening.CodeBPElevated, journey.StepMedical, func(in *journey.Intake) { in.Medical.BPSystolic, in.Medical.BPDiastolic = 150, 95 }, nil},
		{"preeclampsia", screening.CodePreeclampsia, journey.StepMedical, medCond("preeclampsia"), nil},
		{"heart disease", screening.CodeSevereCardiac, journey.StepMedical, medCond("heart_disease"), nil},
		{"unstable heart", screening.CodeUnstableCardiac, journey.StepMedical, medCond("unstable_heart"), nil},
		{"stroke", screening.CodeStroke, journey.StepMedical, medCond("stroke"), nil},
		{"head injury", screening.CodeCerebralTrauma, journey.StepMedical, medCond("head_injury"), nil},
		{"hyperthyroidism", screening.CodeHyperthyroidism, journey.StepMedical, medCond("hyperthyroidism"), nil},
		{"bladder", screening.CodeBladder, journey.StepMedical, medCond("bladder"), nil},
		{"intracranial pressure", screening.CodeIntracranialPressure, journey.StepMedical, medCond("intracranial_pressure"), nil},
		{"glaucoma", screening.CodeGlaucoma, journey.StepMedical, medCond("glaucoma"), nil},
		{"hypertensive encephalopathy", screening.CodeHypertensiveEncephalopathy, journey.StepMedical, medCond("hypertensive_encephalopathy"), nil},
		{"liver severe", screening.CodeHepaticSevere, journey.StepMedical, func(in *journey.Intake) { in.Medical.Liver = "severe" }, nil},
		{"liver moderate", screening.CodeHepaticModerate, journey.StepMedical, func(in *journey.Intake) { in.Medical.Liver = "moderate" }, nil},
		{"pregnant", screening.CodePregnancy, journey.StepPregnancy, func(in *journey.Intake) { in.Pregnancy.Pregnant = journey.Yes }, nil},
		{"breastfeeding", screening.CodeBreastfeeding, journey.StepPregnancy, func(in *journey.Intake) { in.Pregnancy.Breastfeeding = journey.Yes }, nil},
		{"psychosis", screening.CodePsychoticDisorder, journey.StepMentalHealth, psyCond("psychosis"), nil},
		{"family psychosis", screening.CodeFamilyPsychosis, journey.StepMentalHealth, psyCond("family_psychosis"), nil},
		{"bipolar", screening.CodeBipolar, journey.StepMentalHealth, psyCond("bipolar"), nil},
		{"personality disorder", screening.CodePersonalityDisorder, journey.StepMentalHealth, psyCond("personality_disorder"), nil},
		{"mania", screening.CodeMania, journey.StepMentalHealth, psyCond("mania_now"), nil},
		{"sud 6 months", screening.CodeSubstanceUseDisorder, journey.StepSubstances, func(in *journey.Intake) {
			in.Substances.SUDHistory, in.Substances.AbstinentMonths = journey.Yes, 6
		}, nil},
		{"non-medical ketamine", screening.CodeNonMedicalKetamine, journey.StepSubstances, func(in *journey.Intake) { in.Substances.NonMedicalKetamine = journey.Yes }, nil},
		{"alcohol", screening.CodeAlcohol, journey.StepSubstances, func(in *journey.Intake) { in.Substances.DrinksPerWeek = 20 }, nil},
		{"bad reaction", screening.CodePriorBadReaction, journey.StepExperience, func(in *journey.Intake) {
			in.Experience.PriorKetamine, in.Experience.BadReaction = journey.Yes, journey.Yes
		}, nil},
		{"age 16", screening.CodeAgeMinimum, journey.StepAbout, func(in *journey.Intake) { in.About.DateOfBirth = "2010-01-01" }, nil},
		{"diazepam", screening.CodeBenzodiazepine, journey.StepMedications, takes(journey.Medication{Name: "diazepam", DoseMG: 5, PerDay: 1}), nil},
		{"alprazolam", screening.CodeBenzodiazepineHighDose, journey.StepMedications, takes(journey.Medication{Name: "alprazolam", DoseMG: 0.5, PerDay: 1}), nil},
		{"lamictal", screening.CodeLamotrigine, journey.StepMedications, takes(journey.Medication{Name: "Lamictal", DoseMG: 100, PerDay: 2}), nil},
		{"tramadol", screening.CodeOpioidSedative, journey.StepMedications, takes(journey.Medication{Name: "tramadol", DoseMG: 50, PerDay: 2}), nil},
		{"zolpidem", screening.CodeOpioidSedative, journey.StepMedications, takes(journey.Medication{Name: "Ambien", DoseMG: 10, PerDay: 1}), nil},
		{"adderall", screening.CodeStimulant, journey.StepMedications, takes(journey.Medication{Name: "Adderall XR", DoseMG: 20, PerDay: 1}), nil},
		{"phenelzine", screening.CodeMAOI, journey.StepMedications, takes(journey.Medication{Name: "phenelzine", DoseMG: 15, PerDay: 3}), nil},
		{"carbamazepine", screening.CodeCYPInteraction, journey.StepMedications, takes(journey.Medication{Name: "carbamazepine", DoseMG: 200, PerDay: 2}), nil},
		{"unknown medication", screening.CodeUnknownMedication, journey.StepMedications, takes(journey.Medication{Name: "Florbexa", DoseMG: 10, PerDay: 1}), nil},
		{"unsure pregnant", screening.CodeUnsureAnswer, journey.StepPregnancy, func(in *journey.Intake) { in.Pregnancy.Pregnant = journey.Unsure }, nil},
		{"unsure condition", screening.CodeUnsureAnswer, journey.StepMedical, func(in *journey.Intake) { in.Medical.Conditions["stroke"] = journey.Unsure }, nil},
		{"c-ssrs high risk", screening.CodeSuicidalityHighRisk, "", nil, []*journey.Response{
			response(journey.QuestionnaireCSSRS, now, journey.FlagCSSRSHighRisk)}},
		{"phq-9 item 9", screening.CodePHQ9Item9, "", nil, []*journey.Response{
			response(journey.QuestionnairePHQ9, older, journey.FlagPHQ9Item9)}},
	}

	defaults := screening.Defaults()
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			covered[tc.code] = true
			def := defaults.Rule(tc.code)
			if def == nil {
				t.Fatalf("no default rule %s", tc.code)
			}
			in := cleanIntake()
			if tc.mutate != nil {
				tc.mutate(in)
			}
			if tc.step != "" {
				if err := in.ValidateStep(tc.step, 0, now); err != nil {
					t.Fatalf("answers invalid: %v %v", err, journey.ErrorFields(err))
				}
			}
			fs := screening.Evaluate(defaults, in, tc.responses, now)
			if got := codes(fs); !slices.Equal(got, []string{tc.code}) {
				t.Fatalf("findings %v, want only %s: %+v", got, tc.code, fs)
			}
			f := fs[0]
			if f.Kind != def.Kind || f.Source != def.Source || f.Detail == "" {
				t.Errorf("finding %+v, want kind %s source %q and a detail", f, def.Kind, def.Source)
			}

			// Not fired from a clean intake with the same responses
			// minus the triggering ones.
			if fs := screening.Evaluate(defaults, cleanIntake(), nil, now); find(fs, tc.code) != nil {
				t.Errorf("fired from a clean intake: %+v", fs)
			}
			// Not fired when the step holding the answers is not saved.
			if tc.step != "" {
				in.Done = slices.DeleteFunc(slices.Clone(in.Done), func(s string) bool { return s == tc.step })
				if fs := screening.Evaluate(defaults, in, tc.responses, now); find(fs, tc.code) != nil {
					t.Errorf("fired with step %s not saved: %+v", tc.step, fs)
				}
				in.MarkDone(tc.step)
			}
			// Not fired when disabled.
			off := merge(t, change(tc.code, func(r *journey.Rule) { r.Enabled = false }))
			if fs := screening.Evaluate(off, in, tc.responses, now); find(fs, tc.code) != nil {
				t.Errorf("fired while disabled: %+v", fs)
			}
		})
	}
	for _, ru := range defaults.Rules {
		if !covered[ru.Code] {
			t.Errorf("no test case for rule %s", ru.Code)
		}
	}
}

func TestBenzodiazepines(t *testing.T) {
	alp := takes(journey.Medication{Name: "alprazolam", DoseMG: 0.5, PerDay: 1})
	for _, tc := range []struct {
		name   string
		rs     *journey.RuleSet
		mutate func(*journey.Intake)
		want   string // the only finding
		detail string
	}{
		{"alprazolam 0.5 mg: 10 mg equivalent", nil, alp, screening.CodeBenzodiazepineHighDose,
			"Takes alprazolam 0.5 mg × 1 a day: 10 mg/day diazepam-equivalent, above the 8 mg/day limit."},
		{"diazepam 5 mg", nil, takes(journey.Medication{Name: "diazepam", DoseMG: 5, PerDay: 1}), screening.CodeBenzodiazepine,
			"Takes diazepam 5 mg × 1 a day: 5 mg/day diazepam-equivalent, not above the 8 mg/day limit."},
		{"at the limit: lorazepam 0.8 mg", nil, takes(journey.Medication{Name: "lorazepam", DoseMG: 0.8, PerDay: 1}), screening.CodeBenzodiazepine, "8 mg/day"},
		{"alprazolam 1 mg × 3", nil, takes(journey.Medication{Name: "alprazolam", DoseMG: 1, PerDay: 3}), screening.CodeBenzodiazepineHighDose,
			"Takes alprazolam 1 mg × 3 a day: 60 mg/day diazepam-equivalent, above the 8 mg/day limit."},
		{"two benzodiazepines sum", nil, takes(
			journey.Medication{Name: "Valium", DoseMG: 2, PerDay: 2},
			journey.Medication{Name: "temazepam", DoseMG: 10, PerDay: 1},
		), screening.CodeBenzodiazepineHighDose,
			"Takes diazepam (Valium) 2 mg × 2 a day and temazepam 10 mg × 1 a day: 9 mg/day diazepam-equivalent in all, above the 8 mg/day limit."},
		{"threshold 12: 10 mg equivalent warns only",
			merge(t, change(screening.CodeBenzodiazepineHighDose, func(r *journey.Rule) { r.Threshold = f64(12) })),
			alp, screening.CodeBenzodiazepine, "not above the 12 mg/day limit"},
		{"high-dose rule off: warn", merge(t, change(screening.CodeBenzodiazepineHighDose, func(r *journey.Rule) { r.Enabled = false })),
			alp, screening.CodeBenzodiazepine, "Takes alprazolam 0.5 mg × 1 a day: 10 mg/day diazepam-equivalent."},
		{"high-dose rule made a hard stop", merge(t, change(screening.CodeBenzodiazepineHighDose, func(r *journey.Rule) { r.Kind = journey.FindingHardStop })),
			alp, screening.CodeBenzodiazepineHighDose, "10 mg/day"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := tc.rs
			if rs == nil {
				rs = screening.Defaults()
			}
			in := cleanIntake()
			tc.mutate(in)
			fs := screening.Evaluate(rs, in, nil, now)
			if got := codes(fs); !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("findings %v, want only %s", got, tc.want)
			}
			if !strings.Contains(fs[0].Detail, tc.detail) {
				t.Errorf("detail %q, want %q", fs[0].Detail, tc.detail)
			}
			if want := rs.Rule(tc.want).Kind; fs[0].Kind != want {
				t.Errorf("kind %s, want %s", fs[0].Kind, want)
			}
		})
	}
}

func TestBloodPressure(t *testing.T) {
	for _, tc := range []struct {
		sys, dia int
		date     string
		want     []string
		kind     string
		detail   string
	}{
		{180, 99, "2026-11-02", []string{screening.CodeBPSevere}, journey.FindingHardStop, "Blood pressure 180/99 on 2026-11-02 is at or above 180/100."},
		{179, 101, "2026-11-02", []string{screening.CodeBPSevere}, journey.FindingHardStop, "179/101"},
		{179, 100, "2026-11-02", []string{screening.CodeBPSevere}, journey.FindingHardStop, "179/100"},
		{141, 85, "2026-11-02", []string{screening.CodeBPElevated}, journey.FindingReview, "Blood pressure 141/85 on 2026-11-02 is above 140/90."},
		{135, 91, "", []string{screening.CodeBPElevated}, journey.FindingReview, "Blood pressure 135/91 (date not given) is above 140/90."},
		{150, 95, "2026-11-02", []string{screening.CodeBPElevated}, journey.FindingReview, "Blood pressure 150/95 on 2026-11-02 is above 140/90."},
		{140, 90, "2026-11-02", nil, "", ""},
		{0, 0, "", nil, "", ""},
	} {
		in := cleanIntake()
		in.Medical.BPSystolic, in.Medical.BPDiastolic, in.Medical.BPDate = tc.sys, tc.dia, tc.date
		fs := screening.Evaluate(screening.Defaults(), in, nil, now)
		if got := codes(fs); !slices.Equal(got, tc.want) {
			t.Errorf("%d/%d: findings %v, want %v", tc.sys, tc.dia, got, tc.want)
			continue
		}
		if len(fs) > 0 && (fs[0].Kind != tc.kind || !strings.Contains(fs[0].Detail, tc.detail)) {
			t.Errorf("%d/%d: %+v, want kind %s detail %q", tc.sys, tc.dia, fs[0], tc.kind, tc.detail)
		}
	}

	// With the hard stop off, a very high reading still needs review.
	in := cleanIntake()
	in.Medical.BPSystolic, in.Medical.BPDiastolic = 190, 110
	off := merge(t, change(screening.CodeBPSevere, func(r *journey.Rule) { r.Enabled = false }))
	if got := codes(screening.Evaluate(off, in, nil, now)); !slices.Equal(got, []string{screening.CodeBPElevated}) {
		t.Errorf("190/110 with bp_severe off: %v", got)
	}

	// Uncontrolled hypertension and a raised reading: both, one finding each.
	in = cleanIntake()
	in.Medical.Conditions["uncontrolled_hypertension"] = journey.Yes
	in.Medical.BPSystolic, in.Medical.BPDiastolic = 150, 95
	fs := screening.Evaluate(screening.Defaults(), in, nil, now)
	if got := codes(fs); !slices.Equal(got, []string{screening.CodeBPSevere, screening.CodeBPElevated}) {
		t.Errorf("uncontrolled and 150/95: %v", got)
	}

	// Both: a severe reading and uncontrolled hypertension in one detail.
	in.Medical.BPSystolic = 200
	fs = screening.Evaluate(screening.Defaults(), in, nil, now)
	if got := codes(fs); !slices.Equal(got, []string{screening.CodeBPSevere}) ||
		!strings.Contains(fs[0].Detail, "200/95") || !strings.Contains(fs[0].Detail, "stays high even with treatment") {
		t.Errorf("uncontrolled and 200/95: %+v", fs)
	}

	// A changed threshold takes effect.
	in = cleanIntake()
	in.Medical.BPSystolic, in.Medical.BPDiastolic = 165, 85
	low := merge(t, change(screening.CodeBPSevere, func(r *journey.Rule) { r.Threshold = f64(160) }))
	if got := codes(screening.Evaluate(low, in, nil, now)); !slices.Equal(got, []string{screening.CodeBPSevere}) {
		t.Errorf("165/85 with limit 160: %v", got)
	}
}

func TestBreastfeedingSoftened(t *testing.T) {
	in := cleanIntake()
	in.Pregnancy.Breastfeeding = journey.Yes
	fs := screening.Evaluate(screening.Defaults(), in, nil, now)
	if len(fs) != 1 || fs[0].Kind != journey.FindingHardStop {
		t.Fatalf("default: %+v", fs)
	}
	soft := merge(t, change(screening.CodeBreastfeeding, func(r *journey.Rule) { r.Kind = journey.FindingReview }))
	fs = screening.Evaluate(soft, in, nil, now)
	if len(fs) != 1 || fs[0].Code != screening.CodeBreastfeeding || fs[0].Kind != journey.FindingReview {
		t.Fatalf("softened: %+v", fs)
	}
	if fs[0].Source != "Spravato label; KAP consents" {
		t.Errorf("source %q", fs[0].Source)
	}
}

func TestLatestResponseCounts(t *testing.T) {
	old, recent := now.Add(-30*24*time.Hour), now.Add(-time.Hour)
	highOld := response(journey.QuestionnaireCSSRS, old, journey.FlagCSSRSHighRisk)
	highNew := response(journey.QuestionnaireCSSRS, recent, journey.FlagCSSRSHighRisk)
	clearOld := response(journey.QuestionnaireCSSRS, old)
	clearNew := response(journey.QuestionnaireCSSRS, recent)
	phq := response(journey.QuestionnairePHQ9, recent) // a newer PHQ-9 does not hide a C-SSRS

	for _, tc := range []struct {
		name string
		rs   []*journey.Response
		want bool
	}{
		{"older high risk, newer no risk", []*journey.Response{highOld, clearNew}, false},
		{"same, given newest first", []*journey.Response{clearNew, highOld}, false},
		{"older no risk, newer high risk", []*journey.Response{clearOld, highNew, phq}, true},
		{"newest first", []*journey.Response{highNew, clearOld}, true},
		{"nil response skipped", []*journey.Response{nil, highNew}, true},
	} {
		fs := screening.Evaluate(screening.Defaults(), cleanIntake(), tc.rs, now)
		f := find(fs, screening.CodeSuicidalityHighRisk)
		if (f != nil) != tc.want {
			t.Errorf("%s: findings %+v, want high risk %v", tc.name, fs, tc.want)
		}
		if f != nil && (f.Kind != journey.FindingHardStop || !strings.Contains(f.Detail, recent.Format(time.DateOnly))) {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}

	// PHQ-9 item 9: the latest PHQ-9 counts too.
	item9 := response(journey.QuestionnairePHQ9, old, journey.FlagPHQ9Item9)
	item9.Answers = []int{1, 1, 1, 1, 1, 1, 1, 1, 2}
	fs := screening.Evaluate(screening.Defaults(), cleanIntake(), []*journey.Response{item9}, now)
	f := find(fs, screening.CodePHQ9Item9)
	if f == nil || f.Kind != journey.FindingReview || !strings.Contains(f.Detail, "item 9") || !strings.Contains(f.Detail, "2 of 3") {
		t.Fatalf("PHQ-9 item 9: %+v", fs)
	}
	if fs := screening.Evaluate(screening.Defaults(), cleanIntake(), []*journey.Response{phq, item9}, now); len(fs) != 0 {
		t.Errorf("newer PHQ-9 without the flag: %+v", fs)
	}
}

func TestMedicationFindings(t *testing.T) {
	in := cleanIntake()
	takes(
		journey.Medication{Name: "oxycodone", DoseMG: 5, PerDay: 2},
		journey.Medication{Name: "Ambien", DoseMG: 10, PerDay: 0.5},
		journey.Medication{Name: "sertraline 50mg", DoseMG: 50, PerDay: 1},
		journey.Medication{Name: "Seroquel", DoseMG: 25, PerDay: 1},
		journey.Medication{Name: "Florbexa", DoseMG: 10, PerDay: 1},
		journey.Medication{Name: "Zentrovil", DoseMG: 5, PerDay: 2},
	)(in)
	fs := screening.Evaluate(screening.Defaults(), in, nil, now)
	if got, want := codes(fs), []string{screening.CodeOpioidSedative, screening.CodeUnknownMedication}; !slices.Equal(got, want) {
		t.Fatalf("findings %v, want %v", got, want)
	}
	if d := fs[0].Detail; d != "Takes oxycodone 5 mg × 2 a day and zolpidem (Ambien) 10 mg every other day." {
		t.Errorf("opioid/sedative detail %q", d)
	}
	u := fs[1]
	if u.Kind != journey.FindingWarn || !strings.Contains(u.Detail, `"Florbexa" 10 mg × 1 a day`) || !strings.Contains(u.Detail, `"Zentrovil"`) ||
		!strings.Contains(u.Detail, "prescriber should check them") {
		t.Errorf("unknown: %+v", u)
	}
	// The client said they take nothing: nothing listed is checked.
	in.Medications.None = true
	if fs := screening.Evaluate(screening.Defaults(), in, nil, now); len(fs) != 0 {
		t.Errorf("medications none: %+v", fs)
	}
}

func TestUnsureListsQuestions(t *testing.T) {
	in := cleanIntake()
	in.MentalHealth.Conditions["bipolar"] = journey.Unsure
	in.Medical.Conditions["brain_bleed"] = journey.Unsure
	in.Medical.Liver = journey.Unsure
	in.Pregnancy.Pregnant = journey.Unsure
	in.Substances.SUDHistory = journey.Unsure
	fs := screening.Evaluate(screening.Defaults(), in, nil, now)
	if len(fs) != 1 || fs[0].Code != screening.CodeUnsureAnswer || fs[0].Kind != journey.FindingReview {
		t.Fatalf("findings %+v", fs)
	}
	want := `Answered "not sure" about: bipolar disorder; bleeding in the brain; liver disease; a past substance use problem; pregnancy.`
	if fs[0].Detail != want {
		t.Errorf("detail\n%q, want\n%q", fs[0].Detail, want)
	}
}

func TestThresholdsAndOrder(t *testing.T) {
	in := cleanIntake()
	in.Substances.SUDHistory, in.Substances.AbstinentMonths = journey.Yes, 12
	in.Substances.DrinksPerWeek = 14
	if fs := screening.Evaluate(screening.Defaults(), in, nil, now); len(fs) != 0 {
		t.Errorf("12 months abstinent, 14 drinks: %+v", fs)
	}
	in.Substances.AbstinentMonths, in.Substances.DrinksPerWeek = 11, 15
	fs := screening.Evaluate(screening.Defaults(), in, nil, now)
	if got := codes(fs); !slices.Equal(got, []string{screening.CodeAlcohol, screening.CodeSubstanceUseDisorder}) {
		t.Errorf("11 months, 15 drinks: %v", got)
	}
	if f := find(fs, screening.CodeAlcohol); f == nil || !strings.Contains(f.Detail, "15 a week") || !strings.Contains(f.Detail, "14") {
		t.Errorf("alcohol: %+v", f)
	}

	// A bad reaction counts only for a client who has taken ketamine: the
	// question is not asked otherwise, so a stale answer is ignored.
	in = cleanIntake()
	in.Experience.PriorKetamine, in.Experience.BadReaction = journey.No, journey.Yes
	if fs := screening.Evaluate(screening.Defaults(), in, nil, now); len(fs) != 0 {
		t.Errorf("no prior ketamine, stale bad reaction: %+v", fs)
	}

	// Age: a practice that accepts 21 and over.
	in = cleanIntake()
	in.About.DateOfBirth = "2006-01-01" // 20
	if fs := screening.Evaluate(screening.Defaults(), in, nil, now); len(fs) != 0 {
		t.Errorf("age 20, minimum 18: %+v", fs)
	}
	rs21 := merge(t, change(screening.CodeAgeMinimum, func(r *journey.Rule) { r.Threshold = f64(21) }))
	if fs := screening.Evaluate(rs21, in, nil, now); !slices.Equal(codes(fs), []string{screening.CodeAgeMinimum}) || fs[0].Detail != "Age 20 is under the minimum age of 21." {
		t.Errorf("age 20, minimum 21: %+v", fs)
	}

	// Order: hard stops, then reviews, then warnings, each by code.
	in = cleanIntake()
	in.Medical.Conditions["stroke"] = journey.Yes
	in.Medical.Conditions["bladder"] = journey.Yes
	in.Medical.Conditions["aneurysm"] = journey.Yes
	in.MentalHealth.Conditions["bipolar"] = journey.Yes
	in.Medical.Liver = "moderate"
	in.Substances.NonMedicalKetamine = journey.Yes
	fs = screening.Evaluate(screening.Defaults(), in, []*journey.Response{response(journey.QuestionnaireCSSRS, now, journey.FlagCSSRSHighRisk)}, now)
	want := []string{
		screening.CodeStroke, screening.CodeSuicidalityHighRisk, screening.CodeVascularAneurysmAVM,
		screening.CodeBipolar, screening.CodeNonMedicalKetamine,
		screening.CodeBladder, screening.CodeHepaticModerate,
	}
	if got := codes(fs); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
