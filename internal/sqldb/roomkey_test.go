package sqldb_test

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
)

// TestBookingGivesEachSessionARoomKey: a booked session has its own random
// video room key, read back with it and kept when it moves, so a link
// made with {room} names one session only and cannot be guessed.
func TestBookingGivesEachSessionARoomKey(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	a, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 9, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.RoomKey) < 16 || a.RoomKey == b.RoomKey {
		t.Fatalf("room keys %q and %q", a.RoomKey, b.RoomKey)
	}
	got, err := db.FindCareSession(ctx, a.ID)
	if err != nil || got.RoomKey != a.RoomKey {
		t.Fatalf("stored key %q, booked %q: %v", got.RoomKey, a.RoomKey, err)
	}
	if _, err := db.RescheduleCareSession(ctx, a.ID, nyAt(2027, 3, 10, 10, 0), c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	if moved, err := db.FindCareSession(ctx, a.ID); err != nil || moved.RoomKey != a.RoomKey {
		t.Fatalf("moved session's key %q, was %q: %v", moved.RoomKey, a.RoomKey, err)
	}
	if link := journey.TelehealthLink("https://video.example/room/{room}", got.ID, got.RoomKey); link != "https://video.example/room/"+a.RoomKey {
		t.Fatalf("link %q", link)
	}
}
