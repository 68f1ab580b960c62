package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// actorFrom is the shared kit's (webkit): the audiences read the actor
// the same way.
var actorFrom = webkit.ActorFrom

// who returns the request's actor for the processing layer: an anonymous
// visitor is an actor with only their address, so the audit trail still
// says where a request came from.
func (s *Server) who(r *http.Request) *journey.Actor {
	if a := actorFrom(r); a != nil {
		return a
	}
	return &journey.Actor{ClientAddr: s.clientAddr(r)}
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
// cleared and the request goes on anonymous. A signed-in person's pages
// and API answers are never stored by a browser or proxy (Cache-Control).
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
			r = r.WithContext(webkit.WithActor(r.Context(), a))
			w.Header().Set("Cache-Control", "no-store")
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
				s.answerError(w, r, err)
				return
			}
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(webkit.WithActor(r.Context(), a)))
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

// maxNext bounds a sign-in next path; our own URLs are far shorter.
const maxNext = 1000

// safeNext returns p when it is a path on this site to go to after sign-in,
// and "" otherwise: the caller then sends the person to their home. A path
// is refused when it, or what a browser or a proxy might decode it to
// (%09, %2F%2F, %5C, nested %25…), holds a control, space, format or
// backslash character or starts with // or /\, any of which a URL parser
// may read as another host ("/\t/evil.test" is //evil.test to a browser).
func safeNext(p string) string {
	if !localPath(p, true) {
		return ""
	}
	d := p
	for range 4 {
		u, err := url.PathUnescape(d)
		if err != nil || !localPath(u, false) {
			return ""
		}
		if u == d {
			return p
		}
		d = u
	}
	return "" // still decoding after four rounds: nobody writes links like that
}

// localPath reports whether p, as it stands, is a single-slash path with
// no scheme, host or suspicious character; a raw one (as sent) may not
// hold a space either, a decoded one may ("?q=ada%20lov").
func localPath(p string, raw bool) bool {
	if len(p) == 0 || len(p) > maxNext || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) || !utf8.ValidString(p) {
		return false
	}
	if strings.ContainsFunc(p, func(r rune) bool {
		return r == '\\' || unicode.IsControl(r) || (unicode.IsSpace(r) && (raw || r != ' ')) || unicode.Is(unicode.Cf, r)
	}) {
		return false
	}
	if !raw {
		return true // decoded text is checked for characters only: it may hold a literal %
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.Opaque == "" && u.User == nil
}
