package webkit

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
)

type actorKey struct{}

// WithActor returns ctx carrying a, the request's signed-in person (set by
// internal/web's authentication, or for a form carried through sign-in).
func WithActor(ctx context.Context, a *journey.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the request's signed-in actor, or nil.
func ActorFrom(r *http.Request) *journey.Actor {
	a, _ := r.Context().Value(actorKey{}).(*journey.Actor)
	return a
}
