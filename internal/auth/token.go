package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// Token prefixes. A fixed, distinctive prefix lets secret scanners (GitHub
// secret scanning, gitleaks) and people recognise a leaked Journey token.
const (
	PrefixPersonalAccessToken = "jy_pat_"
	PrefixSession             = "jy_ses_"
	PrefixInvitation          = "jy_inv_"
	PrefixPasswordReset       = "jy_rst_"
)

// ErrInvalidTokenPrefix reports a prefix longer than 32 bytes or with
// characters other than ASCII letters, digits and underscores, which would
// not survive URLs, headers and scanners' patterns unchanged.
var ErrInvalidTokenPrefix = errors.New("auth: token prefix must be up to 32 ASCII letters, digits or underscores")

// NewToken returns a new opaque bearer token, prefix followed by 32 random
// bytes in unpadded base64url (256 bits), and its HashToken to store. The
// token itself is given to its holder once and never stored: a database leak
// then reveals no usable token, and lookups go by hash. The random part is
// far beyond guessing, so a fast hash is enough.
func NewToken(prefix string) (token, hash string, err error) {
	if len(prefix) > 32 {
		return "", "", ErrInvalidTokenPrefix
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", "", ErrInvalidTokenPrefix
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 hex digest of the whole token, prefix
// included, as stored by NewToken's caller and used to look a token up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
