package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/journey-kap/journey"
)

// The demo's self-pay client was given a Good Faith Estimate of each
// charge type they pay themselves on time, before their first medicine
// session, kept as PDF; what they were billed since is not $400 above it.
func TestDemoEstimate(t *testing.T) {
	ctx := context.Background()
	db := seededDemo(t)
	u, err := db.FindUserByEmail(ctx, demoSelfPayClient)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := db.FindPlanSessions(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var first *journey.CareSession
	for _, s := range ss {
		if s.Type == journey.TypeMedicine && first == nil {
			first = s
		}
	}
	ests, err := db.FindEstimates(ctx, c.ID)
	if err != nil || len(ests) != len(journey.ChargeTypes) {
		t.Fatalf("estimates: %d %v", len(ests), err)
	}
	billed, err := db.EstimateBilled(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ests {
		if e.IssuedAt.After(e.DueBy) || !e.IssuedAt.Before(first.Start) || e.Reason != journey.EstimateScheduled || e.TotalCents <= 0 || len(e.Lines) == 0 {
			t.Errorf("%s estimate issued %v, due %v, first dose %v, %d lines", e.ChargeType, e.IssuedAt, e.DueBy, first.Start, len(e.Lines))
		}
		if journey.Disputable(billed[e.ID], e.TotalCents) {
			t.Errorf("%s: billed %d against %d", e.ChargeType, billed[e.ID], e.TotalCents)
		}
		if _, doc, err := db.FindEstimate(ctx, e.ID); err != nil || !bytes.HasPrefix(doc, []byte("%PDF")) {
			t.Errorf("%s: PDF %v", e.ChargeType, err)
		}
	}
	reqs, err := db.FindEstimateRequests(ctx, c.ID, 10)
	if err != nil || len(reqs) != 1 || reqs[0].SessionID != first.ID || reqs[0].DoneAt.IsZero() {
		t.Errorf("requests: %+v %v", reqs, err)
	}
}
