package sqldb_test

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// A remote medicine session records an on-call medical contact: its
// medical provider unless another active medical provider is named; a
// member of staff who is not one is refused beside on_call_id.
func TestCreateCareSessionOnCall(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	remote := func(day int) *journey.SessionRequest {
		r := c.Medicine(nyAt(2027, 3, day, 10, 0))
		r.Mode, r.Route, r.RoomID = journey.ModeRemote, journey.RouteLozenge, 0
		return r
	}
	s, err := db.CreateCareSession(ctx, remote(8), c.Therapist.ID)
	if err != nil {
		t.Fatalf("default: %v %v", err, journey.ErrorFields(err))
	}
	if got, err := db.FindCareSession(ctx, s.ID); err != nil || s.OnCallID != c.Provider || got.OnCallID != c.Provider {
		t.Fatalf("default on call = %d, stored %+v, %v; want the medical provider %d", s.OnCallID, got, err, c.Provider)
	}

	other := sqldbtest.Staff(t, db, "On Call Provider", journey.RoleMedicalProvider)
	r := remote(9)
	r.OnCallID = other
	s, err = db.CreateCareSession(ctx, r, c.Therapist.ID)
	if err != nil {
		t.Fatalf("explicit: %v %v", err, journey.ErrorFields(err))
	}
	if got, err := db.FindCareSession(ctx, s.ID); err != nil || got.OnCallID != other {
		t.Fatalf("explicit on call stored %+v, %v; want %d", got, err, other)
	}

	for _, bad := range []int64{c.Therapist.ID, c.Client.ID, 999999} {
		r := remote(10)
		r.OnCallID = bad
		if _, err := db.CreateCareSession(ctx, r, c.Therapist.ID); !hasFields(err, "on_call_id") {
			t.Errorf("on call %d: err = %v %v, want a field error on on_call_id", bad, err, journey.ErrorFields(err))
		}
	}

	// An in-person session names none unless asked.
	s, err = db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 11, 10, 0)), c.Therapist.ID)
	if err != nil || s.OnCallID != 0 {
		t.Fatalf("in person: %+v, %v", s, err)
	}
}
