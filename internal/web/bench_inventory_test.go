package web

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// BenchmarkInventoryMonth: the controlled-substance log after two years
// of 1,000 administrations a day with each day's containers counted
// (about 775,000 entries, 300 clients), and one month of it (about
// 32,000 entries) as its CSV report and on screen (the first 500), through
// the whole chain (session, policy, the entries with their lots, the
// clients' names opened, the audit entry), each beside a bare handler
// writing the same bytes. On SQLite; BenchmarkInventoryMonthPostgres is
// the same on PostgreSQL.
func BenchmarkInventoryMonth(b *testing.B) {
	benchInventoryMonth(b, benchPractice(b, 1, false))
}

// BenchmarkInventoryMonthPostgres is BenchmarkInventoryMonth on
// PostgreSQL (JOURNEY_TEST_POSTGRES_URL; make bench starts a cluster),
// its tables vacuumed and analyzed after the bulk load as autovacuum
// would.
func BenchmarkInventoryMonthPostgres(b *testing.B) {
	base := os.Getenv(testenv.EnvPostgresURL)
	if base == "" {
		b.Skip("no PostgreSQL: set " + testenv.EnvPostgresURL + " (make bench starts a cluster)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { admin.Close() })
	benchInventoryMonth(b, benchPracticeAt(b, testenv.NewPostgresDatabase(b, admin, base), sqldbtest.MasterKeys(b), 1, false))
}

func benchInventoryMonth(b *testing.B, db *sqldb.DB) {
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	loc := &journey.Location{Name: "Alder Street", TimeZone: "America/New_York"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		b.Fatal(err)
	}
	ts, _ := db.FindTherapists(ctx, true)
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Bench", Email: "doc@bench.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		b.Fatal(err)
	}
	sqldbtest.BulkClients(b, db, ts[0].ID, 300)
	var clients []int64
	rows, err := db.Read.QueryContext(ctx, `SELECT id FROM clients ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		clients = append(clients, id)
	}
	rows.Close()
	first := time.Date(2029, 6, 1, 13, 0, 0, 0, time.UTC)
	raw := make([]sqldbtest.RawSession, len(clients))
	for i, c := range clients {
		raw[i] = sqldbtest.RawSession{ClientID: c, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, Start: first.Add(time.Duration(i) * time.Hour), Minutes: 180}
	}
	sessions := map[int64]int64{}
	for i, id := range sqldbtest.RawSessions(b, db, doc.ID, raw) {
		sessions[id] = clients[i]
	}
	if n := sqldbtest.BulkLog(b, db, loc.ID, doc.ID, sessions, first, 730, 1000); n < 770_000 {
		b.Fatalf("%d entries", n)
	}
	if db.Dialect == sqldb.Postgres { // as autovacuum does after a bulk insert: statistics and the visibility map
		if _, err := db.Write.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	_, full := benchServer(b, db)
	sess := &journey.Session{UserID: doc.ID, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	cookie := &http.Cookie{Name: "journey_session", Value: sess.Token}
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
	for _, p := range []struct{ name, path string }{
		{"csv", "/staff/inventory/log?from=2030-03-01&to=2030-03-31&format=csv"},
		{"screen", "/staff/inventory/log?from=2030-03-01&to=2030-03-31"},
	} {
		ceiling := bareServer(b, full.URL, p.path, cookie)
		b.Run(p.name+"/ceiling", func(b *testing.B) {
			for b.Loop() {
				get(b, ceiling.URL+p.path)
			}
		})
		b.Run(p.name+"/journey", func(b *testing.B) {
			cpu := benchCPU()
			for b.Loop() {
				get(b, full.URL+p.path)
			}
			// The process's CPU time per request (server, client and
			// collector): on a shared machine the time per request grows
			// with the load, this much less.
			b.ReportMetric(float64(benchCPU()-cpu)/float64(b.N)/1e3, "cpu-us/op")
		})
	}
}
