package web

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkReviewQueue5k: the medical provider's review queue (first page,
// most urgent first) with 5,000 clients waiting, through the whole chain
// (session, policy, audit, decryption of each row's name and findings,
// template), beside a bare handler writing the same bytes.
func BenchmarkReviewQueue5k(b *testing.B) {
	const clients = 5000
	db := benchPractice(b, 4, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	ts, _ := db.FindTherapists(ctx, true)
	seedQueue(b, db, ts, clients)
	hash, _ := fastHasher.Hash(ctx, testPassword)
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Bench", Email: "doc@bench.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, hash); err != nil {
		b.Fatal(err)
	}
	sess := &journey.Session{UserID: doc.ID, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	_, full := benchServer(b, db)
	if _, total, _ := db.ReviewQueue(ctx, 0, 1); total != clients {
		b.Fatalf("queue holds %d clients, want %d", total, clients)
	}
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(&http.Cookie{Name: "journey_session", Value: sess.Token})
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	ceiling := bareServer(b, full.URL, "/staff/review", &http.Cookie{Name: "journey_session", Value: sess.Token})
	b.Run("ceiling", func(b *testing.B) {
		for b.Loop() {
			get(b, ceiling.URL+"/staff/review")
		}
	})
	b.Run("journey", func(b *testing.B) {
		for b.Loop() {
			get(b, full.URL+"/staff/review")
		}
	})
}

// seedQueue adds n clients with a complete intake and every questionnaire,
// spread over the therapists, a tenth of them with a hard stop, so the
// queue has an order to keep. Writers run in parallel, as the group
// committer batches them.
func seedQueue(b *testing.B, db *sqldb.DB, ts []*journey.Therapist, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	next := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := ts[i%len(ts)]
				name := fmt.Sprintf("Client %05d Bench", i)
				c, err := db.CreateClient(ctx, &journey.NewClient{Name: name, Email: fmt.Sprintf("c%05d@bench.test", i), TherapistID: t.ID,
					CreatedBy: t.ID}, fmt.Sprintf("jy_inv_bench_%d", i))
				if err == nil {
					in := sqldbtest.Intake(name, now)
					if i%10 == 0 {
						in.Pregnancy.Pregnant = journey.Yes
					}
					_, err = db.SaveIntake(ctx, c.ID, in)
				}
				for _, code := range journey.RequiredQuestionnaires {
					if err == nil {
						_, _, err = db.CreateResponse(ctx, c.ID, code, sqldbtest.CleanAnswers[code], t.ID)
					}
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}
