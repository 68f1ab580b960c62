package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo's Good Faith Estimate: the self-pay client (demoSelfPayClient)
// was given one on time before their first medicine session. The demo's
// sessions were seeded before its billing setup, so no booking opened a
// request then; this writes, with the store's clock set back to that
// booking, the request the booking would have opened and the estimates
// Journey would have issued an hour later, worked out from the plan as it
// stood: the sessions booked by then, those still to come not yet held.

// seedEstimates writes the self-pay client's request and estimates; it
// runs after the billing setup (seedBillingSetup).
func seedEstimates(ctx context.Context, db *sqldb.DB) error {
	clock := db.Now
	defer func() { db.Now = clock }()
	u, err := db.FindUserByEmail(ctx, demoSelfPayClient)
	if err != nil {
		return err
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		return err
	}
	loc, err := journey.LoadZone(demoPractice.TimeZone)
	if err != nil {
		return err
	}
	sessions, err := db.FindPlanSessions(ctx, c.ID)
	if err != nil {
		return err
	}
	var first *journey.CareSession
	var asOf []*journey.CareSession
	booked := map[int64]time.Time{}
	for _, s := range sessions {
		full, err := db.FindCareSession(ctx, s.ID)
		if err != nil {
			return err
		}
		booked[s.ID] = full.CreatedAt
		if first == nil && s.Type == journey.TypeMedicine {
			first = full
		}
	}
	if first == nil {
		return fmt.Errorf("the self-pay client has no medicine session")
	}
	at := first.CreatedAt
	for _, s := range sessions {
		if booked[s.ID].After(at) {
			continue // not booked yet then
		}
		then := *s
		if !s.Start.Before(at) {
			then.Status = journey.SessionBooked
		}
		asOf = append(asOf, &then)
	}
	db.Now = func() time.Time { return at }
	due, ok := journey.EstimateDueBy(at, first.Start, loc)
	if !ok {
		due = first.Start // as estimateOnBooking: before the session
	}
	r := &journey.EstimateRequest{ClientID: c.ID, Reason: journey.EstimateScheduled, SessionID: first.ID, DueBy: due}
	if err := db.OpenEstimateRequest(ctx, r); err != nil {
		return err
	}
	issued := at.Add(time.Hour) // the job issues it at once
	db.Now = func() time.Time { return issued }
	ests, err := demoEstimates(ctx, db, c, asOf, issued, loc)
	if err != nil {
		return err
	}
	docs := make([]journey.IssuedEstimate, len(ests))
	for i, e := range ests {
		if docs[i], err = demoEstimatePDF(ctx, db, c, r, e, loc); err != nil {
			return err
		}
	}
	return db.CreateEstimates(ctx, r.ID, docs, 0)
}

// demoEstimates works out client c's estimates at the time at, from the
// sessions booked by then.
func demoEstimates(ctx context.Context, db *sqldb.DB, c *journey.Client, sessions []*journey.CareSession, at time.Time, loc *time.Location) ([]*journey.Estimate, error) {
	stored, err := db.FindPlan(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	cs, err := db.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	f := journey.EstimateFacts{Client: c, Plan: journey.WorkOutPlan(c.ID, stored.Settings, sessions, cs.Rules, at, loc), Sessions: sessions,
		Now: at, Loc: loc, Names: map[int64]string{}, NewPatient: true,
		FirstPsychotherapy: !slices.ContainsFunc(sessions, func(s *journey.CareSession) bool { return s.Type == journey.TypePreparation && s.Start.Before(at) })}
	for _, m := range c.CareTeam {
		f.Names[m.UserID] = m.Name
	}
	if f.Types, err = db.FindSessionTypes(ctx); err != nil {
		return nil, err
	}
	if f.Schedule, err = db.FindFeeSchedule(ctx); err != nil {
		return nil, err
	}
	if f.Entities, err = db.FindBillingEntities(ctx); err != nil {
		return nil, err
	}
	if f.Coverage, err = db.FindCoverage(ctx, c.ID); err != nil {
		return nil, err
	}
	if f.Clinicians, err = db.FindBillingClinicians(ctx); err != nil {
		return nil, err
	}
	if f.Diagnoses, err = db.FindDiagnoses(ctx, c.ID); err != nil {
		return nil, err
	}
	ests := journey.WorkOutEstimates(f)
	if len(ests) == 0 {
		return nil, fmt.Errorf("the self-pay client is owed no estimate")
	}
	return ests, nil
}

// demoEstimatePDF renders estimate e of request r.
func demoEstimatePDF(ctx context.Context, db *sqldb.DB, c *journey.Client, r *journey.EstimateRequest, e *journey.Estimate, loc *time.Location) (journey.IssuedEstimate, error) {
	e.Reason, e.RequestedAt, e.DueBy, e.IssuedAt = r.Reason, r.RequestedAt, r.DueBy, db.Now()
	ent, err := db.FindBillingEntity(ctx, e.EntityID)
	if err != nil {
		return journey.IssuedEstimate{}, err
	}
	in, err := db.FindIntake(ctx, c.ID)
	if err != nil {
		return journey.IssuedEstimate{}, err
	}
	pr := demoPractice
	var buf bytes.Buffer
	err = pdf.Estimate(&buf, &journey.EstimateDocument{Estimate: e, RequestID: r.ID, ClientName: c.Name, DateOfBirth: in.About.DateOfBirth,
		Entity: ent, Practice: &pr, Zone: loc})
	return journey.IssuedEstimate{Estimate: e, PDF: buf.Bytes()}, err
}
