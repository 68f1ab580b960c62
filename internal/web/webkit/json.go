package webkit

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/journey-kap/journey"
)

// WriteJSON writes v as the JSON answer with status, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Problem is an RFC 9457 problem document, with the fields at fault.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`
	// Conflicts and Gates say why a booking was refused (409): the people
	// and rooms taken, the gates unmet (journey.Error).
	Conflicts []journey.Conflict `json:"conflicts,omitempty"`
	Gates     []journey.Gate     `json:"gates,omitempty"`
}

// ProblemField is one field's error in a Problem.
type ProblemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// WriteProblem writes an application/problem+json answer with status,
// detail and the field errors.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields []journey.FieldError) {
	writeProblem(w, r, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path}, fields)
}

// WriteErrorProblem writes err as an application/problem+json answer with
// status: its message, field errors, and the conflicts and gates of a
// refused booking.
func WriteErrorProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: journey.ErrorMessage(err), Instance: r.URL.Path}
	var je *journey.Error
	if errors.As(err, &je) {
		p.Conflicts, p.Gates = je.Conflicts, je.Gates
	}
	writeProblem(w, r, p, journey.ErrorFields(err))
}

func writeProblem(w http.ResponseWriter, _ *http.Request, p Problem, fields []journey.FieldError) {
	for _, f := range fields {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Detail: f.Detail})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
