package processing

import (
	"context"
	"fmt"
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
	FindPlansOf(ctx context.Context, ids []int64) (map[int64]*journey.Plan, map[int64][]*journey.CareSession, error)
	FindCareSettings(ctx context.Context) (*journey.CareSettings, error)
	UpdateCareSettings(ctx context.Context, s *journey.CareSettings) error
	CreateGateOverride(ctx context.Context, o *journey.GateOverride) error
	FindGateOverrides(ctx context.Context, clientID, sessionID int64, now time.Time) ([]*journey.GateOverride, error)
	SetMonitor(ctx context.Context, m *journey.Monitor) error
	FindMonitor(ctx context.Context, clientID int64) (*journey.Monitor, error)
	CreateCheckIn(ctx context.Context, c *journey.CheckIn) error
	FindCheckIn(ctx context.Context, sessionID int64) (*journey.CheckIn, error)
	FindCheckInsSince(ctx context.Context, member int64, since time.Time) ([]*journey.CheckIn, error)
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
	p.estimateOnPlanChange(ctx, a, c)
	return p.plan(ctx, c, loc)
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
	return journey.TelehealthLink(cs.TelehealthTemplate, s.ID, s.RoomKey), nil
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
	CheckIns    []*journey.CheckIn // the latest check-in of each remote medicine session still to be held
	Telehealth  string             // the practice's link template
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
	if out.CheckIns, err = p.checkIns(ctx, plan); err != nil {
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
	cis, err := p.checkIns(ctx, plan)
	if err != nil {
		return nil, err
	}
	for _, ci := range cis {
		out.CheckIns[ci.SessionID] = ci
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
// Past maxCaseload the newest clients are looked at.
func (p *Processor) overdueSteps(ctx context.Context, a *journey.Actor, loc *time.Location) ([]OverdueStep, error) {
	cs, _, err := p.store.FindClients(ctx, journey.ClientFilter{CareTeamMember: a.ID(), Screening: journey.ScreeningCleared, Limit: maxCaseload})
	if err != nil {
		return nil, err
	}
	plans, err := p.PlansOf(ctx, a, cs, loc, " on the dashboard")
	if err != nil {
		return nil, err
	}
	var out []OverdueStep
	for _, c := range cs {
		if plan := plans[c.ID]; plan != nil {
			for _, st := range plan.Overdue() {
				out = append(out, OverdueStep{Client: c, Step: st})
			}
		}
	}
	return out, nil
}

// PlansOf returns the plans, worked out now, of the clients cs of a list
// the actor has been shown (each one they may see by CanSeePlan; clients
// with no plan left out), by client id, in two reads for the whole list;
// the plans read are audited with via.
func (p *Processor) PlansOf(ctx context.Context, a *journey.Actor, cs []*journey.Client, loc *time.Location, via string) (map[int64]*journey.Plan, error) {
	var ids []int64
	for _, c := range cs {
		if a.CanSeePlan(c) {
			ids = append(ids, c.ID)
		}
	}
	stored, sessions, err := p.store.FindPlansOf(ctx, ids)
	if err != nil || len(stored) == 0 {
		return map[int64]*journey.Plan{}, err
	}
	cset, err := p.store.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	now := p.store.Time()
	out := make(map[int64]*journey.Plan, len(stored))
	var read []int64
	for _, id := range ids {
		if st := stored[id]; st != nil {
			out[id] = journey.WorkOutPlan(id, st.Settings, sessions[id], cset.Rules, now, loc)
			read = append(read, id)
		}
	}
	p.Audit(ctx, a, Entry{Action: "plan.read", SubjectType: "client", Outcome: journey.AuditSuccess,
		Detail: IDList("plans", read, func(id int64) int64 { return id }) + via})
	return out, nil
}
