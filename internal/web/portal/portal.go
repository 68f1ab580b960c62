// Package portal is the client portal's handlers: the client's path as a
// timeline, their tasks, the intake in steps and read back, the
// questionnaires, the consents, the crisis resources. Every page is the
// signed-in client's own: nothing here takes a client id from the URL.
// Its routes and their permissions are declared in internal/web/routes.go;
// its templates are in internal/web/templates/portal, drawn by the shared
// renderer through webkit.Kit. It imports neither internal/web nor any
// other audience. Joining the portal and the forms carried through
// signing in stay in internal/web: sessions are web's own.
package portal

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Reads is what the portal reads from the store itself: the signed-in
// client's own record, found by their user id and never by an id from
// the URL, and its parts. Every change goes through Processing.
type Reads interface {
	FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error)
	FindConsultByID(ctx context.Context, id int64) (*journey.Consult, error) // the client's own consult's zone
	FindIntake(ctx context.Context, clientID int64) (*journey.Intake, error)
	FindScreening(ctx context.Context, clientID int64) (*journey.Screening, error)
	LatestResponses(ctx context.Context, clientID int64) ([]*journey.Response, error)
	FindClearances(ctx context.Context, clientID int64) ([]*journey.Clearance, error)
	FindConsentSignatures(ctx context.Context, clientID int64) ([]*journey.ConsentSignature, error)
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
	CurrentRuleSet(ctx context.Context) (*journey.RuleSet, error) // the intake's questions follow the rules in force
	webkit.MeasureReader
	SessionsReads // where the client's sessions are (sessions.go)
}

// Processing is the part of internal/processing the portal calls: each
// method applies its rule and writes its audit entry.
type Processing interface {
	ReplyToClearance(ctx context.Context, a *journey.Actor, id int64, reply, via string) error
	SaveIntakeStep(ctx context.Context, a *journey.Actor, id int64, step string, in *journey.Intake) (*journey.Intake, error)
	SignConsent(ctx context.Context, a *journey.Actor, id int64, code, typedName, addr string, invalid error, detail string) (*journey.ConsentSignature, error)
	webkit.SignedCopier      // the client's signed copy
	webkit.MeasureProcessing // the questionnaires
	// Audit records that the client read a part of their own record: the
	// portal's pages find it by the signed-in user, so no record rule
	// stands between them and it, only the entry.
	Audit(ctx context.Context, a *journey.Actor, e processing.Entry)

	// The plan, the monitor and the check-in (plan.go).
	PlanProcessing

	// Text reminders and calendar links (reminders.go).
	ReminderProcessing
	// Booking their own sessions (book.go).
	BookingProcessing
	// The preparation plan, the morning-after check-in and the journal (aftercare.go).
	AftercareProcessing
	// Their sessions: seeing, moving and cancelling them (sessions.go).
	SessionsProcessing
	// Their billing: balances, superbills, statements (billing.go).
	BillingProcessing
	// Paying by card (cardpay.go).
	CardPayProcessing
	// Their Good Faith Estimates (estimates.go).
	EstimateProcessing
}

// Handler holds the client portal's handlers.
type Handler struct {
	kit   webkit.Kit
	store Reads
	proc  Processing
	now   journey.Clock
}

// New returns the portal's handlers over kit, store and proc.
func New(kit webkit.Kit, store Reads, proc Processing, now journey.Clock) *Handler {
	return &Handler{kit: kit, store: store, proc: proc, now: now}
}

// audit records what the signed-in client read of their own record
// (processing.Audit); layers_test.go counts the calls.
func (s *Handler) audit(r *http.Request, action, subjectType string, subjectID any, outcome, detail string) {
	s.proc.Audit(r.Context(), s.kit.Who(r), processing.Entry{Action: action, SubjectType: subjectType, SubjectID: subjectID,
		Outcome: outcome, Detail: detail})
}
