package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// held holds the first booking's transaction open at its job insert (the
// last thing a booking does before its change counters and commit) until
// released, so a test can see what that open transaction keeps others from.
type held struct {
	once     sync.Once
	entered  chan struct{}
	released chan struct{}
}

func holdFirstBooking(db *sqldb.DB) *held {
	h := &held{entered: make(chan struct{}), released: make(chan struct{})}
	db.Enqueue = func(ctx context.Context, tx *sql.Tx, ids []int64) error {
		first := false
		h.once.Do(func() { first = true })
		if first {
			close(h.entered)
			<-h.released
		}
		return nil
	}
	return h
}

// lockWaiters returns how many sessions of db's PostgreSQL database wait
// for a lock (a row, an advisory lock, a transaction).
func lockWaiters(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// On PostgreSQL a booking waits only for bookings that could overlap its
// block: while one booking's transaction is open, another therapist's
// booking, and the same therapist's booking in another hour, go through.
// They used to queue behind it: every booking moved the one calendar
// counter row, and took a lock on the whole of its therapist's calendar.
// (SQLite has one writer by design, so there every booking waits.)
func TestBookingsWaitOnlyForOverlappingBookings(t *testing.T) {
	if testenv.Dialect() != sqldb.Postgres {
		return
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		other func(ny, la *journey.Therapist) *journey.BookingRequest
	}{
		{"another therapist", func(_, la *journey.Therapist) *journey.BookingRequest {
			return booking(monday9.Add(3*time.Hour), la.ID, "b@example.com")
		}},
		{"same therapist, another hour", func(ny, _ *journey.Therapist) *journey.BookingRequest {
			return booking(monday9.Add(time.Hour), ny.ID, "c@example.com")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, ny, la, _ := fixture(t)
			h := holdFirstBooking(db)
			first := make(chan error, 1)
			go func() {
				_, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com"))
				first <- err
			}()
			<-h.entered
			done := make(chan error, 1)
			go func() {
				_, err := db.CreateConsult(ctx, tc.other(ny, la))
				done <- err
			}()
			// Either the second booking finishes, or it is seen waiting for
			// a lock the held one has: no clock decides.
			var err error
			waited := false
		wait:
			for {
				select {
				case err = <-done:
					break wait
				default:
				}
				if lockWaiters(t, db) > 0 {
					waited = true
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			close(h.released)
			if err := <-first; err != nil {
				t.Fatalf("held booking: %v", err)
			}
			if waited {
				err = <-done
				t.Errorf("the booking waited for a lock held by a booking that cannot overlap it")
			}
			if err != nil {
				t.Fatalf("second booking: %v", err)
			}
		})
	}
}

// Many visitors racing for one slot, and for slots overlapping it (a
// visitor moving their consult there, another therapist's visitor): one
// wins the slot, every other racer for it hears "taken" (never an internal
// error, such as a deadlock), and the other therapist's booking stands.
func TestRacingBookingsOfOneSlot(t *testing.T) {
	db, ny, la, _ := fixture(t)
	ctx := context.Background()
	mover, err := db.CreateConsult(ctx, booking(monday9.Add(2*time.Hour), ny.ID, "mover@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	const racers = 16
	errs := make([]error, racers+2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = db.CreateConsult(ctx, booking(monday9, ny.ID, fmt.Sprintf("r%d@example.com", i)))
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-start
		_, errs[racers] = db.RescheduleConsult(ctx, mover.ManageToken, monday9, ny.ID)
	}()
	go func() {
		defer wg.Done()
		<-start
		_, errs[racers+1] = db.CreateConsult(ctx, booking(monday9.Add(3*time.Hour), la.ID, "la@example.com"))
	}()
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs[:racers+1] {
		switch journey.ErrorCode(err) {
		case "":
			won++
		case journey.ECONFLICT:
		default:
			t.Errorf("racer %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d racers got the slot, want 1", won)
	}
	if errs[racers+1] != nil {
		t.Errorf("the other therapist's booking: %v", errs[racers+1])
	}
	cs, _, err := db.FindConsults(ctx, journey.ConsultFilter{TherapistID: &ny.ID, Status: ptr(journey.ConsultBooked)})
	if err != nil {
		t.Fatal(err)
	}
	at9 := 0
	for _, c := range cs {
		if c.Start.Equal(monday9) {
			at9++
		}
	}
	if at9 != 1 {
		t.Fatalf("%d consults booked at the slot", at9)
	}
}

func ptr[T any](v T) *T { return &v }

// Every booking, from any process, moves the calendar counter that the
// slot and page caches of every process compare; it never moves back.
func TestBookingsMoveTheCalendarCounter(t *testing.T) {
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	ctx := context.Background()
	a, b := sqldbtest.OpenDSN(t, dsn, mk), sqldbtest.OpenDSN(t, dsn, mk)
	now := monday9.AddDate(0, 0, -5)
	a.Now, b.Now = sqldbtest.FixedClock(&now), sqldbtest.FixedClock(&now)
	ny, la := sqldbtest.MustSeed(t, a)
	last, _, err := b.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		// Alternately through a (New York, 30-minute grid from 09:00) and
		// b (Los Angeles, 40-minute grid from 09:00 there, 12:00 here).
		k := i / 2
		db, therapist, start := a, ny, monday9.AddDate(0, 0, k%5).Add(time.Duration(k/5)*30*time.Minute)
		if i%2 == 1 {
			db, therapist, start = b, la, monday9.AddDate(0, 0, k%5).Add(3*time.Hour+time.Duration(k/5)*40*time.Minute)
		}
		if _, err := db.CreateConsult(ctx, booking(start, therapist.ID, fmt.Sprintf("v%d@example.com", i))); err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
		for _, seen := range []*sqldb.DB{a, b} {
			calendar, _, err := seen.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if calendar != last+1 {
				t.Fatalf("booking %d: calendar counter %d, want %d", i, calendar, last+1)
			}
		}
		last++
	}
}

// A consult's email comes from the practice as it is now, also when
// another process changed it after this one last booked.
func TestConsultMailFollowsPracticeEdits(t *testing.T) {
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	ctx := context.Background()
	a, b := sqldbtest.OpenDSN(t, dsn, mk), sqldbtest.OpenDSN(t, dsn, mk)
	now := monday9.AddDate(0, 0, -5)
	a.Now, b.Now = sqldbtest.FixedClock(&now), sqldbtest.FixedClock(&now)
	ny, _ := sqldbtest.MustSeed(t, a)
	if _, err := a.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	p := sqldbtest.Practice
	p.Name = "Renamed Practice"
	if err := b.UpdatePractice(ctx, &p); err != nil {
		t.Fatal(err)
	}
	c, err := a.CreateConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "b@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range outbox(t, a) {
		if m.To == c.Email && !strings.Contains(m.Text, "Renamed Practice") {
			t.Fatalf("mail after the edit names the old practice:\n%s", m.Text)
		}
	}
}

// A booking stores its visitor's name's blind indexes, as every named
// record does (on PostgreSQL in the same statement as the consult).
func TestBookingIndexesTheName(t *testing.T) {
	db, ny, _, _ := fixture(t)
	c, err := db.CreateConsult(context.Background(), booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Read.QueryRow(db.Rebind(`SELECT COUNT(*) FROM name_index WHERE owner_type = 'consult' AND owner_id = ?`), c.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := len(db.Keys.NameIndex(c.Name)); n != want || n == 0 {
		t.Fatalf("%d name_index rows, want %d", n, want)
	}
}

// SQLite's overlap trigger looks a day back in the therapist's bookings:
// it must find their ends in the index, not by reading each booking's row
// (on the one writer, once per booking). PostgreSQL's exclusion constraint
// has its own index.
func TestOverlapCheckReadsOnlyTheIndex(t *testing.T) {
	db := sqldbtest.Open(t)
	if db.Dialect != sqldb.SQLite {
		return
	}
	rows, err := db.Read.Query(`EXPLAIN QUERY PLAN SELECT 1 FROM consults c
		WHERE c.therapist_id = 1 AND c.status = 'booked' AND c.start_at > 0 AND c.start_at < 3600 AND 1800 < c.block_end`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "COVERING INDEX consults_booked") {
		t.Fatalf("overlap check plan: %s", got)
	}
}
