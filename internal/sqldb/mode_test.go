package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// A consult keeps how it takes place, booked directly or held and
// confirmed; a row from before there was a choice reads as a phone
// consult; the practice keeps its video link and refuses one that is not
// https.
func TestConsultMode(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	video, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "video@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	r := booking(monday9.Add(time.Hour), ny.ID, "phone@example.com")
	r.Mode, r.Phone = journey.ModePhone, "+12125550142"
	phone, err := db.CreateConsult(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{video.ID: journey.ModeVideo, phone.ID: journey.ModePhone} {
		c, err := db.FindConsultByID(ctx, id)
		if err != nil || c.Mode != want {
			t.Fatalf("consult %d: mode %q, want %q (%v)", id, c.Mode, want, err)
		}
	}
	r = booking(monday9.Add(2*time.Hour), ny.ID, "nophone@example.com")
	r.Mode = journey.ModePhone
	if f := journey.ErrorFields(func() error { _, err := db.CreateConsult(ctx, r); return err }()); len(f) != 1 || f[0].Field != "phone" {
		t.Fatalf("a phone consult with no number: %v", f)
	}

	if err := db.UpdateBookingSettings(ctx, &journey.BookingSettings{Private: true, HoldMinutes: 20}); err != nil {
		t.Fatal(err)
	}
	r = booking(monday9.Add(2*time.Hour), ny.ID, "held@example.com")
	r.Mode, r.Phone = journey.ModePhone, "+12125550143"
	if err := db.HoldConsult(ctx, r); err != nil {
		t.Fatal(err)
	}
	token := confirmToken(t, db, "held@example.com")
	h, err := db.FindHold(ctx, token)
	if err != nil || h.Mode != journey.ModePhone {
		t.Fatalf("hold: %+v %v", h, err)
	}
	c, err := db.ConfirmHold(ctx, token)
	if err != nil || c.Mode != journey.ModePhone {
		t.Fatalf("confirmed: %+v %v", c, err)
	}
	if c, err = db.FindConsultByID(ctx, c.ID); err != nil || c.Mode != journey.ModePhone {
		t.Fatalf("confirmed, read back: %+v %v", c, err)
	}

	// A consult written without a mode, as every row was before the
	// column: the default says phone.
	if _, err := db.Write.Exec(db.Rebind(`INSERT INTO consults (therapist_id, start_at, end_at, block_end, status, name, email, email_key, contact_method,
		time_zone, privacy_consent_at, manage_token_hash, created_at, updated_at)
		VALUES (?, 1, 2, 2, 'cancelled', '', '', 'old@x.test', 'email', 'UTC', 1, 'old-token', 1, 1)`), ny.ID); err != nil {
		t.Fatal(err)
	}
	cancelled := journey.ConsultCancelled
	old, _, err := db.FindConsults(ctx, journey.ConsultFilter{Status: &cancelled})
	if err != nil || len(old) != 1 || old[0].Mode != journey.ModePhone {
		t.Fatalf("an old row: %+v %v", old, err)
	}
	if _, err := db.Write.Exec(db.Rebind(`UPDATE consults SET mode = 'carrier' WHERE id = ?`), phone.ID); err == nil {
		t.Fatal("the database took a mode that is neither phone nor video")
	}

	p, err := db.FindPractice(ctx)
	if err != nil || p.VideoLink != "" {
		t.Fatalf("no link by default: %+v %v", p, err)
	}
	p.VideoLink = "https://video.example/room"
	if err := db.UpdatePractice(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p, err = db.FindPractice(ctx); err != nil || p.VideoLink != "https://video.example/room" {
		t.Fatalf("saved: %+v %v", p, err)
	}
	p.VideoLink = "http://video.example/room"
	if f := journey.ErrorFields(db.UpdatePractice(ctx, p)); len(f) != 1 || f[0].Field != "video_link" {
		t.Fatalf("http link: %v", f)
	}
}
