package processing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// ChargeStore is what charges, the ledger and staff payments read and
// change (sqldb's charges.go and charges_payments.go).
type ChargeStore interface {
	CreateCharges(ctx context.Context, charges []*journey.Charge, by int64) ([]*journey.Charge, error)
	FindCharges(ctx context.Context, f journey.ChargeFilter) ([]*journey.Charge, error)
	FindCharge(ctx context.Context, id int64) (*journey.Charge, error)
	VoidCharge(ctx context.Context, id int64, reason string, by int64) (*journey.Charge, error)
	AdjustCharge(ctx context.Context, id, cents int64, reason string, by int64) (*journey.Charge, error)
	FindLedger(ctx context.Context, clientID, entityID int64) (*journey.Ledger, error)
	CreatePayment(ctx context.Context, p *journey.Payment) (*journey.Payment, bool, error)
	FindPayment(ctx context.Context, id int64) (*journey.Payment, error)
	FindPayments(ctx context.Context, f journey.PaymentFilter) ([]*journey.Payment, error)
	RefundPayment(ctx context.Context, r *journey.Refund, key string) (*journey.Refund, bool, error)
	ContainerNDC(ctx context.Context, containerID int64) (string, error)
	RecordSessionMinutes(ctx context.Context, id int64, minutes int) error
	SessionMinutes(ctx context.Context, id int64) (int, error)
	FindPractice(ctx context.Context) (*journey.Practice, error)
	EntityKind(ctx context.Context, id int64) (string, error)
}

// Charges from sessions.

// chargeSession makes the charges session s's event (completed, no-show,
// late cancellation) makes for each of its clients, in the request that
// changed the session; minutes is the length the clinician recorded (0:
// the session's own). The session's change stands whatever happens here:
// missing setup charges nothing, and a failure is audited for the front
// desk to charge again from the session's page.
func (p *Processor) chargeSession(ctx context.Context, a *journey.Actor, s *journey.CareSession, event string, minutes int, via string) {
	charges, skipped, notSetUp, err := p.SessionCharges(ctx, s, event, minutes)
	if err == nil && len(charges) > 0 {
		charges, err = p.store.CreateCharges(ctx, charges, 0)
	}
	detail := event
	switch {
	case notSetUp:
		detail += ": billing is not set up"
	case err == nil:
		detail += fmt.Sprintf(": %d charge(s), %d line(s) skipped", len(charges), len(skipped))
	}
	p.Audit(ctx, a, Entry{Action: "charge.create", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: detail + refusalOf(err) + auditIDs(" charges", charges) + via})
}

// auditIDs names the charges' ids after label, "" when there are none.
func auditIDs(label string, cs []*journey.Charge) string {
	if len(cs) == 0 {
		return ""
	}
	ids := make([]int64, 0, min(len(cs), MaxAuditIDs))
	for _, c := range cs[:min(len(cs), MaxAuditIDs)] {
		ids = append(ids, c.ID)
	}
	return fmt.Sprint(label, " ", ids)
}

// SessionCharges works out, unsaved, the charges session s's event makes
// for each of its clients (a group's attendees each), and the schedule's
// lines skipped with why; notSetUp: the practice has no fee schedule. It
// reads no record for a person and audits nothing: the methods that act
// for one call it, and so does the demo, which has no one to act for.
func (p *Processor) SessionCharges(ctx context.Context, s *journey.CareSession, event string, minutes int) (
	charges []*journey.Charge, skipped []string, notSetUp bool, err error) {
	fs, err := p.store.FindFeeSchedule(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND || (err == nil && len(fs.Lines) == 0) {
		return nil, nil, true, nil
	} else if err != nil {
		return nil, nil, false, err
	}
	loc := time.UTC
	if pr, err := p.store.FindPractice(ctx); err == nil {
		if l, err := journey.LoadZone(pr.TimeZone); err == nil {
			loc = l
		}
	}
	if minutes <= 0 {
		minutes = int(s.End.Sub(s.Start).Minutes())
	}
	f := journey.ChargeFacts{Session: s, Event: event, Date: s.Start.In(loc).Format(time.DateOnly), Minutes: minutes,
		AtHome: s.Mode == journey.ModeRemote}
	if f.NDC, err = p.sessionNDC(ctx, s); err != nil {
		return nil, nil, false, err
	}
	for _, clientID := range journey.SessionClients(s) {
		f.ClientID = clientID
		if f.Diagnoses, err = p.store.FindDiagnoses(ctx, clientID); err != nil {
			return nil, nil, false, err
		}
		if f.FirstPsychotherapy, err = p.noEarlierCharge(ctx, s, clientID, journey.ChargePsychotherapy, 0, "", f.Date); err != nil {
			return nil, nil, false, err
		}
		since := s.Start.In(loc).AddDate(-3, 0, 0).Format(time.DateOnly)
		if f.NewPatient, err = p.noEarlierCharge(ctx, s, clientID, journey.ChargePrescriber, prescriberEntity(fs, s, event), since, f.Date); err != nil {
			return nil, nil, false, err
		}
		cs, sk := fs.ChargesFor(f)
		charges, skipped = append(charges, cs...), append(skipped, sk...)
	}
	return charges, skipped, false, nil
}

// prescriberEntity returns the entity the schedule bills session s's
// prescriber care under on event, 0 when it bills none.
func prescriberEntity(fs *journey.FeeSchedule, s *journey.CareSession, event string) int64 {
	for _, l := range fs.Lines {
		if l.ChargeType == journey.ChargePrescriber && l.Matches(s, event) {
			return l.EntityID
		}
	}
	return 0
}

// noEarlierCharge reports whether client has no open coded charge of
// chargeType (at entity, when not 0) dated from since ("" any) to date,
// other than session s's own.
func (p *Processor) noEarlierCharge(ctx context.Context, s *journey.CareSession, clientID int64, chargeType string, entityID int64, since, date string) (bool, error) {
	cs, err := p.store.FindCharges(ctx, journey.ChargeFilter{ClientID: clientID, EntityID: entityID, ChargeType: chargeType,
		Status: journey.ChargeOpen, From: since, To: date, Limit: journey.MaxChargeList})
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if c.SessionID != s.ID && c.Code != "" {
			return false, nil
		}
	}
	return true, nil
}

// sessionNDC returns the NDC of the practice's stock a medicine session's
// first dose came from, "" when none did (the client's own prescription).
func (p *Processor) sessionNDC(ctx context.Context, s *journey.CareSession) (string, error) {
	if s.Type != journey.TypeMedicine {
		return "", nil
	}
	as, err := p.store.FindAdministrations(ctx, s.ID)
	if err != nil {
		return "", err
	}
	for _, a := range as {
		if a.ContainerID != 0 {
			return p.store.ContainerNDC(ctx, a.ContainerID)
		}
	}
	return "", nil
}

// SessionBilling returns what session id's page says of its billing to
// an actor who may see the session in full: the lines skipped and why, or
// that billing is not set up; the charges themselves (amounts) only to
// billing staff (PermBillingRead), their read audited.
func (p *Processor) SessionBilling(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.SessionBilling, error) {
	s, _, err := p.session(ctx, a, id, "session.billing.read")
	if err != nil {
		return nil, err
	}
	b := &journey.SessionBilling{}
	event := journey.BillingEvent(s)
	if !a.SessionInFull(s) || event == "" {
		return b, nil
	}
	made, err := p.store.FindCharges(ctx, journey.ChargeFilter{SessionID: s.ID, Limit: journey.MaxChargeList})
	if err != nil {
		return nil, err
	}
	minutes, err := p.store.SessionMinutes(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	if _, b.Skipped, b.NotSetUp, err = p.SessionCharges(ctx, s, event, minutes); err != nil {
		return nil, err
	}
	if !a.Can(journey.PermBillingRead) {
		return b, nil
	}
	b.Charges = made
	p.Audit(ctx, a, Entry{Action: "charge.read", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess,
		Detail: "session" + auditIDs(" charges", b.Charges) + via})
	return b, nil
}

// ChargeSession makes, again, the charges session id's event makes when
// they are missing (a failure when it ended, or billing set up after);
// those already made stay as they are. Billing staff only (CanPostBilling
// on each client); audited.
func (p *Processor) ChargeSession(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Charge, error) {
	s, _, err := p.session(ctx, a, id, "charge.create")
	if err != nil {
		return nil, err
	}
	for _, cid := range journey.SessionClients(s) {
		if _, err := p.Client(ctx, a, cid, "charge.create", postBilling); err != nil {
			return nil, err
		}
	}
	event := journey.BillingEvent(s)
	if event == "" {
		return nil, journey.Errorf(journey.ECONFLICT, "This session is %s: it charges nothing.", journey.SessionStatusWords(s.Status))
	}
	minutes, err := p.store.SessionMinutes(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	charges, _, notSetUp, err := p.SessionCharges(ctx, s, event, minutes)
	if err == nil && notSetUp {
		err = journey.Errorf(journey.ECONFLICT, "Billing is not set up: add the billing entities and the fee schedule first.")
	}
	if err == nil {
		charges, err = p.store.CreateCharges(ctx, charges, a.ID())
	}
	p.Audit(ctx, a, Entry{Action: "charge.create", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: event + refusalOf(err) + auditIDs(" charges", charges) + via})
	return charges, err
}

// A client's charges and ledger.

// ClientCharges returns the charges f selects of client id (f.ClientID is
// set here) to whoever may see the client's billing (CanSeeBilling: the
// front desk, admins and the client), audited.
func (p *Processor) ClientCharges(ctx context.Context, a *journey.Actor, id int64, f journey.ChargeFilter, via string) ([]*journey.Charge, error) {
	return readClient(ctx, p, a, id, "charge.read", seeBilling, func(cid int64) ([]*journey.Charge, error) {
		f.ClientID = cid
		return p.store.FindCharges(ctx, f)
	}, func(cs []*journey.Charge) string { return "charges" + auditIDs("", cs) + via })
}

// ClientLedger returns client id's ledger with entity (0: all), audited.
func (p *Processor) ClientLedger(ctx context.Context, a *journey.Actor, id, entityID int64, via string) (*journey.Ledger, error) {
	return readClient(ctx, p, a, id, "ledger.read", seeBilling, func(cid int64) (*journey.Ledger, error) {
		return p.store.FindLedger(ctx, cid, entityID)
	}, func(*journey.Ledger) string { return fmt.Sprintf("entity %d%s", entityID, via) })
}

// ClientPayments returns client id's payments (entity 0: to any), audited.
func (p *Processor) ClientPayments(ctx context.Context, a *journey.Actor, id, entityID int64, offset, limit int, via string) ([]*journey.Payment, error) {
	return readClient(ctx, p, a, id, "payment.read", seeBilling, func(cid int64) ([]*journey.Payment, error) {
		return p.store.FindPayments(ctx, journey.PaymentFilter{ClientID: cid, EntityID: entityID, Offset: offset, Limit: limit})
	}, func(ps []*journey.Payment) string { return fmt.Sprintf("%d payment(s)%s", len(ps), via) })
}

// ClientBilling is a client's billing as the staff billing page shows it.
type ClientBilling struct {
	Client   *journey.Client
	Entities []*journey.BillingEntity
	Charges  []*journey.Charge              // by date of service
	Ledgers  map[int64]*journey.Ledger      // by entity
	Payments []*journey.Payment             // oldest first
	Refunds  map[int64][]*journey.Refund    // by payment
	Sessions map[int64]*journey.CareSession // the charges' sessions, by id
}

// ClientBilling reads client id's whole billing for billing staff
// (PermBillingRead and CanSeeBilling), audited as one read.
func (p *Processor) ClientBilling(ctx context.Context, a *journey.Actor, id int64, via string) (*ClientBilling, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingRead, "billing.client.read"); err != nil {
		return nil, err
	}
	c, err := p.Client(ctx, a, id, "billing.client.read", seeBilling)
	if err != nil {
		return nil, err
	}
	b := &ClientBilling{Client: c, Ledgers: map[int64]*journey.Ledger{}, Sessions: map[int64]*journey.CareSession{}}
	if b.Entities, err = p.store.FindBillingEntities(ctx); err != nil {
		return nil, err
	}
	if b.Charges, err = p.store.FindCharges(ctx, journey.ChargeFilter{ClientID: c.ID, Limit: journey.MaxChargeList}); err != nil {
		return nil, err
	}
	for _, e := range b.Entities {
		if b.Ledgers[e.ID], err = p.store.FindLedger(ctx, c.ID, e.ID); err != nil {
			return nil, err
		}
	}
	if b.Payments, err = p.store.FindPayments(ctx, journey.PaymentFilter{ClientID: c.ID, Limit: journey.MaxChargeList}); err != nil {
		return nil, err
	}
	for _, ch := range b.Charges {
		if ch.SessionID == 0 || b.Sessions[ch.SessionID] != nil {
			continue
		}
		if s, err := p.store.FindCareSession(ctx, ch.SessionID); err == nil {
			b.Sessions[s.ID] = s
		}
	}
	p.Audit(ctx, a, Entry{Action: "billing.client.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%d charge(s), %d payment(s)%s", len(b.Charges), len(b.Payments), via)})
	return b, nil
}

// chargeChange returns charge id and its client when the actor may
// change what that client owes (CanPostBilling); a charge of a client they
// may not see is "not found", audited as action.
func (p *Processor) chargeChange(ctx context.Context, a *journey.Actor, id int64, action string) (*journey.Charge, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingWrite, action); err != nil {
		return nil, err
	}
	ch, err := p.store.FindCharge(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := p.Client(ctx, a, ch.ClientID, action, postBilling); err != nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "Charge not found.")
	}
	return ch, nil
}

// VoidCharge voids charge id for reason (required, at most 500
// characters), billing staff only; audited with the reason either way.
func (p *Processor) VoidCharge(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.Charge, error) {
	if _, err := p.chargeChange(ctx, a, id, "charge.void"); err != nil {
		return nil, err
	}
	ch, err := p.store.VoidCharge(ctx, id, reason, a.ID())
	p.Audit(ctx, a, Entry{Action: "charge.void", SubjectType: "charge", SubjectID: id, Outcome: outcome(err),
		Reason: reasonIf(err, reason), Detail: "void" + refusalOf(err) + via})
	return ch, err
}

// AdjustCharge adjusts charge id by cents (negative: a discount) for
// reason, billing staff only; audited either way.
func (p *Processor) AdjustCharge(ctx context.Context, a *journey.Actor, id, cents int64, reason, via string) (*journey.Charge, error) {
	if _, err := p.chargeChange(ctx, a, id, "charge.adjust"); err != nil {
		return nil, err
	}
	ch, err := p.store.AdjustCharge(ctx, id, cents, reason, a.ID())
	p.Audit(ctx, a, Entry{Action: "charge.adjust", SubjectType: "charge", SubjectID: id, Outcome: outcome(err),
		Reason: reasonIf(err, reason), Detail: fmt.Sprintf("%d cents%s%s", cents, refusalOf(err), via)})
	return ch, err
}

// reasonIf is reason once it was accepted (a refused one may be anything).
func reasonIf(err error, reason string) string {
	if journey.ErrorCode(err) == journey.EINVALID {
		return ""
	}
	return journey.Paragraphs(reason)
}

// Payments recorded by staff.

// RecordPayment records payment pay (cash, check or the card terminal)
// from client pay.ClientID for billing staff, and returns it and whether
// this call made it: the same idempotency key again returns the payment
// made, posting nothing. Without a charge type, it pays the type of the
// entity's oldest unpaid charge. Audited either way.
func (p *Processor) RecordPayment(ctx context.Context, a *journey.Actor, pay *journey.Payment, via string) (*journey.Payment, bool, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingWrite, "payment.create"); err != nil {
		return nil, false, err
	}
	c, err := p.Client(ctx, a, pay.ClientID, "payment.create", postBilling)
	if err != nil {
		return nil, false, err
	}
	var v journey.Validation
	if !slices.Contains(journey.StaffPayMethods, pay.Method) {
		v.Add("method", "Choose cash, check or card (terminal).")
	}
	kind, err := p.store.EntityKind(ctx, pay.EntityID)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, false, err
	}
	if pay.ChargeType == "" && kind != "" {
		if pay.ChargeType, err = p.oldestUnpaidType(ctx, c.ID, pay.EntityID); err != nil {
			return nil, false, err
		}
		if pay.ChargeType == "" {
			v.Add("charge_type", "Nothing is owed to this entity: choose the charge type the payment is for.")
		}
	}
	v.AddErr(journey.ValidatePayment(pay, kind))
	pay.By, pay.DocumentID, pay.ProcessorRef = a.ID(), 0, ""
	var out *journey.Payment
	created := false
	err = v.Err()
	if err == nil {
		out, created, err = p.store.CreatePayment(ctx, pay)
	}
	detail := "recorded"
	if err == nil && !created {
		detail = "retried: the payment already recorded"
	}
	p.Audit(ctx, a, Entry{Action: "payment.create", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s%s payment %d, entity %d, %s%s", detail, refusalOf(err), paymentID(out), pay.EntityID, pay.Method, via)})
	return out, created, err
}

func paymentID(p *journey.Payment) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

// oldestUnpaidType returns the charge type, among those client owes
// entity something for, of the oldest open charge; "" when nothing is
// owed.
func (p *Processor) oldestUnpaidType(ctx context.Context, clientID, entityID int64) (string, error) {
	l, err := p.store.FindLedger(ctx, clientID, entityID)
	if err != nil {
		return "", err
	}
	cs, err := p.store.FindCharges(ctx, journey.ChargeFilter{ClientID: clientID, EntityID: entityID, Status: journey.ChargeOpen,
		Limit: journey.MaxChargeList})
	if err != nil {
		return "", err
	}
	for _, c := range cs { // by date of service
		if l.ByType[c.ChargeType] > 0 {
			return c.ChargeType, nil
		}
	}
	return "", nil
}

// RefundPayment refunds cents of payment id recorded by staff, for reason,
// under idempotency key; billing staff only, audited either way. An
// online payment is refunded to the card through the processor
// (cardpay.go's RefundCardPayment).
func (p *Processor) RefundPayment(ctx context.Context, a *journey.Actor, id, cents int64, reason, key, via string) (*journey.Refund, bool, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingWrite, "payment.refund"); err != nil {
		return nil, false, err
	}
	pay, err := p.store.FindPayment(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if _, err := p.Client(ctx, a, pay.ClientID, "payment.refund", postBilling); err != nil {
		return nil, false, journey.Errorf(journey.ENOTFOUND, "Payment not found.")
	}
	if pay.Method == journey.PayOnline {
		return p.refundOnline(ctx, a, pay, cents, reason, key)
	}
	r, created, err := p.store.RefundPayment(ctx, &journey.Refund{PaymentID: id, AmountCents: cents, Reason: reason, By: a.ID()}, key)
	p.Audit(ctx, a, Entry{Action: "payment.refund", SubjectType: "payment", SubjectID: id, Outcome: outcome(err),
		Reason: reasonIf(err, reason), Detail: fmt.Sprintf("%d cents%s%s", cents, refusalOf(err), via)})
	return r, created, err
}
