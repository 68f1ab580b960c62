// Package api is the JSON API (/api/v1): the public catalogue and booking
// with its manage link, and the staff's and clients' calls with a Bearer
// token or a session. Every answer is JSON or RFC 9457 problem+json
// (webkit.Kit's APIError), never a page; its response types are its own,
// so adding a field to a domain type never publishes it. Its routes and
// their permissions are declared in internal/web/routes.go, its document
// in openapi.json beside it. It imports neither internal/web nor any
// other audience.
package api

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Reads is what the API reads from the store itself: the public
// catalogue, the open slots, and the caller's own client record (found by
// the signed-in user, never an id). Every guarded record and every change
// goes through Processing.
type Reads interface {
	FindTherapists(ctx context.Context, onlyActive bool) ([]*journey.Therapist, error)
	FindFAQ(ctx context.Context, onlyPublished bool) ([]*journey.FAQEntry, error)
	FindSlots(ctx context.Context, q journey.SlotQuery) ([]journey.Slot, error)
	ResendManageLink(ctx context.Context, email string) error
	FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error)
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
	// FindScreening reads a client's screening once processing has let a
	// change to it through (the client's reply to a question).
	FindScreening(ctx context.Context, clientID int64) (*journey.Screening, error)

	// The settings as they stand.
	FindPractice(ctx context.Context) (*journey.Practice, error)
	FindBookingSettings(ctx context.Context) (*journey.BookingSettings, error)
	FindEmailTemplates(ctx context.Context) ([]*journey.EmailTemplate, error)
	CurrentRuleSet(ctx context.Context) (*journey.RuleSet, error)
	FindStaffProfile(ctx context.Context, id int64) (*journey.StaffProfile, error)
}

// Processing is the part of internal/processing the API calls: each
// method applies its record rule and writes its audit entry, as it does
// for the page that does the same.
type Processing interface {
	// Booking and the manage link.
	Book(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (c *journey.Consult, held bool, err error)
	ManagedConsult(ctx context.Context, a *journey.Actor, token, via string) (*journey.Consult, error)
	RescheduleManaged(ctx context.Context, a *journey.Actor, token string, start time.Time, therapist int64, via string) (*journey.Consult, error)
	CancelManaged(ctx context.Context, a *journey.Actor, token, reason, via string) (*journey.Consult, error)

	// Consults for staff.
	Consults(ctx context.Context, a *journey.Actor, f journey.ConsultFilter, via string) ([]*journey.Consult, int, error)
	ReadConsult(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Consult, error)
	BookConsult(ctx context.Context, a *journey.Actor, req *journey.BookingRequest, via string) (*journey.Consult, error)
	MoveConsult(ctx context.Context, a *journey.Actor, id int64, start time.Time, therapist int64, invalid error, via string) (*journey.Consult, error)
	CancelConsult(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Consult, error)

	// Client records.
	Clients(ctx context.Context, a *journey.Actor, f journey.ClientFilter, via string) ([]*journey.Client, int, error)
	ClientRecord(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.ClientRecord, error)
	Screening(ctx context.Context, a *journey.Actor, id int64, via string) (sc *journey.Screening, clinical bool, err error)
	Consult(ctx context.Context, a *journey.Actor, id int64) (*journey.Consult, error)
	CreateClient(ctx context.Context, a *journey.Actor, n *journey.NewClient) (*journey.Client, error)
	ReinviteClient(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Client, error)
	ChangeCareTeam(ctx context.Context, a *journey.Actor, id, member int64, remove bool) (*journey.Client, error)

	// What a client does for themselves (and staff, by the record rules).
	CreateResponse(ctx context.Context, a *journey.Actor, id int64, code string, answers []int) (*journey.Response, error)
	Responses(ctx context.Context, a *journey.Actor, id int64, code string, limit int, where string) ([]*journey.Response, error)
	Intake(ctx context.Context, a *journey.Actor, id int64, where string) (*journey.Intake, error)
	SaveIntakeStep(ctx context.Context, a *journey.Actor, id int64, step string, in *journey.Intake) (*journey.Intake, error)
	ConsentSignatures(ctx context.Context, a *journey.Actor, id int64, where string) ([]*journey.ConsentSignature, error)
	SignConsent(ctx context.Context, a *journey.Actor, id int64, code, typedName, addr string, invalid error, detail string) (*journey.ConsentSignature, error)
	ReplyToClearance(ctx context.Context, a *journey.Actor, id int64, reply, via string) error

	// The medical review.
	ReviewQueue(ctx context.Context, a *journey.Actor, offset, limit int, via string) ([]*journey.ClientSummary, int, error)
	DecideClearance(ctx context.Context, a *journey.Actor, id int64, cl *journey.Clearance, invalid error) (*journey.Client, *journey.Clearance, error)
	Clearances(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Clearance, error)

	// Practice settings, each change a version.
	UpdatePractice(ctx context.Context, a *journey.Actor, pr *journey.Practice, invalid error, action, detail string) error
	UpdateBookingSettings(ctx context.Context, a *journey.Actor, st *journey.BookingSettings, invalid error) error
	CreateConsentDocument(ctx context.Context, a *journey.Actor, d *journey.ConsentDocument, via string) error
	UpdateRuleSet(ctx context.Context, a *journey.Actor, changes []journey.Rule, note string, invalid error, via string) (*journey.RuleSet, error)
	SaveEmailTemplate(ctx context.Context, a *journey.Actor, t *journey.EmailTemplate, via string) error
	SetLogo(ctx context.Context, a *journey.Actor, data []byte, via string) (*journey.Logo, error)
	RemoveLogo(ctx context.Context, a *journey.Actor, via string) error
	SettingsVersions(ctx context.Context, a *journey.Actor, kind string, limit int) ([]*journey.SettingsVersion, error)
	RestoreSettingsVersion(ctx context.Context, a *journey.Actor, kind string, version int) (*journey.SettingsVersion, error)
	UpdateStaffProfile(ctx context.Context, a *journey.Actor, pr *journey.StaffProfile, via string) error

	// Staff and safety alerts.
	StaffList(ctx context.Context, a *journey.Actor, detail func(n int) string) ([]*journey.User, error)
	Alerts(ctx context.Context, a *journey.Actor, open bool, limit int, via string, auditEmpty bool) ([]*journey.Alert, error)
	AcknowledgeAlert(ctx context.Context, a *journey.Actor, id int64, note string) (*journey.Alert, error)

	// The plan, the gates and remote sessions (plan.go).
	PlanProcessing

	// Calendar feeds, text consent, failed deliveries, reminder settings (reminders.go).
	ReminderProcessing
	// When a session can be held (sessionslots.go).
	SlotProcessing
	// Care sessions, rooms and clinical hours (sessions.go, rooms.go).
	SessionProcessing
	RoomProcessing
	// The medicine session's run sheet (runsheet.go).
	RunSheetProcessing
	// The controlled-substance log and administrations (inventory.go).
	InventoryProcessing
	// Clinical notes (notes.go).
	NoteProcessing
	// Billing entities, fee schedule, diagnoses and coverage (billing_setup.go).
	BillingSetupProcessing
	ChargeProcessing
	// Superbills and statements (documents.go).
	DocumentProcessing
	// Refunds of card payments through the processor (cardpay.go).
	CardRefundProcessing
	EstimateProcessing
}

// Handler holds the API's handlers.
type Handler struct {
	kit   webkit.Kit
	store Reads
	proc  Processing
	now   journey.Clock
}

// New returns the API's handlers over kit, store and proc.
func New(kit webkit.Kit, store Reads, proc Processing, now journey.Clock) *Handler {
	return &Handler{kit: kit, store: store, proc: proc, now: now}
}

// clientID returns the path's client {id}, or answers 404 and returns
// false.
func (s *Handler) clientID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.APIError(w, r, err)
		return 0, false
	}
	return id, true
}
