// Package processing is the layer every way into Journey calls to read or
// change a record: the pages and the API (internal/web), the CLI
// (cmd/journey) and the jobs. Each method takes the actor and does, in
// this order, the record rule (from the root policy.go, the one policy
// table), the store call and the audit entry, and returns domain values or
// a journey.Error. A check written here is written once: a page and the
// API route for the same thing call the same method. A file per
// capability (clients.go, alerts.go, consults.go, breakglass.go); audit.go
// is the one way an entry is written.
package processing

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// Store is what the processing layer reads and changes.
type Store interface {
	Audit(ctx context.Context, e *journey.AuditEntry)
	FindClientByID(ctx context.Context, id int64) (*journey.Client, error)
	FindClients(ctx context.Context, f journey.ClientFilter) ([]*journey.Client, int, error)
	ReviewQueue(ctx context.Context, offset, limit int) ([]*journey.ClientSummary, int, error)
	FindConsentSignatures(ctx context.Context, clientID int64) ([]*journey.ConsentSignature, error)
	FindIntake(ctx context.Context, clientID int64) (*journey.Intake, error)
	FindScreening(ctx context.Context, clientID int64) (*journey.Screening, error)
	LatestResponses(ctx context.Context, clientID int64) ([]*journey.Response, error)
	FindClearances(ctx context.Context, clientID int64) ([]*journey.Clearance, error)
	FindAlerts(ctx context.Context, forUser, clientID int64, openOnly bool, limit int) ([]*journey.Alert, error)
	FindAlert(ctx context.Context, id int64) (*journey.Alert, error)
	AcknowledgeAlert(ctx context.Context, id, by int64, note string) error
	AddCareMember(ctx context.Context, clientID, userID int64) error
	RemoveCareMember(ctx context.Context, clientID, userID int64) error
	ReinviteClient(ctx context.Context, clientID, by int64, token string) error
	SignConsent(ctx context.Context, clientID int64, code, typedName, clientAddr string) (*journey.ConsentSignature, error)
	SaveIntakeStep(ctx context.Context, clientID int64, step string, from *journey.Intake) (*journey.Intake, error)
	CreateResponse(ctx context.Context, clientID int64, code string, answers []int, by int64) (*journey.Response, []*journey.Alert, error)
	FindResponses(ctx context.Context, clientID int64, code string, limit int) ([]*journey.Response, error)
	DecideClearance(ctx context.Context, c *journey.Clearance) (*journey.Clearance, error)
	ReplyToClearance(ctx context.Context, clientID int64, reply string) error
	UpdateRuleSet(ctx context.Context, changes []journey.Rule, note string, by int64) (*journey.RuleSet, error)
	CreateConsentDocument(ctx context.Context, d *journey.ConsentDocument) error
	UpdateBookingSettings(ctx context.Context, s *journey.BookingSettings) error
	UpdatePractice(ctx context.Context, p *journey.Practice) error
	journey.SettingsVersionService
	SetLogo(ctx context.Context, l *journey.Logo) error
	RemoveLogo(ctx context.Context) error
	SaveEmailTemplate(ctx context.Context, t *journey.EmailTemplate) error
	CreateFAQEntry(ctx context.Context, e *journey.FAQEntry) error
	CreateFAQEntries(ctx context.Context, es []*journey.FAQEntry) error
	UpdateFAQEntry(ctx context.Context, e *journey.FAQEntry) error
	UpdateStaffProfile(ctx context.Context, p *journey.StaffProfile) error
	SetConsultHours(ctx context.Context, staffID int64, h *journey.ConsultHours) error
	FindUserByID(ctx context.Context, id int64) (*journey.User, error)
	CreateAPIToken(ctx context.Context, userID int64, name, hash string, expires time.Time) (int64, error)
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) error
	EndUserSession(ctx context.Context, userID, sessionID int64) error
	DeactivateUser(ctx context.Context, userID int64) error
	SetRoles(ctx context.Context, userID int64, roles []string) error
	FindBookingSettings(ctx context.Context) (*journey.BookingSettings, error)
	HoldConsult(ctx context.Context, r *journey.BookingRequest) error
	ConfirmHold(ctx context.Context, token string) (*journey.Consult, error)
	FindConsultByToken(ctx context.Context, token string) (*journey.Consult, error)
	RescheduleConsult(ctx context.Context, token string, start time.Time, therapistID int64) (*journey.Consult, error)
	CancelConsult(ctx context.Context, token, reason string) (*journey.Consult, error)
	CreateClient(ctx context.Context, n *journey.NewClient, token string) (*journey.Client, error)
	FindConsentDocument(ctx context.Context, id int64) (*journey.ConsentDocument, error)
	FindUsers(ctx context.Context, kind string) ([]*journey.User, error)
	FindConsultByID(ctx context.Context, id int64) (*journey.Consult, error)
	FindConsults(ctx context.Context, f journey.ConsultFilter) ([]*journey.Consult, int, error)
	CreateConsult(ctx context.Context, r *journey.BookingRequest) (*journey.Consult, error)
	RescheduleConsultByID(ctx context.Context, id int64, start time.Time, therapistID int64) (*journey.Consult, error)
	CancelConsultByID(ctx context.Context, id int64, reason string) (*journey.Consult, error)
	SetConsultStatus(ctx context.Context, id int64, status string) (*journey.Consult, error)
	PlanStore
	SessionStore
	SessionSlotStore
	ReminderStore
	CalendarStore
	MedicineStore
	InventoryStore
	NoteStore
	AftercareStore
	BillingSetupStore
	BillingReportsStore
	ChargeStore
	EstimateStore
	DocumentStore
	CardPayStore
}

// Processor applies Journey's record rules and audit around the store.
type Processor struct {
	store Store
	cards journey.CardProcessor // nil: no card payment (cardpay.go)
}

// New returns a processor over store.
func New(store Store) *Processor { return &Processor{store: store} }
