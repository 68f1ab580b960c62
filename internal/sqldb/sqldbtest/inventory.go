package sqldbtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// DosingSession writes an in-person medicine session of c's client with
// c's team and room, by route, started at start and under way, ready to
// be dosed: the medical provider's order (IM: 50 mg and a 50 mg booster
// after 10 minutes at 70 kg, with its override; lozenge: 200 mg and a
// 200 mg booster), the checklist and a 120/80 pre-dose set at start. The
// session is written straight to the table (its gates unchecked), as many
// of them as a test needs, the same client's overlapping too (booking would refuse that),
// so a test of the log can hold a dose per session. It returns its id.
func DosingSession(tb testing.TB, db *sqldb.DB, c *Care, start time.Time, route string) int64 {
	tb.Helper()
	ctx := context.Background()
	s := start.UTC().Unix()
	var id int64
	err := db.Write.QueryRowContext(ctx, db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.Client.ID, journey.TypeMedicine, s, s+3*3600, s+3*3600, journey.SessionInProgress, journey.ModeInPerson, route,
		c.Provider, s, s).Scan(&id)
	if err != nil {
		tb.Fatalf("dosing session: %v", err)
	}
	c.ReadyRunSheet(tb, db, id, route, start)
	return id
}

// ReadyRunSheet writes what medicine session id needs before a dose by
// route: the medical provider's order (IM: 50 mg and a 50 mg booster after
// 10 minutes at 70 kg, with its override; lozenge: 200 mg and a 200 mg
// booster), the checklist and a 120/80 pre-dose set taken at.
func (c *Care) ReadyRunSheet(tb testing.TB, db *sqldb.DB, id int64, route string, at time.Time) {
	tb.Helper()
	ctx := context.Background()
	o := &journey.Order{SessionID: id, Route: route, Formulation: "ketamine HCl 50 mg/mL injection", StrengthMg: 50, DoseMg: 50, BoosterMg: 50,
		BoosterAfter: 10, WeightKg: 70, Override: "Tolerated this dose before.", OrderedBy: c.Provider}
	if route == journey.RouteLozenge {
		o.Formulation, o.StrengthMg, o.DoseMg, o.BoosterMg, o.Override = "ketamine HCl lozenge", 100, 200, 200, ""
	}
	if err := db.CreateOrder(ctx, o); err != nil {
		tb.Fatalf("order: %v %v", err, journey.ErrorFields(err))
	}
	if err := db.SetChecklist(ctx, id, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, ConsentActive: true,
		Intention: "To rest.", By: c.Therapist.ID}); err != nil {
		tb.Fatalf("checklist: %v", err)
	}
	n := func(v int) *int { return &v }
	if err := db.CreateObservation(ctx, &journey.Observation{SessionID: id, Phase: journey.PhasePreDose, TakenAt: at, Systolic: n(120),
		Diastolic: n(80), HeartRate: n(70), SpO2: n(98), RespRate: n(14), By: c.Provider}); err != nil {
		tb.Fatalf("pre-dose vitals: %v %v", err, journey.ErrorFields(err))
	}
}

// Stock receives, signed by c's medical provider, n containers of amount
// each of a lot at c's location expiring on expiry: IM ketamine 50 mg/mL
// when unit is mL, 100 mg lozenges when it is a count. It returns the lot.
func Stock(tb testing.TB, db *sqldb.DB, c *Care, unit string, n int, amount float64, expiry string) *journey.Lot {
	tb.Helper()
	r := &journey.Receipt{LocationID: c.Location.ID, NDC: "0409-2051-05", Product: "Ketamine HCl injection", Strength: "50 mg/mL",
		Unit: unit, MgPerUnit: 50, Lot: "KX" + expiry, Expiry: expiry, Containers: n, AmountPerContainer: amount,
		Supplier: "Cardinal Health", Invoice: "INV-1001"}
	if unit == journey.UnitCount {
		r.NDC, r.Product, r.Strength, r.MgPerUnit = "71225-104-10", "Ketamine HCl lozenge", "100 mg", 100
	}
	lot, err := db.ReceiveStock(context.Background(), r, journey.Signature{By: c.Provider, Kind: journey.SignSecondFactor})
	if err != nil {
		tb.Fatalf("receive: %v %v", err, journey.ErrorFields(err))
	}
	return lot
}

// BulkLog fills the controlled-substance log at location, fast, for
// benchmarks: for each of days from first, a lot of lozenges received in
// perDay/50 containers of 50, each opened, emptied by 50 administrations
// (1,000 a day at perDay 1000) over sessions, each a client's, and
// counted at the day's end, signed by by; every balance and entry what
// the application would have written. It returns the entries written.
func BulkLog(tb testing.TB, db *sqldb.DB, location, by int64, sessions map[int64]int64, first time.Time, days, perDay int) int {
	tb.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.Write.ExecContext(ctx, db.Rebind(q), args...); err != nil {
			tb.Fatalf("bulk log: %v\n%s", err, q)
		}
	}
	exec(`CREATE TABLE bulk_dose_map (k INTEGER PRIMARY KEY, session_id BIGINT NOT NULL, client_id BIGINT NOT NULL)`)
	k := 0
	for s, c := range sessions {
		exec(`INSERT INTO bulk_dose_map (k, session_id, client_id) VALUES (?, ?, ?)`, k, s, c)
		k++
	}
	series := func(n int) string {
		return fmt.Sprintf(`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < %d) `, n-1)
	}
	day := `strftime('%Y-%m-%d', at, 'unixepoch')`
	if db.Dialect == sqldb.Postgres {
		day = `to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
	}
	start := first.UTC().Unix()
	exec(series(days)+`INSERT INTO cs_lots (location_id, ndc, product, strength, unit, mg_per_unit, lot, expiry, supplier, invoice, received_at)
		SELECT ?, '71225-104-10', 'Ketamine HCl lozenge', '100 mg', 'count', 100, 'BULK-' || n, '2099-12-31', 'Bulk Supply', 'INV-' || n, CAST(? AS BIGINT) + n * 86400 FROM s`,
		location, start)
	exec(series(perDay/50) + `INSERT INTO cs_containers (lot_id, location_id, number, expiry, received, balance, status)
		SELECT l.id, l.location_id, s.n + 1, l.expiry, 50000, 0, 'empty' FROM cs_lots l CROSS JOIN s WHERE l.lot LIKE 'BULK-%'`)
	exec(`INSERT INTO cs_counts (location_id, biennial, by_id, signature, at) SELECT location_id, ?, ?, 'api-token', received_at + 43200
		FROM cs_lots WHERE lot LIKE 'BULK-%' ORDER BY id`, false, by)
	// One statement per kind, each entry's day its UTC date (the bulk
	// location's zone is not consulted).
	entries := `INSERT INTO cs_entries (kind, location_id, lot_id, container_id, amount, balance_after, counted, count_id, session_id, client_id,
		witness_id, reason, by_id, signature, at, day) SELECT kind, location_id, lot_id, container_id, amount, balance_after, counted, count_id,
		session_id, client_id, NULL, reason, ?, 'api-token', at, ` + day + ` FROM (`
	from := ` FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id WHERE l.lot LIKE 'BULK-%'`
	exec(entries+`SELECT 'receipt' AS kind, c.location_id, c.lot_id, c.id AS container_id, 50000 AS amount, 50000 AS balance_after, CAST(NULL AS BIGINT) AS counted,
		CAST(NULL AS BIGINT) AS count_id, CAST(NULL AS BIGINT) AS session_id, CAST(NULL AS BIGINT) AS client_id, 'Invoice ' || l.invoice AS reason, l.received_at AS at`+from+`) x ORDER BY at, container_id`, by)
	exec(entries+`SELECT 'open' AS kind, c.location_id, c.lot_id, c.id AS container_id, 0 AS amount, 50000 AS balance_after, CAST(NULL AS BIGINT) AS counted,
		CAST(NULL AS BIGINT) AS count_id, CAST(NULL AS BIGINT) AS session_id, CAST(NULL AS BIGINT) AS client_id, '' AS reason, l.received_at + 60 AS at`+from+`) x ORDER BY at, container_id`, by)
	exec(series(50)+entries+`SELECT 'administration' AS kind, c.location_id, c.lot_id, c.id AS container_id, -1000 AS amount,
		50000 - 1000 * (s.n + 1) AS balance_after, CAST(NULL AS BIGINT) AS counted, CAST(NULL AS BIGINT) AS count_id, m.session_id, m.client_id, '' AS reason,
		l.received_at + 3600 + (c.number - 1) * 1500 + s.n * 30 AS at
		FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id CROSS JOIN s
		JOIN bulk_dose_map m ON m.k = (c.id * 50 + s.n) % `+fmt.Sprint(len(sessions))+` WHERE l.lot LIKE 'BULK-%') x ORDER BY at, container_id`, by)
	exec(entries+`SELECT 'count' AS kind, c.location_id, c.lot_id, c.id AS container_id, 0 AS amount, 0 AS balance_after, 0 AS counted,
		k.id AS count_id, CAST(NULL AS BIGINT) AS session_id, CAST(NULL AS BIGINT) AS client_id, '' AS reason, k.at AS at FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id
		JOIN cs_counts k ON k.at = l.received_at + 43200 AND k.location_id = l.location_id WHERE l.lot LIKE 'BULK-%') x ORDER BY at, container_id`, by)
	exec(`DROP TABLE bulk_dose_map`)
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM cs_entries`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}
