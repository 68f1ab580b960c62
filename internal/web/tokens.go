package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// tokenActor returns the actor of a Bearer token. API tokens carry their
// owner's permissions and count as a completed sign-in.
func (s *Server) tokenActor(ctx context.Context, token, addr string) (*journey.Actor, error) {
	id, userID, err := s.store.FindAPIToken(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &journey.Actor{User: u, TokenID: id, ClientAddr: addr, Verified: true}, nil
}

// bearer returns the token of an Authorization: Bearer header, "" if none.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
