package journey

import (
	"slices"
	"strings"
	"time"
)

// Charges, the ledger and payments recorded by staff: what billing.go's
// contract needs to be read in lists and changed with a reason.

// MaxChargeList bounds one page of charges or payments.
const MaxChargeList = 500

// MaxSessionMinutes bounds the minutes a clinician records for a session.
const MaxSessionMinutes = 600

// MaxBillingReason bounds the reason for a void, an adjustment or a refund.
const MaxBillingReason = 500

// ChargeFilter selects charges; zero fields select all. From and To are
// dates of service (YYYY-MM-DD, both included).
type ChargeFilter struct {
	ClientID   int64
	EntityID   int64
	SessionID  int64
	ChargeType string
	Status     string
	From, To   string
	IDs        []int64
	Offset     int
	Limit      int
}

// Validate returns EINVALID naming each wrong field of f.
func (f *ChargeFilter) Validate() error {
	var v Validation
	if f.Limit < 1 || f.Limit > MaxChargeList {
		v.Add("limit", "The limit is between 1 and "+itoa(MaxChargeList)+".")
	}
	if f.Offset < 0 {
		v.Add("offset", "The offset is 0 or more.")
	}
	if f.ChargeType != "" && !slices.Contains(ChargeTypes, f.ChargeType) {
		v.Add("charge_type", "Choose psychotherapy, medicine-session, prescriber or medication.")
	}
	if f.Status != "" && f.Status != ChargeOpen && f.Status != ChargeVoid {
		v.Add("status", "Choose open or void.")
	}
	for _, d := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" && !isDate(d.v) {
			v.Add(d.field, "Enter the date as YYYY-MM-DD.")
		}
	}
	if len(f.IDs) > MaxChargeList {
		v.Add("ids", "Choose at most "+itoa(MaxChargeList)+" charges.")
	}
	return v.Err()
}

// PaymentFilter selects a client's payments; EntityID 0 selects every
// entity's.
type PaymentFilter struct {
	ClientID int64
	EntityID int64
	Offset   int
	Limit    int
}

// ValidateBillingReason cleans a void's, adjustment's or refund's reason
// and returns EINVALID on "reason" when it is empty or too long.
func ValidateBillingReason(reason *string) error {
	*reason = Paragraphs(*reason)
	var v Validation
	checkText(&v, "reason", *reason, 1, MaxBillingReason)
	return v.Err()
}

// StaffPayMethods are the methods staff record a payment by: cash, a
// check, or a card at the practice's own terminal. Online card payments
// are the processor's (PayOnline).
var StaffPayMethods = []string{PayCash, PayCheck, PayCard}

// PayMethodName returns a payment method's name for people.
func PayMethodName(m string) string {
	switch m {
	case PayCash:
		return "Cash"
	case PayCheck:
		return "Check"
	case PayCard:
		return "Card (terminal)"
	case PayOnline:
		return "Card (online)"
	}
	return m
}

// MaxIdempotencyKey bounds an idempotency key's length.
const MaxIdempotencyKey = 100

// ValidatePayment trims p and returns EINVALID naming each wrong field:
// an entity, a charge type that entity bills (kind is the entity's kind,
// "" when there is none), an amount from $0.01 to $100,000.00, a method
// (staff recording one choose among StaffPayMethods), a reference of at
// most 80 characters and an idempotency key.
func ValidatePayment(p *Payment, kind string) error {
	var v Validation
	p.Reference, p.IdempotencyKey = Line(p.Reference), strings.TrimSpace(p.IdempotencyKey)
	switch {
	case p.EntityID == 0 || kind == "":
		v.Add("entity_id", "Choose the entity paid.")
	case !slices.Contains(EntityChargeTypes(kind), p.ChargeType):
		v.Add("charge_type", "Choose a charge type this entity bills.")
	}
	if p.AmountCents < 1 || p.AmountCents > MaxFeeCents {
		v.Add("amount_cents", "Enter an amount from $0.01 to $100,000.00.")
	}
	if !slices.Contains(StaffPayMethods, p.Method) && p.Method != PayOnline {
		v.Add("method", "Choose cash, check or card (terminal).")
	}
	checkText(&v, "reference", p.Reference, 0, 80)
	if err := CheckIdempotencyKey(p.IdempotencyKey); err != nil {
		v.Add("idempotency_key", err.Error())
	}
	return v.Err()
}

// CheckIdempotencyKey returns nil when key is 1 to 100 letters, digits
// and '-', '_', ':' or '.'; else EINVALID saying so.
func CheckIdempotencyKey(key string) error {
	if n := len(key); n == 0 || n > MaxIdempotencyKey || strings.Trim(key, idempotencyChars) != "" {
		return Errorf(EINVALID, "Send an idempotency key: 1 to 100 letters, digits, '-', '_', ':' or '.'.")
	}
	return nil
}

const idempotencyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:."

// SessionBilling is what a session's page says of its billing: the
// charges its events made, the lines the fee schedule skipped and why,
// and whether billing is set up at all.
type SessionBilling struct {
	Charges []*Charge
	Skipped []string
	// NotSetUp: the practice has no billing entities or fee schedule, so
	// nothing was charged.
	NotSetUp bool
}

// NetCents returns what c comes to after its adjustments (0 once void).
func (c *Charge) NetCents() int64 {
	if c.Status == ChargeVoid {
		return 0
	}
	return c.AmountCents + c.AdjustedCents
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// BillingEvent returns the event session s's status charges for
// (completed, a no-show, a late cancellation), "" when it charges nothing.
func BillingEvent(s *CareSession) string {
	switch {
	case s.Status == SessionCompleted:
		return EventCompleted
	case s.Status == SessionNoShow:
		return EventNoShow
	case s.Status == SessionCancelled && s.LateCancel:
		return EventLateCancel
	}
	return ""
}
