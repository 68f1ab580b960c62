package processing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// The gates before a medicine session: asked by staff (Gates), and by the
// booking and the start (BookingGates, StartGates) within their own
// audited action; overrides by a medical provider.

// GateQuery is a medicine session whose gates are asked: when, how, with
// whom. Ids left 0 are the care team's.
type GateQuery struct {
	Start             time.Time // zero: no time chosen yet
	Mode, Route       string
	TherapistID       int64
	MedicalProviderID int64
	ChaperoneID       int64
	SessionID         int64 // the session being started or moved; 0 for a new one
	AtStart           bool
}

// Gates returns the gates of a medicine session for client id, each met or
// not in words (policy.go: CanSeeGates; a client the actor may not see is
// "not found", one whose clinical record they may not read EFORBIDDEN),
// audited as read.
func (p *Processor) Gates(ctx context.Context, a *journey.Actor, id int64, q GateQuery, via string) ([]journey.Gate, error) {
	c, err := p.Client(ctx, a, id, "gates.read", (*journey.Actor).CanSeePlan)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeGates(c) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "The gates name clinical facts: only the client's clinicians see them.")
	}
	var v journey.Validation
	if q.Mode != journey.ModeInPerson && q.Mode != journey.ModeRemote {
		v.Add("mode", "Choose in_person or remote.")
	}
	if q.Route != "" && q.Route != journey.RouteLozenge && q.Route != journey.RouteIM {
		v.Add("route", "Choose lozenge or im.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	gates, err := p.MedicineGates(ctx, c, q)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "gates.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("medicine %s%s", q.Mode, via)})
	return gates, nil
}

// MedicineGates returns the gates of client c's medicine session q,
// unaudited: the booking and the start call it within their own audited
// action, and refuse with the unmet gates (journey.Error.Gates).
func (p *Processor) MedicineGates(ctx context.Context, c *journey.Client, q GateQuery) ([]journey.Gate, error) {
	f, err := p.gateFacts(ctx, c, q)
	if err != nil {
		return nil, err
	}
	return journey.EvaluateGates(*f), nil
}

// BookingGates returns the gates of booking r, a medicine session, for
// client c (sessionID the session moved, 0 for a new one): what the
// booking calls before it writes.
func (p *Processor) BookingGates(ctx context.Context, c *journey.Client, r *journey.SessionRequest, sessionID int64) ([]journey.Gate, error) {
	return p.MedicineGates(ctx, c, GateQuery{Start: r.Start, Mode: r.Mode, Route: r.Route, TherapistID: r.TherapistID,
		MedicalProviderID: r.MedicalProviderID, ChaperoneID: r.ChaperoneID, SessionID: sessionID})
}

// StartGates returns the gates of medicine session s as it starts.
func (p *Processor) StartGates(ctx context.Context, c *journey.Client, s *journey.CareSession) ([]journey.Gate, error) {
	return p.MedicineGates(ctx, c, GateQuery{Start: s.Start, Mode: s.Mode, Route: s.Route, TherapistID: s.TherapistID,
		MedicalProviderID: s.MedicalProviderID, ChaperoneID: s.ChaperoneID, SessionID: s.ID, AtStart: true})
}

// GatesRefusal returns the ECONFLICT a booking or start answers when a gate
// is unmet, naming each; nil when every gate holds.
func GatesRefusal(gates []journey.Gate) error {
	unmet := journey.Unmet(gates)
	if len(unmet) == 0 {
		return nil
	}
	return &journey.Error{Code: journey.ECONFLICT, Message: "The medicine session cannot go ahead until every gate holds.", Gates: unmet}
}

// gateFacts gathers what client c's gates depend on.
func (p *Processor) gateFacts(ctx context.Context, c *journey.Client, q GateQuery) (*journey.GateFacts, error) {
	now := p.store.Time()
	f := &journey.GateFacts{Now: now, Start: q.Start, Mode: q.Mode, Route: q.Route, AtStart: q.AtStart,
		Screening: c.Screening, ClearedUntil: c.ClearedTill}
	cs, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	f.Rules, f.Monitoring = cs.Rules, cs.Monitoring
	if f.Plan = cs.DefaultPlan; c.Screening == journey.ScreeningCleared {
		stored, err := optional(p.store.FindPlan(ctx, c.ID))
		if err != nil {
			return nil, err
		}
		if stored != nil {
			f.Plan = stored.Settings
		}
	}
	if f.UnsignedConsents, err = p.unsignedConsents(ctx, c.ID); err != nil {
		return nil, err
	}
	sessions, err := p.store.FindPlanSessions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	f.Sessions = slices.DeleteFunc(sessions, func(s *journey.CareSession) bool { return s.ID == q.SessionID })
	phq, err := p.store.FindResponses(ctx, c.ID, journey.QuestionnairePHQ9, 1)
	if err != nil {
		return nil, err
	}
	if len(phq) > 0 {
		f.LastPHQ9 = phq[0].CreatedAt
	}
	alerts, err := p.store.FindAlerts(ctx, 0, c.ID, true, 1)
	if err != nil {
		return nil, err
	}
	f.OpenAlert = len(alerts) > 0
	if err := p.teamFacts(ctx, c, q, f); err != nil {
		return nil, err
	}
	if q.Mode == journey.ModeRemote {
		m, err := optional(p.store.FindMonitor(ctx, c.ID))
		if err != nil {
			return nil, err
		}
		f.MonitorNamed = m != nil && m.Adult && m.Phone != ""
		if q.SessionID != 0 {
			if f.CheckIn, err = optional(p.store.FindCheckIn(ctx, q.SessionID)); err != nil {
				return nil, err
			}
			if f.CheckIn != nil && f.CheckIn.Result == journey.CheckInReview {
				rs, err := p.store.FindRunSheet(ctx, q.SessionID)
				if err != nil {
					return nil, err
				}
				f.CheckInReviewed = !journey.CheckInAwaitsReview(f.CheckIn, rs.Reviews)
			}
		}
	}
	overrides, err := p.store.FindGateOverrides(ctx, c.ID, q.SessionID, now)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		f.Overridden = append(f.Overridden, o.Code)
	}
	return f, nil
}

// gateConsents are the documents the consent gate asks for.
var gateConsents = []string{journey.ConsentKAP, journey.ConsentFinancial}

// unsignedConsents returns the titles (with their versions) of the current
// KAP informed consent and financial policy the client has not signed. A
// practice that has published neither has nothing to sign: the gate names
// the missing document so it is published first.
func (p *Processor) unsignedConsents(ctx context.Context, clientID int64) ([]string, error) {
	docs, err := p.store.FindConsentDocuments(ctx)
	if err != nil {
		return nil, err
	}
	sigs, err := p.store.FindConsentSignatures(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, code := range gateConsents {
		i := slices.IndexFunc(docs, func(d *journey.ConsentDocument) bool { return d.Code == code })
		if i < 0 {
			out = append(out, map[string]string{journey.ConsentKAP: "KAP informed consent (the practice has not published it)",
				journey.ConsentFinancial: "financial policy (the practice has not published it)"}[code])
			continue
		}
		d := docs[i]
		if !slices.ContainsFunc(sigs, func(s *journey.ConsentSignature) bool { return s.DocumentID == d.ID }) {
			out = append(out, fmt.Sprintf("%s (version %d)", d.Title, d.Version))
		}
	}
	return out, nil
}

// teamFacts fills who the session needs, who is chosen (the care team's
// where q leaves it open) and who is already booked at that time.
func (p *Processor) teamFacts(ctx context.Context, c *journey.Client, q GateQuery, f *journey.GateFacts) error {
	types, err := p.store.FindSessionTypes(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(types, func(t *journey.SessionType) bool { return t.Code == journey.TypeMedicine })
	if i < 0 {
		return journey.Errorf(journey.EINTERNAL, "No medicine session type.")
	}
	t := types[i]
	f.Team = map[string]int64{}
	chosen := map[string]int64{journey.NeedTherapist: q.TherapistID, journey.NeedMedicalProvider: q.MedicalProviderID, journey.NeedChaperone: q.ChaperoneID}
	team := map[string]string{journey.NeedTherapist: journey.RoleTherapist, journey.NeedMedicalProvider: journey.RoleMedicalProvider, journey.NeedChaperone: journey.RoleChaperone}
	for _, need := range t.Needs {
		if need == journey.NeedRoom || !t.NeedsIn(need, q.Mode) {
			continue
		}
		f.Needs = append(f.Needs, need)
		id := chosen[need]
		for _, m := range c.CareTeam {
			if id == 0 && m.Role == team[need] {
				id = m.UserID
			}
		}
		f.Team[need] = id
	}
	if q.Start.IsZero() {
		return nil
	}
	end := q.Start.Add(time.Duration(t.Minutes+t.BufferMinutes) * time.Minute)
	holds, err := p.store.FindResourceHolds(ctx, q.Start, end)
	if err != nil {
		return err
	}
	for _, h := range holds {
		if h.Kind != journey.KindStaff || h.SessionID == q.SessionID || !h.Start.Before(end) || !h.End.After(q.Start) {
			continue
		}
		for need, id := range f.Team {
			if id != 0 && id == h.ID {
				f.Busy = append(f.Busy, journey.Conflict{Resource: need, ID: id, Detail: "booked in another session then"})
			}
		}
	}
	return nil
}

// OverrideGate records a medical provider's override of gate code for
// client id (sessionID 0: their medicine sessions for the next
// GateOverrideDays) with a reason (policy.go: CanOverrideGate; others
// EFORBIDDEN, audited), audited with the reason; EINVALID for a gate no one
// may override or a missing reason.
func (p *Processor) OverrideGate(ctx context.Context, a *journey.Actor, id, sessionID int64, code, reason string) (*journey.GateOverride, error) {
	c, err := p.Client(ctx, a, id, "gate.override", (*journey.Actor).CanSeePlan)
	if err != nil {
		return nil, err
	}
	if !a.CanOverrideGate(c) {
		p.Audit(ctx, a, Entry{Action: "gate.override", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: code})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only a medical provider may override a gate.")
	}
	if sessionID != 0 {
		s, err := p.store.FindCareSession(ctx, sessionID)
		if err != nil || s.ClientID != c.ID || s.Type != journey.TypeMedicine {
			return nil, journey.Errorf(journey.ENOTFOUND, "Session not found.")
		}
	}
	o := &journey.GateOverride{ClientID: c.ID, SessionID: sessionID, Code: code, By: a.ID(), Reason: reason}
	err = p.store.CreateGateOverride(ctx, o)
	p.Audit(ctx, a, Entry{Action: "gate.override", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Reason: journey.Paragraphs(reason),
		Detail: fmt.Sprintf("%s session %d", code, sessionID)})
	if err != nil {
		return nil, err
	}
	return o, nil
}
