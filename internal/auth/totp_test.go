package auth

import (
	"bytes"
	"encoding/base32"
	"errors"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// RFC 6238 Appendix B test secret ("12345678901234567890") in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func codeAt(t testing.TB, secret string, step int64) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPRFCVector(t *testing.T) {
	// RFC 6238 Appendix B, SHA1, last 6 of the 8 digits.
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		step, ok := VerifyTOTP(rfcSecret, v.code, time.Unix(v.unix, 0), 0)
		if !ok || step != v.unix/30 {
			t.Errorf("VerifyTOTP(%s at %d) = %d, %v", v.code, v.unix, step, ok)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	base := time.Date(2026, 3, 1, 12, 0, 15, 0, time.UTC) // mid-step
	s := TOTPStep(base)
	code := codeAt(t, rfcSecret, s)
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	for _, tc := range []struct {
		name     string
		code     string
		now      time.Time
		lastStep int64
		ok       bool
	}{
		{"same step", code, base, 0, true},
		{"30 s later", code, base.Add(30 * time.Second), 0, true},
		{"30 s earlier", code, base.Add(-30 * time.Second), 0, true},
		{"60 s later", code, base.Add(60 * time.Second), 0, false},
		{"60 s earlier", code, base.Add(-60 * time.Second), 0, false},
		{"90 s later", code, base.Add(90 * time.Second), 0, false},
		{"90 s earlier", code, base.Add(-90 * time.Second), 0, false},
		{"with spaces", " " + code[:3] + " " + code[3:] + " ", base, 0, true},
		{"replay of the same step", code, base, s, false},
		{"step before lastStep", code, base.Add(30 * time.Second), s, false},
		{"after an older step", code, base, s - 1, true},
		{"wrong code", wrong, base, 0, false},
		{"non-digits", "12a456", base, 0, false},
		{"fullwidth digits", "１２３４５６", base, 0, false},
		{"too short", code[:5], base, 0, false},
		{"too long", code + "0", base, 0, false},
		{"empty", "", base, 0, false},
	} {
		step, ok := VerifyTOTP(rfcSecret, tc.code, tc.now, tc.lastStep)
		if ok != tc.ok || (ok && step != s) || (!ok && step != 0) {
			t.Errorf("%s: VerifyTOTP = %d, %v; want %v (step %d)", tc.name, step, ok, tc.ok, s)
		}
	}
	if _, ok := VerifyTOTP("not base32!", code, base, 0); ok {
		t.Error("invalid secret verified")
	}
}

// TestTOTPReplayFlow follows a caller that stores the returned step.
func TestTOTPReplayFlow(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := TOTPStep(now)
	var last int64
	step, ok := VerifyTOTP(rfcSecret, codeAt(t, rfcSecret, s), now, last)
	if !ok || step != s {
		t.Fatalf("first use = %d, %v", step, ok)
	}
	last = step
	if _, ok := VerifyTOTP(rfcSecret, codeAt(t, rfcSecret, s), now.Add(10*time.Second), last); ok {
		t.Fatal("same code accepted twice")
	}
	if _, ok := VerifyTOTP(rfcSecret, codeAt(t, rfcSecret, s-1), now, last); ok {
		t.Fatal("previous step's code accepted after a newer one")
	}
	step, ok = VerifyTOTP(rfcSecret, codeAt(t, rfcSecret, s+1), now.Add(30*time.Second), last)
	if !ok || step != s+1 {
		t.Fatalf("next step's code = %d, %v", step, ok)
	}
}

func TestTOTPStep(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		want int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := TOTPStep(time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("TOTPStep(%d) = %d, want %d", tc.unix, got, tc.want)
		}
	}
}

func TestNewTOTP(t *testing.T) {
	secret, u, qr, err := NewTOTP("Journey", "maria.lopez@example.com")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %d bytes, %v", secret, len(raw), err)
	}
	other, _, _, _ := NewTOTP("Journey", "maria.lopez@example.com")
	if other == secret {
		t.Fatal("two secrets are equal")
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	if pu.Scheme != "otpauth" || pu.Host != "totp" || !strings.Contains(pu.Path, "Journey:maria.lopez@example.com") ||
		q.Get("secret") != secret || q.Get("issuer") != "Journey" || q.Get("period") != "30" ||
		q.Get("digits") != "6" || q.Get("algorithm") != "SHA1" {
		t.Fatalf("url = %q", u)
	}
	img, err := png.Decode(bytes.NewReader(qr))
	if err != nil {
		t.Fatalf("QR is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 240 {
		t.Fatalf("QR is %v", b)
	}
	// The new secret works with VerifyTOTP.
	now := time.Now()
	if _, ok := VerifyTOTP(secret, codeAt(t, secret, TOTPStep(now)), now, 0); !ok {
		t.Fatal("code for the new secret refused")
	}
	for _, bad := range [][2]string{{"", "a@b.c"}, {"Journey", ""}, {"Jour:ney", "a@b.c"}, {"Journey", "a:b"}} {
		if _, _, _, err := NewTOTP(bad[0], bad[1]); !errors.Is(err, ErrInvalidTOTPLabel) {
			t.Errorf("NewTOTP(%q, %q) err = %v", bad[0], bad[1], err)
		}
	}
}

func BenchmarkVerifyTOTP(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	code := codeAt(b, rfcSecret, TOTPStep(now)+1) // matched last of the three
	for b.Loop() {
		if _, ok := VerifyTOTP(rfcSecret, code, now, 0); !ok {
			b.Fatal("refused")
		}
	}
}
