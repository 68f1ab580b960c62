package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// noAudit is the store with auditing turned off, for the ceiling.
type noAudit struct{ Store }

func (noAudit) Audit(context.Context, *journey.AuditEntry) {}

// BenchmarkSignedInPage: a therapist's consult list through the whole
// chain (cookie, session lookup, user, policy, audit entry) beside the same
// handler given the same actor directly, with no session and no audit.
func BenchmarkSignedInPage(b *testing.B) {
	db := benchPractice(b, 4, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	ts, _ := db.FindTherapists(ctx, true)
	u, err := db.FindUserByID(ctx, ts[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	sess := &journey.Session{UserID: u.ID, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	srv, full := benchServer(b, db)
	actor := &journey.Actor{User: u, SessionID: sess.ID, Verified: true}
	bare, err := NewServer(noAudit{db}, srv.cfg)
	if err != nil {
		b.Fatal(err)
	}
	ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bare.staff.HandleConsults(w, r.WithContext(webkit.WithActor(r.Context(), actor)))
	}))
	b.Cleanup(ceiling.Close)
	get := func(b *testing.B, url string, cookie bool) {
		req, _ := http.NewRequest("GET", url, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: "journey_session", Value: sess.Token})
		}
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.Run("ceiling", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b, ceiling.URL+"/staff/consults", false)
			}
		})
	})
	b.Run("journey", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b, full.URL+"/staff/consults", true)
			}
		})
	})
}

// BenchmarkAuditRecord: what recording one audit entry costs the request
// that records it, as the 99th percentile over the run.
func BenchmarkAuditRecord(b *testing.B) {
	db := benchPractice(b, 1, false)
	key, _, _ := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		db.Audit(ctx, &journey.AuditEntry{ActorID: 1, ActorRole: "therapist", Action: "consult.read", SubjectType: "consult",
			SubjectID: "1", ClientAddr: "127.0.0.1", Outcome: journey.AuditSuccess, Detail: "bench"})
		lat = append(lat, time.Since(t0))
		if i%512 == 511 {
			time.Sleep(time.Millisecond) // requests arrive over time, not in one burst
		}
	}
	b.StopTimer()
	if err := db.FlushAudit(ctx); err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
