package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// CardRefundProcessing is the part of processing the card refund route
// calls.
type CardRefundProcessing interface {
	RefundCardPayment(ctx context.Context, a *journey.Actor, pid, cents int64, reason, key string) (*processing.CardRefundResult, error)
}

// apiCardRefund is a refund of a card payment: posted, or pending until
// the processor confirms it.
type apiCardRefund struct {
	Status      string `json:"status"` // "succeeded" or "pending"
	ID          int64  `json:"id,omitempty"`
	PaymentID   int64  `json:"payment_id"`
	AmountCents int64  `json:"amount_cents"`
}

// HandleCardRefund refunds part or all of a card payment made online,
// through the card processor: {"amount_cents", "reason",
// "idempotency_key"} → 201 when the processor refunded it (posted), 202
// while it is pending (posted when its event confirms it). The same key
// again refunds once. 422 when no card payment is offered, naming the
// amount when more than is left.
func (s *Handler) HandleCardRefund(w http.ResponseWriter, r *http.Request) {
	pid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || pid <= 0 {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Payment not found."))
		return
	}
	var body struct {
		AmountCents    int64  `json:"amount_cents"`
		Reason         string `json:"reason"`
		IdempotencyKey string `json:"idempotency_key"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	res, err := s.proc.RefundCardPayment(r.Context(), s.kit.Who(r), pid, body.AmountCents, body.Reason, body.IdempotencyKey)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if res.Pending {
		webkit.WriteJSON(w, http.StatusAccepted, apiCardRefund{Status: "pending", PaymentID: pid, AmountCents: body.AmountCents})
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, apiCardRefund{Status: "succeeded", ID: res.Refund.ID, PaymentID: pid, AmountCents: res.Refund.AmountCents})
}
