package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/journey-kap/journey"
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
}

// errorStatus returns the HTTP status for err.
func errorStatus(err error) int {
	if st, ok := statusOf[journey.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
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
	}
	s.writeProblem(w, r, st, journey.ErrorMessage(err), journey.ErrorFields(err))
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields []journey.FieldError) {
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path}
	for _, f := range fields {
		p.Errors = append(p.Errors, problemField{Field: f.Field, Detail: f.Detail})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// pageError renders an error page for err.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	st := errorStatus(err)
	if st == http.StatusInternalServerError {
		s.cfg.Log.Error("internal error", "method", r.Method, "route", r.Pattern, "error", err)
	}
	s.render(w, r, st, "error", &errorPage{Status: st, Title: http.StatusText(st), Message: journey.ErrorMessage(err)})
}

type errorPage struct {
	Status  int
	Title   string
	Message string
}
