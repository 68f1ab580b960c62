package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Recovery codes stand in for the second factor when the authenticator is
// lost. Each is 10 characters from a 32-symbol alphabet (digits 2-9 and the
// lowercase letters without l and o, so no 0/O or 1/l confusion), 50 bits,
// shown as "xxxxx-xxxxx".
//
// Only the SHA-256 of each code is stored. A fast, unsalted hash is enough
// because the codes are random rather than chosen by people: there is no
// dictionary to try, guessing 2^50 codes online is hopeless under the sign-in
// throttle, and a code replaces only the second factor, never the password,
// whose argon2id hash an attacker holding the database would still have to
// break. Codes are single-use: the caller deletes the matched hash.
const (
	DefaultRecoveryCodes = 10
	maxRecoveryCodes     = 100
	recoveryCodeLen      = 10
	recoveryAlphabet     = "23456789abcdefghijkmnpqrstuvwxyz"
)

// NewRecoveryCodes returns n distinct recovery codes (DefaultRecoveryCodes
// when n <= 0, at most 100) to show the person once, and the SHA-256 hex
// hashes of their normalised forms, in the same order, to store.
func NewRecoveryCodes(n int) (codes []string, hashes []string, err error) {
	if n <= 0 {
		n = DefaultRecoveryCodes
	}
	n = min(n, maxRecoveryCodes)
	seen := make(map[string]bool, n)
	buf := make([]byte, recoveryCodeLen)
	for len(codes) < n {
		if _, err := rand.Read(buf); err != nil {
			return nil, nil, err
		}
		raw := make([]byte, recoveryCodeLen)
		for i, b := range buf {
			raw[i] = recoveryAlphabet[b&31] // 256 is a multiple of 32: no bias
		}
		if seen[string(raw)] {
			continue
		}
		seen[string(raw)] = true
		codes = append(codes, string(raw[:5])+"-"+string(raw[5:]))
		hashes = append(hashes, hashRecovery(string(raw)))
	}
	return codes, hashes, nil
}

// MatchRecoveryCode reports which of hashes (as stored from
// NewRecoveryCodes, minus the codes already used) matches code, ignoring
// case, spaces and hyphens. Every hash is compared, in constant time.
func MatchRecoveryCode(hashes []string, code string) (index int, ok bool) {
	norm, valid := normaliseRecovery(code)
	if !valid {
		return -1, false
	}
	h := []byte(hashRecovery(norm))
	index = -1
	for i, stored := range hashes {
		if subtle.ConstantTimeCompare(h, []byte(strings.ToLower(stored))) == 1 && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}

func normaliseRecovery(code string) (string, bool) {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
			continue
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		if r > 127 || strings.IndexByte(recoveryAlphabet, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryCodeLen {
		return "", false
	}
	return b.String(), true
}

func hashRecovery(norm string) string {
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}
