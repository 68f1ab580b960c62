package main

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The demo practice has a medicine session in progress today whose run
// sheet opens for the demo therapist with its order, checklist, pre-dose
// readings, every gate met, the dose given and the peak check due next,
// and one last week with its
// dose drawn from a container in the log, its discharge and a signed
// progress note; the log sums to every container's balance.
//
// The demo is the package run's seeded one (demoDatabase), which
// `journey serve --demo` seeded as it seeds an empty database; it is
// checked as of when it was seeded.
func TestDemoMedicineSessions(t *testing.T) {
	dsn, keyFile, _, seeded := demoDatabase(t)
	db := sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, keyFile))
	checkDemoMedicine(t, db, seeded)
}

// Whenever the demo starts, today's medicine session is in progress on the
// clinic's date: on a weekday in office hours, and at night or on a Sunday
// when the team and the room get today's hours as an extra.
func TestDemoMedicineAnyTime(t *testing.T) {
	loc, err := journey.LoadZone(demoPractice.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2026, 12, 9, 11, 10, 0, 0, loc),  // a Wednesday morning
		time.Date(2026, 12, 12, 23, 40, 0, 0, loc), // a Saturday night
		time.Date(2026, 12, 13, 0, 40, 0, 0, loc),  // past midnight into a Sunday
		time.Date(2026, 12, 14, 0, 4, 0, 0, loc),   // just past midnight: the dose is yet to come
		time.Date(2027, 3, 14, 16, 20, 0, 0, loc),  // the Sunday the clocks go forward
	} {
		t.Run(at.Format("Mon-15:04"), func(t *testing.T) {
			db := sqldbtest.Open(t)
			db.Now = func() time.Time { return at } // as if the demo started then
			if err := seedDemo(context.Background(), db, at); err != nil {
				t.Fatal(err)
			}
			checkDemoMedicine(t, db, at)
		})
	}
}

// checkDemoMedicine checks the demo's medicine sessions in db as of now.
func checkDemoMedicine(t *testing.T, db *sqldb.DB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return now }
	p := processing.New(db)
	actor := func(email, role string) *journey.Actor {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return &journey.Actor{User: &journey.User{ID: u.ID, Roles: []string{role}, Active: true, Kind: journey.UserStaff}, Verified: true, ClientAddr: "192.0.2.7"}
	}
	therapist := actor(demoAccounts[1].Email, journey.RoleTherapist)
	u, err := db.FindUserByEmail(ctx, demoMedicineClient.Email)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := db.FindPlanSessions(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := journey.LoadZone(demoPractice.TimeZone)
	var today, lastWeek *journey.CareSession
	for _, s := range sessions {
		if s.Type != journey.TypeMedicine {
			continue
		}
		switch s.Status {
		case journey.SessionInProgress:
			today = s
		case journey.SessionCompleted:
			lastWeek = s
		}
	}
	if today == nil || lastWeek == nil {
		t.Fatalf("medicine sessions: %+v", sessions)
	}
	if today.Start.In(loc).Format(time.DateOnly) != now.In(loc).Format(time.DateOnly) {
		t.Errorf("today's session starts %v, not today", today.Start.In(loc))
	}
	if d := now.Sub(lastWeek.Start); d < 4*24*time.Hour || d > 14*24*time.Hour {
		t.Errorf("last week's session was %v ago", d)
	}

	rs, err := p.RunSheet(ctx, therapist, today.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if rs.Order == nil || rs.Order.DoseMg != 60 || rs.Order.MgPerKg == 0 || rs.Checklist == nil || len(rs.Observations) != 1 ||
		rs.Observations[0].Phase != journey.PhasePreDose || len(rs.Observations[0].Flags) != 0 {
		t.Fatalf("today's run sheet: order %+v, checklist %+v, readings %+v", rs.Order, rs.Checklist, rs.Observations)
	}
	// In the first ten minutes after midnight the dose is yet to come and
	// the readings of the minutes after midnight are ahead of the clock.
	local := now.In(loc)
	sinceMidnight := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	switch {
	case sinceMidnight < 10*time.Minute:
		if len(rs.Administrations) != 0 || len(rs.Due) != 0 {
			t.Errorf("just past midnight: doses %+v, checks due %+v", rs.Administrations, rs.Due)
		}
	case rs.Observations[0].TakenAt.After(now) || len(rs.Administrations) != 1 || rs.Administrations[0].AdministeredAt.After(now) ||
		len(rs.Due) == 0 || rs.Due[0].Phase != journey.PhasePeak:
		t.Errorf("today's pre-dose reading at %v, doses %+v (now %v), checks due %+v", rs.Observations[0].TakenAt, rs.Administrations, now, rs.Due)
	case (local.Hour() < 17 && rs.Due[0].Overdue) || (local.Hour() >= 21 && !rs.Due[0].Overdue):
		// in the day the peak check is twenty minutes ahead; late at night
		// the session began at 17:00 and the check is long overdue
		t.Errorf("the peak check due %v is overdue %v at %v", rs.Due[0].Due, rs.Due[0].Overdue, local)
	}
	if unmet := journey.Unmet(rs.Gates); len(rs.Gates) == 0 || len(unmet) > 0 {
		t.Errorf("today's gates: %+v, unmet %+v", rs.Gates, unmet)
	}

	past, err := p.RunSheet(ctx, therapist, lastWeek.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	phases := map[string]bool{}
	for _, o := range past.Observations {
		phases[o.Phase] = true
	}
	if past.Discharge == nil || len(past.Administrations) != 1 || past.Administrations[0].ContainerID == 0 || len(phases) != 4 {
		t.Fatalf("last week's run sheet: discharge %+v, doses %+v, phases %v", past.Discharge, past.Administrations, phases)
	}
	_, notes, err := p.SessionNotes(ctx, therapist, lastWeek.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Status != journey.NoteSigned {
		t.Fatalf("last week's notes: %+v", notes)
	}
	note, err := p.Note(ctx, therapist, notes[0].ID, "")
	if err != nil || len(note.Addenda) != 1 || note.Addenda[0].AuthorID == note.AuthorID {
		t.Fatalf("last week's note: %+v, %v", note, err)
	}

	entries, err := db.FindLogEntries(ctx, journey.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sums, kinds := map[int64]float64{}, map[string]int{}
	var dose *journey.LogEntry
	for _, e := range entries {
		kinds[e.Kind]++
		sums[e.ContainerID] += e.Amount
		if e.Kind == journey.EntryAdministration && e.SessionID == lastWeek.ID {
			dose = e
		}
	}
	if doses := kinds[journey.EntryAdministration]; doses != 1+len(rs.Administrations) {
		t.Errorf("%d doses in the log, want last week's and today's %d", doses, len(rs.Administrations))
	}
	if dose == nil || dose.ContainerID != past.Administrations[0].ContainerID || dose.Mg != -50 {
		t.Errorf("last week's dose in the log: %+v", dose)
	}
	if kinds[journey.EntryReceipt] != 7 || kinds[journey.EntryCount] != 7 || kinds[journey.EntryOpen] != 1 {
		t.Errorf("log entries by kind: %v", kinds)
	}
	rooms, err := db.FindRooms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := db.FindInventory(ctx, rooms[0].LocationID)
	if err != nil {
		t.Fatal(err)
	}
	var containers int
	for _, l := range inv.Lots {
		for _, ct := range l.Containers {
			containers++
			if math.Abs(sums[ct.ID]-ct.Balance) > 1e-9 {
				t.Errorf("container %d: the log sums to %v, its balance is %v", ct.Number, sums[ct.ID], ct.Balance)
			}
		}
	}
	if containers != 7 || len(inv.Discrepancies) != 0 {
		t.Errorf("%d containers, discrepancies %+v", containers, inv.Discrepancies)
	}
}
