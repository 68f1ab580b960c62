// Package screening turns a client's intake answers and questionnaire
// responses into screening findings, using a versioned set of rules held as
// data (docs/clinical-defaults.md lists the shipped defaults).
//
// The package is pure: no SQL, no HTTP, no globals that change. The shipped
// defaults come from [Defaults]; an admin's changes are applied with
// [Merge] (which makes a new version) and checked with [ValidateRuleSet];
// [Evaluate] applies whichever version the caller passes.
//
// Every threshold is a setting the practice's medical director can change;
// none is medical advice. Findings are for staff: Journey never tells a
// client to stop a medication, only the prescriber decides.
package screening

import (
	"math"
	"strconv"

	journey "github.com/journey-kap/journey"
)

// Rule codes. They are stable: stored rule sets, findings and overrides
// refer to them.
const (
	CodeKetamineHypersensitivity   = "ketamine_hypersensitivity"   // allergy to ketamine or esketamine
	CodeVascularAneurysmAVM        = "vascular_aneurysm_avm"       // aneurysm or arteriovenous malformation
	CodeIntracerebralHaemorrhage   = "intracerebral_haemorrhage"   // past bleeding in the brain
	CodeBPSevere                   = "bp_severe"                   // BP at or above 180/100, or uncontrolled hypertension
	CodeBPElevated                 = "bp_elevated"                 // BP above 140/90
	CodePreeclampsia               = "preeclampsia"                // pre-eclampsia or eclampsia
	CodeSevereCardiac              = "severe_cardiac"              // severe coronary or myocardial disease
	CodeUnstableCardiac            = "unstable_cardiac"            // unstable cardiac disease
	CodeStroke                     = "stroke"                      // past stroke
	CodeCerebralTrauma             = "cerebral_trauma"             // serious head injury
	CodeHyperthyroidism            = "hyperthyroidism"             // untreated hyperthyroidism
	CodePregnancy                  = "pregnancy"                   // pregnant now
	CodeBreastfeeding              = "breastfeeding"               // breastfeeding now
	CodePsychoticDisorder          = "psychotic_disorder"          // primary psychotic disorder
	CodeFamilyPsychosis            = "family_psychosis"            // first-degree relative with a psychotic disorder
	CodeBipolar                    = "bipolar"                     // bipolar history
	CodePersonalityDisorder        = "personality_disorder"        // severe personality disorder
	CodeMania                      = "mania"                       // current mania
	CodeSubstanceUseDisorder       = "substance_use_disorder"      // SUD, abstinent for less than the threshold
	CodeNonMedicalKetamine         = "nonmedical_ketamine"         // non-medical ketamine or PCP in the last 90 days
	CodeSuicidalityHighRisk        = "suicidality_high_risk"       // latest C-SSRS screener high risk
	CodePHQ9Item9                  = "phq9_item9"                  // latest PHQ-9 item 9 above 0
	CodeHepaticSevere              = "hepatic_severe"              // severe liver disease
	CodeHepaticModerate            = "hepatic_moderate"            // moderate liver disease
	CodeBladder                    = "bladder"                     // cystitis or urinary symptoms
	CodeIntracranialPressure       = "intracranial_pressure"       // raised intracranial pressure
	CodeGlaucoma                   = "glaucoma"                    // glaucoma or raised eye pressure
	CodeHypertensiveEncephalopathy = "hypertensive_encephalopathy" // past hypertensive encephalopathy
	CodePriorBadReaction           = "prior_bad_reaction"          // bad reaction to ketamine before
	CodeAgeMinimum                 = "age_minimum"                 // younger than the minimum age
	CodeBenzodiazepine             = "benzodiazepine"              // takes a benzodiazepine
	CodeBenzodiazepineHighDose     = "benzodiazepine_high_dose"    // benzodiazepines above the diazepam-equivalent threshold
	CodeLamotrigine                = "lamotrigine"                 // takes lamotrigine
	CodeOpioidSedative             = "opioid_sedative"             // takes an opioid or another sedative
	CodeAlcohol                    = "alcohol"                     // drinks more a week than the threshold
	CodeStimulant                  = "stimulant"                   // takes a stimulant
	CodeMAOI                       = "maoi"                        // takes an MAO inhibitor
	CodeCYPInteraction             = "cyp_interaction"             // takes a strong CYP3A4/2B6 inducer or inhibitor
	CodeUnknownMedication          = "unknown_medication"          // takes a medication Journey does not recognise
	CodeUnsureAnswer               = "unsure_answer"               // answered "not sure" to a health question
)

// Sources shared by several rules.
const (
	sourcePHQ9     = "PHQ-9 instructions (Pfizer)"
	sourcePractice = "practice default"
	sourceMeds     = "studies; Spravato label"
	sourceKetalar  = "Ketalar SmPC; ED protocols"
	sourcePsyon    = "Psyon protocol"
	sourceRaised   = "labels; ED protocols; KAP consents"
)

const stopNote = " The prescriber decides whether anything changes; Journey never tells a client to stop a medication."

func num(f float64) *float64 { return &f }

// Defaults returns the shipped screening rules, version 1: one rule per
// contraindication and caution (and the PHQ-9 item 9, unknown-medication and
// unsure-answer rules), all enabled, each naming its source. The result is
// a fresh copy the caller may change.
func Defaults() *journey.RuleSet {
	h, r, w := journey.FindingHardStop, journey.FindingReview, journey.FindingWarn
	rule := func(code, kind, title, detail, source string) journey.Rule {
		return journey.Rule{Code: code, Kind: kind, Enabled: true, Title: title, Detail: detail, Source: source}
	}
	with := func(ru journey.Rule, unit string, t float64, t2 ...float64) journey.Rule {
		ru.Unit, ru.Threshold = unit, num(t)
		if len(t2) > 0 {
			ru.Threshold2 = num(t2[0])
		}
		return ru
	}
	return &journey.RuleSet{Version: 1, Note: "Shipped defaults.", Rules: []journey.Rule{
		rule(CodeKetamineHypersensitivity, h, "Allergy to ketamine or esketamine",
			"A past allergic reaction to ketamine or esketamine means another dose could cause a more serious one.",
			"Spravato and Ketalar labels"),
		rule(CodeVascularAneurysmAVM, h, "Aneurysm or arteriovenous malformation",
			"Ketamine raises blood pressure for a while after a dose; a weak or malformed blood vessel could bleed or burst.",
			"Spravato label"),
		rule(CodeIntracerebralHaemorrhage, h, "Past bleeding in the brain",
			"Ketamine raises blood pressure for a while after a dose, which could cause bleeding in the brain again.",
			"Spravato label"),
		with(rule(CodeBPSevere, h, "Very high blood pressure",
			"Ketamine raises blood pressure; starting from a resting reading this high (or from high blood pressure that treatment does not control) risks a dangerous rise.",
			"ketamine label (Swiss)"), "mmHg", 180, 100),
		with(rule(CodeBPElevated, r, "Raised blood pressure",
			"Ketamine raises blood pressure; from a raised baseline the prescriber should check the reading and decide whether dosing is safe.",
			"Spravato label"), "mmHg", 140, 90),
		rule(CodePreeclampsia, h, "Pre-eclampsia or eclampsia",
			"Ketamine's rise in blood pressure is dangerous for someone who has had pre-eclampsia or eclampsia.",
			sourceKetalar),
		rule(CodeSevereCardiac, h, "Serious heart disease",
			"Ketamine makes the heart work harder (faster rate, higher blood pressure), which severe coronary or heart-muscle disease may not tolerate.",
			sourceKetalar),
		rule(CodeUnstableCardiac, h, "Unstable heart condition",
			"Ketamine makes the heart work harder; with unstable heart disease (uncontrolled chest pain or irregular heartbeat) that can trigger a cardiac event.",
			sourceKetalar),
		rule(CodeStroke, h, "Past stroke",
			"Ketamine raises blood pressure and blood flow in the brain, a risk after a stroke.",
			sourceKetalar),
		rule(CodeCerebralTrauma, h, "Serious head injury",
			"Ketamine can raise pressure and blood flow in the brain, a risk after a serious brain injury.",
			sourceKetalar),
		rule(CodeHyperthyroidism, h, "Untreated overactive thyroid",
			"An untreated overactive thyroid already speeds the heart and raises blood pressure; ketamine adds to both.",
			"ketamine label; KAP consents"),
		rule(CodePregnancy, h, "Pregnancy",
			"Ketamine's safety in pregnancy is not established and animal studies suggest harm to the developing brain.",
			"Spravato label; KAP consents"),
		rule(CodeBreastfeeding, h, "Breastfeeding",
			"Ketamine passes into breast milk and its effect on the baby is unknown. The practice may soften this to a prescriber review.",
			"Spravato label; KAP consents"),
		rule(CodePsychoticDisorder, h, "Psychotic disorder",
			"Ketamine can bring on or worsen psychotic symptoms in someone with schizophrenia, schizoaffective, delusional or another primary psychotic disorder.",
			"published KAP protocol (Psyon)"),
		rule(CodeFamilyPsychosis, r, "Close relative with a psychotic disorder",
			"A parent, sibling or child with a psychotic disorder raises the client's own risk that ketamine brings on psychosis.",
			sourcePsyon),
		rule(CodeBipolar, r, "Bipolar disorder",
			"Ketamine can trigger mania or hypomania in someone with bipolar disorder; the prescriber should check how stable and treated it is.",
			sourcePsyon),
		rule(CodePersonalityDisorder, r, "Severe personality disorder",
			"The altered states of a ketamine session can be destabilising with a severe personality disorder; the prescriber and therapist should plan for it.",
			sourcePsyon),
		rule(CodeMania, h, "Current mania",
			"Ketamine can worsen a current manic or hypomanic episode.",
			"trials; Psyon"),
		with(rule(CodeSubstanceUseDisorder, r, "Recent substance use disorder",
			"Ketamine can be misused; after a recent substance use problem the prescriber should weigh the risk of relapse or misuse.",
			"Psyon; ketamine trials"), "months", 12),
		rule(CodeNonMedicalKetamine, r, "Non-medical ketamine or PCP use",
			"Non-medical ketamine or PCP use in the last 90 days suggests a risk of misuse and changes how the client may respond.",
			"Psyon; ketamine trials"),
		rule(CodeSuicidalityHighRisk, h, "High suicide risk (C-SSRS)",
			"The latest C-SSRS screener shows suicidal thoughts with intent or a plan, or recent suicidal behaviour. Outpatient dosing is not safe until the care team has followed up; that follow-up is needed at once.",
			"Psyon; C-SSRS triage"),
		rule(CodePHQ9Item9, r, "Thoughts of self-harm (PHQ-9 item 9)",
			"On the latest PHQ-9 the client reported thoughts of being better off dead or of self-harm. A safety follow-up is needed before any dose, whatever the total score.",
			sourcePHQ9),
		rule(CodeHepaticSevere, h, "Severe liver disease",
			"Ketamine is cleared by the liver; with severe liver disease it builds up and its effects last longer and are harder to predict.",
			"Spravato label"),
		rule(CodeHepaticModerate, w, "Moderate liver disease",
			"Ketamine is cleared by the liver; with moderate liver disease its effects may last longer, so plan a longer observation.",
			"Spravato label"),
		rule(CodeBladder, w, "Bladder problems",
			"Repeated ketamine can inflame the bladder (ketamine cystitis); existing bladder or urinary symptoms should be known and watched.",
			"Spravato label; FDA 2023"),
		rule(CodeIntracranialPressure, r, "Raised pressure inside the head",
			"Ketamine can raise pressure inside the head further.",
			sourceRaised),
		rule(CodeGlaucoma, r, "Glaucoma or raised eye pressure",
			"Ketamine can raise the pressure inside the eye.",
			sourceRaised),
		rule(CodeHypertensiveEncephalopathy, r, "Past hypertensive encephalopathy",
			"Blood pressure once high enough to affect the brain may do so again with ketamine's rise in blood pressure.",
			sourceRaised),
		rule(CodePriorBadReaction, r, "Bad reaction to ketamine before",
			"A past bad reaction to ketamine helps the prescriber judge whether, and at what dose, to try again.",
			sourceRaised),
		with(rule(CodeAgeMinimum, h, "Under the minimum age",
			"Journey's programme is for adults; the practice sets the minimum age.",
			"adult-only default"), "years", 18),
		rule(CodeBenzodiazepine, w, "Benzodiazepine",
			"Benzodiazepines can blunt ketamine's effect and add to its sedation."+stopNote,
			sourceMeds),
		with(rule(CodeBenzodiazepineHighDose, r, "High benzodiazepine dose",
			"Above this daily dose (as diazepam-equivalent, Ashton table) benzodiazepines are more likely to blunt ketamine's effect and deepen sedation; the prescriber should review the timing and dose."+stopNote,
			sourceMeds), "mg/day diazepam-equivalent", 8),
		rule(CodeLamotrigine, w, "Lamotrigine",
			"Lamotrigine reduces glutamate release and may weaken ketamine's effect."+stopNote,
			sourceMeds),
		rule(CodeOpioidSedative, r, "Opioid or sedative",
			"Opioids and other sedatives add to ketamine's sedation and can slow breathing."+stopNote,
			sourceMeds),
		with(rule(CodeAlcohol, r, "Heavy drinking",
			"Alcohol adds to ketamine's sedation and heavy drinking can point to a substance use problem. The weekly limit is the practice's choice, not a figure from a label.",
			sourceMeds), "drinks/week", 14),
		rule(CodeStimulant, r, "Stimulant",
			"Stimulants add to ketamine's rise in heart rate and blood pressure."+stopNote,
			sourceMeds),
		rule(CodeMAOI, r, "MAO inhibitor",
			"MAO inhibitors can raise blood pressure sharply together with ketamine."+stopNote,
			sourceMeds),
		rule(CodeCYPInteraction, w, "Strong CYP3A4/2B6 inducer or inhibitor",
			"Ketamine is broken down by the liver enzymes CYP3A4 and CYP2B6; strong inducers or inhibitors of them make its effect weaker or stronger than expected."+stopNote,
			sourceMeds),
		rule(CodeUnknownMedication, w, "Medication not recognised",
			"Journey does not recognise this medication, so it cannot check it against the rules; the prescriber should check it.",
			sourcePractice),
		rule(CodeUnsureAnswer, r, "Not sure about a health question",
			"The client answered \"not sure\" to a health question that screening relies on; the prescriber should ask rather than Journey guess.",
			sourcePractice),
	}}
}

// limits are the sane ranges of each threshold (and second threshold).
type limits struct{ lo, hi, lo2, hi2 float64 }

var thresholdLimits = map[string]limits{
	CodeAgeMinimum:             {18, 99, 0, 0},
	CodeBPSevere:               {120, 250, 70, 150},
	CodeBPElevated:             {120, 250, 70, 150},
	CodeBenzodiazepineHighDose: {0, 200, 0, 0},
	CodeSubstanceUseDisorder:   {0, 120, 0, 0},
	CodeAlcohol:                {0, 100, 0, 0},
}

func fmtLimit(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ValidateRuleSet returns EINVALID (a journey.Validation) when rs has a rule
// Journey does not know, a code twice, a kind not among journey.FindingKinds,
// or a threshold missing where the default has one, present where it has
// none, or outside its sane range. Field names look like
// "rules.benzodiazepine_high_dose.threshold". A set may lack rules (a rule
// added to the defaults after it was stored): Evaluate simply does not apply
// them.
func ValidateRuleSet(rs *journey.RuleSet) error {
	var v journey.Validation
	if rs == nil {
		v.Add("rules", "No rules.")
		return v.Err()
	}
	if rs.Version < 1 {
		v.Add("version", "The version must be 1 or more.")
	}
	defaults := Defaults()
	seen := map[string]bool{}
	for i, ru := range rs.Rules {
		f := "rules." + ru.Code
		if ru.Code == "" {
			f = "rules." + strconv.Itoa(i)
		}
		def := defaults.Rule(ru.Code)
		if def == nil {
			v.Add(f+".code", "There is no such screening rule.")
			continue
		}
		if seen[ru.Code] {
			v.Add(f+".code", "This rule is listed twice.")
			continue
		}
		seen[ru.Code] = true
		if journey.KindRank(ru.Kind) >= len(journey.FindingKinds) {
			v.Add(f+".kind", "Choose hard stop, prescriber review or warn.")
		}
		lim := thresholdLimits[ru.Code]
		checkThreshold(&v, f+".threshold", ru.Threshold, def.Threshold != nil, lim.lo, lim.hi, def.Unit)
		checkThreshold(&v, f+".threshold2", ru.Threshold2, def.Threshold2 != nil, lim.lo2, lim.hi2, def.Unit)
	}
	// The review level for blood pressure must sit below the hard-stop one,
	// or it could never fire on its own.
	sev, ele := rs.Rule(CodeBPSevere), rs.Rule(CodeBPElevated)
	if sev != nil && ele != nil && !v.Has("rules.bp_severe.threshold") && !v.Has("rules.bp_elevated.threshold") &&
		sev.Threshold != nil && ele.Threshold != nil && *ele.Threshold >= *sev.Threshold {
		v.Add("rules.bp_elevated.threshold", "Set this below the very-high limit of "+fmtLimit(*sev.Threshold)+" mmHg.")
	}
	if sev != nil && ele != nil && !v.Has("rules.bp_severe.threshold2") && !v.Has("rules.bp_elevated.threshold2") &&
		sev.Threshold2 != nil && ele.Threshold2 != nil && *ele.Threshold2 >= *sev.Threshold2 {
		v.Add("rules.bp_elevated.threshold2", "Set this below the very-high limit of "+fmtLimit(*sev.Threshold2)+" mmHg.")
	}
	return v.Err()
}

func checkThreshold(v *journey.Validation, field string, t *float64, want bool, lo, hi float64, unit string) {
	switch {
	case !want && t != nil:
		v.Add(field, "This rule has no number to set.")
	case !want:
	case t == nil:
		v.Add(field, "Enter a number.")
	case math.IsNaN(*t) || *t < lo || *t > hi:
		v.Add(field, "Enter a number between "+fmtLimit(lo)+" and "+fmtLimit(hi)+" "+unit+".")
	}
}

// Merge returns a new rule set, version base.Version+1, in which each change
// replaces the kind, enabled flag and thresholds of base's rule with the
// same code; title, detail, source and unit stay as in base. It returns
// EINVALID when a change names a rule base lacks, names one rule twice, or
// leaves the set invalid (ValidateRuleSet). Note, CreatedBy and CreatedAt
// are left for the caller to set; base is not changed.
func Merge(base *journey.RuleSet, changes []journey.Rule) (*journey.RuleSet, error) {
	var v journey.Validation
	if base == nil {
		v.Add("rules", "No rules to change.")
		return nil, v.Err()
	}
	out := &journey.RuleSet{Version: base.Version + 1, Rules: make([]journey.Rule, len(base.Rules))}
	for i, ru := range base.Rules {
		out.Rules[i] = copyRule(ru)
	}
	changed := map[string]bool{}
	for _, c := range changes {
		f := "rules." + c.Code
		ru := out.Rule(c.Code)
		switch {
		case ru == nil:
			v.Add(f+".code", "There is no such screening rule.")
			continue
		case changed[c.Code]:
			v.Add(f+".code", "This rule is changed twice.")
			continue
		}
		changed[c.Code] = true
		ru.Kind, ru.Enabled = c.Kind, c.Enabled
		ru.Threshold, ru.Threshold2 = copyNum(c.Threshold), copyNum(c.Threshold2)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := ValidateRuleSet(out); err != nil {
		return nil, err
	}
	return out, nil
}

func copyNum(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return num(*p)
}

func copyRule(ru journey.Rule) journey.Rule {
	ru.Threshold, ru.Threshold2 = copyNum(ru.Threshold), copyNum(ru.Threshold2)
	return ru
}

// MinAge returns the youngest age the practice accepts: the threshold of
// the age_minimum rule when it is enabled (rounded up to whole years), else
// 18.
func MinAge(rs *journey.RuleSet) int {
	if rs == nil {
		return 18
	}
	ru := rs.Rule(CodeAgeMinimum)
	if ru == nil || !ru.Enabled || ru.Threshold == nil || math.IsNaN(*ru.Threshold) {
		return 18
	}
	return int(math.Ceil(*ru.Threshold))
}
