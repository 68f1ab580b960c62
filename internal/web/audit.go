package web

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// audit records one entry for the request's actor through the processing
// layer's one audit writer. Entries carry ids and never PHI.
func (s *Server) audit(r *http.Request, action, subjectType string, subjectID any, outcome, detail string) {
	s.proc.Audit(r.Context(), s.who(r), processing.Entry{Action: action, SubjectType: subjectType, SubjectID: subjectID,
		Outcome: outcome, Detail: detail})
}

// auditAs records an entry for u, who is not yet the request's actor (a
// sign-in in progress).
func (s *Server) auditAs(r *http.Request, u *journey.User, action, subjectType string, subjectID any, outcome, detail string) {
	s.proc.Audit(r.Context(), &journey.Actor{User: u, ClientAddr: s.clientAddr(r)}, processing.Entry{Action: action,
		SubjectType: subjectType, SubjectID: subjectID, Outcome: outcome, Detail: detail})
}
