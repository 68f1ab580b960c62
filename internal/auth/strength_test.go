package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	maria := []string{"maria.lopez@example.com", "Maria Lopez"}
	const (
		short  = "Use at least 12 characters."
		long   = "Use at most 256 characters."
		weak   = "This password is too common or too easy to guess"
		name   = "your name or email address"
		common = "commonly used password"
	)
	for _, tc := range []struct {
		pw     string
		inputs []string
		want   []string // substrings of the message; nil: accepted
	}{
		{"short", nil, []string{short}},
		{"elevenchars", nil, []string{short}},
		// Runes, not bytes: 11 characters but 22 bytes.
		{"ééééééééééé", nil, []string{short}},
		{strings.Repeat("x", 257), nil, []string{long}},
		{"password1234", nil, []string{weak, common}},
		{"qwertyuiop123", nil, []string{weak}},
		{"aaaaaaaaaaaa", nil, []string{weak, "repeats"}},
		{"abcdefghijklmnop", nil, []string{weak, "sequences"}},
		{"correct horse battery staple", nil, nil},
		{"correct horse battery staple", maria, nil},
		{"8fJ#kq2!Lm9z", maria, nil},
		{"maria loves purple giraffes at dawn", maria, nil},
		{"ñandú verde bajo la lluvia", nil, nil},
		// Strong on their own, weak for Maria Lopez.
		{"maria.lopez2024!", nil, nil},
		{"maria.lopez2024!", maria, []string{weak, name}},
		{"Maria.Lopez2024!", maria, []string{weak, name}},
		{"MariaLopez!2024", maria, []string{weak, name}},
		{"lopezmaria1985", maria, []string{weak, name}},
		{"maria.lopez@example.com", maria, []string{weak, name}},
		{"Journey-Ketamine-1", nil, []string{weak, "name of this service"}},
		{"\xff\xfe invalid utf8 bytes", nil, []string{"cannot be read"}},
	} {
		err := CheckPassword(tc.pw, tc.inputs...)
		if tc.want == nil {
			if err != nil {
				t.Errorf("CheckPassword(%q, %q) = %v; want nil", tc.pw, tc.inputs, err)
			}
			continue
		}
		var pe *PasswordError
		if !errors.As(err, &pe) {
			t.Errorf("CheckPassword(%q, %q) = %v; want *PasswordError", tc.pw, tc.inputs, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(pe.Message, w) {
				t.Errorf("CheckPassword(%q, %q) = %q; want it to contain %q", tc.pw, tc.inputs, pe.Message, w)
			}
		}
		if pe.Error() != pe.Message {
			t.Errorf("Error() = %q, Message = %q", pe.Error(), pe.Message)
		}
	}
	if err := CheckPassword(strings.Repeat("correct horse battery staple ", 9)[:256]); err != nil {
		t.Errorf("256-character passphrase refused: %v", err)
	}
}

func TestExpandUserInputs(t *testing.T) {
	got := expandUserInputs([]string{"Maria.Lopez@Example.com", "Maria Lopez", "Jo"})
	want := []string{"maria.lopez@example.com", "maria.lopez", "maria", "lopez", "example", "com", "maria lopez"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("expandUserInputs = %q, want %q", got, want)
	}
}

// TestCheckPasswordBoundedCost makes sure a long string of look-alike
// symbols, zxcvbn's most expensive input, cannot pin a core: only the first
// zxcvbnRunes characters are scored.
func TestCheckPasswordBoundedCost(t *testing.T) {
	// The cost is bounded by what zxcvbn is given, not by a clock: a
	// password whose first zxcvbnRunes characters are weak is refused
	// however strong the rest, which holds only while the rest is never
	// scored (BenchmarkCheckPassword measures the worst case's time).
	weak := strings.Repeat("a", zxcvbnRunes)
	strongTail := strings.Repeat("4@8(3|!1$5+7%2{[<690", 13)[:MaxPasswordRunes-zxcvbnRunes]
	if err := CheckPassword(weak+strongTail, "maria.lopez@example.com"); err == nil {
		t.Fatal("a password weak in its first 64 characters was accepted: more than they were scored")
	}
	if err := CheckPassword(strongTail[:zxcvbnRunes]+weak, "maria.lopez@example.com"); err != nil {
		t.Fatalf("a password strong in its first 64 characters was refused: %v", err)
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	for _, bc := range []struct{ name, pw string }{
		{"typical", "correct horse battery staple"},
		{"worst", strings.Repeat("4@8(3|!1$5+7%2{[<690", 13)[:MaxPasswordRunes]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				CheckPassword(bc.pw, "maria.lopez@example.com", "Maria Lopez")
			}
		})
	}
}
