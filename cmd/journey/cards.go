package main

import (
	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/payment"
)

// cards returns the card processor cfg configures: Stripe with a key, nil
// (no card payment offered) without one.
func cards(cfg *Config) journey.CardProcessor {
	if cfg.StripeKey == "" {
		return nil
	}
	return payment.New(payment.Config{Key: cfg.StripeKey, WebhookSecret: cfg.StripeWebhookSecret, BackendURL: cfg.StripeURL})
}
