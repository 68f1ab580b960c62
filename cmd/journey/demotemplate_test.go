package main

// The demo practice, seeded once and copied to each test that starts a
// server with --demo: seeding it took seconds a test under -race (sessions,
// plans, a medicine session's log, argon2id hashes), and forty tests start
// one. Each test still gets a database of its own: a copy of the seeded
// SQLite folder, or a PostgreSQL database made with CREATE DATABASE ...
// TEMPLATE; nothing a test writes is seen by another.

import (
	"context"
	"fmt"
	"io"
	"os"
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

// demoTemplateMaxAge bounds how long a seeded demo is copied: the demo is
// seeded around the time it starts (today's medicine session, dosed twenty
// minutes before; the remote session half an hour on), so a copy must be
// about as fresh as a server that seeded it on start would be. Seeding
// under -race on a loaded machine took up to a minute, and the browser
// tests run minutes after it, so a few minutes is within what the tests
// already met; a new quarter of an hour also seeds anew (see demoFresh).
const demoTemplateMaxAge = 5 * time.Minute

// demoSeed is a seeded demo to copy.
type demoSeed struct {
	seeded time.Time
	dir    string // SQLite: the --data folder; PostgreSQL: the key file and the --data folder
	dsn    string // PostgreSQL: the template database
	drop   func() error
}

// demoTemplate is the package run's seeded demo, one per database kind (a
// test may choose SQLite in the PostgreSQL pass).
var demoTemplate struct {
	mu    sync.Mutex
	seeds map[string]*demoSeed // by testenv.Dialect()
}

// demoTemplateArgs are the flags of startServer that play no part in
// seeding the demo (seedIfEmpty): a server started with --demo and only
// these starts on a copy of the seeded demo. Any other flag (--base-url,
// whose address the seeded emails carry; --database; --data) seeds afresh.
var demoTemplateArgs = map[string]bool{
	"--demo": true, "--rate-limit": true, "--min-form-time": true, "--audit-head-interval": true, "--log-level": true,
	"--metrics-listen": true, "--backup-dir": true, "--backup-every": true, "--backup-keep": true,
}

// demoTemplateEnv are the environment variables that play no part in
// seeding the demo (the mail sender is made after it).
var demoTemplateEnv = map[string]bool{"JOURNEY_SMTP_URL": true, "JOURNEY_MAIL_FROM": true}

// useDemoTemplate reports whether a server started with env and args may
// start on a copy of the seeded demo.
func useDemoTemplate(env map[string]string, args []string) bool {
	demo := false
	for _, a := range args {
		if !strings.HasPrefix(a, "--") {
			continue // a flag's value
		}
		name, _, _ := strings.Cut(a, "=")
		if !demoTemplateArgs[name] {
			return false
		}
		demo = demo || name == "--demo"
	}
	for k := range env {
		if !demoTemplateEnv[k] {
			return false
		}
	}
	return demo
}

// demoFresh reports whether a demo seeded at seeded is as a demo seeded
// now would be: within demoTemplateMaxAge and in the same quarter of an
// hour (the demo places today's sessions on the half and quarter hours
// around the time it is seeded).
func demoFresh(seeded, now time.Time) bool {
	return now.Sub(seeded) < demoTemplateMaxAge && seeded.Truncate(15*time.Minute).Equal(now.Truncate(15*time.Minute))
}

// demoDatabase returns a database of the test's own holding a copy of the
// seeded demo: its address, the master key file it opens with, the --data
// folder to serve it with, and when the demo was seeded (the time to check
// it as of).
func demoDatabase(tb testing.TB) (dsn, keyFile, data string, seeded time.Time) {
	tb.Helper()
	ts := &testServer{}
	if testenv.Dialect() == "postgres" {
		ts.Data = tb.TempDir()
	} else {
		ts.DSN = sqldbtest.DSN(tb)
		ts.Data = strings.TrimSuffix(ts.DSN, "/journey.db")
		ts.KeyFile = filepath.Join(ts.Data, "master.key")
	}
	seeded = copyDemo(tb, ts)
	return ts.DSN, ts.KeyFile, ts.Data, seeded
}

// copyDemo gives ts (its DSN, KeyFile and Data set by the caller for a new
// database) a copy of the seeded demo: the SQLite folder's files, or a copy
// of the template database with the key it was sealed under. It returns
// when the demo was seeded.
func copyDemo(tb testing.TB, ts *testServer) time.Time {
	tb.Helper()
	demoTemplate.mu.Lock()
	defer demoTemplate.mu.Unlock()
	dialect := testenv.Dialect()
	seed := demoTemplate.seeds[dialect]
	if seed == nil || !demoFresh(seed.seeded, time.Now()) {
		seed.remove()
		var err error
		if seed, err = seedDemoTemplate(dialect); err != nil {
			seed.remove()
			tb.Fatalf("seeding the demo: %v", err)
		}
		if demoTemplate.seeds == nil {
			demoTemplate.seeds = map[string]*demoSeed{}
		}
		demoTemplate.seeds[dialect] = seed
	}
	if dialect == "postgres" {
		ts.DSN = sqldbtest.DSNFrom(tb, seed.dsn)
		ts.KeyFile = filepath.Join(tb.TempDir(), "master.key")
		copyFile(tb, filepath.Join(seed.dir, "master.key"), ts.KeyFile)
		copyDir(tb, filepath.Join(seed.dir, "data"), ts.Data)
		return seed.seeded
	}
	copyDir(tb, seed.dir, ts.Data)
	return seed.seeded
}

// seedDemoTemplate seeds a new template as `journey serve --demo` seeds an
// empty database. On error it returns what it made, to remove.
func seedDemoTemplate(dialect string) (*demoSeed, error) {
	dir, err := os.MkdirTemp("", "journey-demo-")
	if err != nil {
		return nil, err
	}
	seed := &demoSeed{dir: dir}
	args := []string{"--demo", "--data", dir}
	if dialect == "postgres" {
		if seed.dsn, seed.drop, err = sqldbtest.PostgresTemplate(); err != nil {
			return seed, err
		}
		// PostgreSQL never gets a generated key: the operator makes one.
		key := filepath.Join(dir, "master.key")
		if _, err := crypt.CreateMasterKeyFile(key); err != nil {
			return seed, err
		}
		if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
			return seed, err
		}
		args = []string{"--demo", "--database", seed.dsn, "--master-key-file", key, "--data", filepath.Join(dir, "data")}
	}
	cfg, err := parseConfig("serve", args, func(string) string { return "" }, io.Discard)
	if err != nil {
		return seed, err
	}
	now := time.Now()
	if err := seedIfEmpty(context.Background(), cfg, io.Discard); err != nil {
		return seed, err
	}
	seed.seeded = now
	return seed, nil
}

// remove removes the seeded demo, if any.
func (s *demoSeed) remove() {
	if s == nil {
		return
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	if s.drop != nil {
		if err := s.drop(); err != nil {
			fmt.Fprintf(os.Stderr, "removing the demo template: %v\n", err)
		}
	}
}

// dropDemoTemplate removes the seeded demos, from TestMain.
func dropDemoTemplate() {
	demoTemplate.mu.Lock()
	defer demoTemplate.mu.Unlock()
	for _, s := range demoTemplate.seeds {
		s.remove()
	}
	demoTemplate.seeds = nil
}

// copyDir copies the files of the folder from into the folder to (made if
// missing), one level deep: a --data folder holds files only.
func copyDir(tb testing.TB, from, to string) {
	tb.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			tb.Fatalf("copying the demo: %s is not a file", filepath.Join(from, e.Name()))
		}
		copyFile(tb, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
	}
}

// copyFile copies the file from to to, with from's permissions.
func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	st, err := os.Stat(from)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, data, st.Mode().Perm()); err != nil {
		tb.Fatal(err)
	}
}

// Servers started with --demo each get a database of their own, copied
// from the seeded demo: what one writes the next does not see, and the
// flags that change what seeding writes (--base-url) seed afresh.
func TestDemoTemplateCopiesAreTheirOwn(t *testing.T) {
	ctx := context.Background()
	a := startServer(t, nil, "--demo", "--rate-limit", "0")
	a.stop()
	dbA := sqldbtest.OpenDSN(t, a.DSN, mustLoadKeys(t, a.KeyFile))
	before, err := dbA.FindFAQ(ctx, false)
	if err != nil || len(before) != len(demoFAQ) {
		t.Fatalf("the first copy's FAQ: %d entries (%v), want the demo's %d", len(before), err, len(demoFAQ))
	}
	if err := dbA.CreateFAQEntry(ctx, &journey.FAQEntry{Position: 99, Question: "Only in the first copy?", Answer: "Yes."}); err != nil {
		t.Fatal(err)
	}
	b := startServer(t, nil, "--demo", "--rate-limit", "0")
	b.stop()
	if b.DSN == a.DSN || b.Data == a.Data {
		t.Fatalf("two servers share a database: %s, %s", a.DSN, b.DSN)
	}
	dbB := sqldbtest.OpenDSN(t, b.DSN, mustLoadKeys(t, b.KeyFile))
	if faq, err := dbB.FindFAQ(ctx, false); err != nil || len(faq) != len(demoFAQ) {
		t.Fatalf("the second copy's FAQ: %d entries (%v), want the demo's %d and not the first copy's own", len(faq), err, len(demoFAQ))
	}
}

func TestDemoTemplateRules(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, []string{"--demo", "--rate-limit", "0"}, true},
		{map[string]string{"JOURNEY_SMTP_URL": "smtp://x"}, []string{"--rate-limit=0", "--demo"}, true},
		{nil, []string{"--rate-limit", "0"}, false},                                                    // no demo
		{nil, []string{"--demo", "--base-url", "https://practice.example"}, false},                     // the emails carry the address
		{map[string]string{"JOURNEY_BASE_URL": "https://practice.example"}, []string{"--demo"}, false}, // so does the variable
		{nil, []string{"--demo", "--trust-proxy"}, false},                                              // not known to play no part
	} {
		if got := useDemoTemplate(tc.env, tc.args); got != tc.want {
			t.Errorf("useDemoTemplate(%v, %q) = %v, want %v", tc.env, tc.args, got, tc.want)
		}
	}
	at := time.Date(2026, 12, 7, 10, 1, 0, 0, time.UTC)
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{at.Add(4 * time.Minute), true},
		{at.Add(demoTemplateMaxAge), false}, // too old
		{at.Add(14 * time.Minute), false},   // too old, same quarter
	} {
		if got := demoFresh(at, tc.now); got != tc.want {
			t.Errorf("demoFresh(%v, %v) = %v, want %v", at, tc.now, got, tc.want)
		}
	}
	if demoFresh(time.Date(2026, 12, 7, 10, 14, 0, 0, time.UTC), time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)) {
		t.Error("a demo seeded at 10:14 is copied at 10:15, in the next quarter of an hour")
	}
}
