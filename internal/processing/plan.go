package processing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// PlanStore is what the plan, the gates and remote sessions read and
// change (sqldb's plan.go and the sessions' store).
type PlanStore interface {
	Time() time.Time
	FindPlan(ctx context.Context, clientID int64) (*journey.Plan, error)
	UpdatePlan(ctx context.Context, clientID int64, s journey.PlanSettings, by int64, reason string) error
	FindPlanSessions(ctx context.Context, clientID int64) ([]*journey.CareSession, error)
	FindCareSettings(ctx context.Context) (*journey.CareSettings, error)
	UpdateCareSettings(ctx context.Context, s *journey.CareSettings) error
	CreateGateOverride(ctx context.Context, o *journey.GateOverride) error
	FindGateOverrides(ctx context.Context, clientID, sessionID int64, now time.Time) ([]*journey.GateOverride, error)
	SetMonitor(ctx context.Context, m *journey.Monitor) error
	FindMonitor(ctx context.Context, clientID int64) (*journey.Monitor, error)
	CreateCheckIn(ctx context.Context, c *journey.CheckIn) error
	FindCheckIn(ctx context.Context, sessionID int64) (*journey.CheckIn, error)
	FindCareSession(ctx context.Context, id int64) (*journey.CareSession, error)
	FindSessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	FindResourceHolds(ctx context.Context, from, to time.Time) ([]journey.ResourceHold, error)
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
}

// Plan returns client id's plan with its steps worked out now, the dates
// of its next step written in loc; "not found" (audited) for a client the
// actor may not see (policy.go: CanSeePlan), ENOTFOUND "Plan not found."
// for a client not cleared yet. The read is audited with via.
func (p *Processor) Plan(ctx context.Context, a *journey.Actor, id int64, loc *time.Location, via string) (*journey.Plan, error) {
	c, err := p.Client(ctx, a, id, "plan.read", (*journey.Actor).CanSeePlan)
	if err != nil {
		return nil, err
	}
	plan, err := p.plan(ctx, c, loc)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "plan.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: "plan" + via})
	return plan, nil
}

// optional returns what a lookup found, or nil with no error when it found
// nothing (ENOTFOUND): a monitor not named yet, a check-in not made.
func optional[T any](v *T, err error) (*T, error) {
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// plan works out client c's plan now, unaudited.
func (p *Processor) plan(ctx context.Context, c *journey.Client, loc *time.Location) (*journey.Plan, error) {
	stored, err := p.store.FindPlan(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sessions, err := p.store.FindPlanSessions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	cs, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	plan := journey.WorkOutPlan(c.ID, stored.Settings, sessions, cs.Rules, p.store.Time(), loc)
	plan.Changes = stored.Changes
	return plan, nil
}

// UpdatePlan tailors client id's plan to s with the reason the actor gives
// (policy.go: CanChangePlan: a therapist on the care team or a medical
// provider; others EFORBIDDEN, a client they may not see "not found"),
// audited with the reason either way; EINVALID naming the wrong fields.
func (p *Processor) UpdatePlan(ctx context.Context, a *journey.Actor, id int64, s journey.PlanSettings, reason string, loc *time.Location) (*journey.Plan, error) {
	c, err := p.Client(ctx, a, id, "plan.change", (*journey.Actor).CanSeePlan)
	if err != nil {
		return nil, err
	}
	if !a.CanChangePlan(c) {
		p.Audit(ctx, a, Entry{Action: "plan.change", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "not on the care team"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the client's therapist or a medical provider changes the plan.")
	}
	err = p.store.UpdatePlan(ctx, c.ID, s, a.ID(), reason)
	p.Audit(ctx, a, Entry{Action: "plan.change", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Reason: journey.Paragraphs(reason),
		Detail: journey.ErrorCode(err)})
	if err != nil {
		return nil, err
	}
	return p.plan(ctx, c, loc)
}

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
	f.Rules = cs.Rules
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

// Monitor returns client id's monitor for remote sessions: for the client
// themselves and their clinicians (CanSeeClinical); ENOTFOUND when none is
// named. The read is audited.
func (p *Processor) Monitor(ctx context.Context, a *journey.Actor, id int64) (*journey.Monitor, error) {
	return readClient(ctx, p, a, id, "monitor.read", (*journey.Actor).CanSeeScreening,
		func(id int64) (*journey.Monitor, error) { return p.store.FindMonitor(ctx, id) }, via[*journey.Monitor]("monitor"))
}

// SetMonitor names the client's own monitor (only the client themselves:
// others "not found"), audited; EINVALID naming the wrong fields.
func (p *Processor) SetMonitor(ctx context.Context, a *journey.Actor, m *journey.Monitor) error {
	c, err := p.Client(ctx, a, m.ClientID, "monitor.set", (*journey.Actor).IsClient)
	if err != nil {
		return err
	}
	m.ClientID = c.ID
	err = p.store.SetMonitor(ctx, m)
	p.Audit(ctx, a, Entry{Action: "monitor.set", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: journey.ErrorCode(err)})
	return err
}

// CheckIn records the client's own check-in at the start of their remote
// medicine session: from an hour before it starts until it ends, once it
// is booked or checked in (else ECONFLICT saying why). A reading at or
// above the no-dose limit is refused with journey.CheckInRefusal as an
// ECONFLICT after it is stored and the therapist told at once; one above
// the review limit is kept for the medical provider's review. Audited.
func (p *Processor) CheckIn(ctx context.Context, a *journey.Actor, ci *journey.CheckIn) (*journey.CheckIn, error) {
	s, err := p.store.FindCareSession(ctx, ci.SessionID)
	if err != nil {
		return nil, err
	}
	c, err := p.Client(ctx, a, s.ClientID, "checkin.create", (*journey.Actor).IsClient)
	if err != nil || s.ClientID == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "Session not found.")
	}
	now := p.store.Time()
	switch {
	case s.Type != journey.TypeMedicine || s.Mode != journey.ModeRemote:
		err = journey.Errorf(journey.ECONFLICT, "Only a remote medicine session starts with a check-in.")
	case s.Status != journey.SessionBooked && s.Status != journey.SessionCheckedIn:
		err = journey.Errorf(journey.ECONFLICT, "This session has already started, ended or been cancelled: there is nothing to check in to.")
	case now.Before(s.Start.Add(-time.Hour)) || !now.Before(s.End):
		err = journey.Errorf(journey.ECONFLICT, "Check in during the hour before your session starts.")
	}
	if err == nil {
		ci.ClientID = c.ID
		err = p.store.CreateCheckIn(ctx, ci)
	}
	p.Audit(ctx, a, Entry{Action: "checkin.create", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: journey.ErrorCode(err) + " " + ci.Result})
	if err != nil {
		return nil, err
	}
	if ci.Result == journey.CheckInNoDose {
		return ci, journey.Errorf(journey.ECONFLICT, "%s", journey.CheckInRefusal(ci))
	}
	return ci, nil
}

// CareSettings returns the practice's care settings (any member of staff;
// the portal reads the telehealth template through the session's link).
func (p *Processor) CareSettings(ctx context.Context, a *journey.Actor) (*journey.CareSettings, error) {
	if !a.Can(journey.PermStaff) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "You do not have access to this.")
	}
	return p.store.FindCareSettings(ctx)
}

// UpdateCareSettings saves the practice's care settings (PermSettings),
// audited; EINVALID naming the wrong fields.
func (p *Processor) UpdateCareSettings(ctx context.Context, a *journey.Actor, s *journey.CareSettings) error {
	if !a.Can(journey.PermSettings) {
		return journey.Errorf(journey.EFORBIDDEN, "Only an admin changes the practice's settings.")
	}
	s.UpdatedBy = a.ID()
	err := p.store.UpdateCareSettings(ctx, s)
	p.Audit(ctx, a, Entry{Action: "settings.care", SubjectType: "settings", Outcome: outcome(err), Detail: journey.ErrorCode(err)})
	return err
}

// TelehealthLink returns session s's video link for the actor, who has
// already been let see s; "" for an in-person session or when the
// practice set no template.
func (p *Processor) TelehealthLink(ctx context.Context, s *journey.CareSession) (string, error) {
	if s.Mode != journey.ModeRemote {
		return "", nil
	}
	cs, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return "", err
	}
	return journey.TelehealthLink(cs.TelehealthTemplate, s.ID), nil
}

// PlanChart is a client's plan as the staff chart shows it, with what the
// actor may see and do there.
type PlanChart struct {
	Client      *journey.Client
	Plan        *journey.Plan
	Gates       []journey.Gate // the plan's mode and route; nil unless the actor may see them
	Overrides   []*journey.GateOverride
	CanChange   bool // may tailor the plan
	CanOverride bool // may override an overridable gate
	Monitor     *journey.Monitor
	Telehealth  string // the practice's link template
}

// PlanChart returns client id's plan for the staff chart: the plan (as
// Plan, audited), and for those who may see them (CanSeeGates) the gates
// of the plan's next medicine session, the overrides in force and the
// remote monitor, audited as read.
func (p *Processor) PlanChart(ctx context.Context, a *journey.Actor, id int64, loc *time.Location) (*PlanChart, error) {
	plan, err := p.Plan(ctx, a, id, loc, " on the chart")
	if err != nil {
		return nil, err
	}
	c, err := p.store.FindClientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	out := &PlanChart{Client: c, Plan: plan, CanChange: a.CanChangePlan(c), CanOverride: a.CanOverrideGate(c), Telehealth: cs.TelehealthTemplate}
	if !a.CanSeeGates(c) {
		return out, nil
	}
	q := GateQuery{Mode: plan.Settings.Mode, Route: plan.Settings.Route}
	if out.Gates, err = p.MedicineGates(ctx, c, q); err != nil {
		return nil, err
	}
	if out.Overrides, err = p.store.FindGateOverrides(ctx, c.ID, 0, p.store.Time()); err != nil {
		return nil, err
	}
	if out.Monitor, err = optional(p.store.FindMonitor(ctx, c.ID)); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "gates.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("medicine %s on the chart, with the monitor", q.Mode)})
	return out, nil
}

// PortalPlan is a client's own plan as the portal shows it: the steps, the
// monitor they named, each booked remote session's video link and the
// latest check-in of each.
type PortalPlan struct {
	Plan       *journey.Plan
	Monitor    *journey.Monitor // nil when none is named
	Telehealth string           // the practice's link template
	CheckIns   map[int64]*journey.CheckIn
}

// PortalPlan returns the signed-in client's own plan (others "not found",
// audited); ENOTFOUND "Plan not found." before they are cleared. The read
// is audited.
func (p *Processor) PortalPlan(ctx context.Context, a *journey.Actor, id int64, loc *time.Location) (*PortalPlan, error) {
	c, err := p.Client(ctx, a, id, "plan.read", (*journey.Actor).IsClient)
	if err != nil {
		return nil, err
	}
	plan, err := p.plan(ctx, c, loc)
	if err != nil {
		return nil, err
	}
	cs, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	out := &PortalPlan{Plan: plan, Telehealth: cs.TelehealthTemplate, CheckIns: map[int64]*journey.CheckIn{}}
	if out.Monitor, err = optional(p.store.FindMonitor(ctx, c.ID)); err != nil {
		return nil, err
	}
	for _, st := range plan.Steps {
		if st.Type != journey.TypeMedicine || st.Mode != journey.ModeRemote || st.Status != journey.StepBooked {
			continue
		}
		ci, err := optional(p.store.FindCheckIn(ctx, st.SessionID))
		if err != nil {
			return nil, err
		}
		if ci != nil {
			out.CheckIns[st.SessionID] = ci
		}
	}
	p.Audit(ctx, a, Entry{Action: "plan.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess, Detail: "plan in the portal"})
	return out, nil
}

// OverdueStep is an overdue step of a client's plan.
type OverdueStep struct {
	Client *journey.Client
	Step   journey.PlanStep
}

// maxCaseload bounds the cleared clients whose plans Today works out.
const maxCaseload = journey.MaxClientPage

// overdueSteps returns the overdue steps of the cleared clients on the
// actor's care team, each plan worked out now, and audits the plans read.
// A plan is a few small reads, so a caseload of a few dozen costs little;
// past maxCaseload the newest clients are looked at.
func (p *Processor) overdueSteps(ctx context.Context, a *journey.Actor, loc *time.Location) ([]OverdueStep, error) {
	cs, _, err := p.store.FindClients(ctx, journey.ClientFilter{CareTeamMember: a.ID(), Screening: journey.ScreeningCleared, Limit: maxCaseload})
	if err != nil {
		return nil, err
	}
	var out []OverdueStep
	var read []*journey.Client
	for _, c := range cs {
		plan, err := p.plan(ctx, c, loc)
		switch {
		case journey.ErrorCode(err) == journey.ENOTFOUND:
			continue
		case err != nil:
			return nil, err
		}
		read = append(read, c)
		for _, st := range plan.Overdue() {
			out = append(out, OverdueStep{Client: c, Step: st})
		}
	}
	if len(read) > 0 {
		p.Audit(ctx, a, Entry{Action: "plan.read", SubjectType: "client", Outcome: journey.AuditSuccess,
			Detail: IDList("plans", read, func(c *journey.Client) int64 { return c.ID }) + " on the dashboard"})
	}
	return out, nil
}
