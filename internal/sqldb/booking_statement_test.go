package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

// On PostgreSQL, with the job queue's insert wired in (MailJobSQL), a
// booking is one statement after its locks: the consult, its email in the
// outbox, the River job that delivers it and the calendar counter go in
// together, or none of them does. The email is written before the
// transaction, so its invitation names the event by the consult's
// CalendarUID, which the consult keeps for the emails that follow.
func TestBookingIsOneStatementOnPostgres(t *testing.T) {
	if testenv.Dialect() != sqldb.Postgres {
		return // SQLite stores a booking statement by statement on its one writer
	}
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	withMailJobs(t, db)
	db.Enqueue = func(context.Context, *sql.Tx, []int64) error {
		t.Error("Enqueue called: the job belongs in the booking's statement")
		return nil
	}
	count := func(table string) int { return count(t, db, table) }
	cal0, _, err := db.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}

	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := outbox(t, db)
	if len(msgs) != 1 || len(c.CalendarUID) != 32 || !strings.Contains(msgs[0].ICS, "UID:consult-"+c.CalendarUID+"@") ||
		!strings.Contains(msgs[0].Text, "/c/"+c.ManageToken) {
		t.Fatalf("outbox %d messages, uid %q, invitation:\n%s", len(msgs), c.CalendarUID, msgs[0].ICS)
	}
	var messageID string
	var kind string
	var attempts int
	if err := db.Read.QueryRow(`SELECT args->>'message_id', kind, max_attempts FROM river_job`).Scan(&messageID, &kind, &attempts); err != nil {
		t.Fatal(err)
	}
	if messageID != strconv.FormatInt(msgs[0].ID, 10) || kind != (jobs.MailArgs{}).Kind() || attempts != jobs.MailMaxAttempts {
		t.Fatalf("job for message %s, kind %q, %d attempts; want message %d", messageID, kind, attempts, msgs[0].ID)
	}
	cal1, _, _ := db.Versions(ctx)
	if cal1 <= cal0 {
		t.Fatalf("calendar counter %d after the booking, %d before: cached slot grids would not see it", cal1, cal0)
	}
	stored, err := db.FindConsultByID(ctx, c.ID)
	if err != nil || stored.CalendarUID != c.CalendarUID {
		t.Fatalf("stored uid %q, want %q (%v)", stored.CalendarUID, c.CalendarUID, err)
	}

	// The address has an upcoming consult: nothing more is stored.
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "a@example.com")); err != sqldb.ErrEmailHasConsult {
		t.Fatalf("second booking of the address: %v", err)
	}
	// A job that cannot be stored takes the booking and its email with it.
	db.MailJobSQL = func(from string) string {
		return `INSERT INTO river_job (args, kind, max_attempts) SELECT '{}', 'mail', 0 FROM ` + from
	}
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(90*time.Minute), ny.ID, "b@example.com")); err == nil {
		t.Fatal("booking stored although its job could not be")
	}
	if n, m, j := count("consults"), count("outbox"), count("river_job"); n != 1 || m != 1 || j != 1 {
		t.Fatalf("%d consults, %d messages, %d jobs; want 1 of each", n, m, j)
	}
	if cal2, _, _ := db.Versions(ctx); cal2 != cal1 {
		t.Fatalf("calendar counter moved from %d to %d with nothing booked", cal1, cal2)
	}
}

// withMailJobs migrates River's tables into db and wires in its job
// insert, as journey serve does: on PostgreSQL a booking is then stored in
// one round trip (DB.pipeline).
func withMailJobs(t *testing.T, db *sqldb.DB) {
	t.Helper()
	if err := jobs.Migrate(context.Background(), jobs.Config{Dialect: db.Dialect, Pool: db.Jobs}); err != nil {
		t.Fatal(err)
	}
	db.MailJobSQL = jobs.MailJobSQL
}

// Bookings sent in one round trip race as those sent statement by
// statement do (TestRacingBookingsOfOneSlot): of many visitors racing for
// one slot one wins and every other hears "taken", never an internal error
// such as a deadlock; the next slot of the same hour and another
// therapist's booking at the same time stand; each booking stored has one
// message and one job, and the calendar counter moved once for each.
func TestRacingBookingsInOneRoundTrip(t *testing.T) {
	if testenv.Dialect() != sqldb.Postgres {
		return
	}
	db, ny, la, _ := fixture(t)
	ctx := context.Background()
	withMailJobs(t, db)
	cal0, _, err := db.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []*journey.BookingRequest
	for i := range 16 {
		reqs = append(reqs, booking(monday9, ny.ID, fmt.Sprintf("r%d@example.com", i)))
	}
	for i := range 8 {
		reqs = append(reqs, booking(monday9.Add(30*time.Minute), ny.ID, fmt.Sprintf("n%d@example.com", i)))
	}
	reqs = append(reqs, booking(monday9.Add(3*time.Hour), la.ID, "la@example.com"))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
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
	won := map[time.Time]int{}
	for i, err := range errs {
		switch journey.ErrorCode(err) {
		case "":
			won[reqs[i].Start]++
		case journey.ECONFLICT:
		default:
			t.Errorf("booking %d: %v", i, err)
		}
	}
	if len(won) != 3 || won[monday9] != 1 || won[monday9.Add(30*time.Minute)] != 1 || won[monday9.Add(3*time.Hour)] != 1 {
		t.Fatalf("winners by time: %v; want one at each of the three", won)
	}
	if n, m, j := count(t, db, "consults"), count(t, db, "outbox"), count(t, db, "river_job"); n != 3 || m != 3 || j != 3 {
		t.Fatalf("%d consults, %d messages, %d jobs; want 3 of each", n, m, j)
	}
	if cal, _, _ := db.Versions(ctx); cal != cal0+3 {
		t.Fatalf("calendar counter moved by %d for 3 bookings", cal-cal0)
	}
}
