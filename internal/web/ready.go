package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
)

// readyTimeout bounds the database's answer to a readiness probe: a
// database that takes longer is as good as down to a load balancer.
const readyTimeout = 2 * time.Second

// handleReady answers whether this process should be sent traffic: the
// database answers, the audit trail is being written (a process that
// cannot record who read what should not serve PHI), and cfg.Ready's
// checks pass (every migration applied, the key files readable and
// unwrapping the data keys: a process that could not start again now
// should be looked at before it is restarted). /healthz stays the
// liveness check: a failing audit writer is not fixed by a restart, which
// would lose the entries it holds.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.cfg.Log.Error("readiness: database does not answer", "error", err)
		http.Error(w, "not ready: the database does not answer", http.StatusServiceUnavailable)
		return
	}
	if since, waiting := s.store.AuditBacklog(); !since.IsZero() {
		http.Error(w, fmt.Sprintf("not ready: the audit trail cannot be written (%d entries waiting)", waiting), http.StatusServiceUnavailable)
		return
	}
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(ctx); err != nil {
			// The reason, which may name a file, goes to the log only: the
			// probe may be reachable by anyone.
			s.cfg.Log.Error("readiness", "error", err)
			http.Error(w, "not ready: "+readyReason(err), http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// ReadyError is a readiness failure whose Reason may be shown to anyone
// (no path, no detail); Err is logged.
type ReadyError struct {
	Reason string
	Err    error
}

func (e *ReadyError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *ReadyError) Unwrap() error { return e.Err }

// readyReason returns what the probe may say about err.
func readyReason(err error) string {
	if re, ok := err.(*ReadyError); ok {
		return re.Reason
	}
	return "a start-up check fails (see the log)"
}

// auditNotice is what an admin is told on every staff page while the audit
// trail cannot be written, "" otherwise.
func (s *Server) auditNotice(r *http.Request, p *journey.Practice) string {
	if !actorFrom(r).Has(journey.RoleAdmin) {
		return ""
	}
	since, waiting := s.store.AuditBacklog()
	if since.IsZero() {
		return ""
	}
	loc, err := journey.LoadZone(p.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	entries := fmt.Sprintf("%d entries are", waiting)
	if waiting == 1 {
		entries = "1 entry is"
	}
	return fmt.Sprintf("The audit trail cannot be written since %s (%s): %s waiting and retried.",
		since.In(loc).Format("15:04"), loc, entries)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(r.Context()); err != nil {
		s.cfg.Log.Error("health check: database unreachable", "error", err)
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok " + s.cfg.Version + "\n"))
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.answerError(w, r, journey.Errorf(journey.ENOTFOUND, "We could not find that page."))
}
