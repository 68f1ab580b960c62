package staff

import (
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/journey-kap/journey"
)

// FuzzAuditFilter feeds the audit screen's query string to its parser. It
// must never panic; a filter it accepts must come back unchanged through
// the query string its links carry; one it refuses must say which field.
func FuzzAuditFilter(f *testing.F) {
	for _, seed := range []string{
		"",
		"person=12&action=consult.read&from=2030-01-01&to=2030-01-31",
		"person=sam%40example.com&subject=consult:12",
		"subject=user:3&before=1200",
		"action=signin&after=5",
		"person=-3", "person=0", "person=99999999999999999999", "person=a@b",
		"subject=consult", "subject=:1", "subject=consult:", "subject=consult:1%3Cb%3E", "subject=Consult:1",
		"action=sign%25", "action=consult..read", "action=.consult", "action=CONSULT",
		"from=yesterday", "from=2030-1-2", "from=2030-02-30", "from=2030-02-01&to=2030-01-01",
		"before=abc", "before=0", "before=-1", "before=%2B7", "before=1&after=2",
		"person=%20%2012%20&action=%20signin",
		"person=12&person=13", "from=2030-01-01%00",
	} {
		f.Add(seed)
	}
	fields := []string{"person", "subject", "action", "from", "to", "before", "after"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // the server would read what it could; the parser sees url.Values either way
		}
		aq, err := parseAuditQuery(q)
		if err != nil {
			fe := journey.ErrorFields(err)
			if journey.ErrorCode(err) != journey.EINVALID || len(fe) == 0 {
				t.Fatalf("%q: refused without a field error: %v", raw, err)
			}
			for _, e := range fe {
				if !slices.Contains(fields, e.Field) || e.Detail == "" {
					t.Fatalf("%q: error for unknown field %q: %q", raw, e.Field, e.Detail)
				}
			}
			return
		}
		enc := aq.values().Encode()
		q2, err := url.ParseQuery(enc)
		if err != nil {
			t.Fatalf("%q: links carry %q, which does not parse: %v", raw, enc, err)
		}
		back, err := parseAuditQuery(q2)
		if err != nil {
			t.Fatalf("%q: accepted, but its link %q is refused: %v", raw, enc, err)
		}
		if !reflect.DeepEqual(back, aq) {
			t.Fatalf("%q: %+v came back as %+v through %q", raw, aq, back, enc)
		}
		if again := back.values().Encode(); again != enc {
			t.Fatalf("%q: link %q became %q", raw, enc, again)
		}
	})
}
