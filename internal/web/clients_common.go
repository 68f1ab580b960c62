package web

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The path's ids, read as the audience packages read them (webkit).
var (
	pathID   = webkit.PathID
	clientID = webkit.ClientID
)

// clientFor returns the client named by the path's {id} when the actor
// passes rule (processing.Client: a refusal is "not found", audited with
// action).
func (s *Server) clientFor(r *http.Request, action string, rule processing.Rule) (*journey.Client, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return nil, journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	return s.proc.Client(r.Context(), s.who(r), id, action, rule)
}

// Record rules of policy.go, for clientFor.
var (
	administerTo = processing.AdministerTo
)
