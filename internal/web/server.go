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
)

// Store is everything the web layer reads and changes.
type Store interface {
	journey.PracticeService
	journey.FAQService
	journey.TherapistService
	journey.ConsultService
	journey.StaffProfileService
	// Versions returns change counters: calendar moves when open slots may
	// have changed, content when the practice, FAQ or therapists did.
	Versions(ctx context.Context) (calendar, content int64, err error)
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// AuditBacklog reports since when the audit trail cannot be written
	// (zero while it is) and how many entries wait.
	AuditBacklog() (since time.Time, waiting int)
	journey.BackupService

	journey.AccountService
	journey.AuditService
	TOTPState(ctx context.Context, userID int64) (secret string, enrolled bool, lastStep int64, err error)
	SetPendingTOTP(ctx context.Context, userID int64, secret string) error
	ConfirmTOTP(ctx context.Context, userID, step int64, recoveryHashes []string) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	UnusedRecoveryCodes(ctx context.Context, userID int64) ([]string, error)
	UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error)
	SigninFailures(ctx context.Context, key string) (int, time.Time, error)
	RecordSigninFailure(ctx context.Context, keys ...string) error
	ClearSigninFailures(ctx context.Context, key string) error
	SetConsultStatus(ctx context.Context, id int64, status string) (*journey.Consult, error)
	CreateAPIToken(ctx context.Context, userID int64, name, hash string, expires time.Time) (int64, error)
	FindAPIToken(ctx context.Context, hash string) (tokenID, userID int64, err error)
	FindAPITokens(ctx context.Context, userID int64) ([]journey.APIToken, error)
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) error
	FindUserSessions(ctx context.Context, userID int64) ([]*journey.Session, error)
	EndUserSession(ctx context.Context, userID, sessionID int64) error
	DeactivateUser(ctx context.Context, userID int64) error
	SetRoles(ctx context.Context, userID int64, roles []string) error
	CreateInvitation(ctx context.Context, inv *journey.Invitation, token string) error
	FindInvitationByToken(ctx context.Context, token string) (*journey.Invitation, error)
	AcceptInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error)
	RequestPasswordReset(ctx context.Context, email string) error
	PasswordResetUser(ctx context.Context, token string) (*journey.User, error)
	ResetPassword(ctx context.Context, token, passwordHash string) (*journey.User, error)

	// Clients, intake, measures, screening, consent and clearance.
	CreateClient(ctx context.Context, n *journey.NewClient, token string) (*journey.Client, error)
	ReinviteClient(ctx context.Context, clientID, by int64, token string) error
	FindClientInvitation(ctx context.Context, token string) (*journey.Client, error)
	AcceptClientInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error)
	FindClientByID(ctx context.Context, id int64) (*journey.Client, error)
	FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error)
	FindClients(ctx context.Context, f journey.ClientFilter) ([]*journey.Client, int, error)
	AddCareMember(ctx context.Context, clientID, userID int64) error
	RemoveCareMember(ctx context.Context, clientID, userID int64) error
	FindIntake(ctx context.Context, clientID int64) (*journey.Intake, error)
	SaveIntakeStep(ctx context.Context, clientID int64, step string, from *journey.Intake) (*journey.Intake, error)
	CreateResponse(ctx context.Context, clientID int64, code string, answers []int, by int64) (*journey.Response, []*journey.Alert, error)
	FindResponses(ctx context.Context, clientID int64, code string, limit int) ([]*journey.Response, error)
	LatestResponses(ctx context.Context, clientID int64) ([]*journey.Response, error)
	CurrentRuleSet(ctx context.Context) (*journey.RuleSet, error)
	FindRuleSets(ctx context.Context) ([]*journey.RuleSet, error)
	UpdateRuleSet(ctx context.Context, changes []journey.Rule, note string, by int64) (*journey.RuleSet, error)
	FindScreening(ctx context.Context, clientID int64) (*journey.Screening, error)
	FindClearances(ctx context.Context, clientID int64) ([]*journey.Clearance, error)
	DecideClearance(ctx context.Context, c *journey.Clearance) (*journey.Clearance, error)
	ReplyToClearance(ctx context.Context, clientID int64, reply string) error
	ReviewQueue(ctx context.Context, offset, limit int) ([]*journey.ClientSummary, int, error)
	CreateConsentDocument(ctx context.Context, d *journey.ConsentDocument) error
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
	FindConsentDocument(ctx context.Context, id int64) (*journey.ConsentDocument, error)
	SignConsent(ctx context.Context, clientID int64, code, typedName, clientAddr string) (*journey.ConsentSignature, error)
	FindConsentSignatures(ctx context.Context, clientID int64) ([]*journey.ConsentSignature, error)
	FindAlerts(ctx context.Context, forUser, clientID int64, openOnly bool, limit int) ([]*journey.Alert, error)
	FindAlert(ctx context.Context, id int64) (*journey.Alert, error)
	AcknowledgeAlert(ctx context.Context, id, by int64, note string) error
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
}

// Server is the HTTP handler of Journey.
type Server struct {
	cfg     Config
	store   Store
	proc    *processing.Processor // record rules, audit and orchestration (internal/processing)
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
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
