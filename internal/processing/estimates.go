package processing

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
)

// Good Faith Estimates (No Surprises Act). A client who pays for some of
// their care themselves (journey.NeedsEstimate) is owed an estimate of
// its expected charges: when a session is booked (due by
// journey.EstimateDueBy), when they ask (journey.EstimateRequestDue) and
// when their plan changes. Each of these opens a request; the job queue
// issues it at once, well before its deadline, by IssueEstimateRequest:
// the client's plan priced by the fee schedule (journey.WorkOutEstimates),
// a PDF per entity and charge type, stored with the request marked done
// and the email queued in one transaction. Reading is CanSeeBilling (the
// front desk and admins, the client their own); asking is the client or
// CanPostBilling. Every read, request, issue and refusal is audited by
// ids.

// EstimateStore is what estimates read and change (sqldb's estimates.go,
// with the plan, billing setup and charges they are worked out from).
type EstimateStore interface {
	OpenEstimateRequest(ctx context.Context, r *journey.EstimateRequest) error
	FindEstimateRequest(ctx context.Context, id int64) (*journey.EstimateRequest, error)
	FindEstimateRequests(ctx context.Context, clientID int64, limit int) ([]*journey.EstimateRequest, error)
	FindDueEstimateRequests(ctx context.Context, before time.Time, limit int) ([]*journey.EstimateRequest, error)
	FindBookingsWithoutRequest(ctx context.Context, now time.Time, after journey.BookedSession, limit int) ([]journey.BookedSession, error)
	CreateEstimates(ctx context.Context, requestID int64, issued []journey.IssuedEstimate, by int64) error
	FindEstimates(ctx context.Context, clientID int64) ([]*journey.Estimate, error)
	FindEstimate(ctx context.Context, id int64) (*journey.Estimate, []byte, error)
	EstimateBilled(ctx context.Context, clientID int64) (map[int64]int64, error)
	FindCharges(ctx context.Context, f journey.ChargeFilter) ([]*journey.Charge, error)
	FindPractice(ctx context.Context) (*journey.Practice, error)
}

// journeyItself is the actor of what Journey does on its own (the job
// that issues estimates): no user, audited from "job".
var journeyItself = &journey.Actor{ClientAddr: "job"}

// practiceZone returns the practice's zone (UTC when unset or unknown).
func (p *Processor) practiceZone(ctx context.Context) (*journey.Practice, *time.Location, error) {
	pr, err := p.store.FindPractice(ctx)
	if err != nil {
		return nil, nil, err
	}
	loc, err := journey.LoadZone(pr.TimeZone)
	if err != nil || pr.TimeZone == "" {
		loc = time.UTC
	}
	return pr, loc, nil
}

// expectedEstimates works out client c's estimates now (unsaved), with
// the practice's zone.
func (p *Processor) expectedEstimates(ctx context.Context, c *journey.Client) ([]*journey.Estimate, *time.Location, error) {
	_, loc, err := p.practiceZone(ctx)
	if err != nil {
		return nil, nil, err
	}
	plan, err := optional(p.plan(ctx, c, loc))
	if err != nil || plan == nil {
		return nil, loc, err // not cleared yet: no plan, nothing expected
	}
	f := journey.EstimateFacts{Client: c, Plan: plan, Now: p.store.Time(), Loc: loc, Names: map[int64]string{}}
	if f.Sessions, err = p.store.FindPlanSessions(ctx, c.ID); err != nil {
		return nil, nil, err
	}
	if f.Types, err = p.store.FindSessionTypes(ctx); err != nil {
		return nil, nil, err
	}
	if f.Schedule, err = p.store.FindFeeSchedule(ctx); err != nil {
		return nil, nil, err
	}
	if f.Entities, err = p.store.FindBillingEntities(ctx); err != nil {
		return nil, nil, err
	}
	if f.Coverage, err = p.store.FindCoverage(ctx, c.ID); err != nil {
		return nil, nil, err
	}
	if f.Clinicians, err = p.store.FindBillingClinicians(ctx); err != nil {
		return nil, nil, err
	}
	if f.Diagnoses, err = p.store.FindDiagnoses(ctx, c.ID); err != nil {
		return nil, nil, err
	}
	for _, m := range c.CareTeam {
		f.Names[m.UserID] = m.Name
	}
	for _, x := range []struct {
		chargeType string
		none       *bool
	}{{journey.ChargePsychotherapy, &f.FirstPsychotherapy}, {journey.ChargePrescriber, &f.NewPatient}} {
		cs, err := p.store.FindCharges(ctx, journey.ChargeFilter{ClientID: c.ID, ChargeType: x.chargeType, Status: journey.ChargeOpen, Limit: 1})
		if err != nil {
			return nil, nil, err
		}
		*x.none = len(cs) == 0
	}
	return journey.WorkOutEstimates(f), loc, nil
}

// openRequest opens (or joins) an estimate request of reason for client
// c, due by due, audited for the actor with detail.
func (p *Processor) openRequest(ctx context.Context, a *journey.Actor, c *journey.Client, reason string, sessionID int64, due time.Time, detail string) (*journey.EstimateRequest, error) {
	r := &journey.EstimateRequest{ClientID: c.ID, Reason: reason, SessionID: sessionID, DueBy: due}
	err := p.store.OpenEstimateRequest(ctx, r)
	p.Audit(ctx, a, Entry{Action: "estimate.request", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s: request %d%s", reason, r.ID, detail)})
	return r, err
}

// estimateOnBooking opens a request for the Good Faith Estimate client c
// is owed once session s is booked, due by journey.EstimateDueBy (before
// the session when no deadline applies), unless every charge s will make that the
// client pays themselves is on a current estimate whose period holds s.
// A failure is audited and does not undo the booking: the request can
// still be made by staff or the client.
func (p *Processor) estimateOnBooking(ctx context.Context, a *journey.Actor, c *journey.Client, s *journey.CareSession, via string) {
	if c == nil || s == nil {
		return
	}
	if covered, err := p.estimateCovers(ctx, c, s); err != nil || covered {
		if err != nil {
			p.Audit(ctx, a, Entry{Action: "estimate.request", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditFailure,
				Detail: fmt.Sprintf("scheduled session %d: %s", s.ID, journey.ErrorCode(err))})
		}
		return
	}
	p.openScheduled(ctx, a, c, s, via)
}

// openScheduled opens the scheduled request session s owes client c, due
// by journey.EstimateDueBy from now (before the session when no deadline
// applies).
func (p *Processor) openScheduled(ctx context.Context, a *journey.Actor, c *journey.Client, s *journey.CareSession, via string) error {
	_, loc, err := p.practiceZone(ctx)
	if err != nil {
		return err
	}
	due, ok := journey.EstimateDueBy(p.store.Time(), s.Start, loc)
	if !ok {
		due = s.Start // no deadline applies, but an estimate is only of use before the service
	}
	_, err = p.openRequest(ctx, a, c, journey.EstimateScheduled, s.ID, due, fmt.Sprintf(" for session %d%s", s.ID, via))
	return err
}

// estimateCovers reports whether session s's charges need no new
// estimate for client c: none they pay themselves, or each on a current
// estimate of its entity and charge type whose period holds s's date.
func (p *Processor) estimateCovers(ctx context.Context, c *journey.Client, s *journey.CareSession) (bool, error) {
	fs, err := p.store.FindFeeSchedule(ctx)
	if err != nil {
		return false, err
	}
	cov, err := p.store.FindCoverage(ctx, c.ID)
	if err != nil {
		return false, err
	}
	_, loc, err := p.practiceZone(ctx)
	if err != nil {
		return false, err
	}
	date := s.Start.In(loc).Format(time.DateOnly)
	charges, _ := fs.ChargesFor(journey.ChargeFacts{Session: s, Event: journey.EventCompleted, ClientID: c.ID, Date: date,
		Minutes: int(s.End.Sub(s.Start) / time.Minute), AtHome: true})
	ests, err := p.store.FindEstimates(ctx, c.ID)
	if err != nil {
		return false, err
	}
	current := currentEstimates(ests)
	for _, ch := range charges {
		var coverage *journey.Coverage
		for _, x := range cov {
			if x.EntityID == ch.EntityID {
				coverage = x
			}
		}
		if !journey.NeedsEstimate(ch.ChargeType, coverage) {
			continue
		}
		if !slices.ContainsFunc(current, func(e *journey.Estimate) bool {
			return e.EntityID == ch.EntityID && e.ChargeType == ch.ChargeType && e.ServiceFrom <= date && date <= e.ServiceTo
		}) {
			return false, nil
		}
	}
	return true, nil
}

// currentEstimates returns the estimates of ests no other supersedes.
func currentEstimates(ests []*journey.Estimate) []*journey.Estimate {
	superseded := map[int64]bool{}
	for _, e := range ests {
		superseded[e.SupersedesID] = true
	}
	var out []*journey.Estimate
	for _, e := range ests {
		if !superseded[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// estimateOnPlanChange opens a plan-change request for client c whose
// plan was just tailored, when they had an estimate or are owed one now.
func (p *Processor) estimateOnPlanChange(ctx context.Context, a *journey.Actor, c *journey.Client) {
	ests, err := p.store.FindEstimates(ctx, c.ID)
	if err != nil {
		return
	}
	if len(ests) == 0 {
		expected, _, err := p.expectedEstimates(ctx, c)
		if err != nil || len(expected) == 0 {
			return
		}
	}
	_, loc, err := p.practiceZone(ctx)
	if err != nil {
		return
	}
	p.openRequest(ctx, a, c, journey.EstimatePlanChange, 0, journey.EstimateRequestDue(p.store.Time(), loc), " after the plan changed")
}

// RequestEstimate asks for a Good Faith Estimate for client id: the
// client themselves, or billing staff for them (CanPostBilling); others
// "not found" or EFORBIDDEN, audited. It is due by the end of the third
// business day (journey.EstimateRequestDue) and issued at once by the
// job queue; a request already open is the one returned.
func (p *Processor) RequestEstimate(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.EstimateRequest, error) {
	c, err := p.Client(ctx, a, id, "estimate.request", seeBilling)
	if err != nil {
		return nil, err
	}
	if !a.IsClient(c) && !a.CanPostBilling(c) {
		p.Audit(ctx, a, Entry{Action: "estimate.request", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "may not post billing"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the front desk, an admin or the client asks for an estimate.")
	}
	_, loc, err := p.practiceZone(ctx)
	if err != nil {
		return nil, err
	}
	return p.openRequest(ctx, a, c, journey.EstimateRequested, 0, journey.EstimateRequestDue(p.store.Time(), loc), via)
}

// IssueEstimateRequest issues request id for Journey itself (the job
// queue): the client's estimates worked out now, each rendered as its
// PDF, stored and emailed with the request marked done. A request done
// already (by another process) is nothing to do.
func (p *Processor) IssueEstimateRequest(ctx context.Context, id int64) error {
	_, err := p.issue(ctx, journeyItself, id, " by the job queue")
	if journey.ErrorCode(err) == journey.ECONFLICT {
		return nil
	}
	return err
}

// IssueOpenEstimates opens the requests bookings were owed and did not
// get (openMissedRequests), then issues every open request, the earliest
// deadline first, at most limit of them, and returns how many it issued:
// the periodic sweep behind the job per request.
func (p *Processor) IssueOpenEstimates(ctx context.Context, limit int) (int, error) {
	if err := p.openMissedRequests(ctx); err != nil {
		return 0, err
	}
	rs, err := p.store.FindDueEstimateRequests(ctx, p.store.Time().AddDate(1, 0, 0), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if _, err := p.issue(ctx, journeyItself, r.ID, " by the sweep"); err == nil {
			n++
		} else if journey.ErrorCode(err) != journey.ECONFLICT {
			return n, err
		}
	}
	return n, nil
}

// openMissedRequests opens, for each client with no open request, the
// request their earliest booked session still to come is owed and lacks
// (estimateOnBooking's rule: a charge they pay themselves not on a
// current estimate), due as that booking's would have been. The booking
// hook runs after the booking's transaction, so a failure there, or
// billing set up after the booking, would otherwise leave the client
// without their estimate.
func (p *Processor) openMissedRequests(ctx context.Context) error {
	var after journey.BookedSession
	done := map[int64]bool{} // clients checked to their first uncovered session
	for {
		bs, err := p.store.FindBookingsWithoutRequest(ctx, p.store.Time(), after, 500)
		if err != nil || len(bs) == 0 {
			return err
		}
		for _, b := range bs {
			if done[b.ClientID] {
				continue
			}
			c, err := p.store.FindClientByID(ctx, b.ClientID)
			if err != nil {
				return err
			}
			s, err := p.store.FindCareSession(ctx, b.SessionID)
			if err != nil {
				return err
			}
			covered, err := p.estimateCovers(ctx, c, s)
			if err != nil {
				return err
			}
			if !covered {
				if err := p.openScheduled(ctx, journeyItself, c, s, " by the sweep"); err != nil {
					return err
				}
				done[c.ID] = true
			}
		}
		after = bs[len(bs)-1]
	}
}

// IssueEstimateNow issues client id's open request reqID at once, for
// billing staff (CanPostBilling; others "not found" or EFORBIDDEN,
// audited); ECONFLICT when it was issued already.
func (p *Processor) IssueEstimateNow(ctx context.Context, a *journey.Actor, id, reqID int64, via string) ([]*journey.Estimate, error) {
	c, err := p.Client(ctx, a, id, "estimate.issue", seeBilling)
	if err != nil {
		return nil, err
	}
	if !a.CanPostBilling(c) {
		p.Audit(ctx, a, Entry{Action: "estimate.issue", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditDenied, Detail: "may not post billing"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the front desk and admins issue estimates.")
	}
	r, err := p.store.FindEstimateRequest(ctx, reqID)
	if err != nil || r.ClientID != c.ID {
		return nil, journey.Errorf(journey.ENOTFOUND, "Estimate request not found.")
	}
	return p.issue(ctx, a, reqID, via)
}

// issue issues request id for the actor, audited.
func (p *Processor) issue(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Estimate, error) {
	r, err := p.store.FindEstimateRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if !r.DoneAt.IsZero() {
		return nil, journey.Errorf(journey.ECONFLICT, "This estimate was issued already.")
	}
	ests, err := p.renderEstimates(ctx, r)
	if err == nil {
		issued := make([]journey.IssuedEstimate, len(ests))
		for i := range ests {
			issued[i] = ests[i]
		}
		err = p.store.CreateEstimates(ctx, r.ID, issued, a.ID())
	}
	out := make([]*journey.Estimate, len(ests))
	for i, e := range ests {
		out[i] = e.Estimate
	}
	p.Audit(ctx, a, Entry{Action: "estimate.issue", SubjectType: "client", SubjectID: r.ClientID, Outcome: outcome(err),
		Detail: fmt.Sprintf("request %d: %s%s %s", r.ID, IDList("estimates", out, func(e *journey.Estimate) int64 { return e.ID }), via, journey.ErrorCode(err))})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// renderEstimates works out request r's estimates and renders each PDF,
// which names the request (the estimate's own id is the store's).
func (p *Processor) renderEstimates(ctx context.Context, r *journey.EstimateRequest) ([]journey.IssuedEstimate, error) {
	c, err := p.store.FindClientByID(ctx, r.ClientID)
	if err != nil {
		return nil, err
	}
	ests, loc, err := p.expectedEstimates(ctx, c)
	if err != nil || len(ests) == 0 {
		return nil, err
	}
	pr, _, err := p.practiceZone(ctx)
	if err != nil {
		return nil, err
	}
	dob := ""
	if in, err := optional(p.store.FindIntake(ctx, c.ID)); err != nil {
		return nil, err
	} else if in != nil {
		dob = in.About.DateOfBirth
	}
	entities, err := p.store.FindBillingEntities(ctx)
	if err != nil {
		return nil, err
	}
	now := p.store.Time()
	out := make([]journey.IssuedEstimate, 0, len(ests))
	for _, e := range ests {
		e.Reason, e.RequestedAt, e.DueBy, e.IssuedAt = r.Reason, r.RequestedAt, r.DueBy, now
		var ent *journey.BillingEntity
		for _, x := range entities {
			if x.ID == e.EntityID {
				ent = x
			}
		}
		var buf bytes.Buffer
		if err := pdf.Estimate(&buf, &journey.EstimateDocument{Estimate: e, RequestID: r.ID, ClientName: c.Name, DateOfBirth: dob,
			Entity: ent, Practice: pr, Zone: loc}); err != nil {
			return nil, err
		}
		out = append(out, journey.IssuedEstimate{Estimate: e, PDF: buf.Bytes()})
	}
	return out, nil
}

// ClientEstimates is what a client's estimates page shows.
type ClientEstimates struct {
	Client    *journey.Client
	Estimates []*journey.Estimate // newest first, superseded ones too
	Current   map[int64]bool      // the estimates no later one supersedes
	Requests  []*journey.EstimateRequest
	Disputes  []journey.EstimateDispute // per entity with a current estimate
	Entities  map[int64]*journey.BillingEntity
	CanIssue  bool // billing staff: may issue an open request now
	Zone      *time.Location
}

// Open returns the requests not yet issued.
func (ce *ClientEstimates) Open() []*journey.EstimateRequest {
	var out []*journey.EstimateRequest
	for _, r := range ce.Requests {
		if r.DoneAt.IsZero() {
			out = append(out, r)
		}
	}
	return out
}

// Disputable returns the disputes a bill opened: billed $400 or more
// above the estimates.
func (ce *ClientEstimates) Disputable() []journey.EstimateDispute {
	var out []journey.EstimateDispute
	for _, d := range ce.Disputes {
		if d.Disputable {
			out = append(out, d)
		}
	}
	return out
}

// Estimates returns client id's estimates, open requests and, per
// entity, what was billed against its current estimates, to those who
// see the client's billing (CanSeeBilling: the client, the front desk,
// admins; others "not found", audited). The read is audited.
func (p *Processor) Estimates(ctx context.Context, a *journey.Actor, id int64, via string) (*ClientEstimates, error) {
	c, err := p.Client(ctx, a, id, "estimate.read", seeBilling)
	if err != nil {
		return nil, err
	}
	out := &ClientEstimates{Client: c, Current: map[int64]bool{}, Entities: map[int64]*journey.BillingEntity{}, CanIssue: a.CanPostBilling(c)}
	if _, out.Zone, err = p.practiceZone(ctx); err != nil {
		return nil, err
	}
	if out.Estimates, err = p.store.FindEstimates(ctx, c.ID); err != nil {
		return nil, err
	}
	if out.Requests, err = p.store.FindEstimateRequests(ctx, c.ID, 50); err != nil {
		return nil, err
	}
	ents, err := p.store.FindBillingEntities(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		out.Entities[e.ID] = e
	}
	billed, err := p.store.EstimateBilled(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byEntity := map[int64]*journey.EstimateDispute{}
	for _, e := range currentEstimates(out.Estimates) {
		out.Current[e.ID] = true
		d := byEntity[e.EntityID]
		if d == nil {
			d = &journey.EstimateDispute{EntityID: e.EntityID}
			if ent := out.Entities[e.EntityID]; ent != nil {
				d.EntityName = ent.LegalName
			}
			byEntity[e.EntityID] = d
		}
		d.EstimatedCents += e.TotalCents
		d.BilledCents += billed[e.ID]
	}
	for _, d := range byEntity {
		d.Disputable = journey.Disputable(d.BilledCents, d.EstimatedCents)
		out.Disputes = append(out.Disputes, *d)
	}
	slices.SortFunc(out.Disputes, func(x, y journey.EstimateDispute) int { return int(x.EntityID - y.EntityID) })
	p.Audit(ctx, a, Entry{Action: "estimate.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: IDList("estimates", out.Estimates, func(e *journey.Estimate) int64 { return e.ID }) + via})
	return out, nil
}

// EstimatePDF returns estimate id with its PDF as it was given, to those
// who see its client's billing (others "not found", audited); the
// download is audited.
func (p *Processor) EstimatePDF(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Estimate, []byte, error) {
	e, doc, err := p.store.FindEstimate(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := p.Client(ctx, a, e.ClientID, "estimate.read", seeBilling); err != nil {
		return nil, nil, journey.Errorf(journey.ENOTFOUND, "Estimate not found.")
	}
	p.Audit(ctx, a, Entry{Action: "estimate.read", SubjectType: "estimate", SubjectID: e.ID, Outcome: journey.AuditSuccess, Detail: "PDF" + via})
	return e, doc, nil
}
