package journey

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// checkText adds a field error when s is shorter than min or longer than max
// characters, or holds control characters other than newlines and tabs.
func checkText(v *Validation, field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		v.Add(field, "This field is required.")
	case n < min:
		v.Add(field, "This is too short.")
	case n > max:
		v.Add(field, "Keep this under "+itoa(max)+" characters.")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' }):
		v.Add(field, "This contains characters we cannot accept.")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

var zones sync.Map // name -> *time.Location

// LoadZone returns the IANA zone named name, cached; EINVALID if unknown.
// "Local" and "" are refused: every zone in Journey is explicit.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, Errorf(EINVALID, "Unknown time zone.")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown time zone %q.", name)
	}
	zones.Store(name, loc)
	return loc, nil
}
