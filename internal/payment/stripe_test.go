package payment_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/payment"
	"github.com/journey-kap/journey/internal/testenv"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

const secret = "whsec_test_journey"

// keys records the Idempotency-Key header of each request the real
// client sends to stripe-mock, which does not keep keys itself.
type keys struct {
	mu   sync.Mutex
	seen []string
}

func (k *keys) RoundTrip(r *http.Request) (*http.Response, error) {
	k.mu.Lock()
	k.seen = append(k.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Idempotency-Key"))
	k.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func newStripe(t *testing.T) (*payment.Stripe, *keys) {
	t.Helper()
	k := &keys{}
	s := payment.New(payment.Config{Key: "sk_test_123", WebhookSecret: secret, BackendURL: testenv.StripeURL(t),
		HTTPClient: &http.Client{Transport: k, Timeout: 10 * time.Second}})
	return s, k
}

func TestNewWithoutKeyOffersNothing(t *testing.T) {
	if s := payment.New(payment.Config{BackendURL: "http://127.0.0.1:1"}); s != nil {
		t.Fatal("a processor without a key")
	}
}

func TestStripeMock(t *testing.T) {
	s, k := newStripe(t)
	ctx := context.Background()

	cs, err := s.Checkout(ctx, &journey.CardCheckout{PaymentID: 7, AmountCents: 12500, Description: "Psychotherapy",
		SaveCard: true, Key: "card:1:2:psychotherapy:3:1", SuccessURL: "https://j.example/portal/billing/card/7", CancelURL: "https://j.example/portal/billing"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cs.Ref, "cs_") || cs.URL == "" {
		t.Errorf("checkout session %+v", cs)
	}

	res, err := s.ChargeSavedCard(ctx, &journey.CardCharge{PaymentID: 8, AmountCents: 5000, Description: "Psychotherapy",
		CustomerRef: "cus_123", MethodRef: "pm_123", Key: "card:1:2:psychotherapy:0:2"})
	if err != nil {
		t.Fatal(err)
	}
	// stripe-mock answers from fixtures, not from what it was asked, so
	// the status is whatever its fixture holds, mapped.
	if !strings.HasPrefix(res.PaymentRef, "pi_") || res.Status == "" {
		t.Errorf("saved card charge %+v", res)
	}

	card, err := s.SavedCard(ctx, "pm_123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(card.MethodRef, "pm_") || card.Brand == "" || len(card.Last4) != 4 {
		t.Errorf("saved card %+v", card)
	}

	rf, err := s.Refund(ctx, &journey.CardRefund{PaymentID: 8, PaymentRef: res.PaymentRef, AmountCents: 2000, RefundedBy: 3, Key: "refund:8:1"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rf.RefundRef, "re_") || rf.Status == "" {
		t.Errorf("refund %+v", rf)
	}

	want := []string{"POST /v1/checkout/sessions card:1:2:psychotherapy:3:1", "POST /v1/payment_intents card:1:2:psychotherapy:0:2",
		"GET /v1/payment_methods/pm_123 ", "POST /v1/refunds refund:8:1"}
	if strings.Join(k.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(k.seen, "\n"), strings.Join(want, "\n"))
	}
}

// TestStripeUnreachable: a processor that does not answer is
// EUNAVAILABLE, said to the client as "try again".
func TestStripeUnreachable(t *testing.T) {
	s := payment.New(payment.Config{Key: "sk_test_123", BackendURL: "http://127.0.0.1:1"})
	_, err := s.Refund(context.Background(), &journey.CardRefund{PaymentID: 8, PaymentRef: "pi_1", AmountCents: 5, Key: "refund:8:9"})
	if journey.ErrorCode(err) != journey.EUNAVAILABLE {
		t.Fatalf("got %v", err)
	}
}

// signed returns an event of type typ about obj, signed as Stripe signs
// it with secret.
func signed(t *testing.T, evID, typ string, obj any, with string) ([]byte, string) {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"id": evID, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "data": map[string]any{"object": json.RawMessage(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: with})
	return body, sp.Header
}

func TestEvent(t *testing.T) {
	s := payment.New(payment.Config{Key: "sk_test_123", WebhookSecret: secret, BackendURL: "http://127.0.0.1:1"})
	cases := []struct {
		name, typ string
		obj       any
		want      journey.ProcessorEvent
	}{
		{"checkout paid", "checkout.session.completed",
			map[string]any{"id": "cs_1", "object": "checkout.session", "client_reference_id": "41", "payment_status": "paid",
				"payment_intent": "pi_1", "metadata": map[string]string{"journey_save_card": "1"}},
			journey.ProcessorEvent{Kind: journey.EventPayment, PaymentID: 41, PaymentRef: "pi_1", Status: journey.PaymentSucceeded}},
		{"intent succeeded, card kept", "payment_intent.succeeded",
			map[string]any{"id": "pi_3", "object": "payment_intent", "status": "succeeded", "customer": "cus_9", "payment_method": "pm_9",
				"metadata": map[string]string{"journey_payment_id": "43", "journey_save_card": "1"}},
			journey.ProcessorEvent{Kind: journey.EventPayment, PaymentID: 43, PaymentRef: "pi_3", Status: journey.PaymentSucceeded,
				SaveCard: true, CustomerRef: "cus_9", MethodRef: "pm_9"}},
		{"checkout not yet paid", "checkout.session.completed",
			map[string]any{"id": "cs_1", "object": "checkout.session", "client_reference_id": "41", "payment_status": "unpaid"},
			journey.ProcessorEvent{PaymentID: 41}},
		{"checkout expired", "checkout.session.expired",
			map[string]any{"id": "cs_1", "object": "checkout.session", "client_reference_id": "41", "payment_status": "unpaid"},
			journey.ProcessorEvent{Kind: journey.EventPayment, PaymentID: 41, Status: journey.PaymentFailed}},
		{"someone else's checkout", "checkout.session.completed",
			map[string]any{"id": "cs_1", "object": "checkout.session", "payment_status": "paid"}, journey.ProcessorEvent{}},
		{"intent succeeded", "payment_intent.succeeded",
			map[string]any{"id": "pi_2", "object": "payment_intent", "status": "succeeded", "metadata": map[string]string{"journey_payment_id": "42"}},
			journey.ProcessorEvent{Kind: journey.EventPayment, PaymentID: 42, PaymentRef: "pi_2", Status: journey.PaymentSucceeded}},
		{"saved card declined", "payment_intent.payment_failed",
			map[string]any{"id": "pi_2", "object": "payment_intent", "metadata": map[string]string{"journey_payment_id": "42", "journey_off_session": "1"}},
			journey.ProcessorEvent{Kind: journey.EventPayment, PaymentID: 42, PaymentRef: "pi_2", Status: journey.PaymentFailed}},
		{"a declined try on Checkout's page", "payment_intent.payment_failed",
			map[string]any{"id": "pi_2", "object": "payment_intent", "metadata": map[string]string{"journey_payment_id": "42"}},
			journey.ProcessorEvent{PaymentID: 42, PaymentRef: "pi_2"}},
		{"refund succeeded", "refund.updated",
			map[string]any{"id": "re_1", "object": "refund", "amount": 1500, "status": "succeeded", "payment_intent": "pi_2",
				"metadata": map[string]string{"journey_payment_id": "42", "journey_refunded_by": "5", "journey_refund_key": "refund:42:1"}},
			journey.ProcessorEvent{Kind: journey.EventRefund, PaymentID: 42, PaymentRef: "pi_2", Status: journey.RefundSucceeded,
				RefundRef: "re_1", RefundCents: 1500, RefundedBy: 5, RefundKey: "refund:42:1"}},
		{"another event", "customer.created", map[string]any{"id": "cus_1", "object": "customer"}, journey.ProcessorEvent{}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evID := "evt_" + string(rune('a'+i))
			body, sig := signed(t, evID, c.typ, c.obj, secret)
			got, err := s.Event(body, sig)
			if err != nil {
				t.Fatal(err)
			}
			c.want.ID, c.want.Type = evID, c.typ
			if *got != c.want {
				t.Errorf("got  %+v\nwant %+v", *got, c.want)
			}
		})
	}
	t.Run("bad signature", func(t *testing.T) {
		body, sig := signed(t, "evt_x", "payment_intent.succeeded", cases[5].obj, "whsec_someone_else")
		if _, err := s.Event(body, sig); journey.ErrorCode(err) != journey.EINVALID {
			t.Fatalf("got %v", err)
		}
		body, sig = signed(t, "evt_x", "payment_intent.succeeded", cases[5].obj, secret)
		tampered := []byte(strings.Replace(string(body), `"42"`, `"43"`, 1))
		if _, err := s.Event(tampered, sig); journey.ErrorCode(err) != journey.EINVALID {
			t.Fatalf("tampered: got %v", err)
		}
		if _, err := s.Event(body, ""); journey.ErrorCode(err) != journey.EINVALID {
			t.Fatalf("unsigned: got %v", err)
		}
	})
}

// TestStripeRefusalSaysNothingOfTheKey: Stripe's message about a refused
// request quotes the Authorization header (the secret key, in base64);
// what Journey shows the client must not carry it.
func TestStripeRefusalSaysNothingOfTheKey(t *testing.T) {
	key := "sk_test_not_valid_looking"
	s := payment.New(payment.Config{Key: key, BackendURL: testenv.StripeURL(t)})
	_, err := s.Checkout(context.Background(), &journey.CardCheckout{PaymentID: 1, AmountCents: 100, Description: "Psychotherapy",
		Key: "card:1:1:psychotherapy:0:1", SuccessURL: "https://j.example/ok", CancelURL: "https://j.example/no"})
	if err == nil {
		t.Fatal("stripe-mock took a key it should refuse")
	}
	msg := journey.ErrorMessage(err)
	if strings.Contains(msg, "Authorization") || strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte(key+":"))) || strings.Contains(msg, key) {
		t.Fatalf("the message shown quotes the key: %q", msg)
	}
	if journey.ErrorCode(err) != journey.EUNAVAILABLE {
		t.Fatalf("a refused key is the practice's set-up, not the client's input: %v", err)
	}
}
