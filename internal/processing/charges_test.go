package processing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// ranSession books a session of type for the care fixture's client at
// start, starts it and then does action (complete or no-show before the
// start), as therapist, with minutes recorded.
func ranSession(t *testing.T, p *processing.Processor, c *sqldbtest.Care, now *time.Time, therapist *journey.Actor,
	typ, mode string, start time.Time, action string, minutes int) *journey.CareSession {
	t.Helper()
	ctx := context.Background()
	sqldbtest.SetTime(now, start.AddDate(0, 0, -7))
	s, err := p.BookSession(ctx, therapist, &journey.SessionRequest{ClientID: c.Client.ID, Type: typ, Start: start,
		Mode: mode, TherapistID: c.Therapist.ID}, "")
	if err != nil {
		t.Fatalf("book %s: %v", typ, err)
	}
	sqldbtest.SetTime(now, s.Start.Add(5*time.Minute))
	if action == journey.ActionComplete {
		if _, err := p.RunSession(ctx, therapist, s.ID, journey.ActionStart, ""); err != nil {
			t.Fatalf("start %s: %v", typ, err)
		}
	}
	done, err := p.RunSessionMinutes(ctx, therapist, s.ID, action, minutes, "")
	if err != nil {
		t.Fatalf("%s %s: %v", action, typ, err)
	}
	return done
}

// Completing a session, marking a no-show and cancelling late make the
// fee schedule's charges in that request, with the codes the minutes
// choose (the first psychotherapy an evaluation), the telehealth
// modifier and place of service, the client's diagnoses; a session
// changed again charges nothing twice; the session page shows billing
// staff the charges and everyone the lines skipped.
func TestChargesFromSessions(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, db, c.Therapist.ID, c.Provider)
	if _, err := db.SetDiagnoses(ctx, c.Client.ID, []string{"F33.1", "F41.1"}, c.Provider); err != nil {
		t.Fatal(err)
	}
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	desk := actor(sqldbtest.Staff(t, db, "Fran Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)

	prep := ranSession(t, p, c, now, therapist, journey.TypePreparation, journey.ModeRemote, ny(2027, 3, 8, 9, 0), journey.ActionComplete, 50)
	integ := ranSession(t, p, c, now, therapist, journey.TypeIntegration, journey.ModeInPerson, ny(2027, 3, 15, 9, 0), journey.ActionComplete, 45)
	short := ranSession(t, p, c, now, therapist, journey.TypeIntegration, journey.ModeInPerson, ny(2027, 3, 16, 9, 0), journey.ActionComplete, 12)
	missed := ranSession(t, p, c, now, therapist, journey.TypeIntegration, journey.ModeInPerson, ny(2027, 3, 22, 9, 0), journey.ActionNoShow, 0)
	sqldbtest.SetTime(now, ny(2027, 3, 23, 9, 0))
	late, err := p.BookSession(ctx, therapist, &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation,
		Start: ny(2027, 3, 29, 9, 0), Mode: journey.ModeInPerson, TherapistID: c.Therapist.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, late.Start.Add(-2*time.Hour))
	if _, err := p.CancelSession(ctx, therapist, late.ID, "Unwell", ""); err != nil {
		t.Fatal(err)
	}

	cs, err := p.ClientCharges(ctx, desk, c.Client.ID, journey.ChargeFilter{Limit: 50}, "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		session int64
		code    string
		mods    string
		pos     string
		cents   int64
		event   string
	}
	want := []row{
		{prep.ID, "90791", "95", "10", 250_00, journey.EventCompleted},
		{integ.ID, "90834", "", "11", 165_00, journey.EventCompleted},
		{missed.ID, "", "", "11", 150_00, journey.EventNoShow},
		{late.ID, "", "", "11", 100_00, journey.EventLateCancel},
	}
	if len(cs) != len(want) {
		t.Fatalf("%d charges, want %d: %+v", len(cs), len(want), cs)
	}
	for i, w := range want {
		got := cs[i]
		if got.SessionID != w.session || got.Code != w.code || strings.Join(got.Modifiers, " ") != w.mods || got.POS != w.pos ||
			got.AmountCents != w.cents || got.Event != w.event || got.EntityID != b.Practice.ID || got.ChargeType != journey.ChargePsychotherapy {
			t.Errorf("charge %d = %+v, want %+v", i, got, w)
		}
	}
	if strings.Join(cs[0].Diagnoses, " ") != "F33.1 F41.1" || cs[0].Minutes != 50 || cs[0].Date != "2027-03-08" {
		t.Errorf("first charge's diagnoses, minutes or date: %+v", cs[0])
	}
	if len(cs[2].Diagnoses) != 0 {
		t.Errorf("a missed-appointment fee carries diagnoses: %v", cs[2].Diagnoses)
	}
	// The 12-minute session: nothing charged, the reason on its page.
	sb, err := p.SessionBilling(ctx, therapist, short.ID, "")
	if err != nil || len(sb.Skipped) != 1 || !strings.Contains(sb.Skipped[0], "12 minutes") || sb.Charges != nil {
		t.Fatalf("short session's billing for its therapist: %+v %v", sb, err)
	}
	if sb, err := p.SessionBilling(ctx, desk, prep.ID, ""); err != nil || len(sb.Charges) != 1 || sb.Charges[0].Code != "90791" {
		t.Fatalf("front desk's view of the preparation's billing: %+v %v", sb, err)
	}
	// Again: nothing charged twice.
	if again, err := p.ChargeSession(ctx, desk, prep.ID, ""); err != nil || len(again) != 1 || again[0].ID != cs[0].ID {
		t.Fatalf("charged again: %+v %v", again, err)
	}
	if _, err := p.ChargeSession(ctx, therapist, prep.ID, ""); err == nil {
		t.Fatal("a therapist charged a session")
	}
	l, err := p.ClientLedger(ctx, desk, c.Client.ID, b.Practice.ID, "")
	if err != nil || l.BalanceCents != 665_00 || len(l.Postings) != 4 {
		t.Fatalf("ledger: %+v %v", l, err)
	}
	if es := entries(t, db, "charge.create"); len(es) < 5 {
		t.Fatalf("charge.create entries: %d", len(es))
	}
	if _, err := p.RunSessionMinutes(ctx, therapist, short.ID, journey.ActionComplete, 601, ""); !hasField(err, "minutes") {
		t.Fatalf("601 minutes: %v", err)
	}
}

// Without billing entities or a fee schedule, completing a session works
// and charges nothing; its page says billing is not set up.
func TestChargesWithoutSetup(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	s := ranSession(t, p, c, now, therapist, journey.TypeIntegration, journey.ModeRemote, ny(2027, 3, 8, 9, 0), journey.ActionComplete, 0)
	if s.Status != journey.SessionCompleted {
		t.Fatalf("status %s", s.Status)
	}
	sb, err := p.SessionBilling(ctx, therapist, s.ID, "")
	if err != nil || !sb.NotSetUp {
		t.Fatalf("billing: %+v %v", sb, err)
	}
	if l, _ := db.FindLedger(ctx, c.Client.ID, 0); len(l.Postings) != 0 {
		t.Fatalf("postings: %+v", l.Postings)
	}
}

// Void, adjust, payments and refunds through processing: billing staff
// only, each audited; a client reads their own charges and ledger; the
// payment's charge type, when not given, is that of the oldest unpaid
// charge at the entity.
func TestChargeChangesByRole(t *testing.T) {
	p, db, c, client, now := sessionFixture(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, db, c.Therapist.ID, c.Provider)
	therapist := actor(c.Therapist.ID, journey.RoleTherapist)
	desk := actor(sqldbtest.Staff(t, db, "Fran Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	ranSession(t, p, c, now, therapist, journey.TypeIntegration, journey.ModeInPerson, ny(2027, 3, 8, 9, 0), journey.ActionComplete, 60)
	cs, err := p.ClientCharges(ctx, client, c.Client.ID, journey.ChargeFilter{Limit: 10}, "")
	if err != nil || len(cs) != 1 || cs[0].Code != "90837" {
		t.Fatalf("the client's own charges: %+v %v", cs, err)
	}
	id := cs[0].ID
	if _, err := p.VoidCharge(ctx, therapist, id, "Mine", ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("a therapist voids: %v", err)
	}
	if _, err := p.AdjustCharge(ctx, client, id, -100, "Discount", ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("a client adjusts: %v", err)
	}
	if ch, err := p.AdjustCharge(ctx, desk, id, -1000, "Sliding scale", ""); err != nil || ch.NetCents() != 200_00 {
		t.Fatalf("adjust: %+v %v", ch, err)
	}
	pay := &journey.Payment{ClientID: c.Client.ID, EntityID: b.Practice.ID, AmountCents: 50_00, Method: journey.PayCash, IdempotencyKey: "desk-1"}
	got, created, err := p.RecordPayment(ctx, desk, pay, "")
	if err != nil || !created || got.ChargeType != journey.ChargePsychotherapy {
		t.Fatalf("payment: %+v %v %v", got, created, err)
	}
	again := &journey.Payment{ClientID: c.Client.ID, EntityID: b.Practice.ID, AmountCents: 50_00, Method: journey.PayCash, IdempotencyKey: "desk-1"}
	if got2, created, err := p.RecordPayment(ctx, desk, again, ""); err != nil || created || got2.ID != got.ID {
		t.Fatalf("payment retried: %+v %v %v", got2, created, err)
	}
	if _, _, err := p.RecordPayment(ctx, desk, &journey.Payment{ClientID: c.Client.ID, EntityID: b.Medical.ID, AmountCents: 1,
		Method: journey.PayOnline, IdempotencyKey: "desk-2"}, ""); !hasField(err, "method") || !hasField(err, "charge_type") {
		t.Fatalf("online by staff, nothing owed to the medical entity: %v", err)
	}
	if _, _, err := p.RefundPayment(ctx, desk, got.ID, 60_00, "Too much", "rf-1", ""); !hasField(err, "amount_cents") {
		t.Fatalf("refund past the payment: %v", err)
	}
	if _, _, err := p.RefundPayment(ctx, desk, got.ID, 10_00, "Overpaid", "rf-1", ""); err != nil {
		t.Fatal(err)
	}
	l, err := p.ClientLedger(ctx, client, c.Client.ID, 0, "")
	if err != nil || l.BalanceCents != 210_00-10_00-50_00+10_00 {
		t.Fatalf("the client's ledger: %+v %v", l, err)
	}
	if ch, err := p.VoidCharge(ctx, desk, id, "Billed in error", ""); err != nil || ch.Status != journey.ChargeVoid {
		t.Fatalf("void: %+v %v", ch, err)
	}
	if _, err := p.VoidCharge(ctx, desk, id, "Again", ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("void again: %v", err)
	}
	other, _ := sqldbtest.Client(t, db, c.OtherTherapist.ID, "Oli Other", "oli@client.test", nil)
	if _, err := p.ClientLedger(ctx, client, other.ID, 0, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("another client's ledger: %v", err)
	}
	for action, n := range map[string]int{"charge.void": 3, "charge.adjust": 2, "payment.create": 3, "payment.refund": 2} {
		if es := entries(t, db, action); len(es) != n {
			t.Errorf("%s: %d entries, want %d", action, len(es), n)
		}
	}
	billing, err := p.ClientBilling(ctx, desk, c.Client.ID, "")
	if err != nil || len(billing.Charges) != 1 || len(billing.Payments) != 1 || billing.Ledgers[b.Practice.ID] == nil {
		t.Fatalf("client billing: %+v %v", billing, err)
	}
	if _, err := p.ClientBilling(ctx, therapist, c.Client.ID, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("a therapist's billing page: %v", err)
	}
}

// hasField reports whether err names field.
func hasField(err error, field string) bool {
	for _, f := range journey.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}
