package main

import (
	"context"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The demo practice has a medicine session in progress today whose run
// sheet opens for the demo therapist with its order, checklist and
// pre-dose readings and every gate met, and one last week with its
// dose drawn from a container in the log, its discharge and a signed
// progress note; the log sums to every container's balance.
func TestDemoMedicineSessions(t *testing.T) {
	dsn := sqldbtest.DSN(t)
	cfg := &Config{Database: dsn, MasterKeyFile: sqldbtest.KeyFile(t)}
	if !strings.HasPrefix(dsn, "postgres") {
		data := strings.TrimSuffix(dsn, "/journey.db")
		cfg = &Config{Data: data, MasterKeyFile: filepath.Join(data, "master.key")}
	}
	ctx := context.Background()
	if err := seedIfEmpty(ctx, cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, cfg.MasterKeyFile))
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
	now := time.Now()
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
	if unmet := journey.Unmet(rs.Gates); len(rs.Gates) == 0 || len(unmet) > 0 {
		t.Errorf("today's gates: %+v, unmet %+v", rs.Gates, unmet)
	}
	if err := p.MayDose(ctx, therapist, today.ID); err != nil {
		t.Errorf("today's session may not be dosed: %v", err)
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
