package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// decodeJSON reads one JSON object of at most maxJSONBody bytes (or the
// route's larger limit) into v;
// malformed JSON is a 400, a larger body a 413.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	limit := int64(maxJSONBody)
	if l := bodyLimit(r); l > maxFormBody {
		limit = l // a route that takes larger bodies
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return true
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		s.apiError(w, r, err)
		return false
	}
	s.writeProblem(w, r, http.StatusBadRequest, "The body is not a valid JSON object: "+jsonErrorText(err), nil)
	return false
}

// jsonErrorText says what is wrong with a body without echoing its content.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d.", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be a %s.", te.Field, te.Type)
	case errors.Is(err, io.EOF):
		return "the body is empty."
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ") + "."
	}
	return "it could not be read."
}
