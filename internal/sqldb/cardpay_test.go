package sqldb_test

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
)

// outboxCount is how many messages wait in the outbox.
func outboxCount(t *testing.T, f *chargeFixture) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// postingsOf counts payment id's postings of kind.
func postingsOf(t *testing.T, f *chargeFixture, kind string, id int64) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(f.db.Rebind(`SELECT COUNT(*) FROM postings WHERE kind = ? AND payment_id = ?`), kind, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A card payment's attempt: what is owed, the same attempt for a retried
// request, a new one (next key) after a failure or when the balance
// changed; nothing owed, or a charge type the entity does not bill, is
// refused.
func TestOpenCardPayment(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	cl, ent := f.care.Client.ID, f.billing.Practice
	if _, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("nothing owed: %v", err)
	}
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.OpenCardPayment(ctx, cl, f.billing.Medical, journey.ChargePsychotherapy, 0); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("wrong entity: %v", err)
	}
	if _, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("someone else's statement: %v", err)
	}
	p1, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Status != journey.PaymentPending || p1.AmountCents != 15000 || p1.Method != journey.PayOnline ||
		p1.IdempotencyKey != journey.CardPaymentKey(cl, ent, journey.ChargePsychotherapy, 0, 1) {
		t.Fatalf("first attempt %+v", p1)
	}
	again, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0)
	if err != nil || again.ID != p1.ID {
		t.Fatalf("a retried request made another payment: %+v, %v", again, err)
	}
	if err := f.db.FailCardPayment(ctx, p1.ID, "pi_declined"); err != nil {
		t.Fatal(err)
	}
	p2, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0)
	if err != nil || p2.ID == p1.ID || p2.IdempotencyKey != journey.CardPaymentKey(cl, ent, journey.ChargePsychotherapy, 0, 2) {
		t.Fatalf("after a failure: %+v, %v", p2, err)
	}
	if _, _, err := f.db.CreatePayment(ctx, &journey.Payment{ClientID: cl, EntityID: ent, ChargeType: journey.ChargePsychotherapy,
		AmountCents: 5000, Method: journey.PayCash, IdempotencyKey: "cash-1", By: f.care.Therapist.ID}); err != nil {
		t.Fatal(err)
	}
	p3, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0)
	if err != nil || p3.ID == p2.ID || p3.AmountCents != 10000 {
		t.Fatalf("after the balance changed: %+v, %v", p3, err)
	}
}

// The processor's event settles a payment once: posted once, one
// receipt, whatever the number of deliveries; the card kept when the
// client agreed; a failed attempt the processor later says succeeded
// succeeds (the money was taken).
func TestHandleCardEvent(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	cl, ent := f.care.Client.ID, f.billing.Practice
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	pay, err := f.db.OpenCardPayment(ctx, cl, ent, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	mail := outboxCount(t, f)
	ev := &journey.ProcessorEvent{ID: "evt_1", Type: "checkout.session.completed", Kind: journey.EventPayment, PaymentID: pay.ID,
		PaymentRef: "pi_1", Status: journey.PaymentSucceeded, SaveCard: true, CustomerRef: "cus_1", MethodRef: "pm_1"}
	card := &journey.PaymentCard{CustomerRef: "cus_1", MethodRef: "pm_1", Brand: "visa", Last4: "4242"}
	got, handled, err := f.db.HandleCardEvent(ctx, ev, card)
	if err != nil || !handled || got.Status != journey.PaymentSucceeded || got.ProcessorRef != "pi_1" {
		t.Fatalf("first delivery: %+v, %v, %v", got, handled, err)
	}
	for _, id := range []string{"evt_1", "evt_1", "evt_2"} { // the same event again; the intent's own event
		e := *ev
		e.ID = id
		if _, _, err := f.db.HandleCardEvent(ctx, &e, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := postingsOf(t, f, journey.PostPayment, pay.ID); n != 1 {
		t.Errorf("%d payment postings", n)
	}
	if b := f.balance(t); b != 0 {
		t.Errorf("balance %d", b)
	}
	if n := outboxCount(t, f) - mail; n != 1 {
		t.Errorf("%d receipts queued", n)
	}
	kept, err := f.db.FindPaymentCard(ctx, cl)
	if err != nil || kept.MethodRef != "pm_1" || kept.Label() != "Visa ending 4242" {
		t.Fatalf("kept card %+v, %v", kept, err)
	}
	if err := f.db.RemovePaymentCard(ctx, cl); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.FindPaymentCard(ctx, cl); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("forgotten card: %v", err)
	}

	// A staff payment is not the processor's to settle.
	cash, _, err := f.db.CreatePayment(ctx, &journey.Payment{ClientID: cl, EntityID: ent, ChargeType: journey.ChargePsychotherapy,
		AmountCents: 100, Method: journey.PayCash, IdempotencyKey: "cash-2", By: f.care.Therapist.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.HandleCardEvent(ctx, &journey.ProcessorEvent{ID: "evt_3", Kind: journey.EventPayment, PaymentID: cash.ID,
		Status: journey.PaymentSucceeded}, nil); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("a cash payment settled by the processor: %v", err)
	}
}

func TestCardPaymentFailsThenSucceeds(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	pay, err := f.db.OpenCardPayment(ctx, f.care.Client.ID, f.billing.Practice, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	failed := &journey.ProcessorEvent{ID: "evt_f", Kind: journey.EventPayment, PaymentID: pay.ID, Status: journey.PaymentFailed}
	if got, _, err := f.db.HandleCardEvent(ctx, failed, nil); err != nil || got.Status != journey.PaymentFailed {
		t.Fatalf("failed: %+v, %v", got, err)
	}
	if n := postingsOf(t, f, journey.PostPayment, pay.ID); n != 0 {
		t.Fatalf("a failed payment posted %d", n)
	}
	late := &journey.ProcessorEvent{ID: "evt_s", Kind: journey.EventPayment, PaymentID: pay.ID, PaymentRef: "pi_late", Status: journey.PaymentSucceeded}
	if got, _, err := f.db.HandleCardEvent(ctx, late, nil); err != nil || got.Status != journey.PaymentSucceeded {
		t.Fatalf("late success: %+v, %v", got, err)
	}
	if b := f.balance(t); b != 0 {
		t.Errorf("balance %d", b)
	}
}

// A refund the processor confirms is posted once, also when staff's
// request posted it already under the same key.
func TestRecordCardRefund(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	pay, err := f.db.OpenCardPayment(ctx, f.care.Client.ID, f.billing.Practice, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SucceedCardPayment(ctx, pay.ID, "pi_r"); err != nil {
		t.Fatal(err)
	}
	// Staff refunded 20.00 and Stripe said succeeded at once.
	if _, made, err := f.db.RefundPayment(ctx, &journey.Refund{PaymentID: pay.ID, AmountCents: 2000, Reason: "Overcharged",
		ProcessorRef: "re_1", By: f.care.Therapist.ID}, "refund-key-1"); err != nil || !made {
		t.Fatalf("staff refund: %v, %v", made, err)
	}
	ev := &journey.ProcessorEvent{ID: "evt_r1", Kind: journey.EventRefund, PaymentID: pay.ID, RefundRef: "re_1", RefundCents: 2000,
		RefundKey: "refund-key-1", Status: journey.RefundSucceeded}
	if _, made, err := f.db.RecordCardRefund(ctx, ev); err != nil || made {
		t.Fatalf("the refund's event posted it again: %v, %v", made, err)
	}
	// A second refund pending when asked, confirmed by its event, twice.
	ev2 := &journey.ProcessorEvent{ID: "evt_r2", Kind: journey.EventRefund, PaymentID: pay.ID, RefundRef: "re_2", RefundCents: 3000,
		RefundedBy: f.care.Therapist.ID, RefundKey: "refund-key-2", Status: journey.RefundSucceeded}
	r, made, err := f.db.RecordCardRefund(ctx, ev2)
	if err != nil || !made || r.AmountCents != 3000 || r.Reason == "" {
		t.Fatalf("confirmed refund: %+v, %v, %v", r, made, err)
	}
	if _, made, err := f.db.RecordCardRefund(ctx, ev2); err != nil || made {
		t.Fatalf("the same event again: %v, %v", made, err)
	}
	if b := f.balance(t); b != 5000 {
		t.Errorf("balance %d, want 5000 (refunded 20.00 + 30.00)", b)
	}
	got, err := f.db.FindPayment(ctx, pay.ID)
	if err != nil || got.RefundedCents != 5000 {
		t.Fatalf("payment %+v, %v", got, err)
	}
}

// What a client owes per entity and charge type, the practice's first.
func TestFindOwed(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	if owed, err := f.db.FindOwed(ctx, f.care.Client.ID); err != nil || len(owed) != 0 {
		t.Fatalf("owed %v, %v", owed, err)
	}
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	owed, err := f.db.FindOwed(ctx, f.care.Client.ID)
	if err != nil || len(owed) != 1 || owed[0].Cents != 15000 || owed[0].Entity.ID != f.billing.Practice ||
		owed[0].ChargeType != journey.ChargePsychotherapy {
		t.Fatalf("owed %+v, %v", owed, err)
	}
}

// A payment staff record gets its receipt too, once: the same request
// again (its idempotency key) queues none.
func TestStaffPaymentReceipt(t *testing.T) {
	f := newChargeFixture(t)
	ctx := context.Background()
	if _, err := f.db.CreateCharges(ctx, []*journey.Charge{f.prep(f.session, 15000)}, f.care.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	mail := outboxCount(t, f)
	p := &journey.Payment{ClientID: f.care.Client.ID, EntityID: f.billing.Practice, ChargeType: journey.ChargePsychotherapy,
		AmountCents: 5000, Method: journey.PayCheck, Reference: "1042", IdempotencyKey: "desk-receipt-1", By: f.care.Therapist.ID}
	for range 2 {
		again := *p
		if _, _, err := f.db.CreatePayment(ctx, &again); err != nil {
			t.Fatal(err)
		}
	}
	if n := outboxCount(t, f) - mail; n != 1 {
		t.Fatalf("%d receipts queued for one check", n)
	}
}
