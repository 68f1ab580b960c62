package web

import (
	"context"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/journey-kap/journey"
)

// Limits on request bodies: every form and JSON body, except the consent
// documents an admin writes (up to journey.MaxConsentBody characters,
// which form encoding can triple).
const (
	maxFormBody     = 64 << 10
	maxJSONBody     = 64 << 10
	maxDocumentBody = 1 << 20
)

// bodyLimit returns the largest body the request's route accepts.
func bodyLimit(r *http.Request) int64 {
	if routeFrom(r).opts&document != 0 {
		return maxDocumentBody
	}
	return maxFormBody
}

const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// secure sets the headers every response carries. Referrer-Policy is
// no-referrer everywhere: manage links hold a secret token in their path.
// The answer to anything but a plain GET, or to a GET with a query, may
// echo what a person typed (a booking's reason, an email address), so no
// browser or proxy may store it; authenticate adds the same for every
// signed-in request. A handler may still loosen it (static files).
func secure(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery != "" {
			h.Set("Cache-Control", "no-store")
		}
		if tls {
			// Served over TLS: browsers must never fall back to plain HTTP.
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a plain 500 and logs the stack, never the request body.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error("panic", "route", r.Pattern, "value", v, "stack", string(debug.Stack()))
				http.Error(w, "Internal error.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps the size of every request body.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		next.ServeHTTP(w, r)
	})
}

// clientAddr returns the address a request came from: the last hop of
// X-Forwarded-For when a trusted proxy sets it, else the socket's peer.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter is a token bucket per client address: perMinute requests a minute
// with a burst of the same size. Buckets idle for ten minutes are dropped.
type limiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*bucket
	now       journey.Clock
	swept     time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxBuckets bounds the limiter's memory under a flood of addresses.
const maxBuckets = 100_000

func newLimiter(perMinute int, now journey.Clock) *limiter {
	return &limiter{perMinute: perMinute, buckets: map[string]*bucket{}, now: now}
}

// allow reports whether addr may make a request now, and if not, how long
// until it may.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	if l.perMinute <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute || len(l.buckets) >= maxBuckets {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute || len(l.buckets) >= maxBuckets {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[addr]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.buckets[addr] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimited refuses a request over the caller's budget with 429 and
// Retry-After, as problem+json on the API and as a page elsewhere.
func (s *Server) rateLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(s.clientAddr(r))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		err := journey.Errorf(journey.ETOOMANY, "Too many requests from your address. Please wait %d seconds and try again.", secs)
		s.answerError(w, r, err)
	})
}

// withRoute resolves the route pattern the ServeMux will match, once, before
// any middleware runs. The mux sets r.Pattern only on the request it is
// handed, and authenticate hands it a copy (WithContext), so without this
// the log, the recoverer and the token.use audit entry, which hold the
// outer request, saw an empty pattern for every signed-in request.
//
// It also puts the route's entry in the context, so every layer after it
// knows the request's audience (a page or problem+json, the staff frame)
// and options from the route table rather than from the URL.
func (s *Server) withRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := s.mux.Handler(r)
		rt, ok := s.routeOf[pattern]
		if !ok {
			rt = route{pattern: pattern, aud: site, perm: permPublic}
		}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)) // a shallow copy: never change the caller's request
		r.Pattern = pattern
		next.ServeHTTP(w, r)
	})
}

type routeKey struct{}

// routeFrom returns the entry of the route the request matched (withRoute);
// a request that did not pass through the router is the public site's.
func routeFrom(r *http.Request) route {
	rt, _ := r.Context().Value(routeKey{}).(route)
	return rt
}

// isAPI reports whether the request's route is the JSON API's, which
// answers problem+json.
func isAPI(r *http.Request) bool { return routeFrom(r).aud == api }

// answerError answers err as the request's audience reads it: problem+json
// on the API, a page elsewhere.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// logRequests logs method, route pattern, status and duration: never the
// URL itself, which may hold a manage token, nor any body. It runs inside
// withRoute, so r.Pattern is already known.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		if s.cfg.Observe != nil {
			s.cfg.Observe(r.Pattern, sw.status, time.Since(start))
		}
		if r.Pattern == "GET /healthz" || r.Pattern == "GET /readyz" || strings.HasPrefix(r.Pattern, "GET /static/") {
			return
		}
		s.cfg.Log.Debug("request", "method", r.Method, "route", r.Pattern, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
