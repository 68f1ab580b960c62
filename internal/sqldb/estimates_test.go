package sqldb_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// gfeEntities writes the practice and the medical entity and returns
// their ids.
func gfeEntities(t *testing.T, db *sqldb.DB) (practice, medical int64) {
	t.Helper()
	b := sqldbtest.SeedBilling(t, db)
	return b.Practice.ID, b.Medical.ID
}

func gfeEstimate(clientID, entity int64, chargeType string, cents int64, from, to string) journey.IssuedEstimate {
	return journey.IssuedEstimate{Estimate: &journey.Estimate{ClientID: clientID, EntityID: entity, ChargeType: chargeType, ServiceFrom: from, ServiceTo: to,
		TotalCents: cents, Lines: []journey.EstimateLine{{Service: "Medicine session", Code: "0820T", Quantity: 1, UnitCents: cents, TotalCents: cents,
			Diagnoses: []string{"F33.1"}, ProviderName: "Tess Therapist", ProviderNPI: "1245319599", FacilityName: "Estimate Practice LLC", FacilityTIN: "12-3456789"}}},
		PDF: []byte("%PDF-1.4 estimate " + chargeType)}
}

// estimateMails returns the estimate emails in the outbox to addr.
func estimateMails(t *testing.T, db *sqldb.DB, addr string) []*journey.Message {
	t.Helper()
	var out []*journey.Message
	for _, m := range monitorMessages(t, db, addr) {
		if strings.Contains(m.Subject, "Good Faith Estimate") {
			out = append(out, m)
		}
	}
	return out
}

// A request opens once per client (a second joins it with the earlier
// deadline); issuing it stores each estimate with its sealed PDF as a
// document, supersedes the one before of the same entity and charge type,
// marks the request done and queues one email; issuing it again writes
// nothing.
func TestEstimates(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	practice, medical := gfeEntities(t, db)
	ada, _ := sqldbtest.Client(t, db, ny.ID, "Ada Estimate", "ada@estimate.test", nil)
	now := db.Now()

	r := &journey.EstimateRequest{ClientID: ada.ID, Reason: journey.EstimateScheduled, DueBy: now.Add(72 * time.Hour)}
	if err := db.OpenEstimateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	again := &journey.EstimateRequest{ClientID: ada.ID, Reason: journey.EstimateRequested, DueBy: now.Add(24 * time.Hour)}
	if err := db.OpenEstimateRequest(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.ID != r.ID || again.Reason != journey.EstimateScheduled || again.DueBy.Unix() != now.Add(24*time.Hour).Unix() {
		t.Fatalf("second request %+v, want it joined to %d with the earlier deadline", again, r.ID)
	}
	if err := db.OpenEstimateRequest(ctx, &journey.EstimateRequest{ClientID: ada.ID, Reason: "whim"}); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("unknown reason: %v", err)
	}
	due, err := db.FindDueEstimateRequests(ctx, now.Add(48*time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].ID != r.ID {
		t.Fatalf("due within two days: %v %v", due, err)
	}
	if due, _ := db.FindDueEstimateRequests(ctx, now.Add(time.Hour), 10); len(due) != 0 {
		t.Errorf("due within the hour: %v", due)
	}

	first := []journey.IssuedEstimate{gfeEstimate(ada.ID, practice, journey.ChargeMedicineSession, 540000, "2026-03-20", "2027-03-19"),
		gfeEstimate(ada.ID, medical, journey.ChargeMedication, 54000, "2026-03-20", "2027-03-19")}
	if err := db.CreateEstimates(ctx, r.ID, first, 0); err != nil {
		t.Fatal(err)
	}
	if first[0].Estimate.ID == 0 || first[0].Estimate.DocumentID == 0 || first[0].Estimate.Reason != journey.EstimateScheduled ||
		!first[0].Estimate.DueBy.Equal(again.DueBy) || first[0].Estimate.SupersedesID != 0 {
		t.Errorf("issued %+v", first[0].Estimate)
	}
	if err := db.CreateEstimates(ctx, r.ID, first[:1], 0); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("issued twice: %v", err)
	}
	if err := db.CreateEstimates(ctx, 999999, nil, 0); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("no such request: %v", err)
	}
	mails := estimateMails(t, db, "ada@estimate.test")
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "$5,400.00") || !strings.Contains(mails[0].Text, "http://journey.test/portal/estimates") ||
		!strings.Contains(mails[0].Text, "Harbor Medical PC (medication)") || strings.Contains(mails[0].Text, "F33.1") {
		for _, m := range mails {
			t.Log(m.Text)
		}
		t.Fatalf("%d emails", len(mails))
	}
	done, err := db.FindEstimateRequest(ctx, r.ID)
	if err != nil || done.DoneAt.IsZero() {
		t.Errorf("request after issue: %+v %v", done, err)
	}

	// The plan changed: a new request, a new estimate of the medicine
	// session supersedes the first; the medication's stays current.
	r2 := &journey.EstimateRequest{ClientID: ada.ID, Reason: journey.EstimatePlanChange, DueBy: now}
	if err := db.OpenEstimateRequest(ctx, r2); err != nil || r2.ID == r.ID {
		t.Fatalf("a new request after the first was issued: %+v %v", r2, err)
	}
	second := []journey.IssuedEstimate{gfeEstimate(ada.ID, practice, journey.ChargeMedicineSession, 360000, "2026-03-20", "2027-03-19")}
	if err := db.CreateEstimates(ctx, r2.ID, second, 0); err != nil {
		t.Fatal(err)
	}
	if second[0].Estimate.SupersedesID != first[0].Estimate.ID {
		t.Errorf("supersedes %d, want %d", second[0].Estimate.SupersedesID, first[0].Estimate.ID)
	}
	ests, err := db.FindEstimates(ctx, ada.ID)
	if err != nil || len(ests) != 3 || ests[0].ID != second[0].Estimate.ID || ests[0].Reason != journey.EstimatePlanChange ||
		len(ests[0].Lines) != 1 || ests[0].Lines[0].ProviderNPI != "1245319599" || ests[0].TotalCents != 360000 {
		t.Fatalf("estimates: %v %v", ests, err)
	}
	e, pdf, err := db.FindEstimate(ctx, first[1].Estimate.ID)
	if err != nil || string(pdf) != "%PDF-1.4 estimate medication" || e.ChargeType != journey.ChargeMedication || e.ServiceTo != "2027-03-19" {
		t.Errorf("estimate with its PDF: %+v %q %v", e, pdf, err)
	}
	if _, _, err := db.FindEstimate(ctx, 999999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("no such estimate: %v", err)
	}
	// The PDF is sealed at rest.
	var stored string
	if err := db.ReadQueryRow(ctx, `SELECT pdf FROM documents WHERE id = ?`, e.DocumentID).Scan(&stored); err != nil || strings.Contains(stored, "PDF") {
		t.Errorf("stored PDF in the clear: %q %v", stored, err)
	}
	if len(estimateMails(t, db, "ada@estimate.test")) != 2 {
		t.Errorf("the re-issued estimate was not emailed")
	}
	// A request for a client who pays no one themselves is done with no
	// estimate and no email.
	r3 := &journey.EstimateRequest{ClientID: ada.ID, Reason: journey.EstimateRequested, DueBy: now}
	if err := db.OpenEstimateRequest(ctx, r3); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateEstimates(ctx, r3.ID, nil, 0); err != nil {
		t.Fatal(err)
	}
	if len(estimateMails(t, db, "ada@estimate.test")) != 2 {
		t.Errorf("an email for no estimate")
	}
}

// Two processes issuing the same request at once: one writes, the other
// is told it was issued already, and one email goes.
func TestEstimatesIssuedOnce(t *testing.T) {
	ctx := context.Background()
	dsn := sqldbtest.DSN(t)
	mk := sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, dsn, mk)
	other := sqldbtest.OpenDSN(t, dsn, mk)
	ny, _ := sqldbtest.MustSeed(t, db)
	practice, _ := gfeEntities(t, db)
	bo, _ := sqldbtest.Client(t, db, ny.ID, "Bo Estimate", "bo@estimate.test", nil)
	r := &journey.EstimateRequest{ClientID: bo.ID, Reason: journey.EstimateRequested, DueBy: db.Now()}
	if err := db.OpenEstimateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, d := range []*sqldb.DB{db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.CreateEstimates(ctx, r.ID, []journey.IssuedEstimate{gfeEstimate(bo.ID, practice, journey.ChargeMedicineSession, 90000, "2026-03-20", "2027-03-19")}, 0)
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, err := range errs {
		switch journey.ErrorCode(err) {
		case "":
			ok++
		case journey.ECONFLICT:
			conflict++
		default:
			t.Errorf("issue: %v", err)
		}
	}
	if ok != 1 || conflict != 1 {
		t.Errorf("%d issued, %d refused: want one each", ok, conflict)
	}
	if ests, _ := db.FindEstimates(ctx, bo.ID); len(ests) != 1 {
		t.Errorf("%d estimates", len(ests))
	}
	if n := len(estimateMails(t, db, "bo@estimate.test")); n != 1 {
		t.Errorf("%d emails", n)
	}
}

// What a client was billed against their current estimates: services of
// the estimate's entity and charge type within its period, voids taken
// off, fees and other types left out.
func TestEstimateBilled(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	practice, medical := gfeEntities(t, db)
	cy, _ := sqldbtest.Client(t, db, ny.ID, "Cy Estimate", "cy@estimate.test", nil)
	r := &journey.EstimateRequest{ClientID: cy.ID, Reason: journey.EstimateRequested, DueBy: db.Now()}
	if err := db.OpenEstimateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	ests := []journey.IssuedEstimate{gfeEstimate(cy.ID, practice, journey.ChargeMedicineSession, 100000, "2026-03-01", "2026-12-31"),
		gfeEstimate(cy.ID, medical, journey.ChargeMedication, 9000, "2026-03-01", "2026-12-31")}
	if err := db.CreateEstimates(ctx, r.ID, ests, 0); err != nil {
		t.Fatal(err)
	}
	charge := func(entity int64, ct, date, code string, cents int64, void bool) {
		t.Helper()
		err := db.RawWrite(ctx, func(ctx context.Context, exec sqldb.Exec) error {
			event := journey.EventCompleted
			if code == "" {
				event = journey.EventNoShow
			}
			if err := exec(`INSERT INTO charges (client_id, charge_type, entity_id, event, service_date, code, description, amount_cents, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 'x', ?, 1)`, cy.ID, ct, entity, event, date, code, cents); err != nil {
				return err
			}
			if err := exec(`INSERT INTO postings (client_id, entity_id, charge_type, kind, charge_id, amount_cents, at)
				SELECT client_id, entity_id, charge_type, 'charge', id, amount_cents, 1 FROM charges WHERE id = (SELECT MAX(id) FROM charges)`); err != nil {
				return err
			}
			if void {
				return exec(`INSERT INTO postings (client_id, entity_id, charge_type, kind, charge_id, amount_cents, at)
					SELECT client_id, entity_id, charge_type, 'void', id, -amount_cents, 1 FROM charges WHERE id = (SELECT MAX(id) FROM charges)`)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	charge(practice, journey.ChargeMedicineSession, "2026-04-01", "0820T", 90000, false)
	charge(practice, journey.ChargeMedicineSession, "2026-05-01", "0820T", 90000, false)
	charge(practice, journey.ChargeMedicineSession, "2026-06-01", "0820T", 90000, true)  // voided
	charge(practice, journey.ChargeMedicineSession, "2027-01-05", "0820T", 90000, false) // after the period
	charge(practice, journey.ChargeMedicineSession, "2026-06-02", "", 35000, false)      // a no-show fee, not a service
	charge(practice, journey.ChargePsychotherapy, "2026-04-01", "90837", 21000, false)   // another charge type
	billed, err := db.EstimateBilled(ctx, cy.ID)
	if err != nil {
		t.Fatal(err)
	}
	if billed[ests[0].Estimate.ID] != 180000 || billed[ests[1].Estimate.ID] != 0 || len(billed) != 2 {
		t.Errorf("billed %v, want 180000 against %d and 0 against %d", billed, ests[0].Estimate.ID, ests[1].Estimate.ID)
	}
	if !journey.Disputable(billed[ests[0].Estimate.ID], ests[0].Estimate.TotalCents) {
		t.Errorf("$1,800 billed against $1,000 estimated is disputable")
	}
}
