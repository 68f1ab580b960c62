package journey

import (
	"errors"
	"fmt"
)

// Error codes. Every error that leaves a service carries one of these; the web
// layer maps each to exactly one HTTP status in one table.
const (
	ECONFLICT     = "conflict"     // the request clashes with the current state (slot taken)
	EINTERNAL     = "internal"     // a bug; never shown in detail
	EINVALID      = "invalid"      // the input is wrong; Fields says where
	ENOTFOUND     = "not_found"    // no such thing, or not visible to the caller
	EUNAUTHORIZED = "unauthorized" // not signed in
	EFORBIDDEN    = "forbidden"    // signed in, not allowed
	ETOOMANY      = "too_many"     // a rate limit was hit
	EUNAVAILABLE  = "unavailable"  // the database cannot be reached now; try again soon
)

// FieldError names one input field and what is wrong with it, in words meant
// for the person who typed it.
type FieldError struct {
	Field  string
	Detail string
}

// Error is the one error type of Journey's domain. Message is safe to show to
// the person who made the request; internal details go in the wrapped error.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Conflicts and Gates say why a booking was refused (ECONFLICT): the
	// resources taken, the gates unmet. The API answers them as members
	// of the problem, the pages beside the form.
	Conflicts []Conflict
	Gates     []Gate
	Err       error // the cause, logged but never shown
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("journey %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("journey %s: %s", e.Code, e.Message)
}

// Unwrap returns the cause, so errors.Is reaches driver errors.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, "" for nil, and EINTERNAL for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "Internal error." for anything else, so no internal detail ever leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors; its Err method returns nil when there
// are none, so a Validate method can end with `return v.Err()`.
type Validation struct {
	Fields []FieldError
}

// Add records a problem with one field.
func (v *Validation) Add(field, detail string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Detail: detail})
}

// AddErr records err's field errors for the fields that have none yet, so
// the domain's checks add to what a form's own parsing found.
func (v *Validation) AddErr(err error) {
	for _, f := range ErrorFields(err) {
		if !v.Has(f.Field) {
			v.Add(f.Field, f.Detail)
		}
	}
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EINVALID *Error listing the fields, or nil when all is well.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: v.Fields}
}
