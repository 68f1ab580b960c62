package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

type loginPage struct {
	Email   string
	Next    string
	Notice  string // after a password reset
	Message string
	Carry   []carried // a signed-out client's answers, carried over the sign-in
}

func (*loginPage) PageTitle() string { return "Sign in" }

func (s *Server) handleLoginView(w http.ResponseWriter, r *http.Request) {
	if a := actorFrom(r); a != nil && a.Verified {
		http.Redirect(w, r, s.homeFor(r, a), http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	page := &loginPage{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("reset") == "done" {
		page.Notice = resetDone
	}
	s.render(w, r, http.StatusOK, "login", page)
}

// resetDone confirms a password reset and what it ended (ResetPassword).
const resetDone = "Your password is changed. You are signed out everywhere: every session on every device has ended, " +
	"and your API tokens are revoked (create new ones once signed in). Sign in with your new password."

// homeFor is where a signed-in user lands.
func homeFor(a *journey.Actor) string {
	if a.User.IsStaff() {
		return "/staff"
	}
	return "/portal"
}

// throttled returns how long the account or the address must still wait
// after repeated failures; the same for known and unknown accounts. It
// fails when the counts cannot be read: a throttle that cannot be checked
// must not let guesses through.
func (s *Server) throttled(r *http.Request, keys ...string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		n, last, err := s.store.SigninFailures(r.Context(), k)
		if err != nil {
			return 0, err
		}
		wait = max(wait, auth.RetryAfter(n, last, s.cfg.Now()))
	}
	return wait, nil
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	page := &loginPage{Email: email, Next: safeNext(r.PostFormValue("next")), Carry: carriedFields(r)}
	acctKey, addrKey := "account:"+journey.NormalizeEmail(email), "addr:"+s.clientAddr(r)
	wait, err := s.throttled(r, acctKey, addrKey)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		page.Message = fmt.Sprintf("Too many attempts. Please wait %d seconds and try again.", secs)
		s.audit(r, "signin.throttled", "", nil, journey.AuditDenied, "")
		s.render(w, r, http.StatusTooManyRequests, "login", page)
		return
	}
	u, err := s.checkPassword(r, email, password)
	if err != nil {
		if journey.ErrorCode(err) != journey.EUNAUTHORIZED {
			s.pageError(w, r, err)
			return
		}
		var subject any
		if u != nil {
			subject = u.ID // a known account; the email itself is never logged
		}
		s.audit(r, "signin.failure", "user", subject, journey.AuditFailure, "")
		if rerr := s.store.RecordSigninFailure(r.Context(), acctKey, addrKey); rerr != nil {
			s.pageError(w, r, rerr)
			return
		}
		page.Message = journey.ErrorMessage(err)
		s.render(w, r, http.StatusUnauthorized, "login", page)
		return
	}
	if err := s.store.ClearSigninFailures(r.Context(), acctKey); err != nil {
		s.pageError(w, r, err)
		return
	}
	// A fresh session, never one the browser brought: no fixation.
	if old := actorFrom(r); old != nil {
		_ = s.store.EndSession(r.Context(), old.SessionID)
	}
	sess := &journey.Session{UserID: u.ID, Idle: s.cfg.ClientIdle, ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent()}
	if u.IsStaff() {
		sess.Idle = s.cfg.StaffIdle
	} else {
		sess.SecondFactorAt = s.cfg.Now()
	}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.auditAs(r, u, "signin.password", "user", u.ID, journey.AuditSuccess, "")
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	switch {
	case !u.IsStaff():
		if page.Next != "/portal" && !strings.HasPrefix(page.Next, "/portal/") && !strings.HasPrefix(page.Next, "/portal?") {
			page.Next = "/portal"
		}
		if !s.replayCarried(w, r, u, page.Next) {
			http.Redirect(w, r, page.Next, http.StatusSeeOther)
		}
	case u.TOTPEnrolled:
		if page.Next == "" {
			page.Next = s.homeFor(r, &journey.Actor{User: u, Verified: true})
		}
		http.Redirect(w, r, "/login/2fa?next="+urlQuery(page.Next), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	}
}

var errBadLogin = journey.Errorf(journey.EUNAUTHORIZED, "That email and password do not match an active account.")

// checkPassword returns the active user with that email and password. An
// unknown email costs the same hashing work as a known one, and every
// failure reads the same.
func (s *Server) checkPassword(r *http.Request, email, password string) (*journey.User, error) {
	ctx := r.Context()
	u, err := s.store.FindUserByEmail(ctx, email)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	var hash string
	if err == nil {
		if hash, err = s.store.PasswordHash(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	if u == nil || hash == "" || !u.Active {
		if derr := s.cfg.Hasher.VerifyDummy(ctx, password); derr != nil {
			return nil, derr
		}
		return nil, errBadLogin
	}
	ok, err := s.cfg.Hasher.Verify(ctx, password, hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return u, errBadLogin
	}
	return u, nil
}

func urlQuery(s string) string { return template.URLQueryEscaper(s) }

type twoFactorPage struct {
	Next    string
	Message string
}

func (*twoFactorPage) PageTitle() string { return "Second step" }

func (s *Server) handleTwoFactorView(w http.ResponseWriter, r *http.Request) {
	if !actorFrom(r).User.TOTPEnrolled {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "twofactor", &twoFactorPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// handleTwoFactor takes an authenticator code or a recovery code, then
// completes the session under a new id.
func (s *Server) handleTwoFactor(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	page := &twoFactorPage{Next: safeNext(r.PostFormValue("next"))}
	key := fmt.Sprintf("2fa:%d", a.ID())
	wait, err := s.throttled(r, key)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if wait > 0 {
		page.Message = fmt.Sprintf("Too many attempts. Please wait %d seconds and try again.", int(math.Ceil(wait.Seconds())))
		s.audit(r, "signin.second_factor", "user", a.ID(), journey.AuditDenied, "throttled")
		s.render(w, r, http.StatusTooManyRequests, "twofactor", page)
		return
	}
	ok, err := s.checkSecondFactor(r, a.ID(), r.PostFormValue("code"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if !ok {
		s.audit(r, "signin.second_factor", "user", a.ID(), journey.AuditFailure, "")
		if err := s.store.RecordSigninFailure(r.Context(), key); err != nil {
			s.pageError(w, r, err) // an uncounted failure would slip past the throttle
			return
		}
		page.Message = "That code is not right, or it was used already. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes."
		s.render(w, r, http.StatusUnauthorized, "twofactor", page)
		return
	}
	_ = s.store.ClearSigninFailures(r.Context(), key)
	s.audit(r, "signin.second_factor", "user", a.ID(), journey.AuditSuccess, "")
	token, err := s.store.CompleteSession(r.Context(), a.SessionID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, token, s.cfg.Now().Add(journey.SessionLifetime))
	if page.Next == "" {
		page.Next = s.homeFor(r, &journey.Actor{User: a.User, Verified: true})
	}
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// checkSecondFactor accepts a current TOTP code not used before, or an
// unused recovery code (which is then spent).
func (s *Server) checkSecondFactor(r *http.Request, userID int64, code string) (bool, error) {
	ctx := r.Context()
	secret, enrolled, last, err := s.store.TOTPState(ctx, userID)
	if err != nil || !enrolled {
		return false, err
	}
	if step, ok := auth.VerifyTOTP(secret, code, s.cfg.Now(), last); ok {
		return s.store.UseTOTPStep(ctx, userID, step)
	}
	hashes, err := s.store.UnusedRecoveryCodes(ctx, userID)
	if err != nil {
		return false, err
	}
	if i, ok := auth.MatchRecoveryCode(hashes, code); ok {
		return s.store.UseRecoveryCode(ctx, userID, hashes[i])
	}
	return false, nil
}

type enrolPage struct {
	Secret  string
	QR      template.URL
	Message string
	Codes   []string // shown once, after enrolment
	Next    string
}

func (*enrolPage) PageTitle() string { return "Set up two-step sign-in" }

// handleEnrolView shows a new authenticator secret as a QR code. Staff
// must enrol before anything else; the secret counts once confirmed.
func (s *Server) handleEnrolView(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	if a.User.TOTPEnrolled && !a.Verified {
		http.Redirect(w, r, "/login/2fa", http.StatusSeeOther)
		return
	}
	secret, url, png, err := auth.NewTOTP(s.practiceName(r), a.User.Email)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	_ = url
	if err := s.store.SetPendingTOTP(r.Context(), a.ID(), secret); err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "enrol", &enrolPage{Secret: secret, QR: pngDataURL(png)})
}

func pngDataURL(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

func (s *Server) practiceName(r *http.Request) string {
	if p, err := s.store.FindPractice(r.Context()); err == nil {
		return p.Name
	}
	return "Journey"
}

func (s *Server) handleEnrol(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	ctx := r.Context()
	secret, enrolled, _, err := s.store.TOTPState(ctx, a.ID())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if enrolled && !a.Verified {
		http.Redirect(w, r, "/login/2fa", http.StatusSeeOther)
		return
	}
	step, ok := auth.VerifyTOTP(secret, r.PostFormValue("code"), s.cfg.Now(), 0)
	if secret == "" || !ok {
		s.audit(r, "mfa.enrol", "user", a.ID(), journey.AuditFailure, "")
		page := &enrolPage{Secret: secret, Message: "That code is not right. Check the time on your phone and enter the code the app shows now, or start again with a new QR code."}
		s.render(w, r, http.StatusUnprocessableEntity, "enrol", page)
		return
	}
	codes, hashes, err := auth.NewRecoveryCodes(10)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := s.store.ConfirmTOTP(ctx, a.ID(), step, hashes); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "mfa.enrol", "user", a.ID(), journey.AuditSuccess, "")
	token, err := s.store.CompleteSession(ctx, a.SessionID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, token, s.cfg.Now().Add(journey.SessionLifetime))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "enrol", &enrolPage{Codes: codes, Next: s.homeFor(r, &journey.Actor{User: a.User, Verified: true})})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if a := actorFrom(r); a != nil && a.SessionID != 0 {
		if err := s.store.EndSession(r.Context(), a.SessionID); err != nil {
			s.pageError(w, r, err)
			return
		}
		s.audit(r, "signout", "user", a.ID(), journey.AuditSuccess, "")
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// homeFor is where a signed-in user lands: an admin of a practice not yet
// open lands on setting it up.
func (s *Server) homeFor(r *http.Request, a *journey.Actor) string {
	if a.User.IsStaff() && a.Can(journey.PermSettings) {
		if p, _ := s.store.FindPractice(r.Context()); !p.Open() {
			return "/admin/practice"
		}
	}
	return homeFor(a)
}
