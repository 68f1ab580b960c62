package webkit

import (
	"errors"
	"slices"

	"github.com/journey-kap/journey"
)

// ShowFieldErrors records err's field errors for a form shown again: each
// beside its field (errs) and once in the summary (list; nil for a form
// without one), a field's first message winning. It returns err's
// message.
func ShowFieldErrors(err error, errs map[string]string, list *[]journey.FieldError) string {
	for _, fe := range journey.ErrorFields(err) {
		if _, dup := errs[fe.Field]; dup {
			continue
		}
		errs[fe.Field] = fe.Detail
		if list != nil {
			*list = append(*list, fe)
		}
	}
	return journey.ErrorMessage(err)
}

// RenameFields returns err with each field named as the page names it
// (rename returns the page's id for the domain's field), leaving err as
// it was.
func RenameFields(err error, rename func(field string) string) error {
	var e *journey.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = slices.Clone(e.Fields)
	for i := range c.Fields {
		c.Fields[i].Field = rename(c.Fields[i].Field)
	}
	return &c
}

// OnSlot names a consult's start and therapist "slot": the one chooser on
// the booking forms that sets both.
func OnSlot(field string) string {
	if field == "start" || field == "therapist_id" {
		return "slot"
	}
	return field
}

// FieldError returns what err says of field, "" when it names no such
// field.
func FieldError(err error, field string) string {
	for _, f := range journey.ErrorFields(err) {
		if f.Field == field {
			return f.Detail
		}
	}
	return ""
}
