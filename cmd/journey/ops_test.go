package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape GETs /metrics at addr and returns the raw text and its parsed
// families; it fails the test when the text does not parse.
func scrape(t *testing.T, addr string) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d\n%s", resp.StatusCode, raw)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, raw)
	}
	return string(raw), fams
}

// value returns the value of the family's series with every label in want,
// and whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
series:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// PHI written through the app (names, emails, phone numbers, notes, an
// intake, manage tokens in URLs, an email in a failed sign-in) never shows
// in /metrics: the scrape parses, holds the request, queue, outbox, pool,
// audit and sign-in metrics, and none of the markers anywhere, in a name,
// a label or a help text.
func TestMetricsHoldNoPHI(t *testing.T) {
	maddr := freeAddr(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0", "--metrics-listen", maddr)
	tag := actTag(t)
	var markers []string
	for i := range 2 {
		b := actBook(t, srv.URL, i, tag)
		markers = append(markers, b.Name, b.Email, b.Phone, strings.TrimPrefix(b.Phone, "+1"), b.Reason, b.Token, "Quillon", "Marchbanks", "Pomegranate")
		if st := actGet(t, nil, srv.URL, "/c/"+b.Token); st != http.StatusOK {
			t.Fatalf("manage page: %d", st)
		}
		if st := actGet(t, nil, srv.URL, "/api/v1/manage/"+b.Token); st != http.StatusOK {
			t.Fatalf("manage API: %d", st)
		}
	}
	c := actSignIn(t, srv.URL, demoClients[0].Email, demoClients[0].Password)
	in := actSaveIntake(t, c, srv.URL, tag)
	markers = append(markers, in.LegalName, in.Address, in.EmergencyName, "Sycamore", "Ottoline", "Brightwater", "5035550177",
		demoClients[0].Email, demoClients[0].Phone, "Taylor")
	wrong := "nobody." + strings.ToLower(tag) + "@example.org"
	actSignInFails(t, srv.URL, wrong)
	actSignInFails(t, srv.URL, demoClients[1].Email)
	markers = append(markers, wrong, demoClients[1].Email, tag)
	// A URL that matches no page, holding a name.
	actGet(t, nil, srv.URL, "/clients/quillon-"+tag+"-marchbanks?email="+wrong)

	var raw string
	var fams map[string]*dto.MetricFamily
	// Metrics read at scrape time (outbox, jobs) see the bookings' mail at
	// once; the audit entries reach the sign-in counters when queued.
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw, fams = scrape(t, maddr)
		if n, _ := value(fams, "journey_signin_failures_total", map[string]string{"step": "password"}); n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"journey_http_requests_total", map[string]string{"route": "POST /api/v1/consults", "code": "201"}, 2},
		{"journey_http_requests_total", map[string]string{"route": "GET /c/{token}", "code": "200"}, 2},
		{"journey_http_requests_total", map[string]string{"route": "POST /portal/intake/{step}", "code": "303"}, 2},
		{"journey_http_requests_total", map[string]string{"route": "POST /login", "code": "401"}, 2},
		{"journey_http_request_duration_seconds", map[string]string{"route": "POST /api/v1/consults", "code": "201"}, 2},
		{"journey_signin_failures_total", map[string]string{"step": "password"}, 2},
		{"journey_signin_throttled_total", map[string]string{"step": "password"}, 0},
		{"journey_outbox_messages", map[string]string{"status": "held"}, 2}, // no SMTP server: the bookings' mail is held
		{"journey_jobs", map[string]string{"kind": "mail"}, 0},
		{"journey_jobs", map[string]string{"kind": "rescreen"}, 0},
		{"journey_audit_queue_entries", nil, 0},
		{"journey_audit_oldest_unwritten_seconds", nil, 0},
		{"journey_audit_write_failing", nil, 0},
		{"journey_backup_age_seconds", nil, 0},
		{"journey_build_info", map[string]string{"version": journeyVersion()}, 1},
		{"go_sql_open_connections", map[string]string{"db_name": "write"}, 0},
	} {
		v, ok := value(fams, want.name, want.labels)
		if !ok || (v < want.min && want.name != "journey_backup_age_seconds") {
			t.Errorf("%s%v = %v (present %v), want at least %v", want.name, want.labels, v, ok, want.min)
		}
	}
	mail := 0.0
	for _, m := range fams["journey_jobs"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "kind" && l.GetValue() == "mail" {
				mail += m.Gauge.GetValue()
			}
		}
	}
	if mail < 2 {
		t.Errorf("journey_jobs counts %v mail jobs in all states, want at least the 2 bookings'", mail)
	}
	if testing.Verbose() {
		t.Logf("%d metric families, %d bytes", len(fams), len(raw))
	}
	lower := strings.ToLower(raw)
	for _, m := range markers {
		if m != "" && strings.Contains(lower, strings.ToLower(m)) {
			i := strings.Index(lower, strings.ToLower(m))
			t.Errorf("metrics hold %q: …%s…", m, raw[max(0, i-120):min(len(raw), i+80)])
		}
	}
	// Every route label is a pattern of the route table ("METHOD /path",
	// or "/", the catch-all that answers 404), or "unmatched".
	for _, m := range fams["journey_http_requests_total"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "route" && l.GetValue() != "unmatched" && l.GetValue() != "/" && !strings.Contains(l.GetValue(), " /") {
				t.Errorf("route label %q is not a route pattern", l.GetValue())
			}
		}
	}
}

// /readyz fails while a key file is missing or unreadable, saying which
// (and never the path), and recovers when it is back; /healthz, the
// liveness check, stays 200 and reports the version.
func TestReadyzFailsWithoutKeyFiles(t *testing.T) {
	auditKey := filepath.Join(t.TempDir(), "audit.key")
	srv := startServer(t, nil, "--audit-key-file", auditKey)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(srv.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get("/readyz"); st != 200 {
		t.Fatalf("readyz at start: %d %s", st, body)
	}
	if st, body := get("/healthz"); st != 200 || body != "ok "+journeyVersion()+"\n" {
		t.Fatalf("healthz: %d %q, want the version", st, body)
	}
	for _, c := range []struct {
		name, file, want string
		break_, mend     func(path string) error
	}{
		{"master key file missing", srv.KeyFile, "the master key file cannot be read",
			func(p string) error { return os.Rename(p, p+".away") }, func(p string) error { return os.Rename(p+".away", p) }},
		{"master key file readable by others", srv.KeyFile, "the master key file cannot be read",
			func(p string) error { return os.Chmod(p, 0o644) }, func(p string) error { return os.Chmod(p, 0o600) }},
		{"master key file holding another key", srv.KeyFile, "the master key file does not unwrap the data keys",
			func(p string) error {
				if err := os.Rename(p, p+".away"); err != nil {
					return err
				}
				_, err := keysCLI(t, "", "keys", "init", "--master-key-file", p)
				return err
			},
			func(p string) error { return os.Rename(p+".away", p) }},
		{"audit key file missing", auditKey, "the audit key file cannot be read",
			func(p string) error { return os.Rename(p, p+".away") }, func(p string) error { return os.Rename(p+".away", p) }},
	} {
		if err := c.break_(c.file); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		st, body := get("/readyz")
		if st != http.StatusServiceUnavailable || !strings.Contains(body, c.want) || strings.Contains(body, filepath.Dir(c.file)) {
			t.Errorf("%s: readyz %d %q, want 503 saying %q without the path", c.name, st, body, c.want)
		}
		if st, _ := get("/healthz"); st != 200 {
			t.Errorf("%s: healthz %d, want 200 (alive)", c.name, st)
		}
		if err := c.mend(c.file); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if st, body := get("/readyz"); st != 200 {
			t.Errorf("%s mended: readyz %d %q, want 200", c.name, st, body)
		}
	}
	if !strings.Contains(srv.Log.String(), "readiness") {
		t.Errorf("the log does not say why readiness failed")
	}
}

// Behind a TLS proxy (Caddy, nginx: docs/deploy.md) Journey serves plain
// HTTP on loopback, but browsers reach it over HTTPS: an https --base-url
// makes the session cookies Secure and __Host- prefixed and sends HSTS, as
// --tls-cert does.
func TestHTTPSBaseURLSecuresCookies(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--trust-proxy", "--base-url", "https://practice.example")
	c := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	a := demoAccounts[0]
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {a.Email}, "password": {a.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(cookie, "__Host-") || !strings.Contains(cookie, "; Secure") {
		t.Errorf("sign-in behind a TLS proxy: %d, cookie %q; want a Secure __Host- cookie", resp.StatusCode, cookie)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Errorf("no HSTS behind a TLS proxy")
	}
}

// --log-format json writes one JSON object a line, for log shipping; any
// other format is refused by name.
func TestLogFormatJSON(t *testing.T) {
	srv := startServer(t, nil, "--log-format", "json")
	srv.stop()
	lines := strings.Split(strings.TrimSpace(srv.Log.String()), "\n")
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil || v["msg"] == nil || v["level"] == nil {
			t.Fatalf("not a JSON log line: %q (%v)", l, err)
		}
	}
	if !strings.Contains(srv.Log.String(), `"msg":"journey is serving"`) {
		t.Errorf("no start line in %d lines", len(lines))
	}
	_, err := parseConfig("serve", []string{"--log-format", "yaml"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--log-format") {
		t.Errorf("--log-format yaml: %v", err)
	}
}

// journey migrate --dry-run says what a start would do and changes
// nothing: a missing database is not created, an up-to-date one is said
// to be; without --dry-run it refuses. journey version prints the
// version /healthz reports.
func TestMigrateDryRunAndVersion(t *testing.T) {
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &out)
		return out.String(), err
	}
	missing := filepath.Join(t.TempDir(), "none")
	out, err := cli("migrate", "--dry-run", "--data", missing)
	if err != nil || !strings.Contains(out, "does not exist: a start would create it and apply every migration") {
		t.Fatalf("missing database: %v\n%s", err, out)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("--dry-run created %s: %v", missing, err)
	}
	if _, err := cli("migrate", "--data", missing); err == nil || !strings.Contains(err.Error(), "--dry-run") {
		t.Fatalf("migrate without --dry-run: %v", err)
	}
	srv := startServer(t, nil)
	srv.stop()
	args := []string{"migrate", "--dry-run", "--data", filepath.Dir(srv.DSN)}
	if strings.HasPrefix(srv.DSN, "postgres") {
		args = []string{"migrate", "--dry-run", "--database", srv.DSN}
	}
	if out, err := cli(args...); err != nil || !strings.Contains(out, "up to date; a start would apply no migration") {
		t.Fatalf("up-to-date database: %v\n%s", err, out)
	}
	if out, err := cli("version"); err != nil || !strings.HasPrefix(out, "journey "+journeyVersion()+" (go") {
		t.Fatalf("journey version: %v %q", err, out)
	}
}
