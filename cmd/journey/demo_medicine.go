package main

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo's medicine sessions, so a new user sees the run sheet at once:
// stock received at the clinic (a lot of injectable vials and one of
// lozenges, numbered containers, counted), and one client, Elena, whose
// first dose last week was ordered, monitored, given from vial #1 (the log
// shows it), discharged, noted and signed, with an integration after it,
// and whose second dose is in progress today: checked in, started,
// ordered, the checklist done, the pre-dose readings taken and the dose
// given from the same vial twenty minutes before the demo began, so the
// peak check is due next. Everything
// goes through the store's own calls with its clock set to when it
// happened, so each keeps its rules and the log balances; the entries are
// signed as on the pages (the demo has no authenticator to ask).

var demoMedicineClient = demoCareClient{
	demoClient{"Elena Vasquez", "elena.vasquez@example.org", "+15550100139", "demo-client-cedar-grove", true}, journey.PhaseInitial, nil}

// demoMedicine is what seedMedicine made, for the demo's tests.
type demoMedicine struct {
	client          int64
	today, lastWeek int64
	vials, lozenges *journey.Lot
}

// seedMedicine writes the demo's stock and Elena's medicine sessions.
func seedMedicine(ctx context.Context, db *sqldb.DB, team *demoTeam, now time.Time) error {
	_, err := seedMedicineSessions(ctx, db, team, now)
	return err
}

func seedMedicineSessions(ctx context.Context, db *sqldb.DB, team *demoTeam, now time.Time) (*demoMedicine, error) {
	set := func(t time.Time) { db.Now = func() time.Time { return t } }
	room, err := db.FindRoom(ctx, team.medicineRoom)
	if err != nil {
		return nil, err
	}
	c, u, err := addClearedClient(ctx, db, team, demoMedicineClient, now)
	if err != nil {
		return nil, err
	}
	m := &demoMedicine{client: c.ID}
	// Two preparation sessions a week apart, from three weeks back.
	from := now.AddDate(0, 0, -22)
	for range 2 {
		s, err := demoBook(ctx, db, team, c.ID, demoStep{journey.TypePreparation, journey.ModeInPerson, true}, from, set, true)
		if err != nil {
			return nil, err
		}
		from = s.Start.AddDate(0, 0, 7)
	}
	// The stock arrives the week before the first dose.
	set(from.AddDate(0, 0, -5))
	if m.vials, m.lozenges, err = demoStock(ctx, db, room.LocationID, team.provider, now); err != nil {
		return nil, err
	}
	// Last week's dose: booked four days ahead, then held in full.
	set(from.AddDate(0, 0, -4))
	last, err := demoBook(ctx, db, team, c.ID, demoStep{journey.TypeMedicine, journey.ModeInPerson, false}, from, nil, false)
	if err != nil {
		return nil, err
	}
	m.lastWeek = last.ID
	if err := demoDoseHeld(ctx, db, team, c.ID, last, m.vials.Containers[0].ID, set); err != nil {
		return nil, fmt.Errorf("last week's dose: %w", err)
	}
	// The next day's count of every container, which matches the log.
	set(last.End.AddDate(0, 0, 1))
	if err := demoCount(ctx, db, room.LocationID, team.provider); err != nil {
		return nil, err
	}
	if _, err := demoBook(ctx, db, team, c.ID, demoStep{journey.TypeIntegration, journey.ModeInPerson, true}, last.Start.AddDate(0, 0, 2), set, true); err != nil {
		return nil, err
	}
	// Today's dose, in progress.
	today, err := demoBookToday(ctx, db, team, c.ID, now, set)
	if err != nil {
		return nil, fmt.Errorf("today's dose: %w", err)
	}
	m.today = today.ID
	set(today.Start.Add(-time.Hour))
	if _, _, err := db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, demoCleanAnswers[journey.QuestionnairePHQ9], u.ID); err != nil {
		return nil, err
	}
	order := &journey.Order{Route: journey.RouteIM, Formulation: "ketamine HCl 50 mg/mL injection", StrengthMg: 50, DoseMg: 60,
		Titration: "If well tolerated, keep 60 mg for the third session."}
	if err := demoRunSheet(ctx, db, team, c.ID, today, order, set); err != nil {
		return nil, fmt.Errorf("today's dose: %w", err)
	}
	// The dose twenty minutes ago, so the peak check is due in twenty;
	// ten minutes after the readings at the earliest, and within the hour
	// after the start when the demo starts late in the evening.
	dosed := now.Add(-20 * time.Minute).Truncate(time.Minute)
	if first := today.Start.Add(10 * time.Minute); dosed.Before(first) {
		dosed = first
	}
	if last := today.Start.Add(time.Hour); dosed.After(last) {
		dosed = last
	}
	if dosed.After(now) {
		return m, nil // just past midnight: the dose is yet to come
	}
	set(dosed)
	if err := db.RecordAdministration(ctx, &journey.Administration{SessionID: today.ID, DoseMg: order.DoseMg, Route: journey.RouteIM,
		ContainerID: m.vials.Containers[0].ID, AdministeredAt: dosed}, journey.Signature{By: team.provider, Kind: journey.SignSecondFactor}); err != nil {
		return nil, fmt.Errorf("today's dose: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	return m, nil
}

// demoStock receives, signed by the medical provider, five 10 mL vials of
// ketamine 50 mg/mL and two bottles of thirty 100 mg lozenges at the
// clinic, both expiring in a year, and opens vial #1.
func demoStock(ctx context.Context, db *sqldb.DB, location, provider int64, now time.Time) (*journey.Lot, *journey.Lot, error) {
	sig := journey.Signature{By: provider, Kind: journey.SignSecondFactor}
	expiry := now.AddDate(1, 0, 0).Format(time.DateOnly)
	vials, err := db.ReceiveStock(ctx, &journey.Receipt{LocationID: location, NDC: "0409-2051-05", Product: "Ketamine HCl injection",
		Strength: "50 mg/mL", Unit: journey.UnitML, MgPerUnit: 50, Lot: "KV24117", Expiry: expiry, Containers: 5, AmountPerContainer: 10,
		Supplier: "Cardinal Health", Invoice: "CT-2026-0412"}, sig)
	if err != nil {
		return nil, nil, fmt.Errorf("vials: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	lozenges, err := db.ReceiveStock(ctx, &journey.Receipt{LocationID: location, NDC: "71225-104-10", Product: "Ketamine HCl lozenge",
		Strength: "100 mg", Unit: journey.UnitCount, MgPerUnit: 100, Lot: "KL24089", Expiry: expiry, Containers: 2, AmountPerContainer: 30,
		Supplier: "Cedar Compounding Pharmacy", Invoice: "CCP-7781"}, sig)
	if err != nil {
		return nil, nil, fmt.Errorf("lozenges: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	if _, err := db.OpenContainer(ctx, vials.Containers[0].ID, sig); err != nil {
		return nil, nil, fmt.Errorf("open vial #1: %s", journey.ErrorMessage(err))
	}
	return vials, lozenges, nil
}

// demoCount counts every container at location as the log has it.
func demoCount(ctx context.Context, db *sqldb.DB, location, by int64) error {
	inv, err := db.FindInventory(ctx, location)
	if err != nil {
		return err
	}
	count := &journey.Count{LocationID: location, By: by}
	for _, l := range inv.Lots {
		for _, ct := range l.Containers {
			count.Lines = append(count.Lines, journey.CountLine{ContainerID: ct.ID, Amount: ct.Balance})
		}
	}
	if err := db.RecordCount(ctx, count, journey.Signature{By: by, Kind: journey.SignSecondFactor}); err != nil {
		return fmt.Errorf("count: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	return nil
}

// demoRunSheet checks session s in, starts it, and records what comes
// before the dose, each at its own time: the weight, the medical
// provider's order o, the checklist and the pre-dose readings.
func demoRunSheet(ctx context.Context, db *sqldb.DB, team *demoTeam, client int64, s *journey.CareSession, o *journey.Order, set func(time.Time)) error {
	n := func(v int) *int { return &v }
	for _, step := range []struct {
		at time.Duration
		do func() error
	}{
		{-15 * time.Minute, func() error {
			_, err := db.ChangeCareSessionStatus(ctx, s.ID, journey.ActionCheckIn, team.therapist)
			return err
		}},
		{-10 * time.Minute, func() error {
			return db.CreateWeight(ctx, &journey.Weight{ClientID: client, Kg: 68, By: team.provider})
		}},
		{0, func() error {
			_, err := db.ChangeCareSessionStatus(ctx, s.ID, journey.ActionStart, team.therapist)
			return err
		}},
		{2 * time.Minute, func() error {
			w, err := db.FindLatestWeight(ctx, client)
			if err != nil {
				return err
			}
			o.SessionID, o.WeightKg, o.OrderedBy = s.ID, w.Kg, team.provider
			return db.CreateOrder(ctx, o)
		}},
		{4 * time.Minute, func() error {
			return db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, ConsentActive: true,
				Intention: "To meet the grief with kindness rather than bracing against it.", By: team.therapist})
		}},
		{6 * time.Minute, func() error {
			return db.CreateObservation(ctx, &journey.Observation{SessionID: s.ID, Phase: journey.PhasePreDose, TakenAt: s.Start.Add(6 * time.Minute),
				Systolic: n(122), Diastolic: n(78), HeartRate: n(72), SpO2: n(98), RespRate: n(14), Sedation: n(5), By: team.chaperone})
		}},
	} {
		set(s.Start.Add(step.at))
		if err := step.do(); err != nil {
			return fmt.Errorf("%s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	return nil
}

// demoDoseHeld holds session s in full: what comes before the dose, the
// dose drawn from container, the readings at peak, interval and before
// discharge, discharge, then the therapist's progress note signed and
// the medical provider's addendum to it.
func demoDoseHeld(ctx context.Context, db *sqldb.DB, team *demoTeam, client int64, s *journey.CareSession, container int64, set func(time.Time)) error {
	order := &journey.Order{Route: journey.RouteIM, Formulation: "ketamine HCl 50 mg/mL injection", StrengthMg: 50, DoseMg: 50,
		Titration: "If well tolerated, 60 mg next session."}
	if err := demoRunSheet(ctx, db, team, client, s, order, set); err != nil {
		return err
	}
	n := func(v int) *int { return &v }
	dosed := s.Start.Add(15 * time.Minute)
	obs := func(phase string, after time.Duration, sys, dia, hr, sed int) func() error {
		return func() error {
			return db.CreateObservation(ctx, &journey.Observation{SessionID: s.ID, Phase: phase, TakenAt: dosed.Add(after),
				Systolic: n(sys), Diastolic: n(dia), HeartRate: n(hr), SpO2: n(97), RespRate: n(14), Sedation: n(sed), By: team.chaperone})
		}
	}
	var note *journey.Note
	for _, step := range []struct {
		at time.Duration
		do func() error
	}{
		{0, func() error {
			return db.RecordAdministration(ctx, &journey.Administration{SessionID: s.ID, DoseMg: 50, Route: journey.RouteIM,
				ContainerID: container, AdministeredAt: dosed}, journey.Signature{By: team.provider, Kind: journey.SignSecondFactor})
		}},
		{40 * time.Minute, obs(journey.PhasePeak, 40*time.Minute, 134, 84, 84, 3)},
		{80 * time.Minute, obs(journey.PhaseInterval, 80*time.Minute, 128, 80, 76, 4)},
		{120 * time.Minute, obs(journey.PhasePreDischarge, 120*time.Minute, 124, 78, 72, 5)},
		{125 * time.Minute, func() error {
			return db.CreateDischarge(ctx, s.ID, &journey.Discharge{VitalsAcceptable: true, AlertOriented: true, WalksSafely: true,
				DissociationGone: true, Escort: true, NoDriving: true, By: team.provider})
		}},
		{150 * time.Minute, func() error {
			note = &journey.Note{SessionID: s.ID, ClientID: client, Kind: journey.NoteProgress, AuthorID: team.therapist, Fields: map[string]string{
				"intention":       "To be with the grief for her mother without bracing against it.",
				"course":          "Onset within 10 minutes; eyes shaded, music. Tearful at the peak, then settled; spoke of her mother's garden.",
				"interventions":   "Grounding through breath when the dissociation deepened; brief reassurance; silence held.",
				"discharge_state": "Alert and oriented, walking steadily, calm; left with her partner driving.",
			}}
			return db.CreateNote(ctx, note)
		}},
		{160 * time.Minute, func() error { _, err := db.SignNote(ctx, note.ID); return err }},
		{24 * time.Hour, func() error {
			return db.CreateAddendum(ctx, note.ID, &journey.Addendum{AuthorID: team.provider,
				Text: "Prescriber: 50 mg IM (0.74 mg/kg) well tolerated, peak BP 134/84, no nausea. Plan 60 mg IM next session."})
		}},
	} {
		set(dosed.Add(step.at))
		if err := step.do(); err != nil {
			return fmt.Errorf("%s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	return nil
}

// demoBookToday books an in-person medicine session today at the clinic
// that has begun by now: from the half hour before now, or earlier when
// that time is taken. When the team or the room are not working then
// (a demo started at night or on a Sunday), they get today's hours as an
// extra, so the run sheet is there whenever the demo starts. The session
// stays within today in the therapist's zone too.
func demoBookToday(ctx context.Context, db *sqldb.DB, team *demoTeam, client int64, now time.Time, set func(time.Time)) (*journey.CareSession, error) {
	loc, err := journey.LoadZone(demoPractice.TimeZone)
	if err != nil {
		return nil, err
	}
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	latest := day.Add(17 * time.Hour) // 17:00: ends before midnight on the East Coast
	start := local.Truncate(30 * time.Minute).Add(-30 * time.Minute)
	if start.Before(day) {
		start = day
	}
	if start.After(latest) {
		start = latest
	}
	r := &journey.SessionRequest{ClientID: client, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, Route: journey.RouteIM,
		TherapistID: team.therapist, MedicalProviderID: team.provider, ChaperoneID: team.chaperone, RoomID: team.medicineRoom}
	extra := false
	for at := start; !at.Before(day); at = at.Add(-30 * time.Minute) {
		r.Start = at
		set(at.AddDate(0, 0, -4))
		s, err := db.CreateCareSession(ctx, r, team.therapist)
		if journey.ErrorCode(err) == journey.ECONFLICT || journey.ErrorCode(err) == journey.EINVALID {
			if !extra {
				if err := demoExtraHours(ctx, db, team, day); err != nil {
					return nil, err
				}
				extra, at = true, at.Add(30*time.Minute) // try this time again
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s%s", journey.ErrorMessage(err), fieldList(err))
		}
		return s, nil
	}
	return nil, fmt.Errorf("no time today for a medicine session before %s", start.Format(time.Kitchen))
}

// demoExtraHours gives the medicine session's team and room extra hours
// on day, from midnight to 21:00 at the clinic, each in their own zone.
func demoExtraHours(ctx context.Context, db *sqldb.DB, team *demoTeam, day time.Time) error {
	end := day.Add(21 * time.Hour)
	window := func(loc *time.Location) journey.ScheduleException {
		a, b := day.In(loc), end.In(loc)
		e := journey.ScheduleException{Date: a.Format(time.DateOnly), Kind: journey.ExceptionExtra,
			Start: journey.ClockTime(a.Hour()*60 + a.Minute()), End: journey.ClockTime(b.Hour()*60 + b.Minute())}
		if b.Day() != a.Day() {
			e.End = 24 * 60
		}
		return e
	}
	for _, id := range []int64{team.therapist, team.provider, team.chaperone} {
		h, err := db.FindStaffHours(ctx, id)
		if err != nil {
			return err
		}
		loc, err := journey.LoadZone(h.TimeZone)
		if err != nil {
			return err
		}
		h.Exceptions = append(h.Exceptions, window(loc))
		if err := db.SetStaffHours(ctx, h); err != nil {
			return fmt.Errorf("extra hours: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	room, err := db.FindRoom(ctx, team.medicineRoom)
	if err != nil {
		return err
	}
	loc, err := journey.LoadZone(room.TimeZone)
	if err != nil {
		return err
	}
	return db.SetRoomHours(ctx, room.ID, room.Weekly, append(room.Exceptions, window(loc)))
}
