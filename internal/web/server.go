// Package web serves Journey's HTML pages and its JSON API (/api/v1) over
// the journey services. routes.go holds the whole URL surface.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/processing"
	apiv1 "github.com/journey-kap/journey/internal/web/api"
	clientportal "github.com/journey-kap/journey/internal/web/portal"
	publicsite "github.com/journey-kap/journey/internal/web/site"
	staffws "github.com/journey-kap/journey/internal/web/staff"
)

// Store is what NewServer is given: the processing layer's store, which
// every record rule, change and audit entry goes through, what the web
// layer reads itself, and what each audience package reads (its Reads).
type Store interface {
	processing.Store
	Reads
	publicsite.Reads
	apiv1.Reads
	staffws.Reads
	clientportal.Reads
}

// Reads is the web layer's own narrow view of the store: signing in,
// sessions, invitations and resets, which web owns; what the shared
// renderer, the slot grid and their caches read; and, for the signed-in
// devices page, the client's own record and their consult's zone. Every
// audience package reads through its own Reads, every change and guarded
// lookup is a processing method: Server holds Reads, so a handler that
// reaches for one does not compile.
type Reads interface {
	// Sessions, sign-in and the second factor (session.go, login.go).
	FindSession(ctx context.Context, token string) (*journey.Session, error)
	CreateSession(ctx context.Context, s *journey.Session) error
	CompleteSession(ctx context.Context, sessionID int64) (string, error)
	EndSession(ctx context.Context, sessionID int64) error
	FindUserSessions(ctx context.Context, userID int64) ([]*journey.Session, error)
	FindUserByEmail(ctx context.Context, email string) (*journey.User, error)
	FindUserByID(ctx context.Context, id int64) (*journey.User, error)
	PasswordHash(ctx context.Context, userID int64) (string, error)
	TOTPState(ctx context.Context, userID int64) (secret string, enrolled bool, lastStep int64, err error)
	SetPendingTOTP(ctx context.Context, userID int64, secret string) error
	ConfirmTOTP(ctx context.Context, userID, step int64, recoveryHashes []string) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	UnusedRecoveryCodes(ctx context.Context, userID int64) ([]string, error)
	UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error)
	SigninFailures(ctx context.Context, key string) (int, time.Time, error)
	RecordSigninFailure(ctx context.Context, keys ...string) error
	ClearSigninFailures(ctx context.Context, key string) error
	FindAPIToken(ctx context.Context, hash string) (tokenID, userID int64, err error)

	// Invitations and password resets (invite.go, join.go).
	CreateInvitation(ctx context.Context, inv *journey.Invitation, token string) error
	FindInvitationByToken(ctx context.Context, token string) (*journey.Invitation, error)
	AcceptInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error)
	FindClientInvitation(ctx context.Context, token string) (*journey.Client, error)
	AcceptClientInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error)
	RequestPasswordReset(ctx context.Context, email string) error
	PasswordResetUser(ctx context.Context, token string) (*journey.User, error)
	ResetPassword(ctx context.Context, token, passwordHash string) (*journey.User, error)

	// The renderer (the practice's name and zone), the slot grid and their
	// caches.
	FindPractice(ctx context.Context) (*journey.Practice, error)
	FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error)
	FindSlots(ctx context.Context, q journey.SlotQuery) ([]journey.Slot, error)
	// Versions returns change counters: calendar moves when open slots may
	// have changed, content when the practice, FAQ or therapists did.
	Versions(ctx context.Context) (calendar, content int64, err error)

	// A signed-in client's devices are shown in their own zone: their
	// record found by the signed-in user, never an id, and their consult's
	// zone (webkit.ClientZone).
	FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error)
	FindConsultByID(ctx context.Context, id int64) (*journey.Consult, error)

	// Readiness and the operator's notices.
	// AuditBacklog reports since when the audit trail cannot be written
	// (zero while it is) and how many entries wait.
	AuditBacklog() (since time.Time, waiting int)
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
	// SecureCookies marks session cookies Secure and __Host- prefixed: set
	// when the site is served over TLS.
	SecureCookies bool
	StaffIdle     time.Duration // staff sessions end after this long idle (default 15 min)
	ClientIdle    time.Duration // client sessions: default 30 min
	Hasher        *auth.Hasher  // password hashing under a concurrency cap
	Now           journey.Clock
	Log           *slog.Logger
	// Version is the running release, reported by /healthz.
	Version string
	// Observe, when set, is told of every answered request: its route
	// pattern (never the URL), status and time taken (for metrics).
	Observe func(route string, status int, elapsed time.Duration)
	// Ready, when set, is asked by /readyz after the database and the audit
	// writer: the rest of what serving needs (migrations, key files). Only
	// a ReadyError's Reason is shown; the whole error is logged.
	Ready func(ctx context.Context) error
	// BackupEvery is the scheduled backups' interval, 0 when they are off:
	// admins see on Today when one failed or is overdue.
	BackupEvery time.Duration
	// Cards is the card processor (Stripe); nil: no card payment offered.
	Cards journey.CardProcessor
}

// Server is the HTTP handler of Journey.
type Server struct {
	cfg     Config
	store   Reads                 // what web reads itself; everything else goes through proc
	proc    *processing.Processor // record rules, audit and orchestration (internal/processing)
	site    *publicsite.Site      // the public site's handlers (internal/web/site)
	api     *apiv1.Handler        // the JSON API's handlers (internal/web/api)
	staff   *staffws.Handler      // the staff workspace's handlers (internal/web/staff)
	portal  *clientportal.Handler // the client portal's handlers (internal/web/portal)
	tmpl    *templates
	perms   map[string]journey.Permission // each route pattern's permission, for the workspace's navigation
	routeOf map[string]route              // each route pattern's entry, for the request's audience and options
	limiter *limiter
	slots   *slotCache
	pages   *pageCache
	handler http.Handler
	mux     *http.ServeMux // the route table, for replaying a carried form after sign-in
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
	if cfg.StaffIdle == 0 {
		cfg.StaffIdle = journey.DefaultStaffIdle
	}
	if cfg.ClientIdle == 0 {
		cfg.ClientIdle = journey.DefaultClientIdle
	}
	if cfg.Hasher == nil {
		cfg.Hasher = auth.NewHasher(0, nil)
	}
	t, err := parseTemplates(templateFS)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: store, proc: processing.New(store), tmpl: t, limiter: newLimiter(cfg.RateLimit, cfg.Now), slots: newSlotCache(), pages: newPageCache()}
	if cfg.Cards != nil {
		s.proc.UseCards(cfg.Cards)
	}
	s.site = publicsite.New(kit{s}, store, s.proc, cfg.Now)
	s.api = apiv1.New(kit{s}, store, s.proc, cfg.Now)
	s.staff = staffws.New(kit{s}, store, s.proc, staffws.Config{Now: cfg.Now, BackupEvery: cfg.BackupEvery, Log: cfg.Log})
	s.portal = clientportal.New(kit{s}, store, s.proc, cfg.Now)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
