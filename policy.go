package journey

import "slices"

// Permissions name what a route or an action needs. The one table below
// says which roles hold each; record-level rules (whose consult is it?)
// are the Can… functions. Every access decision in Journey is made here.
type Permission string

// Permissions.
const (
	PermPublic        Permission = "public"         // anyone, signed in or not
	PermSignedIn      Permission = "signed_in"      // any signed-in user, second factor done
	PermSecondFactor  Permission = "second_factor"  // a staff member whose second factor is pending
	PermStaff         Permission = "staff"          // any member of staff
	PermConsultsRead  Permission = "consults.read"  // consult requests from the front door
	PermConsultsWrite Permission = "consults.write" // mark a consult held or missed
	PermStaffRead     Permission = "staff.read"     // the staff list
	PermStaffManage   Permission = "staff.manage"   // invite, change roles, deactivate
	PermAuditRead     Permission = "audit.read"     // the audit trail
)

// rolePermissions is the table of which role holds which permission.
// Consult requests are scheduling and contact details: the therapist they
// are booked with, the front desk and admins see them.
var rolePermissions = map[string][]Permission{
	RoleAdmin:           {PermStaff, PermConsultsRead, PermConsultsWrite, PermStaffRead, PermStaffManage, PermAuditRead},
	RoleTherapist:       {PermStaff, PermConsultsRead, PermConsultsWrite},
	RoleMedicalProvider: {PermStaff},
	RoleChaperone:       {PermStaff},
	RoleFrontDesk:       {PermStaff, PermConsultsRead, PermConsultsWrite, PermStaffRead},
	RoleClient:          {},
}

// Permissions lists every permission, for tests that walk the table.
var Permissions = []Permission{PermPublic, PermSignedIn, PermSecondFactor, PermStaff, PermConsultsRead,
	PermConsultsWrite, PermStaffRead, PermStaffManage, PermAuditRead}

// Can reports whether the actor holds permission p. A staff member whose
// second factor is pending holds PermSecondFactor and nothing else.
func (a *Actor) Can(p Permission) bool {
	switch {
	case p == PermPublic:
		return true
	case a == nil || a.User == nil || !a.User.Active:
		return false
	case p == PermSecondFactor:
		return a.User.IsStaff() && !a.Verified
	case a.User.IsStaff() && !a.Verified:
		return false
	case p == PermSignedIn:
		return true
	}
	for _, r := range a.User.Roles {
		if slices.Contains(rolePermissions[r], p) {
			return true
		}
	}
	return false
}

// CanSeeConsult reports whether the actor may open consult c: a therapist
// sees the consults booked with them; front desk and admins see all.
func (a *Actor) CanSeeConsult(c *Consult) bool {
	if !a.Can(PermConsultsRead) {
		return false
	}
	return a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || (a.Has(RoleTherapist) && c.TherapistID == a.ID())
}

// ConsultScope returns the therapist whose consults the actor may list:
// 0 for all (front desk, admin), their own id for a therapist, and -1 for
// none.
func (a *Actor) ConsultScope() int64 {
	switch {
	case !a.Can(PermConsultsRead):
		return -1
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk):
		return 0
	default:
		return a.ID()
	}
}

// CanBreakGlass reports whether the actor may open a record outside their
// care team after giving a reason (ONC 170.315(d)(6)): clinicians only.
// Every such access is audited with the reason and flagged for review.
func (a *Actor) CanBreakGlass() bool {
	return a.Can(PermStaff) && (a.Has(RoleTherapist) || a.Has(RoleMedicalProvider))
}
