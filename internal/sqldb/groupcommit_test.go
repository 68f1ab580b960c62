package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// Many writers at once: each booking commits or fails on its own, however
// the group committer batches them, and nothing half-done is left behind.
func TestConcurrentWritesCommitIndependently(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	var mu sync.Mutex
	enqueued := map[int64]int{}
	db.Enqueue = func(_ context.Context, tx *sql.Tx, ids []int64) error {
		mu.Lock()
		defer mu.Unlock()
		for _, id := range ids {
			enqueued[id]++
		}
		return nil
	}
	// Six NY slots on Monday; 12 writers each for two of them (24 in all)
	// plus one writer per slot for the other four.
	var reqs []*journey.BookingRequest
	for i := range 6 {
		start := monday9.Add(time.Duration(i) * 30 * time.Minute)
		n := 1
		if i < 2 {
			n = 12
		}
		for j := range n {
			reqs = append(reqs, booking(start, ny.ID, fmt.Sprintf("v%d-%d@example.com", i, j)))
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(reqs))
	start := make(chan struct{})
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = db.CreateConsult(ctx, r)
		}()
	}
	close(start)
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch journey.ErrorCode(err) {
		case "":
			ok++
		case journey.ECONFLICT:
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	_, total, _ := db.FindConsults(ctx, journey.ConsultFilter{})
	msgs, _ := db.FindMessages(ctx, "", 1000)
	if ok != 6 || conflicts != len(reqs)-6 || total != 6 || len(msgs) != 6 {
		t.Fatalf("%d booked, %d conflicts, %d stored, %d messages; want 6, %d, 6, 6", ok, conflicts, total, len(msgs), len(reqs)-6)
	}
	// Every stored message, and only those, got exactly one delivery job.
	if len(enqueued) != len(msgs) {
		t.Fatalf("%d jobs for %d messages: %v", len(enqueued), len(msgs), enqueued)
	}
	for _, m := range msgs {
		if enqueued[m.ID] != 1 {
			t.Errorf("message %d enqueued %d times", m.ID, enqueued[m.ID])
		}
	}
}

// A write that panics fails alone; the database keeps working.
func TestWritePanicIsContained(t *testing.T) {
	db, ny, _, _ := fixture(t)
	c, err := db.CreateConsult(context.Background(), booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	// A cancellation writes its email inside its transaction (a booking
	// writes its own before), so the composer panics inside the write.
	db.Mail = panicky{}
	if _, err := db.CancelConsultByID(context.Background(), c.ID, ""); err == nil {
		t.Fatal("want an error from a panicking write")
	}
	db.Mail = nil
	if err := db.UpdatePractice(context.Background(), &journey.Practice{Name: "Still here", TimeZone: "UTC"}); err != nil {
		t.Fatalf("database unusable after a panic: %v", err)
	}
}

type panicky struct{}

func (panicky) ComposeConsultMail(string, *journey.Consult, *journey.Therapist, *journey.Practice, string) (*journey.Message, error) {
	panic("boom")
}
