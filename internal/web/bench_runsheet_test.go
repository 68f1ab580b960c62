package web

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkRunSheet: a medicine session's run sheet holding 200 readings
// (a pre-dose set, the dose, then a reading every 30 seconds) through the
// whole chain (session, policy, the gates again, the run sheet's records
// opened and worked out, audit, template) for the session's medical
// provider, beside a bare handler writing the same bytes.
func BenchmarkRunSheet(b *testing.B) {
	db := benchPractice(b, 2, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	ts, _ := db.FindTherapists(ctx, true)
	now := time.Now().UTC().Truncate(time.Second)
	doc := sqldbtest.Staff(b, db, "Dr Bench", journey.RoleMedicalProvider)
	care := &sqldbtest.Care{Therapist: ts[0], Provider: doc}
	cl := care.ReadyClient(b, db, "Bea Bench", "bea@bench.test", now)
	start := now.Add(-3 * time.Hour)
	id := sqldbtest.MedicineSession(b, db, cl.ID, start, journey.SessionInProgress, journey.ModeInPerson, journey.RouteLozenge,
		map[string]int64{journey.NeedTherapist: ts[0].ID, journey.NeedMedicalProvider: doc})
	dosed := start.Add(20 * time.Minute)
	care.ReadyRunSheet(b, db, id, journey.RouteLozenge, dosed.Add(-5*time.Minute))
	if err := db.RecordAdministration(ctx, &journey.Administration{SessionID: id, DoseMg: 200, Route: journey.RouteLozenge, Pharmacy: "Bench Pharmacy",
		PrescriptionNo: "RX-1", AdministeredAt: dosed}, journey.Signature{By: doc, Kind: journey.SignAPIToken}); err != nil {
		b.Fatal(err)
	}
	for i := 1; i < 200; i++ {
		sys, dia, hr, sp, rr, sed := 120+i%45, 80+i%26, 70+i%20, 99-i%11, 12+i%6, i%6
		o := &journey.Observation{SessionID: id, Phase: journey.PhaseInterval, TakenAt: dosed.Add(time.Duration(i) * 30 * time.Second),
			Systolic: &sys, Diastolic: &dia, HeartRate: &hr, SpO2: &sp, RespRate: &rr, Sedation: &sed, By: doc}
		if err := db.CreateObservation(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	rs, err := db.FindRunSheet(ctx, id)
	if err != nil || len(rs.Observations) != 200 {
		b.Fatalf("run sheet: %d readings, %v", len(rs.Observations), err)
	}
	sess := &journey.Session{UserID: doc, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	cookie := &http.Cookie{Name: "journey_session", Value: sess.Token}
	path := fmt.Sprintf("/staff/sessions/%d/run-sheet", id)
	_, full := benchServer(b, db)
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(cookie)
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	ceiling := bareServer(b, full.URL, path, cookie)
	b.Run("ceiling", func(b *testing.B) {
		for b.Loop() {
			get(b, ceiling.URL+path)
		}
	})
	b.Run("journey", func(b *testing.B) {
		for b.Loop() {
			get(b, full.URL+path)
		}
	})
}
