package main

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// demoRemoteClient is the demo's client on a remote plan: their doses so
// far held at the clinic, a monitor named, and a remote medicine session
// by lozenge booked at the team's next half hour (today while the team
// works), with every gate met but the client's check-in, so a new user
// sees the check-in path at once (it opens an hour before the start).
var demoRemoteClient = demoCareClient{demoClient{"Rowan Patel", "rowan.patel@example.org", "+15550100137", "demo-client-lantern-cove", true}, "", nil}

// seedRemoteClient adds demoRemoteClient with what their remote session
// needs; now is the real time, the store's clock is moved and put back.
func seedRemoteClient(ctx context.Context, db *sqldb.DB, now time.Time) error {
	clock := db.Now
	defer func() { db.Now = clock }()
	team := &demoTeam{}
	for email, id := range map[string]*int64{demoAccounts[0].Email: &team.admin, demoAccounts[1].Email: &team.therapist,
		demoAccounts[2].Email: &team.provider, demoAccounts[3].Email: &team.chaperone} {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			return err
		}
		*id = u.ID
	}
	rooms, err := db.FindRooms(ctx)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		if r.Name == "Cedar Room" {
			team.medicineRoom = r.ID
		}
	}
	// The initial doses, their integrations and the follow-up, held.
	if err := seedCareClient(ctx, db, team, demoRemoteClient, len(demoCareClients), now); err != nil {
		return err
	}
	db.Now = func() time.Time { return now }
	u, err := db.FindUserByEmail(ctx, demoRemoteClient.Email)
	if err != nil {
		return err
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		return err
	}
	plan, err := db.FindPlan(ctx, c.ID)
	if err != nil {
		return err
	}
	s := plan.Settings
	s.Mode, s.Route = journey.ModeRemote, journey.RouteLozenge
	if err := db.UpdatePlan(ctx, c.ID, s, team.therapist, "Moved three hours away; continues from home by lozenge with their partner as monitor."); err != nil {
		return err
	}
	if err := db.SetMonitor(ctx, &journey.Monitor{ClientID: c.ID, Name: "Sam Patel", Phone: "+15550100138", Relationship: "Partner", Adult: true}); err != nil {
		return err
	}
	if _, _, err := db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, demoCleanAnswers[journey.QuestionnairePHQ9], u.ID); err != nil {
		return err
	}
	// The first half hour from a quarter of an hour on when the team is
	// free, booked as if a week ago (the type's lead time).
	r := &journey.SessionRequest{ClientID: c.ID, Type: journey.TypeMedicine, Mode: journey.ModeRemote, Route: journey.RouteLozenge,
		TherapistID: team.therapist, MedicalProviderID: team.provider, ChaperoneID: team.chaperone}
	first := now.Add(15 * time.Minute).Truncate(30 * time.Minute).Add(30 * time.Minute)
	db.Now = func() time.Time { return now.AddDate(0, 0, -7) }
	for i := 0; i < 14*48; i++ {
		r.Start = first.Add(time.Duration(i) * 30 * time.Minute)
		_, err := db.CreateCareSession(ctx, r, team.therapist)
		if journey.ErrorCode(err) == journey.ECONFLICT {
			continue // someone is taken, or not working then
		}
		if err != nil {
			return fmt.Errorf("remote medicine: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
		return nil
	}
	return fmt.Errorf("no free time for a remote medicine session in two weeks")
}
