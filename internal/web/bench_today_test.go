package web

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
)

// BenchmarkToday: the staff home through the whole chain (session, policy,
// the counts and short lists of each part, audit, template) for a
// therapist with 50 clients (a few with open safety alerts, a few
// cleared) and for a medical provider with 200 clients in the review
// queue, each beside a bare handler writing the same bytes.
func BenchmarkToday(b *testing.B) {
	db := benchPractice(b, 4, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	ts, _ := db.FindTherapists(ctx, true)
	// 200 clients waiting for review, 50 on each therapist's care team.
	seedQueue(b, db, ts, 200)
	hash, _ := fastHasher.Hash(ctx, testPassword)
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Bench", Email: "doc@bench.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, hash); err != nil {
		b.Fatal(err)
	}
	therapist := ts[0]
	mine, n, err := db.FindClients(ctx, journey.ClientFilter{CareTeamMember: therapist.ID, Limit: 100})
	if err != nil || n != 50 {
		b.Fatalf("the therapist has %d clients (%v), want 50", n, err)
	}
	for i, c := range mine[:6] {
		if i < 3 { // an open safety alert
			if _, _, err := db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, []int{1, 1, 1, 1, 1, 1, 1, 1, 2}, therapist.ID); err != nil {
				b.Fatal(err)
			}
			continue
		}
		if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
			ClearedUntil: time.Now().AddDate(1, 0, 0)}); err != nil && journey.ErrorCode(err) != journey.EINVALID {
			b.Fatal(err)
		}
	}
	if _, total, _ := db.ReviewQueue(ctx, 0, 1); total < 195 {
		b.Fatalf("queue holds %d clients, want about 200", total)
	}
	_, full := benchServer(b, db)
	for _, who := range []struct {
		name   string
		userID int64
	}{{"therapist-50", therapist.ID}, {"provider-200", doc.ID}} {
		sess := &journey.Session{UserID: who.userID, Idle: time.Hour, SecondFactorAt: time.Now()}
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
		ceiling := bareServer(b, full.URL, "/staff", cookie)
		b.Run(who.name+"/ceiling", func(b *testing.B) {
			for b.Loop() {
				get(b, ceiling.URL+"/staff")
			}
		})
		b.Run(who.name+"/journey", func(b *testing.B) {
			for b.Loop() {
				get(b, full.URL+"/staff")
			}
		})
	}
}
