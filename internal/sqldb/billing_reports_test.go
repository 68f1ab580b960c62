package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The month report and aged balances over charges, a payment, a void and
// a discount made through the store on their own days, across three
// months in the practice's zone.
func TestBillingReports(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 10, 15, 18, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	care := sqldbtest.SeedCare(t, db)
	b := sqldbtest.SeedBilling(t, db)
	other, _ := sqldbtest.Client(t, db, care.Therapist.ID, "Abe Other", "abe@client.test", nil)
	la, _ := time.LoadLocation("America/Los_Angeles")
	at := func(s string) {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, la)
		if err != nil {
			t.Fatal(err)
		}
		sqldbtest.SetTime(&now, v)
	}
	charge := func(client int64, entity int64, typ, code string, cents int64) *journey.Charge {
		t.Helper()
		cs, err := db.CreateCharges(ctx, []*journey.Charge{{ClientID: client, EntityID: entity, ChargeType: typ, Event: journey.EventCompleted,
			Date: now.In(la).Format(time.DateOnly), Code: code, Units: 1, Description: code, AmountCents: cents}}, care.Therapist.ID)
		if err != nil {
			t.Fatal(err)
		}
		return cs[0]
	}
	at("2026-10-15 10:00")
	psy := charge(care.Client.ID, b.Practice.ID, journey.ChargePsychotherapy, "90834", 165_00)
	drug := charge(care.Client.ID, b.Medical.ID, journey.ChargeMedication, "J3490", 90_00)
	at("2026-10-31 23:30") // still October in Portland, November in UTC
	charge(other.ID, b.Practice.ID, journey.ChargeMedicineSession, "0820T", 600_00)
	at("2026-11-10 09:00")
	if _, _, err := db.CreatePayment(ctx, &journey.Payment{ClientID: care.Client.ID, EntityID: b.Practice.ID, ChargeType: journey.ChargePsychotherapy,
		AmountCents: 100_00, Method: journey.PayCash, IdempotencyKey: "k1", By: care.Therapist.ID}); err != nil {
		t.Fatal(err)
	}
	at("2026-11-20 09:00")
	if _, err := db.VoidCharge(ctx, drug.ID, "Not given", care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	at("2026-12-01 09:00")
	if _, err := db.AdjustCharge(ctx, psy.ID, -15_00, "Sliding scale", care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	spans, err := journey.MonthSpans("2026-10", "2026-12", la)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.BillingMonths(ctx, spans)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s e%d %s n%d c%d v%d a%d p%d r%d net%d bal%d", r.Month, r.EntityID, r.ChargeType, r.ChargeCount,
			r.Charges, r.Voids, r.Adjustments, r.Payments, r.Refunds, r.Net(), r.BalanceCents))
	}
	P, M := b.Practice.ID, b.Medical.ID
	want := []string{
		fmt.Sprintf("2026-10 e%d psychotherapy n1 c16500 v0 a0 p0 r0 net16500 bal16500", P),
		fmt.Sprintf("2026-10 e%d medicine-session n1 c60000 v0 a0 p0 r0 net60000 bal60000", P),
		fmt.Sprintf("2026-10 e%d medication n1 c9000 v0 a0 p0 r0 net9000 bal9000", M),
		fmt.Sprintf("2026-11 e%d psychotherapy n0 c0 v0 a0 p-10000 r0 net-10000 bal6500", P),
		fmt.Sprintf("2026-11 e%d medicine-session n0 c0 v0 a0 p0 r0 net0 bal60000", P),
		fmt.Sprintf("2026-11 e%d medication n0 c0 v-9000 a0 p0 r0 net-9000 bal0", M),
		fmt.Sprintf("2026-12 e%d psychotherapy n0 c0 v0 a-1500 p0 r0 net-1500 bal5000", P),
		fmt.Sprintf("2026-12 e%d medicine-session n0 c0 v0 a0 p0 r0 net0 bal60000", P),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
	if rows, _ := db.BillingMonths(ctx, spans[2:]); len(rows) != 2 || rows[0].BalanceCents != 50_00 {
		t.Fatalf("December alone carries the balance forward: %+v", rows)
	}

	aged, err := db.AgedBalances(ctx, time.Date(2026, 12, 20, 12, 0, 0, 0, time.UTC))
	if err != nil || len(aged) != 2 {
		t.Fatalf("aged: %+v %v", aged, err)
	}
	if a := aged[0]; a.ClientName != "Abe Other" || a.EntityID != P || a.BalanceCents != 600_00 || a.Buckets != [4]int64{0, 600_00, 0, 0} {
		t.Errorf("Abe: %+v", a)
	}
	// 165 charged 15 Oct (66 days before), 100 paid, 15 off: 50 left, 61–90 days.
	if a := aged[1]; a.ClientName != "Casey Client" || a.EntityID != P || a.BalanceCents != 50_00 || a.Buckets != [4]int64{0, 0, 50_00, 0} {
		t.Errorf("Casey: %+v", a)
	}
	if aged, _ := db.AgedBalances(ctx, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)); len(aged) != 2 || aged[0].BalanceCents != 165_00 || aged[0].Buckets[0] != 165_00 || aged[1].EntityID != M {
		t.Errorf("as of 20 October: %+v", aged)
	}
}

func joinLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += s + "\n"
	}
	return out
}
