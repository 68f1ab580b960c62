// Package staff is the staff workspace's handlers: the pages a member of
// staff works in, drawn in the workspace's frame
// (templates/staff/layout_staff.html, whose navigation internal/web draws
// from the routes' permissions). Its routes and their permissions are
// declared in internal/web/routes.go; its templates are in
// internal/web/templates/staff, drawn by the shared renderer through
// webkit.Kit. It imports neither internal/web nor any other audience.
// New staff screens (calendar, run sheet, billing) are written here.
package staff

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Reads is what the staff workspace reads from the store itself: what
// any member of staff may see of the practice (its people and therapists,
// their own API tokens, the rule set, the backups' state), and the parts
// of a record processing already let through (the review screen's
// intake). Every guarded record and every change goes through Processing.
type Reads interface {
	FindUsers(ctx context.Context, kind string) ([]*journey.User, error)
	FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error)
	FindAPITokens(ctx context.Context, userID int64) ([]journey.APIToken, error)
	CurrentRuleSet(ctx context.Context) (*journey.RuleSet, error)
	FindIntake(ctx context.Context, clientID int64) (*journey.Intake, error) // of a client processing let through
	BackupStatus(ctx context.Context) (journey.BackupStatus, error)

	// The settings pages: the practice, its texts and rules as they stand.
	FindPractice(ctx context.Context) (*journey.Practice, error)
	SetupProgress(ctx context.Context) (journey.SetupProgress, error)
	FindBookingSettings(ctx context.Context) (*journey.BookingSettings, error)
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
	FindEmailTemplates(ctx context.Context) ([]*journey.EmailTemplate, error)
	FindEmailTemplateHistory(ctx context.Context, kind string, limit int) ([]*journey.EmailTemplate, error)
	FindFAQ(ctx context.Context, onlyPublished bool) ([]*journey.FAQEntry, error)
	FindRuleSets(ctx context.Context) ([]*journey.RuleSet, error)
	// A member of staff's profile and hours (the route's permission, or
	// one's own).
	FindUserByID(ctx context.Context, id int64) (*journey.User, error)
	FindStaffProfile(ctx context.Context, id int64) (*journey.StaffProfile, error)
	FindTherapistByID(ctx context.Context, id int64) (*journey.Therapist, error)

	// The audit screen and its export (the route's permission), and the
	// person a filter names by address.
	FindAudit(ctx context.Context, f journey.AuditFilter) ([]*journey.AuditEntry, error)
	EachAudit(ctx context.Context, f journey.AuditFilter, fn func(*journey.AuditEntry) error) error
	FindUserByEmail(ctx context.Context, email string) (*journey.User, error)

	webkit.MeasureReader // a questionnaire given in session shows the last one

	// The practice's rooms, for the calendar's names and choices.
	FindRooms(ctx context.Context) ([]*journey.Room, error)
	// The practice's locations, where controlled substances are kept.
	FindLocations(ctx context.Context) ([]*journey.Location, error)
}

// Processing is the part of internal/processing the staff workspace
// calls: each method applies its record rule and writes its audit entry,
// as it does for the API call that does the same.
type Processing interface {
	// Today.
	Today(ctx context.Context, a *journey.Actor, now time.Time, loc *time.Location) (*processing.Today, error)

	// Consults.
	Consults(ctx context.Context, a *journey.Actor, f journey.ConsultFilter, via string) ([]*journey.Consult, int, error)
	Consult(ctx context.Context, a *journey.Actor, id int64) (*journey.Consult, error)
	ReadConsult(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Consult, error)
	BookConsult(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (*journey.Consult, error)
	MoveConsult(ctx context.Context, a *journey.Actor, id int64, start time.Time, therapist int64, invalid error, via string) (*journey.Consult, error)
	CancelConsult(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Consult, error)
	SetConsultStatus(ctx context.Context, a *journey.Actor, id int64, status string) (*journey.Consult, error)

	// Clients and their records.
	Client(ctx context.Context, a *journey.Actor, id int64, action string, rule processing.Rule) (*journey.Client, error)
	Clients(ctx context.Context, a *journey.Actor, f journey.ClientFilter, via string) ([]*journey.Client, int, error)
	ClientRecord(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientRecord, error)
	ClinicalRecord(ctx context.Context, a *journey.Actor, c *journey.Client, openAlerts bool) (*processing.ClinicalRecord, error)
	CreateClient(ctx context.Context, a *journey.Actor, n *journey.NewClient) (*journey.Client, error)
	ReinviteClient(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Client, error)
	ChangeCareTeam(ctx context.Context, a *journey.Actor, id, member int64, remove bool) (*journey.Client, error)

	// Breaking the glass: a record outside one's list, opened with a reason.
	BreakGlassOffered(ctx context.Context, a *journey.Actor, kind string, id int64) (bool, error)
	BreakGlassClient(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*processing.ClientRecord, error)
	BreakGlassConsult(ctx context.Context, a *journey.Actor, id int64, reason string) (*journey.Consult, error)

	// The medical review.
	ReviewQueue(ctx context.Context, a *journey.Actor, offset, limit int, via string) ([]*journey.ClientSummary, int, error)
	DecideClearance(ctx context.Context, a *journey.Actor, id int64, cl *journey.Clearance, invalid error) (*journey.Client, *journey.Clearance, error)

	// Audit records what a screen showed (the review screen), beside the
	// entries of the methods that did the work.
	Audit(ctx context.Context, a *journey.Actor, e processing.Entry)

	// Staff.
	StaffList(ctx context.Context, a *journey.Actor, detail func(n int) string) ([]*journey.User, error)
	StaffMember(ctx context.Context, id int64) (*journey.User, error)
	DeactivateStaff(ctx context.Context, a *journey.Actor, id int64) error
	SetStaffRoles(ctx context.Context, a *journey.Actor, id int64, roles []string) error
	UpdateStaffProfile(ctx context.Context, a *journey.Actor, pr *journey.StaffProfile, via string) error
	SetConsultHours(ctx context.Context, a *journey.Actor, id int64, h *journey.ConsultHours, invalid error) error

	// Practice settings, each change a version.
	UpdatePractice(ctx context.Context, a *journey.Actor, pr *journey.Practice, invalid error, action, detail string) error
	UpdateBookingSettings(ctx context.Context, a *journey.Actor, st *journey.BookingSettings, invalid error) error
	CreateConsentDocument(ctx context.Context, a *journey.Actor, d *journey.ConsentDocument, via string) error
	StaleRules(ctx context.Context, a *journey.Actor, current int, posted string) error
	UpdateRuleSet(ctx context.Context, a *journey.Actor, changes []journey.Rule, note string, invalid error, via string) (*journey.RuleSet, error)
	SaveEmailTemplate(ctx context.Context, a *journey.Actor, t *journey.EmailTemplate, via string) error
	AddStarterFAQ(ctx context.Context, a *journey.Actor, entries []*journey.FAQEntry, invalid error) error
	UpdateFAQEntry(ctx context.Context, a *journey.Actor, e *journey.FAQEntry) error
	SetLogo(ctx context.Context, a *journey.Actor, data []byte, via string) (*journey.Logo, error)
	RemoveLogo(ctx context.Context, a *journey.Actor, via string) error
	SettingsVersions(ctx context.Context, a *journey.Actor, kind string, limit int) ([]*journey.SettingsVersion, error)
	RestoreSettingsVersion(ctx context.Context, a *journey.Actor, kind string, version int) (*journey.SettingsVersion, error)

	// A questionnaire given in session, a signed consent's copy.
	webkit.MeasureProcessing
	webkit.SignedCopier

	// Safety alerts.
	Alerts(ctx context.Context, a *journey.Actor, open bool, limit int, via string, auditEmpty bool) ([]*journey.Alert, error)
	AcknowledgeAlert(ctx context.Context, a *journey.Actor, id int64, note string) (*journey.Alert, error)

	// The person's own API tokens.
	CreateAPIToken(ctx context.Context, a *journey.Actor, name string, expires time.Time, via string) (string, error)
	RevokeAPIToken(ctx context.Context, a *journey.Actor, id int64) error

	// The plan and its gates (plan.go), the care path's settings (caresettings.go).
	PlanProcessing

	// Calendar links, failed deliveries, reminder settings (reminders.go).
	ReminderProcessing
	CareSettingsProcessing
	RunSheetProcessing
	// A session's clinical notes (notes.go).
	NoteProcessing
	// A client's check-ins and shared journal (aftercare.go).
	AftercareProcessing
	// Locations, rooms and clinical hours (rooms.go), session types (sessiontypes.go).
	RoomsProcessing
	SessionTypesProcessing

	// The calendar and booking from it (calendar.go).
	CalendarProcessing
	// A session's own page: move, cancel, run, a group's clients (session.go).
	SessionProcessing
	ChargeProcessing
	// The controlled-substance log and its reports (inventory*.go).
	InventoryProcessing
	DoseProcessing
	// Billing setup, a client's diagnoses and coverage (billing_setup.go).
	BillingSetupProcessing
	// The practice's billing reports (billing_reports.go).
	BillingReportsProcessing
	// A client's superbills and statements (documents.go).
	DocumentProcessing
	// A client's Good Faith Estimates (estimates.go).
	EstimateProcessing
}

// Config is what the staff workspace is told by cmd/journey.
type Config struct {
	Now journey.Clock
	// BackupEvery is the scheduled backups' interval, 0 when they are
	// off: an admin's Today says when one failed or is overdue.
	BackupEvery time.Duration
	// Log takes what a member of staff cannot be shown (an export broken
	// off); never PHI.
	Log *slog.Logger
}

// Handler holds the staff workspace's handlers.
type Handler struct {
	kit   webkit.Kit
	store Reads
	proc  Processing
	now   journey.Clock
	cfg   Config
}

// New returns the staff workspace's handlers over kit, store and proc.
func New(kit webkit.Kit, store Reads, proc Processing, cfg Config) *Handler {
	return &Handler{kit: kit, store: store, proc: proc, now: cfg.Now, cfg: cfg}
}

// clientFor returns the client named by the path's {id} when the actor
// passes rule (processing.Client: a refusal is "not found", audited with
// action).
func (s *Handler) clientFor(r *http.Request, action string, rule processing.Rule) (*journey.Client, error) {
	id, err := webkit.ClientID(r)
	if err != nil {
		return nil, err
	}
	return s.proc.Client(r.Context(), s.kit.Who(r), id, action, rule)
}

// audit records what a screen showed, beside the audit entries of the
// processing methods that did the work; layers_test.go counts the calls.
func (s *Handler) audit(r *http.Request, action, subjectType string, subjectID any, outcome, detail string) {
	s.proc.Audit(r.Context(), s.kit.Who(r), processing.Entry{Action: action, SubjectType: subjectType, SubjectID: subjectID,
		Outcome: outcome, Detail: detail})
}
