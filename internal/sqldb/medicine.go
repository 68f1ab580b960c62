package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// The medicine session's record (migration 0029): weights, orders,
// checklists, observations, reviews, discharge and addenda; the doses are
// the controlled-substance log's (inventory_dose.go), whose transaction
// asks doseRefusals here. Every change locks the session (lockedSession), reads the run
// sheet in the same transaction and refuses what the record no longer
// allows: anything but an addendum after discharge, a dose while
// journey.RunSheet.DoseBlockers names a reason. Rows are only added.

const (
	aadWeight      = "client_weights.weight"
	aadOrder       = "medicine_orders.medicine"
	aadChecklist   = "session_checklists.checklist"
	aadObservation = "session_observations.observation"
	aadReviewNote  = "session_reviews.note"
	aadDischarge   = "session_discharges.discharge"
	aadAddendum    = "session_addenda.addendum"
)

// reader is what a run sheet is read through: the pool, or a write
// transaction that holds the session's lock.
type reader interface {
	queryRow(ctx context.Context, query string, args ...any) row
	query(ctx context.Context, query string, args ...any) (*rowSet, error)
}

// sealedOrder, sealedDose and sealedDischarge are what is sealed of each:
// the domain types keep their reasons out of JSON answers.
type sealedOrder struct {
	journey.Order
	OverrideReason string `json:"override_reason,omitempty"`
}

type sealedDischarge struct {
	journey.Discharge
	OverrideReason string `json:"override_reason,omitempty"`
}

// CreateWeight records a client's measured weight; EINVALID on weight_kg
// outside the possible range.
func (db *DB) CreateWeight(ctx context.Context, w *journey.Weight) error {
	if err := journey.ValidateWeight("weight_kg", w.Kg); err != nil {
		return err
	}
	p := db.phi()
	sealed := p.sealPadded(aadWeight, w.Kg, padText)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		w.At = tx.now
		_, err := tx.insert(ctx, `INSERT INTO client_weights (client_id, weight, measured_by, created_at) VALUES (?, ?, ?, ?)`,
			w.ClientID, sealed, w.By, unix(tx.now))
		return err
	})
}

// FindLatestWeight returns the client's latest weight: the latest measured,
// else the intake's; ENOTFOUND when there is neither.
func (db *DB) FindLatestWeight(ctx context.Context, clientID int64) (*journey.Weight, error) {
	var sealed string
	var by, at int64
	err := db.queryRow(ctx, `SELECT weight, measured_by, created_at FROM client_weights WHERE client_id = ? ORDER BY id DESC LIMIT 1`, clientID).
		Scan(&sealed, &by, &at)
	if err == nil {
		w := &journey.Weight{ClientID: clientID, By: by, At: fromUnix(at)}
		p := db.phi()
		p.openJSON(aadWeight, sealed, &w.Kg)
		return w, p.err
	}
	if err := notFound(err, "Weight"); journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	in, err := db.FindIntake(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if in.Medical.WeightKG <= 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "No weight recorded.")
	}
	return &journey.Weight{ClientID: clientID, Kg: in.Medical.WeightKG, At: in.UpdatedAt}, nil
}

// FindRunSheet returns session id's record in time order, with the
// practice's monitoring rules; ENOTFOUND when there is no such session.
func (db *DB) FindRunSheet(ctx context.Context, id int64) (*journey.RunSheet, error) {
	s, err := db.FindCareSession(ctx, id)
	if err != nil {
		return nil, err
	}
	return db.runSheet(ctx, db, s)
}

func (db *DB) runSheet(ctx context.Context, q reader, s *journey.CareSession) (*journey.RunSheet, error) {
	cs, err := scanCareSettings(q.queryRow(ctx, careSettingsQuery))
	if err != nil {
		return nil, err
	}
	rs := &journey.RunSheet{Session: s, Rules: cs.Monitoring}
	if s.Mode == journey.ModeRemote {
		ci, err := db.scanCheckIn(q.queryRow(ctx, checkInQuery, s.ID))
		if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
			return nil, err
		}
		rs.CheckIn = ci
	}
	p := db.phi()
	if err := eachRow(q, ctx, `SELECT id, medicine, ordered_by, created_at FROM medicine_orders WHERE session_id = ? ORDER BY id DESC LIMIT 1`, s.ID,
		func(sc scanner) error {
			var so sealedOrder
			var id, by, at int64
			var sealed string
			if err := sc.Scan(&id, &sealed, &by, &at); err != nil {
				return err
			}
			p.openJSON(aadOrder, sealed, &so)
			so.Order.Override = so.OverrideReason
			so.Order.ID, so.Order.SessionID, so.Order.OrderedBy, so.Order.OrderedAt = id, s.ID, by, fromUnix(at)
			rs.Order = &so.Order
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT checklist, recorded_by, created_at FROM session_checklists WHERE session_id = ? ORDER BY id DESC LIMIT 1`, s.ID,
		func(sc scanner) error {
			c := &journey.Checklist{}
			var at int64
			var sealed string
			if err := sc.Scan(&sealed, &c.By, &at); err != nil {
				return err
			}
			p.openJSON(aadChecklist, sealed, c)
			c.At = fromUnix(at)
			rs.Checklist = c
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT id, phase, taken_at, observation, recorded_by FROM session_observations WHERE session_id = ? ORDER BY taken_at, id LIMIT 2000`, s.ID,
		func(sc scanner) error {
			o := &journey.Observation{}
			var id, taken, by int64
			var phase, sealed string
			if err := sc.Scan(&id, &phase, &taken, &sealed, &by); err != nil {
				return err
			}
			p.openJSON(aadObservation, sealed, o)
			o.ID, o.SessionID, o.Phase, o.TakenAt, o.By = id, s.ID, phase, fromUnix(taken), by
			rs.Observations = append(rs.Observations, o)
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT r.id, COALESCE(r.observation_id, 0), r.note, r.reviewed_by, u.name, r.created_at FROM session_reviews r
		JOIN users u ON u.id = r.reviewed_by WHERE r.session_id = ? ORDER BY r.id`, s.ID,
		func(sc scanner) error {
			r := &journey.HoldReview{SessionID: s.ID}
			var at int64
			if err := sc.Scan(&r.ID, &r.ObservationID, &r.Note, &r.By, &r.ByName, &at); err != nil {
				return err
			}
			p.openJSON(aadReviewNote, r.Note, &r.Note)
			p.open(aadUserName, &r.ByName)
			r.At = fromUnix(at)
			rs.Reviews = append(rs.Reviews, r)
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT id, COALESCE(order_id, 0), dose_mg, route, COALESCE(container_id, 0), amount, pharmacy,
		prescription_no, self_admin, booster, administered_at, by_id FROM administrations WHERE session_id = ? ORDER BY administered_at, id`, s.ID,
		func(sc scanner) error {
			a := &journey.Administration{SessionID: s.ID}
			var amount, at int64
			if err := sc.Scan(&a.ID, &a.OrderID, &a.DoseMg, &a.Route, &a.ContainerID, &amount, &a.Pharmacy, &a.PrescriptionNo, &a.SelfAdmin,
				&a.Booster, &at, &a.By); err != nil {
				return err
			}
			p.open(aadAdminPharmacy, &a.Pharmacy)
			p.open(aadAdminPrescription, &a.PrescriptionNo)
			a.Amount, a.AdministeredAt = units(amount), fromUnix(at)
			rs.Administrations = append(rs.Administrations, a)
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT discharge, discharged_by, discharged_at FROM session_discharges WHERE session_id = ?`, s.ID,
		func(sc scanner) error {
			var d sealedDischarge
			var by, at int64
			var sealed string
			if err := sc.Scan(&sealed, &by, &at); err != nil {
				return err
			}
			p.openJSON(aadDischarge, sealed, &d)
			d.Discharge.Override, d.Discharge.By, d.Discharge.At = d.OverrideReason, by, fromUnix(at)
			rs.Discharge = &d.Discharge
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(q, ctx, `SELECT a.id, a.addendum, a.added_by, u.name, a.created_at FROM session_addenda a
		JOIN users u ON u.id = a.added_by WHERE a.session_id = ? ORDER BY a.id`, s.ID,
		func(sc scanner) error {
			a := &journey.RunSheetAddendum{SessionID: s.ID}
			var at int64
			if err := sc.Scan(&a.ID, &a.Text, &a.By, &a.ByName, &at); err != nil {
				return err
			}
			p.openJSON(aadAddendum, a.Text, &a.Text)
			p.open(aadUserName, &a.ByName)
			a.At = fromUnix(at)
			rs.Addenda = append(rs.Addenda, a)
			return nil
		}); err != nil {
		return nil, err
	}
	return rs, p.err
}

// eachRow runs query with the session's id and calls fn for each row.
func eachRow(q reader, ctx context.Context, query string, id int64, fn func(scanner) error) error {
	rows, err := q.query(ctx, query, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// changeRunSheet runs fn in a transaction that holds session id's lock,
// with its run sheet read and worked out at the transaction's time;
// ECONFLICT when the client was discharged (an addendum, not a change),
// ENOTFOUND when there is no such session or it is not a medicine session.
func (db *DB) changeRunSheet(ctx context.Context, id int64, fn func(tx *Tx, rs *journey.RunSheet) error) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		rs, err := tx.runSheet(ctx, id)
		if err != nil {
			return err
		}
		if rs.Discharge != nil {
			return journey.Errorf(journey.ECONFLICT, "The client was discharged: the run sheet no longer changes; add an addendum instead.")
		}
		return fn(tx, rs)
	})
}

// runSheet returns session id's run sheet read in tx with the session's
// row locked, worked out at tx's time.
func (tx *Tx) runSheet(ctx context.Context, id int64) (*journey.RunSheet, error) {
	s, err := tx.lockedSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Type != journey.TypeMedicine {
		return nil, journey.Errorf(journey.ENOTFOUND, "Only a medicine session has a run sheet.")
	}
	rs, err := tx.db.runSheet(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	rs.Work(tx.now)
	return rs, nil
}

// open reports ECONFLICT unless the session is checked in or in progress.
func running(rs *journey.RunSheet, what string) error {
	if st := rs.Session.Status; st != journey.SessionCheckedIn && st != journey.SessionInProgress {
		return journey.Errorf(journey.ECONFLICT, "The session is %s: %s only once the client is checked in.", journey.SessionStatusWords(st), what)
	}
	return nil
}

// CreateOrder records o as session o.SessionID's order in force, checked
// against the practice's bounds (journey.Order.Check) and the session's
// route; an order past a bound (with its override) tells the care team at
// once. EINVALID naming the wrong fields; ECONFLICT once a dose was given
// (a new order is for the next session) or the session is over.
func (db *DB) CreateOrder(ctx context.Context, o *journey.Order) error {
	return db.changeRunSheet(ctx, o.SessionID, func(tx *Tx, rs *journey.RunSheet) error {
		switch st := rs.Session.Status; {
		case st != journey.SessionBooked && st != journey.SessionCheckedIn && st != journey.SessionInProgress:
			return journey.Errorf(journey.ECONFLICT, "The session is %s: it takes no order.", journey.SessionStatusWords(st))
		case len(rs.Administrations) > 0:
			return journey.Errorf(journey.ECONFLICT, "A dose was given under the order in force: it no longer changes this session.")
		}
		if err := o.Check(rs.Session.Route, rs.Rules); err != nil {
			return err
		}
		p := tx.db.phi()
		sealed := p.sealPadded(aadOrder, sealedOrder{Order: *o, OverrideReason: o.Override}, padDoc)
		if p.err != nil {
			return p.err
		}
		o.OrderedAt = tx.now
		var err error
		if o.ID, err = tx.insert(ctx, `INSERT INTO medicine_orders (session_id, medicine, ordered_by, created_at) VALUES (?, ?, ?, ?)`,
			o.SessionID, sealed, o.OrderedBy, unix(tx.now)); err != nil {
			return err
		}
		if o.Override != "" {
			return tx.mailMedicineAlert(ctx, rs.Session, journey.EventOrderOverride)
		}
		return nil
	})
}

// SetChecklist records the pre-dose checklist of session id (by and at
// set here); EINVALID naming each item not ticked; ECONFLICT unless the
// client is checked in, or once a dose was given.
func (db *DB) SetChecklist(ctx context.Context, id int64, c *journey.Checklist) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.changeRunSheet(ctx, id, func(tx *Tx, rs *journey.RunSheet) error {
		if err := running(rs, "the checklist is done"); err != nil {
			return err
		}
		if len(rs.Administrations) > 0 {
			return journey.Errorf(journey.ECONFLICT, "The dose was given: the pre-dose checklist no longer changes.")
		}
		c.At = tx.now
		p := tx.db.phi()
		sealed := p.sealPadded(aadChecklist, c, padDoc)
		if p.err != nil {
			return p.err
		}
		_, err := tx.insert(ctx, `INSERT INTO session_checklists (session_id, checklist, recorded_by, created_at) VALUES (?, ?, ?, ?)`,
			id, sealed, c.By, unix(tx.now))
		return err
	})
}

// CreateObservation records o on its session's run sheet with the flags
// the practice's thresholds raise (journey.EvaluateObservation); a hold or
// an escalation tells the care team at once. EINVALID naming the wrong
// fields (a time in the future or before the session began among them);
// ECONFLICT unless the client is checked in.
func (db *DB) CreateObservation(ctx context.Context, o *journey.Observation) error {
	o.TakenAt = o.TakenAt.UTC().Truncate(time.Second)
	return db.changeRunSheet(ctx, o.SessionID, func(tx *Tx, rs *journey.RunSheet) error {
		if err := running(rs, "readings are taken"); err != nil {
			return err
		}
		if err := o.Validate(tx.now, began(rs.Session), rs.DosedAt()); err != nil {
			return err
		}
		o.Flags = journey.EvaluateObservation(rs.Rules, o, rs.Baseline())
		p := tx.db.phi()
		sealed := p.sealPadded(aadObservation, o, padScore)
		if p.err != nil {
			return p.err
		}
		var err error
		if o.ID, err = tx.insert(ctx, `INSERT INTO session_observations (session_id, phase, taken_at, observation, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, o.SessionID, o.Phase, unix(o.TakenAt), sealed, o.By, unix(tx.now)); err != nil {
			return err
		}
		switch {
		case hasAction(o.Flags, journey.ActionEscalate):
			return tx.mailMedicineAlert(ctx, rs.Session, journey.EventEscalation)
		case hasAction(o.Flags, journey.ActionHold):
			return tx.mailMedicineAlert(ctx, rs.Session, journey.EventHold)
		}
		return nil
	})
}

func hasAction(flags []journey.Flag, action string) bool {
	for _, f := range flags {
		if f.Action == action {
			return true
		}
	}
	return false
}

// doseRefusals returns why a may not be given in session s now, read in
// tx under the session's lock (journey.RunSheet.DoseBlockers: the order,
// the pre-dose set, the checklist, a hold or review unresolved, discharge,
// a dose outside the order), and sets a.OrderID to the order in force.
// The session's gates (clearance, consent…) are processing's to check
// before (processing.DoseBlockers).
func (tx *Tx) doseRefusals(ctx context.Context, s *journey.CareSession, a *journey.Administration) ([]journey.Gate, error) {
	if s.Type != journey.TypeMedicine {
		return []journey.Gate{{Code: "medicine_session", Detail: "Only a medicine session is dosed."}}, nil
	}
	rs, err := tx.db.runSheet(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	rs.Work(tx.now)
	if bs := rs.DoseBlockers(a); len(bs) > 0 {
		return bs, nil
	}
	a.OrderID = rs.Order.ID
	return nil, nil
}

// began returns when a session's readings may start: an hour before its
// start, when it may be started (journey.SessionActionWindow).
func began(s *journey.CareSession) time.Time {
	from, _ := journey.SessionActionWindow(journey.ActionStart, s.Start, s.End)
	return from
}

// CreateHoldReview records the medical provider's review of the readings
// up to the latest (r.ObservationID is set here), which resolves their
// holds and escalations; ECONFLICT when nothing waits for review or the
// client was not re-measured after a flagged reading, or the latest still
// holds the dose (journey.RunSheet.ReviewRefusal); EINVALID on note.
func (db *DB) CreateHoldReview(ctx context.Context, r *journey.HoldReview) error {
	r.Note = journey.Paragraphs(r.Note)
	if n := len([]rune(r.Note)); n < 1 || n > journey.MaxOrderText {
		return invalidField("note", "Write the review's note: what was decided and why.")
	}
	return db.changeRunSheet(ctx, r.SessionID, func(tx *Tx, rs *journey.RunSheet) error {
		if err := rs.ReviewRefusal(); err != nil {
			return err
		}
		// A review only of a remote check-in resolves no flagged reading
		// that is not yet ready for review (a re-measure comes first).
		if rs.ReadingsRefusal() == nil {
			for _, o := range rs.Observations {
				r.ObservationID = max(r.ObservationID, o.ID)
			}
		}
		p := tx.db.phi()
		sealed := p.sealPadded(aadReviewNote, r.Note, padText)
		if p.err != nil {
			return p.err
		}
		r.At = tx.now
		var err error
		var obs any // NULL: a review of the check-in alone
		if r.ObservationID != 0 {
			obs = r.ObservationID
		}
		r.ID, err = tx.insert(ctx, `INSERT INTO session_reviews (session_id, observation_id, note, reviewed_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			r.SessionID, obs, sealed, r.By, unix(tx.now))
		return err
	})
}

// CreateDischarge discharges the client of session id (d.By and d.At set
// here) and completes the session, in one transaction; an early discharge
// (with its override reason, whose author's role the caller checked)
// tells the care team at once. EINVALID naming each item not ticked;
// ECONFLICT before the least observation time without an override, or
// when the session is not in progress or was discharged.
func (db *DB) CreateDischarge(ctx context.Context, id int64, d *journey.Discharge) error {
	return db.changeRunSheet(ctx, id, func(tx *Tx, rs *journey.RunSheet) error {
		if err := d.Check(rs, tx.now); err != nil {
			return err
		}
		d.At = tx.now
		p := tx.db.phi()
		sealed := p.sealPadded(aadDischarge, sealedDischarge{Discharge: *d, OverrideReason: d.Override}, padDoc)
		if p.err != nil {
			return p.err
		}
		if _, err := tx.exec(ctx, `INSERT INTO session_discharges (session_id, discharge, discharged_by, discharged_at) VALUES (?, ?, ?, ?)`,
			id, sealed, d.By, unix(tx.now)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE care_sessions SET status = 'completed', updated_at = ? WHERE id = ?`, unix(tx.now), id); err != nil {
			return err
		}
		if d.Override != "" {
			return tx.mailMedicineAlert(ctx, rs.Session, journey.EventEarlyDischarge)
		}
		return nil
	})
}

// CreateRunSheetAddendum adds a to a discharged run sheet; ECONFLICT
// before discharge (the run sheet itself is changed then), EINVALID on
// text.
func (db *DB) CreateRunSheetAddendum(ctx context.Context, a *journey.RunSheetAddendum) error {
	a.Text = journey.Paragraphs(a.Text)
	if n := len([]rune(a.Text)); n < 1 || n > journey.MaxAddendum {
		return invalidField("text", "Write the addendum, up to 4000 characters.")
	}
	p := db.phi()
	sealed := p.sealPadded(aadAddendum, a.Text, padText)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		rs, err := tx.runSheet(ctx, a.SessionID)
		if err != nil {
			return err
		}
		if rs.Discharge == nil {
			return journey.Errorf(journey.ECONFLICT, "An addendum follows discharge: until then, record on the run sheet itself.")
		}
		a.At = tx.now
		a.ID, err = tx.insert(ctx, `INSERT INTO session_addenda (session_id, addendum, added_by, created_at) VALUES (?, ?, ?, ?)`,
			a.SessionID, sealed, a.By, unix(tx.now))
		return err
	})
}

// mailMedicineAlert tells the session's therapist and medical provider and
// each clinician on the client's care team at once that event happened,
// in the change's transaction.
func (tx *Tx) mailMedicineAlert(ctx context.Context, s *journey.CareSession, event string) error {
	composer, ok := tx.db.Mail.(journey.MedicineMailComposer)
	if !ok {
		return journey.Errorf(journey.EINTERNAL, "No mail composer for medicine alerts.")
	}
	ids := []int64{}
	add := func(id int64) {
		for _, x := range ids {
			if x == id {
				return
			}
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	add(s.TherapistID)
	add(s.MedicalProviderID)
	for _, role := range []string{journey.RoleTherapist, journey.RoleMedicalProvider} {
		team, err := tx.db.onCareTeam(ctx, tx, s.ClientID, role)
		if err != nil {
			return err
		}
		for _, id := range team {
			add(id)
		}
	}
	pr, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		u, err := tx.db.scanUser(ctx, tx.queryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id WHERE u.id = ?`, id))
		if err != nil {
			return err
		}
		m, err := composer.ComposeMedicineAlert(u, pr, s.ID, event)
		if err != nil {
			return err
		}
		if err := tx.queueMessage(ctx, m, 0); err != nil {
			return err
		}
	}
	return nil
}
