package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// chargeFixture is a client with the billing setup and a completed
// preparation session.
type chargeFixture struct {
	db      *sqldb.DB
	care    *sqldbtest.Care
	billing *sqldbtest.RawBilling
	session int64
}

func newChargeFixture(t *testing.T) *chargeFixture {
	t.Helper()
	db := sqldbtest.Open(t)
	care := sqldbtest.SeedCare(t, db)
	f := &chargeFixture{db: db, care: care, billing: sqldbtest.RawBillingSetup(t, db)}
	f.session = sqldbtest.RawSessions(t, db, care.Therapist.ID, []sqldbtest.RawSession{{ClientID: care.Client.ID,
		Type: journey.TypePreparation, Mode: journey.ModeInPerson, Start: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), Minutes: 60}})[0]
	return f
}

// prep returns the charge a preparation session makes (unsaved).
func (f *chargeFixture) prep(session int64, cents int64) *journey.Charge {
	return &journey.Charge{ClientID: f.care.Client.ID, SessionID: session, FeeLineID: f.billing.Lines[journey.ChargePsychotherapy],
		ChargeType: journey.ChargePsychotherapy, EntityID: f.billing.Practice, ClinicianID: f.care.Therapist.ID,
		Event: journey.EventCompleted, Date: "2026-03-02", Code: "90837", Units: 1, Modifiers: []string{"95"}, POS: "10",
		Minutes: 60, Description: "Preparation", Diagnoses: []string{"F33.1", "F41.1"}, AmountCents: cents}
}

func (f *chargeFixture) balance(t *testing.T) int64 {
	t.Helper()
	l, err := f.db.FindLedger(context.Background(), f.care.Client.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return l.BalanceCents
}

// A session's event charges once: the same charges saved again come back
// as they were, with no second posting, and read back whole.
func TestCreateChargesOnce(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	first, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || len(again) != 1 || again[0].ID != first[0].ID {
		t.Fatalf("charges %+v then %+v", first, again)
	}
	c := first[0]
	if c.Code != "90837" || strings.Join(c.Modifiers, ",") != "95" || strings.Join(c.Diagnoses, ",") != "F33.1,F41.1" ||
		c.Status != journey.ChargeOpen || c.AmountCents != 15000 || c.Date != "2026-03-02" || c.SessionID != f.session || c.POS != "10" {
		t.Fatalf("charge read back as %+v", c)
	}
	l, err := f.db.FindLedger(ctx, f.care.Client.ID, f.billing.Practice)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Postings) != 1 || l.BalanceCents != 15000 || l.ByType[journey.ChargePsychotherapy] != 15000 {
		t.Fatalf("ledger %+v", l)
	}
	if l, _ := f.db.FindLedger(ctx, f.care.Client.ID, f.billing.Medical); len(l.Postings) != 0 {
		t.Fatalf("medical ledger %+v", l.Postings)
	}
	// A charge type the entity does not bill is refused by the database.
	bad := f.prep(0, 100)
	bad.EntityID = f.billing.Medical
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{bad}, 0); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("psychotherapy at the medical entity: %v", err)
	}
	list, err := f.db.FindCharges(ctx, journey.ChargeFilter{ClientID: f.care.Client.ID, ChargeType: journey.ChargePsychotherapy,
		From: "2026-03-01", To: "2026-03-02", Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("filtered: %v %v", list, err)
	}
	if list, _ := f.db.FindCharges(ctx, journey.ChargeFilter{ClientID: f.care.Client.ID, From: "2026-03-03", Limit: 10}); len(list) != 0 {
		t.Fatalf("after the date: %v", list)
	}
	if _, err := f.db.FindCharges(ctx, journey.ChargeFilter{Limit: journey.MaxChargeList + 1}); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("limit past the cap: %v", err)
	}
}

// Void and adjust: a discount lowers what a charge comes to, never below
// zero; a void takes off what is left, once; a void charge is not
// adjusted; reasons are required and sealed.
func TestVoidAndAdjustCharge(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	cs, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	id, by := cs[0].ID, f.care.Therapist.ID
	if _, err := f.db.AdjustCharge(ctx, id, -2000, "  ", by); !hasField(err, "reason") {
		t.Fatalf("no reason: %v", err)
	}
	c, err := f.db.AdjustCharge(ctx, id, -2000, "Sliding scale", by)
	if err != nil || c.AdjustedCents != -2000 || c.NetCents() != 13000 {
		t.Fatalf("adjusted: %+v %v", c, err)
	}
	if _, err := f.db.AdjustCharge(ctx, id, -13001, "Too much", by); !hasField(err, "amount_cents") {
		t.Fatalf("below zero: %v", err)
	}
	if _, err := f.db.VoidCharge(ctx, id, "", by); !hasField(err, "reason") {
		t.Fatalf("void without reason: %v", err)
	}
	c, err = f.db.VoidCharge(ctx, id, "Entered twice", by)
	if err != nil || c.Status != journey.ChargeVoid || c.VoidReason != "Entered twice" {
		t.Fatalf("void: %+v %v", c, err)
	}
	if b := f.balance(t); b != 0 {
		t.Fatalf("balance after void %d", b)
	}
	if _, err := f.db.VoidCharge(ctx, id, "Again", by); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("void twice: %v", err)
	}
	if _, err := f.db.AdjustCharge(ctx, id, 100, "After the void", by); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("adjust a void charge: %v", err)
	}
	var raw string
	if err := f.db.Read.QueryRow(f.db.Rebind(`SELECT void_reason FROM charges WHERE id = ?`), id).Scan(&raw); err != nil || strings.Contains(raw, "twice") {
		t.Fatalf("void reason stored as %q (%v)", raw, err)
	}
	if hits := rawHits(t, f.db, []string{"Sliding scale", "Entered twice", "F33.1"}); len(hits) > 0 {
		t.Fatalf("in the clear: %v", hits)
	}
}

// Payments recorded by staff post at once; the same key again is the
// same payment and posts nothing; the same key for another payment is a
// conflict naming it. Refunds never pass what was paid; an online payment
// posts when it succeeds, once.
func TestPaymentsAndRefunds(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, 0); err != nil {
		t.Fatal(err)
	}
	pay := func(key string, cents int64, method string) (*journey.Payment, bool, error) {
		return f.db.CreatePayment(ctx, &journey.Payment{ClientID: f.care.Client.ID, EntityID: f.billing.Practice,
			ChargeType: journey.ChargePsychotherapy, AmountCents: cents, Method: method, Reference: "Check 1042",
			IdempotencyKey: key, By: f.care.Therapist.ID})
	}
	p, created, err := pay("k-1", 5000, journey.PayCheck)
	if err != nil || !created || p.Status != journey.PaymentSucceeded || p.Reference != "Check 1042" {
		t.Fatalf("payment: %+v %v %v", p, created, err)
	}
	again, created, err := pay("k-1", 5000, journey.PayCheck)
	if err != nil || created || again.ID != p.ID {
		t.Fatalf("retried: %+v %v %v", again, created, err)
	}
	if _, _, err := pay("k-1", 6000, journey.PayCheck); journey.ErrorCode(err) != journey.ECONFLICT || !strings.Contains(err.Error(), "k-1") {
		t.Fatalf("same key, another amount: %v", err)
	}
	if b := f.balance(t); b != 10000 {
		t.Fatalf("balance %d, want 10000", b)
	}
	if _, _, err := pay("k-2", 0, "barter"); !hasField(err, "amount_cents") || !hasField(err, "method") {
		t.Fatalf("bad payment: %v", err)
	}
	if _, _, err := f.db.CreatePayment(ctx, &journey.Payment{ClientID: f.care.Client.ID, EntityID: f.billing.Medical,
		ChargeType: journey.ChargePsychotherapy, AmountCents: 100, Method: journey.PayCash, IdempotencyKey: "k-3"}); !hasField(err, "charge_type") {
		t.Fatalf("psychotherapy paid to the medical entity: %v", err)
	}
	refund := func(key string, cents int64) (*journey.Refund, bool, error) {
		return f.db.RefundPayment(ctx, &journey.Refund{PaymentID: p.ID, AmountCents: cents, Reason: "Overpaid", By: f.care.Therapist.ID}, key)
	}
	r, created, err := refund("r-1", 3000)
	if err != nil || !created || r.AmountCents != 3000 || r.Reason != "Overpaid" {
		t.Fatalf("refund: %+v %v %v", r, created, err)
	}
	if r2, created, err := refund("r-1", 3000); err != nil || created || r2.ID != r.ID {
		t.Fatalf("refund retried: %+v %v %v", r2, created, err)
	}
	if _, _, err := refund("r-2", 2001); !hasField(err, "amount_cents") {
		t.Fatalf("refund past the payment: %v", err)
	}
	if b := f.balance(t); b != 13000 {
		t.Fatalf("balance after refund %d, want 13000", b)
	}
	online, _, err := pay("online-1", 4000, journey.PayOnline)
	if err != nil || online.Status != journey.PaymentPending {
		t.Fatalf("online: %+v %v", online, err)
	}
	if _, _, err := f.db.RefundPayment(ctx, &journey.Refund{PaymentID: online.ID, AmountCents: 1, Reason: "x"}, "r-3"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("refund of a pending payment: %v", err)
	}
	if b := f.balance(t); b != 13000 {
		t.Fatalf("a pending payment posted: %d", b)
	}
	for range 2 {
		if done, err := f.db.SucceedPayment(ctx, online.ID); err != nil || done.Status != journey.PaymentSucceeded {
			t.Fatalf("succeed: %+v %v", done, err)
		}
	}
	if b := f.balance(t); b != 9000 {
		t.Fatalf("balance after the online payment %d, want 9000", b)
	}
	ps, err := f.db.FindPayments(ctx, journey.PaymentFilter{ClientID: f.care.Client.ID, Limit: 10})
	if err != nil || len(ps) != 2 || ps[0].RefundedCents != 3000 {
		t.Fatalf("payments: %+v %v", ps, err)
	}
	if hits := rawHits(t, f.db, []string{"Check 1042", "Overpaid"}); len(hits) > 0 {
		t.Fatalf("in the clear: %v", hits)
	}
}

// The database itself refuses to edit a charge's amount or to change or
// remove a posting, whatever code writes.
func TestLedgerAppendOnly(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	cs, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE charges SET amount_cents = 1 WHERE id = ?`,
		`UPDATE charges SET status = 'void', void_reason = 'x', voided_at = 1, amount_cents = 1 WHERE id = ?`,
		`DELETE FROM charges WHERE id = ?`,
		`UPDATE postings SET amount_cents = 1 WHERE charge_id = ?`,
		`DELETE FROM postings WHERE charge_id = ?`,
	} {
		if _, err := f.db.Write.ExecContext(ctx, f.db.Rebind(q), cs[0].ID); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if b := f.balance(t); b != 15000 {
		t.Fatalf("balance %d", b)
	}
}

// For random sequences of charges (some retried), voids, adjustments,
// payments (some retried with their key, some refused), and refunds, the
// stored balance always equals the sum worked out here apart, and no
// payment is posted twice.
func TestLedgerProperty(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	const sessions = 12
	var ids []int64
	for i := range sessions {
		ids = append(ids, sqldbtest.RawSessions(t, f.db, f.care.Therapist.ID, []sqldbtest.RawSession{{ClientID: f.care.Client.ID,
			Type: journey.TypePreparation, Mode: journey.ModeInPerson, Start: time.Date(2026, 4, 1+i, 15, 0, 0, 0, time.UTC), Minutes: 60}})[0])
	}
	type charge struct {
		id   int64
		net  int64
		void bool
	}
	type payment struct {
		id       int64
		key      string
		cents    int64
		refunded int64
	}
	rng := rand.New(rand.NewPCG(13, uint64(len(ids))))
	var want int64
	charged := map[int64]*charge{} // by session
	var charges []*charge
	var payments []*payment
	by := f.care.Therapist.ID
	for step := range 400 {
		switch op := rng.IntN(7); op {
		case 0, 1: // a session's charge, perhaps again
			s := ids[rng.IntN(len(ids))]
			cents := int64(1000 + rng.IntN(30000))
			got, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(s, cents)}, by)
			if err != nil {
				t.Fatalf("step %d charge: %v", step, err)
			}
			if c := charged[s]; c == nil {
				c = &charge{id: got[0].ID, net: cents}
				charged[s], charges = c, append(charges, c)
				want += cents
			} else if got[0].ID != c.id {
				t.Fatalf("step %d: session %d charged again as %d", step, s, got[0].ID)
			}
		case 2: // void
			if len(charges) == 0 {
				continue
			}
			c := charges[rng.IntN(len(charges))]
			_, err := f.db.VoidCharge(ctx, c.id, "Property", by)
			if c.void != (journey.ErrorCode(err) == journey.ECONFLICT) || (!c.void && err != nil) {
				t.Fatalf("step %d void (void %v): %v", step, c.void, err)
			}
			if !c.void {
				want -= c.net
				c.void, c.net = true, 0
			}
		case 3: // adjust, sometimes too far
			if len(charges) == 0 {
				continue
			}
			c := charges[rng.IntN(len(charges))]
			cents := int64(rng.IntN(20000) - 15000)
			if cents == 0 {
				cents = -1
			}
			_, err := f.db.AdjustCharge(ctx, c.id, cents, "Property", by)
			switch {
			case c.void:
				if journey.ErrorCode(err) != journey.ECONFLICT {
					t.Fatalf("step %d adjust void: %v", step, err)
				}
			case c.net+cents < 0:
				if journey.ErrorCode(err) != journey.EINVALID {
					t.Fatalf("step %d adjust below zero: %v", step, err)
				}
			case err != nil:
				t.Fatalf("step %d adjust: %v", step, err)
			default:
				c.net += cents
				want += cents
			}
		case 4: // a payment, or one retried
			var p *payment
			if len(payments) > 0 && rng.IntN(3) == 0 {
				p = payments[rng.IntN(len(payments))]
			} else {
				p = &payment{key: fmt.Sprintf("pay-%d", step), cents: int64(1 + rng.IntN(20000))}
			}
			got, created, err := f.db.CreatePayment(ctx, &journey.Payment{ClientID: f.care.Client.ID, EntityID: f.billing.Practice,
				ChargeType: journey.ChargePsychotherapy, AmountCents: p.cents, Method: journey.PayCash, IdempotencyKey: p.key, By: by})
			if err != nil || created != (p.id == 0) {
				t.Fatalf("step %d payment %+v: created %v, %v", step, p, created, err)
			}
			if p.id == 0 {
				p.id = got.ID
				payments = append(payments, p)
				want -= p.cents
			}
		case 5: // a refund, sometimes too much
			if len(payments) == 0 {
				continue
			}
			p := payments[rng.IntN(len(payments))]
			cents := int64(1 + rng.IntN(int(p.cents)+500))
			_, _, err := f.db.RefundPayment(ctx, &journey.Refund{PaymentID: p.id, AmountCents: cents, Reason: "Property", By: by},
				fmt.Sprintf("refund-%d", step))
			if cents > p.cents-p.refunded {
				if journey.ErrorCode(err) != journey.EINVALID {
					t.Fatalf("step %d refund past the payment: %v", step, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("step %d refund: %v", step, err)
			}
			p.refunded += cents
			want += cents
		case 6: // a payment with a used key and another amount
			if len(payments) == 0 {
				continue
			}
			p := payments[rng.IntN(len(payments))]
			_, _, err := f.db.CreatePayment(ctx, &journey.Payment{ClientID: f.care.Client.ID, EntityID: f.billing.Practice,
				ChargeType: journey.ChargePsychotherapy, AmountCents: p.cents + 1, Method: journey.PayCash, IdempotencyKey: p.key, By: by})
			if journey.ErrorCode(err) != journey.ECONFLICT {
				t.Fatalf("step %d key reused: %v", step, err)
			}
		}
		if got := f.balance(t); got != want {
			t.Fatalf("step %d: balance %d, want %d", step, got, want)
		}
	}
	var twice int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM (SELECT payment_id FROM postings WHERE kind = 'payment'
		GROUP BY payment_id HAVING COUNT(*) > 1) AS t`).Scan(&twice); err != nil || twice != 0 {
		t.Fatalf("payments posted twice: %d (%v)", twice, err)
	}
	if len(charges) < 5 || len(payments) < 5 {
		t.Fatalf("too few charges (%d) or payments (%d) to say much", len(charges), len(payments))
	}
}
