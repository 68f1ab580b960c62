package metrics

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/journey-kap/journey"
)

// Sign-in failures and throttles are counted from their audit entries, by
// step; every other entry, whatever its action, leaves the counters alone.
func TestSigninCountsFromAudit(t *testing.T) {
	m := New("test", nil)
	for _, e := range []journey.AuditEntry{
		{Action: "signin.failure", Outcome: journey.AuditFailure},
		{Action: "signin.failure", Outcome: journey.AuditFailure},
		{Action: "signin.throttled", Outcome: journey.AuditDenied},
		{Action: "signin.second_factor", Outcome: journey.AuditFailure},
		{Action: "signin.second_factor", Outcome: journey.AuditDenied, Detail: "throttled"},
		{Action: "signin.second_factor", Outcome: journey.AuditSuccess},
		{Action: "signin.password", Outcome: journey.AuditSuccess},
		{Action: "/admin/staff/7/hours", Outcome: journey.AuditDenied},
	} {
		m.ObserveAudit(&e)
	}
	for _, c := range []struct {
		what string
		got  float64
		want float64
	}{
		{"password failures", testutil.ToFloat64(m.signin.WithLabelValues("password")), 2},
		{"second factor failures", testutil.ToFloat64(m.signin.WithLabelValues("second_factor")), 1},
		{"password throttles", testutil.ToFloat64(m.throttle.WithLabelValues("password")), 1},
		{"second factor throttles", testutil.ToFloat64(m.throttle.WithLabelValues("second_factor")), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.signin); n != 2 {
		t.Errorf("%d sign-in failure series, want 2 (one per step)", n)
	}
}

// Backup age is NaN until a source is set, +Inf while there is no backup,
// then the seconds since the newest.
func TestBackupAge(t *testing.T) {
	m := New("test", nil)
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return now }
	if v := m.backupAge(); !math.IsNaN(v) {
		t.Fatalf("no source: %v, want NaN", v)
	}
	var last time.Time
	m.SetLastBackup(func() (time.Time, bool) { return last, !last.IsZero() })
	if v := m.backupAge(); !math.IsInf(v, 1) {
		t.Fatalf("no backup yet: %v, want +Inf", v)
	}
	last = now.Add(-90 * time.Minute)
	if v := m.backupAge(); v != 5400 {
		t.Fatalf("backup 90 minutes ago: %v, want 5400", v)
	}
}

// A job kind or state read from the database becomes a label only when it
// looks like one; anything else is "other".
func TestSafeLabels(t *testing.T) {
	for in, want := range map[string]string{"mail": "mail", "reset_request": "reset_request", "retryable": "retryable",
		"": "other", "Mail": "other", "jo@example.org": "other", "/c/abc": "other", "a b": "other"} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// A route with no pattern is counted as unmatched, never by its URL.
func TestObserveRequest(t *testing.T) {
	m := New("test", nil)
	m.ObserveRequest("GET /c/{token}", 200, time.Millisecond)
	m.ObserveRequest("", 404, time.Millisecond)
	if v := testutil.ToFloat64(m.requests.WithLabelValues("GET /c/{token}", "200")); v != 1 {
		t.Errorf("pattern: %v", v)
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("unmatched", "404")); v != 1 {
		t.Errorf("unmatched: %v", v)
	}
	if err := m.GaugeFunc("example_gauge", "A test gauge.", func() float64 { return 3 }); err != nil {
		t.Fatal(err)
	}
	if err := m.GaugeFunc("example_gauge", "Twice.", func() float64 { return 3 }); err == nil {
		t.Fatal("a name registered twice was accepted")
	}
}
