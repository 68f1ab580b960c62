package main

// The whole billing path in Chromium, in the demo practice, with the
// real Stripe client talking to stripe-mock: the demo's self-pay client
// sees their Good Faith Estimate, issued before their first medicine
// session; pays their psychotherapy balance by card (Stripe's page is
// stood in for in the browser, and the test delivers the signed webhook
// Stripe would send, twice); sees the balance fall and gets one receipt
// in mailpit; then downloads a superbill that lists only their
// preparation and integration sessions, its text read back. Every page
// axe-clean at 1280 and 390 px.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

const e2eWebhookSecret = "whsec_e2e_journey"

// e2eStripePage stands in for Stripe's Checkout page: the browser never
// leaves the machine.
const e2eStripePage = `<!doctype html><html lang="en"><head><title>Stripe Checkout (stand-in)</title></head>
<body><main><h1>Stripe Checkout (stand-in)</h1><p>The test pays here.</p></main></body></html>`

// e2eStandInStripe answers every request of the tab to Stripe's Checkout
// with e2eStripePage, and returns the addresses asked for.
func e2eStandInStripe(t *testing.T, ctx context.Context) <-chan string {
	t.Helper()
	asked := make(chan string, 4)
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://checkout.stripe.com/*"}}}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}, Body: []byte(e2eStripePage)})
			select {
			case asked <- ev.Request.URL:
			default:
			}
		}
	}()
	return asked
}

// e2eStripeEvent posts Stripe's signed event about obj to the server's
// webhook and returns the status.
func e2eStripeEvent(t *testing.T, base, id, typ string, obj map[string]any, secret string) int {
	t.Helper()
	raw, _ := json.Marshal(obj)
	body, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": json.RawMessage(raw)}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, err := http.NewRequest("POST", base+"/webhooks/stripe", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// e2ePDFText returns the text PDF doc shows.
func e2ePDFText(t *testing.T, doc []byte) string {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.60q", doc)
	}
	return testenv.PDFText(doc)
}

// e2eFetchBytes fetches path in the tab, with its cookies, and returns
// the body.
func e2eFetchBytes(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+fmt.Sprintf("%q", path)+`).then(r => r.arrayBuffer()).then(b => {
		let s = ""; const a = new Uint8Array(b);
		for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
		return btoa(s);
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	doc, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestE2EBillingPath(t *testing.T) {
	axe := e2eAxeScript(t)
	mailpit := testenv.MailpitURL(t)
	env := map[string]string{"JOURNEY_STRIPE_KEY": "sk_test_e2ejourney", "JOURNEY_STRIPE_WEBHOOK_SECRET": e2eWebhookSecret,
		"JOURNEY_STRIPE_URL": testenv.StripeURL(t), "JOURNEY_SMTP_URL": testenv.SMTPURL(t)}
	srv := startServer(t, env, "--demo", "--rate-limit", "0")
	base := srv.URL
	db := procOpenDB(t, srv.DSN, srv.KeyFile)
	ctx := context.Background()
	u, err := db.FindUserByEmail(ctx, demoSelfPayClient)
	if err != nil {
		t.Fatal(err)
	}
	client, err := db.FindClientByUserID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(ctx context.Context, what string) {
		t.Helper()
		for _, phone := range []bool{false, true} {
			e2eViewport(t, ctx, phone)
			w := fmt.Sprintf("%s (%s)", what, map[bool]string{false: "1280px", true: "390px"}[phone])
			e2eCheckLayout(t, ctx, w)
			e2eAxeAll(t, ctx, axe, w)
		}
		e2eViewport(t, ctx, false)
	}

	browser := e2eBrowser(t)
	avery := e2ePortalTab(t, browser, 150*time.Second, "self-pay client")
	e2eViewport(t, avery, false)
	e2ePortalOpen(t, avery, base, "/login")
	e2eDo(t, avery, "type Avery's credentials", chromedp.SendKeys(chromedp.CSS("#email"), demoSelfPayClient),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-stone-bridge"))
	e2eSubmit(t, avery, "form.auth button[type=submit]")
	e2eWaitJS(t, avery, `location.pathname === "/portal" && document.readyState === "complete"`)

	e2eBillingEstimate(t, avery, base, db, client, check)

	// What they owe the practice for psychotherapy, before paying.
	e2ePortalOpen(t, avery, base, "/portal/billing")
	check(avery, "/portal/billing")
	owedBefore := e2eOwed(t, db, client.ID)
	if owedBefore <= 0 {
		t.Fatalf("the demo's self-pay client owes nothing for psychotherapy")
	}
	e2ePortalFollow(t, avery, base, `a[href="/portal/billing/pay"]`, "/portal/billing/pay")
	check(avery, "/portal/billing/pay")
	label := "Pay " + journey.FormatCents(owedBefore) + " by card"
	btn := e2eEval[string](t, avery, `(() => { const b = [...document.querySelectorAll("form button[type=submit]")].find(b => b.textContent.trim() === `+
		fmt.Sprintf("%q", label)+`); if (!b) return ""; b.id = "pay-psychotherapy"; return b.id })()`)
	if btn == "" {
		t.Fatalf("no %q button:\n%s", label, e2ePortalMain(avery))
	}

	// Stripe's page: the browser is sent there, and stood in for.
	asked := e2eStandInStripe(t, avery)
	resp := e2eSubmit(t, avery, "#pay-psychotherapy")
	if !strings.HasPrefix(resp.URL, "https://checkout.stripe.com/") {
		t.Fatalf("paying led to %s, not Stripe's page", resp.URL)
	}
	select {
	case <-asked:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser never asked for Stripe's page")
	}
	pays, err := db.FindPayments(ctx, journey.PaymentFilter{ClientID: client.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var pay *journey.Payment
	for _, p := range pays {
		if p.Method == journey.PayOnline {
			if pay != nil {
				t.Fatalf("two online payments: %+v and %+v", pay, p)
			}
			pay = p
		}
	}
	if pay == nil || pay.Status != journey.PaymentPending || pay.AmountCents != owedBefore {
		t.Fatalf("the online payment %+v, want pending for %d", pay, owedBefore)
	}
	paid := fmt.Sprintf("/portal/billing/payments/%d", pay.ID)
	e2ePortalOpen(t, avery, base, paid)
	if text := e2ePortalMain(avery); !strings.Contains(text, "is processing") {
		t.Errorf("before Stripe's event the payment's page says:\n%s", text)
	}
	check(avery, "the payment processing")

	// Stripe's signed event, delivered twice: posted once.
	sent := time.Now().Add(-time.Second)
	session := map[string]any{"id": "cs_test_e2e", "object": "checkout.session", "client_reference_id": fmt.Sprint(pay.ID),
		"payment_status": "paid", "status": "complete", "payment_intent": "pi_e2e_" + fmt.Sprint(pay.ID), "amount_total": pay.AmountCents}
	if st := e2eStripeEvent(t, base, "evt_e2e_bad", "checkout.session.completed", session, "whsec_not_ours"); st != 400 {
		t.Fatalf("a wrongly signed event: %d", st)
	}
	for range 2 {
		if st := e2eStripeEvent(t, base, "evt_e2e_paid", "checkout.session.completed", session, e2eWebhookSecret); st != 200 {
			t.Fatalf("Stripe's event: %d", st)
		}
	}
	e2ePortalOpen(t, avery, base, paid)
	if text := e2ePortalMain(avery); !strings.Contains(text, "is received") {
		t.Errorf("after Stripe's event the payment's page says:\n%s", text)
	}
	check(avery, "the payment received")
	if after := e2eOwed(t, db, client.ID); after != 0 {
		t.Errorf("psychotherapy balance %d after paying %d", after, owedBefore)
	}
	e2ePortalOpen(t, avery, base, "/portal/billing")
	if text := e2ePortalMain(avery); !strings.Contains(text, "$0.00 (nothing due)") {
		t.Errorf("the billing page does not show the balance fallen:\n%s", text)
	}
	e2eOneReceipt(t, mailpit, pay, sent)

	e2eBillingSuperbill(t, avery, base, check)
}

// e2eOwed is what client owes the practice for psychotherapy.
func e2eOwed(t *testing.T, db interface {
	FindOwed(context.Context, int64) ([]*journey.Owed, error)
}, clientID int64) int64 {
	t.Helper()
	owed, err := db.FindOwed(context.Background(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range owed {
		if o.Entity.Kind == journey.EntityPractice && o.ChargeType == journey.ChargePsychotherapy {
			return o.Cents
		}
	}
	return 0
}

// e2eOneReceipt waits for pay's receipt in mailpit, then checks that no
// second one follows.
func e2eOneReceipt(t *testing.T, mailpit string, pay *journey.Payment, since time.Time) {
	t.Helper()
	number := fmt.Sprintf("Receipt number: P-%d", pay.ID)
	receipts := func() []string {
		var out []string
		for _, m := range testenv.MailTo(t, mailpit, demoSelfPayClient) {
			if m.Created.Before(since) || !strings.HasPrefix(m.Subject, "Receipt for your payment of "+journey.FormatCents(pay.AmountCents)) {
				continue
			}
			if text := testenv.MailText(t, mailpit, m.ID); strings.Contains(text, number) && strings.Contains(text, "How: Card (online)") {
				out = append(out, text)
			}
		}
		return out
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(receipts()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no receipt for payment %d in mailpit within 30s", pay.ID)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a second receipt would be on its way by now
	if got := receipts(); len(got) != 1 {
		t.Fatalf("%d receipts for payment %d", len(got), pay.ID)
	}
}

// e2eBillingSuperbill asks for a superbill of every service in the
// portal and reads it back: preparation and integration only.
func e2eBillingSuperbill(t *testing.T, ctx context.Context, base string, check func(context.Context, string)) {
	t.Helper()
	e2ePortalOpen(t, ctx, base, "/portal/billing")
	e2eDo(t, ctx, "the widest range", chromedp.SetValue(chromedp.ID("from"), "2000-01-01"),
		chromedp.SetValue(chromedp.ID("to"), time.Now().AddDate(1, 0, 0).Format(time.DateOnly)))
	e2eSubmit(t, ctx, `form[action="/portal/billing/superbills"] button[type=submit]:not(.secondary)`)
	check(ctx, "/portal/billing with a superbill issued")
	href := e2eEval[string](t, ctx, `(() => { const a = [...document.querySelectorAll("a")].find(a => a.textContent.startsWith("download superbill") || a.textContent.startsWith("download Superbill")); return a ? a.getAttribute("href") : "" })()`)
	if href == "" {
		t.Fatalf("no superbill to download:\n%s", e2ePortalMain(ctx))
	}
	text := e2ePDFText(t, e2eFetchBytes(t, ctx, href))
	if !strings.Contains(text, "90791") || !regexp.MustCompile(`9083[247]`).MatchString(text) {
		t.Errorf("the superbill lacks the preparation and integration codes:\n%s", text)
	}
	for _, not := range []string{"0820T", "J3490", "96372", "Medicine session", "Ketamine (medication)", "Prescriber"} {
		if strings.Contains(text, not) {
			t.Errorf("the superbill carries %q:\n%s", not, text)
		}
	}
	// Each service line: date, place, code, units, pointers, clinician,
	// description, fee, paid; only preparation and integration.
	_, services, _ := strings.Cut(text, "Description Fee Paid ")
	services, _, _ = strings.Cut(services, " Totals ")
	kinds := map[string]int{}
	for _, m := range regexp.MustCompile(`(\w+ session) \(psychotherapy\)`).FindAllStringSubmatch(services, -1) {
		kinds[m[1]]++
	}
	lines := len(regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d `).FindAllString(services, -1))
	if kinds["Preparation session"] == 0 || kinds["Integration session"] == 0 || lines != kinds["Preparation session"]+kinds["Integration session"] {
		t.Errorf("the superbill's services are not preparation and integration only (%v of %d lines):\n%s", kinds, lines, services)
	}
}

// e2eBillingEstimate: the client's Good Faith Estimate in the portal,
// issued before their first medicine session.
func e2eBillingEstimate(t *testing.T, ctx context.Context, base string, db *sqldb.DB, c *journey.Client, check func(context.Context, string)) {
	t.Helper()
	ss, err := db.FindCareSessions(context.Background(), journey.CareSessionFilter{ClientID: c.ID, Limit: journey.MaxSessionList})
	if err != nil {
		t.Fatal(err)
	}
	var first time.Time
	for _, s := range ss {
		if s.Type == journey.TypeMedicine && (first.IsZero() || s.Start.Before(first)) {
			first = s.Start
		}
	}
	if first.IsZero() {
		t.Fatal("the demo's self-pay client has no medicine session")
	}
	e2ePortalOpen(t, ctx, base, "/portal/estimates")
	check(ctx, "/portal/estimates")
	text := e2ePortalMain(ctx)
	if !strings.Contains(text, "Good Faith Estimate") || !strings.Contains(text, "Medicine session") {
		t.Errorf("the estimates page lacks the estimate of the medicine sessions:\n%s", text)
	}
	es, err := db.FindEstimates(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	early := false
	for _, e := range es {
		early = early || e.IssuedAt.Before(first)
	}
	if !early {
		t.Errorf("no estimate issued before the first medicine session (%s): %d estimates", first, len(es))
	}
}
