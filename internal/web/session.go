package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

type actorKey struct{}

// actorFrom returns the request's actor, nil for an anonymous visitor.
func actorFrom(r *http.Request) *journey.Actor {
	a, _ := r.Context().Value(actorKey{}).(*journey.Actor)
	return a
}

// cookieName is __Host- prefixed over TLS: the browser then refuses the
// cookie unless it is Secure, host-only and for the whole site.
func (s *Server) cookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-journey"
	}
	return "journey_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// authenticate finds the session behind the request's cookie and puts its
// actor in the context. No cookie costs nothing; a bad or ended one is
// cleared and the request goes on anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := bearer(r); token != "" {
			a, err := s.tokenActor(r.Context(), token, s.clientAddr(r))
			if err != nil {
				if code := journey.ErrorCode(err); code != journey.ENOTFOUND && code != journey.EUNAUTHORIZED {
					// The token may be good: say what went wrong, not "invalid token".
					s.apiError(w, r, err)
					return
				}
				s.audit(r, "token.use", "token", "", journey.AuditDenied, "unknown, expired or revoked token")
				s.apiError(w, r, journey.Errorf(journey.EUNAUTHORIZED, "That token is not valid: it may have expired or been revoked."))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), actorKey{}, a))
			s.audit(r, "token.use", "token", a.TokenID, journey.AuditSuccess, r.Pattern)
			next.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(s.cookieName())
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		a, err := s.sessionActor(r.Context(), c.Value, s.clientAddr(r))
		if err != nil {
			if code := journey.ErrorCode(err); code != journey.ENOTFOUND && code != journey.EUNAUTHORIZED {
				// The session may be good: keep the cookie, and say what
				// went wrong rather than send its holder to sign in.
				if isAPI(r) {
					s.apiError(w, r, err)
				} else {
					s.pageError(w, r, err)
				}
				return
			}
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, a)))
	})
}

func (s *Server) sessionActor(ctx context.Context, token, addr string) (*journey.Actor, error) {
	sess, err := s.store.FindSession(ctx, token)
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByID(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	return &journey.Actor{User: u, SessionID: sess.ID, ClientAddr: addr,
		Verified: !u.IsStaff() || !sess.SecondFactorAt.IsZero()}, nil
}

// authorize lets the request through when the actor holds perm. Otherwise
// an anonymous visitor is sent to sign in (401 on the API) and a signed-in
// one is refused with 403.
func (s *Server) authorize(perm journey.Permission, next http.Handler) http.Handler {
	if perm == journey.PermPublic {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := actorFrom(r)
		if a.Can(perm) {
			next.ServeHTTP(w, r)
			return
		}
		api := isAPI(r)
		if a != nil && a.Verified {
			s.audit(r, "access.denied", "route", "", journey.AuditDenied, r.Pattern)
		}
		switch {
		case a == nil && carryable(r):
			s.renderCarrySignIn(w, r)
		case a == nil && api:
			s.apiError(w, r, journey.Errorf(journey.EUNAUTHORIZED, "Sign in first: send a valid token as Authorization: Bearer …"))
		case a == nil:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		case a.User.IsStaff() && !a.Verified && perm != journey.PermSecondFactor && !api:
			http.Redirect(w, r, "/login/2fa", http.StatusSeeOther)
		case api:
			s.apiError(w, r, journey.Errorf(journey.EFORBIDDEN, "You do not have access to this."))
		default:
			s.pageError(w, r, journey.Errorf(journey.EFORBIDDEN, "You do not have access to this page."))
		}
	})
}

// isAPI reports whether r is for the JSON API, which answers problem+json.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// safeNext keeps a post-sign-in redirect on this site: a path, never a URL.
func safeNext(p string) string {
	if len(p) == 0 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) || len(p) > 500 {
		return "/staff"
	}
	return p
}
