package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// The booking form carries a signed timestamp. A person takes seconds to
// fill it; a bot posting at once, or replaying a form a day old, is turned
// away without any outside CAPTCHA service.
const formTokenMaxAge = 24 * time.Hour

func (s *Server) formToken() string {
	ts := strconv.FormatInt(s.cfg.Now().UnixMilli(), 10)
	return ts + "." + s.sign(ts)
}

func (s *Server) sign(v string) string {
	m := hmac.New(sha256.New, s.cfg.FormSecret)
	m.Write([]byte("form-token:" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// checkFormToken reports whether tok is genuine, old enough and fresh enough.
func (s *Server) checkFormToken(tok string) bool {
	ts, sig, ok := strings.Cut(tok, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(ts))) {
		return false
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	age := s.cfg.Now().Sub(time.UnixMilli(ms))
	return age >= s.cfg.MinFormTime && age <= formTokenMaxAge
}
