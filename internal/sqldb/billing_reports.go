package sqldb

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Billing reports read the postings (written by charges.go and the
// payments), the ledger's one truth: sums by month, entity, charge type
// and kind, and each client's balance with each entity by age.

type reportKey struct {
	entity     int64
	chargeType string
}

// BillingMonths returns, for each month of spans and each entity and
// charge type that moved in it or was owed at its end, the month's sums
// by kind of posting and the balance at its end, by month, entity and
// charge type (journey.ChargeTypes' order).
func (db *DB) BillingMonths(ctx context.Context, spans []journey.MonthSpan) ([]*journey.MonthRow, error) {
	if len(spans) == 0 {
		return []*journey.MonthRow{}, nil
	}
	balance := map[reportKey]int64{}
	err := db.eachSum(ctx, `SELECT entity_id, charge_type, '', COUNT(*), SUM(amount_cents) FROM postings WHERE at < ?
		GROUP BY entity_id, charge_type`, []any{unix(spans[0].From)}, func(k reportKey, _ string, _ int, sum int64) {
		balance[k] = sum
	})
	if err != nil {
		return nil, err
	}
	out := []*journey.MonthRow{}
	for _, sp := range spans {
		rows := map[reportKey]*journey.MonthRow{}
		row := func(k reportKey) *journey.MonthRow {
			if rows[k] == nil {
				rows[k] = &journey.MonthRow{Month: sp.Month, EntityID: k.entity, ChargeType: k.chargeType}
			}
			return rows[k]
		}
		err := db.eachSum(ctx, `SELECT entity_id, charge_type, kind, COUNT(*), SUM(amount_cents) FROM postings WHERE at >= ? AND at < ?
			GROUP BY entity_id, charge_type, kind`, []any{unix(sp.From), unix(sp.To)}, func(k reportKey, kind string, n int, sum int64) {
			r := row(k)
			switch kind {
			case journey.PostCharge:
				r.Charges, r.ChargeCount = sum, n
			case journey.PostVoid:
				r.Voids = sum
			case journey.PostAdjustment:
				r.Adjustments = sum
			case journey.PostPayment:
				r.Payments = sum
			case journey.PostRefund:
				r.Refunds = sum
			}
			balance[k] += sum
		})
		if err != nil {
			return nil, err
		}
		for k, b := range balance {
			if b != 0 || rows[k] != nil {
				row(k).BalanceCents = b
			}
		}
		month := make([]*journey.MonthRow, 0, len(rows))
		for _, r := range rows {
			month = append(month, r)
		}
		slices.SortFunc(month, func(a, b *journey.MonthRow) int {
			if a.EntityID != b.EntityID {
				return int(a.EntityID - b.EntityID)
			}
			return slices.Index(journey.ChargeTypes, a.ChargeType) - slices.Index(journey.ChargeTypes, b.ChargeType)
		})
		out = append(out, month...)
	}
	return out, nil
}

// eachSum runs a query of (entity, charge type, kind, count, sum) rows and
// hands each to fn.
func (db *DB) eachSum(ctx context.Context, q string, args []any, fn func(k reportKey, kind string, n int, sum int64)) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k reportKey
		var kind string
		var n int
		var sum int64
		if err := rows.Scan(&k.entity, &k.chargeType, &kind, &n, &sum); err != nil {
			return err
		}
		fn(k, kind, n, sum)
	}
	return rows.Err()
}

// AgedBalances returns each client's balance with each entity at asOf,
// split by age (journey.AgeSums over what was owed, summed per age bucket
// here, and what was paid), for those who owe or are owed anything, with
// the client's name; by client name, then entity.
func (db *DB) AgedBalances(ctx context.Context, asOf time.Time) ([]*journey.AgedBalance, error) {
	b := journey.AgeBounds(asOf)
	rows, err := db.query(ctx, `SELECT client_id, entity_id,
		SUM(CASE WHEN amount_cents > 0 AND at > ? THEN amount_cents ELSE 0 END),
		SUM(CASE WHEN amount_cents > 0 AND at <= ? AND at > ? THEN amount_cents ELSE 0 END),
		SUM(CASE WHEN amount_cents > 0 AND at <= ? AND at > ? THEN amount_cents ELSE 0 END),
		SUM(CASE WHEN amount_cents > 0 AND at <= ? THEN amount_cents ELSE 0 END),
		SUM(CASE WHEN amount_cents < 0 THEN -amount_cents ELSE 0 END)
		FROM postings WHERE at <= ? GROUP BY client_id, entity_id ORDER BY client_id, entity_id`,
		unix(b[0]), unix(b[0]), unix(b[1]), unix(b[1]), unix(b[2]), unix(b[2]), unix(asOf))
	if err != nil {
		return nil, err
	}
	out := []*journey.AgedBalance{}
	var ids []int64
	for rows.Next() {
		a := &journey.AgedBalance{}
		var debits [journey.AgeBuckets]int64
		var credit int64
		if err := rows.Scan(&a.ClientID, &a.EntityID, &debits[0], &debits[1], &debits[2], &debits[3], &credit); err != nil {
			rows.Close()
			return nil, err
		}
		if a.Buckets, a.BalanceCents = journey.AgeSums(debits, credit); a.BalanceCents == 0 {
			continue
		}
		if len(ids) == 0 || ids[len(ids)-1] != a.ClientID {
			ids = append(ids, a.ClientID)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names, err := db.clientNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		a.ClientName = names[a.ClientID]
	}
	slices.SortStableFunc(out, func(a, b *journey.AgedBalance) int {
		if c := strings.Compare(strings.ToLower(a.ClientName), strings.ToLower(b.ClientName)); c != 0 {
			return c
		}
		if a.ClientID != b.ClientID {
			return int(a.ClientID - b.ClientID)
		}
		return int(a.EntityID - b.EntityID)
	})
	return out, nil
}

// clientNames returns the names of clients ids, opened, by id.
func (db *DB) clientNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	ph := db.phi()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 200)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.query(ctx, `SELECT id, name FROM clients WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			ph.open(aadClientName, &name)
			names[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return names, ph.err
}
