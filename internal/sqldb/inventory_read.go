package sqldb

import (
	"context"
	"database/sql"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// FindInventory returns the stock at location (0: every location): each
// lot with a container there not yet empty, those containers by number
// and their sum, lots by expiry; and the discrepancies still open.
func (db *DB) FindInventory(ctx context.Context, location int64) (*journey.Inventory, error) {
	rows, err := db.query(ctx, `SELECT l.id, l.location_id, l.ndc, l.product, l.strength, l.unit, l.mg_per_unit, l.lot, l.expiry,
		l.supplier, l.invoice, l.received_at, c.id, c.location_id, c.number, c.received, c.balance, c.status
		FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id
		WHERE c.status <> 'empty' AND (? = 0 OR c.location_id = ?) ORDER BY l.expiry, l.id, c.number`, location, location)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	inv := &journey.Inventory{Lots: []*journey.Lot{}}
	var last *journey.Lot
	for rows.Next() {
		var l journey.Lot
		var c journey.Container
		var received, got, balance int64
		if err := rows.Scan(&l.ID, &l.LocationID, &l.NDC, &l.Product, &l.Strength, &l.Unit, &l.MgPerUnit, &l.Lot, &l.Expiry,
			&l.Supplier, &l.Invoice, &received, &c.ID, &c.LocationID, &c.Number, &got, &balance, &c.Status); err != nil {
			return nil, err
		}
		if last == nil || last.ID != l.ID {
			l.ReceivedAt = fromUnix(received)
			last = &l
			inv.Lots = append(inv.Lots, last)
		}
		c.LotID, c.Received, c.Balance = last.ID, units(got), units(balance)
		last.Containers = append(last.Containers, &c)
		last.Balance = units(milli(last.Balance) + balance)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if inv.Discrepancies, err = db.FindDiscrepancies(ctx, true, zeroTime, zeroTime); err != nil {
		return nil, err
	}
	if location != 0 {
		inv.Discrepancies = filterDiscrepancies(inv.Discrepancies, location)
	}
	return inv, nil
}

func filterDiscrepancies(ds []*journey.Discrepancy, location int64) []*journey.Discrepancy {
	out := ds[:0]
	for _, d := range ds {
		if d.LocationID == location {
			out = append(out, d)
		}
	}
	return out
}

// FindContainer returns container id with its lot (the lot's Containers
// holding it alone); ENOTFOUND when there is none.
func (db *DB) FindContainer(ctx context.Context, id int64) (*journey.Lot, error) {
	var l journey.Lot
	var c journey.Container
	var received, got, balance int64
	err := db.queryRow(ctx, `SELECT l.id, l.location_id, l.ndc, l.product, l.strength, l.unit, l.mg_per_unit, l.lot, l.expiry,
		l.supplier, l.invoice, l.received_at, c.id, c.location_id, c.number, c.received, c.balance, c.status
		FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id WHERE c.id = ?`, id).Scan(&l.ID, &l.LocationID, &l.NDC, &l.Product,
		&l.Strength, &l.Unit, &l.MgPerUnit, &l.Lot, &l.Expiry, &l.Supplier, &l.Invoice, &received, &c.ID, &c.LocationID, &c.Number,
		&got, &balance, &c.Status)
	if err != nil {
		return nil, notFound(err, "Container")
	}
	l.ReceivedAt = fromUnix(received)
	c.LotID, c.Received, c.Balance = l.ID, units(got), units(balance)
	l.Balance, l.Containers = c.Balance, []*journey.Container{&c}
	return &l, nil
}

// FindCounts returns the counts taken in [from, to) at location (0:
// every location), oldest first, without their lines (their entries carry
// CountID).
func (db *DB) FindCounts(ctx context.Context, location int64, from, to time.Time) ([]*journey.Count, error) {
	rows, err := db.query(ctx, `SELECT id, location_id, biennial, by_id, signature, at FROM cs_counts
		WHERE at >= ? AND at < ? AND (? = 0 OR location_id = ?) ORDER BY at, id`, unix(from), unix(to), location, location)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Count{}
	for rows.Next() {
		var c journey.Count
		var at int64
		if err := rows.Scan(&c.ID, &c.LocationID, &c.Biennial, &c.By, &c.Signature, &at); err != nil {
			return nil, err
		}
		c.At = fromUnix(at)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// CountLogEntries returns how many entries f selects, whatever its limit.
func (db *DB) CountLogEntries(ctx context.Context, f journey.LogFilter) (int, error) {
	hi := int64(math.MaxInt64)
	if !f.To.IsZero() {
		hi = unix(f.To)
	}
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM cs_entries WHERE at >= ? AND at < ? AND (? = 0 OR location_id = ?)`,
		unix(f.From), hi, f.LocationID, f.LocationID).Scan(&n)
	return n, err
}

// zeroTime is no bound on a time range.
var zeroTime time.Time

// FindLots returns the lots of ids, without their containers.
func (db *DB) FindLots(ctx context.Context, ids []int64) (map[int64]*journey.Lot, error) {
	out := map[int64]*journey.Lot{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.Read.QueryContext(ctx, db.q(`SELECT id, location_id, ndc, product, strength, unit, mg_per_unit, lot, expiry,
		supplier, invoice, received_at FROM cs_lots WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`), args...)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var l journey.Lot
		var received int64
		if err := rows.Scan(&l.ID, &l.LocationID, &l.NDC, &l.Product, &l.Strength, &l.Unit, &l.MgPerUnit, &l.Lot, &l.Expiry,
			&l.Supplier, &l.Invoice, &received); err != nil {
			return nil, err
		}
		l.ReceivedAt = fromUnix(received)
		out[l.ID] = &l
	}
	return out, rows.Err()
}

// FindLogEntries returns the log entries of f, oldest first, each with
// its mg computed from its lot's strength and its container's number.
// The lots and containers are read once for all the entries, not joined
// to each: a month holds tens of thousands of entries and a few dozen
// lots.
func (db *DB) FindLogEntries(ctx context.Context, f journey.LogFilter) ([]*journey.LogEntry, error) {
	hi, limit := int64(math.MaxInt64), int64(math.MaxInt64)
	if !f.To.IsZero() {
		hi = unix(f.To)
	}
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	rows, err := db.query(ctx, `SELECT id, kind, location_id, lot_id, container_id, amount, balance_after, counted, count_id,
		session_id, client_id, witness_id, reason, by_id, signature, at FROM cs_entries
		WHERE at >= ? AND at < ? AND (? = 0 OR location_id = ?) ORDER BY at, id LIMIT ?`, unix(f.From), hi, f.LocationID, f.LocationID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.LogEntry{}
	lots := map[int64]bool{}
	for rows.Next() {
		var e journey.LogEntry
		var amount, balance, at int64
		var counted, countID, sessionID, clientID, witnessID sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Kind, &e.LocationID, &e.LotID, &e.ContainerID, &amount, &balance, &counted, &countID,
			&sessionID, &clientID, &witnessID, &e.Reason, &e.By, &e.Signature, &at); err != nil {
			return nil, err
		}
		e.Amount, e.Balance, e.At = units(amount), units(balance), fromUnix(at)
		e.CountID, e.SessionID, e.ClientID, e.WitnessID = countID.Int64, sessionID.Int64, clientID.Int64, witnessID.Int64
		if counted.Valid {
			c := units(counted.Int64)
			e.Counted = &c
		}
		lots[e.LotID] = true
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.fillEntries(ctx, out, slices.Collect(maps.Keys(lots)))
}

// fillEntries sets each entry's mg and container number from the lots
// of ids and their containers.
func (db *DB) fillEntries(ctx context.Context, es []*journey.LogEntry, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in := `(?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	mg, numbers := map[int64]float64{}, map[int64]int{}
	rows, err := db.Read.QueryContext(ctx, db.q(`SELECT id, mg_per_unit FROM cs_lots WHERE id IN `+in), args...)
	if err != nil {
		return unavailable(err)
	}
	for rows.Next() {
		var id int64
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return err
		}
		mg[id] = v
	}
	rows.Close()
	if rows, err = db.Read.QueryContext(ctx, db.q(`SELECT id, number FROM cs_containers WHERE lot_id IN `+in), args...); err != nil {
		return unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		numbers[id] = n
	}
	for _, e := range es {
		e.Mg, e.ContainerNo = math.Round(e.Amount*mg[e.LotID]*1000)/1000, numbers[e.ContainerID]
	}
	return rows.Err()
}
