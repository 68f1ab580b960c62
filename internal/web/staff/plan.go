package staff

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// PlanProcessing is what the plan page asks of processing.
type PlanProcessing interface {
	PlansOf(ctx context.Context, a *journey.Actor, cs []*journey.Client, loc *time.Location, via string) (map[int64]*journey.Plan, error)
	Plan(ctx context.Context, a *journey.Actor, id int64, loc *time.Location, via string) (*journey.Plan, error)
	PlanChart(ctx context.Context, a *journey.Actor, id int64, loc *time.Location) (*processing.PlanChart, error)
	UpdatePlan(ctx context.Context, a *journey.Actor, id int64, s journey.PlanSettings, reason string, loc *time.Location) (*journey.Plan, error)
	OverrideGate(ctx context.Context, a *journey.Actor, id, sessionID int64, code, reason string) (*journey.GateOverride, error)
}

// StepView is one step of a plan as a page shows it.
type StepView struct {
	Label   string // "Medicine session 2"
	Phase   string
	Status  string
	When    string // the session's time, or when it is due
	Overdue bool
	Link    string // a booked remote session's video link
}

// stepLabels and phaseLabels name steps and phases in words.
var (
	stepLabels = map[string]string{journey.TypePreparation: "Preparation", journey.TypeMedicine: "Medicine session",
		journey.TypeIntegration: "Integration", journey.TypePrescriberFollow: "Follow-up with the medical provider"}
	phaseLabels = map[string]string{journey.PhasePreparation: "Preparation", journey.PhaseInitial: "Initial doses",
		journey.PhaseFollowUp: "Follow-up", journey.PhaseContinuation: "Continuation", journey.PhaseMaintenance: "Maintenance",
		journey.PhaseComplete: "Complete"}
)

// modeWords and routeWords name a plan's mode and route.
var (
	modeWords  = map[string]string{journey.ModeInPerson: "in person", journey.ModeRemote: "remote"}
	routeWords = map[string]string{journey.RouteLozenge: "lozenge", journey.RouteIM: "intramuscular"}
)

// PhaseLabel returns a plan phase in words.
func PhaseLabel(phase string) string { return phaseLabels[phase] }

// StepViews returns the plan's steps in words, times in loc; template is
// the practice's telehealth link template.
func StepViews(p *journey.Plan, loc *time.Location, template string) []StepView {
	var out []StepView
	for _, st := range p.Steps {
		v := StepView{Label: stepLabels[st.Type], Phase: phaseLabels[st.Phase], Status: st.Status, Overdue: st.Overdue}
		if st.Type != journey.TypePrescriberFollow {
			v.Label = fmt.Sprintf("%s %d", v.Label, st.Number)
		}
		switch {
		case !st.Start.IsZero():
			v.When = st.Start.In(loc).Format("Mon Jan 2, 2006, 3:04 PM MST")
		case !st.DueBy.IsZero():
			v.When = fmt.Sprintf("due %s to %s", st.DueFrom.In(loc).Format("Jan 2"), st.DueBy.In(loc).Format("Jan 2"))
		case !st.DueFrom.IsZero():
			v.When = "after " + st.DueFrom.In(loc).Format("Jan 2")
		}
		if st.Status == journey.StepBooked && st.Mode == journey.ModeRemote {
			v.Link = journey.TelehealthLink(template, st.SessionID, st.RoomKey)
		}
		out = append(out, v)
	}
	return out
}

// PlanPage is the staff page of a client's plan and gates.
type PlanPage struct {
	Chart     *processing.PlanChart
	Zone      string
	Phase     string
	Steps     []StepView
	Overdue   int
	Changes   []ChangeView
	Overrides []ChangeView
	CheckIns  []CheckInView
	Notice    string
	// The plan form as typed, and what was wrong with it.
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	// A refused override: its gate, the reason as typed, and why.
	OverrideCode   string
	OverrideReason string
	OverrideError  string
}

// CheckInView is a remote session's check-in as staff read it.
type CheckInView struct {
	At, Address, Callback, Reading, Result string
	NoDose                                 bool
}

// checkInResults say a check-in's result to staff.
var checkInResults = map[string]string{journey.CheckInOK: "within the practice's limits",
	journey.CheckInReview: "above the review level: the medical provider reviews it before the dose",
	journey.CheckInNoDose: "at or above the limit for a dose: no dose today; call the client back"}

// ChangeView is a plan change or an override in words.
type ChangeView struct {
	By, At, What, Reason string
}

func (*PlanPage) PageTitle() string { return "Treatment plan" }

// Err is the error beside field name, for the form partials.
func (p *PlanPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed, or as the plan has it.
func (p *PlanPage) Val(name string) string { return p.Form[name] }

// Checked reports whether a radio or checkbox field holds value.
func (p *PlanPage) Checked(name, value string) bool { return p.Form[name] == value }

// planFromForm reads a plan's settings from the form (plan-fields), each
// value as typed into form, a number that is not one into v.
func planFromForm(r *http.Request, form map[string]string, v *journey.Validation) journey.PlanSettings {
	form["mode"], form["route"] = r.PostFormValue("mode"), r.PostFormValue("route")
	form["maintenance"] = strconv.FormatBool(r.PostFormValue("maintenance") == "true")
	return journey.PlanSettings{Preparations: formNumber(r, form, v, "preparations"), InitialDoses: formNumber(r, form, v, "initial_doses"),
		IntegrationMinDays: formNumber(r, form, v, "integration_min_days"), IntegrationMaxDays: formNumber(r, form, v, "integration_max_days"),
		Continuation: formNumber(r, form, v, "continuation"), Mode: form["mode"], Route: form["route"], Maintenance: form["maintenance"] == "true"}
}

// formNumber reads field name as a whole number, keeping it as typed in
// form; one that is not a number is an error in v.
func formNumber(r *http.Request, form map[string]string, v *journey.Validation, name string) int {
	form[name] = r.PostFormValue(name)
	n, err := strconv.Atoi(form[name])
	if err != nil {
		v.Add(name, "Enter a whole number.")
	}
	return n
}

// planForm returns the plan's settings as form values.
func planForm(s journey.PlanSettings) map[string]string {
	return map[string]string{"preparations": strconv.Itoa(s.Preparations), "initial_doses": strconv.Itoa(s.InitialDoses),
		"integration_min_days": strconv.Itoa(s.IntegrationMinDays), "integration_max_days": strconv.Itoa(s.IntegrationMaxDays),
		"continuation": strconv.Itoa(s.Continuation), "mode": s.Mode, "route": s.Route, "maintenance": strconv.FormatBool(s.Maintenance)}
}

// HandlePlan shows a client's plan: the steps done, next and overdue, the
// gates of their next medicine session with overrides, the history of
// changes, and the form that tailors it.
func (s *Handler) HandlePlan(w http.ResponseWriter, r *http.Request) {
	page := &PlanPage{}
	switch {
	case r.URL.Query().Get("changed") == "1":
		page.Notice = "Plan changed. The change is kept with your reason."
	case r.URL.Query().Get("overridden") == "1":
		page.Notice = "Gate overridden. The override is kept with your reason."
	}
	s.renderPlan(w, r, http.StatusOK, page)
}

func (s *Handler) renderPlan(w http.ResponseWriter, r *http.Request, status int, page *PlanPage) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	chart, err := s.proc.PlanChart(r.Context(), s.kit.Who(r), id, loc)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Chart, page.Zone, page.Phase = chart, zone, PhaseLabel(chart.Plan.Phase)
	page.Steps, page.Overdue = StepViews(chart.Plan, loc, chart.Telehealth), len(chart.Plan.Overdue())
	for _, c := range chart.Plan.Changes {
		page.Changes = append(page.Changes, ChangeView{By: c.ByName, At: c.At.In(loc).Format("Jan 2, 2006, 3:04 PM MST"), Reason: c.Reason,
			What: fmt.Sprintf("%d preparation, %d initial, %d continuation; integration %d–%d days after; %s, %s",
				c.Settings.Preparations, c.Settings.InitialDoses, c.Settings.Continuation, c.Settings.IntegrationMinDays, c.Settings.IntegrationMaxDays,
				modeWords[c.Settings.Mode], routeWords[c.Settings.Route])})
	}
	for _, o := range chart.Overrides {
		page.Overrides = append(page.Overrides, ChangeView{By: o.ByName, At: o.At.In(loc).Format("Jan 2, 2006, 3:04 PM MST"), What: o.Code, Reason: o.Reason})
	}
	for _, ci := range chart.CheckIns {
		page.CheckIns = append(page.CheckIns, CheckInView{At: ci.CreatedAt.In(loc).Format("Mon Jan 2, 3:04 PM MST"), Address: ci.Address,
			Callback: ci.Callback, Reading: fmt.Sprintf("%d/%d", ci.Systolic, ci.Diastolic), Result: checkInResults[ci.Result],
			NoDose: ci.Result == journey.CheckInNoDose})
	}
	if page.Form == nil {
		page.Form = planForm(chart.Plan.Settings)
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_plan", page)
}

// HandlePlanUpdate tailors the plan from the form; what was wrong is shown
// beside each field with what was typed kept.
func (s *Handler) HandlePlanUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := map[string]string{"reason": r.PostFormValue("reason")}
	var v journey.Validation
	set := planFromForm(r, form, &v)
	id, err := webkit.ClientID(r)
	if err == nil {
		err = v.Err()
		if err == nil {
			_, err = s.proc.UpdatePlan(r.Context(), s.kit.Who(r), id, set, form["reason"], time.UTC)
		} else {
			// Say all that is wrong at once: the plan's own checks too.
			v.AddErr(set.Validate())
			if journey.Paragraphs(form["reason"]) == "" {
				v.Add("reason", "Say why the plan changes: it is kept with the change.")
			}
			err = v.Err()
		}
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page := &PlanPage{Form: form, Errors: map[string]string{}}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		s.renderPlan(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/plan?changed=1", id), http.StatusSeeOther)
}

// HandleGateOverride records a medical provider's override of a gate with
// the reason given; a missing reason is shown beside the field.
func (s *Handler) HandleGateOverride(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	code, reason := r.PostFormValue("code"), r.PostFormValue("reason")
	id, err := webkit.ClientID(r)
	if err == nil {
		_, err = s.proc.OverrideGate(r.Context(), s.kit.Who(r), id, 0, code, reason)
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page := &PlanPage{OverrideCode: code, OverrideReason: reason, Errors: map[string]string{}}
		page.Message = journey.ErrorMessage(err)
		for _, f := range journey.ErrorFields(err) {
			page.OverrideError += f.Detail + " "
		}
		s.renderPlan(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/plan?overridden=1", id), http.StatusSeeOther)
}

// PlanSummary is a client's plan in a line, for the chart: the phase, what
// is done, what comes next and how much is overdue.
type PlanSummary struct {
	Phase       string
	Held, Steps int
	Next        string
	Overdue     int
}

// planSummary returns client c's plan in a line (the read audited), nil
// before they have a plan.
func (s *Handler) planSummary(r *http.Request, c *journey.Client, loc *time.Location) (*PlanSummary, error) {
	if c.ClearedTill.IsZero() {
		return nil, nil
	}
	p, err := s.proc.Plan(r.Context(), s.kit.Who(r), c.ID, loc, " on the chart")
	switch {
	case journey.ErrorCode(err) == journey.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	}
	sum := &PlanSummary{Phase: PhaseLabel(p.Phase), Steps: len(p.Steps), Overdue: len(p.Overdue())}
	for _, st := range p.Steps {
		if st.Status == journey.StepHeld {
			sum.Held++
		}
	}
	if p.Next != nil {
		sum.Next = p.Next.Detail
	}
	return sum, nil
}

// planStage says where a client is on their plan, for the clients list:
// the phase, and how many steps are overdue.
func planStage(p *journey.Plan) string {
	st := "Plan: " + strings.ToLower(PhaseLabel(p.Phase))
	if n := len(p.Overdue()); n > 0 {
		st += fmt.Sprintf(", %d overdue", n)
	}
	return st
}
