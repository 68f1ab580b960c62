package journey

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// The run sheet is one medicine session as the team in the room sees it:
// the order, the checklist, the timeline of observations with their
// flags, the doses, the holds and their resolution, the next check due
// and discharge. What may happen next (a dose, a discharge) is worked out
// here from what the store holds, so the page, the API and the
// administration's transaction ask the same question (DoseBlockers).

// HoldReview is the medical provider's review of the flagged pre-dose
// readings up to ObservationID (or of an escalation after the dose): the
// hold is resolved once the client was re-measured and the prescriber
// reviewed the readings, with a note.
type HoldReview struct {
	ID            int64     `json:"id"`
	SessionID     int64     `json:"session_id"`
	ObservationID int64     `json:"observation_id"`
	Note          string    `json:"note"` // sealed
	By            int64     `json:"by"`
	ByName        string    `json:"by_name,omitempty"`
	At            time.Time `json:"at"`
}

// RunSheetAddendum is a correction or later note on a discharged run
// sheet: nothing on it changes after discharge, an addendum is added.
type RunSheetAddendum struct {
	ID        int64     `json:"id"`
	SessionID int64     `json:"session_id"`
	Text      string    `json:"text"` // sealed
	By        int64     `json:"by"`
	ByName    string    `json:"by_name,omitempty"`
	At        time.Time `json:"at"`
}

// DueCheck is a check the run sheet expects: a set of vitals in a phase,
// or (remote) the monitor's visual check-in.
type DueCheck struct {
	Phase   string    `json:"phase"`
	Due     time.Time `json:"due"`
	Overdue bool      `json:"overdue"`
}

// RunSheet is a medicine session's record as one person may see it.
type RunSheet struct {
	Session      *CareSession    `json:"-"`
	Client       string          `json:"-"` // the client as the viewer may name them: a chaperone, by first name
	Rules        MonitoringRules `json:"-"`
	Gates        []Gate          `json:"gates,omitempty"` // nil for a chaperone
	Checklist    *Checklist      `json:"checklist"`
	Order        *Order          `json:"order"`
	Observations []*Observation  `json:"observations"` // in time order
	Reviews      []*HoldReview   `json:"reviews"`
	// CheckIn is a remote session's latest check-in (nil in a chaperone's
	// view); a raised home reading waits for a review (CheckInAwaitsReview).
	CheckIn         *CheckIn            `json:"-"`
	Administrations []*Administration   `json:"administrations"`
	Discharge       *Discharge          `json:"discharge"`
	Addenda         []*RunSheetAddendum `json:"addenda"`
	Due             []DueCheck          `json:"due"`
	Blockers        []Gate              `json:"dose_blockers"` // why no dose now; none once dosed
	DischargeFrom   time.Time           `json:"discharge_from,omitzero"`
	Limited         bool                `json:"limited,omitempty"` // a chaperone's view: timing and vitals
	Now             time.Time           `json:"now"`
}

// DosedAt returns when the first dose was given, zero if none was.
func (rs *RunSheet) DosedAt() time.Time {
	if len(rs.Administrations) == 0 {
		return time.Time{}
	}
	return rs.Administrations[0].AdministeredAt
}

// GivenMg returns the mg given so far.
func (rs *RunSheet) GivenMg() float64 {
	var mg float64
	for _, a := range rs.Administrations {
		mg += a.DoseMg
	}
	return mg
}

// Baseline returns the last pre-dose reading with a blood pressure, nil if
// none: what a rise after the dose is measured from.
func (rs *RunSheet) Baseline() *Observation {
	var b *Observation
	for _, o := range rs.Observations {
		if o.Phase == PhasePreDose && o.Systolic != nil {
			b = o
		}
	}
	return b
}

// Work sorts the run sheet's records and works out at now which flags the
// reviews resolved, the missed check-ins of a remote session, the checks
// due and why no dose may be given now.
func (rs *RunSheet) Work(now time.Time) {
	rs.Now = now
	slices.SortStableFunc(rs.Observations, func(a, b *Observation) int { return cmpTimeID(a.TakenAt, b.TakenAt, a.ID, b.ID) })
	slices.SortStableFunc(rs.Administrations, func(a, b *Administration) int {
		return cmpTimeID(a.AdministeredAt, b.AdministeredAt, a.ID, b.ID)
	})
	reviewed := int64(0)
	for _, r := range rs.Reviews {
		reviewed = max(reviewed, r.ObservationID)
	}
	for _, o := range rs.Observations {
		for i := range o.Flags {
			o.Flags[i].Resolved = o.Flags[i].Action != ActionFlag && o.ID <= reviewed
		}
	}
	rs.markMissedCheckIns()
	rs.Due = rs.dueChecks()
	rs.Blockers = nil
	if len(rs.Administrations) == 0 {
		rs.Blockers = rs.doseBlockers(nil)
	}
	if d := rs.DosedAt(); !d.IsZero() {
		rs.DischargeFrom = d.Add(time.Duration(rs.Rules.ObserveMinutes) * time.Minute)
	}
}

func cmpTimeID(a, b time.Time, ia, ib int64) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return int(ia - ib)
}

// markMissedCheckIns flags each visual check-in of a remote session that
// came later than the practice's interval after the one before (or the
// dose): the monitor's check-in in between was missed.
func (rs *RunSheet) markMissedCheckIns() {
	dosed := rs.DosedAt()
	if rs.Session == nil || rs.Session.Mode != ModeRemote || dosed.IsZero() {
		return
	}
	every := time.Duration(rs.Rules.RemoteCheckMinutes) * time.Minute
	last := dosed
	for _, o := range rs.Observations {
		if o.Phase != PhaseVisual || o.TakenAt.Before(dosed) {
			continue
		}
		if gap := o.TakenAt.Sub(last); gap > every && !hasFlag(o.Flags, FlagCheckInMissed) {
			o.Flags = append(o.Flags, Flag{Code: FlagCheckInMissed, Action: ActionFlag,
				Detail: fmt.Sprintf("%d minutes since the last check-in: one every %d minutes was missed.", int(gap.Minutes()), rs.Rules.RemoteCheckMinutes)})
		}
		last = o.TakenAt
	}
}

func hasFlag(flags []Flag, code string) bool {
	return slices.ContainsFunc(flags, func(f Flag) bool { return f.Code == code })
}

// lastVisual returns the time of the last visual check-in at or after t,
// t itself if none.
func (rs *RunSheet) lastVisual(t time.Time) time.Time {
	for _, o := range rs.Observations {
		if o.Phase == PhaseVisual && !o.TakenAt.Before(t) {
			t = o.TakenAt
		}
	}
	return t
}

// has reports whether a reading of phase was taken at or after t.
func (rs *RunSheet) has(phase string, t time.Time) bool {
	return slices.ContainsFunc(rs.Observations, func(o *Observation) bool { return o.Phase == phase && !o.TakenAt.Before(t) })
}

// dueChecks returns the checks due: a pre-dose set before the dose (due
// at the session's start); after it, the peak check PeakAfterMinutes after
// the dose, the pre-discharge set at the end of the observation time and,
// remote, the next visual check-in; none once discharged. A check is
// overdue once its time has passed.
func (rs *RunSheet) dueChecks() []DueCheck {
	if rs.Discharge != nil || rs.Session == nil {
		return nil
	}
	var out []DueCheck
	add := func(phase string, due time.Time) {
		out = append(out, DueCheck{Phase: phase, Due: due, Overdue: rs.Now.After(due)})
	}
	dosed := rs.DosedAt()
	if dosed.IsZero() {
		if !rs.has(PhasePreDose, rs.Session.Start.Add(-24*time.Hour)) {
			add(PhasePreDose, rs.Session.Start)
		}
		return out
	}
	if !rs.has(PhasePeak, dosed) {
		add(PhasePeak, dosed.Add(time.Duration(rs.Rules.PeakAfterMinutes)*time.Minute))
	}
	if rs.Session.Mode == ModeRemote {
		add(PhaseVisual, rs.lastVisual(dosed).Add(time.Duration(rs.Rules.RemoteCheckMinutes)*time.Minute))
	}
	if !rs.has(PhasePreDischarge, dosed) {
		add(PhasePreDischarge, dosed.Add(time.Duration(rs.Rules.ObserveMinutes)*time.Minute))
	}
	slices.SortStableFunc(out, func(a, b DueCheck) int { return a.Due.Compare(b.Due) })
	return out
}

// Dose blocker codes: each a reason a dose may not be given now, answered
// as an unmet Gate beside the gates of EvaluateGates.
const (
	BlockStatus    = "session-status"
	BlockOrder     = "order"
	BlockPreDose   = "pre-dose-vitals"
	BlockChecklist = "checklist"
	BlockHold      = "hold"
	BlockRemeasure = "re-measure"
	BlockReview    = "review"
	BlockDischarge = "discharged"
	BlockDose      = "dose"
)

// DoseBlockers returns why administration a (nil: the first dose, asked
// before one is chosen) may not be given now, each as an unmet Gate: the
// session not in progress, no order, no pre-dose set, no checklist, an
// unresolved hold or review, discharge, and a dose outside the order (the
// first within the dose, a booster only as the order allows, after its
// interval and within the total). None: it may. The gates of the session
// (EvaluateGates) are processing's to add.
func (rs *RunSheet) DoseBlockers(a *Administration) []Gate {
	return rs.doseBlockers(a)
}

func (rs *RunSheet) doseBlockers(a *Administration) []Gate {
	var out []Gate
	block := func(code, detail string, args ...any) { out = append(out, unmet(code, fmt.Sprintf(detail, args...))) }
	switch {
	case rs.Discharge != nil:
		block(BlockDischarge, "The client was discharged: nothing more is given.")
		return out
	case rs.Session.Status != SessionInProgress:
		block(BlockStatus, "The session is %s: start it first (the gates are checked again then).", SessionStatusWords(rs.Session.Status))
	}
	if rs.Order == nil {
		block(BlockOrder, "No order: the medical provider orders the dose first.")
	}
	if rs.Checklist == nil {
		block(BlockChecklist, "The pre-dose checklist is not done.")
	} else if !rs.Checklist.ConsentActive {
		block(BlockChecklist, "The client's consent is not current.")
	}
	out = append(out, rs.holdBlockers(a != nil && len(rs.Administrations) > 0)...)
	if a == nil || rs.Order == nil {
		return out
	}
	out = append(out, rs.withinOrder(a)...)
	return out
}

// holdBlockers returns the pre-dose readings' unmet conditions: a set
// taken, the latest not held, every flagged one re-measured and reviewed;
// for a booster, also every escalation after the dose reviewed.
func (rs *RunSheet) holdBlockers(booster bool) []Gate {
	var out []Gate
	var pre []*Observation
	for _, o := range rs.Observations {
		if o.Phase == PhasePreDose {
			pre = append(pre, o)
		}
	}
	if len(pre) == 0 {
		return []Gate{unmet(BlockPreDose, "No pre-dose vitals yet: take a set first.")}
	}
	last := pre[len(pre)-1]
	for _, f := range last.Flags {
		if f.Action == ActionHold {
			out = append(out, unmet(BlockHold, "The latest pre-dose reading holds the dose: "+f.Detail))
		}
	}
	firstFlagged := slices.IndexFunc(pre, func(o *Observation) bool { return flagged(o, ActionHold, ActionReview) })
	switch {
	case firstFlagged < 0:
	case firstFlagged == len(pre)-1 && len(out) == 0:
		out = append(out, unmet(BlockRemeasure, "A pre-dose reading was flagged: re-measure before the dose."))
	case len(out) == 0 && unresolved(pre, ActionHold, ActionReview):
		out = append(out, unmet(BlockReview, "A flagged pre-dose reading waits for the prescriber's review."))
	}
	if booster && unresolved(rs.Observations, ActionEscalate) {
		out = append(out, unmet(BlockReview, "An escalation after the dose waits for the medical provider's review."))
	}
	return out
}

func flagged(o *Observation, actions ...string) bool {
	return slices.ContainsFunc(o.Flags, func(f Flag) bool { return slices.Contains(actions, f.Action) })
}

func unresolved(obs []*Observation, actions ...string) bool {
	for _, o := range obs {
		for _, f := range o.Flags {
			if slices.Contains(actions, f.Action) && !f.Resolved {
				return true
			}
		}
	}
	return false
}

// CheckInAwaitsReview reports whether remote check-in c's home reading,
// above the review level, still waits for the medical provider: no review
// of the session's readings (HoldReview) was made at or after it. The
// run sheet's one review covers the check-in, so there is one way to
// record it and one place it is seen.
func CheckInAwaitsReview(c *CheckIn, reviews []*HoldReview) bool {
	if c == nil || c.Result != CheckInReview {
		return false
	}
	for _, r := range reviews {
		if !r.At.Before(c.CreatedAt) {
			return false
		}
	}
	return true
}

// CheckInAwaitsReview reports whether the session's remote check-in waits
// for the medical provider's review.
func (rs *RunSheet) CheckInAwaitsReview() bool { return CheckInAwaitsReview(rs.CheckIn, rs.Reviews) }

// ReviewRefusal returns why the medical provider may not review now
// (ECONFLICT), nil when they may: a remote check-in's raised home reading
// not yet reviewed, or the readings (ReadingsRefusal).
func (rs *RunSheet) ReviewRefusal() error {
	if rs.Discharge != nil {
		return Errorf(ECONFLICT, "The client was discharged: add an addendum instead.")
	}
	if rs.CheckInAwaitsReview() {
		return nil
	}
	return rs.ReadingsRefusal()
}

// ReadingsRefusal returns why the flagged readings may not be reviewed now
// (ECONFLICT), nil when they may: before the dose, a flagged pre-dose
// reading re-measured and the latest not holding the dose; after it, an
// escalation not yet reviewed.
func (rs *RunSheet) ReadingsRefusal() error {
	if rs.Discharge != nil {
		return Errorf(ECONFLICT, "The client was discharged: add an addendum instead.")
	}
	if len(rs.Administrations) > 0 {
		if !unresolved(rs.Observations, ActionEscalate, ActionHold, ActionReview) {
			return Errorf(ECONFLICT, "Nothing waits for review.")
		}
		return nil
	}
	bs := rs.holdBlockers(false)
	for _, b := range bs {
		if b.Code != BlockReview {
			return &Error{Code: ECONFLICT, Message: "The readings cannot be reviewed yet: " + b.Detail, Gates: bs}
		}
	}
	if len(bs) == 0 {
		return Errorf(ECONFLICT, "Nothing waits for review.")
	}
	return nil
}

// withinOrder returns why a is not within the order: its route, the first
// dose above the order's dose, a booster the order does not allow, too
// soon or above the booster, or past the session's total.
func (rs *RunSheet) withinOrder(a *Administration) []Gate {
	var out []Gate
	block := func(detail string, args ...any) { out = append(out, unmet(BlockDose, fmt.Sprintf(detail, args...))) }
	o := rs.Order
	if a.Route != o.Route {
		block("The order is by %s.", RouteWords(o.Route))
	}
	if len(rs.Administrations) == 0 {
		if a.DoseMg > o.DoseMg {
			block("The dose of %s mg is more than the order's %s mg.", Mg(a.DoseMg), Mg(o.DoseMg))
		}
		return out
	}
	first := rs.DosedAt()
	switch {
	case o.BoosterMg == 0:
		block("The order allows no booster.")
	case a.AdministeredAt.Before(first.Add(time.Duration(o.BoosterAfter) * time.Minute)):
		block("A booster may be given from %d minutes after the dose (%s UTC).", o.BoosterAfter, first.Add(time.Duration(o.BoosterAfter)*time.Minute).UTC().Format("15:04"))
	case a.DoseMg > o.BoosterMg:
		block("The booster of %s mg is more than the order's %s mg.", Mg(a.DoseMg), Mg(o.BoosterMg))
	}
	if given := rs.GivenMg(); given+a.DoseMg > o.MaxTotalMg {
		block("%s mg more would bring the session to %s mg, past the order's total of %s mg.", Mg(a.DoseMg), Mg(given+a.DoseMg), Mg(o.MaxTotalMg))
	}
	return out
}

// Validate returns EINVALID naming each item of the checklist not ticked
// (fasted, ride_home, no_driving) and the intention (required).
func (c *Checklist) Validate() error {
	c.Intention = Paragraphs(c.Intention)
	var v Validation
	if !c.Fasted {
		v.Add("fasted", "Confirm the client fasted as the practice asks.")
	}
	if !c.RideHome {
		v.Add("ride_home", "Confirm the ride home (remote: the monitor is present).")
	}
	if !c.NoDriving {
		v.Add("no_driving", "Confirm the client was told not to drive until the next day after sleep.")
	}
	checkText(&v, "intention", c.Intention, 1, MaxOrderText)
	return v.Err()
}

// DischargeItems are the discharge checklist's fields with their words.
var DischargeItems = []struct{ Field, Label, Remote string }{
	{"vitals_acceptable", "Vitals acceptable", ""},
	{"alert_oriented", "Alert and oriented", ""},
	{"walks_safely", "Walks safely", ""},
	{"dissociation_resolved", "Dissociation resolved", ""},
	{"escort", "Leaves with a responsible adult", "The monitor confirmed they are with the client"},
	{"no_driving", "Told not to drive until the next day after sleep", ""},
}

// Ticked returns whether item field is ticked on d.
func (d *Discharge) Ticked(field string) bool {
	switch field {
	case "vitals_acceptable":
		return d.VitalsAcceptable
	case "alert_oriented":
		return d.AlertOriented
	case "walks_safely":
		return d.WalksSafely
	case "dissociation_resolved":
		return d.DissociationGone
	case "escort":
		return d.Escort
	case "no_driving":
		return d.NoDriving
	}
	return false
}

// Check returns why d may not discharge run sheet rs now: EINVALID naming
// each item not ticked; ECONFLICT when it was discharged already or the
// session is not in progress; before the least observation time after the
// dose, ECONFLICT saying from when, unless d carries an override reason
// (the caller checked the medical provider's role), EINVALID on override
// when that reason is too short.
func (d *Discharge) Check(rs *RunSheet, now time.Time) error {
	d.Override = Paragraphs(d.Override)
	var v Validation
	for _, it := range DischargeItems {
		if !d.Ticked(it.Field) {
			v.Add(it.Field, "Every item of the discharge checklist is required.")
		}
	}
	if d.Override != "" && len([]rune(d.Override)) < 10 {
		v.Add("override", "Give the reason for discharging early in a sentence.")
	}
	checkText(&v, "override", d.Override, 0, MaxOrderText)
	if err := v.Err(); err != nil {
		return err
	}
	switch {
	case rs.Discharge != nil:
		return Errorf(ECONFLICT, "The client was discharged already.")
	case rs.Session.Status != SessionInProgress:
		return Errorf(ECONFLICT, "The session is %s: only a session in progress is discharged.", SessionStatusWords(rs.Session.Status))
	}
	if from := rs.DischargeFrom; !from.IsZero() && now.Before(from) {
		if d.Override == "" {
			return Errorf(ECONFLICT, "Discharge comes %d minutes after the dose, from %s UTC; a medical provider may discharge earlier with a reason.",
				rs.Rules.ObserveMinutes, from.UTC().Format("15:04"))
		}
		return nil
	}
	d.Override = "" // an override is for an early discharge only
	return nil
}

// MaxAddendum is the longest addendum, in runes.
const MaxAddendum = 4000

// MedicineService is the store of the medicine session's record (the
// doses are the controlled-substance log's, which asks DoseBlockers in its
// own transaction). Each change is one transaction that locks the session, refuses a change to
// a discharged run sheet (ECONFLICT) and queues what it causes (an email
// to the care team for a hold, an escalation or an override).
type MedicineService interface {
	// FindRunSheet returns session id's record, unworked (RunSheet.Work
	// is the caller's); ENOTFOUND when there is no such session.
	FindRunSheet(ctx context.Context, id int64) (*RunSheet, error)
	FindLatestWeight(ctx context.Context, clientID int64) (*Weight, error)
	CreateWeight(ctx context.Context, w *Weight) error
	CreateOrder(ctx context.Context, o *Order) error
	CreateObservation(ctx context.Context, o *Observation) error
	CreateHoldReview(ctx context.Context, r *HoldReview) error
	SetChecklist(ctx context.Context, sessionID int64, c *Checklist) error
	CreateDischarge(ctx context.Context, sessionID int64, d *Discharge) error
	CreateRunSheetAddendum(ctx context.Context, a *RunSheetAddendum) error
}

// MailMedicineAlert is the email the session's clinicians and the client's
// care team get at once for a hold, an escalation or an override.
const MailMedicineAlert = "medicine_alert"

// Medicine alert events: the fixed words an alert says happened.
const (
	EventHold           = "a hold on the dose"
	EventEscalation     = "an escalation"
	EventOrderOverride  = "an order past the practice's bounds"
	EventEarlyDischarge = "an early discharge"
)

// MedicineMailComposer writes the alert about a medicine session; like a
// safety alert it names neither the client nor the reading.
type MedicineMailComposer interface {
	ComposeMedicineAlert(to *User, p *Practice, sessionID int64, event string) (*Message, error)
}
