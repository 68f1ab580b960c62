package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// While the audit trail cannot be written, /readyz fails with the reason
// and admins, only they, see a notice on the staff pages; /healthz (the
// liveness check) still passes. Once the trail takes writes again, both
// clear.
func TestAuditFailureFailsReadinessAndTellsAdmins(t *testing.T) {
	e := newEnv(t)
	admin := e.session(e.addUser(journey.UserStaff, "admin@practice.test", journey.RoleAdmin), true)
	therapist := e.session(staffUser(e.ny), true)
	if st, _, body := e.do("GET", "/readyz", "", ""); st != 200 || body != "ready\n" {
		t.Fatalf("healthy: readyz %d %q", st, body)
	}
	lift := sqldbtest.BlockAuditLog(t, e.db)
	e.db.Audit(context.Background(), &journey.AuditEntry{ActorID: 1, ActorRole: "admin", Action: "client.read", Outcome: journey.AuditSuccess})
	deadline := time.Now().Add(20 * time.Second)
	for since, _ := e.db.AuditBacklog(); since.IsZero(); since, _ = e.db.AuditBacklog() {
		if time.Now().After(deadline) {
			t.Fatal("the writer never reported the failure")
		}
		time.Sleep(5 * time.Millisecond)
	}
	st, h, body := e.do("GET", "/readyz", "", "")
	if st != 503 || !strings.Contains(body, "audit trail cannot be written") || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Fatalf("failing: readyz %d %q %q", st, h.Get("Content-Type"), body)
	}
	if st, _, _ := e.do("GET", "/healthz", "", ""); st != 200 {
		t.Fatalf("failing: healthz %d, want 200 (alive)", st)
	}
	// The test clock reads 12:00 UTC, 07:00 in the practice's New York.
	want := "The audit trail cannot be written since 07:00 (America/New_York): "
	if _, _, page := e.as(admin, "GET", "/staff", nil); !strings.Contains(page, want) || !strings.Contains(page, "waiting and retried.") {
		t.Fatalf("admin sees no notice:\n%s", page)
	}
	if _, _, page := e.as(therapist, "GET", "/staff", nil); strings.Contains(page, "audit trail cannot") {
		t.Fatal("a therapist sees the admins' notice")
	}
	lift()
	if err := e.db.FlushAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, _, body := e.do("GET", "/readyz", "", ""); st != 200 {
		t.Fatalf("recovered: readyz %d %q", st, body)
	}
	if _, _, page := e.as(admin, "GET", "/staff", nil); strings.Contains(page, "audit trail cannot") {
		t.Fatal("the notice stays after recovery")
	}
}
