package sqldb_test

import (
	"context"
	"testing"
	"time"

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

// TestSetConsultHours: a member of staff with the therapist role gets a
// consult calendar (and is offered), a change replaces the weekly hours and
// keeps dated exceptions; anyone else is "not found".
func TestSetConsultHours(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	admin := &journey.User{Kind: journey.UserStaff, Name: "Ann Admin", Email: "ann@practice.test", Roles: []string{journey.RoleAdmin}, Active: true}
	if err := db.CreateUser(ctx, admin, "x"); err != nil {
		t.Fatal(err)
	}
	h := &journey.ConsultHours{TimeZone: "America/Chicago", ConsultLength: 45 * time.Minute,
		Weekly: []journey.WeeklyHours{{Weekday: time.Tuesday, Start: 13 * 60, End: 15 * 60}}}
	if err := db.SetConsultHours(ctx, admin.ID, h); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("hours for an admin who is not a therapist: %v", err)
	}
	if err := db.SetRoles(ctx, admin.ID, []string{journey.RoleAdmin, journey.RoleTherapist}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetConsultHours(ctx, admin.ID, h); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindTherapistByID(ctx, admin.ID)
	if err != nil || got.TimeZone != "America/Chicago" || got.ConsultLength != 45*time.Minute || len(got.Weekly) != 1 || got.MinNotice != journey.DefaultMinNotice {
		t.Fatalf("therapist after SetConsultHours = %+v, %v", got, err)
	}
	bad := &journey.ConsultHours{TimeZone: "Nowhere", ConsultLength: time.Minute, Weekly: []journey.WeeklyHours{{Weekday: time.Monday, Start: 600, End: 540}}}
	if fs := journey.ErrorFields(db.SetConsultHours(ctx, admin.ID, bad)); len(fs) != 3 {
		t.Fatalf("bad hours: %v, want time_zone, consult_minutes and hours_1", fs)
	}
	// Nora keeps her dated exception when her weekly hours change.
	exc := []journey.ScheduleException{{Date: "2030-03-04", Kind: journey.ExceptionOff}}
	if err := db.SetTherapistSchedule(ctx, ny.ID, ny.Weekly, exc); err != nil {
		t.Fatal(err)
	}
	if err := db.SetConsultHours(ctx, ny.ID, &journey.ConsultHours{TimeZone: ny.TimeZone, ConsultLength: 30 * time.Minute, Weekly: ny.Weekly[:1]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindTherapistByID(ctx, ny.ID); len(got.Weekly) != 1 || len(got.Exceptions) != 1 {
		t.Fatalf("Nora after SetConsultHours: %d windows, %d exceptions; want 1 and 1", len(got.Weekly), len(got.Exceptions))
	}
}

// TestUpdateFAQEntry: an entry's text and publication change; an unknown
// id is "not found".
func TestUpdateFAQEntry(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	e := &journey.FAQEntry{Question: "Q?", Answer: "A."}
	if err := db.CreateFAQEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Question, e.Answer, e.Published = "New Q?", "New A.", true
	if err := db.UpdateFAQEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindFAQ(ctx, true); err != nil || len(got) != 1 || got[0].Question != "New Q?" || got[0].Answer != "New A." {
		t.Fatalf("after update: %v, %v", got, err)
	}
	if err := db.UpdateFAQEntry(ctx, &journey.FAQEntry{ID: e.ID + 100, Question: "Q?", Answer: "A."}); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown entry: %v", err)
	}
}

// TestPracticeWindows: the reminder and cancellation windows default to 24
// hours, keep what is saved, and refuse values outside 1-168.
func TestPracticeWindows(t *testing.T) {
	db, _, _, _ := fixture(t)
	ctx := context.Background()
	p, err := db.FindPractice(ctx)
	if err != nil || p.ReminderHours != 24 || p.CancelNoticeHours != 24 {
		t.Fatalf("defaults: %+v, %v", p, err)
	}
	p.ReminderHours, p.CancelNoticeHours = 72, 48
	if err := db.UpdatePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p, err = db.FindPractice(ctx); err != nil || p.ReminderHours != 72 || p.CancelNoticeHours != 48 {
		t.Fatalf("saved: %+v, %v", p, err)
	}
	p.ReminderHours, p.CancelNoticeHours = 169, -1
	if fs := journey.ErrorFields(db.UpdatePractice(ctx, p)); len(fs) != 2 {
		t.Fatalf("out of range: %v", fs)
	}
}
