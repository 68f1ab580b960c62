package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	journey.EINVALID:      http.StatusUnprocessableEntity,
	journey.ENOTFOUND:     http.StatusNotFound,
	journey.ECONFLICT:     http.StatusConflict,
	journey.EUNAUTHORIZED: http.StatusUnauthorized,
	journey.EFORBIDDEN:    http.StatusForbidden,
	journey.ETOOMANY:      http.StatusTooManyRequests,
	journey.EINTERNAL:     http.StatusInternalServerError,
	journey.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// retryAfter is how long, in seconds, a 503 asks the client to wait: long
// enough for PostgreSQL to restart or a disk to be freed.
const retryAfter = "60"

// errorStatus returns the HTTP status for err.
func errorStatus(err error) int {
	if st, ok := statusOf[journey.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// apiError writes err as application/problem+json. Internal errors are
// logged in full (they carry no PHI: services wrap driver errors) and shown
// as "Internal error." only.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	st := errorStatus(err)
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		st = http.StatusRequestEntityTooLarge
		err = journey.Errorf(journey.EINVALID, "The request body is larger than %d bytes.", mb.Limit)
	case st == http.StatusInternalServerError:
		s.cfg.Log.Error("internal error", "method", r.Method, "route", r.Pattern, "error", err)
	case st == http.StatusServiceUnavailable:
		s.logUnavailable(r, err)
		w.Header().Set("Retry-After", retryAfter)
	}
	webkit.WriteErrorProblem(w, r, st, err)
}

// logUnavailable logs an outage at warning level: the cause (a driver
// error, no PHI) says which.
func (s *Server) logUnavailable(r *http.Request, err error) {
	s.cfg.Log.Warn("database unavailable", "method", r.Method, "route", r.Pattern, "error", err)
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields []journey.FieldError) {
	webkit.WriteProblem(w, r, status, detail, fields)
}

// pageError renders an error page for err; for an outage, the page that
// keeps what was typed (unavailablePage).
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	st := errorStatus(err)
	switch st {
	case http.StatusInternalServerError:
		s.cfg.Log.Error("internal error", "method", r.Method, "route", r.Pattern, "error", err)
	case http.StatusServiceUnavailable:
		s.logUnavailable(r, err)
		s.renderUnavailable(w, r)
		return
	}
	s.render(w, r, st, "error", &errorPage{Status: st, Title: http.StatusText(st), Message: journey.ErrorMessage(err)})
}

type errorPage struct {
	Status  int
	Title   string
	Message string
}

// unavailablePage says the database cannot be reached, and for a form
// that was sent, holds what was typed in a form that sends it again to the
// same address: nothing is lost, and one press tries again. Passwords are
// never written into a page; their fields come back empty, to type again.
type unavailablePage struct {
	Action   string    // the address the form was sent to; "" for a GET
	Fields   []carried // the form as sent, as hidden fields
	Secrets  []string  // the names of password fields to type again
	TryAgain string    // for a GET: the same address
}

func (*unavailablePage) PageTitle() string { return "We can't reach our records right now" }

// renderUnavailable answers 503 with Retry-After and unavailablePage.
func (s *Server) renderUnavailable(w http.ResponseWriter, r *http.Request) {
	page := &unavailablePage{TryAgain: r.URL.RequestURI()}
	if r.Method == http.MethodPost && r.ParseForm() == nil {
		page.Action, page.TryAgain = r.URL.RequestURI(), ""
		for _, k := range slices.Sorted(maps.Keys(r.PostForm)) {
			if isSecretField(k) {
				page.Secrets = append(page.Secrets, k)
				continue
			}
			for _, v := range r.PostForm[k] {
				page.Fields = append(page.Fields, carried{Name: k, Value: v})
			}
		}
	}
	w.Header().Set("Retry-After", retryAfter)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusServiceUnavailable, "unavailable", page)
}

// isSecretField reports whether a form field holds a password.
func isSecretField(name string) bool { return strings.Contains(name, "password") }

// formReadError answers a form that could not be parsed: 413 when it was
// over the size limit, 400 otherwise.
func (s *Server) formReadError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusBadRequest, "We could not read the form. Please try again."
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		status, msg = http.StatusRequestEntityTooLarge, "The form was larger than we accept. Please shorten what you wrote and try again."
	}
	s.render(w, r, status, "error", &errorPage{Status: status, Title: http.StatusText(status), Message: msg})
}
