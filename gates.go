package journey

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The gates before a medicine session are worked out here from plain
// facts the store gathers (GateFacts), so every path that books or starts
// one (a page, the API, the calendar) asks the same question and gets the
// same answer, each unmet gate in words a therapist can act on.

// GateFacts are what the gates of one proposed medicine session depend on.
type GateFacts struct {
	Now     time.Time
	Start   time.Time // the session's start; zero: asked with no time yet (the gates list)
	Mode    string    // ModeInPerson or ModeRemote
	Route   string    // RouteLozenge or RouteIM; "" when not chosen yet
	AtStart bool      // asked as the session starts: the remote check-in counts

	Screening    string    // the client's screening status
	ClearedUntil time.Time // zero unless cleared

	// UnsignedConsents are the titles of the current versions of the KAP
	// informed consent and the financial policy the client has not signed.
	UnsignedConsents []string

	Plan      PlanSettings
	Sessions  []*CareSession // the client's sessions, any order; the proposed one left out
	LastPHQ9  time.Time      // zero if none
	OpenAlert bool           // an unacknowledged safety alert

	// Needs are the roles the session needs besides a room; Team the ids
	// chosen for them (0: none) and Busy the people already booked then.
	Needs []string
	Team  map[string]int64
	Busy  []Conflict

	MonitorNamed bool     // a confirmed adult monitor with a phone (remote)
	CheckIn      *CheckIn // the client's check-in for this session, nil if none
	// CheckInReviewed: a medical provider reviewed the session's readings
	// (a HoldReview) since the check-in, which a reading above the review
	// level waits for (CheckInAwaitsReview).
	CheckInReviewed bool
	Overridden      []string        // gate codes a medical provider overrode for this client or session
	Rules           CareRules       // the practice's rules
	Monitoring      MonitoringRules // the practice's blood-pressure limits, for the check-in's words; zero: Journey's defaults
}

// EvaluateGates returns every gate of a medicine session with whether it
// holds and why, in the order staff work through them. A gate a medical
// provider overrode (GateOverridable) holds, marked Overridden.
func EvaluateGates(f GateFacts) []Gate {
	when := f.Start
	if when.IsZero() {
		when = f.Now
	}
	gates := []Gate{
		clearanceGate(f, when),
		consentGate(f),
		preparationGate(f),
		integrationGate(f, when),
		measuresGate(f),
		safetyGate(f),
		recheckGate(f, when),
		teamGate(f),
	}
	if f.Mode == ModeRemote {
		gates = append(gates, remoteRouteGate(f), monitorGate(f))
		if f.AtStart {
			gates = append(gates, checkInGate(f))
		}
	}
	for i, g := range gates {
		if !g.Met && GateOverridable(g.Code) && overridable(g) && slices.Contains(f.Overridden, g.Code) {
			gates[i].Met, gates[i].Overridden = true, true
			gates[i].Detail = g.Detail + " A medical provider overrode this gate."
		}
	}
	return gates
}

// overridable tells the overridable reasons from the others: a clearance
// may be overridden for its age, never for a hard stop or no clearance.
func overridable(g Gate) bool {
	return g.Code != GateClearance || strings.HasPrefix(g.Detail, clearanceExpired)
}

// GatesReady reports whether every gate holds.
func GatesReady(gates []Gate) bool {
	for _, g := range gates {
		if !g.Met {
			return false
		}
	}
	return true
}

// Unmet returns the gates that do not hold.
func Unmet(gates []Gate) []Gate {
	var out []Gate
	for _, g := range gates {
		if !g.Met {
			out = append(out, g)
		}
	}
	return out
}

func met(code, detail string) Gate   { return Gate{Code: code, Met: true, Detail: detail} }
func unmet(code, detail string) Gate { return Gate{Code: code, Detail: detail} }

const clearanceExpired = "The medical clearance ran out"

func date(t time.Time) string { return t.Format("2 Jan 2006") }

func clearanceGate(f GateFacts, when time.Time) Gate {
	switch f.Screening {
	case ScreeningCleared:
	case ScreeningDeclined:
		return unmet(GateClearance, "The medical provider declined this client: no medicine session.")
	case ScreeningAwaitingReview, ScreeningNeedsInfo:
		return unmet(GateClearance, "The client is not medically cleared: the medical provider's review is open (a new finding or question waits).")
	default:
		return unmet(GateClearance, "The client is not medically cleared yet: intake and screening come first.")
	}
	if !f.ClearedUntil.After(when) {
		return unmet(GateClearance, fmt.Sprintf("%s on %s, before this session: the medical provider renews it.", clearanceExpired, date(f.ClearedUntil)))
	}
	return met(GateClearance, fmt.Sprintf("Medically cleared until %s.", date(f.ClearedUntil)))
}

func consentGate(f GateFacts) Gate {
	if len(f.UnsignedConsents) > 0 {
		return unmet(GateConsent, fmt.Sprintf("The client has not signed the current %s.", strings.Join(f.UnsignedConsents, " and the ")))
	}
	return met(GateConsent, "The current informed consent and financial policy are signed.")
}

func held(sessions []*CareSession, typ string, before time.Time) int {
	n := 0
	for _, s := range sessions {
		if s.Type == typ && s.Status == SessionCompleted && s.Start.Before(before) {
			n++
		}
	}
	return n
}

func preparationGate(f GateFacts) Gate {
	n := held(f.Sessions, TypePreparation, f.Now)
	if n < f.Plan.Preparations {
		return unmet(GatePreparation, fmt.Sprintf("%d of the plan's %d preparation sessions held: hold %d more first.", n, f.Plan.Preparations, f.Plan.Preparations-n))
	}
	return met(GatePreparation, fmt.Sprintf("%d preparation sessions held (the plan asks for %d).", n, f.Plan.Preparations))
}

// lastDose returns the latest medicine session held before t, nil if none.
func lastDose(sessions []*CareSession, t time.Time) *CareSession {
	var last *CareSession
	for _, s := range sessions {
		if s.Type == TypeMedicine && s.Status == SessionCompleted && s.Start.Before(t) && (last == nil || s.Start.After(last.Start)) {
			last = s
		}
	}
	return last
}

func integrationGate(f GateFacts, when time.Time) Gate {
	dose := lastDose(f.Sessions, when)
	if dose == nil {
		return met(GateIntegration, "No earlier medicine session to integrate.")
	}
	booked := false
	for _, s := range f.Sessions {
		if !isIntegration(s.Type) || s.Start.Before(dose.Start) || !s.Start.Before(when) {
			continue
		}
		switch {
		case s.Status == SessionCompleted:
			return met(GateIntegration, fmt.Sprintf("The integration after the medicine session of %s was held.", date(dose.Start)))
		case s.Active():
			booked = true
		}
	}
	switch {
	case booked && f.Rules.IntegrationBookedOK:
		return met(GateIntegration, fmt.Sprintf("The integration after the medicine session of %s is booked.", date(dose.Start)))
	case booked:
		return unmet(GateIntegration, fmt.Sprintf("The integration after the medicine session of %s is booked but not yet held: it comes first.", date(dose.Start)))
	}
	return unmet(GateIntegration, fmt.Sprintf("No integration session after the medicine session of %s: hold one first.", date(dose.Start)))
}

func measuresGate(f GateFacts) Gate {
	days := f.Rules.MeasuresWithinDays
	if f.LastPHQ9.IsZero() || f.Now.Sub(f.LastPHQ9) > time.Duration(days)*24*time.Hour {
		return unmet(GateMeasures, fmt.Sprintf("No PHQ-9 in the last %d days: ask the client to complete one.", days))
	}
	return met(GateMeasures, fmt.Sprintf("PHQ-9 completed on %s.", date(f.LastPHQ9)))
}

func safetyGate(f GateFacts) Gate {
	if f.OpenAlert {
		return unmet(GateSafetyAlert, "A safety alert is open: a clinician follows it up and closes it first.")
	}
	return met(GateSafetyAlert, "No open safety alert.")
}

func recheckGate(f GateFacts, when time.Time) Gate {
	dose := lastDose(f.Sessions, when)
	limit := f.Rules.RecheckAfterDays
	if dose == nil || when.Sub(dose.Start) <= time.Duration(limit)*24*time.Hour {
		return met(GateRecheck, fmt.Sprintf("No gap of more than %d days since the last dose.", limit))
	}
	for _, s := range f.Sessions {
		if s.Type == TypePrescriberFollow && s.Status == SessionCompleted && s.Start.After(dose.Start) && s.Start.Before(when) {
			return met(GateRecheck, fmt.Sprintf("The medical provider saw the client on %s after a gap of more than %d days.", date(s.Start), limit))
		}
	}
	return unmet(GateRecheck, fmt.Sprintf("More than %d days since the last dose (%s): a follow-up with the medical provider comes first.", limit, date(dose.Start)))
}

// roleNames name the roles in the team gate.
var roleNames = map[string]string{NeedTherapist: "therapist", NeedMedicalProvider: "medical provider", NeedChaperone: "chaperone"}

func teamGate(f GateFacts) Gate {
	var missing, busy []string
	for _, need := range f.Needs {
		name, ok := roleNames[need]
		if !ok {
			continue
		}
		id := f.Team[need]
		if id == 0 {
			missing = append(missing, name)
			continue
		}
		for _, c := range f.Busy {
			if c.Resource == need && c.ID == id {
				busy = append(busy, name)
				break
			}
		}
	}
	switch {
	case len(missing) > 0:
		return unmet(GateTeam, fmt.Sprintf("No %s assigned.", strings.Join(missing, ", no ")))
	case len(busy) == 1:
		return unmet(GateTeam, fmt.Sprintf("The %s is booked elsewhere at that time.", busy[0]))
	case len(busy) > 1:
		// "The therapist, the medical provider and the chaperone are …":
		// staff read this on the booking screen, so it reads as a sentence.
		last := len(busy) - 1
		return unmet(GateTeam, fmt.Sprintf("The %s and the %s are booked elsewhere at that time.", strings.Join(busy[:last], ", the "), busy[last]))
	}
	return met(GateTeam, "Therapist, medical provider and chaperone assigned and free.")
}

func remoteRouteGate(f GateFacts) Gate {
	if f.Route != RouteLozenge {
		return unmet(GateRemoteRoute, "A remote medicine session is by lozenge only.")
	}
	return met(GateRemoteRoute, "By lozenge, as a remote session must be.")
}

func monitorGate(f GateFacts) Gate {
	if !f.MonitorNamed {
		return unmet(GateMonitor, "The client has not named an adult monitor with a phone number in the portal: no monitor, no remote session.")
	}
	return met(GateMonitor, "An adult monitor is named with a phone number.")
}

func checkInGate(f GateFacts) Gate {
	c, r := f.CheckIn, f.Monitoring
	if r.HoldSystolic == 0 {
		r = DefaultMonitoringRules()
	}
	switch {
	case c == nil:
		return unmet(GateCheckIn, "The client has not checked in from the portal yet (address, callback number, emergency contact, home blood pressure).")
	case c.Result == CheckInNoDose:
		return unmet(GateCheckIn, fmt.Sprintf("Home blood pressure %d/%d is at or above %d/%d: no dose today.", c.Systolic, c.Diastolic, r.HoldSystolic, r.HoldDiastolic))
	case c.Result == CheckInReview && !f.CheckInReviewed:
		return unmet(GateCheckIn, fmt.Sprintf("Home blood pressure %d/%d is above %d/%d: it waits for the medical provider's review (on the run sheet) before the session starts.", c.Systolic, c.Diastolic, r.ReviewSystolic, r.ReviewDiastolic))
	case c.Result == CheckInReview:
		return met(GateCheckIn, fmt.Sprintf("Checked in; home blood pressure %d/%d, above %d/%d, was reviewed by the medical provider.", c.Systolic, c.Diastolic, r.ReviewSystolic, r.ReviewDiastolic))
	}
	return met(GateCheckIn, fmt.Sprintf("Checked in; home blood pressure %d/%d.", c.Systolic, c.Diastolic))
}
