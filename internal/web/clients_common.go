package web

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// plural returns n and word, with an s unless n is 1 (webkit).
var plural = webkit.Plural

// The path's ids, read as the audience packages read them (webkit).
var (
	pathID   = webkit.PathID
	clientID = webkit.ClientID
)

// apiClientID returns the path's client {id}, or answers 404 and returns
// false.
func (s *Server) apiClientID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := clientID(r)
	if err != nil {
		s.apiError(w, r, err)
		return 0, false
	}
	return id, true
}

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
	seeClient    = processing.SeeClient
	seeClinical  = processing.SeeClinical
	seeScreening = processing.SeeScreening
	administerTo = processing.AdministerTo
	clientSelf   = processing.ClientHimself
)
