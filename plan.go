package journey

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A client's plan is worked out, never stored step by step: the care team
// stores the settings (how many preparations, doses, the integration
// window), and the steps follow from the sessions the client has had and
// has booked. So a session booked, held, missed or cancelled anywhere in
// Journey moves the plan with no second record to keep in step.

// CareRules are the practice's rules for the path after clearance: when an
// integration is overdue and what the gates before a medicine session ask.
type CareRules struct {
	IntegrationOverdueDays int  // an integration not booked this many days after a dose is overdue
	RecheckAfterDays       int  // a gap longer than this since the last dose needs a prescriber follow-up first
	MeasuresWithinDays     int  // a PHQ-9 within this many days before a medicine session
	IntegrationBookedOK    bool // the previous dose's integration may be booked rather than held
}

// DefaultCareRules returns Journey's defaults.
func DefaultCareRules() CareRules {
	return CareRules{IntegrationOverdueDays: 3, RecheckAfterDays: 90, MeasuresWithinDays: 7}
}

// stepStatus returns the plan step status of a session's status.
func stepStatus(status string) string {
	switch status {
	case SessionCompleted:
		return StepHeld
	case SessionNoShow:
		return StepMissed
	case SessionCancelled:
		return StepCancelled
	default:
		return StepBooked
	}
}

// countsForPlan reports whether a session fills a step: held or still to come.
func countsForPlan(s *CareSession) bool { return s.Active() }

// isIntegration reports whether a session type integrates a dose: one to one
// or in a group.
func isIntegration(typ string) bool { return typ == TypeIntegration || typ == TypeIntegrationGroup }

// sortedSessions returns the client's sessions in time order.
func sortedSessions(sessions []*CareSession) []*CareSession {
	out := slices.Clone(sessions)
	slices.SortStableFunc(out, func(a, b *CareSession) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out
}

// planWindow is a time range [from, to) of sessions; a zero to is open.
func inWindow(s *CareSession, from, to time.Time) bool {
	return !s.Start.Before(from) && (to.IsZero() || s.Start.Before(to))
}

// fill returns the step for the n-th (0-based) session of a kind among
// sessions: the n-th that counts, or, for the first step left unfilled,
// the latest that was missed or cancelled when it came after every one that
// counts (the most recent attempt failed, so the plan says so).
func fill(step PlanStep, active []*CareSession, failed *CareSession, n int) PlanStep {
	switch {
	case n < len(active):
		step.SessionID, step.RoomKey, step.Start, step.Mode, step.Status = active[n].ID, active[n].RoomKey, active[n].Start, active[n].Mode, stepStatus(active[n].Status)
	case n == len(active) && failed != nil:
		step.SessionID, step.RoomKey, step.Start, step.Mode, step.Status = failed.ID, failed.RoomKey, failed.Start, failed.Mode, stepStatus(failed.Status)
	default:
		step.Status = StepPlanned
	}
	return step
}

// split returns the sessions of the kinds match picks between from and to,
// those that count and the last failed one after them (nil if none).
func split(sessions []*CareSession, match func(string) bool, from, to time.Time) (active []*CareSession, failed *CareSession) {
	for _, s := range sessions {
		if !match(s.Type) || !inWindow(s, from, to) {
			continue
		}
		if countsForPlan(s) {
			active, failed = append(active, s), nil
		} else {
			failed = s
		}
	}
	return active, failed
}

func is(typ string) func(string) bool { return func(t string) bool { return t == typ } }

// WorkOutPlan returns the client's plan: the steps the settings expect,
// each filled from the client's sessions, the phase (that of the first step
// not yet held), what comes next and what is overdue at now. Dates in the
// next step's detail are written in loc (UTC when nil).
func WorkOutPlan(clientID int64, s PlanSettings, sessions []*CareSession, rules CareRules, now time.Time, loc *time.Location) *Plan {
	if loc == nil {
		loc = time.UTC
	}
	sessions = sortedSessions(sessions)
	p := &Plan{ClientID: clientID, Settings: s}

	preps, failedPrep := split(sessions, is(TypePreparation), time.Time{}, time.Time{})
	for i := 0; i < max(s.Preparations, len(preps)); i++ {
		p.Steps = append(p.Steps, fill(PlanStep{Type: TypePreparation, Phase: PhasePreparation, Number: i + 1}, preps, failedPrep, i))
	}

	doses, failedDose := split(sessions, is(TypeMedicine), time.Time{}, time.Time{})
	planned := s.InitialDoses + s.Continuation
	for i := 0; i < max(planned, len(doses)); i++ {
		if i == s.InitialDoses {
			p.Steps = append(p.Steps, followUpStep(sessions, doses, s.InitialDoses))
		}
		phase := PhaseInitial
		switch {
		case i >= planned:
			phase = PhaseMaintenance
		case i >= s.InitialDoses:
			phase = PhaseContinuation
		}
		dose := fill(PlanStep{Type: TypeMedicine, Phase: phase, Number: i + 1}, doses, failedDose, i)
		p.Steps = append(p.Steps, dose)
		if i < len(doses) {
			var next time.Time
			if i+1 < len(doses) {
				next = doses[i+1].Start
			}
			p.Steps = append(p.Steps, integrationStep(sessions, doses[i], next, phase, i+1, s, rules, now))
		} else {
			p.Steps = append(p.Steps, PlanStep{Type: TypeIntegration, Phase: phase, Number: i + 1, Status: StepPlanned})
		}
	}
	if s.InitialDoses >= max(planned, len(doses)) {
		p.Steps = append(p.Steps, followUpStep(sessions, doses, s.InitialDoses))
	}

	p.Phase = PhaseComplete
	if s.Maintenance {
		p.Phase = PhaseMaintenance
	}
	for _, st := range p.Steps {
		if st.Status != StepHeld {
			p.Phase = st.Phase
			p.Next = nextStep(st, loc)
			break
		}
	}
	if p.Next == nil {
		p.Next = &PlanNext{Type: "", Detail: "Every session of the plan has been held."}
		if s.Maintenance {
			p.Next.Detail = "Every session of the plan has been held: maintenance sessions follow as the care team agrees."
		}
	}
	return p
}

// followUpStep is the prescriber follow-up after the initial doses: the
// first follow-up since the last of them, planned until that dose is on
// the calendar.
func followUpStep(sessions, doses []*CareSession, initial int) PlanStep {
	st := PlanStep{Type: TypePrescriberFollow, Phase: PhaseFollowUp, Number: 1, Status: StepPlanned}
	if initial < 1 || len(doses) < initial {
		return st
	}
	from := doses[initial-1].Start
	active, failed := split(sessions, is(TypePrescriberFollow), from, time.Time{})
	st = fill(st, active, failed, 0)
	st.DueFrom = from
	return st
}

// integrationStep is the integration after a dose: the first between the
// dose and the next one, due from IntegrationMinDays to IntegrationMaxDays
// after it, and overdue when none is booked IntegrationOverdueDays after a
// dose that was held.
func integrationStep(sessions []*CareSession, dose *CareSession, next time.Time, phase string, n int, s PlanSettings, rules CareRules, now time.Time) PlanStep {
	active, failed := split(sessions, isIntegration, dose.Start, next)
	st := fill(PlanStep{Type: TypeIntegration, Phase: phase, Number: n}, active, failed, 0)
	st.DueFrom = dose.Start.AddDate(0, 0, s.IntegrationMinDays)
	st.DueBy = dose.Start.AddDate(0, 0, s.IntegrationMaxDays)
	st.Overdue = dose.Status == SessionCompleted && (st.Status == StepPlanned || st.Status == StepMissed || st.Status == StepCancelled) &&
		!now.Before(dose.Start.AddDate(0, 0, rules.IntegrationOverdueDays))
	return st
}

// stepNames name the steps in the next step's detail.
var stepNames = map[string]string{
	TypePreparation:      "preparation session",
	TypeMedicine:         "medicine session",
	TypeIntegration:      "integration session",
	TypePrescriberFollow: "follow-up with the medical provider",
}

// nextStep says in a line what the step asks for now.
func nextStep(st PlanStep, loc *time.Location) *PlanNext {
	name := stepNames[st.Type]
	if st.Type != TypePrescriberFollow {
		name = fmt.Sprintf("%s %d", name, st.Number)
	}
	day := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan") }
	var d string
	switch {
	case st.Status == StepBooked:
		d = fmt.Sprintf("The %s is booked for %s.", name, st.Start.In(loc).Format("Mon 2 Jan 2006, 15:04"))
	case st.Overdue:
		d = fmt.Sprintf("The %s is overdue: it was due by %s. Book it now.", name, day(st.DueBy))
	case st.Status == StepMissed:
		d = fmt.Sprintf("The %s was missed: book another.", name)
	case st.Status == StepCancelled:
		d = fmt.Sprintf("The %s was cancelled: book another.", name)
	case st.Type == TypeIntegration && !st.DueFrom.IsZero():
		d = fmt.Sprintf("Book the %s, due between %s and %s.", name, day(st.DueFrom), day(st.DueBy))
	case st.Type == TypePrescriberFollow:
		d = "Book the follow-up with the medical provider about further doses."
	default:
		d = fmt.Sprintf("Book the %s.", name)
	}
	return &PlanNext{Type: st.Type, Detail: d}
}

// Overdue returns the steps of the plan that are overdue.
func (p *Plan) Overdue() []PlanStep {
	var out []PlanStep
	for _, st := range p.Steps {
		if st.Overdue {
			out = append(out, st)
		}
	}
	return out
}

// Held counts the steps of type typ that were held.
func (p *Plan) Held(typ string) int {
	n := 0
	for _, st := range p.Steps {
		if st.Type == typ && st.Status == StepHeld {
			n++
		}
	}
	return n
}

// CareSettings are the practice's settings for the path after clearance:
// the plan a cleared client starts from, the rules the plan and the gates
// follow, and the template of each remote session's video link.
type CareSettings struct {
	DefaultPlan        PlanSettings
	Rules              CareRules
	Monitoring         MonitoringRules // the medicine session's thresholds and bounds
	TelehealthTemplate string          // https URL with {room} (or {session_id}); "" when links are sent by other means
	UpdatedBy          int64
	UpdatedAt          time.Time
}

// DefaultCareSettings returns Journey's defaults.
func DefaultCareSettings() *CareSettings {
	return &CareSettings{DefaultPlan: DefaultPlan(), Rules: DefaultCareRules(), Monitoring: DefaultMonitoringRules()}
}

// Validate returns EINVALID naming every field that is wrong: the default
// plan's fields as PlanSettings.Validate names them, and the rules'.
func (s *CareSettings) Validate() error {
	s.TelehealthTemplate = strings.TrimSpace(s.TelehealthTemplate)
	var v Validation
	v.AddErr(s.DefaultPlan.Validate())
	v.AddErr(s.Monitoring.Validate())
	r := s.Rules
	if r.IntegrationOverdueDays < 1 || r.IntegrationOverdueDays > 30 {
		v.Add("integration_overdue_days", "An integration is overdue after 1 to 30 days.")
	}
	if r.RecheckAfterDays < 30 || r.RecheckAfterDays > 365 {
		v.Add("recheck_after_days", "The re-check follows a gap of 30 to 365 days.")
	}
	if r.MeasuresWithinDays < 1 || r.MeasuresWithinDays > 30 {
		v.Add("measures_within_days", "The PHQ-9 is due within 1 to 30 days before a dose.")
	}
	if s.TelehealthTemplate != "" && !ValidTelehealthTemplate(s.TelehealthTemplate) {
		v.Add("telehealth_template", "Enter an https address with {room} where the session's own room key goes, like https://video.example/room/{room}.")
	}
	return v.Err()
}

// GateOverrideDays is how long an override given for a client (not for one
// session) holds: the medicine sessions booked or started within it.
const GateOverrideDays = 30
