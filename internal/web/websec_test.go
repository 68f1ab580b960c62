package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// lockedBuffer is a log sink the server's goroutines and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The request log and the token.use audit entry name the matched route
// for signed-in requests too (authenticate copies the request, so the
// pattern the ServeMux sets later never reached them).
func TestRouteInRequestLogAndTokenAudit(t *testing.T) {
	var logs lockedBuffer
	e := newEnv(t, func(c *Config) {
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	desk := e.addUser(journey.UserStaff, "desk@practice.test", journey.RoleFrontDesk)
	if st, _, _ := e.as(e.session(desk, true), "GET", "/staff/consults", nil); st != 200 {
		t.Fatalf("consults: %d", st)
	}
	token, hash, _ := auth.NewToken(auth.PrefixPersonalAccessToken)
	if _, err := e.db.CreateAPIToken(ctx, desk.ID, "t", hash, e.now.Add(journey.SessionLifetime)); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("api: %v %v", err, resp)
	}
	resp.Body.Close()
	for _, want := range []string{`route="GET /staff/consults" status=200`, `route="GET /api/v1/me" status=200`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("request log lacks %s:\n%s", want, logs.String())
		}
	}
	if err := e.db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: "token.use"})
	if err != nil || len(es) != 1 || es[0].Detail != "GET /api/v1/me" {
		t.Fatalf("token.use entries: %+v %v", es, err)
	}
}
