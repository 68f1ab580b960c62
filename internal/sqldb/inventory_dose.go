package sqldb

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/journey-kap/journey"
)

const (
	aadAdminPharmacy     = "administrations.pharmacy"
	aadAdminPrescription = "administrations.prescription_no"
)

// RecordAdministration stores a, signed by sig, in one transaction with
// what it draws: from a practice container, the guarded draw of the dose
// in the container's unit and its log entry; from the client's own
// prescription, the pharmacy and number, sealed, touching no stock. A
// second dose in a session is a booster. EINVALID on a bad field, a time
// before the session began, a route its container's unit does not serve
// or a container at another location; ENOTFOUND when there is no such
// session or container; ECONFLICT with Gates when the session may not be
// dosed now, or when the container is sealed, empty, short or expired.
func (db *DB) RecordAdministration(ctx context.Context, a *journey.Administration, sig journey.Signature) error {
	if err := checkSigner(sig); err != nil {
		return err
	}
	if err := a.Validate(db.Now()); err != nil {
		return err
	}
	a.AdministeredAt = a.AdministeredAt.UTC().Truncate(time.Second)
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, a.SessionID)
		if err != nil {
			return err
		}
		if gates, err := tx.doseRefusals(ctx, s, a); err != nil {
			return err
		} else if len(gates) > 0 {
			return &journey.Error{Code: journey.ECONFLICT, Message: "This dose cannot be recorded yet.", Gates: gates}
		}
		if a.AdministeredAt.Before(began(s)) {
			return invalidField("administered_at", "The time it was given cannot be before the session began.")
		}
		var before int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM administrations WHERE session_id = ?`, s.ID).Scan(&before); err != nil {
			return err
		}
		a.Booster, a.By = before > 0, sig.By
		var entryID any
		if a.ContainerID > 0 {
			id, err := tx.drawDose(ctx, s, a, sig)
			if err != nil {
				return err
			}
			entryID = id
		}
		p := tx.db.phi()
		pharmacy, rx := p.seal(aadAdminPharmacy, a.Pharmacy), p.seal(aadAdminPrescription, a.PrescriptionNo)
		if p.err != nil {
			return p.err
		}
		a.ID, err = tx.insert(ctx, `INSERT INTO administrations (session_id, order_id, dose_mg, route, container_id, entry_id, amount,
			pharmacy, prescription_no, self_admin, booster, administered_at, by_id, signature, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, nullID(a.OrderID), a.DoseMg, a.Route, nullID(a.ContainerID), entryID,
			milli(a.Amount), pharmacy, rx, a.SelfAdmin, a.Booster, unix(a.AdministeredAt), sig.By, sig.Kind, unix(tx.now))
		return err
	})
}

// drawDose draws a's dose from its container for session s and appends
// the administration's entry, returning its id; a.Amount is set to what
// was drawn, in the container's unit.
func (tx *Tx) drawDose(ctx context.Context, s *journey.CareSession, a *journey.Administration, sig journey.Signature) (int64, error) {
	c, err := tx.lockedContainer(ctx, a.ContainerID)
	if err != nil {
		return 0, err
	}
	if want := map[string]string{journey.RouteLozenge: journey.UnitCount, journey.RouteIM: journey.UnitML}[a.Route]; c.unit != want {
		return 0, invalidField("container_id", fmt.Sprintf("Container #%d holds %s, not the %s this route uses.", c.Number, unitWords(c.unit), unitWords(want)))
	}
	if s.RoomID != 0 {
		var at int64
		if err := tx.queryRow(ctx, `SELECT location_id FROM rooms WHERE id = ?`, s.RoomID).Scan(&at); err != nil {
			return 0, err
		}
		if at != c.LocationID {
			return 0, invalidField("container_id", fmt.Sprintf("Container #%d is held at another location than the session's room.", c.Number))
		}
	}
	_, day, err := tx.locationDay(ctx, c.LocationID, "container_id")
	if err != nil {
		return 0, err
	}
	amount := int64(math.Round(a.DoseMg / c.mgPerUnit * 1000))
	if amount <= 0 {
		return 0, invalidField("dose_mg", "The dose is less than the smallest amount the log records.")
	}
	left, err := tx.draw(ctx, c, amount, true, day)
	if err != nil {
		return 0, err
	}
	a.Amount = units(amount)
	return tx.appendEntry(ctx, entry{kind: journey.EntryAdministration, locationID: c.LocationID, lotID: c.LotID, contID: c.ID,
		amount: -amount, balance: left, sessionID: s.ID, client: s.ClientID, day: day, sig: sig})
}

// unitWords names a unit in a sentence.
func unitWords(unit string) string {
	if unit == journey.UnitML {
		return "an injectable (mL)"
	}
	return "lozenges (a count)"
}

// FindAdministrations returns session id's administrations in the order
// given, their pharmacy and prescription number opened.
func (db *DB) FindAdministrations(ctx context.Context, sessionID int64) ([]*journey.Administration, error) {
	rows, err := db.query(ctx, `SELECT id, session_id, COALESCE(order_id, 0), dose_mg, route, COALESCE(container_id, 0), amount, pharmacy,
		prescription_no, self_admin, booster, administered_at, by_id FROM administrations WHERE session_id = ? ORDER BY administered_at, id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Administration{}
	p := db.phi()
	for rows.Next() {
		var a journey.Administration
		var amount, at int64
		if err := rows.Scan(&a.ID, &a.SessionID, &a.OrderID, &a.DoseMg, &a.Route, &a.ContainerID, &amount, &a.Pharmacy,
			&a.PrescriptionNo, &a.SelfAdmin, &a.Booster, &at, &a.By); err != nil {
			return nil, err
		}
		p.open(aadAdminPharmacy, &a.Pharmacy)
		p.open(aadAdminPrescription, &a.PrescriptionNo)
		a.Amount, a.AdministeredAt = units(amount), fromUnix(at)
		out = append(out, &a)
	}
	if p.err != nil {
		return nil, p.err
	}
	return out, rows.Err()
}
