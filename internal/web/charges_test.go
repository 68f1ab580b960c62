package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// billedClient is a client of Nora York with a completed integration
// session (50 minutes recorded through the API) and its charge, beside
// the default billing setup.
type billedClient struct {
	client  *journey.Client
	cookie  string // the client's portal session
	billing *sqldbtest.Billing
	session int64
	charge  int64
}

func (e *env) billedClient(t *testing.T) *billedClient {
	t.Helper()
	b := &billedClient{billing: sqldbtest.SeedBilling(t, e.db, e.ny.ID)}
	b.client, b.cookie = e.portalClient("Bea Billed", "bea@example.test", nil)
	if _, err := e.db.SetDiagnoses(context.Background(), b.client.ID, []string{"F33.1"}, e.ny.ID); err != nil {
		t.Fatal(err)
	}
	start := e.now.Add(-2 * time.Hour)
	b.session = sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{{ClientID: b.client.ID, Type: journey.TypeIntegration,
		Mode: journey.ModeRemote, Start: start, Minutes: 60, TherapistID: e.ny.ID}})[0]
	sqldbtest.SetSession(t, e.db, b.session, journey.SessionInProgress, 0, start)
	nora := e.token(e.ny.ID)
	path := fmt.Sprintf("/api/v1/sessions/%d/complete", b.session)
	if st, body := e.bearer(nora, "POST", path, `{"minutes": 0.5}`); st != 400 {
		t.Fatalf("minutes not a whole number: %d %s", st, body)
	}
	if st, body := e.bearer(nora, "POST", path, `{"minutes": 601}`); st != 422 || !strings.Contains(body, `"field":"minutes"`) {
		t.Fatalf("601 minutes: %d %s", st, body)
	}
	if st, body := e.bearer(nora, "POST", path, `{"minutes": 50}`); st != 200 || !strings.Contains(body, `"status":"completed"`) {
		t.Fatalf("complete: %d %s", st, body)
	}
	cs, err := e.db.FindCharges(context.Background(), journey.ChargeFilter{ClientID: b.client.ID, Limit: 10})
	if err != nil || len(cs) != 1 {
		t.Fatalf("charges: %+v %v", cs, err)
	}
	b.charge = cs[0].ID
	return b
}

// A client's charges, ledger and payments through the API, by the roles
// that may and may not: the codes the recorded minutes chose, a void and
// an adjustment with reasons, a payment retried with its key posting
// once, a refund, the client reading their own.
func TestChargesAPI(t *testing.T) {
	e := newEnv(t)
	b := e.billedClient(t)
	desk := e.token(sqldbtest.Staff(t, e.db, "Dee Desk", journey.RoleFrontDesk))
	nora := e.token(e.ny.ID)
	other, _ := e.newClient(e.ny, "Oli Other", "oli@example.test")
	charges := fmt.Sprintf("/api/v1/clients/%d/charges", b.client.ID)
	ledger := fmt.Sprintf("/api/v1/clients/%d/ledger?entity_id=%d", b.client.ID, b.billing.Practice.ID)
	payments := fmt.Sprintf("/api/v1/clients/%d/payments", b.client.ID)
	adjust := fmt.Sprintf("/api/v1/charges/%d/adjust", b.charge)
	void := fmt.Sprintf("/api/v1/charges/%d/void", b.charge)
	pay := func(key string, cents int) string {
		return fmt.Sprintf(`{"entity_id": %d, "amount_cents": %d, "method": "check", "reference": "Check 1042", "idempotency_key": %q}`,
			b.billing.Practice.ID, cents, key)
	}
	for _, sc := range []struct {
		name, token, method, path, body string
		status                          int
		contains, excludes              []string
	}{
		{"front desk reads the charges", desk, "GET", charges, "", 200, []string{
			fmt.Sprintf(`"session_id":%d,"charge_type":"psychotherapy","entity_id":%d,"event":"completed"`, b.session, b.billing.Practice.ID),
			`"codes":[{"code":"90834","units":1,"modifiers":["95"]}]`, `"diagnoses":["F33.1"]`, `"place_of_service":"10"`,
			`"amount_cents":16500`, `"status":"open"`}, nil},
		{"a filter", desk, "GET", charges + "?charge_type=medication", "", 200, []string{`"charges":[]`}, nil},
		{"a bad filter", desk, "GET", charges + "?limit=501&from=2030-13-01&status=paid", "", 422,
			[]string{`"field":"limit"`, `"field":"from"`, `"field":"status"`}, nil},
		{"a therapist may not", nora, "GET", charges, "", 404, nil, nil},
		{"another client's, for a client", "", "GET", fmt.Sprintf("/api/v1/clients/%d/charges", other.ID), "", 401, nil, nil},
		{"an adjustment without a reason", desk, "POST", adjust, `{"amount_cents": -1500, "reason": ""}`, 422, []string{`"field":"reason"`}, nil},
		{"an adjustment below zero", desk, "POST", adjust, `{"amount_cents": -16501, "reason": "Too far"}`, 422, []string{`"field":"amount_cents"`}, nil},
		{"a discount", desk, "POST", adjust, `{"amount_cents": -1500, "reason": "Sliding scale"}`, 200, []string{`"adjusted_cents":-1500`}, nil},
		{"a therapist may not adjust", nora, "POST", adjust, `{"amount_cents": -1, "reason": "x"}`, 403, nil, nil},
		{"a payment", desk, "POST", payments, pay("k-1", 5000), 201,
			[]string{`"charge_type":"psychotherapy"`, `"amount_cents":5000`, `"status":"succeeded"`, `"reference":"Check 1042"`}, nil},
		{"the payment retried", desk, "POST", payments, pay("k-1", 5000), 200, []string{`"amount_cents":5000`}, nil},
		{"the key with another amount", desk, "POST", payments, pay("k-1", 6000), 409, []string{"k-1"}, nil},
		{"a bad payment", desk, "POST", payments, `{"entity_id": 9999, "amount_cents": 0, "method": "bitcoin", "idempotency_key": "<k>"}`, 422,
			[]string{`"field":"entity_id"`, `"field":"amount_cents"`, `"field":"method"`, `"field":"idempotency_key"`}, []string{"<k>"}},
		{"a float amount", desk, "POST", payments, `{"entity_id": 1, "amount_cents": 10.5, "method": "cash", "idempotency_key": "k"}`, 400, nil, nil},
		{"the ledger", desk, "GET", ledger, "", 200, []string{`"balance_cents":10000`, `"kind":"charge"`, `"kind":"adjustment"`, `"memo":"Sliding scale"`,
			`"kind":"payment"`, `"amount_cents":-5000`}, nil},
		{"the client reads their own", b.cookie, "GET", ledger, "", 200, []string{`"balance_cents":10000`}, nil},
		{"the client's charges", b.cookie, "GET", charges, "", 200, []string{`"code":"90834"`}, nil},
		{"not another's", b.cookie, "GET", fmt.Sprintf("/api/v1/clients/%d/ledger", other.ID), "", 404, nil, nil},
		{"a client may not pay by recording", b.cookie, "POST", payments, pay("k-2", 100), 403, nil, nil},
		{"payments", desk, "GET", payments, "", 200, []string{`"idempotency_key":"k-1"`}, []string{"k-2"}},
		{"void without a reason", desk, "POST", void, `{}`, 422, []string{`"field":"reason"`}, nil},
		{"void", desk, "POST", void, `{"reason": "Billed in error"}`, 200, []string{`"status":"void"`}, nil},
		{"void again", desk, "POST", void, `{"reason": "Again"}`, 409, nil, nil},
		{"the ledger after the void", desk, "GET", ledger, "", 200, []string{`"balance_cents":-5000`, `"kind":"void"`, `"amount_cents":-15000`}, nil},
		{"an unknown charge", desk, "POST", "/api/v1/charges/9999/void", `{"reason": "x"}`, 404, nil, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			var st int
			var body string
			if strings.HasPrefix(sc.token, auth.PrefixPersonalAccessToken) || sc.token == "" {
				st, body = e.bearer(sc.token, sc.method, sc.path, sc.body)
			} else {
				st, _, body = e.api(sc.token, sc.method, sc.path, sc.body)
			}
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s\n%s", s, trim(body))
				}
			}
			for _, s := range sc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %s", s)
				}
			}
		})
	}
	// A refund of the payment, retried, and one too many.
	ps, err := e.db.FindPayments(context.Background(), journey.PaymentFilter{ClientID: b.client.ID, Limit: 10})
	if err != nil || len(ps) != 1 {
		t.Fatalf("payments: %v %v", ps, err)
	}
	refunds := fmt.Sprintf("/api/v1/payments/%d/refunds", ps[0].ID)
	if st, body := e.bearer(desk, "POST", refunds, `{"amount_cents": 5000, "reason": "Charge voided", "idempotency_key": "r-1"}`); st != 201 {
		t.Fatalf("refund: %d %s", st, body)
	}
	if st, body := e.bearer(desk, "POST", refunds, `{"amount_cents": 5000, "reason": "Charge voided", "idempotency_key": "r-1"}`); st != 200 {
		t.Fatalf("refund retried: %d %s", st, body)
	}
	if st, body := e.bearer(desk, "POST", refunds, `{"amount_cents": 1, "reason": "More", "idempotency_key": "r-2"}`); st != 422 || !strings.Contains(body, `"field":"amount_cents"`) {
		t.Fatalf("refund past the payment: %d %s", st, body)
	}
	if st, body := e.bearer(desk, "GET", ledger, ""); st != 200 || !strings.Contains(body, `"balance_cents":0`) {
		t.Fatalf("ledger after the refund: %d %s", st, body)
	}
}

// The client's billing page for the front desk: charges by entity and
// type with their codes, the ledger, a payment whose form sent twice
// records one payment, a wrong amount and a void without a reason shown
// beside their fields as typed (escaped); a therapist may not open it.
func TestClientBillingPage(t *testing.T) {
	e := newEnv(t)
	b := e.billedClient(t)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	nora := e.session(&journey.User{ID: e.ny.ID}, true)
	path := fmt.Sprintf("/staff/clients/%d/billing", b.client.ID)
	if _, _, body := e.as(desk, "GET", fmt.Sprintf("/staff/clients/%d", b.client.ID), nil); !strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the client's page does not link their billing")
	}
	st, _, body := e.as(desk, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "Harbor KAP Therapy PLLC</bdi>: balance $165.00") || !strings.Contains(body, "90834 × 1, modifiers 95") ||
		!strings.Contains(body, "A F33.1") || !strings.Contains(body, `action="`+path+`/payments"`) {
		t.Fatalf("page: %d\n%s", st, trim(body))
	}
	form := url.Values{"entity_id": {fmt.Sprint(b.billing.Practice.ID)}, "charge_type": {""}, "amount": {"<b>12"}, "method": {"check"},
		"reference": {"Check 1042"}, "idempotency_key": {"pay-page-1"}}
	st, _, body = e.as(desk, "POST", path+"/payments", form)
	if st != 422 || !strings.Contains(body, `id="pay-amount-error"`) || !strings.Contains(body, `value="&lt;b&gt;12"`) ||
		!strings.Contains(body, `href="#pay-amount"`) || !strings.Contains(body, `value="pay-page-1"`) {
		t.Fatalf("a wrong amount: %d\n%s", st, trim(body))
	}
	form.Set("amount", "$50.00")
	for range 2 { // a double submit
		if st, h, body := e.as(desk, "POST", path+"/payments", form); st != 303 || h.Get("Location") != path+"?done=payment" {
			t.Fatalf("payment: %d %s\n%s", st, h.Get("Location"), trim(body))
		}
	}
	ps, err := e.db.FindPayments(context.Background(), journey.PaymentFilter{ClientID: b.client.ID, Limit: 10})
	if err != nil || len(ps) != 1 || ps[0].AmountCents != 5000 || ps[0].ChargeType != journey.ChargePsychotherapy {
		t.Fatalf("payments after a double submit: %+v %v", ps, err)
	}
	charge := fmt.Sprint(b.charge)
	st, _, body = e.as(desk, "POST", path+"/void", url.Values{"charge_id": {charge}, "reason": {""}})
	if st != 422 || !strings.Contains(body, `id="void-reason-error"`) || !strings.Contains(body, `<option value="`+charge+`" selected>`) {
		t.Fatalf("void without a reason: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(desk, "POST", path+"/adjust", url.Values{"charge_id": {charge}, "direction": {"discount"}, "amount": {"x"}, "reason": {""}}); st != 422 ||
		!strings.Contains(body, `id="adjust-amount-error"`) || !strings.Contains(body, `id="adjust-reason-error"`) {
		t.Fatalf("adjust with neither amount nor reason: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(desk, "POST", path+"/adjust", url.Values{"charge_id": {charge}, "direction": {"discount"}, "amount": {"15"}, "reason": {"Sliding scale"}}); st != 303 {
		t.Fatalf("adjust: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(desk, "POST", path+"/void", url.Values{"charge_id": {charge}, "reason": {"Billed in error"}}); st != 303 {
		t.Fatalf("void: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(desk, "GET", path+"?done=void", nil)
	if st != 200 || !strings.Contains(body, "The charge is void.") || !strings.Contains(body, "Void: Billed in error") ||
		!strings.Contains(body, "balance -$50.00") || !strings.Contains(body, "Sliding scale") {
		t.Fatalf("after the void: %d\n%s", st, trim(body))
	}
	if st, _, _ := e.as(nora, "GET", path, nil); st != 403 {
		t.Errorf("a therapist opens the billing page: %d", st)
	}
	if st, _, _ := e.as(nora, "POST", path+"/payments", form); st != 403 {
		t.Errorf("a therapist records a payment: %d", st)
	}
	// The session's page: the charge to the front desk, the minutes field offered only while it can be completed.
	if _, _, body := e.as(desk, "GET", fmt.Sprintf("/staff/sessions/%d", b.session), nil); !strings.Contains(body, "Integration session (psychotherapy): 90834 × 1") ||
		!strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the session page's billing:\n%s", trim(body))
	}
}

// Completing a session on its page takes the minutes recorded: a wrong
// number is shown beside the field as typed; the right one chooses the
// code; without billing set up the page says so.
func TestSessionPageMinutes(t *testing.T) {
	e := newEnv(t)
	c, _ := e.newClient(e.ny, "Mo Minutes", "mo@example.test")
	start := e.now.Add(-2 * time.Hour)
	id := sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{{ClientID: c.ID, Type: journey.TypeIntegration,
		Mode: journey.ModeInPerson, Start: start, Minutes: 60, TherapistID: e.ny.ID}})[0]
	sqldbtest.SetSession(t, e.db, id, journey.SessionInProgress, 0, start)
	nora := e.session(&journey.User{ID: e.ny.ID}, true)
	path := fmt.Sprintf("/staff/sessions/%d", id)
	if _, _, body := e.as(nora, "GET", path, nil); !strings.Contains(body, `id="minutes"`) {
		t.Fatalf("no minutes field:\n%s", trim(body))
	}
	st, _, body := e.as(nora, "POST", path+"/status", url.Values{"action": {"complete"}, "minutes": {"<b>"}})
	if st != 422 || !strings.Contains(body, `id="minutes-error"`) || !strings.Contains(body, `value="&lt;b&gt;"`) {
		t.Fatalf("wrong minutes: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(nora, "POST", path+"/status", url.Values{"action": {"complete"}, "minutes": {"40"}}); st != 303 {
		t.Fatalf("complete: %d\n%s", st, trim(body))
	}
	if _, _, body := e.as(nora, "GET", path, nil); !strings.Contains(body, "Billing is not set up") || strings.Contains(body, `id="minutes"`) {
		t.Fatalf("after completing, no billing set up:\n%s", trim(body))
	}
	if n, err := e.db.SessionMinutes(context.Background(), id); err != nil || n != 40 {
		t.Fatalf("minutes recorded: %d %v", n, err)
	}
}
