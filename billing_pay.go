package journey

import (
	"context"
	"fmt"
	"time"
)

// Card payments online: the client pays a balance with one entity for one
// charge type by card through the payment processor (Stripe), on the
// processor's hosted page or with a card saved with their consent. No
// card number ever reaches Journey. A payment is pending until the
// processor's signed event says it succeeded or failed; only then is it
// posted. Each request to the processor carries an idempotency key, so a
// retried request never charges twice, and each event is handled once.

// CardProcessor is the payment processor as Journey uses it
// (internal/payment implements it over Stripe). A practice without one
// configured offers no card payment.
type CardProcessor interface {
	// Checkout starts the processor's hosted payment page for r and returns
	// it; the same r.Key returns the same page.
	Checkout(ctx context.Context, r *CardCheckout) (*CardSession, error)
	// ChargeSavedCard charges r.AmountCents to a saved card, off-session,
	// and returns where the payment stands (succeeded, pending or failed;
	// a declined card is PaymentFailed, not an error).
	ChargeSavedCard(ctx context.Context, r *CardCharge) (*CardResult, error)
	// SavedCard returns the processor's card methodRef as the client
	// recognises it (brand, last four digits).
	SavedCard(ctx context.Context, methodRef string) (*PaymentCard, error)
	// Refund returns r.AmountCents of the processor's payment r.PaymentRef;
	// the same r.Key refunds once.
	Refund(ctx context.Context, r *CardRefund) (*CardRefundResult, error)
	// Event verifies a webhook's signature and returns what it says;
	// EINVALID when the signature or the payload is wrong.
	Event(payload []byte, signature string) (*ProcessorEvent, error)
}

// CardCheckout is a payment the client makes on the processor's page.
type CardCheckout struct {
	PaymentID   int64 // ours, carried back by the processor's events
	AmountCents int64
	Description string // what is paid, without PHI: "Psychotherapy, Practice name"
	Email       string // prefills the processor's page
	SaveCard    bool   // the client agreed to keep the card for later payments
	Key         string // idempotency key
	SuccessURL  string // where the processor sends the client back
	CancelURL   string
}

// CardSession is the processor's hosted page for a payment.
type CardSession struct {
	Ref string // the processor's id of the page
	URL string
}

// CardCharge is a payment with a saved card, made by Journey while the
// client waits on the portal.
type CardCharge struct {
	PaymentID   int64
	AmountCents int64
	Description string
	CustomerRef string
	MethodRef   string
	Key         string
}

// CardResult is where a payment stands with the processor.
type CardResult struct {
	PaymentRef string // the processor's payment id
	Status     string // PaymentSucceeded, PaymentPending or PaymentFailed
}

// CardRefund returns money of an online payment.
type CardRefund struct {
	PaymentID   int64
	PaymentRef  string
	AmountCents int64
	RefundedBy  int64
	Key         string
}

// Refund statuses at the processor.
const (
	RefundSucceeded = "succeeded"
	RefundPending   = "pending"
	RefundFailed    = "failed"
)

// CardRefundResult is where a refund stands with the processor.
type CardRefundResult struct {
	RefundRef string
	Status    string // RefundSucceeded, RefundPending or RefundFailed
}

// PaymentCard is a client's card kept by the processor with their
// consent: Journey holds the processor's references and what the client
// needs to recognise it.
type PaymentCard struct {
	ClientID    int64
	CustomerRef string
	MethodRef   string
	Brand       string // visa
	Last4       string
	ConsentedAt time.Time
}

// Label returns the card as the client recognises it: "Visa ending 4242".
func (c *PaymentCard) Label() string {
	brand := c.Brand
	if brand == "" {
		brand = "card"
	}
	if len(brand) > 0 && brand[0] >= 'a' && brand[0] <= 'z' {
		brand = string(brand[0]-'a'+'A') + brand[1:]
	}
	return fmt.Sprintf("%s ending %s", brand, c.Last4)
}

// ProcessorEvent is what one of the processor's webhooks says about one
// of our payments or refunds. A kind Journey does not act on has Kind "".
type ProcessorEvent struct {
	ID         string // the processor's event id: handled once
	Type       string // the processor's event type
	Kind       string // EventPayment, EventRefund or ""
	PaymentID  int64  // ours
	PaymentRef string // the processor's payment id
	Status     string // EventPayment: PaymentSucceeded or PaymentFailed; EventRefund: RefundSucceeded or RefundFailed
	// The card to keep, when the client agreed to keep it (on the
	// payment's success only).
	SaveCard    bool
	CustomerRef string
	MethodRef   string
	// EventRefund
	RefundRef   string
	RefundCents int64
	RefundedBy  int64
	RefundKey   string
}

// Processor event kinds Journey acts on.
const (
	EventPayment = "payment"
	EventRefund  = "refund"
)

// MaxWebhookBytes bounds a processor's webhook body; Stripe's events are
// a few kilobytes.
const MaxWebhookBytes = 64 << 10

// CardPaymentKey returns the idempotency key of attempt n (from 1) to pay
// client's balance with entity for chargeType, and document docID (0: the
// balance without a statement): a retried request is the same attempt and
// so the same key; a new attempt follows a failed or changed one.
func CardPaymentKey(clientID, entityID int64, chargeType string, docID int64, n int) string {
	return fmt.Sprintf("card:%d:%d:%s:%d:%d", clientID, entityID, chargeType, docID, n)
}

// CardRefundKey returns the idempotency key of refund n (from 1) of
// payment id.
func CardRefundKey(paymentID int64, n int) string {
	return fmt.Sprintf("refund:%d:%d", paymentID, n)
}

// PaymentReceipt is what a payment's receipt says: the payment, whom it was
// paid to and for what, and the balance after it.
type PaymentReceipt struct {
	Payment      *Payment
	Entity       *BillingEntity
	ClientName   string
	ClientEmail  string
	BalanceCents int64 // with the entity for the payment's charge type, after it
}

// ReceiptComposer writes a payment's receipt.
type ReceiptComposer interface {
	// ComposeReceipt returns the email to r.ClientEmail; it fails only on
	// a broken template.
	ComposeReceipt(r *PaymentReceipt, p *Practice) (*Message, error)
}

// MailPaymentReceipt is the receipt a client gets for each succeeded
// payment, online or recorded by staff.
const MailPaymentReceipt = "payment_receipt"

// The receipt's kind joins EmailKinds here, beside the payments it is
// about, rather than in email_kinds.go's list.
func init() {
	EmailKinds = append(EmailKinds, EmailKind{Kind: MailPaymentReceipt, Label: "Payment receipt",
		When:    "When a payment succeeds: paid by card in the portal (once the card processor confirms it) or recorded by staff (cash, check, card at the practice).",
		Subject: "Receipt for your payment of {{amount}} - {{entity_name}}",
		Body: `Hello {{client_first_name}},

Thank you: we received your payment.

Amount: {{amount}}
Paid on: {{paid_on}}
How: {{payment_method}}
To: {{entity_name}}, for {{charge_type}}
Receipt number: {{receipt_number}}

Your balance for {{charge_type}} with {{entity_name}} is now {{balance}}.
Your statements and payments are in your portal:
{{portal_link}}`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail, phPortal,
			{"amount", "The amount paid", "$150.00"},
			{"paid_on", "The day it was paid", "March 11, 2030"},
			{"payment_method", "How it was paid", "Card (online)"},
			{"entity_name", "The billing entity paid", "Cedar & Tide Therapy PLLC"},
			{"charge_type", "What it paid for", "psychotherapy"},
			{"receipt_number", "The payment's number", "P-1042"},
			{"balance", "What is owed after it, for that charge type", "$0.00"}},
		Required: []string{"amount"}, Footer: true})
}

// Owed is what a client owes one entity for one charge type: what one
// card payment pays.
type Owed struct {
	Entity     *BillingEntity
	ChargeType string
	Cents      int64
}
