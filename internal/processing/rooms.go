package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// Locations, rooms and clinical hours: the practice's settings (admins,
// PermSettings) and each person's own hours (policy.go CanEditStaff).
// None of it is PHI; every change is audited.

// Locations returns the practice's locations to any member of staff.
func (p *Processor) Locations(ctx context.Context, a *journey.Actor) ([]*journey.Location, error) {
	if !a.Can(journey.PermStaff) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only staff see the practice's locations.")
	}
	return p.store.FindLocations(ctx)
}

// Rooms returns the practice's rooms with their hours to any member of
// staff.
func (p *Processor) Rooms(ctx context.Context, a *journey.Actor) ([]*journey.Room, error) {
	if !a.Can(journey.PermStaff) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only staff see the practice's rooms.")
	}
	return p.store.FindRooms(ctx)
}

// settingsChange refuses, audited as action, an actor who may not change
// the practice's settings.
func (p *Processor) settingsChange(ctx context.Context, a *journey.Actor, action string) error {
	if a.Can(journey.PermSettings) {
		return nil
	}
	p.Audit(ctx, a, Entry{Action: action, Outcome: journey.AuditDenied, Detail: "not an admin"})
	return journey.Errorf(journey.EFORBIDDEN, "Only an admin changes the practice's settings.")
}

// CreateLocation adds location l (an admin), audited.
func (p *Processor) CreateLocation(ctx context.Context, a *journey.Actor, l *journey.Location) error {
	if err := p.settingsChange(ctx, a, "location.create"); err != nil {
		return err
	}
	err := p.store.CreateLocation(ctx, l)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "location.create", SubjectType: "location", SubjectID: l.ID, Outcome: journey.AuditSuccess})
	}
	return err
}

// CreateRoom adds room r with its hours (an admin), audited.
func (p *Processor) CreateRoom(ctx context.Context, a *journey.Actor, r *journey.Room, via string) error {
	if err := p.settingsChange(ctx, a, "room.create"); err != nil {
		return err
	}
	err := p.store.CreateRoom(ctx, r)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "room.create", SubjectType: "room", SubjectID: r.ID, Outcome: journey.AuditSuccess, Detail: via})
	}
	return err
}

// SetRoomHours replaces room id's hours (an admin), audited.
func (p *Processor) SetRoomHours(ctx context.Context, a *journey.Actor, id int64, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error {
	if err := p.settingsChange(ctx, a, "room.update"); err != nil {
		return err
	}
	err := p.store.SetRoomHours(ctx, id, weekly, exceptions)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "room.update", SubjectType: "room", SubjectID: id, Outcome: journey.AuditSuccess, Detail: "hours"})
	}
	return err
}

// StaffHours returns member of staff id's clinical hours to any member of
// staff (a calendar shows whose hours are whose).
func (p *Processor) StaffHours(ctx context.Context, a *journey.Actor, id int64) (*journey.StaffHours, error) {
	if !a.Can(journey.PermStaff) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only staff see clinical hours.")
	}
	return p.store.FindStaffHours(ctx, id)
}

// SetStaffHours replaces h.StaffID's clinical hours and zone: their own,
// or anyone's for an admin (policy.go CanEditStaff), audited either way.
func (p *Processor) SetStaffHours(ctx context.Context, a *journey.Actor, h *journey.StaffHours, via string) error {
	if !a.CanEditStaff(h.StaffID) {
		p.Audit(ctx, a, Entry{Action: "staff.hours", SubjectType: "user", SubjectID: h.StaffID, Outcome: journey.AuditDenied, Detail: "not their own"})
		return journey.Errorf(journey.EFORBIDDEN, "You may change only your own hours.")
	}
	err := p.store.SetStaffHours(ctx, h)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "staff.hours", SubjectType: "user", SubjectID: h.StaffID, Outcome: journey.AuditSuccess, Detail: "clinical hours" + via})
	}
	return err
}

// UpdateSessionType stores the practice's settings of one session type
// (an admin), audited.
func (p *Processor) UpdateSessionType(ctx context.Context, a *journey.Actor, t *journey.SessionType, via string) error {
	if err := p.settingsChange(ctx, a, "session_type.update"); err != nil {
		return err
	}
	err := p.store.UpdateSessionType(ctx, t)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "session_type.update", SubjectType: "session_type", SubjectID: t.Code, Outcome: journey.AuditSuccess,
			Detail: fmt.Sprintf("%d min, buffer %d, lead %d h, clients book: %v%s", t.Minutes, t.BufferMinutes, t.LeadHours, t.ClientBooks, via)})
	}
	return err
}

// SessionCancelHours returns how long before a session a cancellation
// counts as late.
func (p *Processor) SessionCancelHours(ctx context.Context) (int, error) {
	return p.store.SessionCancelHours(ctx)
}

// SetSessionCancelHours sets it (an admin), audited.
func (p *Processor) SetSessionCancelHours(ctx context.Context, a *journey.Actor, hours int, via string) error {
	if err := p.settingsChange(ctx, a, "practice.update"); err != nil {
		return err
	}
	err := p.store.SetSessionCancelHours(ctx, hours)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "practice.update", SubjectType: "practice", Outcome: journey.AuditSuccess,
			Detail: fmt.Sprintf("session cancel notice %d h%s", hours, via)})
	}
	return err
}
