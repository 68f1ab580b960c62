package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/journey-kap/journey"
)

// The controlled-substance log (migration 0028). Amounts are stored in
// thousandths of the lot's unit (milli), so a balance is an exact integer
// and "never below zero" is a CHECK. Every change is one transaction that
// moves a container's balance with a guarded UPDATE (it matches only while
// the balance covers the amount, the container is usable and its lot is
// not expired on the day, in the location's zone) and appends the signed
// entry saying so: under concurrent use a draw that loses the race matches
// no row and is refused, and the CHECKs and triggers refuse whatever gets
// past the guard.

// milli returns a in thousandths of its unit.
func milli(a float64) int64 { return int64(math.Round(a * 1000)) }

// units returns m thousandths as a number of units.
func units(m int64) float64 { return float64(m) / 1000 }

// locationDay returns the zone of location id and tx's day there; EINVALID
// naming field when there is no such active location.
func (tx *Tx) locationDay(ctx context.Context, id int64, field string) (*time.Location, string, error) {
	var zone string
	err := tx.queryRow(ctx, `SELECT time_zone FROM locations WHERE id = ? AND active`, id).Scan(&zone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", invalidField(field, "Choose one of the practice's open locations.")
	}
	if err != nil {
		return nil, "", err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, "", fmt.Errorf("sqldb: location %d zone: %w", id, err)
	}
	return loc, tx.now.In(loc).Format(time.DateOnly), nil
}

// entry is one row of cs_entries to append.
type entry struct {
	kind                       string
	locationID, lotID, contID  int64
	amount, balance            int64 // milli
	counted                    *int64
	countID, sessionID, client int64
	witness                    int64
	reason, day                string
	sig                        journey.Signature
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// append writes e, signed, at tx's time, and returns its id.
func (tx *Tx) appendEntry(ctx context.Context, e entry) (int64, error) {
	var counted any
	if e.counted != nil {
		counted = *e.counted
	}
	id, err := tx.insert(ctx, `INSERT INTO cs_entries (kind, location_id, lot_id, container_id, amount, balance_after, counted, count_id,
		session_id, client_id, witness_id, reason, by_id, signature, at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.kind, e.locationID, e.lotID, e.contID, e.amount, e.balance, counted, nullID(e.countID),
		nullID(e.sessionID), nullID(e.client), nullID(e.witness), e.reason, e.sig.By, e.sig.Kind, unix(tx.now), e.day)
	if err != nil {
		return 0, expiredErr(err)
	}
	return id, nil
}

// expiredErr turns the triggers' refusal of an expired lot into the
// ECONFLICT a guarded update would have given.
func expiredErr(err error) error {
	if isConflict(err) {
		return &journey.Error{Code: journey.ECONFLICT, Message: "This lot has expired: it cannot be used.", Err: err}
	}
	return err
}

// container is a container's row with its lot's unit and strength.
type container struct {
	journey.Container
	expiry    string
	unit      string
	mgPerUnit float64
	balance   int64
}

// lockedContainer reads container id in tx (locking its row on
// PostgreSQL); ENOTFOUND when there is none.
func (tx *Tx) lockedContainer(ctx context.Context, id int64) (*container, error) {
	lock := ""
	if tx.db.Dialect == Postgres {
		lock = " FOR UPDATE OF c"
	}
	var c container
	err := tx.queryRow(ctx, `SELECT c.id, c.lot_id, c.location_id, c.number, c.received, c.balance, c.status, c.expiry, l.unit, l.mg_per_unit
		FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id WHERE c.id = ?`+lock, id).Scan(
		&c.ID, &c.LotID, &c.LocationID, &c.Number, new(int64), &c.balance, &c.Status, &c.expiry, &c.unit, &c.mgPerUnit)
	if err != nil {
		return nil, notFound(err, "Container")
	}
	c.Balance = units(c.balance)
	return &c, nil
}

// draw takes amount (milli) from container c with the guarded update and
// returns the balance left. usable says what the draw needs beyond the
// balance: an open container of a lot not expired on day (a dose), or any
// container not empty (waste, which may destroy expired stock). A draw
// the guard refuses is ECONFLICT saying why.
func (tx *Tx) draw(ctx context.Context, c *container, amount int64, forDose bool, day string) (int64, error) {
	guard := `status IN ('sealed', 'open')`
	if forDose {
		guard = `status = 'open' AND expiry >= '` + day + `'`
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return 0, fmt.Errorf("sqldb: draw on day %q", day)
		}
	}
	var left int64
	err := tx.queryRow(ctx, `UPDATE cs_containers SET balance = balance - ?,
		status = CASE WHEN balance - ? = 0 THEN 'empty' ELSE status END
		WHERE id = ? AND balance >= ? AND `+guard+` RETURNING balance`, amount, amount, c.ID, amount).Scan(&left)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, tx.whyNot(ctx, c.ID, amount, forDose, day)
	}
	return left, err
}

// whyNot returns the ECONFLICT for a draw of amount from container id that
// the guard refused, read again in tx.
func (tx *Tx) whyNot(ctx context.Context, id, amount int64, forDose bool, day string) error {
	c, err := tx.lockedContainer(ctx, id)
	if err != nil {
		return err
	}
	unit := c.unit
	switch {
	case forDose && c.expiry < day:
		return journey.Errorf(journey.ECONFLICT, "Container #%d's lot expired on %s: it cannot be used.", c.Number, c.expiry)
	case c.Status == journey.ContainerEmpty || c.balance == 0:
		return journey.Errorf(journey.ECONFLICT, "Container #%d is empty.", c.Number)
	case forDose && c.Status == journey.ContainerSealed:
		return journey.Errorf(journey.ECONFLICT, "Container #%d is sealed: open it into working stock first.", c.Number)
	case c.balance < amount:
		return journey.Errorf(journey.ECONFLICT, "Container #%d holds %s %s, less than the %s %s asked for.",
			c.Number, fmtAmount(c.balance), unit, fmtAmount(amount), unit)
	}
	return journey.Errorf(journey.ECONFLICT, "Container #%d cannot be used now.", c.Number)
}

// fmtAmount writes m thousandths as a decimal without trailing zeros.
func fmtAmount(m int64) string {
	s := fmt.Sprintf("%.3f", units(m))
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// checkSigner refuses a signature by no one or of an unknown kind.
func checkSigner(sig journey.Signature) error {
	if sig.By <= 0 || (sig.Kind != journey.SignSecondFactor && sig.Kind != journey.SignAPIToken) {
		return journey.Errorf(journey.EINVALID, "Every entry in the controlled-substance log is signed.")
	}
	return nil
}

// ReceiveStock stores receipt r as a lot of r.Containers containers
// numbered from 1, each with its receipt entry signed by sig, and returns
// the lot with its containers. EINVALID on a bad field, or on a lot
// already expired on the day in the location's zone.
func (db *DB) ReceiveStock(ctx context.Context, r *journey.Receipt, sig journey.Signature) (*journey.Lot, error) {
	if err := checkSigner(sig); err != nil {
		return nil, err
	}
	var lot *journey.Lot
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, day, err := tx.locationDay(ctx, r.LocationID, "location_id")
		var v journey.Validation
		v.AddErr(err)
		v.AddErr(r.Validate(day))
		if err := v.Err(); err != nil {
			return err
		}
		lot = &journey.Lot{LocationID: r.LocationID, NDC: r.NDC, Product: r.Product, Strength: r.Strength, Unit: r.Unit,
			MgPerUnit: r.MgPerUnit, Lot: r.Lot, Expiry: r.Expiry, Supplier: r.Supplier, Invoice: r.Invoice, ReceivedAt: tx.now}
		lot.ID, err = tx.insert(ctx, `INSERT INTO cs_lots (location_id, ndc, product, strength, unit, mg_per_unit, lot, expiry, supplier, invoice, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, lot.LocationID, lot.NDC, lot.Product, lot.Strength, lot.Unit, lot.MgPerUnit,
			lot.Lot, lot.Expiry, lot.Supplier, lot.Invoice, unix(tx.now))
		if err != nil {
			return err
		}
		amount := milli(r.AmountPerContainer)
		for n := 1; n <= r.Containers; n++ {
			c := &journey.Container{LotID: lot.ID, LocationID: lot.LocationID, Number: n, Received: units(amount),
				Balance: units(amount), Status: journey.ContainerSealed}
			if c.ID, err = tx.insert(ctx, `INSERT INTO cs_containers (lot_id, location_id, number, expiry, received, balance, status)
				VALUES (?, ?, ?, ?, ?, ?, 'sealed')`, lot.ID, lot.LocationID, n, lot.Expiry, amount, amount); err != nil {
				return err
			}
			if _, err := tx.appendEntry(ctx, entry{kind: journey.EntryReceipt, locationID: lot.LocationID, lotID: lot.ID, contID: c.ID,
				amount: amount, balance: amount, reason: "Invoice " + lot.Invoice, day: day, sig: sig}); err != nil {
				return err
			}
			lot.Containers = append(lot.Containers, c)
			lot.Balance += c.Balance
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return lot, nil
}

// OpenContainer opens sealed container id into working stock, signed by
// sig. ENOTFOUND when there is none; ECONFLICT when it is not sealed or
// its lot has expired.
func (db *DB) OpenContainer(ctx context.Context, id int64, sig journey.Signature) (*journey.LogEntry, error) {
	if err := checkSigner(sig); err != nil {
		return nil, err
	}
	var out *journey.LogEntry
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		c, err := tx.lockedContainer(ctx, id)
		if err != nil {
			return err
		}
		_, day, err := tx.locationDay(ctx, c.LocationID, "container_id")
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE cs_containers SET status = 'open' WHERE id = ? AND status = 'sealed' AND expiry >= '`+day+`'`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if c.expiry < day {
				return journey.Errorf(journey.ECONFLICT, "Container #%d's lot expired on %s: it cannot be opened.", c.Number, c.expiry)
			}
			return journey.Errorf(journey.ECONFLICT, "Container #%d is %s, not sealed.", c.Number, c.Status)
		}
		e := entry{kind: journey.EntryOpen, locationID: c.LocationID, lotID: c.LotID, contID: c.ID, balance: c.balance, day: day, sig: sig}
		eid, err := tx.appendEntry(ctx, e)
		out = e.logEntry(eid, tx.now, c.mgPerUnit)
		return err
	})
	return out, err
}

// logEntry returns e as the domain's entry, stored as id at at.
func (e entry) logEntry(id int64, at time.Time, mgPerUnit float64) *journey.LogEntry {
	le := &journey.LogEntry{ID: id, Kind: e.kind, LocationID: e.locationID, LotID: e.lotID, ContainerID: e.contID,
		Amount: units(e.amount), Mg: units(e.amount) * mgPerUnit, Balance: units(e.balance), CountID: e.countID,
		SessionID: e.sessionID, ClientID: e.client, WitnessID: e.witness, Reason: e.reason, By: e.sig.By, Signature: e.sig.Kind, At: at}
	if e.counted != nil {
		c := units(*e.counted)
		le.Counted = &c
	}
	return le
}

// activeStaff reports whether id is an active member of staff.
func (tx *Tx) activeStaff(ctx context.Context, id int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND kind = 'staff' AND active`, id).Scan(&n)
	return n > 0, err
}

// WasteStock records w, signed by sig and witnessed by w.WitnessID: the
// amount leaves the container (sealed or open, expired or not: waste is
// how expired stock is destroyed). EINVALID on a bad field, no witness,
// oneself or someone not active staff as witness; ENOTFOUND when there is
// no such container; ECONFLICT when it holds less than the amount.
func (db *DB) WasteStock(ctx context.Context, w *journey.Waste, sig journey.Signature) (*journey.LogEntry, error) {
	if err := checkSigner(sig); err != nil {
		return nil, err
	}
	if err := w.Validate(sig.By); err != nil {
		return nil, err
	}
	var out *journey.LogEntry
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if ok, err := tx.activeStaff(ctx, w.WitnessID); err != nil {
			return err
		} else if !ok {
			return invalidField("witness_id", "The witness must be an active member of staff.")
		}
		c, err := tx.lockedContainer(ctx, w.ContainerID)
		if err != nil {
			return err
		}
		_, day, err := tx.locationDay(ctx, c.LocationID, "container_id")
		if err != nil {
			return err
		}
		amount := milli(w.Amount)
		left, err := tx.draw(ctx, c, amount, false, day)
		if err != nil {
			return err
		}
		e := entry{kind: journey.EntryWaste, locationID: c.LocationID, lotID: c.LotID, contID: c.ID, amount: -amount, balance: left,
			witness: w.WitnessID, reason: w.Reason, day: day, sig: sig}
		eid, err := tx.appendEntry(ctx, e)
		out = e.logEntry(eid, tx.now, c.mgPerUnit)
		return err
	})
	return out, err
}

// TransferContainer moves container t.ContainerID, with what it holds, to
// location t.ToLocationID: an entry out of the one and into the other,
// both signed by sig. EINVALID when the location is no other open one;
// ENOTFOUND when there is no such container; ECONFLICT when it is empty
// or its lot has expired.
func (db *DB) TransferContainer(ctx context.Context, t *journey.Transfer, sig journey.Signature) ([]*journey.LogEntry, error) {
	if err := checkSigner(sig); err != nil {
		return nil, err
	}
	t.Reason = journey.Line(t.Reason)
	var out []*journey.LogEntry
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		c, err := tx.lockedContainer(ctx, t.ContainerID)
		if err != nil {
			return err
		}
		if t.ToLocationID == c.LocationID {
			return invalidField("to_location_id", "Choose another location than the one it is at.")
		}
		_, fromDay, err := tx.locationDay(ctx, c.LocationID, "container_id")
		if err != nil {
			return err
		}
		_, toDay, err := tx.locationDay(ctx, t.ToLocationID, "to_location_id")
		if err != nil {
			return err
		}
		if c.balance == 0 {
			return journey.Errorf(journey.ECONFLICT, "Container #%d is empty: there is nothing to transfer.", c.Number)
		}
		if _, err := tx.exec(ctx, `UPDATE cs_containers SET location_id = ? WHERE id = ?`, t.ToLocationID, c.ID); err != nil {
			return err
		}
		for _, e := range []entry{
			{kind: journey.EntryTransferOut, locationID: c.LocationID, amount: -c.balance, day: fromDay},
			{kind: journey.EntryTransferIn, locationID: t.ToLocationID, amount: c.balance, balance: c.balance, day: toDay},
		} {
			e.lotID, e.contID, e.reason, e.sig = c.LotID, c.ID, t.Reason, sig
			id, err := tx.appendEntry(ctx, e)
			if err != nil {
				return err
			}
			out = append(out, e.logEntry(id, tx.now, c.mgPerUnit))
		}
		return nil
	})
	return out, err
}
