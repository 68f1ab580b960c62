package processing_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Who may look for session times: staff for a client they may see, a
// client for themselves and the types open to clients; each search and
// each refusal audited.
func TestSessionSlotsRules(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ny, la := sqldbtest.MustSeed(t, db)
	c, u := sqldbtest.Client(t, db, ny.ID, "Ada Client", "ada@example.com", nil)
	var weekly []journey.WeeklyHours
	for d := time.Monday; d <= time.Friday; d++ {
		weekly = append(weekly, journey.WeeklyHours{Weekday: d, Start: 9 * 60, End: 17 * 60})
	}
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: ny.ID, TimeZone: "America/New_York", Weekly: weekly}); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC)
	q := func(typ string) journey.SessionSlotQuery {
		return journey.SessionSlotQuery{ClientID: c.ID, Type: typ, Mode: journey.ModeInPerson, From: from, To: from.AddDate(0, 0, 1)}
	}
	for _, tc := range []struct {
		name string
		a    *journey.Actor
		typ  string
		want string // "" for slots, else the error code
	}{
		{"their therapist", actor(ny.ID, journey.RoleTherapist), journey.TypePreparation, ""},
		{"front desk", actor(9001, journey.RoleFrontDesk), journey.TypeIntegration, ""},
		{"the client, preparation", actor(u.ID, journey.RoleClient), journey.TypePreparation, ""},
		{"the client, a medicine session", actor(u.ID, journey.RoleClient), journey.TypeMedicine, journey.EINVALID},
		{"another therapist", actor(la.ID, journey.RoleTherapist), journey.TypePreparation, journey.ENOTFOUND},
		{"another client", actor(9004, journey.RoleClient), journey.TypePreparation, journey.ENOTFOUND},
		{"a chaperone", actor(9005, journey.RoleChaperone), journey.TypePreparation, journey.ENOTFOUND},
	} {
		slots, err := p.SessionSlots(ctx, tc.a, q(tc.typ))
		if journey.ErrorCode(err) != tc.want || tc.want == "" && len(slots) != 15 {
			t.Errorf("%s: %d slots, %v", tc.name, len(slots), err)
		}
	}
	var ok, denied int
	for _, e := range entries(t, db, "session_slots.read") {
		switch e.Outcome {
		case journey.AuditSuccess:
			ok++
		case journey.AuditDenied:
			denied++
		}
	}
	if ok != 3 || denied != 4 {
		t.Fatalf("audited %d searches and %d refusals, want 3 and 4", ok, denied)
	}
}
