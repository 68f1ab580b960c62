package main

import (
	"context"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// The demo practice's completed sessions of every type are charged on the
// right entity and charge type, each client's first psychotherapy an
// evaluation; the self-pay client's psychotherapy is partly paid.
func TestDemoCharges(t *testing.T) {
	ctx := context.Background()
	db := seededDemo(t)
	es, err := db.FindBillingEntities(ctx)
	if err != nil || len(es) != 2 {
		t.Fatalf("entities: %v %v", es, err)
	}
	kinds := map[int64]string{es[0].ID: es[0].Kind, es[1].ID: es[1].Kind}
	cs, err := db.FindCharges(ctx, journey.ChargeFilter{Limit: journey.MaxChargeList})
	if err != nil {
		t.Fatal(err)
	}
	types, sessionTypes, evaluations := map[string]int{}, map[string]bool{}, map[int64]string{}
	ndcs := 0
	for _, c := range cs {
		types[c.ChargeType]++
		if c.ChargeType == journey.ChargeMedication && c.NDC != "" {
			ndcs++
		}
		if !strings.Contains(strings.Join(journey.EntityChargeTypes(kinds[c.EntityID]), " "), c.ChargeType) {
			t.Errorf("charge %d: %s billed by the %s entity", c.ID, c.ChargeType, kinds[c.EntityID])
		}
		s, err := db.FindCareSession(ctx, c.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		sessionTypes[s.Type] = true
		if c.ChargeType == journey.ChargePsychotherapy && c.Code != "" && evaluations[c.ClientID] == "" {
			evaluations[c.ClientID] = c.Code
		}
	}
	t.Logf("charges by type %v over session types %v; first psychotherapy %v", types, sessionTypes, evaluations)
	for _, typ := range []string{journey.ChargePsychotherapy, journey.ChargeMedicineSession, journey.ChargeMedication} {
		if types[typ] == 0 {
			t.Errorf("no %s charge among %v", typ, types)
		}
	}
	for _, typ := range []string{journey.TypePreparation, journey.TypeMedicine, journey.TypeIntegration} {
		if !sessionTypes[typ] {
			t.Errorf("no %s session charged", typ)
		}
	}
	if ndcs == 0 {
		t.Error("no medication charge carries the NDC of the stock it was dosed from")
	}
	for client, code := range evaluations {
		if code != "90791" && code != "90853" {
			t.Errorf("client %d's first psychotherapy is %s", client, code)
		}
	}
	u, err := db.FindUserByEmail(ctx, demoSelfPayClient)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := db.FindPayments(ctx, journey.PaymentFilter{ClientID: c.ID, Limit: 10})
	if err != nil || len(ps) != 1 || ps[0].Method != journey.PayCheck {
		t.Fatalf("the self-pay client's payments: %+v %v", ps, err)
	}
	l, err := db.FindLedger(ctx, c.ID, ps[0].EntityID)
	if err != nil || l.ByType[journey.ChargePsychotherapy] <= 0 || l.ByType[journey.ChargePsychotherapy] >= ps[0].AmountCents*2 {
		t.Fatalf("partly paid: owes %d after paying %d (%v)", l.ByType[journey.ChargePsychotherapy], ps[0].AmountCents, err)
	}
}
