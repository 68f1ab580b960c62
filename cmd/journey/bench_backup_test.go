package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/web"
)

// benchBackupClients and benchBackupAudit size the practice the backup
// benchmark copies.
const (
	benchBackupClients = 50_000
	benchBackupAudit   = 500_000
)

// BenchmarkBackup50k: `journey backup` of a SQLite database holding 50,000
// clients (each with a complete, sealed intake) and 500,000 audit entries
// on a valid chain, served by the real web server; and bookings per second
// through POST /api/v1/consults (32 clients) while backups run back to
// back, beside the same with none running, in the same run. The database
// is filled with bulk SQL of sealed rows (sqldbtest.BulkClients,
// BulkAudit), not 50,000 requests.
func BenchmarkBackup50k(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	keyFile := filepath.Join(dir, "master.key")
	mk, err := crypt.CreateMasterKeyFile(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqldb.Open(ctx, filepath.Join(dir, "data", "journey.db"), nil, sqldb.WithMasterKeys(mk))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Mail = &mail.Composer{BaseURL: "http://journey.test"}
	jc := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs}
	if err := jobs.Migrate(ctx, jc); err != nil {
		b.Fatal(err)
	}
	q, err := jobs.New(jc)
	if err != nil {
		b.Fatal(err)
	}
	db.Enqueue = q.EnqueueMail
	therapists := benchBackupPractice(b, db, 50)
	t0 := time.Now()
	sqldbtest.BulkClients(b, db, therapists[0], benchBackupClients)
	head := sqldbtest.BulkAudit(b, db, key, benchBackupAudit)
	headFile := filepath.Join(dir, "audit.head")
	if err := audit.WriteHead(headFile, key, head); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d clients and %d audit entries in %v", benchBackupClients, benchBackupAudit, time.Since(t0).Round(time.Millisecond))
	db.StartAudit(key, headFile)
	srv, err := web.NewServer(db, web.Config{BaseURL: "http://journey.test", FormSecret: []byte("x"), MinFormTime: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	slots, err := db.FindSlots(ctx, journey.SlotQuery{From: time.Now().Add(2 * time.Hour), Days: 20})
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	book := benchBackupBooker(b, ts.URL, slots, &next)
	backupOnce := func() time.Duration {
		to := filepath.Join(dir, fmt.Sprintf("b-%d.tar", time.Now().UnixNano()))
		t0 := time.Now()
		if _, err := takeBackup(ctx, db, mk, key, to); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		os.Remove(to)
		return took
	}
	backupOnce() // warm: the file in the page cache, as on a server that has been up

	b.Run("backup", func(b *testing.B) {
		var size int64
		for range b.N {
			backupOnce()
		}
		if fi, err := os.Stat(db.Path); err == nil {
			size = fi.Size()
		}
		b.ReportMetric(float64(size)/(1<<20), "db-MB")
	})
	b.Run("bookings-quiet", func(b *testing.B) { benchBackupBook(b, book) })
	b.Run("bookings-during-backup", func(b *testing.B) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var backups atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				backupOnce()
				backups.Add(1)
			}
		}()
		time.Sleep(50 * time.Millisecond) // the first backup has begun reading
		benchBackupBook(b, book)
		close(stop)
		wg.Wait()
	})
}

// benchBackupPractice makes the practice and n therapists offering every
// hour of every day, so a benchmark never runs out of slots, and returns
// their user ids.
func benchBackupPractice(b *testing.B, db *sqldb.DB, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	if err := db.UpdatePractice(ctx, &journey.Practice{Name: "Bench Practice", Email: "desk@bench.test", TimeZone: "America/New_York",
		PrivacyNotice: "Private."}); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for i := range n {
		t := &journey.Therapist{Name: fmt.Sprintf("Therapist %02d", i), Email: fmt.Sprintf("t%02d@bench.test", i), TimeZone: "America/Chicago",
			Active: true, MinNotice: time.Hour}
		for d := time.Sunday; d <= time.Saturday; d++ {
			t.Weekly = append(t.Weekly, journey.WeeklyHours{Weekday: d, Start: 0, End: 1440})
		}
		if err := db.CreateTherapist(ctx, t); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, t.ID)
	}
	return ids
}

// benchBackupBooker returns a function booking the next open slot through
// the API; it reports whether the booking was made.
func benchBackupBooker(b *testing.B, base string, slots []journey.Slot, next *atomic.Int64) func() bool {
	c := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return func() bool {
		i := next.Add(1) - 1
		if int(i) >= len(slots) {
			b.Fatalf("out of slots after %d bookings", i)
		}
		s := slots[i]
		body := fmt.Sprintf(`{"start": %q, "therapist_id": %d, "name": "Visitor %d", "email": "v%d@example.com",
			"contact_method": "email", "mode": "video", "time_zone": "America/Chicago", "privacy_consent": true}`, s.Start.Format(time.RFC3339), s.TherapistID, i, i)
		resp, err := c.Post(base+"/api/v1/consults", "application/json", bytes.NewBufferString(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusCreated
	}
}

// benchBackupBook runs b.N bookings, 32 clients at a time, and reports
// bookings per second.
func benchBackupBook(b *testing.B, book func() bool) {
	var fails atomic.Int64
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !book() {
				fails.Add(1)
			}
		}
	})
	b.StopTimer() // not the wait for a backup under way to finish
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	if fails.Load() > 0 {
		b.Fatalf("%d bookings failed", fails.Load())
	}
}
