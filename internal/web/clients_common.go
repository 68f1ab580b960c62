package web

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// pathID returns the path's {name} as an id; ok is false when it is not one.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil
}

// clientID returns the path's client {id}; ok is false when it is not an
// id, and then err is the "not found" to answer.
func clientID(r *http.Request) (id int64, err error) {
	id, ok := pathID(r, "id")
	if !ok {
		return 0, journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	return id, nil
}

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
