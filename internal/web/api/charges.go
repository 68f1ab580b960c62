package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ChargeProcessing is the part of processing a client's charges, ledger
// and staff payments use (processing/charges.go).
type ChargeProcessing interface {
	RunSessionMinutes(ctx context.Context, a *journey.Actor, id int64, action string, minutes int, via string) (*journey.CareSession, error)
	ChargeSession(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Charge, error)
	ClientCharges(ctx context.Context, a *journey.Actor, id int64, f journey.ChargeFilter, via string) ([]*journey.Charge, error)
	VoidCharge(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Charge, error)
	AdjustCharge(ctx context.Context, a *journey.Actor, id, cents int64, reason, via string) (*journey.Charge, error)
	ClientLedger(ctx context.Context, a *journey.Actor, id, entityID int64, via string) (*journey.Ledger, error)
	RecordPayment(ctx context.Context, a *journey.Actor, pay *journey.Payment, via string) (*journey.Payment, bool, error)
	ClientPayments(ctx context.Context, a *journey.Actor, id, entityID int64, offset, limit int, via string) ([]*journey.Payment, error)
	RefundPayment(ctx context.Context, a *journey.Actor, id, cents int64, reason, key, via string) (*journey.Refund, bool, error)
}

type apiCharge struct {
	ID             int64                 `json:"id"`
	SessionID      *int64                `json:"session_id"`
	ChargeType     string                `json:"charge_type"`
	EntityID       int64                 `json:"entity_id"`
	Event          string                `json:"event"`
	Date           string                `json:"date"`
	Codes          []journey.ServiceCode `json:"codes"`
	Diagnoses      []string              `json:"diagnoses"`
	PlaceOfService string                `json:"place_of_service"`
	Description    string                `json:"description"`
	AmountCents    int64                 `json:"amount_cents"`
	AdjustedCents  int64                 `json:"adjusted_cents"`
	Currency       string                `json:"currency"`
	Status         string                `json:"status"`
}

func chargeJSON(c *journey.Charge) apiCharge {
	out := apiCharge{ID: c.ID, ChargeType: c.ChargeType, EntityID: c.EntityID, Event: c.Event, Date: c.Date, Codes: c.Codes(),
		Diagnoses: c.Diagnoses, PlaceOfService: c.POS, Description: c.Description, AmountCents: c.AmountCents,
		AdjustedCents: c.AdjustedCents, Currency: c.Currency, Status: c.Status}
	if c.SessionID != 0 {
		out.SessionID = &c.SessionID
	}
	if out.Diagnoses == nil {
		out.Diagnoses = []string{}
	}
	return out
}

// HandleCharges answers a client's charges, by date of service:
// ?entity_id, ?charge_type, ?status, ?from and ?to (dates) select them,
// ?limit (1–500, 200 by default) and ?offset page them.
func (s *Handler) HandleCharges(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var v journey.Validation
	f := journey.ChargeFilter{ChargeType: q.Get("charge_type"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"),
		EntityID: queryInt(&v, q.Get("entity_id"), "entity_id", 0, 1<<62, 0), Limit: int(queryInt(&v, q.Get("limit"), "limit", 1, journey.MaxChargeList, 200)),
		Offset: int(queryInt(&v, q.Get("offset"), "offset", 0, 1<<30, 0))}
	v.AddErr(f.Validate())
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cs, err := s.proc.ClientCharges(r.Context(), s.kit.Who(r), id, f, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiCharge, len(cs))
	for i, c := range cs {
		out[i] = chargeJSON(c)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"charges": out})
}

// HandleSessionCharges makes the charges missing from a session's event
// (billing set up after it, or a line fixed) and answers all its charges
// from that event, made now or before: asking again charges nothing
// twice. 409 when the session charges nothing or billing is not set up.
func (s *Handler) HandleSessionCharges(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	cs, err := s.proc.ChargeSession(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiCharge, len(cs))
	for i, c := range cs {
		out[i] = chargeJSON(c)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"charges": out})
}

// queryInt reads a whole number from lo to hi given as field, def when
// raw is empty; a field error otherwise.
func queryInt(v *journey.Validation, raw, field string, lo, hi, def int64) int64 {
	if raw == "" {
		return def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		v.Add(field, fmt.Sprintf("Enter a whole number from %d to %d.", lo, hi))
		return def
	}
	return n
}

// chargeID reads the {id} of a charge route, answering 404 itself.
func (s *Handler) chargeID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.RecordID(r, "Charge")
	if err != nil {
		s.kit.APIError(w, r, err)
		return 0, false
	}
	return id, true
}

// HandleChargeVoid voids a charge with {"reason"}: 409 when it is void.
func (s *Handler) HandleChargeVoid(w http.ResponseWriter, r *http.Request) {
	id, ok := s.chargeID(w, r)
	if !ok {
		return
	}
	var b struct {
		Reason string `json:"reason"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	c, err := s.proc.VoidCharge(r.Context(), s.kit.Who(r), id, b.Reason, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, chargeJSON(c))
}

// HandleChargeAdjust adjusts a charge by {"amount_cents"} (negative: a
// discount) for {"reason"}.
func (s *Handler) HandleChargeAdjust(w http.ResponseWriter, r *http.Request) {
	id, ok := s.chargeID(w, r)
	if !ok {
		return
	}
	var b struct {
		AmountCents int64  `json:"amount_cents"`
		Reason      string `json:"reason"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	c, err := s.proc.AdjustCharge(r.Context(), s.kit.Who(r), id, b.AmountCents, b.Reason, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, chargeJSON(c))
}

type apiPosting struct {
	ID          int64     `json:"id"`
	EntityID    int64     `json:"entity_id"`
	ChargeType  string    `json:"charge_type"`
	Kind        string    `json:"kind"`
	ChargeID    int64     `json:"charge_id,omitempty"`
	PaymentID   int64     `json:"payment_id,omitempty"`
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	Memo        string    `json:"memo,omitempty"`
	At          time.Time `json:"at"`
}

// HandleLedger answers a client's ledger with ?entity_id (every entity
// when left out): its postings in order and the balance.
func (s *Handler) HandleLedger(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var v journey.Validation
	entity := queryInt(&v, r.URL.Query().Get("entity_id"), "entity_id", 0, 1<<62, 0)
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	l, err := s.proc.ClientLedger(r.Context(), s.kit.Who(r), id, entity, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiPosting, len(l.Postings))
	for i, p := range l.Postings {
		out[i] = apiPosting{ID: p.ID, EntityID: p.EntityID, ChargeType: p.ChargeType, Kind: p.Kind, ChargeID: p.ChargeID,
			PaymentID: p.PaymentID, AmountCents: p.AmountCents, Currency: p.Currency, Memo: p.Memo, At: p.At}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"postings": out, "balance_cents": l.BalanceCents,
		"balance_by_charge_type": l.ByType, "currency": journey.Currency})
}

type apiPayment struct {
	ID             int64     `json:"id"`
	EntityID       int64     `json:"entity_id"`
	ChargeType     string    `json:"charge_type"`
	AmountCents    int64     `json:"amount_cents"`
	RefundedCents  int64     `json:"refunded_cents"`
	Currency       string    `json:"currency"`
	Method         string    `json:"method"`
	Reference      string    `json:"reference,omitempty"`
	Status         string    `json:"status"`
	IdempotencyKey string    `json:"idempotency_key"`
	At             time.Time `json:"at"`
}

func paymentJSON(p *journey.Payment) apiPayment {
	return apiPayment{ID: p.ID, EntityID: p.EntityID, ChargeType: p.ChargeType, AmountCents: p.AmountCents, RefundedCents: p.RefundedCents,
		Currency: p.Currency, Method: p.Method, Reference: p.Reference, Status: p.Status, IdempotencyKey: p.IdempotencyKey, At: p.At}
}

// HandlePaymentCreate records a payment taken by staff: {"entity_id",
// "charge_type" (optional: the type of the entity's oldest unpaid charge),
// "amount_cents", "method" (cash, check or card), "reference",
// "idempotency_key"} → 201; the same key again → 200 with the same
// payment, nothing posted twice; the key with another payment → 409.
func (s *Handler) HandlePaymentCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var b struct {
		EntityID       int64  `json:"entity_id"`
		ChargeType     string `json:"charge_type"`
		AmountCents    int64  `json:"amount_cents"`
		Method         string `json:"method"`
		Reference      string `json:"reference"`
		IdempotencyKey string `json:"idempotency_key"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	p, created, err := s.proc.RecordPayment(r.Context(), s.kit.Who(r), &journey.Payment{ClientID: id, EntityID: b.EntityID,
		ChargeType: b.ChargeType, AmountCents: b.AmountCents, Method: b.Method, Reference: b.Reference, IdempotencyKey: b.IdempotencyKey}, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	webkit.WriteJSON(w, status, paymentJSON(p))
}

// HandlePayments answers a client's payments, oldest first, with
// ?entity_id, ?limit (1–500, 200 by default) and ?offset.
func (s *Handler) HandlePayments(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var v journey.Validation
	entity := queryInt(&v, q.Get("entity_id"), "entity_id", 0, 1<<62, 0)
	limit := queryInt(&v, q.Get("limit"), "limit", 1, journey.MaxChargeList, 200)
	offset := queryInt(&v, q.Get("offset"), "offset", 0, 1<<30, 0)
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	ps, err := s.proc.ClientPayments(r.Context(), s.kit.Who(r), id, entity, int(offset), int(limit), viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiPayment, len(ps))
	for i, p := range ps {
		out[i] = paymentJSON(p)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"payments": out})
}

// HandleRefundCreate refunds part or all of a payment taken by staff:
// {"amount_cents", "reason", "idempotency_key"} → 201 (the same key again
// → 200 with the same refund); never more than is left of the payment.
func (s *Handler) HandleRefundCreate(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Payment")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var b struct {
		AmountCents    int64  `json:"amount_cents"`
		Reason         string `json:"reason"`
		IdempotencyKey string `json:"idempotency_key"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	rf, created, err := s.proc.RefundPayment(r.Context(), s.kit.Who(r), id, b.AmountCents, b.Reason, b.IdempotencyKey, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	webkit.WriteJSON(w, status, map[string]any{"id": rf.ID, "payment_id": rf.PaymentID, "amount_cents": rf.AmountCents,
		"currency": journey.Currency, "reason": rf.Reason, "at": rf.At})
}
