package auth

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings (RFC 6238) that every common authenticator app understands:
// 30-second steps, 6 digits, HMAC-SHA1, a 160-bit secret.
const (
	TOTPPeriod = 30 * time.Second
	totpDigits = otp.DigitsSix
	totpSkew   = 1 // steps accepted either side of the current one
	secretSize = 20
	qrSize     = 240
)

// ErrInvalidTOTPLabel reports an empty issuer or account name, or one that
// contains a colon, which the otpauth URL uses to separate the two.
var ErrInvalidTOTPLabel = errors.New("auth: TOTP issuer and account must be non-empty and contain no colon")

var totpOpts = totp.ValidateOpts{
	Period:    uint(TOTPPeriod / time.Second),
	Digits:    totpDigits,
	Algorithm: otp.AlgorithmSHA1,
}

// NewTOTP makes a fresh random TOTP secret for account (usually the person's
// email) at issuer (the practice name shown in the authenticator app). It
// returns the secret, base32 without padding, to store encrypted at rest
// with the account; the otpauth:// URL; and a 240x240 PNG QR code of that
// URL to show once during enrolment. The caller should confirm enrolment
// with VerifyTOTP before turning the second factor on.
func NewTOTP(issuer, account string) (secret, url string, qrPNG []byte, err error) {
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return "", "", nil, ErrInvalidTOTPLabel
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpOpts.Period,
		SecretSize:  secretSize,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", nil, err
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return "", "", nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, err
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// TOTPStep returns the RFC 6238 time step (30-second period number) of t.
func TOTPStep(t time.Time) int64 {
	s := t.Unix()
	p := int64(TOTPPeriod / time.Second)
	if s < 0 {
		return (s - p + 1) / p // floor for instants before 1970
	}
	return s / p
}

// VerifyTOTP checks code against secret at now. It accepts the code of the
// current step and of one step either side (clock skew of up to 30 s each
// way), but never a step <= lastStep: the caller stores the step returned
// for each successful sign-in and passes it back as lastStep (0 before the
// first), so a code cannot be replayed, not even within its own window.
// Spaces in code are ignored ("123 456"); anything but 6 ASCII digits is
// refused. An invalid secret verifies nothing. The codes are compared in
// constant time and every candidate step is checked, so the time taken
// does not depend on which step, if any, matched.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\u00a0' {
			return -1
		}
		return r
	}, code)
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	cur := TOTPStep(now)
	period := int64(TOTPPeriod / time.Second)
	found := false
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s < 0 {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*period, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		match := subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1
		if match && s > lastStep && !found {
			step, found = s, true
		}
	}
	if !found {
		return 0, false
	}
	return step, true
}
