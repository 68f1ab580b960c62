package sqldb_test

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestPracticeSetupPending: while the practice is being set up (or before
// it exists) nothing is offered and nothing can be booked or held; once the
// admin opens bookings the same times are offered.
func TestPracticeSetupPending(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	p, err := db.FindPractice(ctx)
	if err != nil || p.SetupPending || !p.Open() {
		t.Fatalf("seeded practice = %+v, %v; want open", p, err)
	}
	open, err := db.FindSlots(ctx, journey.SlotQuery{From: monday9.AddDate(0, 0, -1), Days: 7})
	if err != nil || len(open) == 0 {
		t.Fatalf("open practice: %d slots, %v", len(open), err)
	}
	p.SetupPending = true
	if err := db.UpdatePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p, err = db.FindPractice(ctx); err != nil || !p.SetupPending || p.Open() {
		t.Fatalf("after update: %+v, %v; want setup pending", p, err)
	}
	slots, err := db.FindSlots(ctx, journey.SlotQuery{From: monday9.AddDate(0, 0, -1), Days: 7})
	if err != nil || slots == nil || len(slots) != 0 {
		t.Fatalf("setup pending: slots = %v, %v; want an empty list", slots, err)
	}
	_, err = db.CreateConsult(ctx, booking(monday9, ny.ID, "ada@example.com"))
	if journey.ErrorCode(err) != journey.ECONFLICT || journey.ErrorMessage(err) != journey.NotOpenMessage {
		t.Fatalf("booking while set-up is pending: %v", err)
	}
	if err := db.HoldConsult(ctx, booking(monday9, ny.ID, "ada@example.com")); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("hold while set-up is pending: %v", err)
	}
	p.SetupPending = false
	if err := db.UpdatePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if again, err := db.FindSlots(ctx, journey.SlotQuery{From: monday9.AddDate(0, 0, -1), Days: 7}); err != nil || len(again) != len(open) {
		t.Fatalf("reopened: %d slots, %v; want %d", len(again), err, len(open))
	}
	if _, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "ada@example.com")); err != nil {
		t.Fatalf("booking once open: %v", err)
	}
}

// TestNoPracticeNoBooking: an empty database offers nothing and refuses a
// booking with the plain reason, never "Practice not found".
func TestNoPracticeNoBooking(t *testing.T) {
	empty := sqldbtest.Open(t)
	ctx := context.Background()
	slots, err := empty.FindSlots(ctx, journey.SlotQuery{From: monday9, Days: 7})
	if err != nil || slots == nil || len(slots) != 0 {
		t.Fatalf("empty database: slots = %v, %v", slots, err)
	}
	if _, err := empty.CreateConsult(ctx, booking(monday9, 1, "ada@example.com")); journey.ErrorMessage(err) != journey.NotOpenMessage {
		t.Fatalf("empty database: booking = %v", err)
	}
}
