package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Joining the portal (the client's invitation link sets their password and
// signs them in), and carrying a portal form over a sign-in. Both stay in
// web, whose sessions they make: the portal's pages are in web/portal.

func (s *Server) handleJoinView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.store.FindClientInvitation(r.Context(), token)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "portal_join", &acceptPage{Token: token, Name: c.Name, Email: c.Email})
}

func (s *Server) joinError(w http.ResponseWriter, r *http.Request, err error) {
	code := journey.ErrorCode(err)
	if code != journey.ENOTFOUND && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "portal.join", "link", "", journey.AuditDenied, journey.ErrorMessage(err))
	s.render(w, r, errorStatus(err), "portal_join", &acceptPage{Message: journey.ErrorMessage(err), Invalid: true})
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.store.FindClientInvitation(r.Context(), token)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	if msg := checkNewPassword(pw, r.PostFormValue("password_again"), c.Email, c.Name); msg != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "portal_join", &acceptPage{Token: token, Name: c.Name, Email: c.Email, Message: msg})
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), pw)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	u, err := s.store.AcceptClientInvitation(r.Context(), token, hash)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	s.auditAs(r, u, "portal.join", "client", c.ID, journey.AuditSuccess, "")
	sess := &journey.Session{UserID: u.ID, Idle: s.cfg.ClientIdle, ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent(),
		SecondFactorAt: s.cfg.Now()}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
}

// Carrying a form over a sign-in. A client whose session ended while they
// filled in a step would lose their answers on submit; instead the sign-in
// page carries them in hidden fields (in their own browser, never stored),
// and after signing in they land on the same step with the answers back,
// still unsaved, to check and save.

// carryPrefix marks the login form's hidden fields that hold carried answers.
const carryPrefix = "carry."

// carryable reports whether a signed-out POST to path may carry its form
// over a sign-in: the portal's intake steps and questionnaires.
func carryable(r *http.Request) bool {
	return routeFrom(r).opts&carry != 0
}

// renderCarrySignIn answers a signed-out POST with the sign-in page, the
// form's answers in hidden fields.
func (s *Server) renderCarrySignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
		return
	}
	var carry []carried
	for k, vs := range r.PostForm {
		for _, v := range vs {
			carry = append(carry, carried{Name: carryPrefix + k, Value: v})
		}
	}
	slices.SortFunc(carry, func(a, b carried) int { return strings.Compare(a.Name, b.Name) })
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusUnauthorized, "login", &loginPage{Next: r.URL.Path, Carry: carry,
		Message: "You were signed out after a while without activity. Sign in again: your answers come back with you."})
}

type carried struct{ Name, Value string }

// carriedFields returns the carried answers a sign-in form sent back, so a
// mistyped password does not drop them.
func carriedFields(r *http.Request) []carried {
	var out []carried
	for k, vs := range r.PostForm {
		if strings.HasPrefix(k, carryPrefix) {
			for _, v := range vs {
				out = append(out, carried{Name: k, Value: v})
			}
		}
	}
	slices.SortFunc(out, func(a, b carried) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// replayCarried serves the page next with the carried answers, as the
// newly signed-in client, instead of redirecting there.
func (s *Server) replayCarried(w http.ResponseWriter, r *http.Request, u *journey.User, next string) bool {
	values := url.Values{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, carryPrefix); ok {
			values[name] = vs
		}
	}
	if len(values) == 0 || !(strings.HasPrefix(next, "/portal/intake/") || strings.HasPrefix(next, "/portal/measures/")) {
		return false
	}
	ctx := webkit.WithActor(r.Context(), &journey.Actor{User: u, Verified: true, ClientAddr: s.clientAddr(r)})
	ctx = webkit.WithCarried(ctx, values)
	r2 := r.Clone(ctx)
	r2.Method = http.MethodGet
	r2.URL = &url.URL{Path: next}
	r2.Form, r2.PostForm = nil, nil
	s.mux.ServeHTTP(w, r2)
	return true
}
