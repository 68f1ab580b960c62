// Package payment is Journey's card payment processor: Stripe, through
// its Go client (stripe-go), behind journey.CardProcessor. The client
// pays on Stripe's hosted Checkout page (Stripe creates the
// PaymentIntent there) or with a card saved with their consent, charged
// off-session; refunds go back to the PaymentIntent. Every request that
// creates something carries the idempotency key it is given, so a
// retried request is one payment at Stripe. Webhooks are verified by
// their signature (webhook.ConstructEventWithOptions) before anything is
// read from them. No card number ever reaches Journey. Tests run the
// real client against stripe-mock.
package payment

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Config is how Journey reaches Stripe.
type Config struct {
	Key           string // JOURNEY_STRIPE_KEY: the secret API key
	WebhookSecret string // JOURNEY_STRIPE_WEBHOOK_SECRET: the endpoint's signing secret
	BackendURL    string // JOURNEY_STRIPE_URL: another API base (stripe-mock); "" for Stripe's
	HTTPClient    *http.Client
}

// Stripe is journey.CardProcessor over Stripe's API.
type Stripe struct {
	sc     *stripe.Client
	secret string
}

var _ journey.CardProcessor = (*Stripe)(nil)

// Metadata keys Journey puts on Stripe's objects to find its own records
// in their events: ids only, never a name or a code.
const (
	metaPayment = "journey_payment_id"
	metaSave    = "journey_save_card"
	metaOff     = "journey_off_session"
	metaBy      = "journey_refunded_by"
	metaKey     = "journey_refund_key"
)

// New returns the processor for c, or nil when c has no key: a practice
// without a key offers no card payment.
func New(c Config) *Stripe {
	if c.Key == "" {
		return nil
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	cfg := &stripe.BackendConfig{HTTPClient: hc, MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
	if c.BackendURL != "" {
		cfg.URL = stripe.String(strings.TrimRight(c.BackendURL, "/"))
	}
	return &Stripe{sc: stripe.NewClient(c.Key, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg))), secret: c.WebhookSecret}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Checkout creates a Checkout Session in payment mode for r: one line of
// r.AmountCents, the payment's id as client_reference_id and on the
// PaymentIntent's metadata; with r.SaveCard a customer is created and the
// card kept for off-session use. The same r.Key returns the same session.
func (s *Stripe) Checkout(ctx context.Context, r *journey.CardCheckout) (*journey.CardSession, error) {
	meta := map[string]string{metaPayment: id(r.PaymentID)}
	if r.SaveCard {
		meta[metaSave] = "1"
	}
	pi := &stripe.CheckoutSessionCreatePaymentIntentDataParams{Description: stripe.String(r.Description), Metadata: meta}
	p := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(id(r.PaymentID)),
		SuccessURL:        stripe.String(r.SuccessURL),
		CancelURL:         stripe.String(r.CancelURL),
		Metadata:          map[string]string{metaPayment: id(r.PaymentID)},
		PaymentIntentData: pi,
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(journey.Currency)),
				UnitAmount:  stripe.Int64(r.AmountCents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(r.Description)},
			},
		}},
		// Expire before Stripe forgets the idempotency key (24 hours),
		// so a retry never opens a second page for a live attempt.
		ExpiresAt: stripe.Int64(time.Now().Add(23 * time.Hour).Unix()),
	}
	if r.Email != "" {
		p.CustomerEmail = stripe.String(r.Email)
	}
	if r.SaveCard {
		p.CustomerCreation = stripe.String("always")
		pi.SetupFutureUsage = stripe.String(string(stripe.PaymentIntentSetupFutureUsageOffSession))
		p.Metadata[metaSave] = "1"
	}
	p.SetIdempotencyKey(r.Key)
	cs, err := s.sc.V1CheckoutSessions.Create(ctx, p)
	if err != nil {
		return nil, stripeErr("start the card payment", err)
	}
	return &journey.CardSession{Ref: cs.ID, URL: cs.URL}, nil
}

// ChargeSavedCard creates and confirms a PaymentIntent off-session with
// the saved card. A declined card is a failed payment, not an error.
func (s *Stripe) ChargeSavedCard(ctx context.Context, r *journey.CardCharge) (*journey.CardResult, error) {
	p := &stripe.PaymentIntentCreateParams{
		Amount:        stripe.Int64(r.AmountCents),
		Currency:      stripe.String(strings.ToLower(journey.Currency)),
		Customer:      stripe.String(r.CustomerRef),
		PaymentMethod: stripe.String(r.MethodRef),
		Description:   stripe.String(r.Description),
		Confirm:       stripe.Bool(true),
		OffSession:    stripe.Bool(true),
		Metadata:      map[string]string{metaPayment: id(r.PaymentID), metaOff: "1"},
	}
	p.SetIdempotencyKey(r.Key)
	pi, err := s.sc.V1PaymentIntents.Create(ctx, p)
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeCard {
		out := &journey.CardResult{Status: journey.PaymentFailed}
		if se.PaymentIntent != nil {
			out.PaymentRef = se.PaymentIntent.ID
		}
		return out, nil
	}
	if err != nil {
		return nil, stripeErr("charge the saved card", err)
	}
	return &journey.CardResult{PaymentRef: pi.ID, Status: intentStatus(pi.Status)}, nil
}

// intentStatus maps a PaymentIntent's status to a payment's.
func intentStatus(s stripe.PaymentIntentStatus) string {
	switch s {
	case stripe.PaymentIntentStatusSucceeded:
		return journey.PaymentSucceeded
	case stripe.PaymentIntentStatusCanceled, stripe.PaymentIntentStatusRequiresPaymentMethod:
		return journey.PaymentFailed
	}
	return journey.PaymentPending
}

// SavedCard returns the brand and last four digits of card methodRef.
func (s *Stripe) SavedCard(ctx context.Context, methodRef string) (*journey.PaymentCard, error) {
	pm, err := s.sc.V1PaymentMethods.Retrieve(ctx, methodRef, nil)
	if err != nil {
		return nil, stripeErr("read the saved card", err)
	}
	c := &journey.PaymentCard{MethodRef: pm.ID}
	if pm.Customer != nil {
		c.CustomerRef = pm.Customer.ID
	}
	if pm.Card != nil {
		c.Brand, c.Last4 = string(pm.Card.Brand), pm.Card.Last4
	}
	return c, nil
}

// Refund refunds r.AmountCents of PaymentIntent r.PaymentRef once per
// r.Key, with the payment's id and the refund's key on its metadata so
// its later events find it.
func (s *Stripe) Refund(ctx context.Context, r *journey.CardRefund) (*journey.CardRefundResult, error) {
	p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(r.PaymentRef), Amount: stripe.Int64(r.AmountCents),
		Metadata: map[string]string{metaPayment: id(r.PaymentID), metaBy: id(r.RefundedBy), metaKey: r.Key}}
	p.SetIdempotencyKey(r.Key)
	rf, err := s.sc.V1Refunds.Create(ctx, p)
	if err != nil {
		return nil, stripeErr("refund the card payment", err)
	}
	return &journey.CardRefundResult{RefundRef: rf.ID, Status: refundStatus(rf.Status)}, nil
}

func refundStatus(s stripe.RefundStatus) string {
	switch s {
	case stripe.RefundStatusSucceeded:
		return journey.RefundSucceeded
	case stripe.RefundStatusFailed, stripe.RefundStatusCanceled:
		return journey.RefundFailed
	}
	return journey.RefundPending
}

// stripeErr logs Stripe's error by its type, code, status and request
// id, never its message (a refused key's quotes the key), and returns
// EINVALID for a request Stripe refused as wrong, EUNAVAILABLE for the
// rest: Stripe out of reach, or a key it does not take (the practice's
// set-up, not the client's doing).
func stripeErr(what string, err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		slog.Warn("stripe", "what", what, "err", err)
		return journey.Errorf(journey.EUNAVAILABLE, "The card processor could not %s; please try again.", what)
	}
	slog.Warn("stripe", "what", what, "type", se.Type, "code", se.Code, "status", se.HTTPStatusCode, "request", se.RequestID)
	if se.Type == stripe.ErrorTypeInvalidRequest && se.HTTPStatusCode != http.StatusUnauthorized &&
		se.HTTPStatusCode != http.StatusForbidden && se.HTTPStatusCode < 500 {
		return journey.Errorf(journey.EINVALID, "The card processor refused to %s.", what)
	}
	return journey.Errorf(journey.EUNAVAILABLE, "The card processor could not %s; please try again later or pay another way.", what)
}

// Event verifies payload against its Stripe-Signature header with the
// endpoint's secret (and the timestamp within Stripe's default five
// minutes) and returns what it says of Journey's payments. Events of
// another API version than the client's are read all the same: Journey
// reads only ids, statuses, amounts and its own metadata, which do not
// change between versions.
func (s *Stripe) Event(payload []byte, signature string) (*journey.ProcessorEvent, error) {
	if s.secret == "" {
		return nil, journey.Errorf(journey.EINVALID, "No webhook secret is configured.")
	}
	ev, err := webhook.ConstructEventWithOptions(payload, signature, s.secret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "The webhook's signature does not verify.")
	}
	out := &journey.ProcessorEvent{ID: ev.ID, Type: string(ev.Type)}
	if ev.Data == nil {
		return out, nil
	}
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionAsyncPaymentFailed, stripe.EventTypeCheckoutSessionExpired:
		err = checkoutEvent(ev, out)
	case stripe.EventTypePaymentIntentSucceeded, stripe.EventTypePaymentIntentPaymentFailed:
		err = intentEvent(ev, out)
	case stripe.EventTypeRefundCreated, stripe.EventTypeRefundUpdated, stripe.EventTypeRefundFailed:
		err = refundEvent(ev, out)
	}
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "The webhook's %s object does not parse.", ev.Type)
	}
	return out, nil
}

func checkoutEvent(ev stripe.Event, out *journey.ProcessorEvent) error {
	var cs stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(cs.ClientReferenceID, 10, 64)
	if pid <= 0 {
		return nil // not one of Journey's
	}
	out.Kind, out.PaymentID = journey.EventPayment, pid
	if cs.PaymentIntent != nil {
		out.PaymentRef = cs.PaymentIntent.ID
	}
	switch {
	case ev.Type == stripe.EventTypeCheckoutSessionAsyncPaymentFailed || ev.Type == stripe.EventTypeCheckoutSessionExpired:
		out.Status = journey.PaymentFailed
	case cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid:
		out.Status = journey.PaymentSucceeded
	default:
		out.Kind = "" // completed, the money not yet in: the async event follows
	}
	return nil
}

func intentEvent(ev stripe.Event, out *journey.ProcessorEvent) error {
	var pi stripe.PaymentIntent
	if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(pi.Metadata[metaPayment], 10, 64)
	if pid <= 0 {
		return nil
	}
	out.PaymentID, out.PaymentRef = pid, pi.ID
	switch {
	case ev.Type == stripe.EventTypePaymentIntentSucceeded:
		out.Kind, out.Status = journey.EventPayment, journey.PaymentSucceeded
		// The card to keep, when the client agreed: Checkout attached it
		// to the customer it made.
		if pi.Metadata[metaSave] == "1" && pi.Customer != nil && pi.PaymentMethod != nil {
			out.SaveCard, out.CustomerRef, out.MethodRef = true, pi.Customer.ID, pi.PaymentMethod.ID
		}
	case pi.Metadata[metaOff] == "1":
		// On Checkout's page the client may try another card after a
		// decline; only the session's expiry fails that payment.
		out.Kind, out.Status = journey.EventPayment, journey.PaymentFailed
	}
	return nil
}

func refundEvent(ev stripe.Event, out *journey.ProcessorEvent) error {
	var rf stripe.Refund
	if err := json.Unmarshal(ev.Data.Raw, &rf); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(rf.Metadata[metaPayment], 10, 64)
	if pid <= 0 || rf.Metadata[metaKey] == "" {
		return nil
	}
	out.Kind, out.PaymentID, out.RefundRef, out.RefundCents = journey.EventRefund, pid, rf.ID, rf.Amount
	out.RefundedBy, _ = strconv.ParseInt(rf.Metadata[metaBy], 10, 64)
	out.RefundKey = rf.Metadata[metaKey]
	if rf.PaymentIntent != nil {
		out.PaymentRef = rf.PaymentIntent.ID
	}
	out.Status = refundStatus(rf.Status)
	if out.Status == journey.RefundPending {
		out.Kind = ""
	}
	return nil
}
