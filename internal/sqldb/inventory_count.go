package sqldb

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/journey-kap/journey"
)

// RecordCount stores count c of a location's stock, signed by sig: one
// count entry per container with what was found beside the book balance,
// and a discrepancy, open until an admin resolves it, for each line that
// differs. A biennial count must cover every container at the location
// that is not empty. EINVALID on a bad line, a container at another
// location, or a biennial count that misses one.
func (db *DB) RecordCount(ctx context.Context, c *journey.Count, sig journey.Signature) error {
	if err := checkSigner(sig); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, day, err := tx.locationDay(ctx, c.LocationID, "location_id")
		if err != nil {
			return err
		}
		c.By, c.Signature, c.At, c.Discrepancies = sig.By, sig.Kind, tx.now, nil
		if c.ID, err = tx.insert(ctx, `INSERT INTO cs_counts (location_id, biennial, by_id, signature, at) VALUES (?, ?, ?, ?, ?)`,
			c.LocationID, c.Biennial, sig.By, sig.Kind, unix(tx.now)); err != nil {
			return err
		}
		var v journey.Validation
		counted := map[int64]bool{}
		for i, l := range c.Lines {
			k, err := tx.lockedContainer(ctx, l.ContainerID)
			if err != nil || k.LocationID != c.LocationID {
				if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
					return err
				}
				v.Add(fmt.Sprintf("counts[%d]", i), "That container is not held at this location.")
				continue
			}
			counted[k.ID] = true
			found := milli(l.Amount)
			e := entry{kind: journey.EntryCount, locationID: k.LocationID, lotID: k.LotID, contID: k.ID, balance: k.balance,
				counted: &found, countID: c.ID, day: day, sig: sig}
			eid, err := tx.appendEntry(ctx, e)
			if err != nil {
				return err
			}
			if found == k.balance {
				continue
			}
			d := &journey.Discrepancy{EntryID: eid, ContainerID: k.ID, LotID: k.LotID, LocationID: k.LocationID,
				Expected: k.Balance, Counted: units(found), OpenedAt: tx.now}
			if d.ID, err = tx.insert(ctx, `INSERT INTO cs_discrepancies (entry_id, container_id, expected, counted, opened_at) VALUES (?, ?, ?, ?, ?)`,
				eid, k.ID, k.balance, found, unix(tx.now)); err != nil {
				return err
			}
			c.Discrepancies = append(c.Discrepancies, d)
		}
		if c.Biennial {
			if err := tx.missedInCount(ctx, c.LocationID, counted, &v); err != nil {
				return err
			}
		}
		return v.Err()
	})
}

// missedInCount adds to v each container at location that holds stock and
// is not in counted.
func (tx *Tx) missedInCount(ctx context.Context, location int64, counted map[int64]bool, v *journey.Validation) error {
	rows, err := tx.query(ctx, `SELECT c.id, c.number, l.lot FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id
		WHERE c.location_id = ? AND c.balance > 0 ORDER BY l.lot, c.number`, location)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		var lot string
		if err := rows.Scan(&id, &n, &lot); err != nil {
			return err
		}
		if !counted[id] {
			v.Add("counts", fmt.Sprintf("The biennial inventory counts every container: lot %s #%d is missing.", lot, n))
		}
	}
	return rows.Err()
}

// ResolveDiscrepancy closes discrepancy id with an admin's finding r,
// signed by sig: an adjustment entry moves the container's balance by
// the difference the count found, and a loss or theft is given the day
// by which the practice must report it. ENOTFOUND when there is none;
// ECONFLICT when it is already resolved or the adjustment would take the
// balance below zero; EINVALID on a bad field.
func (db *DB) ResolveDiscrepancy(ctx context.Context, id int64, r *journey.Resolution, sig journey.Signature) (*journey.Discrepancy, error) {
	if err := checkSigner(sig); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var d *journey.Discrepancy
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if d, err = tx.discrepancy(ctx, id); err != nil {
			return err
		}
		if !d.ResolvedAt.IsZero() {
			return journey.Errorf(journey.ECONFLICT, "This discrepancy was resolved on %s.", d.ResolvedAt.Format(time.DateOnly))
		}
		k, err := tx.lockedContainer(ctx, d.ContainerID)
		if err != nil {
			return err
		}
		loc, day, err := tx.locationDay(ctx, k.LocationID, "container_id")
		if err != nil {
			return err
		}
		diff := milli(d.Counted) - milli(d.Expected)
		var left int64
		if diff < 0 {
			if left, err = tx.draw(ctx, k, -diff, false, day); err != nil {
				return err
			}
		} else if err = tx.queryRow(ctx, `UPDATE cs_containers SET balance = balance + ?,
			status = CASE WHEN status = 'empty' THEN 'open' ELSE status END WHERE id = ? RETURNING balance`, diff, k.ID).Scan(&left); err != nil {
			return err
		}
		adj, err := tx.appendEntry(ctx, entry{kind: journey.EntryAdjustment, locationID: k.LocationID, lotID: k.LotID, contID: k.ID,
			amount: diff, balance: left, reason: "Discrepancy " + fmt.Sprint(d.ID) + ": " + r.Cause, day: day, sig: sig})
		if err != nil {
			return err
		}
		d.Cause, d.Note, d.ResolvedBy, d.ResolvedAt = r.Cause, r.Note, sig.By, tx.now
		var notify int64
		if journey.MustNotify(r.Cause) {
			d.NotifyBy = journey.NotifyBy(tx.now, loc)
			notify = unix(d.NotifyBy)
		}
		_, err = tx.exec(ctx, `UPDATE cs_discrepancies SET cause = ?, note = ?, resolved_by = ?, resolved_at = ?, adjustment_id = ?, notify_by = ?
			WHERE id = ? AND resolved_at = 0`, d.Cause, d.Note, sig.By, unix(tx.now), adj, notify, d.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

const discrepancyColumns = `d.id, d.entry_id, d.container_id, c.lot_id, c.location_id, d.expected, d.counted, d.opened_at,
	d.cause, d.note, COALESCE(d.resolved_by, 0), d.resolved_at, d.notify_by`

func scanDiscrepancy(r interface{ Scan(...any) error }) (*journey.Discrepancy, error) {
	var d journey.Discrepancy
	var expected, counted, opened, resolved, notify int64
	if err := r.Scan(&d.ID, &d.EntryID, &d.ContainerID, &d.LotID, &d.LocationID, &expected, &counted, &opened,
		&d.Cause, &d.Note, &d.ResolvedBy, &resolved, &notify); err != nil {
		return nil, err
	}
	d.Expected, d.Counted = units(expected), units(counted)
	d.OpenedAt, d.ResolvedAt, d.NotifyBy = fromUnix(opened), fromUnix(resolved), fromUnix(notify)
	return &d, nil
}

// discrepancy reads discrepancy id in tx, locking it on PostgreSQL.
func (tx *Tx) discrepancy(ctx context.Context, id int64) (*journey.Discrepancy, error) {
	lock := ""
	if tx.db.Dialect == Postgres {
		lock = " FOR UPDATE OF d"
	}
	d, err := scanDiscrepancy(tx.queryRow(ctx, `SELECT `+discrepancyColumns+`
		FROM cs_discrepancies d JOIN cs_containers c ON c.id = d.container_id WHERE d.id = ?`+lock, id))
	if err != nil {
		return nil, notFound(err, "Discrepancy")
	}
	return d, nil
}

// FindDiscrepancies returns the discrepancies opened in [from, to) (zero
// times: no bound), or only the open ones when open is set, oldest first.
func (db *DB) FindDiscrepancies(ctx context.Context, open bool, from, to time.Time) ([]*journey.Discrepancy, error) {
	hi, onlyOpen := int64(math.MaxInt64), 0
	if open {
		onlyOpen = 1
	}
	if !to.IsZero() {
		hi = unix(to)
	}
	rows, err := db.query(ctx, `SELECT `+discrepancyColumns+` FROM cs_discrepancies d JOIN cs_containers c ON c.id = d.container_id
		WHERE (? = 0 OR d.resolved_at = 0) AND d.opened_at >= ? AND d.opened_at < ? ORDER BY d.opened_at, d.id`,
		onlyOpen, unix(from), hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Discrepancy{}
	for rows.Next() {
		d, err := scanDiscrepancy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
