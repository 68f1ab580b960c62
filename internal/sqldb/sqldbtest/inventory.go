package sqldbtest

import (
	"context"
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
