package main

import (
	"context"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// The demo's self-pay client has a superbill that lists only their
// preparation and integration sessions (their dosing session is charged,
// but not on it) and a statement of their psychotherapy account, partly
// paid.
func TestDemoDocuments(t *testing.T) {
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
	charges, err := db.FindCharges(ctx, journey.ChargeFilter{ClientID: c.ID, Limit: journey.MaxChargeList})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*journey.Charge{}
	dosing := 0
	var psychotherapy int64
	for _, ch := range charges {
		byID[ch.ID] = ch
		if ch.ChargeType == journey.ChargeMedicineSession {
			dosing++
		}
		if ch.ChargeType == journey.ChargePsychotherapy && ch.Status == journey.ChargeOpen {
			psychotherapy += ch.AmountCents + ch.AdjustedCents
		}
	}
	if dosing == 0 {
		t.Fatal("the self-pay client has no dosing session charged: nothing to keep off the superbill")
	}
	sbs, err := db.FindDocuments(ctx, c.ID, journey.DocSuperbill, 10)
	if err != nil || len(sbs) != 1 {
		t.Fatalf("superbills: %v, %v", sbs, err)
	}
	types := map[string]int{}
	for _, id := range sbs[0].ChargeIDs {
		ch := byID[id]
		s, err := db.FindCareSession(ctx, ch.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		types[s.Type]++
		if ch.ChargeType != journey.ChargePsychotherapy || ch.Code == "" {
			t.Errorf("charge %d (%s %q) is on the superbill", id, ch.ChargeType, ch.Code)
		}
	}
	if types[journey.TypePreparation] == 0 || types[journey.TypeIntegration] == 0 || len(types) != 2 {
		t.Errorf("the superbill lists sessions of types %v, want preparation and integration only", types)
	}
	sts, err := db.FindDocuments(ctx, c.ID, journey.DocStatement, 10)
	if err != nil || len(sts) != 1 {
		t.Fatalf("statements: %v, %v", sts, err)
	}
	if st := sts[0]; st.ChargeType != journey.ChargePsychotherapy || st.TotalCents <= 0 || st.TotalCents >= psychotherapy {
		t.Errorf("statement due %d of %d charged: want partly paid", st.TotalCents, psychotherapy)
	}
	d, err := db.FindDocument(ctx, sbs[0].ID)
	if err != nil || !strings.HasPrefix(string(d.PDF), "%PDF-") {
		t.Errorf("the superbill's PDF: %v", err)
	}
}
