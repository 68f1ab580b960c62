package processing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// Entry is what an audit entry says beyond who wrote it: the actor's id,
// role and address come from the actor.
type Entry struct {
	Action      string // e.g. "client.read"
	SubjectType string // e.g. "client"
	SubjectID   any    // an id; nil, "" or int64(0) for none
	Outcome     string // journey.AuditSuccess, AuditDenied or AuditFailure
	Reason      string // what a person gave as the reason (break-glass, a cancellation)
	Detail      string // a short note with ids, never PHI
}

// Audit records e for actor a: the one way Journey writes its audit trail,
// whoever calls (a page, the API, the CLI, a job). a may be an anonymous
// visitor (no User) with only an address, or a person not yet signed in.
// Entries carry ids and never PHI.
func (p *Processor) Audit(ctx context.Context, a *journey.Actor, e Entry) {
	p.store.Audit(ctx, auditEntry(a, e))
}

// auditEntry builds the stored entry for a and e.
func auditEntry(a *journey.Actor, e Entry) *journey.AuditEntry {
	out := &journey.AuditEntry{Action: e.Action, SubjectType: e.SubjectType, SubjectID: fmt.Sprint(e.SubjectID),
		Outcome: e.Outcome, Reason: e.Reason, Detail: e.Detail}
	if e.SubjectID == nil || e.SubjectID == "" || e.SubjectID == int64(0) {
		out.SubjectID = ""
	}
	if a != nil {
		out.ClientAddr = a.ClientAddr
		if a.User != nil {
			out.ActorID, out.ActorRole = a.User.ID, strings.Join(a.User.Roles, ",")
		}
	}
	return out
}

// denied records that a refused a record, and returns the "not found" the
// caller answers, so ids cannot be probed.
func (p *Processor) denied(ctx context.Context, a *journey.Actor, action, kind string, id int64, detail, notFound string) error {
	p.Audit(ctx, a, Entry{Action: action, SubjectType: kind, SubjectID: id, Outcome: journey.AuditDenied, Detail: detail})
	return journey.Errorf(journey.ENOTFOUND, "%s", notFound)
}

// attempt returns invalid, the caller's refusal of what was typed, when
// there is one, and otherwise what do returns: a refused change is audited
// as failed like one the store refused.
func attempt(invalid error, do func() error) error {
	if invalid != nil {
		return invalid
	}
	return do()
}

// outcome is the audit outcome of err.
func outcome(err error) string {
	if err != nil {
		return journey.AuditFailure
	}
	return journey.AuditSuccess
}

// MaxAuditIDs bounds the ids one audit entry names; lists are paged far
// below it, except the consult list (500).
const MaxAuditIDs = 500

// IDList names the records a list showed, for the audit trail: "clients
// 3, 7, 9". A list is read access to each record on it.
func IDList[T any](what string, xs []T, id func(T) int64) string {
	if len(xs) == 0 {
		return "no " + what
	}
	var b strings.Builder
	b.WriteString(what)
	for i, x := range xs {
		if i == MaxAuditIDs {
			fmt.Fprintf(&b, " and %d more", len(xs)-i)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(id(x), 10))
	}
	return b.String()
}

// Console returns the actor of a command run at the server's console
// (cmd/journey) on behalf of user id: audited with the role "cli" and the
// address "local", as no request carries them.
func Console(userID int64) *journey.Actor {
	return &journey.Actor{User: &journey.User{ID: userID, Roles: []string{"cli"}, Active: true}, ClientAddr: "local", Verified: true}
}
