package journey_test

import (
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

func TestCanFindSessionSlots(t *testing.T) {
	own := &journey.Client{ID: 1, UserID: 7}
	other := &journey.Client{ID: 2, UserID: 8}
	onTeam := &journey.Client{ID: 3, CareTeam: []journey.CareMember{{UserID: 7, Role: journey.RoleTherapist}}}
	var prep, medicine *journey.SessionType
	for _, ty := range journey.DefaultSessionTypes() {
		switch ty.Code {
		case journey.TypePreparation:
			prep = ty
		case journey.TypeMedicine:
			medicine = ty
		}
	}
	therapist := actor(journey.UserStaff, true, journey.RoleTherapist)
	desk := actor(journey.UserStaff, true, journey.RoleFrontDesk)
	chaperone := actor(journey.UserStaff, true, journey.RoleChaperone)
	client := actor(journey.UserClient, true, journey.RoleClient)
	for _, c := range []struct {
		name string
		a    *journey.Actor
		c    *journey.Client
		t    *journey.SessionType
		want bool
	}{
		{"a client, their own preparation", client, own, prep, true},
		{"a client, their own medicine session", client, own, medicine, false},
		{"a client, someone else's", client, other, prep, false},
		{"a therapist, a client of theirs", therapist, onTeam, medicine, true},
		{"a therapist, someone else's client", therapist, other, medicine, false},
		{"front desk, any client", desk, other, medicine, true},
		{"a chaperone", chaperone, onTeam, medicine, false},
	} {
		if got := c.a.CanFindSessionSlots(c.c, c.t); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func TestSessionSlotQueryValidate(t *testing.T) {
	from := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := journey.SessionSlotQuery{ClientID: 1, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, From: from, To: from.AddDate(0, 0, 60)}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := journey.SessionSlotQuery{Type: "massage", Mode: "sofa", From: from, To: from.AddDate(0, 0, 61)}
	fields := map[string]bool{}
	for _, f := range journey.ErrorFields(bad.Validate()) {
		fields[f.Field] = true
	}
	if len(fields) != 4 || !fields["client_id"] || !fields["type"] || !fields["mode"] || !fields["days"] {
		t.Fatalf("fields %v", fields)
	}
}
