package processing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// SessionStore is what booking and running care sessions read and change
// (sqldb's caresession*.go and room.go).
type SessionStore interface {
	FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error)
	FindCareSessions(ctx context.Context, f journey.CareSessionFilter) ([]*journey.CareSession, error)
	CreateCareSession(ctx context.Context, r *journey.SessionRequest, by int64) (*journey.CareSession, error)
	MoveCareSession(ctx context.Context, id int64, start time.Time, providerID, by int64) (*journey.CareSession, error)
	SetCareSessionOnCall(ctx context.Context, id, onCallID, by int64) (*journey.CareSession, error)
	CancelCareSession(ctx context.Context, id int64, reason string, by int64) (*journey.CareSession, error)
	ChangeCareSessionStatus(ctx context.Context, id int64, action string, by int64) (*journey.CareSession, error)
	AddSessionAttendee(ctx context.Context, id, clientID, by int64) (*journey.CareSession, error)
	RemoveSessionAttendee(ctx context.Context, id, clientID, by int64) (*journey.CareSession, error)
	UpdateSessionType(ctx context.Context, t *journey.SessionType) error
	SessionCancelHours(ctx context.Context) (int, error)
	SetSessionCancelHours(ctx context.Context, hours int) error
	journey.RoomService
	journey.StaffHoursService
}

// sessionType returns the practice's type code; EINVALID on "type" when
// there is none.
func (p *Processor) sessionType(ctx context.Context, code string) (*journey.SessionType, error) {
	ts, err := p.store.FindSessionTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Code == code {
			return t, nil
		}
	}
	var v journey.Validation
	v.Add("type", "Choose a session type.")
	return nil, v.Err()
}

// SessionTypes returns the practice's session types: what any signed-in
// person may read (no record, no audit).
func (p *Processor) SessionTypes(ctx context.Context) ([]*journey.SessionType, error) {
	return p.store.FindSessionTypes(ctx)
}

// sessionClient returns the client session s is seen through by the
// actor: a client themselves; otherwise its client, or (a group) nil.
func (p *Processor) sessionClient(ctx context.Context, a *journey.Actor, s *journey.CareSession) (*journey.Client, error) {
	if a.Can(journey.PermPortal) {
		return p.store.FindClientByUserID(ctx, a.ID())
	}
	if s.ClientID == 0 {
		return nil, nil
	}
	return p.store.FindClientByID(ctx, s.ClientID)
}

// session returns session id when the actor may see it (policy.go:
// CanSeeSession), limited to what a chaperone may see
// (SessionInFull); one they may not see is "not found", audited as
// action. It returns the client the session was seen through too.
func (p *Processor) session(ctx context.Context, a *journey.Actor, id int64, action string) (*journey.CareSession, *journey.Client, error) {
	s, err := p.store.FindCareSession(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := p.sessionClient(ctx, a, s)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, nil, err
	}
	if !a.CanSeeSession(s, c) {
		return nil, nil, p.denied(ctx, a, action, "session", s.ID, "not theirs to see", "Session not found.")
	}
	if s.OnCallID != 0 {
		if u, err := p.store.FindUserByID(ctx, s.OnCallID); err == nil {
			s.OnCallName = u.Name
		}
	}
	if !a.SessionInFull(s) {
		p.limit(ctx, s)
	}
	return s, c, nil
}

// limit cuts session s to a chaperone's view: the time, the place (room
// and mode) and the team, with the client's first name; never the route,
// a cancellation's reason or whether it was late.
func (p *Processor) limit(ctx context.Context, s *journey.CareSession) {
	s.Route, s.CancelReason, s.LateCancel = "", "", false
	if s.ClientID != 0 {
		if c, err := p.store.FindClientByID(ctx, s.ClientID); err == nil {
			s.FirstName, _, _ = strings.Cut(c.Name, " ")
		}
	}
	s.ClientID, s.Attendees, s.OnCallID = 0, nil, 0 // the on-call contact by name only
}

// CareSession returns session id as the actor may see it and audits the
// read; via ends the entry's detail (" via api").
func (p *Processor) CareSession(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.CareSession, error) {
	s, _, err := p.session(ctx, a, id, "session.read")
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "session.read", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess, Detail: "session" + via})
	return s, nil
}

// CareSessions lists the sessions f selects within those the actor may
// list (policy.go SessionScope): front desk and admins any; a client only
// their own; a clinician a care-team client's, or else the sessions they
// are in; a chaperone the sessions they are assigned to, limited. The
// list is audited as read.
func (p *Processor) CareSessions(ctx context.Context, a *journey.Actor, f journey.CareSessionFilter, via string) ([]*journey.CareSession, error) {
	switch scope := a.SessionScope(); {
	case a.Can(journey.PermPortal):
		c, err := p.store.FindClientByUserID(ctx, a.ID())
		if err != nil {
			return nil, err
		}
		f.ClientID, f.StaffID, f.RoomID = c.ID, 0, 0
	case scope < 0:
		return nil, journey.Errorf(journey.EFORBIDDEN, "You do not have access to sessions.")
	case scope > 0 && f.ClientID != 0 && f.StaffID == 0 && p.onCareTeam(ctx, a, f.ClientID):
		// a clinician's own client: every session of theirs
	case scope > 0:
		if f.StaffID != 0 && f.StaffID != scope {
			return nil, journey.Errorf(journey.EFORBIDDEN, "You may list only the sessions you are in.")
		}
		f.StaffID = scope
	}
	ss, err := p.store.FindCareSessions(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if !a.SessionInFull(s) {
			p.limit(ctx, s)
		}
	}
	p.Audit(ctx, a, Entry{Action: "session.list", SubjectType: "session", Outcome: journey.AuditSuccess,
		Detail: IDList("sessions", ss, func(s *journey.CareSession) int64 { return s.ID }) + via})
	return ss, nil
}

// onCareTeam reports whether the actor (a therapist or medical provider)
// is on client id's care team.
func (p *Processor) onCareTeam(ctx context.Context, a *journey.Actor, id int64) bool {
	if !a.Has(journey.RoleTherapist) && !a.Has(journey.RoleMedicalProvider) {
		return false
	}
	c, err := p.store.FindClientByID(ctx, id)
	return err == nil && c.OnCareTeam(a.ID())
}

// bookable returns the client and type of a booking or change by the
// actor (policy.go CanBookSession): a client they may not see is "not
// found", a type they may not book EFORBIDDEN, both audited as action.
func (p *Processor) bookable(ctx context.Context, a *journey.Actor, clientID int64, code, action string) (*journey.Client, *journey.SessionType, error) {
	if !a.Can(journey.PermSessionsWrite) && !a.Can(journey.PermPortal) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: clientID, Outcome: journey.AuditDenied, Detail: "may not book"})
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "You may not book sessions.")
	}
	var c *journey.Client
	var err error
	if clientID == 0 && a.Can(journey.PermPortal) {
		c, err = p.store.FindClientByUserID(ctx, a.ID())
	} else {
		c, err = p.Client(ctx, a, clientID, action, (*journey.Actor).CanSeeClient)
	}
	if journey.ErrorCode(err) == journey.ENOTFOUND && clientID != 0 {
		var v journey.Validation
		v.Add("client_id", "Choose the client.")
		return nil, nil, v.Err()
	} else if err != nil {
		return nil, nil, err
	}
	t, err := p.sessionType(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	if !a.CanBookSession(c, t) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "type " + t.Code})
		if a.IsClient(c) {
			// Not the type's name: "a medicine session session".
			return nil, nil, journey.Errorf(journey.EFORBIDDEN, "Please ask the practice to book this kind of session for you.")
		}
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "You may book sessions only for the clients on your care team.")
	}
	return c, t, nil
}

// BookSession books r (policy.go CanBookSession; a client for themselves,
// with their care team's therapist when they name none) and audits the
// booking either way. A medicine session is booked only when every gate
// holds (ECONFLICT with the unmet Gates); a person or room not free is
// ECONFLICT with the Conflicts. via ends the entry's detail.
func (p *Processor) BookSession(ctx context.Context, a *journey.Actor, r *journey.SessionRequest, via string) (*journey.CareSession, error) {
	c, t, err := p.bookable(ctx, a, r.ClientID, r.Type, "session.create")
	if err != nil {
		return nil, err
	}
	r.ClientID = c.ID
	if r.TherapistID == 0 && t.NeedsIn(journey.NeedTherapist, r.Mode) && a.IsClient(c) {
		r.TherapistID = c.TherapistID()
	}
	if err := p.chooseFromSlot(ctx, t, r); err != nil {
		return nil, err
	}
	s, err := p.gated(ctx, c, r, 0, func() (*journey.CareSession, error) { return p.store.CreateCareSession(ctx, r, a.ID()) })
	if err != nil {
		p.Audit(ctx, a, Entry{Action: "session.create", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditFailure,
			Detail: fmt.Sprintf("%s refused: %s%s", r.Type, refusal(err), via)})
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "session.create", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s for client %d%s", s.Type, c.ID, via)})
	p.estimateOnBooking(ctx, a, c, s, via)
	return s, nil
}

// gated runs do unless r is a medicine session with an unmet gate.
func (p *Processor) gated(ctx context.Context, c *journey.Client, r *journey.SessionRequest, sessionID int64, do func() (*journey.CareSession, error)) (*journey.CareSession, error) {
	if r.Type == journey.TypeMedicine {
		if err := r.Validate(p.store.Time()); err != nil {
			return nil, err // the gates read the mode and route: check them first
		}
		gates, err := p.BookingGates(ctx, c, r, sessionID)
		if err != nil {
			return nil, err
		}
		if err := GatesRefusal(gates); err != nil {
			return nil, err
		}
	}
	return do()
}

// refusal says in a few words, with no PHI, why a change was refused.
func refusal(err error) string {
	je, ok := err.(*journey.Error)
	if !ok {
		return "error"
	}
	var parts []string
	for _, g := range je.Gates {
		parts = append(parts, "gate "+g.Code)
	}
	for _, c := range je.Conflicts {
		parts = append(parts, fmt.Sprintf("%s %d", c.Resource, c.ID))
	}
	for _, f := range je.Fields {
		parts = append(parts, "field "+f.Field)
	}
	if len(parts) == 0 {
		return je.Code
	}
	return je.Code + " (" + strings.Join(parts, ", ") + ")"
}

// changeable returns session id and its client for a change by the
// actor: one they may see and may book (CanBookSession).
func (p *Processor) changeable(ctx context.Context, a *journey.Actor, id int64, action string) (*journey.CareSession, *journey.Client, error) {
	s, c, err := p.session(ctx, a, id, action)
	if err != nil {
		return nil, nil, err
	}
	if c == nil { // a group, seen by staff
		if ids := journey.SessionClients(s); len(ids) > 0 {
			c, err = p.store.FindClientByID(ctx, ids[0])
			if err != nil {
				return nil, nil, err
			}
		}
	}
	t, err := p.sessionType(ctx, s.Type)
	if err != nil {
		return nil, nil, err
	}
	if c == nil || !a.CanBookSession(c, t) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "may not change it"})
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "You may not change this session.")
	}
	return s, c, nil
}

// RescheduleSession moves session id to start (the same rules as a
// booking, gates included), audited either way.
func (p *Processor) RescheduleSession(ctx context.Context, a *journey.Actor, id int64, start time.Time, via string) (*journey.CareSession, error) {
	return p.MoveSession(ctx, a, id, start, 0, via)
}

// MoveSession moves session id to start as RescheduleSession does and,
// when providerID is neither 0 nor its medical provider, to that medical
// provider (an on-call contact who was the old one follows: the store's
// MoveCareSession), audited either way.
func (p *Processor) MoveSession(ctx context.Context, a *journey.Actor, id int64, start time.Time, providerID int64, via string) (*journey.CareSession, error) {
	s, c, err := p.changeable(ctx, a, id, "session.update")
	if err != nil {
		return nil, err
	}
	r := &journey.SessionRequest{ClientID: c.ID, Type: s.Type, Start: start, Mode: s.Mode, Route: s.Route, TherapistID: s.TherapistID,
		MedicalProviderID: s.MedicalProviderID, ChaperoneID: s.ChaperoneID, RoomID: s.RoomID}
	detail := "reschedule"
	if providerID != 0 && providerID != s.MedicalProviderID {
		r.MedicalProviderID, detail = providerID, fmt.Sprintf("reschedule to medical provider %d", providerID)
	}
	moved, err := p.gated(ctx, c, r, s.ID, func() (*journey.CareSession, error) {
		return p.store.MoveCareSession(ctx, s.ID, start, providerID, a.ID())
	})
	p.Audit(ctx, a, Entry{Action: "session.update", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: detail + refusalOf(err) + via})
	return moved, err
}

// SetSessionOnCall names onCallID the on-call medical contact of session
// id, for those who may change it (as for a move), audited either way.
func (p *Processor) SetSessionOnCall(ctx context.Context, a *journey.Actor, id, onCallID int64, via string) (*journey.CareSession, error) {
	s, _, err := p.changeable(ctx, a, id, "session.update")
	if err != nil {
		return nil, err
	}
	changed, err := p.store.SetCareSessionOnCall(ctx, s.ID, onCallID, a.ID())
	p.Audit(ctx, a, Entry{Action: "session.update", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("on call %d", onCallID) + refusalOf(err) + via})
	return changed, err
}

// refusalOf is ": " and refusal(err), or "" when err is nil.
func refusalOf(err error) string {
	if err == nil {
		return ""
	}
	return ": " + refusal(err)
}

// CancelSession cancels session id for reason (required), audited with
// the reason; the session says whether it was late.
func (p *Processor) CancelSession(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.CareSession, error) {
	s, _, err := p.changeable(ctx, a, id, "session.cancel")
	if err != nil {
		return nil, err
	}
	cancelled, err := p.store.CancelCareSession(ctx, s.ID, reason, a.ID())
	if err != nil {
		p.Audit(ctx, a, Entry{Action: "session.cancel", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditFailure, Detail: refusal(err) + via})
		return nil, err
	}
	late := "on time"
	if cancelled.LateCancel {
		late = "late"
	}
	p.Audit(ctx, a, Entry{Action: "session.cancel", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess,
		Reason: cancelled.CancelReason, Detail: late + via})
	if cancelled.LateCancel {
		p.chargeSession(ctx, a, cancelled, journey.EventLateCancel, 0, via)
	}
	return cancelled, nil
}

// RunSession checks session id in, starts, completes it or marks a
// no-show (action, journey.Action…; policy.go CanRunSession). A medicine
// session starts only when its gates hold again at that moment (ECONFLICT
// with the unmet Gates). Audited either way.
func (p *Processor) RunSession(ctx context.Context, a *journey.Actor, id int64, action, via string) (*journey.CareSession, error) {
	return p.RunSessionMinutes(ctx, a, id, action, 0, via)
}

// RunSessionMinutes is RunSession with the minutes the clinician recorded
// for a completed session (0: its scheduled length; else 1–600), which
// choose a time-based service code. Completing it, or marking a no-show,
// makes its charges in the same request (charges.go), whatever happens
// to them.
func (p *Processor) RunSessionMinutes(ctx context.Context, a *journey.Actor, id int64, action string, minutes int, via string) (*journey.CareSession, error) {
	if minutes != 0 && (action != journey.ActionComplete || minutes < 1 || minutes > journey.MaxSessionMinutes) {
		var v journey.Validation
		v.Add("minutes", fmt.Sprintf("Enter the session's minutes, from 1 to %d, when completing it.", journey.MaxSessionMinutes))
		return nil, v.Err()
	}
	s, c, err := p.session(ctx, a, id, "session.status")
	if err != nil {
		return nil, err
	}
	if !a.CanRunSession(s) {
		p.Audit(ctx, a, Entry{Action: "session.status", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: action})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the session's clinicians and the front desk run a session.")
	}
	err = nil
	if action == journey.ActionStart && s.Type == journey.TypeMedicine && c != nil {
		var gates []journey.Gate
		if gates, err = p.StartGates(ctx, c, s); err == nil {
			err = GatesRefusal(gates)
		}
	}
	var changed *journey.CareSession
	if err == nil {
		changed, err = p.store.ChangeCareSessionStatus(ctx, s.ID, action, a.ID())
	}
	p.Audit(ctx, a, Entry{Action: "session.status", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: action + refusalOf(err) + via})
	if err == nil && minutes > 0 {
		if err := p.store.RecordSessionMinutes(ctx, s.ID, minutes); err != nil {
			p.Audit(ctx, a, Entry{Action: "session.status", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditFailure,
				Detail: "minutes not recorded: " + refusal(err) + via})
		}
	}
	if err == nil && (action == journey.ActionComplete || action == journey.ActionNoShow) {
		p.chargeSession(ctx, a, changed, journey.BillingEvent(changed), minutes, via)
	}
	return changed, err
}

// chooseFromSlot fills the people and room r leaves 0 from the slot the
// slot engine offers at r.Start with those r names, when there is one;
// otherwise they stay 0 and the store names each missing one.
func (p *Processor) chooseFromSlot(ctx context.Context, t *journey.SessionType, r *journey.SessionRequest) error {
	missing := false
	for _, need := range t.Needs {
		if t.NeedsIn(need, r.Mode) && requestHolds(r, need) == 0 {
			missing = true
		}
	}
	if !missing || r.Start.IsZero() || (r.Mode != journey.ModeInPerson && r.Mode != journey.ModeRemote) {
		return nil
	}
	slots, err := p.store.FindSessionSlots(ctx, journey.SessionSlotQuery{ClientID: r.ClientID, Type: r.Type, Mode: r.Mode,
		From: r.Start, To: r.Start.Add(time.Minute), TherapistID: r.TherapistID, MedicalProviderID: r.MedicalProviderID,
		ChaperoneID: r.ChaperoneID, RoomID: r.RoomID})
	if journey.ErrorCode(err) == journey.EINVALID {
		return nil // the request's own checks name what is wrong
	} else if err != nil {
		return err
	}
	for _, sl := range slots {
		if sl.Start.Equal(r.Start) {
			r.TherapistID, r.MedicalProviderID, r.ChaperoneID = sl.TherapistID, sl.MedicalProviderID, sl.ChaperoneID
			r.RoomID = sl.RoomID
			return nil
		}
	}
	return nil
}

// requestHolds returns the id r names in role.
func requestHolds(r *journey.SessionRequest, role string) int64 {
	sl := journey.SessionSlot{TherapistID: r.TherapistID, MedicalProviderID: r.MedicalProviderID, ChaperoneID: r.ChaperoneID, RoomID: r.RoomID}
	return sl.Holds(role)
}

// JoinGroup adds client clientID (a client leaves it 0: themselves) to
// group session id, when the actor may book that type for them (policy.go
// CanBookSession); the store checks the group's capacity and the client's
// time in one transaction. Audited either way.
func (p *Processor) JoinGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error) {
	return p.attendance(ctx, a, id, clientID, "join", via, p.store.AddSessionAttendee)
}

// LeaveGroup takes client clientID (0: the client themselves) out of group
// session id, as JoinGroup adds them.
func (p *Processor) LeaveGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error) {
	return p.attendance(ctx, a, id, clientID, "leave", via, p.store.RemoveSessionAttendee)
}

func (p *Processor) attendance(ctx context.Context, a *journey.Actor, id, clientID int64, what, via string,
	change func(ctx context.Context, id, clientID, by int64) (*journey.CareSession, error)) (*journey.CareSession, error) {
	s, err := p.store.FindCareSession(ctx, id)
	if err != nil {
		return nil, err
	}
	c, _, err := p.bookable(ctx, a, clientID, s.Type, "session.attendee")
	if err != nil {
		return nil, err
	}
	changed, err := change(ctx, s.ID, c.ID, a.ID())
	p.Audit(ctx, a, Entry{Action: "session.attendee", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s: client %d%s%s", what, c.ID, refusalOf(err), via)})
	if err != nil {
		return nil, err
	}
	if what == "join" {
		p.estimateOnBooking(ctx, a, c, changed, via)
	}
	if !a.SessionInFull(changed) {
		p.limit(ctx, changed)
	}
	return changed, nil
}
