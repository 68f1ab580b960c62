package processing

import (
	"context"
	"fmt"
	"strings"

	"github.com/journey-kap/journey"
)

// The medicine session's run sheet: the order, the checklist, readings,
// the prescriber's review of a hold, doses, discharge and addenda. Each
// method checks the rule of policy.go (a session the actor may not see
// is "not found"; a role that may not act is EFORBIDDEN), calls the store
// (which locks the session and refuses what its state does not allow)
// and audits either way; a hold, an escalation and an override are
// audited by name (the store mails the care team in the same
// transaction).

// MedicineStore is what the run sheet reads and changes (sqldb's
// medicine.go).
type MedicineStore interface {
	journey.MedicineService
}

// medicineSession returns session id and its client when the actor may
// see its run sheet (policy.go CanSeeRunSheet) and may do what allowed
// says; a session they may not see, or one that is not a medicine
// session, is "not found"; one they see but whose run sheet they may not
// (front desk, admins, the client) or a role that may not act (refusal)
// is EFORBIDDEN; each audited as action.
func (p *Processor) medicineSession(ctx context.Context, a *journey.Actor, id int64, action, refusal string,
	allowed func(*journey.Actor, *journey.CareSession, *journey.Client) bool) (*journey.CareSession, *journey.Client, error) {
	s, err := p.store.FindCareSession(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var c *journey.Client
	if s.ClientID != 0 {
		if c, err = p.store.FindClientByID(ctx, s.ClientID); err != nil {
			return nil, nil, err
		}
	}
	if s.Type != journey.TypeMedicine || c == nil || !a.CanSeeSession(s, c) {
		return nil, nil, p.denied(ctx, a, action, "session", id, "no run sheet of theirs", "Session not found.")
	}
	if !a.CanSeeRunSheet(s, c) { // front desk, admins, the client: the session, never its medical record
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "clinical"})
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "The run sheet is the session's medical record: only its team and the client's clinicians see it.")
	}
	if allowed != nil && !allowed(a, s, c) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "role"})
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "%s", refusal)
	}
	return s, c, nil
}

// RunSheet returns session id's run sheet worked out now, as the actor may
// see it: in full with the gates for its clinicians; for a chaperone the
// timing and vitals only (Limited). The read is audited with via.
func (p *Processor) RunSheet(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.RunSheet, error) {
	s, c, err := p.medicineSession(ctx, a, id, "runsheet.read", "", nil)
	if err != nil {
		return nil, err
	}
	rs, err := p.store.FindRunSheet(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	rs.Work(p.store.Time())
	rs.Client = c.Name
	if a.RunSheetInFull(s, c) {
		if rs.Discharge == nil && rs.Session.Status != journey.SessionCompleted {
			if rs.Gates, err = p.StartGates(ctx, c, rs.Session); err != nil {
				return nil, err
			}
		}
	} else {
		limitRunSheet(rs)
		p.limit(ctx, rs.Session)
		rs.Client = rs.Session.FirstName
	}
	p.Audit(ctx, a, Entry{Action: "runsheet.read", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess, Detail: "run sheet" + via})
	return rs, nil
}

// limitRunSheet cuts rs to a chaperone's view: the timing and the
// readings, never the order, the checklist, a note or a dose.
func limitRunSheet(rs *journey.RunSheet) {
	rs.Limited, rs.Order, rs.Checklist, rs.Addenda, rs.Gates, rs.CheckIn = true, nil, nil, nil, nil, nil
	for _, r := range rs.Reviews {
		r.Note = ""
	}
	for _, a := range rs.Administrations {
		*a = journey.Administration{ID: a.ID, SessionID: a.SessionID, AdministeredAt: a.AdministeredAt, Booster: a.Booster}
	}
}

// OrderDose records the medical provider's order o for session id
// (policy.go CanOrderDose; others EFORBIDDEN). weightKg > 0 records the
// client's weight measured now first; the order's mg/kg is from the
// latest weight. EINVALID naming the wrong fields (override among them
// when a bound is passed without a reason); an order past a bound is
// audited with its reason.
func (p *Processor) OrderDose(ctx context.Context, a *journey.Actor, id int64, o *journey.Order, weightKg float64, via string) error {
	s, c, err := p.medicineSession(ctx, a, id, "medicine.order", "Only a medical provider orders or changes a dose.", (*journey.Actor).CanOrderDose)
	if err != nil {
		return err
	}
	o.SessionID, o.OrderedBy = s.ID, a.ID()
	err = p.orderDose(ctx, a, c, o, weightKg)
	detail := fmt.Sprintf("order %d%s", o.ID, refusalOf(err))
	if err == nil && o.Override != "" {
		detail += " override"
	}
	p.Audit(ctx, a, Entry{Action: "medicine.order", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err), Reason: o.Override, Detail: detail + via})
	return err
}

func (p *Processor) orderDose(ctx context.Context, a *journey.Actor, c *journey.Client, o *journey.Order, weightKg float64) error {
	if weightKg != 0 {
		if err := p.store.CreateWeight(ctx, &journey.Weight{ClientID: c.ID, Kg: weightKg, By: a.ID()}); err != nil {
			return err
		}
	}
	w, err := p.store.FindLatestWeight(ctx, c.ID)
	switch {
	case err == nil:
		o.WeightKg = w.Kg
	case journey.ErrorCode(err) != journey.ENOTFOUND:
		return err
	}
	return p.store.CreateOrder(ctx, o)
}

// RecordVitals records reading o on session id's run sheet (policy.go
// CanChartSession) and returns it with its flags; a hold or escalation is
// audited by name. EINVALID naming the wrong fields.
func (p *Processor) RecordVitals(ctx context.Context, a *journey.Actor, id int64, o *journey.Observation, via string) error {
	s, _, err := p.medicineSession(ctx, a, id, "runsheet.vitals", "Only the session's team records readings.", (*journey.Actor).CanChartSession)
	if err != nil {
		return err
	}
	o.SessionID, o.By, o.ID = s.ID, a.ID(), 0
	err = p.store.CreateObservation(ctx, o)
	detail := o.Phase + refusalOf(err)
	if err == nil {
		detail = fmt.Sprintf("%s observation %d%s", o.Phase, o.ID, flagActions(o.Flags))
	}
	p.Audit(ctx, a, Entry{Action: "runsheet.vitals", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err), Detail: detail + via})
	return err
}

// flagActions names the actions of flags other than a note: " hold,
// escalate".
func flagActions(flags []journey.Flag) string {
	var out []string
	for _, f := range flags {
		if f.Action != journey.ActionFlag {
			out = append(out, f.Action+" "+f.Code)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return ": " + strings.Join(out, ", ")
}

// RecordChecklist records the pre-dose checklist of session id (policy.go
// CanRunMedicine); whether the consent is current is read from the
// client's signatures, never ticked.
func (p *Processor) RecordChecklist(ctx context.Context, a *journey.Actor, id int64, cl *journey.Checklist, via string) error {
	s, c, err := p.medicineSession(ctx, a, id, "runsheet.checklist", "Only the session's clinicians do the checklist.", (*journey.Actor).CanRunMedicine)
	if err != nil {
		return err
	}
	unsigned, err := p.unsignedConsents(ctx, c.ID)
	if err != nil {
		return err
	}
	cl.ConsentActive, cl.By = len(unsigned) == 0, a.ID()
	err = p.store.SetChecklist(ctx, s.ID, cl)
	p.Audit(ctx, a, Entry{Action: "runsheet.checklist", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err), Detail: "checklist" + refusalOf(err) + via})
	return err
}

// ReviewHold records the medical provider's review of the flagged readings
// (policy.go CanOrderDose), which resolves them once the client was
// re-measured; ECONFLICT when nothing waits or a re-measure comes first.
func (p *Processor) ReviewHold(ctx context.Context, a *journey.Actor, id int64, note, via string) (*journey.HoldReview, error) {
	s, _, err := p.medicineSession(ctx, a, id, "runsheet.review", "Only a medical provider reviews a hold.", (*journey.Actor).CanOrderDose)
	if err != nil {
		return nil, err
	}
	r := &journey.HoldReview{SessionID: s.ID, Note: note, By: a.ID()}
	err = p.store.CreateHoldReview(ctx, r)
	p.Audit(ctx, a, Entry{Action: "runsheet.review", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("review up to observation %d%s%s", r.ObservationID, refusalOf(err), via)})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DoseBlockers returns why session s (client c) may not be dosed now,
// each an unmet gate: the session's gates as at its start
// (EvaluateGates), then the run sheet's (journey.RunSheet.DoseBlockers);
// none when it may. The administration calls it before its transaction,
// which checks the run sheet's again under the session's lock.
func (p *Processor) DoseBlockers(ctx context.Context, s *journey.CareSession, c *journey.Client) ([]journey.Gate, error) {
	gates, err := p.StartGates(ctx, c, s)
	if err != nil {
		return nil, err
	}
	rs, err := p.store.FindRunSheet(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	rs.Work(p.store.Time())
	return append(journey.Unmet(gates), rs.DoseBlockers(nil)...), nil
}

// MayDose returns nil when session id may be dosed now, else ECONFLICT
// listing each reason as an unmet gate (DoseBlockers), for an actor who
// may record a dose (policy.go CanRunMedicine). Unaudited: the
// administration that asks audits its own outcome.
func (p *Processor) MayDose(ctx context.Context, a *journey.Actor, id int64) error {
	s, c, err := p.medicineSession(ctx, a, id, "medicine.administration", "Only the session's clinicians record a dose.", (*journey.Actor).CanRunMedicine)
	if err != nil {
		return err
	}
	return p.mayDose(ctx, s, c)
}

func (p *Processor) mayDose(ctx context.Context, s *journey.CareSession, c *journey.Client) error {
	bs, err := p.DoseBlockers(ctx, s, c)
	if err != nil {
		return err
	}
	if len(bs) > 0 {
		return &journey.Error{Code: journey.ECONFLICT, Message: "This session cannot be dosed now.", Gates: bs}
	}
	return nil
}

// Discharge discharges session id's client (policy.go CanRunMedicine; an
// early discharge's override only by a medical provider, CanOrderDose,
// else EFORBIDDEN) and completes the session; an override is audited with
// its reason.
func (p *Processor) Discharge(ctx context.Context, a *journey.Actor, id int64, d *journey.Discharge, via string) error {
	s, c, err := p.medicineSession(ctx, a, id, "runsheet.discharge", "Only the session's clinicians discharge a client.", (*journey.Actor).CanRunMedicine)
	if err != nil {
		return err
	}
	d.By = a.ID()
	if d.Override = journey.Paragraphs(d.Override); d.Override != "" && !a.CanOrderDose(s, c) {
		p.Audit(ctx, a, Entry{Action: "runsheet.discharge", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "override by role"})
		return journey.Errorf(journey.EFORBIDDEN, "Only a medical provider discharges before the observation time.")
	}
	err = p.store.CreateDischarge(ctx, s.ID, d)
	detail := "discharge"
	if err == nil && d.Override != "" {
		detail += " override"
	}
	p.Audit(ctx, a, Entry{Action: "runsheet.discharge", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err), Reason: d.Override,
		Detail: detail + refusalOf(err) + via})
	return err
}

// AddRunSheetAddendum adds text to session id's discharged run sheet
// (policy.go CanRunMedicine).
func (p *Processor) AddRunSheetAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.RunSheetAddendum, error) {
	s, _, err := p.medicineSession(ctx, a, id, "runsheet.addendum", "Only the session's clinicians add to its run sheet.", (*journey.Actor).CanRunMedicine)
	if err != nil {
		return nil, err
	}
	ad := &journey.RunSheetAddendum{SessionID: s.ID, Text: text, By: a.ID()}
	err = p.store.CreateRunSheetAddendum(ctx, ad)
	p.Audit(ctx, a, Entry{Action: "runsheet.addendum", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("addendum %d%s%s", ad.ID, refusalOf(err), via)})
	if err != nil {
		return nil, err
	}
	return ad, nil
}
