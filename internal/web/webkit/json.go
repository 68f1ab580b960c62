package webkit

import (
	"encoding/json"
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
}

// ProblemField is one field's error in a Problem.
type ProblemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// WriteProblem writes an application/problem+json answer with status,
// detail and the field errors.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields []journey.FieldError) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path}
	for _, f := range fields {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Detail: f.Detail})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}
