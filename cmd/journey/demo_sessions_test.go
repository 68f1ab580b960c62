package main

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The demo practice has rooms with hours, clinical hours, held and booked
// sessions, and a cleared client with a plan in every phase; the medicine
// session it books next passes every gate, and its integration group has
// two clients. The demo is the package run's seeded one (demoDatabase),
// checked as of when it was seeded.
func TestDemoCarePlansInEveryPhase(t *testing.T) {
	dsn, keyFile, _, seeded := demoDatabase(t)
	ctx := context.Background()
	db := sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, keyFile))
	db.Now = func() time.Time { return seeded }
	rooms, err := db.FindRooms(ctx)
	if err != nil || len(rooms) != 2 || len(rooms[0].Weekly) == 0 {
		t.Fatalf("rooms = %+v, %v", rooms, err)
	}
	settings, err := db.FindCareSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := seeded
	phases := map[string]bool{}
	var held, booked int
	p := processing.New(db)
	for _, dc := range demoCareClients {
		u, err := db.FindUserByEmail(ctx, dc.Email)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.FindClientByUserID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := db.FindPlan(ctx, c.ID)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
		sessions, err := db.FindPlanSessions(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := journey.WorkOutPlan(c.ID, plan.Settings, sessions, settings.Rules, now, nil)
		if got.Phase != dc.phase {
			t.Errorf("%s is in phase %s, want %s (next: %+v)", dc.Name, got.Phase, dc.phase, got.Next)
		}
		phases[got.Phase] = true
		for _, s := range sessions {
			switch s.Status {
			case journey.SessionCompleted:
				held++
			case journey.SessionBooked:
				booked++
				if s.Type != journey.TypeMedicine {
					continue
				}
				full, err := db.FindCareSession(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				r := &journey.SessionRequest{ClientID: c.ID, Type: full.Type, Start: full.Start, Mode: full.Mode, Route: full.Route,
					TherapistID: full.TherapistID, MedicalProviderID: full.MedicalProviderID, ChaperoneID: full.ChaperoneID, RoomID: full.RoomID}
				gates, err := p.BookingGates(ctx, c, r, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if unmet := journey.Unmet(gates); len(unmet) > 0 {
					t.Errorf("%s's booked medicine session has unmet gates: %+v", dc.Name, unmet)
				}
			}
		}
	}
	// The remote client: a remote lozenge session booked, a monitor named,
	// every gate at its start met but the check-in.
	ru, err := db.FindUserByEmail(ctx, demoRemoteClient.Email)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := db.FindClientByUserID(ctx, ru.ID)
	if err != nil {
		t.Fatal(err)
	}
	rsessions, err := db.FindPlanSessions(ctx, rc.ID)
	if err != nil {
		t.Fatal(err)
	}
	remote := 0
	for _, s := range rsessions {
		if s.Status != journey.SessionBooked || s.Mode != journey.ModeRemote || s.Type != journey.TypeMedicine {
			continue
		}
		remote++
		full, err := db.FindCareSession(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Route != journey.RouteLozenge || full.Start.Before(now) {
			t.Errorf("the remote session: %+v", full)
		}
		gates, err := p.StartGates(ctx, rc, full)
		if err != nil {
			t.Fatal(err)
		}
		if unmet := journey.Unmet(gates); len(unmet) != 1 || unmet[0].Code != journey.GateCheckIn {
			t.Errorf("the remote session's gates at its start, unmet: %+v", unmet)
		}
	}
	if remote != 1 {
		t.Errorf("the remote client has %d remote medicine sessions booked", remote)
	}
	for _, ph := range []string{journey.PhasePreparation, journey.PhaseInitial, journey.PhaseFollowUp, journey.PhaseContinuation,
		journey.PhaseMaintenance, journey.PhaseComplete} {
		if !phases[ph] {
			t.Errorf("no demo client in phase %s", ph)
		}
	}
	groups, err := db.FindCareSessions(ctx, journey.CareSessionFilter{From: now, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var attendees int
	for _, s := range groups {
		if s.Type == journey.TypeIntegrationGroup {
			attendees = len(s.Attendees)
		}
	}
	t.Logf("%d sessions held, %d booked, %d in the group; phases %v", held, booked, attendees, phases)
	if held < 20 || booked < 4 || attendees != 2 {
		t.Fatalf("%d sessions held, %d booked, %d in the group", held, booked, attendees)
	}
}
