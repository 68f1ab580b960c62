package webkit

import (
	"regexp"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// e164 is the form every stored phone number has (journey's own check).
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// FuzzNormalizePhone: whatever is typed, NormalizePhone answers without
// panicking; a number it accepts is E.164, the domain accepts it, and it
// normalises to itself.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"(212) 555-0142", "212.555.0142", "1-212-555-0142", "+1 212 555 0142", "+44 20 7946 0000", "0044 20 7946 0000",
		"+33 1 42 68 53 00", "+86 10 1234 5678", "+1 (212) 555-0142 ext. 12", "tel:+1-212-555-0142", "2125550142;ext=99",
		"1-800-FLOWERS", "２１２５５５０１４２", "٢١٢٥٥٥٠١٤٢", "911", "", "   ", "+", "++12125550142", "+0 212 555 0142",
		"<script>alert(1)</script>2125550142", "2125550142\x00", "\u202e2125550142", strings.Repeat("9", 41), "+999999999999999",
		"+1 212 555 0142 ext " + strings.Repeat("9", 30),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := NormalizePhone(raw)
		if !ok {
			if got != "" {
				t.Fatalf("NormalizePhone(%q) refused it but returned %q", raw, got)
			}
			return
		}
		if got == "" {
			if strings.TrimSpace(raw) != "" {
				t.Fatalf("NormalizePhone(%q) accepted a non-blank number as empty", raw)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("NormalizePhone(%q) = %q, not E.164", raw, got)
		}
		if again, ok := NormalizePhone(got); !ok || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, but that normalises to %q, %v", raw, got, again, ok)
		}
		n := journey.NewClient{Name: "A", Email: "a@example.com", Phone: got, TherapistID: 1}
		if err := n.Validate(); err != nil {
			t.Fatalf("NormalizePhone(%q) = %q, which the domain refuses: %v", raw, got, err)
		}
	})
}
