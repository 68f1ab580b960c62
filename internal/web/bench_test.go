package web

// Benchmarks for `make bench`. Each subject is measured beside a ceiling
// taken in the same run on the same harness, and scripts/bench.sh turns
// the pairs into the ratios of docs/benchmarks.md. Nothing here asserts a
// timing: the figures are reported, not tested.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// benchClient keeps enough idle connections for every parallel goroutine.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}}

func benchGet(b *testing.B, url string) {
	resp, err := benchClient.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
}

// bareServer serves the exact bytes and headers that the real server
// answered for path: the ceiling of what any Go handler could do over
// this harness.
func bareServer(b *testing.B, real string, path string, cookies ...*http.Cookie) *httptest.Server {
	req, _ := http.NewRequest("GET", real+path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := benchClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	header := resp.Header.Clone()
	header.Del("Content-Length")
	header.Del("Date")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Write(body)
	}))
	b.Cleanup(ts.Close)
	return ts
}

// benchPractice builds a practice on SQLite with n therapists and the
// demo-sized FAQ. With allDay they work every day around the clock in
// 30-minute consults, so there are slots enough for any b.N; otherwise
// they keep the demo's hours (weekdays 09:00–12:00 and 13:00–17:00).
func benchPractice(b *testing.B, n int, allDay bool) *sqldb.DB {
	b.Helper()
	return benchPracticeAt(b, filepath.Join(b.TempDir(), "journey.db"), sqldbtest.MasterKeys(b), n, allDay)
}

// benchPracticeAt builds benchPractice's practice in the database at dsn.
func benchPracticeAt(b *testing.B, dsn string, mk *crypt.MasterKeys, n int, allDay bool) *sqldb.DB {
	b.Helper()
	db := benchOpen(b, dsn, mk)
	ctx := context.Background()
	if err := db.UpdatePractice(ctx, &journey.Practice{Name: "Bench Practice", Email: "desk@bench.test", TimeZone: "America/New_York",
		PrivacyNotice: "Private."}); err != nil {
		b.Fatal(err)
	}
	zones := []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}
	for i := range n {
		t := &journey.Therapist{Name: fmt.Sprintf("Therapist %02d", i), Email: fmt.Sprintf("t%02d@bench.test", i), TimeZone: zones[i%len(zones)], Active: true,
			MinNotice: time.Hour, Bio: "Bio."}
		for d := time.Sunday; d <= time.Saturday; d++ {
			switch {
			case allDay:
				t.Weekly = append(t.Weekly, journey.WeeklyHours{Weekday: d, Start: 0, End: 1440})
			case d != time.Sunday && d != time.Saturday:
				t.Weekly = append(t.Weekly, journey.WeeklyHours{Weekday: d, Start: 9 * 60, End: 12 * 60},
					journey.WeeklyHours{Weekday: d, Start: 13 * 60, End: 17 * 60})
			}
		}
		if err := db.CreateTherapist(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 11 {
		e := &journey.FAQEntry{Question: fmt.Sprintf("Question %d about KAP?", i),
			Answer: strings.Repeat("An answer with **emphasis** and a [link](https://example.org). ", 8), Published: true}
		if err := db.CreateFAQEntry(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// benchOpen opens the database at dsn as `journey serve` does, with mail
// composed and delivery jobs enqueued in the booking's transaction (no
// workers: the mail stays queued).
func benchOpen(b *testing.B, dsn string, mk *crypt.MasterKeys) *sqldb.DB {
	b.Helper()
	db, err := sqldb.Open(context.Background(), dsn, nil, sqldb.WithMasterKeys(mk))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.Mail = &mail.Composer{BaseURL: "http://journey.test"}
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs}
	if err := jobs.Migrate(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL = q.EnqueueMail, jobs.MailJobSQL
	return db
}

func benchServer(b *testing.B, db *sqldb.DB) (*Server, *httptest.Server) {
	srv, err := NewServer(db, Config{BaseURL: "http://journey.test", FormSecret: []byte("x"), MinFormTime: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return srv, ts
}

// BenchmarkPages: requests per second of the public pages through the real
// router, templates and store, beside a bare handler writing the same bytes.
func BenchmarkPages(b *testing.B) {
	db := benchPractice(b, 4, false)
	srv, ts := benchServer(b, db)
	for _, p := range []struct{ name, path string }{
		{"landing", "/"}, {"faq", "/faq"}, {"booking", "/book?tz=America/Chicago"},
	} {
		bare := bareServer(b, ts.URL, p.path)
		b.Run(p.name+"/ceiling", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					benchGet(b, bare.URL+p.path)
				}
			})
		})
		b.Run(p.name+"/journey", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					benchGet(b, ts.URL+p.path)
				}
			})
		})
		if p.name == "booking" {
			b.Run("booking-uncached/journey", func(b *testing.B) {
				srv.slots.off, srv.pages.off = true, true
				defer func() { srv.slots.off, srv.pages.off = false, false }()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						benchGet(b, ts.URL+p.path)
					}
				})
			})
		}
	}
}

// BenchmarkBookings: consults booked per second through POST
// /api/v1/consults on SQLite with synchronous=FULL, each in one
// transaction with its outbox message and its River job, beside bare
// one-row insert transactions on a file with the same settings.
func BenchmarkBookings(b *testing.B) {
	b.Run("ceiling", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "bare.db")
		pool, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		pool.SetMaxOpenConns(1)
		if _, err := pool.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, therapist_id INTEGER, start_at INTEGER, name TEXT, email TEXT)`); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			tx, err := pool.Begin()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(`INSERT INTO t (therapist_id, start_at, name, email) VALUES (?, ?, ?, ?)`, i%50, i, "Ada Visitor", "ada@example.com"); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})
	b.Run("journey", func(b *testing.B) {
		db := benchPractice(b, 50, true)
		_, ts := benchServer(b, db)
		benchBook(b, db, ts)
	})
}

// benchClients is how many visitors book at once, as on a busy morning.
const benchClients = 32

// benchBook books b.N of the open slots through POST /api/v1/consults,
// benchClients at a time, spreading the clients over servers, and reports
// bookings per second. Every booking must succeed: each slot is booked once.
func benchBook(b *testing.B, db *sqldb.DB, servers ...*httptest.Server) {
	b.Helper()
	slots, err := db.FindSlots(context.Background(), journey.SlotQuery{From: time.Now().Add(2 * time.Hour), Days: 20})
	if err != nil || len(slots) < benchBooked+warmup+b.N {
		b.Fatalf("%d slots for %d bookings: %v", len(slots), benchBooked+warmup+b.N, err)
	}
	var next, fails atomic.Int64
	bookSlot := func(server int, i int64) {
		s := slots[i]
		body := fmt.Sprintf(`{"start": %q, "therapist_id": %d, "name": %q, "email": "v%d@example.com",
			"contact_method": "email", "mode": "video", "time_zone": "America/Chicago", "privacy_consent": true}`, s.Start.Format(time.RFC3339), s.TherapistID, benchName(int(i)), i)
		resp, err := benchClient.Post(servers[server%len(servers)].URL+"/api/v1/consults", "application/json", bytes.NewBufferString(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			fails.Add(1)
		}
	}
	book := func(server int) { bookSlot(server, next.Add(1)-1) }
	// A practice that has taken bookings before, the last slots of the
	// list, and a server that has been up a while: its connections open,
	// its statements prepared, its caches filled, and the database's
	// statistics gathered.
	benchParallel(benchBooked, func(i int) { bookSlot(i, int64(len(slots)-1-i)) })
	benchParallel(warmup, func(i int) { book(i) })
	benchAnalyze(b, db.Dialect, db.Write)
	var client atomic.Int64
	b.SetParallelism(max(1, benchClients/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	cpu := benchCPU()
	b.RunParallel(func(pb *testing.PB) {
		server := int(client.Add(1))
		for pb.Next() {
			book(server)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(benchCPU()-cpu)/float64(b.N)/1e3, "cpu-us/op")
	if fails.Load() > 0 {
		b.Fatalf("%d bookings failed", fails.Load())
	}
}

// benchBooked is how many consults a practice has booked before a booking
// benchmark starts: the planner's statistics then describe a table of
// about the size it has while the benchmark runs, as on a practice that
// has been taking bookings (on a table of a few rows it scans the table
// for the address check, and keeps that plan as the table grows).
const benchBooked = 1000

// benchName returns the name of the i-th visitor: different people, as on
// a real morning, so their names' blind indexes land in different places
// of name_index rather than all on the same few entries.
func benchName(i int) string {
	firsts := []string{"Ada", "Bea", "Cruz", "Dana", "Eli", "Femi", "Gus", "Hana", "Ivo", "June", "Kofi", "Lena", "Milo"}
	lasts := []string{"Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Novak", "Haddad", "Kowalski", "Osei", "Brennan", "Ferreira"}
	return fmt.Sprintf("%s %s %c%c", firsts[i%len(firsts)], lasts[i/len(firsts)%len(lasts)], 'a'+rune(i/143%26), 'a'+rune(i/3718%26))
}

// benchAnalyze gathers PostgreSQL's statistics on a database that a
// benchmark has just filled, as autovacuum does within a minute on a real
// server (autovacuum_naptime). A benchmark's database lives for seconds,
// and without statistics the planner takes a partial index built on the
// empty table for one holding nothing: the address check of every booking
// then read every booked consult through the overlap constraint's index.
func benchAnalyze(b *testing.B, dialect string, pool *sql.DB) {
	b.Helper()
	if dialect != sqldb.Postgres {
		return
	}
	if _, err := pool.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// benchCPU returns the CPU time this process has used, in nanoseconds:
// with two cores shared by the clients, the servers and the database, the
// CPU a booking costs says more than its wall time.
func benchCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// warmup is how many bookings (or ceiling transactions) run before the
// clock starts, benchClients at a time.
const warmup = 4 * benchClients

// benchParallel runs fn(0) … fn(n-1), benchClients at a time.
func benchParallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// BenchmarkBookingsPostgres: consults booked per second through POST
// /api/v1/consults on PostgreSQL (JOURNEY_TEST_POSTGRES_URL; make bench
// starts a throwaway cluster), by one process and by two sharing the
// database, beside bare transactions of 8 one-row inserts on the same
// cluster, run by as many clients.
func BenchmarkBookingsPostgres(b *testing.B) {
	base := os.Getenv(testenv.EnvPostgresURL)
	if base == "" {
		b.Skip("no PostgreSQL: set " + testenv.EnvPostgresURL + " (make bench starts a cluster)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { admin.Close() })
	b.Run("ceiling", func(b *testing.B) {
		pool, err := sql.Open("pgx", testenv.NewPostgresDatabase(b, admin, base))
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		pool.SetMaxOpenConns(benchClients)
		pool.SetMaxIdleConns(benchClients)
		if _, err := pool.Exec(`CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, therapist_id BIGINT, start_at BIGINT, name TEXT, email TEXT)`); err != nil {
			b.Fatal(err)
		}
		var next atomic.Int64
		bare := func() {
			i := next.Add(1)
			tx, err := pool.Begin()
			if err != nil {
				b.Fatal(err)
			}
			for j := range int64(8) {
				if _, err := tx.Exec(`INSERT INTO t (therapist_id, start_at, name, email) VALUES ($1, $2, $3, $4)`,
					i%50, i*8+j, "Ada Visitor", "ada@example.com"); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		benchParallel(warmup, func(int) { bare() })
		benchAnalyze(b, sqldb.Postgres, pool)
		b.SetParallelism(max(1, benchClients/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		cpu := benchCPU()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bare()
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		b.ReportMetric(float64(benchCPU()-cpu)/float64(b.N)/1e3, "cpu-us/op")
	})
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("journey-%dproc", procs), func(b *testing.B) {
			dsn, mk := testenv.NewPostgresDatabase(b, admin, base), sqldbtest.MasterKeys(b)
			db := benchPracticeAt(b, dsn, mk, 50, true)
			servers := make([]*httptest.Server, procs)
			_, servers[0] = benchServer(b, db)
			for i := 1; i < procs; i++ {
				// Another process: its own pool, caches and queue client.
				_, servers[i] = benchServer(b, benchOpen(b, dsn, mk))
			}
			benchBook(b, db, servers...)
		})
	}
}

// BenchmarkFindSlots: the open slots of 50 therapists over 60 days with
// 2,000 existing bookings, including the database reads.
func BenchmarkFindSlots(b *testing.B) {
	db := benchPractice(b, 50, false)
	ctx := context.Background()
	from := time.Now().Add(2 * time.Hour)
	slots, err := db.FindSlots(ctx, journey.SlotQuery{From: from, Days: 60})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		s := slots[(i*len(slots))/2000]
		if _, err := db.CreateConsult(ctx, &journey.BookingRequest{Start: s.Start, TherapistID: s.TherapistID, Name: "A",
			Email: fmt.Sprintf("b%d@example.com", i), ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := db.FindSlots(ctx, journey.SlotQuery{From: from, Days: 60}); err != nil {
			b.Fatal(err)
		}
	}
}
