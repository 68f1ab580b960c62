package webkit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/journey-kap/journey"
)

// ErrorLine is one line of a form's error summary. It names its field
// ("Date of birth: enter your date of birth."), because a list that says
// "This field is required." five times does not say which five.
type ErrorLine struct {
	Href string // the field's id, with its #
	Text string
}

// NewErrorLine returns the summary line for field id, named label.
func NewErrorLine(id, label, detail string) ErrorLine {
	if label == "" {
		return ErrorLine{Href: "#" + id, Text: detail}
	}
	if strings.HasSuffix(label, "?") { // a question names itself
		return ErrorLine{Href: "#" + id, Text: label + " " + detail}
	}
	return ErrorLine{Href: "#" + id, Text: label + ": " + LowerFirst(detail)}
}

// ShowLabelledErrors is ShowFieldErrors for the portal's forms, whose
// summary names each field by its label.
func ShowLabelledErrors(err error, errs map[string]string, summary *[]ErrorLine, label func(field string) string) {
	for _, fe := range journey.ErrorFields(err) {
		if _, dup := errs[fe.Field]; dup {
			continue
		}
		errs[fe.Field] = fe.Detail
		*summary = append(*summary, NewErrorLine(fe.Field, label(fe.Field), fe.Detail))
	}
}

// LowerFirst lowers a sentence's first letter unless it starts a name or
// an acronym ("PHQ-9", "Xanax" stays as typed when its second letter is
// a capital or it is a single letter).
func LowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); !unicode.IsLower(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
