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

// AuditFilter selects audit entries; zero fields do not filter. AfterSeq
// and BeforeSeq page by seq (keyset paging): a page is the Limit entries
// next to the last one shown, so entries written meanwhile never shift it.
type AuditFilter struct {
	ActorID     int64
	SubjectType string
	SubjectID   string
	Action      string // whole words of the action: "signin" matches signin.success and signin.failure
	From, To    time.Time
	AfterSeq    int64 // only entries after this one
	BeforeSeq   int64 // only entries before this one
	Newest      bool  // newest first; oldest first otherwise
	Limit       int   // at most MaxAuditPage; 0 means MaxAuditPage
}

// MaxAuditPage bounds the entries one FindAudit call returns.
const MaxAuditPage = 1000

// AuditService records and reads the audit trail.
type AuditService interface {
	// Audit records e; it returns once the entry is queued for the next
	// write, which seals it into the chain.
	Audit(ctx context.Context, e *AuditEntry)
	// FindAudit returns one page of matching entries, oldest first unless
	// f.Newest.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
	// EachAudit calls fn with every matching entry, in f's order, however
	// many: it reads them in batches, holding one batch in memory at a
	// time, and stops at the first error, its own or fn's. f.Limit is
	// ignored.
	EachAudit(ctx context.Context, f AuditFilter, fn func(*AuditEntry) error) error
}
