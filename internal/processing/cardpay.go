package processing

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/journey-kap/journey"
)

// Card payments online (journey billing_pay.go): the client pays what
// they owe an entity for one charge type on the processor's hosted page,
// or with the card they agreed to keep; the processor's signed events
// settle the payment, once; staff refund an online payment through the
// processor. Without a processor (no JOURNEY_STRIPE_KEY) none of this is
// offered. Audit entries carry ids only.

// CardPayStore is what card payments read and change (sqldb's cardpay.go
// over charges_payments.go).
type CardPayStore interface {
	OpenCardPayment(ctx context.Context, clientID, entityID int64, chargeType string, docID int64) (*journey.Payment, error)
	HandleCardEvent(ctx context.Context, ev *journey.ProcessorEvent, card *journey.PaymentCard) (*journey.Payment, bool, error)
	RecordCardRefund(ctx context.Context, ev *journey.ProcessorEvent) (*journey.Refund, bool, error)
	SucceedCardPayment(ctx context.Context, id int64, ref string) (*journey.Payment, error)
	FailCardPayment(ctx context.Context, id int64, ref string) error
	FindPaymentCard(ctx context.Context, clientID int64) (*journey.PaymentCard, error)
	RemovePaymentCard(ctx context.Context, clientID int64) error
	FindPayment(ctx context.Context, id int64) (*journey.Payment, error)
	RefundPayment(ctx context.Context, r *journey.Refund, key string) (*journey.Refund, bool, error)
	FindBillingEntity(ctx context.Context, id int64) (*journey.BillingEntity, error)
	FindOwed(ctx context.Context, clientID int64) ([]*journey.Owed, error)
}

// UseCards makes c the card processor; nil (the default) offers no card
// payment.
func (p *Processor) UseCards(c journey.CardProcessor) { p.cards = c }

// CardPaymentsOffered reports whether the practice takes cards online.
func (p *Processor) CardPaymentsOffered() bool { return p.cards != nil }

// errNoCards is the answer to a card payment where none is offered.
var errNoCards = journey.Errorf(journey.EINVALID, "This practice does not take card payments online.")

// CardPayRequest is the client's request to pay by card what they owe
// EntityID for ChargeType (for statement DocumentID, when one is named).
type CardPayRequest struct {
	ClientID   int64
	EntityID   int64
	ChargeType string
	DocumentID int64
	SaveCard   bool   // agreed to keep the new card for later payments
	UseSaved   bool   // pay with the card kept before
	ReturnURL  string // absolute: the portal's page for the payment, "{id}" replaced by its id
	CancelURL  string // absolute: where the processor's page leads back on cancel
}

// CardPayStart is a card payment begun: the client goes to RedirectURL
// (the processor's page) when there is one, else to the payment's page.
type CardPayStart struct {
	Payment     *journey.Payment
	RedirectURL string
}

// PayByCard begins the client's payment of what they owe (policy.go
// CanPayOnline): a new attempt, or the one a retried request made, whose
// idempotency key goes to the processor, so the client is charged once.
// With a saved card it is charged at once; otherwise the processor's page
// takes the card. EINVALID when no card payment is offered or nothing is
// owed; ENOTFOUND when the client is not the actor or has no saved card.
func (p *Processor) PayByCard(ctx context.Context, a *journey.Actor, r *CardPayRequest) (*CardPayStart, error) {
	if p.cards == nil {
		return nil, errNoCards
	}
	c, err := p.aftercareClient(ctx, a, r.ClientID, "billing.card.pay", a.CanPayOnline)
	if err != nil {
		return nil, err
	}
	var card *journey.PaymentCard
	if r.UseSaved {
		if card, err = p.store.FindPaymentCard(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	e, err := p.store.FindBillingEntity(ctx, r.EntityID)
	if err != nil {
		return nil, err
	}
	pay, err := p.store.OpenCardPayment(ctx, c.ID, e.ID, r.ChargeType, r.DocumentID)
	if err != nil {
		return nil, err
	}
	out := &CardPayStart{Payment: pay}
	desc := journey.ChargeTypeName(pay.ChargeType) + ", " + e.LegalName
	if card != nil {
		err = p.chargeSaved(ctx, pay, card, desc)
	} else {
		var s *journey.CardSession
		s, err = p.cards.Checkout(ctx, &journey.CardCheckout{PaymentID: pay.ID, AmountCents: pay.AmountCents, Description: desc,
			Email: c.Email, SaveCard: r.SaveCard, Key: pay.IdempotencyKey,
			SuccessURL: replaceID(r.ReturnURL, pay.ID), CancelURL: r.CancelURL})
		if s != nil {
			out.RedirectURL = s.URL
		}
	}
	p.Audit(ctx, a, Entry{Action: "billing.card.pay", SubjectType: "payment", SubjectID: pay.ID, Outcome: outcome(err),
		Detail: "client " + strconv.FormatInt(c.ID, 10) + ", saved card " + strconv.FormatBool(card != nil)})
	if err != nil {
		return nil, err
	}
	if out.Payment, err = p.store.FindPayment(ctx, pay.ID); err != nil {
		return nil, err
	}
	return out, nil
}

// chargeSaved charges pay to the client's saved card and records what
// the processor answered; its later event changes nothing more.
func (p *Processor) chargeSaved(ctx context.Context, pay *journey.Payment, card *journey.PaymentCard, desc string) error {
	res, err := p.cards.ChargeSavedCard(ctx, &journey.CardCharge{PaymentID: pay.ID, AmountCents: pay.AmountCents, Description: desc,
		CustomerRef: card.CustomerRef, MethodRef: card.MethodRef, Key: pay.IdempotencyKey})
	if err != nil {
		return err
	}
	switch res.Status {
	case journey.PaymentSucceeded:
		_, err = p.store.SucceedCardPayment(ctx, pay.ID, res.PaymentRef)
	case journey.PaymentFailed:
		err = p.store.FailCardPayment(ctx, pay.ID, res.PaymentRef)
	}
	return err
}

func replaceID(u string, id int64) string {
	const ph = "{id}"
	for i := 0; i+len(ph) <= len(u); i++ {
		if u[i:i+len(ph)] == ph {
			return u[:i] + strconv.FormatInt(id, 10) + u[i+len(ph):]
		}
	}
	return u
}

// CardPayView is what the client's card payment page shows.
type CardPayView struct {
	Offered bool            // the practice takes cards online
	Owed    []*journey.Owed // what may be paid, one payment each
	Card    *journey.PaymentCard
}

// CardPayPage returns what client id owes and may pay by card, with the
// card they kept (policy.go CanPayOnline); the read audited.
func (p *Processor) CardPayPage(ctx context.Context, a *journey.Actor, id int64) (*CardPayView, error) {
	c, err := p.aftercareClient(ctx, a, id, "billing.card.read", a.CanPayOnline)
	if err != nil {
		return nil, err
	}
	v := &CardPayView{Offered: p.cards != nil}
	if v.Owed, err = p.store.FindOwed(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Offered {
		if v.Card, err = p.store.FindPaymentCard(ctx, c.ID); journey.ErrorCode(err) == journey.ENOTFOUND {
			err = nil
		}
	}
	p.Audit(ctx, a, Entry{Action: "billing.card.read", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err)})
	return v, err
}

// CardPayment returns client id's online payment pid for its page
// (policy.go CanSeeBilling); "not found" when it is not theirs.
func (p *Processor) CardPayment(ctx context.Context, a *journey.Actor, id, pid int64) (*journey.Payment, error) {
	c, err := p.aftercareClient(ctx, a, id, "billing.payment.read", a.CanSeeBilling)
	if err != nil {
		return nil, err
	}
	pay, err := p.store.FindPayment(ctx, pid)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if pay == nil || pay.ClientID != c.ID {
		return nil, p.denied(ctx, a, "billing.payment.read", "payment", pid, "not the client's", "Payment not found.")
	}
	p.Audit(ctx, a, Entry{Action: "billing.payment.read", SubjectType: "payment", SubjectID: pay.ID, Outcome: journey.AuditSuccess})
	return pay, nil
}

// ForgetCard forgets the card client id kept (they withdraw their
// consent), audited.
func (p *Processor) ForgetCard(ctx context.Context, a *journey.Actor, id int64) error {
	c, err := p.aftercareClient(ctx, a, id, "billing.card.forget", a.CanPayOnline)
	if err != nil {
		return err
	}
	err = p.store.RemovePaymentCard(ctx, c.ID)
	p.Audit(ctx, a, Entry{Action: "billing.card.forget", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err)})
	return err
}

// CardWebhook handles one of the processor's webhooks: verified by its
// signature, then acted on once whatever the number of deliveries (a
// payment succeeded and posted with its receipt, failed, or a refund
// confirmed and posted). Journey itself acts, audited without a person.
// EINVALID when the signature does not verify or no processor is set up.
func (p *Processor) CardWebhook(ctx context.Context, payload []byte, signature string) error {
	if p.cards == nil {
		return errNoCards
	}
	ev, err := p.cards.Event(payload, signature)
	if err != nil {
		p.Audit(ctx, nil, Entry{Action: "billing.card.webhook", Outcome: journey.AuditDenied, Detail: "signature does not verify"})
		return err
	}
	var subject int64
	handled := false
	switch ev.Kind {
	case journey.EventPayment:
		var pay *journey.Payment
		pay, handled, err = p.store.HandleCardEvent(ctx, ev, p.keptCard(ctx, ev))
		if pay != nil {
			subject = pay.ID
		}
	case journey.EventRefund:
		var r *journey.Refund
		r, handled, err = p.store.RecordCardRefund(ctx, ev)
		if r != nil {
			subject = r.PaymentID
		}
	default:
		return nil // an event Journey does not act on
	}
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		// Not one of ours (another system on the same account): say so
		// to the processor with a 200, lest it retry for days.
		slog.Warn("card webhook about no payment of ours", "event", ev.ID, "type", ev.Type)
		return nil
	}
	if handled || err != nil {
		p.Audit(ctx, nil, Entry{Action: "billing.card.webhook", SubjectType: "payment", SubjectID: subject, Outcome: outcome(err),
			Detail: "event " + ev.ID + " " + ev.Type + " " + ev.Status})
	}
	return err
}

// keptCard returns the card to keep for ev, when the client agreed; nil
// when there is none or the processor cannot say which it is (the
// payment counts more than keeping the card).
func (p *Processor) keptCard(ctx context.Context, ev *journey.ProcessorEvent) *journey.PaymentCard {
	if !ev.SaveCard || ev.MethodRef == "" || ev.CustomerRef == "" {
		return nil
	}
	card, err := p.cards.SavedCard(ctx, ev.MethodRef)
	if err != nil {
		slog.Warn("card to keep not read", "event", ev.ID, "err", err)
		return nil
	}
	card.CustomerRef, card.MethodRef = ev.CustomerRef, ev.MethodRef
	return card
}

// CardRefundResult is a refund asked of the processor: posted at once
// when it succeeded, or on its confirming event when pending.
type CardRefundResult struct {
	Refund  *journey.Refund // nil while pending
	Pending bool
}

// RefundCardPayment refunds cents of online payment pid through the
// processor for reason, under the caller's idempotency key (a retried
// request refunds once), and posts it when the processor confirms it
// (policy.go CanPostBilling). EINVALID naming amount_cents when more than
// is left, or when the processor refused; ECONFLICT when the payment did
// not succeed online; ENOTFOUND when the payment is not one the actor may
// see.
func (p *Processor) RefundCardPayment(ctx context.Context, a *journey.Actor, pid, cents int64, reason, key string) (*CardRefundResult, error) {
	if p.cards == nil {
		return nil, errNoCards
	}
	pay, err := p.store.FindPayment(ctx, pid)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if pay != nil {
		_, err = p.aftercareClient(ctx, a, pay.ClientID, "billing.refund", a.CanPostBilling)
	}
	if pay == nil || err != nil {
		return nil, p.denied(ctx, a, "billing.refund", "payment", pid, "not theirs", "Payment not found.")
	}
	if err := refundable(pay, cents, reason, key); err != nil {
		return nil, err
	}
	res, err := p.cards.Refund(ctx, &journey.CardRefund{PaymentID: pay.ID, PaymentRef: pay.ProcessorRef, AmountCents: cents,
		RefundedBy: a.User.ID, Key: key})
	out := &CardRefundResult{}
	if err == nil {
		switch res.Status {
		case journey.RefundSucceeded:
			out.Refund, _, err = p.store.RefundPayment(ctx, &journey.Refund{PaymentID: pay.ID, AmountCents: cents, Reason: reason,
				ProcessorRef: res.RefundRef, By: a.User.ID}, key)
		case journey.RefundPending:
			out.Pending = true
		default:
			err = journey.Errorf(journey.EINVALID, "The card processor refused the refund.")
		}
	}
	p.Audit(ctx, a, Entry{Action: "billing.refund", SubjectType: "payment", SubjectID: pay.ID, Outcome: outcome(err), Reason: "",
		Detail: "card refund of " + strconv.FormatInt(cents, 10) + " cents, pending " + strconv.FormatBool(out.Pending)})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// refundOnline is RefundPayment for a payment made online: refunded to
// the card through the processor. A refund the processor holds pending
// comes back unsaved (no id), posted when its event confirms it.
func (p *Processor) refundOnline(ctx context.Context, a *journey.Actor, pay *journey.Payment, cents int64, reason, key string) (*journey.Refund, bool, error) {
	res, err := p.RefundCardPayment(ctx, a, pay.ID, cents, reason, key)
	if err != nil {
		return nil, false, err
	}
	if res.Pending {
		return &journey.Refund{PaymentID: pay.ID, AmountCents: cents, Reason: reason, By: a.ID()}, false, nil
	}
	return res.Refund, true, nil
}

// refundable checks a card refund of cents from pay before the processor
// is asked.
func refundable(pay *journey.Payment, cents int64, reason, key string) error {
	if pay.Method != journey.PayOnline || pay.Status != journey.PaymentSucceeded || pay.ProcessorRef == "" {
		return journey.Errorf(journey.ECONFLICT, "Payment %d was not paid by card online: refund it as it was paid.", pay.ID)
	}
	var v journey.Validation
	if left := pay.AmountCents - pay.RefundedCents; cents < 1 || cents > left {
		v.Add("amount_cents", "Enter an amount from $0.01 to "+journey.FormatCents(left)+", what is left of this payment.")
	}
	v.AddErr(journey.ValidateBillingReason(&reason))
	if err := journey.CheckIdempotencyKey(key); err != nil {
		v.Add("idempotency_key", err.Error())
	}
	return v.Err()
}
