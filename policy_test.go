package journey_test

import (
	"testing"

	"github.com/journey-kap/journey"
)

func actor(kind string, verified bool, roles ...string) *journey.Actor {
	return &journey.Actor{User: &journey.User{ID: 7, Kind: kind, Roles: roles, Active: true}, Verified: verified}
}

func TestPolicy(t *testing.T) {
	therapist := actor(journey.UserStaff, true, journey.RoleTherapist)
	pending := actor(journey.UserStaff, false, journey.RoleAdmin)
	desk := actor(journey.UserStaff, true, journey.RoleFrontDesk)
	admin := actor(journey.UserStaff, true, journey.RoleAdmin)
	chaperone := actor(journey.UserStaff, true, journey.RoleChaperone)
	client := actor(journey.UserClient, true, journey.RoleClient)
	gone := actor(journey.UserStaff, true, journey.RoleAdmin)
	gone.User.Active = false
	var anon *journey.Actor

	cases := []struct {
		name string
		a    *journey.Actor
		p    journey.Permission
		want bool
	}{
		{"anyone sees public", anon, journey.PermPublic, true},
		{"anonymous is not signed in", anon, journey.PermSignedIn, false},
		{"pending second factor may only finish it", pending, journey.PermSecondFactor, true},
		{"pending second factor is not yet signed in", pending, journey.PermSignedIn, false},
		{"pending admin cannot manage staff", pending, journey.PermStaffManage, false},
		{"verified staff have no pending step", therapist, journey.PermSecondFactor, false},
		{"therapist reads consults", therapist, journey.PermConsultsRead, true},
		{"therapist cannot manage staff", therapist, journey.PermStaffManage, false},
		{"front desk reads staff list", desk, journey.PermStaffRead, true},
		{"front desk cannot read the audit trail", desk, journey.PermAuditRead, false},
		{"chaperone does not read consult requests", chaperone, journey.PermConsultsRead, false},
		{"admin reads the audit trail", admin, journey.PermAuditRead, true},
		{"client is signed in", client, journey.PermSignedIn, true},
		{"client is not staff", client, journey.PermStaff, false},
		{"a deactivated account holds nothing", gone, journey.PermSignedIn, false},
	}
	for _, c := range cases {
		if got := c.a.Can(c.p); got != c.want {
			t.Errorf("%s: Can(%s) = %v", c.name, c.p, got)
		}
	}
	mine := &journey.Consult{TherapistID: 7}
	theirs := &journey.Consult{TherapistID: 8}
	if !therapist.CanSeeConsult(mine) || therapist.CanSeeConsult(theirs) || !desk.CanSeeConsult(theirs) || chaperone.CanSeeConsult(mine) || client.CanSeeConsult(mine) {
		t.Error("consult visibility")
	}
	if therapist.ConsultScope() != 7 || desk.ConsultScope() != 0 || chaperone.ConsultScope() != -1 || anon.ConsultScope() != -1 {
		t.Error("consult scope")
	}
}
