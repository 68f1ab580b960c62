package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// syncBuffer is a log sink that tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// testServer is `journey serve` running in-process on a fresh database.
type testServer struct {
	URL     string
	DSN     string
	KeyFile string // the master key file, to open the database again
	Data    string // the --data folder: the audit key and head (and the SQLite file)
	Log     *syncBuffer
	stop    func()
}

// startServer runs `journey serve` with the given extra flags on a fresh
// database (SQLite or PostgreSQL per JOURNEY_TEST_DB) and a free port, and
// waits for /healthz. The server stops when the test ends. env adds
// environment variables (JOURNEY_SMTP_URL …).
func startServer(tb testing.TB, env map[string]string, args ...string) *testServer {
	tb.Helper()
	addr := freeAddr(tb)
	ts := &testServer{URL: "http://" + addr, Log: &syncBuffer{}}
	full := []string{"serve", "--listen", addr, "--log-level", "debug"}
	switch {
	case useDemoTemplate(env, args):
		// A copy of the demo seeded once for the package run: --demo then
		// finds the practice there and leaves it as it is.
		ts.DSN, ts.KeyFile, ts.Data, _ = demoDatabase(tb)
	case testenv.Dialect() == "postgres":
		// PostgreSQL never gets a generated key: the operator makes one.
		ts.DSN, ts.KeyFile, ts.Data = sqldbtest.DSN(tb), sqldbtest.KeyFile(tb), tb.TempDir()
	default:
		// SQLite generates DATA/master.key on first start.
		ts.DSN = sqldbtest.DSN(tb)
		ts.Data = strings.TrimSuffix(ts.DSN, "/journey.db")
		ts.KeyFile = filepath.Join(ts.Data, "master.key")
	}
	if strings.HasPrefix(ts.DSN, "postgres") {
		// --data still names where the audit key and head go.
		full = append(full, "--database", ts.DSN, "--master-key-file", ts.KeyFile, "--data", ts.Data)
	} else {
		full = append(full, "--data", ts.Data)
	}
	serveWith(tb, ts, env, append(full, args...))
	return ts
}

// serveWith runs `journey` with the arguments full (serve and its flags,
// listening at ts.URL) in-process, and waits for /healthz. The server
// stops when the test ends, or at ts.stop.
func serveWith(tb testing.TB, ts *testServer, env map[string]string, full []string) {
	tb.Helper()
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, full, getenv, strings.NewReader(""), ts.Log, ts.Log) }()
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil && err != http.ErrServerClosed {
					tb.Errorf("serve: %v\n%s", err, ts.Log.String())
				}
			case <-time.After(20 * time.Second):
				tb.Errorf("serve did not stop within 20s")
			}
		})
	}
	tb.Cleanup(func() { ts.stop() })
	// The demo seeds sessions, plans and a medicine session's log: under
	// -race on a loaded machine that can take most of a minute.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			once.Do(func() {}) // it has stopped: nothing to wait for at cleanup
			tb.Fatalf("serve exited early: %v\n%s", err, ts.Log.String())
		default:
		}
		resp, err := http.Get(ts.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("server never became healthy\n%s", ts.Log.String())
}

// mustLoadKeys loads a master key file.
func mustLoadKeys(tb testing.TB, path string) *crypt.MasterKeys {
	tb.Helper()
	mk, err := crypt.LoadMasterKeys(path)
	if err != nil {
		tb.Fatalf("master keys: %v", err)
	}
	return mk
}

func TestHelpDocumentsEveryVariable(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, func(string) string { return "" }, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), "--"+s.flag) || (s.env != "" && !strings.Contains(out.String(), s.env)) {
			t.Errorf("help does not document --%s / %s", s.flag, s.env)
		}
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "journey "+c.name) {
			t.Errorf("help does not list %q", c.name)
		}
	}
	// The first line says what the whole tool does, not just the front door.
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.Contains(first, "end to end") {
		t.Errorf("first line: %q", first)
	}
	checkDefaultsOnce(t, out.String())
}

// Each command's help, by `journey help NAME` or `journey NAME --help`,
// lists every flag the command parses, from the same definitions.
func TestHelpPerCommand(t *testing.T) {
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"help"}, strings.Fields(c.name)...), func(string) string { return "" }, nil, &out, &out); err != nil {
			t.Fatalf("help %s: %v", c.name, err)
		}
		if c.flags != nil {
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			c.flags(fs)
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(out.String(), "--"+f.Name) {
					t.Errorf("help %s does not list --%s", c.name, f.Name)
				}
			})
		}
		if !strings.Contains(out.String(), "--data") {
			t.Errorf("help %s does not list the shared settings", c.name)
		}
		if strings.Contains(out.String(), "--listen") != c.server {
			t.Errorf("help %s: server settings shown = %v, want %v", c.name, !c.server, c.server)
		}
		checkDefaultsOnce(t, out.String())
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"users", "add", "--help"}, func(string) string { return "" }, nil, &out, &out)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "--password-stdin") {
		t.Fatalf("users add --help: %v\n%s", err, out.String())
	}
}

func checkDefaultsOnce(t *testing.T, help string) {
	t.Helper()
	for _, line := range strings.Split(help, "\n") {
		if strings.Count(line, "(default") > 1 || strings.Contains(line, `(default "")`) {
			t.Errorf("default shown twice or empty: %q", line)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	env := map[string]string{"JOURNEY_LISTEN": "127.0.0.1:9999", "JOURNEY_RATE_LIMIT": "7"}
	cfg, err := parseConfig("serve", []string{"--rate-limit", "0", "--demo"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9999" || cfg.RateLimit != 0 || !cfg.Demo || cfg.BaseURL != "http://127.0.0.1:9999" {
		t.Fatalf("config = %+v", cfg)
	}
	for _, bad := range [][]string{{"--rate-limit", "-1"}, {"--listen", "nope"}, {"--min-form-time", "soon"}, {"--log-level", "loud"},
		{"--staff-idle", "10s"}, {"--client-idle", "forever"}, {"--tls-cert", "only-one.pem"}} {
		if _, err := parseConfig("serve", bad, func(string) string { return "" }, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"fly"}, func(string) string { return "" }, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("err = %v", err)
	}
}

// The demo fills an empty database once; a second start leaves it alone,
// and `journey consults list` prints what was booked.
func TestDemoServeAndConsultsList(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	for _, path := range []string{"/", "/faq", "/book", "/privacy", "/api/v1/therapists"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}
	srv.stop()

	args := []string{"consults", "list"}
	if strings.HasPrefix(srv.DSN, "postgres") {
		args = append(args, "--database", srv.DSN, "--master-key-file", srv.KeyFile, "--data", t.TempDir())
	} else {
		args = append(args, "--data", strings.TrimSuffix(srv.DSN, "/journey.db"))
	}
	var out bytes.Buffer
	if err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	// The demo books a video consult and a phone one.
	if !strings.Contains(out.String(), "2 upcoming consult(s).") || !strings.Contains(out.String(), "THERAPIST") ||
		!strings.Contains(out.String(), " video ") || !strings.Contains(out.String(), " phone ") {
		t.Fatalf("consults list:\n%s", out.String())
	}
	_ = testenv.Dialect
}

// --demo fills an empty database once and leaves a filled one alone.
func TestDemoOnlyFillsAnEmptyDatabase(t *testing.T) {
	dsn := sqldbtest.DSN(t)
	cfg := &Config{Database: dsn, MasterKeyFile: sqldbtest.KeyFile(t)}
	if !strings.HasPrefix(dsn, "postgres") {
		data := strings.TrimSuffix(dsn, "/journey.db")
		cfg = &Config{Data: data, MasterKeyFile: filepath.Join(data, "master.key")}
	}
	ctx := context.Background()
	for range 2 {
		if err := seedIfEmpty(ctx, cfg, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	db := sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, cfg.MasterKeyFile))
	ts, _ := db.FindTherapists(ctx, true)
	faq, _ := db.FindFAQ(ctx, true)
	zones := map[string]bool{}
	for _, th := range ts {
		zones[th.TimeZone] = true
		if len(th.Weekly) == 0 {
			t.Errorf("%s has no consult hours", th.Name)
		}
	}
	if len(ts) != len(demoTherapists()) || len(ts) < 3 || len(zones) < 2 || len(faq) != len(demoFAQ) {
		t.Fatalf("%d therapists in %d zones, %d FAQ entries", len(ts), len(zones), len(faq))
	}
}

// The demo FAQ covers every fact of the practice's own FAQ.
func TestDemoFAQCoversThePractice(t *testing.T) {
	var all strings.Builder
	for _, e := range demoFAQ {
		all.WriteString(strings.ToLower(e.Question + " " + e.Answer + " "))
	}
	for _, fact := range []string{"glutamate", "neuroplasticity", "preparation", "lozenge", "intramuscular", "integration",
		"medical provider", "screens", "depression", "anxiety", "ptsd", "stuck", "grief", "not recommended", "intake",
		"two medicine sessions", "six to eight", "as important as the medicine", "private-pay", "billed separately",
		"may be covered", "chaperone", "remote", "present and available the whole time", "not a quick fix", "decades"} {
		if !strings.Contains(all.String(), fact) {
			t.Errorf("the demo FAQ never says %q", fact)
		}
	}
}

// Every person in the demo practice has a name of their own, so no screen
// shows two different people under one name.
func TestDemoPeopleHaveDistinctNames(t *testing.T) {
	seen := map[string]string{}
	add := func(name, who string) {
		key := strings.TrimPrefix(name, "Dr. ")
		if prev, ok := seen[key]; ok {
			t.Errorf("%s and %s are both called %s", prev, who, name)
		}
		seen[key] = who
	}
	for _, th := range demoTherapists() {
		add(th.Name, "therapist "+th.Email)
	}
	for _, a := range demoAccounts {
		if a.Role != journey.RoleTherapist { // the demo therapist's account is one of the therapists
			add(a.Name, a.Role+" "+a.Email)
		}
	}
	for _, c := range demoClients {
		add(c.Name, "client "+c.Email)
	}
	for _, c := range demoCareClients {
		add(c.Name, "client "+c.Email)
	}
	add(demoMedicineClient.Name, "client "+demoMedicineClient.Email)
	for _, c := range demoConsults {
		add(c.Name, "consult "+c.Email)
	}
}
