package staff

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The run sheet page (/staff/sessions/{id}/run-sheet): one screen per
// medicine session for the team in the room, on a tablet, with no script.
// Every action is a form that posts back here; a refusal redraws the page
// with the message beside the field and what was typed kept.

// RunSheetProcessing is what the run sheet page asks of processing.
type RunSheetProcessing interface {
	RunSheet(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.RunSheet, error)
	OrderDose(ctx context.Context, a *journey.Actor, id int64, o *journey.Order, weightKg float64, via string) error
	RecordVitals(ctx context.Context, a *journey.Actor, id int64, o *journey.Observation, via string) error
	RecordChecklist(ctx context.Context, a *journey.Actor, id int64, cl *journey.Checklist, via string) error
	ReviewHold(ctx context.Context, a *journey.Actor, id int64, note, via string) (*journey.HoldReview, error)
	Discharge(ctx context.Context, a *journey.Actor, id int64, d *journey.Discharge, via string) error
	AddRunSheetAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.RunSheetAddendum, error)
	RunSession(ctx context.Context, a *journey.Actor, id int64, action, via string) (*journey.CareSession, error)
}

// RunSheetPage is the run sheet as the page draws it.
type RunSheetPage struct {
	Sheet      *journey.RunSheet
	Zone       string
	Title      string // the client as the viewer may name them
	When       string
	Readings   []ReadingView
	Due        []DueView
	Doses      []DoseView
	Discharge  string // when the client may be discharged, in words
	Prescriber bool   // the viewer is a medical provider
	loc        *time.Location
	Notice     string
	Conflict   string         // a refusal that is not a field's: its message
	Reasons    []journey.Gate // and the unmet conditions it names
	Form       string         // the form the errors belong to
	Vals       map[string]string
	Errors     map[string]string
	ErrorList  []journey.FieldError
	Message    string
}

// ReadingView is one observation in words.
type ReadingView struct {
	At, Phase, BP, HR, SpO2, RR, Sedation, Dissociation string
	Remote                                              bool
	Flags                                               []journey.Flag
}

// DueView is a check due in words.
type DueView struct {
	Phase, At string
	Overdue   bool
}

// DoseView is a dose in words.
type DoseView struct {
	At, What string
}

func (*RunSheetPage) PageTitle() string { return "Run sheet" }

// Err is the error beside field name, for the form partials.
func (p *RunSheetPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed.
func (p *RunSheetPage) Val(name string) string { return p.Vals[name] }

// Checked reports whether a checkbox field holds value.
func (p *RunSheetPage) Checked(name, value string) bool { return p.Vals[name] == value }

// PhaseWords say a phase.
var PhaseWords = map[string]string{journey.PhasePreDose: "Pre-dose", journey.PhasePeak: "Peak", journey.PhaseInterval: "Interval",
	journey.PhasePreDischarge: "Pre-discharge", journey.PhaseVisual: "Visual check-in"}

// Phase returns phase in words, for the template.
func (*RunSheetPage) Phase(phase string) string { return PhaseWords[phase] }

// Items are the discharge checklist's items, worded for the session's mode.
func (p *RunSheetPage) Items() []struct{ Field, Label string } {
	var out []struct{ Field, Label string }
	for _, it := range journey.DischargeItems {
		label := it.Label
		if it.Remote != "" && p.Sheet != nil && p.Sheet.Session != nil && p.Sheet.Session.Mode == journey.ModeRemote {
			label = it.Remote
		}
		out = append(out, struct{ Field, Label string }{it.Field, label})
	}
	return out
}

// Clock returns t as a time of day in the practice's zone.
func (p *RunSheetPage) Clock(t time.Time) string {
	loc := p.loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("3:04 PM")
}

// Mg returns an amount in mg (mg/kg, kg) without trailing zeros.
func (*RunSheetPage) Mg(f float64) string { return journey.Mg(f) }

// PhaseList is the phases a reading may have, in order.
func (p *RunSheetPage) PhaseList() []string {
	out := []string{journey.PhasePreDose, journey.PhasePeak, journey.PhaseInterval, journey.PhasePreDischarge}
	if p.Sheet != nil && p.Sheet.Session != nil && p.Sheet.Session.Mode == journey.ModeRemote {
		out = append(out, journey.PhaseVisual)
	}
	return out
}

// Vitals are the reading form's fields with their ranges.
func (*RunSheetPage) Vitals() []journey.VitalRange { return journey.VitalRanges }

// HandleRunSheet shows a medicine session's run sheet.
func (s *Handler) HandleRunSheet(w http.ResponseWriter, r *http.Request) {
	page := &RunSheetPage{Notice: runSheetNotices[r.URL.Query().Get("done")]}
	s.renderRunSheet(w, r, http.StatusOK, page)
}

var runSheetNotices = map[string]string{"order": "Order recorded.", "vitals": "Reading recorded.", "checklist": "Checklist recorded.",
	"review": "Review recorded: the flagged readings are resolved.", "discharge": "Discharged. The run sheet is closed; add an addendum for anything later.",
	"addendum": "Addendum added.", "check-in": "Checked in.", "start": "Started: the gates held."}

func (s *Handler) renderRunSheet(w http.ResponseWriter, r *http.Request, status int, page *RunSheetPage) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	a := s.kit.Who(r)
	rs, err := s.proc.RunSheet(r.Context(), a, id, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	fillRunSheet(page, rs, loc, zone)
	page.Prescriber = a.Has(journey.RoleMedicalProvider)
	if page.Vals == nil {
		page.Vals = map[string]string{"taken_at": rs.Now.In(loc).Format("15:04")}
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_runsheet", page)
}

// fillRunSheet puts rs into page in words, times in loc.
func fillRunSheet(page *RunSheetPage, rs *journey.RunSheet, loc *time.Location, zone string) {
	page.Sheet, page.Zone = rs, zone
	clock := func(t time.Time) string { return t.In(loc).Format("3:04 PM") }
	page.loc = loc
	page.Title = rs.Client
	page.When = rs.Session.Start.In(loc).Format("Mon Jan 2, 3:04 PM MST")
	num := func(p *int) string {
		if p == nil {
			return "–"
		}
		return strconv.Itoa(*p)
	}
	for _, o := range rs.Observations {
		v := ReadingView{At: clock(o.TakenAt), Phase: PhaseWords[o.Phase], HR: num(o.HeartRate), SpO2: num(o.SpO2), RR: num(o.RespRate),
			Sedation: num(o.Sedation), Dissociation: num(o.Dissociation), Remote: o.Remote, Flags: o.Flags, BP: "–"}
		if o.Systolic != nil && o.Diastolic != nil {
			v.BP = fmt.Sprintf("%d/%d", *o.Systolic, *o.Diastolic)
		}
		page.Readings = append(page.Readings, v)
	}
	for _, d := range rs.Due {
		what := PhaseWords[d.Phase] + " check"
		if d.Phase == journey.PhaseVisual {
			what = PhaseWords[d.Phase]
		}
		page.Due = append(page.Due, DueView{Phase: what, At: clock(d.Due), Overdue: d.Overdue})
	}
	for _, d := range rs.Administrations {
		what := "A dose"
		if d.Booster {
			what = "A booster"
		}
		if !rs.Limited {
			what = fmt.Sprintf("%s of %s mg, %s", what, journey.Mg(d.DoseMg), journey.RouteWords(d.Route))
			if d.SelfAdmin {
				what += ", taken by the client, observed"
			}
		}
		page.Doses = append(page.Doses, DoseView{At: clock(d.AdministeredAt), What: what})
	}
	if !rs.DischargeFrom.IsZero() {
		page.Discharge = clock(rs.DischargeFrom)
	}
}

// runSheetPost reads the form, runs do, and redirects to the run sheet
// with done, or redraws it with what was wrong beside form's fields.
func (s *Handler) runSheetPost(w http.ResponseWriter, r *http.Request, form, done string, do func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	vals := map[string]string{}
	for k := range r.PostForm {
		vals[k] = r.PostFormValue(k)
	}
	var v journey.Validation
	err = do(s.kit.Who(r), id, vals, &v)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/staff/sessions/%d/run-sheet?done=%s#%s", id, done, form), http.StatusSeeOther)
		return
	}
	page := &RunSheetPage{Form: form, Vals: vals, Errors: map[string]string{}}
	switch journey.ErrorCode(err) {
	case journey.EINVALID:
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
	case journey.ECONFLICT:
		page.Conflict = journey.ErrorMessage(err)
		if je, ok := err.(*journey.Error); ok {
			page.Reasons = je.Gates
		}
	default:
		s.kit.PageError(w, r, err)
		return
	}
	s.renderRunSheet(w, r, s.kit.Status(err), page)
}

// formInt reads field name as a whole number, nil when left empty; one
// that is not a number is an error in v.
func formInt(vals map[string]string, v *journey.Validation, name string) *int {
	raw := strings.TrimSpace(vals[name])
	if raw == "" {
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		v.Add(name, "Enter a whole number.")
		return nil
	}
	return &n
}

// formFloat reads field name as a number, 0 when left empty.
func formFloat(vals map[string]string, v *journey.Validation, name string) float64 {
	raw := strings.TrimSpace(vals[name])
	if raw == "" {
		return 0
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		v.Add(name, "Enter a number.")
	}
	return f
}

// HandleRunSheetOrder records the medical provider's order.
func (s *Handler) HandleRunSheetOrder(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "order", "order", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		o := &journey.Order{Route: vals["route"], Formulation: vals["formulation"], StrengthMg: formFloat(vals, v, "strength_mg"),
			DoseMg: formFloat(vals, v, "dose_mg"), BoosterMg: formFloat(vals, v, "booster_mg"), MaxTotalMg: formFloat(vals, v, "max_total_mg"),
			Titration: vals["titration"], Override: vals["override"]}
		if n := formInt(vals, v, "booster_after_minutes"); n != nil {
			o.BoosterAfter = *n
		}
		weight := formFloat(vals, v, "weight_kg")
		if err := v.Err(); err != nil {
			return err
		}
		return s.proc.OrderDose(r.Context(), a, id, o, weight, "")
	})
}

// HandleRunSheetVitals records a reading; its time is a time of today in
// the practice's zone, now when left empty.
func (s *Handler) HandleRunSheetVitals(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "vitals", "vitals", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		o := &journey.Observation{Phase: vals["phase"], Remote: vals["remote"] == "true"}
		for _, vr := range journey.VitalRanges {
			p := formInt(vals, v, vr.Field)
			switch vr.Field {
			case "systolic":
				o.Systolic = p
			case "diastolic":
				o.Diastolic = p
			case "heart_rate":
				o.HeartRate = p
			case "spo2":
				o.SpO2 = p
			case "resp_rate":
				o.RespRate = p
			case "sedation":
				o.Sedation = p
			case "dissociation":
				o.Dissociation = p
			}
		}
		o.TakenAt = s.clockTime(r.Context(), vals["taken_at"], v)
		if err := v.Err(); err != nil {
			return err
		}
		return s.proc.RecordVitals(r.Context(), a, id, o, "")
	})
}

// clockTime reads raw (HH:MM in the practice's zone) as the latest such
// instant not ahead of now, so a session that runs past midnight reads
// its times right; now when empty.
func (s *Handler) clockTime(ctx context.Context, raw string, v *journey.Validation) time.Time {
	now := s.now()
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return now
	}
	loc, _ := webkit.PracticeZone(ctx, s.kit)
	t, err := time.ParseInLocation("15:04", raw, loc)
	if err != nil {
		v.Add("taken_at", "Give the time as HH:MM, such as 14:05.")
		return time.Time{}
	}
	y, m, d := now.In(loc).Date()
	at := time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, loc)
	if at.After(now.Add(time.Minute)) { // 00:10 typed at 00:20 is today's; 23:50 typed then is yesterday's
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// HandleRunSheetChecklist records the pre-dose checklist.
func (s *Handler) HandleRunSheetChecklist(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "checklist", "checklist", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		return s.proc.RecordChecklist(r.Context(), a, id, &journey.Checklist{Fasted: vals["fasted"] == "true", RideHome: vals["ride_home"] == "true",
			NoDriving: vals["no_driving"] == "true", Intention: vals["intention"]}, "")
	})
}

// HandleRunSheetReview records the medical provider's review of a hold.
func (s *Handler) HandleRunSheetReview(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "review", "review", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		_, err := s.proc.ReviewHold(r.Context(), a, id, vals["note"], "")
		return err
	})
}

// HandleRunSheetDischarge discharges the client.
func (s *Handler) HandleRunSheetDischarge(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "discharge", "discharge", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		d := &journey.Discharge{VitalsAcceptable: vals["vitals_acceptable"] == "true", AlertOriented: vals["alert_oriented"] == "true",
			WalksSafely: vals["walks_safely"] == "true", DissociationGone: vals["dissociation_resolved"] == "true", Escort: vals["escort"] == "true",
			NoDriving: vals["no_driving"] == "true", Override: vals["override"]}
		return s.proc.Discharge(r.Context(), a, id, d, "")
	})
}

// HandleRunSheetStatus checks the client in or starts the session (the
// gates checked again); a refusal names the gates unmet.
func (s *Handler) HandleRunSheetStatus(w http.ResponseWriter, r *http.Request) {
	action := r.PostFormValue("action")
	if action != journey.ActionCheckIn && action != journey.ActionStart {
		action = journey.ActionCheckIn
	}
	s.runSheetPost(w, r, "now", action, func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		_, err := s.proc.RunSession(r.Context(), a, id, action, "")
		return err
	})
}

// HandleRunSheetAddendum adds an addendum to a discharged run sheet.
func (s *Handler) HandleRunSheetAddendum(w http.ResponseWriter, r *http.Request) {
	s.runSheetPost(w, r, "addendum", "addendum", func(a *journey.Actor, id int64, vals map[string]string, v *journey.Validation) error {
		_, err := s.proc.AddRunSheetAddendum(r.Context(), a, id, vals["text"], "")
		return err
	})
}

// FormErr is the error beside field name of form, when that form was the
// one posted.
func (p *RunSheetPage) FormErr(form, name string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[name]
}

// CheckInWaits returns the remote check-in whose raised home reading waits
// for the medical provider's review, nil if none.
func (p *RunSheetPage) CheckInWaits() *journey.CheckIn {
	if p.Sheet == nil || !p.Sheet.CheckInAwaitsReview() {
		return nil
	}
	return p.Sheet.CheckIn
}

// FormVal is field name of form as typed, when that form was the one
// posted.
func (p *RunSheetPage) FormVal(form, name string) string {
	if p.Form != form {
		return ""
	}
	return p.Vals[name]
}

// Unresolved reports whether a remote check-in's home reading or any
// reading has a hold, review or escalation not yet reviewed.
func (p *RunSheetPage) Unresolved() bool {
	if p.Sheet == nil {
		return false
	}
	if p.Sheet.CheckInAwaitsReview() {
		return true
	}
	for _, o := range p.Sheet.Observations {
		for _, f := range o.Flags {
			if f.Action != journey.ActionFlag && !f.Resolved {
				return true
			}
		}
	}
	return false
}
