package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// benchSession returns a signed-in session cookie for user id.
func benchSession(b *testing.B, db *sqldb.DB, id int64) *http.Cookie {
	sess := &journey.Session{UserID: id, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(context.Background(), sess); err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "journey_session", Value: sess.Token}
}

// benchBilling is a bench practice with the audit on and billing set up.
func benchBilling(b *testing.B) (*sqldb.DB, *sqldbtest.Billing, []*journey.Therapist) {
	db := benchPractice(b, 2, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ts, _ := db.FindTherapists(context.Background(), true)
	return db, sqldbtest.SeedBilling(b, db, ts[0].ID), ts
}

// BenchmarkStatement500: a client's psychotherapy statement over 500
// postings (400 charges, 100 payments in the period) issued through the
// whole chain (the front desk's token, policy, the ledger and charges
// read and opened, the PDF laid out, sealed and stored with its charges,
// audit), and the client downloading it (session, policy, the document
// opened, audit), each beside a bare handler writing the PDF's bytes.
func BenchmarkStatement500(b *testing.B) {
	db, bill, ts := benchBilling(b)
	ctx := context.Background()
	c, u := sqldbtest.Client(b, db, ts[0].ID, "Bea Bench", "bea@bench.test", nil)
	from := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sqldbtest.BulkCharges(b, db, []int64{c.ID}, bill.Practice.ID, journey.ChargePsychotherapy, "90834", 400, 165_00, from, 300*24*time.Hour)
	sqldbtest.BulkPayments(b, db, c.ID, bill.Practice.ID, journey.ChargePsychotherapy, 100, 500_00, from.Add(24*time.Hour), 300*24*time.Hour)
	if l, err := db.FindLedger(ctx, c.ID, bill.Practice.ID); err != nil || len(l.Postings) != 500 {
		b.Fatalf("ledger: %v", err)
	}
	desk := sqldbtest.Staff(b, db, "Dee Desk", journey.RoleFrontDesk)
	tok, _, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	if _, err := db.CreateAPIToken(ctx, desk, "bench", auth.HashToken(tok), time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	client := benchSession(b, db, u.ID)
	_, full := benchServer(b, db)
	body := fmt.Sprintf(`{"entity_id": %d, "charge_type": "psychotherapy", "from": "2026-01-01", "to": "2026-12-31"}`, bill.Practice.ID)
	issue := func(b *testing.B) int64 {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/clients/%d/statements", full.URL, c.ID), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var d struct{ ID int64 }
		if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&d) != nil {
			msg, _ := io.ReadAll(resp.Body)
			b.Fatalf("statement: %d %s", resp.StatusCode, msg)
		}
		return d.ID
	}
	path := fmt.Sprintf("/portal/billing/documents/%d", issue(b))
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(client)
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	ceiling := bareServer(b, full.URL, path, client)
	b.Run("ceiling", func(b *testing.B) {
		for b.Loop() {
			get(b, ceiling.URL+path)
		}
	})
	b.Run("download", func(b *testing.B) {
		for b.Loop() {
			get(b, full.URL+path)
		}
	})
	b.Run("issue", func(b *testing.B) {
		for b.Loop() {
			issue(b)
		}
	})
}

// BenchmarkMonthReport20k: the front desk's billing reports for a month
// holding 20,000 charges of 400 clients with both entities (and 2,000
// payments), through the whole chain (session, policy, the month's sums
// by entity, charge type and kind, the balances carried forward, every
// client's postings aged and their names opened, audit naming them,
// template), and the month's CSV for the accountant, each beside a bare
// handler writing the same bytes.
func BenchmarkMonthReport20k(b *testing.B) {
	db, bill, ts := benchBilling(b)
	ctx := context.Background()
	sqldbtest.BulkClients(b, db, ts[0].ID, 400)
	rows, err := db.Read.QueryContext(ctx, `SELECT id FROM clients ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	var clients []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		clients = append(clients, id)
	}
	rows.Close()
	loc, _ := time.LoadLocation("America/New_York")
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	span := month.AddDate(0, 1, 0).Sub(month) - time.Hour
	sqldbtest.BulkCharges(b, db, clients, bill.Practice.ID, journey.ChargePsychotherapy, "90834", 8_000, 165_00, month, span)
	sqldbtest.BulkCharges(b, db, clients, bill.Practice.ID, journey.ChargeMedicineSession, "0820T", 4_000, 600_00, month, span)
	sqldbtest.BulkCharges(b, db, clients, bill.Medical.ID, journey.ChargePrescriber, "99214", 4_000, 195_00, month, span)
	sqldbtest.BulkCharges(b, db, clients, bill.Medical.ID, journey.ChargeMedication, "J3490", 4_000, 90_00, month, span)
	for _, cl := range clients[:200] {
		sqldbtest.BulkPayments(b, db, cl, bill.Practice.ID, journey.ChargePsychotherapy, 10, 100_00, month.Add(time.Hour), span)
	}
	desk := benchSession(b, db, sqldbtest.Staff(b, db, "Dee Desk", journey.RoleFrontDesk))
	_, full := benchServer(b, db)
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(desk)
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	for _, p := range []struct{ name, path string }{
		{"screen", "/staff/billing/reports?from=2026-11&to=2026-11"},
		{"csv", "/staff/billing/reports/months.csv?from=2026-11&to=2026-11"},
	} {
		ceiling := bareServer(b, full.URL, p.path, desk)
		b.Run(p.name+"/ceiling", func(b *testing.B) {
			for b.Loop() {
				get(b, ceiling.URL+p.path)
			}
		})
		b.Run(p.name+"/journey", func(b *testing.B) {
			for b.Loop() {
				get(b, full.URL+p.path)
			}
		})
	}
}
