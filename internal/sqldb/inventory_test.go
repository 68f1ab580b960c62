package sqldb_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// signedBy is a page's signature by id.
func signedBy(id int64) journey.Signature {
	return journey.Signature{By: id, Kind: journey.SignSecondFactor}
}

// containerState reads container id's balance and status as the log and
// the inventory see them.
func containerState(t *testing.T, db *sqldb.DB, id int64) *journey.Container {
	t.Helper()
	l, err := db.FindContainer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l.Containers[0]
}

// reconcile checks that every container's entries sum to its balance and
// that each entry's balance after it is never below zero.
func reconcile(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	entries, err := db.FindLogEntries(ctx, journey.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sums := map[int64]float64{}
	for _, e := range entries {
		if e.Balance < 0 {
			t.Errorf("entry %d leaves a balance of %v", e.ID, e.Balance)
		}
		if e.Kind != journey.EntryTransferOut && e.Kind != journey.EntryTransferIn {
			sums[e.ContainerID] += e.Amount
		}
	}
	for id, sum := range sums {
		c := containerState(t, db, id)
		if d := sum - c.Balance; d > 1e-9 || d < -1e-9 {
			t.Errorf("container %d: the log sums to %v, the balance is %v", c.ID, sum, c.Balance)
		}
	}
	streamMatches(t, db, journey.LogFilter{})
}

// streamMatches checks that EachLogEntry reads f's entries as
// FindLogEntries does, each field a file shows, in one span and in
// several put together in order, each span naming the lots and clients
// its own entries refer to.
func streamMatches(t *testing.T, db *sqldb.DB, f journey.LogFilter) {
	t.Helper()
	ctx := context.Background()
	want, err := db.FindLogEntries(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, parts := range []int{1, 3} {
		spans := make([][]journey.LogEntry, parts)
		named := make([][2][]int64, parts)
		err = db.EachLogEntry(ctx, f, parts, func(part int, ls, cs []int64) error {
			named[part] = [2][]int64{ls, cs}
			return nil
		}, func(part int, e *journey.LogEntry) error {
			c := *e
			if e.Counted != nil {
				n := *e.Counted
				c.Counted = &n
			}
			spans[part] = append(spans[part], c)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []journey.LogEntry
		for i, span := range spans {
			lots, clients := []int64{}, []int64{}
			for _, e := range span {
				lots = append(lots, e.LotID)
				if e.ClientID != 0 {
					clients = append(clients, e.ClientID)
				}
			}
			slices.Sort(lots)
			slices.Sort(clients)
			if ls, cs := slices.Compact(lots), slices.Compact(clients); len(span) > 0 && (!slices.Equal(named[i][0], ls) || !slices.Equal(named[i][1], cs)) {
				t.Errorf("%d spans: span %d names lots %v and clients %v, its entries %v and %v", parts, i, named[i][0], named[i][1], ls, cs)
			}
			got = append(got, span...)
		}
		if len(got) != len(want) {
			t.Fatalf("%d spans: %d entries streamed, %d found", parts, len(got), len(want))
		}
		for i, w := range want {
			c := *w
			c.ID, c.LocationID, c.CountID = 0, 0, 0 // what a file leaves out
			if !reflect.DeepEqual(got[i], c) {
				t.Errorf("%d spans: entry %d streamed as\n%+v, found as\n%+v", parts, i, got[i], c)
			}
		}
	}
}

// TestEachLogEntryRange: a range that starts and ends inside days of the
// log, at one location or every one, streams what FindLogEntries finds
// for it, in order, with the balances as they were written, read as one
// span or as several at once.
func TestEachLogEntryRange(t *testing.T) {
	db, c, _ := careFixture(t)
	first := time.Date(2030, 1, 1, 13, 0, 0, 0, time.UTC)
	ss := sqldbtest.RawSessions(t, db, c.Provider, []sqldbtest.RawSession{{ClientID: c.Client.ID, Type: journey.TypeMedicine,
		Mode: journey.ModeInPerson, Start: first, Minutes: 180}})
	sqldbtest.BulkLog(t, db, c.Location.ID, c.Provider, map[int64]int64{ss[0]: c.Client.ID}, first, 3, 100)
	for _, f := range []journey.LogFilter{
		{From: first.Add(90 * time.Minute), To: first.Add(49 * time.Hour)},
		{From: first.Add(90 * time.Minute), To: first.Add(49 * time.Hour), LocationID: c.Location.ID},
		{From: first.Add(90 * time.Minute), To: first.Add(49 * time.Hour), LocationID: c.Location.ID + 1000},
		{From: first.Add(-time.Hour), To: first.Add(72 * time.Hour)},
		{From: first.Add(time.Hour), To: first.Add(50 * time.Hour)}, // two spans, split at 14:30 amid the second day's doses
		{From: first.Add(5 * time.Hour), To: first.Add(70 * time.Hour), LocationID: c.Location.ID},
	} {
		streamMatches(t, db, f)
	}
}

// TestConcurrentAdministrationsNeverOverdraw: 64 doses drawn at once from
// a container holding 50 leave exactly 50 recorded, each with its entry,
// and a balance of 0; the 14 others are refused as conflicts.
func TestConcurrentAdministrationsNeverOverdraw(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	lot := sqldbtest.Stock(t, db, c, journey.UnitML, 1, 25, "2028-01-31") // 25 mL at 50 mg/mL: 50 doses of 25 mg
	cont := lot.Containers[0]
	if _, err := db.OpenContainer(ctx, cont.ID, signedBy(c.Provider)); err != nil {
		t.Fatal(err)
	}
	const n = 64
	sessions := make([]int64, n)
	for i := range sessions {
		sessions[i] = sqldbtest.DosingSession(t, db, c, now.Add(-time.Hour), journey.RouteIM)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			a := &journey.Administration{SessionID: sessions[i], DoseMg: 25, Route: journey.RouteIM, ContainerID: cont.ID, AdministeredAt: *now}
			errs[i] = db.RecordAdministration(ctx, a, journey.Signature{By: c.Provider, Kind: journey.SignAPIToken})
		}()
	}
	close(start)
	wg.Wait()
	given := 0
	for i, err := range errs {
		switch journey.ErrorCode(err) {
		case "":
			given++
		case journey.ECONFLICT:
		default:
			t.Errorf("administration %d: %v", i, err)
		}
	}
	if given != 50 {
		t.Errorf("%d administrations recorded, want 50", given)
	}
	if got := containerState(t, db, cont.ID); got.Balance != 0 || got.Status != journey.ContainerEmpty {
		t.Errorf("container = %+v, want empty at 0", got)
	}
	entries, err := db.FindLogEntries(ctx, journey.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	doses := 0
	for _, e := range entries {
		if e.Kind == journey.EntryAdministration {
			doses++
			if e.Amount != -0.5 || e.Mg != -25 || e.Signature != journey.SignAPIToken || e.ClientID != c.Client.ID {
				t.Errorf("entry = %+v", e)
			}
		}
	}
	if doses != 50 {
		t.Errorf("%d administration entries, want 50", doses)
	}
	recorded := 0
	for _, id := range sessions {
		as, err := db.FindAdministrations(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		recorded += len(as)
	}
	if recorded != 50 {
		t.Errorf("%d administrations stored, want 50", recorded)
	}
	reconcile(t, db)
}

// TestExpiredLotRefused: a lot past its expiry in the location's zone
// cannot be received, opened or drawn from, though it may be wasted; the
// database itself refuses an entry that would use it and a balance
// below zero, whatever code writes, and keeps entries append-only.
func TestExpiredLotRefused(t *testing.T) {
	db, c, now := careFixture(t) // Monday 1 March 2027, 07:00 in New York
	ctx := context.Background()
	lot := sqldbtest.Stock(t, db, c, journey.UnitML, 2, 10, "2027-03-02")
	open, sealed := lot.Containers[0], lot.Containers[1]
	if _, err := db.OpenContainer(ctx, open.ID, signedBy(c.Provider)); err != nil {
		t.Fatal(err)
	}
	session := sqldbtest.DosingSession(t, db, c, now.Add(-time.Hour), journey.RouteIM)
	dose := func() error {
		return db.RecordAdministration(ctx, &journey.Administration{SessionID: session, DoseMg: 50, Route: journey.RouteIM,
			ContainerID: open.ID, AdministeredAt: db.Now()}, signedBy(c.Provider))
	}
	// 2 March, 23:30 in New York (04:30 UTC on the 3rd): still usable.
	sqldbtest.SetTime(now, time.Date(2027, 3, 3, 4, 30, 0, 0, time.UTC))
	if err := dose(); err != nil {
		t.Fatalf("dose on the expiry day: %v", err)
	}
	// 3 March, 00:30 in New York: expired.
	sqldbtest.SetTime(now, time.Date(2027, 3, 3, 5, 30, 0, 0, time.UTC))
	if err := dose(); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("dose from an expired lot: %v, want a conflict", err)
	}
	if _, err := db.OpenContainer(ctx, sealed.ID, signedBy(c.Provider)); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("open an expired container: %v, want a conflict", err)
	}
	_, err := db.ReceiveStock(ctx, &journey.Receipt{LocationID: c.Location.ID, NDC: "0409-2051-05", Product: "Ketamine", Strength: "50 mg/mL",
		Unit: journey.UnitML, MgPerUnit: 50, Lot: "OLD1", Expiry: "2027-03-02", Containers: 1, AmountPerContainer: 10,
		Supplier: "Cardinal", Invoice: "INV-2"}, signedBy(c.Provider))
	if !hasField(err, "expiry") {
		t.Fatalf("receive an expired lot: %v %v, want invalid expiry", err, journey.ErrorFields(err))
	}
	if _, err := db.WasteStock(ctx, &journey.Waste{ContainerID: sealed.ID, Amount: 10, Reason: "Expired", WitnessID: c.Therapist.ID},
		signedBy(c.Provider)); err != nil {
		t.Fatalf("waste of expired stock: %v", err)
	}
	// Past the code: the database's own refusals.
	for name, q := range map[string]string{
		"an entry using an expired lot": `INSERT INTO cs_entries (kind, location_id, lot_id, container_id, amount, balance_after, session_id,
			by_id, signature, at, day) VALUES ('administration', ` + itoa(c.Location.ID) + `, ` + itoa(lot.ID) + `, ` + itoa(open.ID) +
			`, -1000, 0, NULL, ` + itoa(c.Provider) + `, 'api-token', 0, '2027-03-03')`,
		"a balance below zero": `UPDATE cs_containers SET balance = balance - 100000 WHERE id = ` + itoa(open.ID),
		"a changed entry":      `UPDATE cs_entries SET amount = 0`,
		"a removed entry":      `DELETE FROM cs_entries`,
		"a removed dose":       `DELETE FROM administrations`,
	} {
		if _, err := db.Write.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: the database accepted it", name)
		}
	}
	reconcile(t, db)
}

// hasField reports whether err is EINVALID naming field.
func hasField(err error, field string) bool {
	if journey.ErrorCode(err) != journey.EINVALID {
		return false
	}
	for _, f := range journey.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestWasteNeedsASecondWitness(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	lot := sqldbtest.Stock(t, db, c, journey.UnitML, 1, 10, "2028-01-31")
	id := lot.Containers[0].ID
	w := func(amount float64, witness int64) error {
		_, err := db.WasteStock(ctx, &journey.Waste{ContainerID: id, Amount: amount, Reason: "Drawn, not given", WitnessID: witness},
			signedBy(c.Provider))
		return err
	}
	if err := w(1, 0); !hasField(err, "witness_id") {
		t.Errorf("no witness: %v", err)
	}
	if err := w(1, c.Provider); !hasField(err, "witness_id") {
		t.Errorf("oneself as witness: %v", err)
	}
	if err := w(1, c.Client.UserID); !hasField(err, "witness_id") {
		t.Errorf("a client as witness: %v", err)
	}
	if err := w(10.001, c.Chaperone); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("more than the balance: %v", err)
	}
	if err := w(2.5, c.Chaperone); err != nil {
		t.Fatalf("witnessed waste: %v", err)
	}
	if got := containerState(t, db, id); got.Balance != 7.5 {
		t.Errorf("balance = %v, want 7.5", got.Balance)
	}
	reconcile(t, db)
}

// TestCountDiscrepancyResolved: a count short of the balance opens a
// discrepancy; an admin resolves it as a loss, which moves the balance to
// what was counted and says by when the practice must report it.
func TestCountDiscrepancyResolved(t *testing.T) {
	db, c, _ := careFixture(t) // Monday
	ctx := context.Background()
	admin := sqldbtest.Staff(t, db, "Ada Admin", journey.RoleAdmin)
	lot := sqldbtest.Stock(t, db, c, journey.UnitCount, 2, 20, "2028-01-31")
	a, b := lot.Containers[0], lot.Containers[1]
	missing := &journey.Count{LocationID: c.Location.ID, Biennial: true, Lines: []journey.CountLine{{ContainerID: a.ID, Amount: 20}}}
	if err := db.RecordCount(ctx, missing, signedBy(c.Provider)); !hasField(err, "counts") {
		t.Fatalf("biennial count missing a container: %v", err)
	}
	count := &journey.Count{LocationID: c.Location.ID, Biennial: true, Lines: []journey.CountLine{{ContainerID: a.ID, Amount: 20}, {ContainerID: b.ID, Amount: 18}}}
	if err := db.RecordCount(ctx, count, signedBy(c.Provider)); err != nil {
		t.Fatal(err)
	}
	if len(count.Discrepancies) != 1 || count.Discrepancies[0].ContainerID != b.ID || count.Discrepancies[0].Expected != 20 || count.Discrepancies[0].Counted != 18 {
		t.Fatalf("discrepancies = %+v", count.Discrepancies)
	}
	d := count.Discrepancies[0]
	inv, err := db.FindInventory(ctx, c.Location.ID)
	if err != nil || len(inv.Discrepancies) != 1 {
		t.Fatalf("open discrepancies = %+v, %v", inv, err)
	}
	if _, err := db.ResolveDiscrepancy(ctx, d.ID, &journey.Resolution{Cause: journey.CauseLoss}, signedBy(admin)); !hasField(err, "note") {
		t.Errorf("resolution without a note: %v", err)
	}
	got, err := db.ResolveDiscrepancy(ctx, d.ID, &journey.Resolution{Cause: journey.CauseLoss, Note: "Two lozenges unaccounted for."}, signedBy(admin))
	if err != nil {
		t.Fatal(err)
	}
	// Found Monday 1 March: report by the end of Tuesday in New York.
	if want := time.Date(2027, 3, 2, 23, 59, 59, 0, mustZone("America/New_York")); !got.NotifyBy.Equal(want) {
		t.Errorf("notify by %v, want %v", got.NotifyBy, want)
	}
	if _, err := db.ResolveDiscrepancy(ctx, d.ID, &journey.Resolution{Cause: journey.CauseRecordingError, Note: "Again"}, signedBy(admin)); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("resolved twice: %v", err)
	}
	if st := containerState(t, db, b.ID); st.Balance != 18 {
		t.Errorf("balance after the adjustment = %v, want 18", st.Balance)
	}
	if inv, _ := db.FindInventory(ctx, 0); len(inv.Discrepancies) != 0 {
		t.Errorf("still open: %+v", inv.Discrepancies)
	}
	reconcile(t, db)
}

func TestTransferMovesAContainer(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	other := &journey.Location{Name: "Oak Street", Address: "2 Oak St", TimeZone: "America/Los_Angeles"}
	if err := db.CreateLocation(ctx, other); err != nil {
		t.Fatal(err)
	}
	lot := sqldbtest.Stock(t, db, c, journey.UnitML, 2, 10, "2028-01-31")
	id := lot.Containers[0].ID
	if _, err := db.TransferContainer(ctx, &journey.Transfer{ContainerID: id, ToLocationID: c.Location.ID}, signedBy(c.Provider)); !hasField(err, "to_location_id") {
		t.Errorf("transfer to where it is: %v", err)
	}
	es, err := db.TransferContainer(ctx, &journey.Transfer{ContainerID: id, ToLocationID: other.ID, Reason: "Clinic day"}, signedBy(c.Provider))
	if err != nil || len(es) != 2 || es[0].Amount != -10 || es[1].Amount != 10 {
		t.Fatalf("transfer = %+v, %v", es, err)
	}
	there, err := db.FindInventory(ctx, other.ID)
	if err != nil || len(there.Lots) != 1 || len(there.Lots[0].Containers) != 1 || there.Lots[0].Balance != 10 {
		t.Fatalf("inventory there = %+v, %v", there, err)
	}
	here, _ := db.FindInventory(ctx, c.Location.ID)
	if len(here.Lots) != 1 || here.Lots[0].Balance != 10 {
		t.Fatalf("inventory here = %+v", here.Lots)
	}
	// Each location's log sums to its stock.
	for _, loc := range []int64{c.Location.ID, other.ID} {
		es, _ := db.FindLogEntries(ctx, journey.LogFilter{LocationID: loc})
		var sum float64
		for _, e := range es {
			sum += e.Amount
		}
		if sum != 10 {
			t.Errorf("location %d's log sums to %v, want 10", loc, sum)
		}
		streamMatches(t, db, journey.LogFilter{LocationID: loc})
	}
}

// TestAdministrationPreconditionsAndOwnPrescription: a session not yet
// checked in is refused with its reason; a dose from the client's own
// prescription touches no stock; a second dose is a booster.
func TestAdministrationPreconditionsAndOwnPrescription(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	booked, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, nyAt(2027, 3, 8, 11, 0))
	err = db.RecordAdministration(ctx, &journey.Administration{SessionID: booked.ID, DoseMg: 200, Route: journey.RouteLozenge,
		Pharmacy: "Main St Pharmacy", PrescriptionNo: "RX-1", AdministeredAt: *now}, signedBy(c.Provider))
	var je *journey.Error
	if journey.ErrorCode(err) != journey.ECONFLICT || !asError(err, &je) || len(je.Gates) == 0 {
		t.Fatalf("dose before check-in: %v", err)
	}
	s := sqldbtest.DosingSession(t, db, c, now.Add(-time.Hour), journey.RouteLozenge)
	if err := db.RecordAdministration(ctx, &journey.Administration{SessionID: s, DoseMg: 200, Route: journey.RouteLozenge,
		AdministeredAt: now.Add(-2 * time.Hour)}, signedBy(c.Provider)); !hasField(err, "container_id") {
		t.Errorf("no container nor prescription: %v", err)
	}
	if err := db.RecordAdministration(ctx, &journey.Administration{SessionID: s, DoseMg: 200, Route: journey.RouteLozenge, Pharmacy: "P",
		PrescriptionNo: "RX-1", AdministeredAt: now.Add(-2*time.Hour - time.Second)}, signedBy(c.Provider)); !hasField(err, "administered_at") {
		t.Errorf("a dose before the session began: %v", err)
	}
	for range 2 { // the dose, then the order's booster 10 minutes on
		if err := db.RecordAdministration(ctx, &journey.Administration{SessionID: s, DoseMg: 200, Route: journey.RouteLozenge, SelfAdmin: true,
			Pharmacy: "Main St Pharmacy", PrescriptionNo: "RX-1", AdministeredAt: *now}, signedBy(c.Therapist.ID)); err != nil {
			t.Fatal(err)
		}
		sqldbtest.SetTime(now, now.Add(10*time.Minute))
	}
	as, err := db.FindAdministrations(ctx, s)
	if err != nil || len(as) != 2 || as[0].Booster || !as[1].Booster || as[0].PrescriptionNo != "RX-1" || !as[0].SelfAdmin {
		t.Fatalf("administrations = %+v, %v", as, err)
	}
	if es, _ := db.FindLogEntries(ctx, journey.LogFilter{}); len(es) != 0 {
		t.Errorf("the client's own prescription wrote %d log entries", len(es))
	}
}

func asError(err error, je **journey.Error) bool {
	e, ok := err.(*journey.Error)
	*je = e
	return ok
}
