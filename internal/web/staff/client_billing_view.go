package staff

import (
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ClientBillingPage is a client's billing as the page draws it: every
// amount in dollars, every date in the practice's zone. Field ids (and the
// keys of Errors) are the form's name and the field's, so each form's
// message sits beside its own field: "pay-amount", "void-12-reason".
type ClientBillingPage struct {
	ClientID   int64
	ClientName string
	CanPost    bool // billing.write: the forms
	Notice     string
	Message    string
	Summary    []webkit.ErrorLine
	Errors     map[string]string
	Entities   []BillingEntityView
	Payments   []PaymentView
	Pay        PayFormView
	Estimates  webkit.EstimatesView // the client's Good Faith Estimates: a bill far above one is flagged

	// The void, adjust and refund forms: the open charges and the
	// payments left to refund to choose from, the one chosen in the form
	// refused, and what was typed there.
	Open       []Option
	Refundable []Option
	Chosen     struct{ Form, Value string }
	Void       struct{ Reason string }
	Adjust     struct {
		Amount, Reason string
		Increase       bool
	}
	Refund struct{ Key, Amount, Reason string }
}

func (*ClientBillingPage) PageTitle() string { return "Billing" }

// BillingEntityView is one entity's part: its charges by charge type and
// its ledger.
type BillingEntityView struct {
	ID       int64
	Name     string
	Balance  string
	Owes     bool
	Types    []ChargeTypeView
	Postings []PostingView
}

// ChargeTypeView is the charges of one charge type at one entity.
type ChargeTypeView struct {
	Name    string
	Balance string
	Charges []ChargeView
}

// ChargeView is one charge with its forms, as typed after a refusal.
type ChargeView struct {
	ID          int64
	Date        string
	Session     string
	SessionHref string
	Codes       string
	Diagnoses   string // with their pointers: "A F33.1, B F41.1"
	Amount      string
	Net         string
	Status      string
	Void        bool
	VoidReason  string
}

// PostingView is one line of the ledger with the balance after it.
type PostingView struct {
	Date, Kind, Type, Memo, Amount, Balance string
}

// PaymentView is one payment with its refund form.
type PaymentView struct {
	ID                                                  int64
	Date, Entity, Type, Method, Reference, Amount, Left string
	Refunded, Status                                    string
}

// PayFormView is the payment form with its choices and what was typed.
type PayFormView struct {
	Entities, Types, Methods []Option
	Amount, Reference, Key   string
}

var postingKinds = map[string]string{journey.PostCharge: "Charge", journey.PostVoid: "Void", journey.PostAdjustment: "Adjustment",
	journey.PostPayment: "Payment", journey.PostRefund: "Refund"}

// clientBillingPage lays out b, with f's typed values in the form that
// sent them.
func clientBillingPage(b *processing.ClientBilling, f *billingForm, loc *time.Location, canPost bool) *ClientBillingPage {
	p := &ClientBillingPage{ClientID: b.Client.ID, ClientName: b.Client.Name, CanPost: canPost, Errors: map[string]string{}}
	names := map[int64]string{}
	for _, e := range b.Entities {
		names[e.ID] = e.LegalName
		p.Entities = append(p.Entities, entityView(b, e, f, loc))
	}
	for _, pay := range b.Payments {
		v := PaymentView{ID: pay.ID, Date: pay.At.In(loc).Format("Jan 2, 2006"), Entity: names[pay.EntityID],
			Type: journey.ChargeTypeName(pay.ChargeType), Method: journey.PayMethodName(pay.Method), Reference: pay.Reference,
			Amount: journey.FormatCents(pay.AmountCents), Refunded: journey.FormatCents(pay.RefundedCents),
			Left: journey.FormatCents(pay.AmountCents - pay.RefundedCents), Status: capitalise(pay.Status)}
		p.Payments = append(p.Payments, v)
		// A desk payment, or one by card online that the processor made (refunded to the card).
		if (pay.Method != journey.PayOnline || pay.ProcessorRef != "") && pay.Status == journey.PaymentSucceeded && pay.RefundedCents < pay.AmountCents {
			p.Refundable = append(p.Refundable, Option{Value: strconv.FormatInt(pay.ID, 10), Selected: f.Form == "refund" && f.ID == strconv.FormatInt(pay.ID, 10),
				Label: "Payment " + strconv.FormatInt(pay.ID, 10) + ", " + v.Date + ", " + v.Method + " " + v.Amount + " (" + v.Left + " left to refund)"})
		}
	}
	for _, c := range b.Charges {
		if c.Status == journey.ChargeOpen {
			p.Open = append(p.Open, Option{Value: strconv.FormatInt(c.ID, 10), Label: "Charge " + strconv.FormatInt(c.ID, 10) + ", " + c.Date + ", " +
				c.Description + ": " + journey.FormatCents(c.NetCents())})
		}
	}
	p.Chosen.Form, p.Chosen.Value = f.Form, f.ID
	p.Refund.Key = newIdempotencyKey("refund")
	switch f.Form {
	case "void":
		p.Void.Reason = f.Reason
	case "adjust":
		p.Adjust.Amount, p.Adjust.Reason, p.Adjust.Increase = f.Amount, f.Reason, f.Direction == "increase"
	case "refund":
		p.Refund.Amount, p.Refund.Reason = f.Amount, f.Reason
		if f.Key != "" {
			p.Refund.Key = f.Key // a refused refund sent again is still the one refund
		}
	}
	p.Pay = PayFormView{Key: newIdempotencyKey("pay")}
	p.Pay.Types = []Option{{Value: "", Label: "The oldest unpaid", Selected: f.ChargeType == ""}}
	for _, t := range journey.ChargeTypes {
		p.Pay.Types = append(p.Pay.Types, Option{Value: t, Label: journey.ChargeTypeName(t), Selected: f.Form == "pay" && f.ChargeType == t})
	}
	for _, m := range journey.StaffPayMethods {
		p.Pay.Methods = append(p.Pay.Methods, Option{Value: m, Label: journey.PayMethodName(m), Selected: f.Method == m})
	}
	for i, e := range b.Entities {
		sel := f.Entity == strconv.FormatInt(e.ID, 10) || (f.Form != "pay" && i == 0)
		p.Pay.Entities = append(p.Pay.Entities, Option{Value: strconv.FormatInt(e.ID, 10), Label: e.LegalName, Selected: sel})
	}
	if f.Form == "pay" {
		p.Pay.Amount, p.Pay.Reference = f.Amount, f.Reference
		if f.Key != "" {
			p.Pay.Key = f.Key // a refused payment sent again is still the one payment
		}
	}
	return p
}

// entityView lays out entity e's charges and ledger.
func entityView(b *processing.ClientBilling, e *journey.BillingEntity, f *billingForm, loc *time.Location) BillingEntityView {
	l := b.Ledgers[e.ID]
	v := BillingEntityView{ID: e.ID, Name: e.LegalName, Balance: journey.FormatCents(l.BalanceCents), Owes: l.BalanceCents > 0}
	for _, t := range journey.EntityChargeTypes(e.Kind) {
		tv := ChargeTypeView{Name: journey.ChargeTypeName(t), Balance: journey.FormatCents(l.ByType[t])}
		for _, c := range b.Charges {
			if c.EntityID == e.ID && c.ChargeType == t {
				tv.Charges = append(tv.Charges, chargeView(b, c))
			}
		}
		if len(tv.Charges) > 0 || l.ByType[t] != 0 {
			v.Types = append(v.Types, tv)
		}
	}
	var running int64
	for _, po := range l.Postings {
		running += po.AmountCents
		v.Postings = append(v.Postings, PostingView{Date: po.At.In(loc).Format("Jan 2, 2006"), Kind: postingKinds[po.Kind],
			Type: journey.ChargeTypeName(po.ChargeType), Memo: po.Memo, Amount: journey.FormatCents(po.AmountCents), Balance: journey.FormatCents(running)})
	}
	return v
}

// chargeView lays out charge c, with what was typed into its forms.
func chargeView(b *processing.ClientBilling, c *journey.Charge) ChargeView {
	v := ChargeView{ID: c.ID, Date: c.Date, Amount: journey.FormatCents(c.AmountCents), Net: journey.FormatCents(c.NetCents()),
		Status: "Open", Void: c.Status == journey.ChargeVoid, VoidReason: c.VoidReason, Codes: "No code (" + eventWords(c.Event) + ")"}
	if v.Void {
		v.Status = "Void"
	}
	if c.Code != "" {
		v.Codes = codesText(c)
	}
	for i, d := range c.Diagnoses {
		if i > 0 {
			v.Diagnoses += ", "
		}
		v.Diagnoses += journey.DiagnosisPointer(i) + " " + d
	}
	if s := b.Sessions[c.SessionID]; s != nil {
		v.Session, v.SessionHref = capitalise(s.Type), "/staff/sessions/"+strconv.FormatInt(s.ID, 10)
	}
	return v
}

// eventWords names a billing event for people.
func eventWords(event string) string {
	switch event {
	case journey.EventNoShow:
		return "missed appointment"
	case journey.EventLateCancel:
		return "late cancellation"
	}
	return "completed"
}

// billingFields maps an error's field to the form's field id suffix and
// its label in the summary.
var billingFields = map[string][2]string{
	"amount_cents": {"amount", "Amount"}, "reason": {"reason", "Reason"}, "entity_id": {"entity", "Paid to"},
	"charge_type": {"charge_type", "For"}, "method": {"method", "Method"}, "reference": {"reference", "Reference"},
	"idempotency_key": {"amount", "Amount"}, "charge_id": {"charge", "Charge"}, "payment_id": {"payment", "Payment"},
}

// refused puts err's field errors beside the fields of the form that was
// sent, and its message at the top.
func (p *ClientBillingPage) refused(err error, f *billingForm) {
	p.Message = journey.ErrorMessage(err)
	for _, fe := range journey.ErrorFields(err) {
		m, ok := billingFields[fe.Field]
		if !ok {
			m = [2]string{"amount", "Amount"}
		}
		id := f.Form + "-" + m[0]
		if _, dup := p.Errors[id]; dup {
			continue
		}
		p.Errors[id] = fe.Detail
		p.Summary = append(p.Summary, webkit.NewErrorLine(id, m[1], fe.Detail))
	}
}
