package staff

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// A client's billing for the front desk and admins: the charges by
// entity and charge type with their void and adjust forms, the ledger and
// balance per entity, and payments taken at the desk with their refunds.
// Amounts, codes and dates, never notes. Every form carries what makes a
// double submit harmless: a payment and a refund their idempotency key.

// ChargeProcessing is the part of processing the billing page calls
// (processing/charges.go).
type ChargeProcessing interface {
	ClientBilling(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientBilling, error)
	VoidCharge(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Charge, error)
	AdjustCharge(ctx context.Context, a *journey.Actor, id, cents int64, reason, via string) (*journey.Charge, error)
	RecordPayment(ctx context.Context, a *journey.Actor, pay *journey.Payment, via string) (*journey.Payment, bool, error)
	RefundPayment(ctx context.Context, a *journey.Actor, id, cents int64, reason, key, via string) (*journey.Refund, bool, error)
}

const viaBillingPage = " via billing page"

// billingForm is what one of the page's forms sent, kept as typed: Form
// names which ("pay", "void", "adjust", "refund") and ID the charge or
// payment it chose.
type billingForm struct {
	Form, ID                              string
	Entity, ChargeType, Amount, Direction string
	Method, Reference, Reason, Key        string
}

// HandleClientBilling shows a client's billing.
func (s *Handler) HandleClientBilling(w http.ResponseWriter, r *http.Request) {
	notice := map[string]string{"payment": "The payment is recorded.", "void": "The charge is void.",
		"adjust": "The adjustment is posted.", "refund": "The refund is recorded."}[r.URL.Query().Get("done")]
	s.showClientBilling(w, r, &billingForm{}, notice, nil)
}

// HandleBillingPayment records a payment taken at the desk.
func (s *Handler) HandleBillingPayment(w http.ResponseWriter, r *http.Request) {
	s.changeBilling(w, r, "payment", func(a *journey.Actor, client int64, f *billingForm) error {
		f.Form = "pay"
		cents, v := dollars(f.Amount, "amount_cents")
		entity, _ := strconv.ParseInt(f.Entity, 10, 64)
		_, _, err := s.proc.RecordPayment(r.Context(), a, &journey.Payment{ClientID: client, EntityID: entity, ChargeType: f.ChargeType,
			AmountCents: cents, Method: f.Method, Reference: f.Reference, IdempotencyKey: f.Key}, viaBillingPage)
		return merged(v, err)
	})
}

// HandleChargeVoid voids the charge chosen with the reason typed.
func (s *Handler) HandleChargeVoid(w http.ResponseWriter, r *http.Request) {
	s.changeBilling(w, r, "void", func(a *journey.Actor, client int64, f *billingForm) error {
		f.Form, f.ID = "void", r.PostFormValue("charge_id")
		id, v := chosen(f.ID, "charge_id", "Choose the charge.")
		if err := v.Err(); err != nil {
			return err
		}
		_, err := s.proc.VoidCharge(r.Context(), a, id, f.Reason, viaBillingPage)
		return err
	})
}

// HandleChargeAdjust posts a discount or an increase to the charge chosen.
func (s *Handler) HandleChargeAdjust(w http.ResponseWriter, r *http.Request) {
	s.changeBilling(w, r, "adjust", func(a *journey.Actor, client int64, f *billingForm) error {
		f.Form, f.ID = "adjust", r.PostFormValue("charge_id")
		id, v := chosen(f.ID, "charge_id", "Choose the charge.")
		cents, amount := dollars(f.Amount, "amount_cents")
		v.AddErr(amount.Err())
		reason := f.Reason // every field's message at once, not the amount's first
		v.AddErr(journey.ValidateBillingReason(&reason))
		if err := v.Err(); err != nil {
			return err
		}
		if f.Direction != "increase" {
			cents = -cents
		}
		_, err := s.proc.AdjustCharge(r.Context(), a, id, cents, f.Reason, viaBillingPage)
		return err
	})
}

// HandlePaymentRefund refunds part or all of the payment chosen.
func (s *Handler) HandlePaymentRefund(w http.ResponseWriter, r *http.Request) {
	s.changeBilling(w, r, "refund", func(a *journey.Actor, client int64, f *billingForm) error {
		f.Form, f.ID = "refund", r.PostFormValue("payment_id")
		id, v := chosen(f.ID, "payment_id", "Choose the payment.")
		cents, amount := dollars(f.Amount, "amount_cents")
		v.AddErr(amount.Err())
		reason := f.Reason // every field's message at once, not the amount's first
		v.AddErr(journey.ValidateBillingReason(&reason))
		if err := v.Err(); err != nil {
			return err
		}
		_, _, err := s.proc.RefundPayment(r.Context(), a, id, cents, f.Reason, f.Key, viaBillingPage)
		return err
	})
}

// chosen reads the id of a record chosen in a select, with a field error
// when it is none.
func chosen(raw, field, detail string) (int64, *journey.Validation) {
	var v journey.Validation
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		v.Add(field, detail)
	}
	return id, &v
}

// changeBilling reads the form, runs change and goes back to the page;
// a refusal shows the page again with what was typed and why beside the
// field of the form that sent it.
func (s *Handler) changeBilling(w http.ResponseWriter, r *http.Request, done string, change func(a *journey.Actor, client int64, f *billingForm) error) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	client, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	f := &billingForm{Entity: r.PostFormValue("entity_id"), ChargeType: r.PostFormValue("charge_type"), Amount: r.PostFormValue("amount"),
		Direction: r.PostFormValue("direction"), Method: r.PostFormValue("method"), Reference: r.PostFormValue("reference"),
		Reason: r.PostFormValue("reason"), Key: r.PostFormValue("idempotency_key")}
	err := change(s.kit.Who(r), client, f)
	switch journey.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/billing?done=%s", client, done), http.StatusSeeOther)
	case journey.EINVALID, journey.ECONFLICT:
		s.showClientBilling(w, r, f, "", err)
	default:
		s.kit.PageError(w, r, err)
	}
}

// dollars reads an amount typed in dollars into cents, with a field error
// on field when it is not one.
func dollars(typed, field string) (int64, *journey.Validation) {
	var v journey.Validation
	cents, ok := journey.ParseCents(typed)
	if !ok || cents == 0 {
		v.Add(field, "Enter an amount in dollars, such as 80 or 80.00.")
	}
	return cents, &v
}

// merged returns err with v's field errors added (v's first: the typed
// amount's own is clearer than a range check of 0).
func merged(v *journey.Validation, err error) error {
	if len(v.Fields) == 0 {
		return err
	}
	if err != nil && journey.ErrorCode(err) != journey.EINVALID {
		return err
	}
	v.AddErr(err)
	return v.Err()
}

// showClientBilling renders the page, with refused's reasons beside the
// fields of the form f that was refused.
func (s *Handler) showClientBilling(w http.ResponseWriter, r *http.Request, f *billingForm, notice string, refused error) {
	client, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	b, err := s.proc.ClientBilling(r.Context(), s.kit.Who(r), client, viaBillingPage)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	if journey.ErrorCode(refused) == journey.ECONFLICT {
		f.Key = "" // the key was used for another payment or refund: the form gets a new one
	}
	page := clientBillingPage(b, f, loc, s.kit.Who(r).Can(journey.PermBillingWrite))
	page.Notice = notice
	// A bill far above a Good Faith Estimate is flagged here with the client's right.
	ce, err := s.proc.Estimates(r.Context(), s.kit.Who(r), client, viaBillingPage)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Estimates = webkit.NewEstimatesView(ce, loc, s.now(), func(id int64) string { return fmt.Sprintf("/staff/estimates/%d/pdf", id) })
	status := http.StatusOK
	if refused != nil {
		page.refused(refused, f)
		status = s.kit.Status(refused)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_client_billing", page)
}

// newIdempotencyKey returns a fresh key for a form: a double submit of
// the form sends it twice, and the second finds the first's payment.
func newIdempotencyKey(prefix string) string {
	return prefix + "-" + strings.ToLower(rand.Text())
}
