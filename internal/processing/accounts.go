package processing

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// CreateAPIToken gives the actor a personal access token named name that
// expires at expires, and returns it: the only time it is shown, as the
// store keeps its hash. The staff pages and `journey tokens create` both
// call it; detail says which.
func (p *Processor) CreateAPIToken(ctx context.Context, a *journey.Actor, name string, expires time.Time, detail string) (string, error) {
	token, hash, err := auth.NewToken(auth.PrefixPersonalAccessToken)
	if err != nil {
		return "", err
	}
	id, err := p.store.CreateAPIToken(ctx, a.ID(), name, hash, expires)
	if err != nil {
		return "", err
	}
	p.Audit(ctx, a, Entry{Action: "token.create", SubjectType: "token", SubjectID: id, Outcome: journey.AuditSuccess, Detail: detail})
	return token, nil
}

// RevokeAPIToken ends one of the actor's own tokens; another's, or one
// gone, is refused by the store and audited as denied.
func (p *Processor) RevokeAPIToken(ctx context.Context, a *journey.Actor, id int64) error {
	return p.ownChange(ctx, a, "token.revoke", "token", id, p.store.RevokeAPIToken(ctx, a.ID(), id))
}

// EndSession signs out one of the actor's own devices, as RevokeAPIToken.
func (p *Processor) EndSession(ctx context.Context, a *journey.Actor, id int64) error {
	return p.ownChange(ctx, a, "session.end", "session", id, p.store.EndUserSession(ctx, a.ID(), id))
}

// ownChange audits a change to one of the actor's own records: denied when
// the store refused it.
func (p *Processor) ownChange(ctx context.Context, a *journey.Actor, action, kind string, id int64, err error) error {
	if err != nil {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: kind, SubjectID: id, Outcome: journey.AuditDenied, Detail: "not theirs, or gone"})
		return err
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: kind, SubjectID: id, Outcome: journey.AuditSuccess})
	return nil
}

// StaffMember returns the member of staff with id: ENOTFOUND for no user or
// one who is not staff, and the store's error when it cannot tell.
func (p *Processor) StaffMember(ctx context.Context, id int64) (*journey.User, error) {
	u, err := p.store.FindUserByID(ctx, id)
	if err == nil && !u.IsStaff() || journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
	}
	return u, err
}

// manageStaff finds staff member id for a change by one who manages staff.
func (p *Processor) manageStaff(ctx context.Context, a *journey.Actor, id int64) error {
	if !a.Can(journey.PermStaffManage) {
		return journey.Errorf(journey.EFORBIDDEN, "You do not manage staff.")
	}
	_, err := p.StaffMember(ctx, id)
	return err
}

// DeactivateStaff turns staff member id's account off (never one's own:
// ECONFLICT); their sessions and tokens end in the same transaction.
func (p *Processor) DeactivateStaff(ctx context.Context, a *journey.Actor, id int64) error {
	if id == a.ID() {
		return journey.Errorf(journey.ECONFLICT, "You cannot deactivate your own account.")
	}
	if err := p.manageStaff(ctx, a, id); err != nil {
		return err
	}
	if err := p.store.DeactivateUser(ctx, id); err != nil {
		return err
	}
	p.Audit(ctx, a, Entry{Action: "user.deactivate", SubjectType: "user", SubjectID: id, Outcome: journey.AuditSuccess})
	return nil
}

// SetStaffRoles replaces staff member id's roles (an admin never drops
// their own admin role: ECONFLICT). Their sessions end, so the new
// privileges start with a new session id.
func (p *Processor) SetStaffRoles(ctx context.Context, a *journey.Actor, id int64, roles []string) error {
	if err := p.manageStaff(ctx, a, id); err != nil {
		return err
	}
	if id == a.ID() && !slices.Contains(roles, journey.RoleAdmin) {
		return journey.Errorf(journey.ECONFLICT, "You cannot remove your own admin role: ask another admin.")
	}
	if err := p.store.SetRoles(ctx, id, roles); err != nil {
		return err
	}
	p.Audit(ctx, a, Entry{Action: "user.roles", SubjectType: "user", SubjectID: id, Outcome: journey.AuditSuccess, Detail: strings.Join(roles, ",")})
	return nil
}

// StaffList returns every member of staff to those who may list them
// (PermStaffRead), audited as read with detail.
func (p *Processor) StaffList(ctx context.Context, a *journey.Actor, detail func(n int) string) ([]*journey.User, error) {
	if !a.Can(journey.PermStaffRead) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "You may not list staff.")
	}
	users, err := p.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "staff.list", SubjectType: "user", Outcome: journey.AuditSuccess, Detail: detail(len(users))})
	return users, nil
}
