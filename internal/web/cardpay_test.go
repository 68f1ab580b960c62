package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/payment"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

const testWebhookSecret = "whsec_journey_web_test"

// cardEnv is an env whose practice takes cards through stripe-mock, with
// a signed-in client who owes the practice 150.00 for psychotherapy.
type cardEnv struct {
	*env
	client  *journey.Client
	cookie  string
	billing *sqldbtest.RawBilling
}

func newCardEnv(t *testing.T, withCards bool) *cardEnv {
	t.Helper()
	var cards journey.CardProcessor
	if withCards {
		cards = payment.New(payment.Config{Key: "sk_test_journey", WebhookSecret: testWebhookSecret, BackendURL: testenv.StripeURL(t)})
	}
	e := newEnv(t, func(c *Config) { c.Cards = cards })
	ce := &cardEnv{env: e, billing: sqldbtest.RawBillingSetup(t, e.db)}
	ce.client, ce.cookie = e.portalClient("Casey Payer", "casey@client.test", nil)
	ce.charge(15000)
	return ce
}

// charge adds a psychotherapy charge of cents to the client's account.
func (e *cardEnv) charge(cents int64) {
	e.t.Helper()
	_, err := e.db.CreateCharges(context.Background(), []*journey.Charge{{ClientID: e.client.ID, ChargeType: journey.ChargePsychotherapy,
		EntityID: e.billing.Practice, Event: journey.EventCompleted, Date: "2029-12-20", Code: "90837", Units: 1, POS: "11",
		Description: "Integration session", AmountCents: cents}}, e.ny.ID)
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *cardEnv) balance() int64 {
	e.t.Helper()
	l, err := e.db.FindLedger(context.Background(), e.client.ID, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return l.BalanceCents
}

// webhook posts a Stripe event about obj, signed with secret, and returns
// the status.
func (e *cardEnv) webhook(evID, typ string, obj map[string]any, secret string) int {
	e.t.Helper()
	raw, _ := json.Marshal(obj)
	body, _ := json.Marshal(map[string]any{"id": evID, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "data": map[string]any{"object": json.RawMessage(raw)}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, err := http.NewRequest("POST", e.ts.URL+"/webhooks/stripe", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// checkoutPaid is Checkout's completed session for payment pid.
func checkoutPaid(pid int64, pi string) map[string]any {
	return map[string]any{"id": "cs_" + pi, "object": "checkout.session", "client_reference_id": fmt.Sprint(pid),
		"payment_status": "paid", "payment_intent": pi}
}

// The client pays on the processor's page; the return page says
// "processing" until the signed webhook arrives, which posts the payment
// once (however often it is delivered), queues one receipt, and turns the
// page to "received". A wrong signature is a 400 and changes nothing.
func TestPortalPayByCard(t *testing.T) {
	e := newCardEnv(t, true)
	if st, _, body := e.as(e.cookie, "GET", "/portal/billing", nil); st != 200 || !strings.Contains(body, `href="/portal/billing/pay"`) {
		t.Fatalf("billing page %d lacks the link to pay\n%s", st, trim(body))
	}
	st, _, body := e.as(e.cookie, "GET", "/portal/billing/pay", nil)
	if st != 200 || !strings.Contains(body, "Pay $150.00 by card") || !strings.Contains(body, "Journey Therapy PLLC") {
		t.Fatalf("pay page %d\n%s", st, trim(body))
	}
	form := url.Values{"entity_id": {fmt.Sprint(e.billing.Practice)}, "charge_type": {journey.ChargePsychotherapy}, "save_card": {"yes"}}
	st, h, body := e.as(e.cookie, "POST", "/portal/billing/pay", form)
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "https://") {
		t.Fatalf("pay: %d %q\n%s", st, h.Get("Location"), trim(body))
	}
	// A retried request is the same attempt: the same payment.
	if st, _, _ := e.as(e.cookie, "POST", "/portal/billing/pay", form); st != 303 {
		t.Fatalf("retry: %d", st)
	}
	pays, err := e.db.FindPayments(context.Background(), journey.PaymentFilter{ClientID: e.client.ID, Limit: 10})
	if err != nil || len(pays) != 1 || pays[0].Status != journey.PaymentPending || pays[0].AmountCents != 15000 {
		t.Fatalf("payments %+v, %v", pays, err)
	}
	pid := pays[0].ID
	page := fmt.Sprintf("/portal/billing/payments/%d", pid)
	if st, _, body := e.as(e.cookie, "GET", page, nil); st != 200 || !strings.Contains(body, "is processing") {
		t.Fatalf("return page %d\n%s", st, trim(body))
	}

	if st := e.webhook("evt_bad", "checkout.session.completed", checkoutPaid(pid, "pi_web_1"), "whsec_someone_else"); st != 400 {
		t.Fatalf("bad signature: %d", st)
	}
	if b := e.balance(); b != 15000 {
		t.Fatalf("a bad signature changed the balance: %d", b)
	}
	for range 2 {
		if st := e.webhook("evt_paid", "checkout.session.completed", checkoutPaid(pid, "pi_web_1"), testWebhookSecret); st != 200 {
			t.Fatalf("webhook: %d", st)
		}
	}
	if b := e.balance(); b != 0 {
		t.Fatalf("balance %d after the payment", b)
	}
	var receipts []string
	for _, m := range e.mailsTo("casey@client.test") {
		if strings.HasPrefix(m, "Receipt for your payment") {
			receipts = append(receipts, m)
		}
	}
	if len(receipts) != 1 || !strings.Contains(receipts[0], "Amount: $150.00") || !strings.Contains(receipts[0], "is now $0.00") {
		t.Fatalf("receipts %q", receipts)
	}
	if st, _, body := e.as(e.cookie, "GET", page, nil); st != 200 || !strings.Contains(body, "is received") {
		t.Fatalf("paid page %d\n%s", st, trim(body))
	}
	// Another client's payment is "not found".
	_, other := e.portalClient("Other Person", "other@client.test", nil)
	if st, _, _ := e.as(other, "GET", page, nil); st != 404 {
		t.Fatalf("another client's payment: %d", st)
	}
	if st, _, body := e.as(e.cookie, "GET", "/portal/billing/pay", nil); st != 200 || !strings.Contains(body, "You owe nothing") {
		t.Fatalf("nothing owed: %d\n%s", st, trim(body))
	}
}

// Staff refund an online payment through the processor under an
// idempotency key: posted once, the same key again refunds nothing more;
// more than is left is refused beside amount_cents.
func TestCardRefundAPI(t *testing.T) {
	e := newCardEnv(t, true)
	ctx := context.Background()
	pay, err := e.db.OpenCardPayment(ctx, e.client.ID, e.billing.Practice, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st := e.webhook("evt_r", "payment_intent.succeeded", map[string]any{"id": "pi_refund_me", "object": "payment_intent",
		"status": "succeeded", "metadata": map[string]string{"journey_payment_id": fmt.Sprint(pay.ID)}}, testWebhookSecret); st != 200 {
		t.Fatalf("webhook %d", st)
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	path := fmt.Sprintf("/api/v1/payments/%d/card-refund", pay.ID)
	body := `{"amount_cents": 5000, "reason": "Session rescheduled", "idempotency_key": "refund-web-1"}`
	for range 2 {
		if st, _, b := e.api(desk, "POST", path, body); st != 201 || !strings.Contains(b, `"status":"succeeded"`) {
			t.Fatalf("refund: %d %s", st, b)
		}
	}
	if b := e.balance(); b != 5000 {
		t.Fatalf("balance %d after refunding 50.00 (once)", b)
	}
	st, _, b := e.api(desk, "POST", path, `{"amount_cents": 20000, "reason": "Too much", "idempotency_key": "refund-web-2"}`)
	if st != 422 || !strings.Contains(b, `"amount_cents"`) {
		t.Fatalf("too much: %d %s", st, b)
	}
	if st, _, _ := e.api(e.cookie, "POST", path, body); st != 403 {
		t.Fatalf("a client refunding: %d", st)
	}

	// The client's billing page refunds it to the card as well.
	page := fmt.Sprintf("/staff/clients/%d/billing", e.client.ID)
	if st, _, b := e.as(desk, "GET", page, nil); st != 200 || !strings.Contains(b, page+"/refund") || !strings.Contains(b, fmt.Sprintf(`<option value="%d">Payment %d,`, pay.ID, pay.ID)) {
		t.Fatalf("no refund form for the card payment: %d\n%s", st, trim(b))
	}
	form := url.Values{"payment_id": {fmt.Sprint(pay.ID)}, "amount": {"10.00"}, "reason": {"Goodwill"}, "idempotency_key": {"refund-web-page-1"}}
	if st, h, b := e.as(desk, "POST", page+"/refund", form); st != 303 {
		t.Fatalf("refund from the page: %d %v\n%s", st, h, trim(b))
	}
	if b := e.balance(); b != 6000 {
		t.Fatalf("balance %d after refunding 10.00 more from the page", b)
	}
}

// Without a key no card payment is offered: no button, the page says how
// else to pay, a posted form and the API say so, the webhook refuses.
func TestNoCardsWithoutKey(t *testing.T) {
	e := newCardEnv(t, false)
	if st, _, body := e.as(e.cookie, "GET", "/portal/billing", nil); st != 200 || strings.Contains(body, `href="/portal/billing/pay"`) {
		t.Fatalf("billing page %d links to card payment\n%s", st, trim(body))
	}
	st, _, body := e.as(e.cookie, "GET", "/portal/billing/pay", nil)
	if st != 200 || strings.Contains(body, "by card</button>") || !strings.Contains(body, "does not take card payments online") {
		t.Fatalf("pay page %d\n%s", st, trim(body))
	}
	form := url.Values{"entity_id": {fmt.Sprint(e.billing.Practice)}, "charge_type": {journey.ChargePsychotherapy}}
	if st, _, body := e.as(e.cookie, "POST", "/portal/billing/pay", form); st != 422 || !strings.Contains(body, "does not take card payments online") {
		t.Fatalf("pay %d\n%s", st, trim(body))
	}
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	st, _, b := e.api(desk, "POST", "/api/v1/payments/1/card-refund", `{"amount_cents": 1, "reason": "x", "idempotency_key": "k-1"}`)
	if st != 422 || !strings.Contains(b, "does not take card payments online") {
		t.Fatalf("api %d %s", st, b)
	}
	if st := e.webhook("evt_x", "payment_intent.succeeded", map[string]any{"id": "pi_x", "object": "payment_intent"}, testWebhookSecret); st != 400 {
		t.Fatalf("webhook without a processor: %d", st)
	}
}

// A card the client agreed to keep pays later amounts from the portal,
// charged off-session by the real client (stripe-mock answers from its
// fixture, so the payment ends succeeded or failed, never pending); the
// client can have it forgotten.
func TestPortalSavedCard(t *testing.T) {
	e := newCardEnv(t, true)
	ctx := context.Background()
	first, err := e.db.OpenCardPayment(ctx, e.client.ID, e.billing.Practice, journey.ChargePsychotherapy, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.HandleCardEvent(ctx, &journey.ProcessorEvent{ID: "evt_keep", Kind: journey.EventPayment, PaymentID: first.ID,
		PaymentRef: "pi_keep", Status: journey.PaymentSucceeded, SaveCard: true, CustomerRef: "cus_keep", MethodRef: "pm_keep"},
		&journey.PaymentCard{CustomerRef: "cus_keep", MethodRef: "pm_keep", Brand: "visa", Last4: "4242"}); err != nil {
		t.Fatal(err)
	}
	e.charge(9000)
	st, _, body := e.as(e.cookie, "GET", "/portal/billing/pay", nil)
	if st != 200 || !strings.Contains(body, "Pay $90.00 with your Visa ending 4242") {
		t.Fatalf("pay page %d\n%s", st, trim(body))
	}
	form := url.Values{"entity_id": {fmt.Sprint(e.billing.Practice)}, "charge_type": {journey.ChargePsychotherapy}, "use_saved": {"yes"}}
	st, h, body := e.as(e.cookie, "POST", "/portal/billing/pay", form)
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/portal/billing/payments/") {
		t.Fatalf("pay with the saved card: %d %q\n%s", st, h.Get("Location"), trim(body))
	}
	var pid int64
	fmt.Sscanf(h.Get("Location"), "/portal/billing/payments/%d", &pid)
	pay, err := e.db.FindPayment(ctx, pid)
	if err != nil || pay.Status == journey.PaymentPending || !strings.HasPrefix(pay.ProcessorRef, "pi_") || pay.AmountCents != 9000 {
		t.Fatalf("the saved card's payment %+v, %v", pay, err)
	}
	if st, h, _ := e.as(e.cookie, "POST", "/portal/billing/card/forget", url.Values{}); st != 303 || h.Get("Location") != "/portal/billing/pay?card=forgotten" {
		t.Fatalf("forget: %d %v", st, h)
	}
	if st, _, body := e.as(e.cookie, "GET", "/portal/billing/pay?card=forgotten", nil); st != 200 || strings.Contains(body, "Visa ending 4242") ||
		!strings.Contains(body, "We no longer keep your card") {
		t.Fatalf("after forgetting: %d\n%s", st, trim(body))
	}
}
