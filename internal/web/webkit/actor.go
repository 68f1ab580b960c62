package webkit

import (
	"context"
	"net/http"
	"net/url"

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

type carriedKey struct{}

// WithCarried returns ctx carrying the answers of a portal form that came
// back through signing in (internal/web replays the form's page with them,
// still unsaved, to check and save).
func WithCarried(ctx context.Context, values url.Values) context.Context {
	return context.WithValue(ctx, carriedKey{}, values)
}

// CarriedForm returns the answers carried over a sign-in, if any.
func CarriedForm(r *http.Request) (url.Values, bool) {
	v, ok := r.Context().Value(carriedKey{}).(url.Values)
	return v, ok
}
