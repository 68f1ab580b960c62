// Package site is the public site's handlers: the landing page, the FAQ,
// the privacy notice, the practice's logo, booking a free consult (with
// private booking's held time), and the link that manages a booked
// consult. Its routes, their
// permissions and rate limits are declared in internal/web/routes.go; its
// templates are in internal/web/templates/site, drawn by the shared
// renderer through webkit.Kit. It imports neither internal/web nor any
// other audience.
package site

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Reads is what the public site reads from the store itself: the public
// catalogue and a visitor's own consult or held time, found by its
// unguessable token. Everything else goes through Booking.
type Reads interface {
	FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error)
	FindTherapistByID(ctx context.Context, id int64) (*journey.Therapist, error)
	FindFAQ(ctx context.Context, onlyPublished bool) ([]*journey.FAQEntry, error)
	FindBookingSettings(ctx context.Context) (*journey.BookingSettings, error)
	FindHold(ctx context.Context, token string) (*journey.Consult, error)
	FindConsultByToken(ctx context.Context, token string) (*journey.Consult, error)
	ResendManageLink(ctx context.Context, email string) error
	FindLogo(ctx context.Context) (*journey.Logo, error)
}

// Booking is the part of internal/processing the public site calls: each
// method applies its rule and writes its audit entry.
type Booking interface {
	Book(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (c *journey.Consult, held bool, err error)
	ConfirmHold(ctx context.Context, a *journey.Actor, token string) (*journey.Consult, error)
	ManagedConsult(ctx context.Context, a *journey.Actor, token, via string) (*journey.Consult, error)
	RescheduleManaged(ctx context.Context, a *journey.Actor, token string, start time.Time, therapist int64, via string) (*journey.Consult, error)
	CancelManaged(ctx context.Context, a *journey.Actor, token, reason, via string) (*journey.Consult, error)
	// The card processor's webhooks (webhook.go).
	CardWebhook(ctx context.Context, payload []byte, signature string) error
}

// Site holds the public site's handlers.
type Site struct {
	kit   webkit.Kit
	store Reads
	proc  Booking
	now   journey.Clock
}

// New returns the public site's handlers over kit, store and proc.
func New(kit webkit.Kit, store Reads, proc Booking, now journey.Clock) *Site {
	return &Site{kit: kit, store: store, proc: proc, now: now}
}
