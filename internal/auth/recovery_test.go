package auth

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewRecoveryCodes(t *testing.T) {
	codes, hashes, err := NewRecoveryCodes(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes, %d hashes; want 10", len(codes), len(hashes))
	}
	format := regexp.MustCompile(`^[2-9a-km-np-z]{5}-[2-9a-km-np-z]{5}$`)
	seen := map[string]bool{}
	for i, c := range codes {
		if !format.MatchString(c) || strings.ContainsAny(c, "01lOoIL") {
			t.Errorf("code %q has the wrong format", c)
		}
		if seen[c] {
			t.Errorf("code %q repeated", c)
		}
		seen[c] = true
		if hashes[i] != hashRecovery(strings.ReplaceAll(c, "-", "")) || len(hashes[i]) != 64 {
			t.Errorf("hash %d = %q is not the SHA-256 hex of %q", i, hashes[i], c)
		}
	}
	if c, h, _ := NewRecoveryCodes(3); len(c) != 3 || len(h) != 3 {
		t.Errorf("NewRecoveryCodes(3) gave %d codes", len(c))
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	codes, hashes, err := NewRecoveryCodes(10)
	if err != nil {
		t.Fatal(err)
	}
	c := codes[3]
	for _, tc := range []struct {
		name string
		code string
		want int
	}{
		{"as shown", c, 3},
		{"upper case", strings.ToUpper(c), 3},
		{"no hyphen", strings.ReplaceAll(c, "-", ""), 3},
		{"spaces", " " + c[:2] + " " + c[2:5] + " " + c[6:] + " ", 3},
		{"hyphen as space", c[:5] + " " + c[6:], 3},
		{"last", codes[9], 9},
		{"wrong", "22222-22222", -1},
		{"one character off", c[:9] + string(flip(c[9])), -1},
		{"too short", c[:10], -1},
		{"too long", c + "2", -1},
		{"ambiguous characters", "0o1l0-0o1l0", -1},
		{"empty", "", -1},
	} {
		i, ok := MatchRecoveryCode(hashes, tc.code)
		if i != tc.want || ok != (tc.want >= 0) {
			t.Errorf("%s: MatchRecoveryCode(%q) = %d, %v; want %d", tc.name, tc.code, i, ok, tc.want)
		}
	}
	// Used codes: the caller removes the matched hash.
	used := append(append([]string{}, hashes[:3]...), hashes[4:]...)
	if i, ok := MatchRecoveryCode(used, c); ok {
		t.Errorf("used code still matches at %d", i)
	}
	if _, ok := MatchRecoveryCode(nil, c); ok {
		t.Error("matched against no hashes")
	}
	// Stored hashes in upper-case hex still match.
	if i, ok := MatchRecoveryCode([]string{strings.ToUpper(hashes[0])}, codes[0]); !ok || i != 0 {
		t.Error("upper-case hex hash did not match")
	}
}

func flip(b byte) byte {
	if b == '2' {
		return '3'
	}
	return '2'
}
