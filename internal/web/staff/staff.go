// Package staff is the staff workspace's handlers: the pages a member of
// staff works in, drawn in the workspace's frame
// (templates/staff/layout_staff.html, whose navigation internal/web draws
// from the routes' permissions). Its routes and their permissions are
// declared in internal/web/routes.go; its templates are in
// internal/web/templates/staff, drawn by the shared renderer through
// webkit.Kit. It imports neither internal/web nor any other audience.
// New staff screens (calendar, run sheet, billing) are written here.
package staff

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Reads is what the staff workspace reads from the store itself: what
// any member of staff may see of the practice (its people, their own API
// tokens). Every guarded record and every change goes through Processing.
type Reads interface {
	FindUsers(ctx context.Context, kind string) ([]*journey.User, error)
	FindAPITokens(ctx context.Context, userID int64) ([]journey.APIToken, error)
}

// Processing is the part of internal/processing the staff workspace
// calls: each method applies its record rule and writes its audit entry,
// as it does for the API call that does the same.
type Processing interface {
	// Safety alerts.
	Alerts(ctx context.Context, a *journey.Actor, open bool, limit int, via string, auditEmpty bool) ([]*journey.Alert, error)
	AcknowledgeAlert(ctx context.Context, a *journey.Actor, id int64, note string) (*journey.Alert, error)

	// The person's own API tokens.
	CreateAPIToken(ctx context.Context, a *journey.Actor, name string, expires time.Time, via string) (string, error)
	RevokeAPIToken(ctx context.Context, a *journey.Actor, id int64) error
}

// Handler holds the staff workspace's handlers.
type Handler struct {
	kit   webkit.Kit
	store Reads
	proc  Processing
	now   journey.Clock
}

// New returns the staff workspace's handlers over kit, store and proc.
func New(kit webkit.Kit, store Reads, proc Processing, now journey.Clock) *Handler {
	return &Handler{kit: kit, store: store, proc: proc, now: now}
}
