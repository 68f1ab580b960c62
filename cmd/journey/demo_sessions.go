package main

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo practice's care sessions: a location with two rooms and their
// hours, clinical hours for the staff, and cleared clients whose plans
// stand in every phase, with the sessions held that put them there and
// those booked next. Past sessions are booked, checked in, started and
// completed through the store with its clock set back to their time, so
// they keep every rule a booking keeps (hours, no overlap).

// demoCareClient is a cleared client and how far along their plan is.
type demoCareClient struct {
	demoClient
	phase string
	plan  func(*journey.PlanSettings) // a tailored plan, nil for the practice's default
}

var demoCareClients = []demoCareClient{
	{demoClient{"Morgan Ellis", "morgan.ellis@example.org", "+15550100131", "demo-client-fern-hollow", true}, journey.PhasePreparation, nil},
	// Jamie's first dose is held and its integration not booked yet: Jamie
	// books it in the portal.
	{demoClient{"Jamie Chen", "jamie.chen@example.org", "+15550100132", "demo-client-river-birch", true}, journey.PhaseInitial, nil},
	{demoClient{"Avery Santos", "avery.santos@example.org", "+15550100133", "demo-client-stone-bridge", true}, journey.PhaseFollowUp, nil},
	{demoClient{"Riley Novak", "riley.novak@example.org", "+15550100134", "demo-client-open-field", true}, journey.PhaseContinuation, nil},
	{demoClient{"Quinn Harper", "quinn.harper@example.org", "+15550100135", "demo-client-tall-pine", true}, journey.PhaseMaintenance,
		func(p *journey.PlanSettings) { p.Continuation, p.Maintenance = 0, true }},
	{demoClient{"Drew Kim", "drew.kim@example.org", "+15550100136", "demo-client-salt-marsh", true}, journey.PhaseComplete,
		func(p *journey.PlanSettings) { p.Continuation = 0 }},
}

// demoCleanAnswers raise no finding: the cleared clients' questionnaires.
var demoCleanAnswers = map[string][]int{
	journey.QuestionnairePHQ9:  {1, 1, 1, 1, 1, 1, 1, 1, 0},
	journey.QuestionnaireGAD7:  {1, 1, 1, 1, 1, 1, 1},
	journey.QuestionnairePCL5:  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	journey.QuestionnaireCSSRS: {0, 0, journey.Skipped, journey.Skipped, journey.Skipped, 0},
}

// demoTeam is who the demo's sessions hold.
type demoTeam struct {
	admin, therapist, provider, chaperone int64
	medicineRoom, groupRoom               int64
}

// seedSessions writes the demo's rooms, hours, cleared clients and their
// sessions; now is the real time, the store's clock is moved and put back.
func seedSessions(ctx context.Context, db *sqldb.DB, now time.Time) error {
	clock := db.Now
	defer func() { db.Now = clock }()
	team, err := seedRoomsAndHours(ctx, db)
	if err != nil {
		return err
	}
	for i, dc := range demoCareClients {
		if err := seedCareClient(ctx, db, team, dc, i, now); err != nil {
			return fmt.Errorf("%s: %w", dc.Name, err)
		}
	}
	if err := seedMedicine(ctx, db, team, now); err != nil {
		return fmt.Errorf("medicine sessions: %w", err)
	}
	db.Now = func() time.Time { return now }
	return seedGroup(ctx, db, team, now)
}

// seedRoomsAndHours adds the practice's location, its two rooms, and the
// clinical hours of its therapists, medical provider and chaperone.
func seedRoomsAndHours(ctx context.Context, db *sqldb.DB) (*demoTeam, error) {
	team := &demoTeam{}
	ids := map[string]*int64{demoAccounts[0].Email: &team.admin, demoAccounts[1].Email: &team.therapist,
		demoAccounts[2].Email: &team.provider, demoAccounts[3].Email: &team.chaperone}
	for email, id := range ids {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		*id = u.ID
	}
	loc := &journey.Location{Name: "Alder Street", Address: demoPractice.Address, TimeZone: demoPractice.TimeZone}
	if err := db.CreateLocation(ctx, loc); err != nil {
		return nil, err
	}
	monSat := func(start, end journey.ClockTime) []journey.WeeklyHours {
		var out []journey.WeeklyHours
		for d := time.Monday; d <= time.Saturday; d++ {
			out = append(out, journey.WeeklyHours{Weekday: d, Start: start, End: end})
		}
		return out
	}
	for _, r := range []struct {
		name string
		id   *int64
	}{{"Cedar Room", &team.medicineRoom}, {"Tide Room", &team.groupRoom}} {
		room := &journey.Room{LocationID: loc.ID, Name: r.name, Weekly: monSat(8*60, 19*60)}
		if err := db.CreateRoom(ctx, room); err != nil {
			return nil, err
		}
		*r.id = room.ID
	}
	// Each therapist's clinical hours are their consult days, in their own
	// zone; the medical provider and the chaperone work at the clinic.
	ts, err := db.FindTherapists(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		var week []journey.WeeklyHours
		for _, w := range t.Weekly {
			if len(week) == 0 || week[len(week)-1].Weekday != w.Weekday {
				week = append(week, journey.WeeklyHours{Weekday: w.Weekday, Start: w.Start, End: w.End})
			} else {
				week[len(week)-1].End = w.End // one window over the lunch hour: sessions are longer than consults
			}
		}
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: t.ID, TimeZone: t.TimeZone, Weekly: week}); err != nil {
			return nil, err
		}
	}
	for _, id := range []int64{team.provider, team.chaperone} {
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: demoPractice.TimeZone, Weekly: monSat(8*60, 18*60)}); err != nil {
			return nil, err
		}
	}
	return team, nil
}

// demoStep is one session of a client's history or their next booking.
type demoStep struct {
	typ, mode string
	held      bool
}

// stepsFor returns the sessions that put a client in phase: those held,
// then the one booked next (none for Jamie, who books it, and none once
// the plan is done).
func stepsFor(phase string) []demoStep {
	prep, dose, integ, follow := journey.TypePreparation, journey.TypeMedicine, journey.TypeIntegration, journey.TypePrescriberFollow
	held := func(types ...string) []demoStep {
		var out []demoStep
		for _, t := range types {
			out = append(out, demoStep{t, journey.ModeInPerson, true})
		}
		return out
	}
	initial := held(prep, prep, dose, integ, dose, integ)
	switch phase {
	case journey.PhasePreparation:
		return append(held(prep), demoStep{prep, journey.ModeRemote, false})
	case journey.PhaseInitial:
		return held(prep, prep, dose)
	case journey.PhaseFollowUp:
		return append(initial, demoStep{follow, journey.ModeRemote, false})
	case journey.PhaseContinuation:
		return append(append(initial, held(follow, dose, integ)...), demoStep{dose, journey.ModeInPerson, false})
	}
	return append(initial, held(follow)...) // maintenance and complete: everything the short plan asks, held
}

// seedCareClient adds dc, cleared ten weeks ago by the medical provider
// with both consents signed, and books their sessions: the held ones a
// week apart from then, the next one from four days after now.
func seedCareClient(ctx context.Context, db *sqldb.DB, team *demoTeam, dc demoCareClient, n int, now time.Time) error {
	set := func(t time.Time) { db.Now = func() time.Time { return t } }
	c, u, err := addClearedClient(ctx, db, team, dc, now)
	if err != nil {
		return err
	}
	// The held sessions a week apart, integration two days after its dose
	// (each client starting on their own day), from seven weeks back; the
	// next from four days on.
	steps := stepsFor(dc.phase)
	from := now.AddDate(0, 0, -7*len(steps)+n)
	for _, st := range steps {
		if !st.held {
			set(now)
			if st.typ == journey.TypeMedicine {
				// A PHQ-9 this week, as the measures gate asks before a dose.
				if _, _, err := db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, demoCleanAnswers[journey.QuestionnairePHQ9], u.ID); err != nil {
					return err
				}
			}
			_, err := demoBook(ctx, db, team, c.ID, st, now.AddDate(0, 0, 4), set, false)
			return err
		}
		s, err := demoBook(ctx, db, team, c.ID, st, from, set, true)
		if err != nil {
			return err
		}
		from = s.Start.AddDate(0, 0, 7)
		if st.typ == journey.TypeMedicine {
			from = s.Start.AddDate(0, 0, 2) // integration within days of the dose
		}
	}
	return nil
}

// addClearedClient adds dc, cleared ten weeks before now by the medical
// provider with both consents signed, the medical provider and the
// chaperone on their care team, and their plan tailored when dc says so;
// the store's clock is left ten weeks back.
func addClearedClient(ctx context.Context, db *sqldb.DB, team *demoTeam, dc demoCareClient, now time.Time) (*journey.Client, *journey.User, error) {
	start := now.AddDate(0, 0, -70)
	db.Now = func() time.Time { return start }
	c, u, err := addDemoClientAnswering(ctx, db, dc.demoClient, team.therapist, team.admin, start, demoCleanAnswers)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range []int64{team.provider, team.chaperone} {
		if err := db.AddCareMember(ctx, c.ID, id); err != nil {
			return nil, nil, err
		}
	}
	sc, err := db.FindScreening(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	var ack []string
	for _, f := range sc.Findings {
		ack = append(ack, f.Code)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: team.provider,
		ClearedUntil: now.AddDate(1, 0, 0), Acknowledged: ack}); err != nil {
		return nil, nil, fmt.Errorf("clearance: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	for _, code := range []string{journey.ConsentKAP, journey.ConsentFinancial} {
		if _, err := db.SignConsent(ctx, c.ID, code, dc.Name, "192.0.2.10"); err != nil {
			return nil, nil, fmt.Errorf("consent: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	if dc.plan != nil {
		plan, err := db.FindPlan(ctx, c.ID)
		if err != nil {
			return nil, nil, err
		}
		s := plan.Settings
		dc.plan(&s)
		if err := db.UpdatePlan(ctx, c.ID, s, team.therapist, "A shorter series agreed at the start of care."); err != nil {
			return nil, nil, err
		}
	}
	return c, u, nil
}

// demoBook books st for client at the first free half hour on a weekday
// from from (08:00 to 15:00 at the clinic), with the clock four days
// before it when it is past; held, it is then checked in, started and
// completed at its own time.
func demoBook(ctx context.Context, db *sqldb.DB, team *demoTeam, client int64, st demoStep, from time.Time,
	set func(time.Time), held bool) (*journey.CareSession, error) {
	loc, err := journey.LoadZone(demoPractice.TimeZone)
	if err != nil {
		return nil, err
	}
	r := &journey.SessionRequest{ClientID: client, Type: st.typ, Mode: st.mode}
	switch st.typ {
	case journey.TypeMedicine:
		r.Route, r.TherapistID, r.MedicalProviderID, r.ChaperoneID, r.RoomID = journey.RouteIM, team.therapist, team.provider, team.chaperone, team.medicineRoom
	case journey.TypePrescriberFollow:
		r.MedicalProviderID = team.provider
	case journey.TypeIntegrationGroup:
		r.TherapistID, r.RoomID = team.therapist, team.groupRoom
	default:
		r.TherapistID = team.therapist
	}
	y, m, d := from.In(loc).Date()
	for day := 0; day < 60; day++ {
		date := time.Date(y, m, d+day, 0, 0, 0, 0, loc)
		if date.Weekday() == time.Saturday || date.Weekday() == time.Sunday {
			continue
		}
		for slot := 16; slot <= 30; slot++ { // 08:00 to 15:00
			r.Start = date.Add(time.Duration(slot) * 30 * time.Minute)
			if held {
				set(r.Start.AddDate(0, 0, -4))
			}
			s, err := db.CreateCareSession(ctx, r, team.therapist)
			if journey.ErrorCode(err) == journey.ECONFLICT {
				continue // someone or the room is taken, or not working then
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s%s", st.typ, journey.ErrorMessage(err), fieldList(err))
			}
			if !held {
				return s, nil
			}
			for _, step := range []struct {
				at     time.Time
				action string
			}{{s.Start.Add(-15 * time.Minute), journey.ActionCheckIn}, {s.Start, journey.ActionStart}, {s.End, journey.ActionComplete}} {
				set(step.at)
				if s, err = db.ChangeCareSessionStatus(ctx, s.ID, step.action, team.therapist); err != nil {
					return nil, fmt.Errorf("%s %s: %s", st.typ, step.action, journey.ErrorMessage(err))
				}
			}
			return s, nil
		}
	}
	return nil, fmt.Errorf("no free time for a %s session from %s", st.typ, from.Format(time.DateOnly))
}

// seedGroup books next week's integration group in the Tide Room, with
// two clients in it.
func seedGroup(ctx context.Context, db *sqldb.DB, team *demoTeam, now time.Time) error {
	users := map[string]int64{}
	for _, dc := range demoCareClients[1:3] {
		u, err := db.FindUserByEmail(ctx, dc.Email)
		if err != nil {
			return err
		}
		c, err := db.FindClientByUserID(ctx, u.ID)
		if err != nil {
			return err
		}
		users[dc.Email] = c.ID
	}
	first := users[demoCareClients[1].Email]
	s, err := demoBook(ctx, db, team, first,
		demoStep{journey.TypeIntegrationGroup, journey.ModeInPerson, false}, now.AddDate(0, 0, 7), nil, false)
	if err != nil {
		return err
	}
	_, err = db.AddSessionAttendee(ctx, s.ID, users[demoCareClients[2].Email], team.therapist)
	return err
}
