package journey

import (
	"context"
	"time"
)

// Audit outcomes.
const (
	AuditSuccess = "success"
	AuditDenied  = "denied"
	AuditFailure = "failure"
)

// AuditEntry is one line of the audit trail (ONC 170.315(d)(2)): who did
// what to which record, when, from where, and how it went. It holds ids,
// never PHI: Detail is a short non-identifying note.
type AuditEntry struct {
	Seq         int64
	Time        time.Time
	ActorID     int64 // 0 for an anonymous visitor or an unknown account
	ActorRole   string
	Action      string // e.g. "signin.success", "consult.read"
	SubjectType string // e.g. "consult", "user"
	SubjectID   string
	ClientAddr  string
	Outcome     string
	Reason      string // break-glass reason
	Detail      string
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	ActorID     int64
	SubjectType string
	SubjectID   string
	Action      string // a prefix: "signin" matches signin.success and signin.failure
	From, To    time.Time
	AfterSeq    int64 // for paging through the whole trail in order
	Limit       int
}

// AuditService records and reads the audit trail.
type AuditService interface {
	// Audit records e; it returns once the entry is queued for the next
	// write, which seals it into the chain.
	Audit(ctx context.Context, e *AuditEntry)
	// FindAudit returns matching entries, oldest first.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
