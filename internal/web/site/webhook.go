package site

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/journey-kap/journey"
)

// HandleStripeWebhook takes one of Stripe's events (POST /webhooks/stripe):
// its body, at most journey.MaxWebhookBytes, goes to processing, which
// verifies the signature before reading it and acts on each event once.
// A wrong signature is a 400 and nothing is done; a failure Stripe should
// retry is a 500; anything else a 200, also for events Journey ignores.
func (s *Site) HandleStripeWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, journey.MaxWebhookBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "Payload too large.", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "Bad request.", http.StatusBadRequest)
		return
	}
	err = s.proc.CardWebhook(r.Context(), body, r.Header.Get("Stripe-Signature"))
	switch journey.ErrorCode(err) {
	case "":
		w.WriteHeader(http.StatusOK)
	case journey.EINVALID:
		http.Error(w, "Bad request.", http.StatusBadRequest)
	default:
		slog.Error("card webhook", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
	}
}
