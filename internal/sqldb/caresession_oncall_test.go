package sqldb_test

import (
	"context"
	"slices"
	"testing"
	"time"

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

// A session moved to another medical provider takes the on-call contact
// with it when it was the default (the old medical provider), and leaves
// one named apart; the new provider must be a free, active medical
// provider. The on-call contact can be changed on its own, to an active
// medical provider only, while the session is not over.
func TestOnCallFollowsTheMedicalProvider(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	week := sqldbtest.EveryDay(8*60, 20*60)
	other := sqldbtest.Staff(t, db, "Otto Provider", journey.RoleMedicalProvider)
	third := sqldbtest.Staff(t, db, "Tess Provider", journey.RoleMedicalProvider)
	for _, id := range []int64{other, third} {
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: week}); err != nil {
			t.Fatal(err)
		}
	}
	remote := func(day int, onCall int64) *journey.CareSession {
		t.Helper()
		r := c.Medicine(nyAt(2027, 3, day, 10, 0))
		r.Mode, r.Route, r.RoomID, r.OnCallID = journey.ModeRemote, journey.RouteLozenge, 0, onCall
		s, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
		if err != nil {
			t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
		}
		return s
	}
	byDefault, apart := remote(8, 0), remote(11, third)

	// The default follows the new medical provider; one named apart stays.
	for _, sc := range []struct {
		s      *journey.CareSession
		onCall int64
	}{{byDefault, other}, {apart, third}} {
		moved, err := db.MoveCareSession(ctx, sc.s.ID, sc.s.Start.Add(24*time.Hour), other, c.Therapist.ID)
		if err != nil {
			t.Fatalf("move %d: %v %v", sc.s.ID, err, journey.ErrorFields(err))
		}
		if moved.MedicalProviderID != other || moved.OnCallID != sc.onCall || moved.Sequence != 1 {
			t.Errorf("moved %d: provider %d, on call %d, sequence %d; want %d, %d, 1", sc.s.ID, moved.MedicalProviderID, moved.OnCallID,
				moved.Sequence, other, sc.onCall)
		}
	}
	// Otto now holds the 9th and the 12th at 10:00: a session of his
	// medical provider's taking him at a time he holds is refused, naming him.
	third2 := remote(19, third)
	_, err := db.MoveCareSession(ctx, third2.ID, nyAt(2027, 3, 9, 11, 0), other, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Contains(got, "medical_provider:"+itoa(other)) {
		t.Fatalf("a busy provider: %v", got)
	}
	for _, bad := range []int64{c.Therapist.ID, c.Chaperone, 999999} {
		if _, err := db.MoveCareSession(ctx, byDefault.ID, nyAt(2027, 3, 15, 10, 0), bad, c.Therapist.ID); !hasFields(err, "medical_provider_id") {
			t.Errorf("provider %d: %v %v, want a field error on medical_provider_id", bad, err, journey.ErrorFields(err))
		}
	}
	// Moving the time alone keeps both.
	if moved, err := db.RescheduleCareSession(ctx, byDefault.ID, nyAt(2027, 3, 16, 10, 0), c.Therapist.ID); err != nil ||
		moved.MedicalProviderID != other || moved.OnCallID != other {
		t.Fatalf("time only: %+v %v", moved, err)
	}

	// The on-call contact on its own.
	if s, err := db.SetCareSessionOnCall(ctx, byDefault.ID, third, c.Therapist.ID); err != nil || s.OnCallID != third || s.Sequence != 2 {
		t.Fatalf("on call changed: %+v %v", s, err)
	}
	for _, bad := range []int64{c.Therapist.ID, c.Chaperone, 999999} {
		if _, err := db.SetCareSessionOnCall(ctx, byDefault.ID, bad, c.Therapist.ID); !hasFields(err, "on_call_id") {
			t.Errorf("on call %d: %v, want a field error on on_call_id", bad, err)
		}
	}
	if _, err := db.CancelCareSession(ctx, apart.ID, "The client is unwell this week.", c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetCareSessionOnCall(ctx, apart.ID, other, c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a cancelled session's on call: %v", err)
	}
	if _, err := db.SetCareSessionOnCall(ctx, 999999, other, c.Therapist.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no session: %v", err)
	}
}
