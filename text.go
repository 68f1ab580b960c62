package journey

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// CleanText returns s without the characters that make text display as
// something other than what it says: bidirectional embeddings, overrides
// and isolates (U+202A–U+202E, U+2066–U+2069), which can show a name
// reversed in a staff list; zero-width characters (U+200B–U+200D, U+2060,
// U+FEFF); C0 and C1 control characters; and bytes that are not UTF-8.
// Newlines and tabs stay (a CR LF or a lone CR becomes a newline): use it
// for free text written over several lines. Text with none of these is
// returned unchanged, and cleaning twice changes nothing.
func CleanText(s string) string { return clean(s, true) }

// CleanLine is CleanText for a one-line field (a name, a title): newlines
// and tabs go too.
func CleanLine(s string) string { return clean(s, false) }

// clean is CleanText (multiline) or CleanLine. The common case, text with
// nothing to remove, costs one scan and no allocation.
func clean(s string, multiline bool) string {
	drop := func(r rune) bool { return r == utf8.RuneError || spoofs(r, multiline) }
	if !strings.ContainsFunc(s, drop) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r' && multiline:
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 3 {
				b.WriteRune(r) // a real U+FFFD, not a bad byte
			}
		case !spoofs(r, multiline):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// spoofs reports whether clean removes r.
func spoofs(r rune, multiline bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !multiline
	case r < 0x20, r >= 0x7F && r <= 0x9F: // C0, DEL, C1
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF: // zero-width
		return true
	}
	return false
}

// Line returns a one-line field as stored: cleaned (CleanLine) and trimmed.
func Line(s string) string { return strings.TrimSpace(CleanLine(s)) }

// Paragraphs returns a free-text field as stored: cleaned (CleanText) and
// trimmed.
func Paragraphs(s string) string { return strings.TrimSpace(CleanText(s)) }

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
