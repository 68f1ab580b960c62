// Package web serves Journey's HTML pages and its JSON API (/api/v1) over
// the journey services. routes.go holds the whole URL surface.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
)

// Store is everything the web layer reads and changes.
type Store interface {
	journey.PracticeService
	journey.FAQService
	journey.TherapistService
	journey.ConsultService
	// Versions returns change counters: calendar moves when open slots may
	// have changed, content when the practice, FAQ or therapists did.
	Versions(ctx context.Context) (calendar, content int64, err error)
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}

// Config is the web layer's configuration, passed in by cmd/journey.
type Config struct {
	BaseURL     string        // absolute, no trailing slash: links in pages and the API
	RateLimit   int           // requests per minute per client address on booking routes; 0 = off
	MinFormTime time.Duration // a booking form sent sooner after it was served is a bot
	FormSecret  []byte        // signs the booking form's timestamp
	TrustProxy  bool          // take the client address from X-Forwarded-For
	Now         journey.Clock
	Log         *slog.Logger
}

// Server is the HTTP handler of Journey.
type Server struct {
	cfg     Config
	store   Store
	tmpl    *templates
	limiter *limiter
	slots   *slotCache
	pages   *pageCache
	handler http.Handler
}

// NewServer returns a server over store; it fails when a template is
// missing or broken, so a bad build never starts.
func NewServer(store Store, cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: store, tmpl: t, limiter: newLimiter(cfg.RateLimit, cfg.Now), slots: newSlotCache(), pages: newPageCache()}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
