package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// confirmToken returns the token of the newest confirm link mailed to addr.
func confirmToken(t *testing.T, db *sqldb.DB, addr string) string {
	t.Helper()
	for _, m := range outbox(t, db) {
		if m.To == addr && strings.Contains(m.Text, "/book/confirm/") {
			i := strings.Index(m.Text, "/book/confirm/")
			return strings.Fields(m.Text[i+len("/book/confirm/"):])[0]
		}
	}
	t.Fatalf("no confirm link to %s", addr)
	return ""
}

func slotFree(t *testing.T, db *sqldb.DB, therapist int64, start time.Time) bool {
	t.Helper()
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, start.Location())
	slots, err := db.FindSlots(context.Background(), journey.SlotQuery{From: day, Days: 1, TherapistID: therapist})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if s.Start.Equal(start) {
			return true
		}
	}
	return false
}

// A hold takes its time off the list until it lapses; its confirm link
// books the consult once (the link then manages it); a lapsed hold cannot
// be confirmed; two holds cannot share a time; the address that already has
// a consult gets a new manage link and holds the time all the same.
func TestHoldConsult(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	settings, err := db.FindBookingSettings(ctx)
	if err != nil || settings.Private || settings.HoldMinutes != 30 {
		t.Fatalf("defaults: %+v %v", settings, err)
	}
	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 121}); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("hold window of 121 minutes: %v", err)
	}
	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 20}); err != nil {
		t.Fatal(err)
	}
	existing, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "has@example.com"))
	if err != nil {
		t.Fatal(err)
	}

	a, b := monday9.Add(time.Hour), monday9.Add(90*time.Minute)
	if err := db.HoldConsult(ctx, booking(a, ny.ID, "new@example.com")); err != nil {
		t.Fatal(err)
	}
	if err := db.HoldConsult(ctx, booking(b, ny.ID, "Has@Example.com")); err != nil {
		t.Fatalf("an address with a consult must be answered the same: %v", err)
	}
	if slotFree(t, db, ny.ID, a) || slotFree(t, db, ny.ID, b) {
		t.Fatal("a held time is offered")
	}
	if err := db.HoldConsult(ctx, booking(a, ny.ID, "third@example.com")); err == nil || journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a second hold of the same time: %v", err)
	}

	// The address with a consult got a new manage link; both links work.
	msgs := outbox(t, db)
	if !strings.Contains(msgs[0].Subject, "link") || msgs[0].To != "has@example.com" {
		t.Fatalf("newest mail: %q to %q", msgs[0].Subject, msgs[0].To)
	}
	i := strings.Index(msgs[0].Text, "/c/")
	fresh := strings.Fields(msgs[0].Text[i+3:])[0]
	for _, tok := range []string{fresh, existing.ManageToken} {
		if c, err := db.FindConsultByToken(ctx, tok); err != nil || c.ID != existing.ID {
			t.Fatalf("manage link: %v", err)
		}
	}

	// The new address confirms: booked, with the usual mail and invite.
	token := confirmToken(t, db, "new@example.com")
	h, err := db.FindHold(ctx, token)
	if err != nil || h.ID != 0 || !h.HoldUntil.Equal(now.Add(20*time.Minute)) || h.Name != "Ada Visitor" {
		t.Fatalf("hold: %+v %v", h, err)
	}
	c, err := db.ConfirmHold(ctx, token)
	if err != nil || c.Status != journey.ConsultBooked || !c.Start.Equal(a) {
		t.Fatalf("confirm: %+v %v", c, err)
	}
	booked := outbox(t, db)[0]
	if booked.To != "new@example.com" || !strings.Contains(booked.Subject, "is booked") || booked.ICSMethod != "REQUEST" || !strings.Contains(booked.Text, "/c/"+token) {
		t.Fatalf("booking mail: %q %q", booked.Subject, booked.ICSMethod)
	}
	if got, err := db.FindConsultByToken(ctx, token); err != nil || got.ID != c.ID {
		t.Fatalf("the confirm link does not manage the consult: %v", err)
	}
	again, err := db.ConfirmHold(ctx, token)
	if err != nil || again.ID != c.ID {
		t.Fatalf("second confirm: %+v %v", again, err)
	}
	if n := len(outbox(t, db)); n != 4 {
		t.Fatalf("%d messages, want 4 (booking, link, hold, confirmation)", n)
	}
	if slotFree(t, db, ny.ID, a) {
		t.Fatal("a confirmed time is offered")
	}

	// A hold that lapses frees its time and cannot be confirmed.
	late := monday9.Add(2 * time.Hour)
	if err := db.HoldConsult(ctx, booking(late, ny.ID, "late@example.com")); err != nil {
		t.Fatal(err)
	}
	lateToken := confirmToken(t, db, "late@example.com")
	sqldbtest.SetTime(now, now.Add(20*time.Minute))
	if !slotFree(t, db, ny.ID, late) || !slotFree(t, db, ny.ID, b) {
		t.Fatal("a lapsed hold still blocks its time")
	}
	if _, err := db.ConfirmHold(ctx, lateToken); err != journey.ErrHoldExpired {
		t.Fatalf("lapsed hold confirmed: %v", err)
	}
	// Someone else may hold or book it now.
	if err := db.HoldConsult(ctx, booking(late, ny.ID, "next@example.com")); err != nil {
		t.Fatalf("holding a lapsed time: %v", err)
	}
	if _, err := db.FindHold(ctx, "no-such-token-0000000000000"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown token: %v", err)
	}

	// A day on, a lapsed hold keeps its time but none of the visitor's details.
	sqldbtest.SetTime(now, now.Add(25*time.Hour))
	if err := db.HoldConsult(ctx, booking(monday9.Add(150*time.Minute), ny.ID, "later@example.com")); err != nil {
		t.Fatal(err)
	}
	if h, err := db.FindHold(ctx, lateToken); err != nil || h.Name != "" || h.Email != "" || !h.Start.Equal(late) {
		t.Fatalf("lapsed hold after a day: %+v %v", h, err)
	}
}

// Confirming when the address booked meanwhile, or the time was taken by
// an instant booking after private booking was turned off, is a conflict.
func TestConfirmHoldConflicts(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	if err := db.HoldConsult(ctx, booking(monday9, ny.ID, "one@example.com")); err != nil {
		t.Fatal(err)
	}
	if err := db.HoldConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "one@example.com")); err != nil {
		t.Fatal(err)
	}
	ms := outbox(t, db)
	tok := func(m *journey.Message) string {
		i := strings.Index(m.Text, "/book/confirm/")
		return strings.Fields(m.Text[i+len("/book/confirm/"):])[0]
	}
	first, second := tok(ms[1]), tok(ms[0])
	if _, err := db.ConfirmHold(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmHold(ctx, second); err != sqldb.ErrEmailHasConsult {
		t.Fatalf("a second consult for one address: %v", err)
	}
}

// A manage link cannot move a consult onto a time someone holds, though
// the slot list hides it only from those who read the list.
func TestRescheduleSkipsHeldTimes(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "mover@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	held := monday9.Add(time.Hour)
	if err := db.HoldConsult(ctx, booking(held, ny.ID, "holder@example.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RescheduleConsult(ctx, c.ManageToken, held, ny.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("moved onto a held time: %v", err)
	}
	if _, err := db.ConfirmHold(ctx, confirmToken(t, db, "holder@example.com")); err != nil {
		t.Fatalf("the holder lost the time: %v", err)
	}
	// Once a hold lapses, its time is anyone's again.
	other := monday9.Add(2 * time.Hour)
	if err := db.HoldConsult(ctx, booking(other, ny.ID, "gone@example.com")); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, now.Add(31*time.Minute))
	if _, err := db.RescheduleConsult(ctx, c.ManageToken, other, ny.ID); err != nil {
		t.Fatalf("move onto a lapsed hold's time: %v", err)
	}
}

// Booking cannot be used to flood someone's inbox: past a few holds an hour
// for one address, a booking is answered the same but holds and mails
// nothing, whether or not the address has a consult.
func TestHoldsLimitedPerAddress(t *testing.T) {
	db, ny, la, now := fixture(t)
	ctx := context.Background()
	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(3*time.Hour), la.ID, "has@example.com")); err != nil {
		t.Fatal(err)
	}
	mailsTo := func(addr string) int {
		n := 0
		for _, m := range outbox(t, db) {
			if m.To == addr {
				n++
			}
		}
		return n
	}
	for _, addr := range []string{"new@example.com", "has@example.com"} {
		base := mailsTo(addr)
		for i := 0; i <= journey.MaxHoldsPerAddress; i++ {
			start := monday9.Add(time.Duration(i) * 30 * time.Minute)
			if addr == "has@example.com" {
				start = start.AddDate(0, 0, 1)
			}
			if err := db.HoldConsult(ctx, booking(start, ny.ID, addr)); err != nil {
				t.Fatalf("%s hold %d: %v", addr, i, err)
			}
			if held := !slotFree(t, db, ny.ID, start); held != (i < journey.MaxHoldsPerAddress) {
				t.Fatalf("%s hold %d: held = %t", addr, i, held)
			}
		}
		if n := mailsTo(addr) - base; n != journey.MaxHoldsPerAddress {
			t.Fatalf("%s: %d mails for %d bookings in an hour, want %d", addr, n, journey.MaxHoldsPerAddress+1, journey.MaxHoldsPerAddress)
		}
	}
	// An hour on, the address may book again.
	sqldbtest.SetTime(now, now.Add(61*time.Minute))
	if err := db.HoldConsult(ctx, booking(monday9.AddDate(0, 0, 2), ny.ID, "new@example.com")); err != nil {
		t.Fatal(err)
	}
	if slotFree(t, db, ny.ID, monday9.AddDate(0, 0, 2)) {
		t.Fatal("not held an hour later")
	}
}
