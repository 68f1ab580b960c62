package journey

import (
	"fmt"
	"time"
)

// Observations are checked twice: once for being possible at all (a
// value in its VitalRange, a time within the session and not in the
// future: EINVALID), then against the practice's thresholds
// (EvaluateObservation), which raise Flags. Before the dose the thresholds
// hold or ask for review; after it they escalate or flag.

// PhaseVisual is the monitor's visual check-in in a remote session: the
// therapist sees the client on video; vitals the client reads out may go
// with it.
const PhaseVisual = "visual"

// Flag codes.
const (
	FlagBPHold         = "bp-hold"
	FlagBPReview       = "bp-review"
	FlagHRLow          = "hr-low"
	FlagHRHigh         = "hr-high"
	FlagRRLow          = "rr-low"
	FlagRRHigh         = "rr-high"
	FlagSpO2Hold       = "spo2-hold"
	FlagSpO2Escalate   = "spo2-escalate"
	FlagSystolicRise   = "systolic-rise"
	FlagDiastolicRise  = "diastolic-rise"
	FlagCheckInMissed  = "check-in-missed"
	FlagCheckInOverdue = "check-in-overdue"
)

// IsPhase reports whether phase is one an observation may have.
func IsPhase(phase string) bool {
	switch phase {
	case PhasePreDose, PhasePeak, PhaseInterval, PhasePreDischarge, PhaseVisual:
		return true
	}
	return false
}

// vital returns the value of field in o.
func (o *Observation) vital(field string) *int {
	switch field {
	case "systolic":
		return o.Systolic
	case "diastolic":
		return o.Diastolic
	case "heart_rate":
		return o.HeartRate
	case "spo2":
		return o.SpO2
	case "resp_rate":
		return o.RespRate
	case "sedation":
		return o.Sedation
	case "dissociation":
		return o.Dissociation
	}
	return nil
}

// preDoseSet are the values a pre-dose set must have.
var preDoseSet = []string{"systolic", "diastolic", "heart_rate", "spo2", "resp_rate"}

// Validate returns EINVALID naming each wrong field of o for a session
// that began at began, seen at now, dosed at dosedAt (zero: not yet; a
// pre-dose reading comes before the dose, the others after it): phase,
// taken_at (not in the future, not before the session began), each value
// outside its VitalRange with the range in the message, and the values a
// pre-dose set needs.
func (o *Observation) Validate(now, began, dosedAt time.Time) error {
	var v Validation
	switch {
	case !IsPhase(o.Phase):
		v.Add("phase", "Choose pre-dose, peak, interval, pre-discharge or visual.")
	case o.Phase == PhasePreDose && !dosedAt.IsZero():
		v.Add("phase", "The dose has been given: choose peak, interval or pre-discharge.")
	case o.Phase != PhasePreDose && o.Phase != PhaseVisual && dosedAt.IsZero():
		v.Add("phase", "No dose has been given yet: readings now are pre-dose.")
	}
	switch {
	case o.TakenAt.IsZero():
		v.Add("taken_at", "Give the time the reading was taken.")
	case o.TakenAt.After(now):
		v.Add("taken_at", "The time is in the future: give the time the reading was taken.")
	case o.TakenAt.Before(began):
		v.Add("taken_at", fmt.Sprintf("The time is before the session began (%s UTC).", began.UTC().Format("15:04")))
	}
	for _, r := range VitalRanges {
		if p := o.vital(r.Field); p != nil {
			if msg := r.CheckRange(*p); msg != "" {
				v.Add(r.Field, msg)
			}
		}
	}
	if o.Phase == PhasePreDose {
		for _, f := range preDoseSet {
			if o.vital(f) == nil && !v.Has(f) {
				v.Add(f, "A pre-dose set needs blood pressure, heart rate, SpO2 and respiratory rate.")
			}
		}
	}
	if o.Systolic != nil && o.Diastolic != nil && *o.Diastolic >= *o.Systolic && !v.Has("systolic") && !v.Has("diastolic") {
		v.Add("diastolic", "The diastolic pressure is lower than the systolic: check the reading.")
	}
	if o.Phase != PhasePreDose && o.Phase != PhaseVisual && o.empty() && !v.Has("phase") {
		v.Add("systolic", "Enter at least one reading.")
	}
	if (o.Systolic == nil) != (o.Diastolic == nil) && !v.Has("systolic") && !v.Has("diastolic") {
		v.Add("diastolic", "Enter both numbers of the blood pressure.")
	}
	return v.Err()
}

func (o *Observation) empty() bool {
	for _, r := range VitalRanges {
		if o.vital(r.Field) != nil {
			return false
		}
	}
	return true
}

// EvaluateObservation returns the flags rules raise on o. Before the dose
// (a pre-dose reading): blood pressure at or above the hold level holds,
// above the review level asks for a re-measure and the prescriber's review;
// a heart rate, respiratory rate or SpO2 outside its range holds. After
// it: SpO2 below the escalation level escalates, and a rise over baseline
// (the last pre-dose reading; nil: none) of at least the rise levels is
// flagged.
func EvaluateObservation(r MonitoringRules, o *Observation, baseline *Observation) []Flag {
	flags := []Flag{}
	add := func(code, action, detail string, args ...any) {
		flags = append(flags, Flag{Code: code, Action: action, Detail: fmt.Sprintf(detail, args...)})
	}
	if o.Phase == PhasePreDose {
		s, d := deref(o.Systolic), deref(o.Diastolic)
		switch {
		case o.Systolic != nil && (s >= r.HoldSystolic || d >= r.HoldDiastolic):
			add(FlagBPHold, ActionHold, "Blood pressure %d/%d is at or above %d/%d: no dose; re-measure, and the prescriber reviews.", s, d, r.HoldSystolic, r.HoldDiastolic)
		case o.Systolic != nil && (s > r.ReviewSystolic || d > r.ReviewDiastolic):
			add(FlagBPReview, ActionReview, "Blood pressure %d/%d is above %d/%d: re-measure, and the prescriber reviews before the dose.", s, d, r.ReviewSystolic, r.ReviewDiastolic)
		}
		if hr := o.HeartRate; hr != nil && *hr < r.HoldHRLow {
			add(FlagHRLow, ActionHold, "Heart rate %d is below %d: no dose until resolved.", *hr, r.HoldHRLow)
		} else if hr != nil && *hr > r.HoldHRHigh {
			add(FlagHRHigh, ActionHold, "Heart rate %d is above %d: no dose until resolved.", *hr, r.HoldHRHigh)
		}
		if rr := o.RespRate; rr != nil && *rr < r.HoldRRLow {
			add(FlagRRLow, ActionHold, "Respiratory rate %d is below %d: no dose until resolved.", *rr, r.HoldRRLow)
		} else if rr != nil && *rr > r.HoldRRHigh {
			add(FlagRRHigh, ActionHold, "Respiratory rate %d is above %d: no dose until resolved.", *rr, r.HoldRRHigh)
		}
		if sp := o.SpO2; sp != nil && *sp < r.HoldSpO2 {
			add(FlagSpO2Hold, ActionHold, "SpO2 %d%% is below %d%%: no dose until resolved.", *sp, r.HoldSpO2)
		}
		return flags
	}
	if sp := o.SpO2; sp != nil && *sp < r.EscalateSpO2 {
		add(FlagSpO2Escalate, ActionEscalate, "SpO2 %d%% is below %d%%: tell the medical provider now.", *sp, r.EscalateSpO2)
	}
	if baseline != nil && baseline.Systolic != nil && o.Systolic != nil {
		if rise := *o.Systolic - *baseline.Systolic; rise >= r.RiseSystolic {
			add(FlagSystolicRise, ActionFlag, "Systolic %d is %d over the baseline %d (flag at %d).", *o.Systolic, rise, *baseline.Systolic, r.RiseSystolic)
		}
		if o.Diastolic == nil || baseline.Diastolic == nil {
			return flags
		}
		if rise := *o.Diastolic - *baseline.Diastolic; rise >= r.RiseDiastolic {
			add(FlagDiastolicRise, ActionFlag, "Diastolic %d is %d over the baseline %d (flag at %d).", *o.Diastolic, rise, *baseline.Diastolic, r.RiseDiastolic)
		}
	}
	return flags
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Validate returns EINVALID naming each rule outside what a practice may
// set: the field names are the JSON names of the admin's form.
func (r *MonitoringRules) Validate() error {
	var v Validation
	between := func(field string, n, lo, hi int, what string) {
		if n < lo || n > hi {
			v.Add(field, fmt.Sprintf("%s is between %d and %d.", what, lo, hi))
		}
	}
	between("review_systolic", r.ReviewSystolic, 100, 200, "The systolic review level")
	between("review_diastolic", r.ReviewDiastolic, 60, 130, "The diastolic review level")
	between("hold_systolic", r.HoldSystolic, r.ReviewSystolic+1, 250, "The systolic hold level")
	between("hold_diastolic", r.HoldDiastolic, r.ReviewDiastolic+1, 160, "The diastolic hold level")
	between("hold_hr_low", r.HoldHRLow, 30, 70, "The low heart rate hold")
	between("hold_hr_high", r.HoldHRHigh, 90, 180, "The high heart rate hold")
	between("hold_rr_low", r.HoldRRLow, 4, 14, "The low respiratory rate hold")
	between("hold_rr_high", r.HoldRRHigh, 20, 50, "The high respiratory rate hold")
	between("hold_spo2", r.HoldSpO2, 85, 98, "The SpO2 hold level")
	between("escalate_spo2", r.EscalateSpO2, 80, r.HoldSpO2, "The SpO2 escalation level")
	between("rise_systolic", r.RiseSystolic, 10, 80, "The systolic rise flagged")
	between("rise_diastolic", r.RiseDiastolic, 5, 60, "The diastolic rise flagged")
	between("peak_after_minutes", r.PeakAfterMinutes, 10, 120, "The peak check's minutes after the dose")
	between("observe_minutes", r.ObserveMinutes, 60, 480, "The least observation time in minutes")
	between("remote_check_minutes", r.RemoteCheckMinutes, 5, 60, "The minutes between a remote session's check-ins")
	if r.LozengeMinMg < 1 || r.LozengeMinMg > 400 {
		v.Add("lozenge_min_mg", "The lowest lozenge dose is between 1 and 400 mg.")
	}
	if r.LozengeMaxMg < r.LozengeMinMg || r.LozengeMaxMg > 1000 {
		v.Add("lozenge_max_mg", fmt.Sprintf("The highest lozenge total is between %s and 1000 mg.", Mg(r.LozengeMinMg)))
	}
	if r.IMWarnMgPerKg < 0.1 || r.IMWarnMgPerKg > 3 {
		v.Add("im_warn_mg_per_kg", "The IM warning is between 0.1 and 3 mg/kg.")
	}
	if r.IMCapMgPerKg < r.IMWarnMgPerKg || r.IMCapMgPerKg > 5 {
		v.Add("im_cap_mg_per_kg", fmt.Sprintf("The IM hard cap is between the warning (%s) and 5 mg/kg.", Mg(r.IMWarnMgPerKg)))
	}
	return v.Err()
}
