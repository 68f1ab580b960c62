package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for _, prefix := range []string{PrefixPersonalAccessToken, PrefixSession, PrefixInvitation, PrefixPasswordReset, ""} {
		for range 50 {
			tok, hash, err := NewToken(prefix)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, prefix) {
				t.Fatalf("token %q lacks prefix %q", tok, prefix)
			}
			raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, prefix))
			if err != nil || len(raw) != 32 {
				t.Fatalf("token %q: %d random bytes, %v", tok, len(raw), err)
			}
			if seen[tok] {
				t.Fatalf("token %q repeated", tok)
			}
			seen[tok] = true
			if again := HashToken(tok); hash != HashToken(tok) || again != hash || len(hash) != 64 {
				t.Fatalf("hash %q not stable or not SHA-256 hex", hash)
			}
		}
	}
	// The hash covers the prefix too.
	tok, _, _ := NewToken("jy_pat_")
	if HashToken(tok) == HashToken(strings.TrimPrefix(tok, "jy_pat_")) {
		t.Fatal("hash ignores the prefix")
	}
	// Known vector: SHA-256("abc").
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
	for _, bad := range []string{"jy-pat ", "jy/pat_", "jy_pat_\n", strings.Repeat("a", 33)} {
		if _, _, err := NewToken(bad); !errors.Is(err, ErrInvalidTokenPrefix) {
			t.Errorf("NewToken(%q) err = %v", bad, err)
		}
	}
}
