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

func TestSessionPolicy(t *testing.T) {
	therapist := actor(journey.UserStaff, true, journey.RoleTherapist) // id 7
	desk := actor(journey.UserStaff, true, journey.RoleFrontDesk)
	chaperone := actor(journey.UserStaff, true, journey.RoleChaperone)
	provider := actor(journey.UserStaff, true, journey.RoleMedicalProvider)
	provider.User.ID = 11
	client := actor(journey.UserClient, true, journey.RoleClient)
	own := &journey.Client{ID: 1, UserID: 7, CareTeam: []journey.CareMember{{UserID: 7, Role: journey.RoleTherapist}}}
	other := &journey.Client{ID: 2, UserID: 9, CareTeam: []journey.CareMember{{UserID: 8, Role: journey.RoleTherapist}}}
	held := &journey.CareSession{ClientID: 2, TherapistID: 8, ChaperoneID: 7}
	ofOwn := &journey.CareSession{ClientID: 1, TherapistID: 8}
	group := &journey.CareSession{Attendees: []int64{2, 1}, TherapistID: 8}
	prep, medicine := journey.DefaultSessionTypes()[0], journey.DefaultSessionTypes()[1]
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"a chaperone sees a session they are assigned to", chaperone.CanSeeSession(held, nil), true},
		{"a chaperone sees no other session", chaperone.CanSeeSession(ofOwn, own), false},
		{"a chaperone sees a limited view", chaperone.SessionInFull(held), false},
		{"a chaperone never books", chaperone.CanBookSession(own, prep), false},
		{"a therapist sees a session they hold", therapist.CanSeeSession(held, other), true},
		{"a therapist sees their care-team client's", therapist.CanSeeSession(ofOwn, own), true},
		{"a therapist sees a group their client attends", therapist.CanSeeSession(group, own), true},
		{"a therapist does not see another's client's", therapist.CanSeeSession(&journey.CareSession{ClientID: 2, TherapistID: 8}, other), false},
		{"a therapist books for their client", therapist.CanBookSession(own, medicine), true},
		{"a therapist does not book for another's", therapist.CanBookSession(other, prep), false},
		{"a provider off the care team does not book", provider.CanBookSession(own, medicine), false},
		{"front desk books for anyone", desk.CanBookSession(other, medicine), true},
		{"front desk sees every session", desk.CanSeeSession(held, nil), true},
		{"a client sees their own", client.CanSeeSession(ofOwn, own), true},
		{"a client sees a group they attend", client.CanSeeSession(group, own), true},
		{"a client sees no one else's", client.CanSeeSession(held, own), false},
		{"a client books preparation", client.CanBookSession(own, prep), true},
		{"a client never books a medicine session", client.CanBookSession(own, medicine), false},
		{"a client does not book for another", client.CanBookSession(other, prep), false},
		{"a client never runs a session", client.CanRunSession(ofOwn), false},
		{"a therapist runs a session they hold", therapist.CanRunSession(&journey.CareSession{TherapistID: 7}), true},
		{"a therapist does not run another's", therapist.CanRunSession(ofOwn), false},
		{"a chaperone does not run one", chaperone.CanRunSession(held), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	if desk.SessionScope() != 0 || therapist.SessionScope() != 7 || client.SessionScope() != -1 {
		t.Error("session scope")
	}
}
