package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// editStaff refuses an actor who may not change staff member id (policy.go:
// CanEditStaff) with "not found", so staff ids cannot be probed.
func editStaff(a *journey.Actor, id int64) error {
	if !a.CanEditStaff(id) {
		return journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
	}
	return nil
}

// UpdateStaffProfile saves staff member pr.ID's profile: their own, or
// anyone's for one who manages staff. It is audited either way, with via.
func (p *Processor) UpdateStaffProfile(ctx context.Context, a *journey.Actor, pr *journey.StaffProfile, via string) error {
	if err := editStaff(a, pr.ID); err != nil {
		return err
	}
	if err := p.store.UpdateStaffProfile(ctx, pr); err != nil {
		return p.failed(ctx, a, "staff.profile.update", "user", pr.ID, err, "")
	}
	p.Audit(ctx, a, Entry{Action: "staff.profile.update", SubjectType: "user", SubjectID: pr.ID, Outcome: journey.AuditSuccess, Detail: via})
	return nil
}

// SetConsultHours saves staff member id's weekly consult hours, as
// UpdateStaffProfile does; invalid is the caller's refusal of what was
// typed.
func (p *Processor) SetConsultHours(ctx context.Context, a *journey.Actor, id int64, h *journey.ConsultHours, invalid error) error {
	if err := editStaff(a, id); err != nil {
		return err
	}
	if err := attempt(invalid, func() error { return p.store.SetConsultHours(ctx, id, h) }); err != nil {
		return p.failed(ctx, a, "staff.hours.update", "user", id, err, "")
	}
	p.Audit(ctx, a, Entry{Action: "staff.hours.update", SubjectType: "user", SubjectID: id, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("windows=%d", len(h.Weekly))})
	return nil
}
