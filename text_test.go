package journey

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// spoofing reports whether r is one CleanText removes in multi-line text.
func spoofing(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || (r >= 0x200B && r <= 0x200D) || r == 0x2060 || r == 0xFEFF ||
		(r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7F && r <= 0x9F)
}

func TestCleanText(t *testing.T) {
	for _, c := range []struct{ in, line, text string }{
		{"Ada Lovelace", "Ada Lovelace", "Ada Lovelace"},
		{"Ada \u202eecalevoL", "Ada ecalevoL", "Ada ecalevoL"},
		{"\u2066Ada\u2069 \u200bLove\u200c\u200dlace\u2060\ufeff", "Ada Lovelace", "Ada Lovelace"},
		{"line one\r\nline two\ttabbed\x00\x1b[31m\u0085", "line oneline twotabbed[31m", "line one\nline two\ttabbed[31m"},
		{"bad \xff byte", "bad  byte", "bad  byte"},
		{"Zoë 李 مريم", "Zoë 李 مريم", "Zoë 李 مريم"},
	} {
		if got := CleanLine(c.in); got != c.line {
			t.Errorf("CleanLine(%q) = %q, want %q", c.in, got, c.line)
		}
		if got := CleanText(c.in); got != c.text {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}

// Names and free text are cleaned where the domain validates them.
func TestValidateCleansText(t *testing.T) {
	n := &NewClient{Name: " Ada \u202eecalevoL ", Email: "ada@example.test", TherapistID: 1, CreatedBy: 1}
	n.Validate()
	u := &User{Kind: UserStaff, Name: "Theo\u200b Rapist", Email: "t@example.test", Roles: []string{RoleTherapist}}
	u.Validate()
	b := &BookingRequest{Name: "Bea\u2067 Visitor", Reason: "grief\u202e\r\nand loss"}
	b.Validate()
	in := &Intake{}
	in.About.LegalName, in.Goals.Story = "Kim\u202d Client", "My\u2066 story\nin two lines"
	in.Normalize()
	c := &Clearance{Reason: "why\u202e", Message: "msg\u0000"}
	c.Validate(&Screening{}, time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC))
	for name, got := range map[string]string{"client": n.Name, "user": u.Name, "booking name": b.Name, "booking reason": b.Reason,
		"intake name": in.About.LegalName, "intake story": in.Goals.Story, "clearance reason": c.Reason, "clearance message": c.Message} {
		if strings.ContainsFunc(got, spoofing) {
			t.Errorf("%s kept a spoofing character: %q", name, got)
		}
	}
	if n.Name != "Ada ecalevoL" || b.Reason != "grief\nand loss" || in.Goals.Story != "My story\nin two lines" {
		t.Errorf("cleaned: %q %q %q", n.Name, b.Reason, in.Goals.Story)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Ada Lovelace", "Ada \u202eecalevoL", "a\r\nb\tc", "\x00\x1f\x7f\u0085\u009f", "\u2066\u2069\u200b\u200d\u2060\ufeff",
		"bad \xff\xfe bytes", "\xe2\x80", "\xe2\x80\xae", "Zoë 李 مريم", "\r\r\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := CleanLine(s), CleanText(s)
		if strings.ContainsFunc(text, spoofing) || strings.ContainsFunc(line, func(r rune) bool { return spoofing(r) || r == '\n' || r == '\t' }) {
			t.Fatalf("CleanText(%q) = %q, CleanLine = %q: a spoofing character is left", s, text, line)
		}
		if !utf8.ValidString(line) || !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 left from %q", s)
		}
		if CleanText(text) != text || CleanLine(line) != line {
			t.Fatalf("cleaning %q twice changes it", s)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, spoofing) && text != s {
			t.Fatalf("CleanText(%q) = %q changed clean text", s, text)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return spoofing(r) || r == '\n' || r == '\t' }) && line != s {
			t.Fatalf("CleanLine(%q) = %q changed clean text", s, line)
		}
	})
}
