package sqldb_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkFindUsersByName50k: staff search 50,000 encrypted client names
// through the blind name index, on SQLite, as the staff screens will.
func BenchmarkFindUsersByName50k(b *testing.B) {
	db := sqldbtest.Open(b)
	ctx := context.Background()
	firsts := []string{"Maria", "Jose", "Anna", "Elena", "Liam", "Sara", "David", "Karin", "Robert", "Mina"}
	lasts := []string{"Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor"}
	const n = 50_000
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range 16 { // concurrent writers share fsyncs through the group committer
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				name := fmt.Sprintf("%s %s%d", firsts[i%10], lasts[(i/10)%10], i/100)
				u := &journey.User{Kind: journey.UserClient, Name: name, Email: fmt.Sprintf("c%d@example.org", i), Roles: []string{journey.RoleClient}, Active: true}
				if err := db.CreateUser(ctx, u, ""); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Fatalf("%d users not created", failed.Load())
	}
	for _, q := range []struct{ name, query string }{{"prefix", "gar"}, {"full-name", "maria garcia12"}} {
		b.Run(q.name, func(b *testing.B) {
			var found int
			for range b.N {
				us, err := db.FindUsersByName(ctx, q.query)
				if err != nil {
					b.Fatal(err)
				}
				found = len(us)
			}
			b.ReportMetric(float64(found), "matches")
		})
	}
}
