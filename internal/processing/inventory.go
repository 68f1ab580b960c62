package processing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// InventoryStore is what the controlled-substance log reads and changes
// (sqldb's inventory*.go), with the second factor that signs a page's
// entries.
type InventoryStore interface {
	TOTPState(ctx context.Context, userID int64) (secret string, enrolled bool, lastStep int64, err error)
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	FindLocations(ctx context.Context) ([]*journey.Location, error)
	ReceiveStock(ctx context.Context, r *journey.Receipt, sig journey.Signature) (*journey.Lot, error)
	OpenContainer(ctx context.Context, id int64, sig journey.Signature) (*journey.LogEntry, error)
	WasteStock(ctx context.Context, w *journey.Waste, sig journey.Signature) (*journey.LogEntry, error)
	TransferContainer(ctx context.Context, t *journey.Transfer, sig journey.Signature) ([]*journey.LogEntry, error)
	RecordCount(ctx context.Context, c *journey.Count, sig journey.Signature) error
	ResolveDiscrepancy(ctx context.Context, id int64, r *journey.Resolution, sig journey.Signature) (*journey.Discrepancy, error)
	FindInventory(ctx context.Context, location int64) (*journey.Inventory, error)
	FindLogEntries(ctx context.Context, f journey.LogFilter) ([]*journey.LogEntry, error)
	CountLogEntries(ctx context.Context, f journey.LogFilter) (int, error)
	EachLogEntry(ctx context.Context, f journey.LogFilter, parts int, names func(part int, lots, clients []int64) error,
		fn func(part int, e *journey.LogEntry) error) error
	FindLots(ctx context.Context, ids []int64) (map[int64]*journey.Lot, error)
	FindDiscrepancies(ctx context.Context, open bool, from, to time.Time) ([]*journey.Discrepancy, error)
	FindCounts(ctx context.Context, location int64, from, to time.Time) ([]*journey.Count, error)
	FindContainer(ctx context.Context, id int64) (*journey.Lot, error)
	RecordAdministration(ctx context.Context, a *journey.Administration, sig journey.Signature) error
	FindAdministrations(ctx context.Context, sessionID int64) ([]*journey.Administration, error)
}

// sign returns the signature of the actor's entry: through the API, the
// token's owner's; on a page, a current second-factor code re-entered
// (never one used before, nor a recovery code: a signature is the factor
// itself). EINVALID on "code" when the code is wrong, audited as action.
func (p *Processor) sign(ctx context.Context, a *journey.Actor, code, action string) (journey.Signature, error) {
	if a.TokenID != 0 {
		return journey.Signature{By: a.ID(), Kind: journey.SignAPIToken}, nil
	}
	secret, enrolled, last, err := p.store.TOTPState(ctx, a.ID())
	if err != nil {
		return journey.Signature{}, err
	}
	if enrolled {
		if step, ok := auth.VerifyTOTP(secret, code, p.store.Time(), last); ok {
			if fresh, err := p.store.UseTOTPStep(ctx, a.ID(), step); err != nil || fresh {
				return journey.Signature{By: a.ID(), Kind: journey.SignSecondFactor}, err
			}
		}
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "inventory", Outcome: journey.AuditDenied, Detail: "signature refused"})
	var v journey.Validation
	v.Add("code", "Sign with the current 6-digit code from your authenticator app (a code already used is refused).")
	return journey.Signature{}, v.Err()
}

// inventoryChange runs a change to the log for the actor: the permission
// (policy.go: PermInventory, or perm), what was typed (typed, which may be
// nil), the signature, then do, audited as action on subject with its
// outcome. What was typed is checked before the signature, so an entry
// refused for a typing mistake does not spend the code that signs it.
func (p *Processor) inventoryChange(ctx context.Context, a *journey.Actor, perm journey.Permission, action, code, via string,
	typed func() error, subject func() int64, do func(sig journey.Signature) error) error {
	if !a.Can(perm) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "inventory", Outcome: journey.AuditDenied, Detail: "no permission" + via})
		return journey.Errorf(journey.EFORBIDDEN, "You do not have access to the controlled-substance log.")
	}
	if typed != nil {
		if err := typed(); err != nil {
			return err
		}
	}
	sig, err := p.sign(ctx, a, code, action)
	if err != nil {
		return err
	}
	err = do(sig)
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "inventory", SubjectID: subject(), Outcome: outcome(err),
		Detail: "signed " + sig.Kind + via})
	return err
}

// ReceiveStock records receipt r, signed by the actor (code on a page).
func (p *Processor) ReceiveStock(ctx context.Context, a *journey.Actor, r *journey.Receipt, code, via string) (*journey.Lot, error) {
	var lot *journey.Lot
	err := p.inventoryChange(ctx, a, journey.PermInventory, "inventory.receive", code, via,
		func() error { // expired in every zone; the store checks the day in the location's
			c := *r
			return c.Validate(p.store.Time().UTC().AddDate(0, 0, -1).Format(time.DateOnly))
		},
		func() int64 { return idOf(lot) },
		func(sig journey.Signature) (err error) { lot, err = p.store.ReceiveStock(ctx, r, sig); return err })
	return lot, err
}

// OpenContainer opens sealed container id into working stock.
func (p *Processor) OpenContainer(ctx context.Context, a *journey.Actor, id int64, code, via string) (*journey.LogEntry, error) {
	var e *journey.LogEntry
	err := p.inventoryChange(ctx, a, journey.PermInventory, "inventory.open", code, via, nil, func() int64 { return id },
		func(sig journey.Signature) (err error) { e, err = p.store.OpenContainer(ctx, id, sig); return err })
	return e, err
}

// WasteStock records waste w, witnessed by another member of staff.
func (p *Processor) WasteStock(ctx context.Context, a *journey.Actor, w *journey.Waste, code, via string) (*journey.LogEntry, error) {
	var e *journey.LogEntry
	err := p.inventoryChange(ctx, a, journey.PermInventory, "inventory.waste", code, via,
		func() error { return w.Validate(a.ID()) }, func() int64 { return w.ContainerID },
		func(sig journey.Signature) (err error) { e, err = p.store.WasteStock(ctx, w, sig); return err })
	return e, err
}

// TransferContainer moves a container to another location.
func (p *Processor) TransferContainer(ctx context.Context, a *journey.Actor, t *journey.Transfer, code, via string) ([]*journey.LogEntry, error) {
	var es []*journey.LogEntry
	err := p.inventoryChange(ctx, a, journey.PermInventory, "inventory.transfer", code, via, nil, func() int64 { return t.ContainerID },
		func(sig journey.Signature) (err error) { es, err = p.store.TransferContainer(ctx, t, sig); return err })
	return es, err
}

// RecordCount records physical count c, opening a discrepancy for each
// line that differs from the balance.
func (p *Processor) RecordCount(ctx context.Context, a *journey.Actor, c *journey.Count, code, via string) error {
	return p.inventoryChange(ctx, a, journey.PermInventory, "inventory.count", code, via, c.Validate, func() int64 { return c.ID },
		func(sig journey.Signature) error { return p.store.RecordCount(ctx, c, sig) })
}

// ResolveDiscrepancy closes discrepancy id with an admin's finding
// (policy.go: PermInventoryFix).
func (p *Processor) ResolveDiscrepancy(ctx context.Context, a *journey.Actor, id int64, r *journey.Resolution, code, via string) (*journey.Discrepancy, error) {
	var d *journey.Discrepancy
	err := p.inventoryChange(ctx, a, journey.PermInventoryFix, "inventory.resolve", code, via, r.Validate, func() int64 { return id },
		func(sig journey.Signature) (err error) {
			d, err = p.store.ResolveDiscrepancy(ctx, id, r, sig)
			return err
		})
	return d, err
}

func idOf(l *journey.Lot) int64 {
	if l == nil {
		return 0
	}
	return l.ID
}

// Inventory returns the stock at location (0: every one) with the open
// discrepancies; EFORBIDDEN (audited) without PermInventory.
func (p *Processor) Inventory(ctx context.Context, a *journey.Actor, location int64, via string) (*journey.Inventory, error) {
	if !a.Can(journey.PermInventory) {
		p.Audit(ctx, a, Entry{Action: "inventory.read", SubjectType: "inventory", Outcome: journey.AuditDenied, Detail: "no permission" + via})
		return nil, journey.Errorf(journey.EFORBIDDEN, "You do not have access to the controlled-substance log.")
	}
	inv, err := p.store.FindInventory(ctx, location)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "inventory.read", SubjectType: "inventory", SubjectID: location, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%d lots", len(inv.Lots)) + via})
	return inv, nil
}

// Container returns container id with its lot, for a form about it;
// EFORBIDDEN without PermInventory.
func (p *Processor) Container(ctx context.Context, a *journey.Actor, id int64) (*journey.Lot, error) {
	if !a.Can(journey.PermInventory) {
		return nil, journey.Errorf(journey.EFORBIDDEN, "You do not have access to the controlled-substance log.")
	}
	return p.store.FindContainer(ctx, id)
}

// MaxReportDays bounds a report's range.
const MaxReportDays = 800

// InventoryLog returns the log of f (a range of at most MaxReportDays)
// with what its entries name: the report's screen, CSV, PDF, the monthly
// packet and the biennial inventory all read it. The clients dosed are
// named, so the read is audited with their ids. EFORBIDDEN without
// PermInventory; EINVALID on a range backwards or too long.
func (p *Processor) InventoryLog(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string) (*journey.LogReport, error) {
	if err := p.mayReadLog(ctx, a, f, via); err != nil {
		return nil, err
	}
	rep, err := p.logReport(ctx, f)
	if err != nil {
		return nil, err
	}
	p.auditLogRead(ctx, a, f, len(rep.Entries), rep.Clients, via)
	return rep, nil
}

// InventoryLogEach reads the log of f for a file holding every entry
// (the CSV), in up to parts spans read at once (sqldb.EachLogEntry): each
// entry goes to fn as it is read, with its span's number and report,
// which names what the span's entries refer to (its Lots, People and
// Clients; no Entries, Discrepancies, Counts nor Stock), so a month of
// tens of thousands is never gathered. fn is called for different spans
// at once, for each span's entries in order; it must not keep e, which is
// reused. The same refusals as InventoryLog, and the same audit entry
// once every entry has been read; an error from fn ends the read
// unaudited and is returned.
func (p *Processor) InventoryLogEach(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string, parts int,
	fn func(part int, rep *journey.LogReport, e *journey.LogEntry) error) error {
	if err := p.mayReadLog(ctx, a, f, via); err != nil {
		return err
	}
	reps := make([]*journey.LogReport, max(1, parts))
	for i := range reps {
		reps[i] = &journey.LogReport{From: f.From, To: f.To, People: map[int64]string{}, Clients: map[int64]string{}}
	}
	err := p.store.EachLogEntry(ctx, f, len(reps), func(part int, lots, clients []int64) error {
		return p.logNames(ctx, reps[part], lots, clients)
	}, func(part int, e *journey.LogEntry) error {
		reps[part].Total++
		return fn(part, reps[part], e)
	})
	if err != nil {
		return err
	}
	n, clients := 0, map[int64]string{}
	for _, rep := range reps {
		n += rep.Total
		maps.Copy(clients, rep.Clients)
	}
	p.auditLogRead(ctx, a, f, n, clients, via)
	return nil
}

// mayReadLog refuses a read of the log of f: EFORBIDDEN without
// PermInventory (audited), EINVALID on a range backwards or longer than
// MaxReportDays.
func (p *Processor) mayReadLog(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string) error {
	if !a.Can(journey.PermInventory) {
		p.Audit(ctx, a, Entry{Action: "inventory.log", SubjectType: "inventory", Outcome: journey.AuditDenied, Detail: "no permission" + via})
		return journey.Errorf(journey.EFORBIDDEN, "You do not have access to the controlled-substance log.")
	}
	var v journey.Validation
	switch {
	case f.From.IsZero() || f.To.IsZero():
		v.Add("from", "Choose the first and last day of the report.")
	case !f.To.After(f.From):
		v.Add("to", "The last day must not be before the first.")
	case f.To.Sub(f.From) > MaxReportDays*24*time.Hour:
		v.Add("to", fmt.Sprintf("A report covers at most %d days.", MaxReportDays))
	}
	return v.Err()
}

// auditLogRead records a read of n entries of the log of f, naming the
// clients whose names it opened.
func (p *Processor) auditLogRead(ctx context.Context, a *journey.Actor, f journey.LogFilter, n int, clients map[int64]string, via string) {
	p.Audit(ctx, a, Entry{Action: "inventory.log", SubjectType: "inventory", SubjectID: f.LocationID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s to %s, %d entries, ", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), n) +
			IDList("clients", mapKeys(clients), func(id int64) int64 { return id }) + via})
}

func mapKeys(m map[int64]string) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// logNames sets rep's Lots (of lots), Clients (the names of clients) and
// People (every member of staff: signers and witnesses).
func (p *Processor) logNames(ctx context.Context, rep *journey.LogReport, lots, clients []int64) error {
	var err error
	if rep.Lots, err = p.store.FindLots(ctx, lots); err != nil {
		return err
	}
	cs, err := p.store.FindClientsByIDs(ctx, clients)
	if err != nil {
		return err
	}
	for _, c := range cs {
		rep.Clients[c.ID] = c.Name
	}
	staff, err := p.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return err
	}
	for _, u := range staff {
		rep.People[u.ID] = u.Name
	}
	return nil
}

// logReport gathers f's report, unaudited.
func (p *Processor) logReport(ctx context.Context, f journey.LogFilter) (*journey.LogReport, error) {
	rep := &journey.LogReport{From: f.From, To: f.To, People: map[int64]string{}, Clients: map[int64]string{}, Totals: map[string]float64{}}
	var err error
	if rep.Entries, err = p.store.FindLogEntries(ctx, f); err != nil {
		return nil, err
	}
	rep.Total = len(rep.Entries)
	if f.Limit > 0 && rep.Total == f.Limit {
		if rep.Total, err = p.store.CountLogEntries(ctx, f); err != nil {
			return nil, err
		}
	}
	var lotIDs, clientIDs []int64
	for _, e := range rep.Entries {
		lotIDs = append(lotIDs, e.LotID)
		if e.ClientID != 0 {
			clientIDs = append(clientIDs, e.ClientID)
		}
		rep.Totals[e.Kind] += e.Mg
	}
	slices.Sort(lotIDs)
	slices.Sort(clientIDs)
	if err := p.logNames(ctx, rep, slices.Compact(lotIDs), slices.Compact(clientIDs)); err != nil {
		return nil, err
	}
	ds, err := p.store.FindDiscrepancies(ctx, false, f.From, f.To)
	if err != nil {
		return nil, err
	}
	inv, err := p.store.FindInventory(ctx, f.LocationID)
	if err != nil {
		return nil, err
	}
	rep.Stock = inv.Lots
	if f.LocationID != 0 {
		locs, err := p.store.FindLocations(ctx)
		if err != nil {
			return nil, err
		}
		for _, l := range locs {
			if l.ID == f.LocationID {
				rep.Location = l
			}
		}
		ds = slices.DeleteFunc(ds, func(d *journey.Discrepancy) bool { return d.LocationID != f.LocationID })
	}
	rep.Discrepancies = ds
	if rep.Counts, err = p.store.FindCounts(ctx, f.LocationID, f.From, f.To); err != nil {
		return nil, err
	}
	return rep, nil
}

// RecordAdministration records dose d given in its session, signed by
// the actor: a medical provider in the session, or for a lozenge the
// client took themselves a therapist in it who observed (policy.go:
// CanRecordDose). A session the actor may not see is "not found"; one
// they may not dose EFORBIDDEN; one that may not be dosed now ECONFLICT
// naming each unmet gate and precondition (DoseBlockers); all audited.
func (p *Processor) RecordAdministration(ctx context.Context, a *journey.Actor, d *journey.Administration, code, via string) error {
	const action = "session.administer"
	s, c, err := p.session(ctx, a, d.SessionID, action)
	if err != nil {
		return err
	}
	if !a.CanRecordDose(s, d.SelfAdmin) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "may not record a dose" + via})
		return journey.Errorf(journey.EFORBIDDEN, "Only the session's medical provider records a dose (a therapist in the session may record a lozenge the client took, observed).")
	}
	if err := d.Validate(p.store.Time()); err != nil { // before the signature, as inventoryChange
		return err
	}
	sig, err := p.sign(ctx, a, code, action)
	if err != nil {
		return err
	}
	if err = p.mayDose(ctx, s, c); err == nil { // the gates as at the start; the run sheet's again in the store's transaction
		err = p.store.RecordAdministration(ctx, d, sig)
	}
	detail := fmt.Sprintf("administration %d, container %d, signed %s", d.ID, d.ContainerID, sig.Kind)
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err), Detail: detail + via})
	return err
}

// Administrations returns session id's doses as the actor may see them
// (a chaperone, who sees no clinical detail, is refused), audited.
func (p *Processor) Administrations(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Administration, error) {
	s, _, err := p.session(ctx, a, id, "session.administrations")
	if err != nil {
		return nil, err
	}
	if !a.SessionInFull(s) {
		return nil, p.denied(ctx, a, "session.administrations", "session", s.ID, "limited view", "Session not found.")
	}
	as, err := p.store.FindAdministrations(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "session.administrations", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess, Detail: "administrations" + via})
	return as, nil
}

// DoseSheet is what the page for recording a dose shows: the session,
// its doses so far, what still blocks a dose, and the open containers at
// the session's location a dose may be drawn from.
type DoseSheet struct {
	Session    *journey.CareSession
	Doses      []*journey.Administration
	Blockers   []journey.Gate
	Containers []*journey.Lot // open containers, each lot holding those
}

// DoseSheet returns session id's dose sheet for an actor who may record a
// dose in it (policy.go CanRecordDose, a lozenge the client takes
// counting); "not found" or EFORBIDDEN otherwise, audited.
func (p *Processor) DoseSheet(ctx context.Context, a *journey.Actor, id int64) (*DoseSheet, error) {
	const action = "session.administrations"
	s, c, err := p.session(ctx, a, id, action)
	if err != nil {
		return nil, err
	}
	if !a.CanRecordDose(s, true) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "may not record a dose"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the session's medical provider, or a therapist in it, records a dose.")
	}
	sheet := &DoseSheet{Session: s}
	if sheet.Doses, err = p.store.FindAdministrations(ctx, s.ID); err != nil {
		return nil, err
	}
	if sheet.Blockers, err = p.DoseBlockers(ctx, s, c); err != nil {
		return nil, err
	}
	if s.RoomID != 0 {
		room, err := p.store.FindRoom(ctx, s.RoomID)
		if err != nil {
			return nil, err
		}
		inv, err := p.store.FindInventory(ctx, room.LocationID)
		if err != nil {
			return nil, err
		}
		for _, l := range inv.Lots {
			open := slices.DeleteFunc(slices.Clone(l.Containers), func(k *journey.Container) bool { return k.Status != journey.ContainerOpen })
			if len(open) > 0 {
				cl := *l
				cl.Containers = open
				sheet.Containers = append(sheet.Containers, &cl)
			}
		}
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess, Detail: "dose sheet"})
	return sheet, nil
}
