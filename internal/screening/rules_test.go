package screening_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	journey "github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/screening"
)

func TestDefaults(t *testing.T) {
	rs := screening.Defaults()
	if rs.Version != 1 {
		t.Errorf("version %d", rs.Version)
	}
	if err := screening.ValidateRuleSet(rs); err != nil {
		t.Fatalf("defaults invalid: %v %v", err, journey.ErrorFields(err))
	}
	for _, ru := range rs.Rules {
		if !ru.Enabled || ru.Title == "" || ru.Detail == "" || ru.Source == "" || journey.KindRank(ru.Kind) > 2 {
			t.Errorf("rule %+v incomplete", ru)
		}
		if ru.Code != strings.ToLower(ru.Code) || strings.ContainsAny(ru.Code, " -") {
			t.Errorf("code %q not snake_case", ru.Code)
		}
		if (ru.Threshold != nil) != (ru.Unit != "") {
			t.Errorf("rule %s: threshold and unit go together", ru.Code)
		}
		if d := strings.ToLower(ru.Detail); strings.Contains(d, "stop taking") || strings.Contains(d, "should stop") {
			t.Errorf("rule %s tells someone to stop a medication: %q", ru.Code, ru.Detail)
		}
	}
	for _, tc := range []struct {
		code, kind, source string
		t, t2              float64 // 0: none
	}{
		{"ketamine_hypersensitivity", journey.FindingHardStop, "Spravato and Ketalar labels", 0, 0},
		{"vascular_aneurysm_avm", journey.FindingHardStop, "Spravato label", 0, 0},
		{"intracerebral_haemorrhage", journey.FindingHardStop, "Spravato label", 0, 0},
		{"bp_severe", journey.FindingHardStop, "ketamine label (Swiss)", 180, 100},
		{"bp_elevated", journey.FindingReview, "Spravato label", 140, 90},
		{"preeclampsia", journey.FindingHardStop, "Ketalar SmPC; ED protocols", 0, 0},
		{"severe_cardiac", journey.FindingHardStop, "Ketalar SmPC; ED protocols", 0, 0},
		{"unstable_cardiac", journey.FindingHardStop, "Ketalar SmPC; ED protocols", 0, 0},
		{"stroke", journey.FindingHardStop, "Ketalar SmPC; ED protocols", 0, 0},
		{"cerebral_trauma", journey.FindingHardStop, "Ketalar SmPC; ED protocols", 0, 0},
		{"hyperthyroidism", journey.FindingHardStop, "ketamine label; KAP consents", 0, 0},
		{"pregnancy", journey.FindingHardStop, "Spravato label; KAP consents", 0, 0},
		{"breastfeeding", journey.FindingHardStop, "Spravato label; KAP consents", 0, 0},
		{"psychotic_disorder", journey.FindingHardStop, "published KAP protocol (Psyon)", 0, 0},
		{"family_psychosis", journey.FindingReview, "Psyon protocol", 0, 0},
		{"bipolar", journey.FindingReview, "Psyon protocol", 0, 0},
		{"personality_disorder", journey.FindingReview, "Psyon protocol", 0, 0},
		{"mania", journey.FindingHardStop, "trials; Psyon", 0, 0},
		{"substance_use_disorder", journey.FindingReview, "Psyon; ketamine trials", 12, 0},
		{"nonmedical_ketamine", journey.FindingReview, "Psyon; ketamine trials", 0, 0},
		{"suicidality_high_risk", journey.FindingHardStop, "Psyon; C-SSRS triage", 0, 0},
		{"phq9_item9", journey.FindingReview, "PHQ-9 instructions (Pfizer)", 0, 0},
		{"hepatic_severe", journey.FindingHardStop, "Spravato label", 0, 0},
		{"hepatic_moderate", journey.FindingWarn, "Spravato label", 0, 0},
		{"bladder", journey.FindingWarn, "Spravato label; FDA 2023", 0, 0},
		{"intracranial_pressure", journey.FindingReview, "labels; ED protocols; KAP consents", 0, 0},
		{"glaucoma", journey.FindingReview, "labels; ED protocols; KAP consents", 0, 0},
		{"hypertensive_encephalopathy", journey.FindingReview, "labels; ED protocols; KAP consents", 0, 0},
		{"prior_bad_reaction", journey.FindingReview, "labels; ED protocols; KAP consents", 0, 0},
		{"age_minimum", journey.FindingHardStop, "adult-only default", 18, 0},
		{"benzodiazepine", journey.FindingWarn, "studies; Spravato label", 0, 0},
		{"benzodiazepine_high_dose", journey.FindingReview, "studies; Spravato label", 8, 0},
		{"lamotrigine", journey.FindingWarn, "studies; Spravato label", 0, 0},
		{"opioid_sedative", journey.FindingReview, "studies; Spravato label", 0, 0},
		{"alcohol", journey.FindingReview, "studies; Spravato label", 14, 0},
		{"stimulant", journey.FindingReview, "studies; Spravato label", 0, 0},
		{"maoi", journey.FindingReview, "studies; Spravato label", 0, 0},
		{"cyp_interaction", journey.FindingWarn, "studies; Spravato label", 0, 0},
		{"unknown_medication", journey.FindingWarn, "practice default", 0, 0},
		{"unsure_answer", journey.FindingReview, "practice default", 0, 0},
	} {
		ru := rs.Rule(tc.code)
		if ru == nil {
			t.Errorf("no rule %s", tc.code)
			continue
		}
		if ru.Kind != tc.kind || ru.Source != tc.source {
			t.Errorf("%s: kind %s source %q, want %s %q", tc.code, ru.Kind, ru.Source, tc.kind, tc.source)
		}
		if got := val(ru.Threshold); got != tc.t {
			t.Errorf("%s: threshold %v, want %v", tc.code, got, tc.t)
		}
		if got := val(ru.Threshold2); got != tc.t2 {
			t.Errorf("%s: threshold2 %v, want %v", tc.code, got, tc.t2)
		}
	}
	if n := len(rs.Rules); n != 40 {
		t.Errorf("%d rules, want 40", n)
	}
	if !strings.Contains(rs.Rule("alcohol").Detail, "practice's choice") {
		t.Errorf("alcohol detail should say the limit is a practice choice")
	}
	// Fresh copies: changing one does not change the next.
	*rs.Rule("age_minimum").Threshold = 30
	if got := *screening.Defaults().Rule("age_minimum").Threshold; got != 18 {
		t.Errorf("Defaults shares state: %v", got)
	}
}

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func fields(err error) []string {
	var out []string
	for _, f := range journey.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestValidateRuleSet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(rs *journey.RuleSet)
		want   []string
	}{
		{"unknown code", func(rs *journey.RuleSet) {
			rs.Rules = append(rs.Rules, journey.Rule{Code: "tarot", Kind: journey.FindingWarn})
		},
			[]string{"rules.tarot.code"}},
		{"empty code", func(rs *journey.RuleSet) { rs.Rules[3].Code = "" }, []string{"rules.3.code"}},
		{"duplicate code", func(rs *journey.RuleSet) { rs.Rules = append(rs.Rules, rs.Rules[0]) },
			[]string{"rules.ketamine_hypersensitivity.code"}},
		{"bad kind", func(rs *journey.RuleSet) { rs.Rule("stroke").Kind = "maybe" }, []string{"rules.stroke.kind"}},
		{"empty kind", func(rs *journey.RuleSet) { rs.Rule("glaucoma").Kind = "" }, []string{"rules.glaucoma.kind"}},
		{"threshold missing", func(rs *journey.RuleSet) { rs.Rule("benzodiazepine_high_dose").Threshold = nil },
			[]string{"rules.benzodiazepine_high_dose.threshold"}},
		{"threshold2 missing", func(rs *journey.RuleSet) { rs.Rule("bp_severe").Threshold2 = nil }, []string{"rules.bp_severe.threshold2"}},
		{"threshold where none", func(rs *journey.RuleSet) { rs.Rule("stroke").Threshold = f64(1) }, []string{"rules.stroke.threshold"}},
		{"age 17", func(rs *journey.RuleSet) { rs.Rule("age_minimum").Threshold = f64(17) }, []string{"rules.age_minimum.threshold"}},
		{"age 100", func(rs *journey.RuleSet) { rs.Rule("age_minimum").Threshold = f64(100) }, []string{"rules.age_minimum.threshold"}},
		{"systolic 119", func(rs *journey.RuleSet) {
			rs.Rule("bp_elevated").Threshold = f64(119)
		}, []string{"rules.bp_elevated.threshold"}},
		{"systolic 251", func(rs *journey.RuleSet) { rs.Rule("bp_severe").Threshold = f64(251) }, []string{"rules.bp_severe.threshold"}},
		{"diastolic 69", func(rs *journey.RuleSet) { rs.Rule("bp_elevated").Threshold2 = f64(69) }, []string{"rules.bp_elevated.threshold2"}},
		{"diastolic 151", func(rs *journey.RuleSet) { rs.Rule("bp_severe").Threshold2 = f64(151) }, []string{"rules.bp_severe.threshold2"}},
		{"elevated not below severe", func(rs *journey.RuleSet) { rs.Rule("bp_elevated").Threshold = f64(180) }, []string{"rules.bp_elevated.threshold"}},
		{"benzo -1", func(rs *journey.RuleSet) { rs.Rule("benzodiazepine_high_dose").Threshold = f64(-1) },
			[]string{"rules.benzodiazepine_high_dose.threshold"}},
		{"benzo 201", func(rs *journey.RuleSet) { rs.Rule("benzodiazepine_high_dose").Threshold = f64(201) },
			[]string{"rules.benzodiazepine_high_dose.threshold"}},
		{"benzo NaN", func(rs *journey.RuleSet) { rs.Rule("benzodiazepine_high_dose").Threshold = f64(math.NaN()) },
			[]string{"rules.benzodiazepine_high_dose.threshold"}},
		{"months 121", func(rs *journey.RuleSet) { rs.Rule("substance_use_disorder").Threshold = f64(121) },
			[]string{"rules.substance_use_disorder.threshold"}},
		{"drinks 101", func(rs *journey.RuleSet) { rs.Rule("alcohol").Threshold = f64(101) }, []string{"rules.alcohol.threshold"}},
		{"version 0", func(rs *journey.RuleSet) { rs.Version = 0 }, []string{"version"}},
		{"several at once", func(rs *journey.RuleSet) {
			rs.Rule("alcohol").Threshold = nil
			rs.Rule("mania").Kind = "x"
		}, []string{"rules.mania.kind", "rules.alcohol.threshold"}},
	} {
		rs := screening.Defaults()
		tc.change(rs)
		err := screening.ValidateRuleSet(rs)
		if journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", tc.name, err)
			continue
		}
		if got := fields(err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.name, got, tc.want)
		}
	}
	if err := screening.ValidateRuleSet(nil); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("nil: %v", err)
	}

	// Edges of the ranges are accepted; a set missing a rule is too.
	rs := screening.Defaults()
	rs.Rule("age_minimum").Threshold = f64(99)
	rs.Rule("bp_severe").Threshold, rs.Rule("bp_severe").Threshold2 = f64(250), f64(150)
	rs.Rule("bp_elevated").Threshold, rs.Rule("bp_elevated").Threshold2 = f64(120), f64(70)
	rs.Rule("benzodiazepine_high_dose").Threshold = f64(0)
	rs.Rule("substance_use_disorder").Threshold = f64(120)
	rs.Rule("alcohol").Threshold = f64(0)
	rs.Rules = rs.Rules[1:]
	if err := screening.ValidateRuleSet(rs); err != nil {
		t.Errorf("edges: %v %v", err, journey.ErrorFields(err))
	}
}

func TestMerge(t *testing.T) {
	base := screening.Defaults()
	base.Version = 4
	changes := []journey.Rule{
		{Code: "breastfeeding", Kind: journey.FindingReview, Enabled: true, Title: "ignored", Source: "ignored", Detail: "ignored"},
		{Code: "benzodiazepine_high_dose", Kind: journey.FindingReview, Enabled: true, Threshold: f64(12)},
		{Code: "bipolar", Kind: journey.FindingReview, Enabled: false},
	}
	rs, err := screening.Merge(base, changes)
	if err != nil {
		t.Fatalf("Merge: %v %v", err, journey.ErrorFields(err))
	}
	if rs.Version != 5 {
		t.Errorf("version %d, want 5", rs.Version)
	}
	if len(rs.Rules) != len(base.Rules) {
		t.Fatalf("%d rules, want %d", len(rs.Rules), len(base.Rules))
	}
	for i, ru := range rs.Rules {
		b := base.Rules[i]
		if ru.Code != b.Code || ru.Source != b.Source || ru.Title != b.Title || ru.Detail != b.Detail || ru.Unit != b.Unit {
			t.Errorf("rule %s: title/detail/source/unit changed: %+v", b.Code, ru)
		}
	}
	if ru := rs.Rule("breastfeeding"); ru.Kind != journey.FindingReview || !ru.Enabled {
		t.Errorf("breastfeeding %+v", ru)
	}
	if ru := rs.Rule("benzodiazepine_high_dose"); *ru.Threshold != 12 {
		t.Errorf("benzo threshold %v", *ru.Threshold)
	}
	if ru := rs.Rule("bipolar"); ru.Enabled {
		t.Errorf("bipolar still enabled")
	}
	// base is untouched, and the new set shares no thresholds with it.
	if base.Version != 4 || base.Rule("breastfeeding").Kind != journey.FindingHardStop || *base.Rule("benzodiazepine_high_dose").Threshold != 8 {
		t.Errorf("base changed")
	}
	*rs.Rule("age_minimum").Threshold = 40
	if *base.Rule("age_minimum").Threshold != 18 {
		t.Errorf("Merge shares thresholds with base")
	}

	for _, tc := range []struct {
		name    string
		changes []journey.Rule
		want    []string
	}{
		{"unknown code", []journey.Rule{{Code: "tarot", Kind: journey.FindingWarn}}, []string{"rules.tarot.code"}},
		{"changed twice", []journey.Rule{
			{Code: "stroke", Kind: journey.FindingWarn, Enabled: true},
			{Code: "stroke", Kind: journey.FindingReview, Enabled: true},
		}, []string{"rules.stroke.code"}},
		{"threshold dropped", []journey.Rule{{Code: "alcohol", Kind: journey.FindingReview, Enabled: true}}, []string{"rules.alcohol.threshold"}},
		{"out of range", []journey.Rule{{Code: "age_minimum", Kind: journey.FindingHardStop, Enabled: true, Threshold: f64(16)}},
			[]string{"rules.age_minimum.threshold"}},
		{"bad kind", []journey.Rule{{Code: "stroke", Kind: "soft", Enabled: true}}, []string{"rules.stroke.kind"}},
	} {
		rs, err := screening.Merge(screening.Defaults(), tc.changes)
		if rs != nil || journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%s: %v %v, want EINVALID", tc.name, rs, err)
			continue
		}
		if got := fields(err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := screening.Merge(nil, nil); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("nil base: %v", err)
	}
}

func TestMinAge(t *testing.T) {
	if got := screening.MinAge(screening.Defaults()); got != 18 {
		t.Errorf("default %d", got)
	}
	rs := merge(t, change("age_minimum", func(r *journey.Rule) { r.Threshold = f64(21) }))
	if got := screening.MinAge(rs); got != 21 {
		t.Errorf("21: %d", got)
	}
	rs = merge(t, change("age_minimum", func(r *journey.Rule) { r.Threshold = f64(21); r.Enabled = false }))
	if got := screening.MinAge(rs); got != 18 {
		t.Errorf("disabled: %d", got)
	}
	if got := screening.MinAge(nil); got != 18 {
		t.Errorf("nil: %d", got)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		in, name, class string
	}{
		{"Xanax", "alprazolam", screening.ClassBenzodiazepine},
		{"Xanax XR", "alprazolam", screening.ClassBenzodiazepine},
		{"  ALPRAZOLAM  ", "alprazolam", screening.ClassBenzodiazepine},
		{"alprazolam 0.5mg", "alprazolam", screening.ClassBenzodiazepine},
		{"sertraline 50mg", "sertraline", screening.ClassOther},
		{"Zoloft 100 mg tablets", "sertraline", screening.ClassOther},
		{"Klonopin", "clonazepam", screening.ClassBenzodiazepine},
		{"Ativan", "lorazepam", screening.ClassBenzodiazepine},
		{"Valium", "diazepam", screening.ClassBenzodiazepine},
		{"Restoril", "temazepam", screening.ClassBenzodiazepine},
		{"Lamictal XR", "lamotrigine", screening.ClassLamotrigine},
		{"OxyContin", "oxycodone", screening.ClassOpioid},
		{"Tylenol with codeine #3", "codeine", screening.ClassOpioid},
		{"Tylenol 500mg", "acetaminophen", screening.ClassOther},
		{"Ambien CR", "zolpidem", screening.ClassSedative},
		{"gabapentin", "gabapentin", screening.ClassSedative},
		{"Concerta", "methylphenidate", screening.ClassStimulant},
		{"Vyvanse", "lisdexamfetamine", screening.ClassStimulant},
		{"Emsam patch", "selegiline", screening.ClassMAOI},
		{"St. John's Wort 300 mg", "st john's wort", screening.ClassCYP},
		{"St Johns Wort", "st john's wort", screening.ClassCYP},
		{"Plavix", "clopidogrel", screening.ClassCYP},
		{"Seroquel", "quetiapine", screening.ClassAntipsychotic},
		{"birth control pill", "oral contraceptive", screening.ClassOther},
		{"Lithium carbonate", "lithium", screening.ClassOther},
	} {
		md, ok := screening.Classify(tc.in)
		if !ok || md.Name != tc.name || md.Class != tc.class {
			t.Errorf("Classify(%q) = %+v %v, want %s (%s)", tc.in, md, ok, tc.name, tc.class)
		}
	}
	for _, s := range []string{"", "   ", "Florbexa", "50mg", "vitamin b12"} {
		if md, ok := screening.Classify(s); ok {
			t.Errorf("Classify(%q) = %+v, want not found", s, md)
		}
	}
}

func TestCatalogue(t *testing.T) {
	meds := screening.Medications()
	factors := map[string]float64{
		"diazepam": 1, "alprazolam": 20, "clonazepam": 20, "lorazepam": 10,
		"temazepam": 0.5, "oxazepam": 0.5, "chlordiazepoxide": 0.4, "clobazam": 0.5,
	}
	for _, md := range meds {
		if md.Name != strings.ToLower(md.Name) {
			t.Errorf("%q not lower case", md.Name)
		}
		// Every name and brand finds its own entry: no name is shared.
		for _, n := range append([]string{md.Name}, md.Brands...) {
			got, ok := screening.Classify(n)
			if !ok || got.Name != md.Name {
				t.Errorf("Classify(%q) = %q %v, want %q", n, got.Name, ok, md.Name)
			}
		}
		if (md.Class == screening.ClassBenzodiazepine) != (md.DiazepamFactor > 0) {
			t.Errorf("%s: class %s factor %v", md.Name, md.Class, md.DiazepamFactor)
		}
		if f, ok := factors[md.Name]; ok && md.DiazepamFactor != f {
			t.Errorf("%s: factor %v, want %v", md.Name, md.DiazepamFactor, f)
		}
		delete(factors, md.Name)
	}
	if len(factors) > 0 {
		t.Errorf("missing benzodiazepines %v", factors)
	}
	meds[0].Name = "changed"
	if screening.Medications()[0].Name == "changed" {
		t.Errorf("Medications shares state")
	}
}

func TestDiazepamEquivalent(t *testing.T) {
	for _, tc := range []struct {
		meds []journey.Medication
		want float64
	}{
		{nil, 0},
		{[]journey.Medication{{Name: "alprazolam", DoseMG: 0.5, PerDay: 1}}, 10},
		{[]journey.Medication{{Name: "Xanax XR", DoseMG: 1, PerDay: 3}}, 60},
		{[]journey.Medication{{Name: "chlordiazepoxide", DoseMG: 25, PerDay: 1}, {Name: "sertraline", DoseMG: 100, PerDay: 1}}, 10},
		{[]journey.Medication{{Name: "Ativan", DoseMG: 1, PerDay: 2}, {Name: "diazepam", DoseMG: 5, PerDay: 0.5}}, 22.5},
		{[]journey.Medication{{Name: "Florbexa", DoseMG: 10, PerDay: 1}}, 0},
	} {
		if got := screening.DiazepamEquivalent(tc.meds); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%+v: %v, want %v", tc.meds, got, tc.want)
		}
	}
}
