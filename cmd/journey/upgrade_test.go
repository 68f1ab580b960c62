package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// needTool fails under CI, where every tool must be there, and skips
// elsewhere.
func needTool(t *testing.T, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

// gitOut runs git in dir and returns its trimmed output.
func gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// lastRelease is the commit tagged v0.1.0, the release before this
// build's migrations: what the upgrade test builds when the clone holds
// no tag (tags do not always travel with a pushed branch). Move it on
// when a newer release is tagged.
const lastRelease = "89c8cf402981039b72dc0a5ab0e5140b9ea243cd"

// previousRelease returns the revision of the release before this build:
// the newest v* tag reachable from HEAD that does not point at HEAD
// itself; without tags, lastRelease. A shallow clone is deepened first,
// as the release is in its history.
func previousRelease(t *testing.T, root string) (rev, what string) {
	t.Helper()
	if shallow, _ := gitOut(root, "rev-parse", "--is-shallow-repository"); shallow == "true" {
		if _, err := gitOut(root, "fetch", "--quiet", "--unshallow", "--tags"); err != nil {
			t.Logf("deepening the shallow clone: %v", err)
		}
	}
	tags, err := gitOut(root, "tag", "--list", "v*", "--merged", "HEAD", "--sort=-v:refname")
	if err != nil {
		needTool(t, "git", err)
	}
	atHead, _ := gitOut(root, "tag", "--points-at", "HEAD")
	for _, tag := range strings.Fields(tags) {
		if !slices.Contains(strings.Fields(atHead), tag) {
			return tag, "tag " + tag
		}
	}
	if _, err := gitOut(root, "cat-file", "-e", lastRelease+"^{commit}"); err != nil {
		t.Fatalf("no release tag in this clone, and its history lacks v0.1.0 (%s): clone the whole history: %v", lastRelease, err)
	}
	return lastRelease, "v0.1.0's commit " + lastRelease[:12] + " (no release tag in this clone)"
}

// buildRelease exports rev of the repository at root into a temporary
// folder and builds its journey command there, sharing the module and
// build caches, and returns the binary and the exported tree. -trimpath
// keeps the temporary folder's name out of the build cache's keys, so the
// suite's second pass (and any later run) reuses the first's compiled
// packages instead of compiling the release again.
func buildRelease(t *testing.T, root, rev string) (bin, tree string) {
	t.Helper()
	tree = t.TempDir()
	tarball := filepath.Join(t.TempDir(), "release.tar")
	if _, err := gitOut(root, "archive", "--format=tar", "-o", tarball, rev); err != nil {
		t.Fatal(err)
	}
	untar := exec.Command("tar", "-xf", tarball, "-C", tree)
	if out, err := untar.CombinedOutput(); err != nil {
		if _, lerr := exec.LookPath("tar"); lerr != nil {
			needTool(t, "tar", lerr)
		}
		t.Fatalf("untar %s: %v\n%s", rev, err, out)
	}
	bin = filepath.Join(t.TempDir(), "journey-previous")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t0 := time.Now()
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-X main.version="+rev, "-o", bin, "./cmd/journey")
	build.Dir = tree
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", rev, err, out)
	}
	t.Logf("built %s in %v", rev, time.Since(t0).Round(time.Second))
	return bin, tree
}

// rowCounts returns the number of rows of every table of the database.
func rowCounts(t *testing.T, dsn string) map[string]int {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Inspect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == sqldb.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Read.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// upgradeVolatile are the tables a start changes by itself: the job
// queue's bookkeeping (a start enqueues the hourly rescreen), the audit
// trail (checked by audit verify instead), the migrations applied.
func upgradeVolatile(table string) bool {
	return strings.HasPrefix(table, "river_") || table == "audit_log" || table == "schema_migrations"
}

// The previous release's database upgrades cleanly: the last tagged
// release, built from its own source, fills a database with its demo and
// with bookings, intake saves and a failed sign-in through HTTP; this
// build's migrate --dry-run lists exactly the migrations it adds, then
// this build starts on the database, and every record is there as it was
// (counts unchanged), decrypts to what was written, works (the client
// signs in, the manage links open, the intake reads back), and the audit
// chain written by both releases verifies.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	root, err := gitOut(".", "rev-parse", "--show-toplevel")
	if err != nil {
		needTool(t, "git", err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		needTool(t, "go", err)
	}
	rev, what := previousRelease(t, root)
	t.Logf("previous release: %s", what)
	bin, tree := buildRelease(t, root, rev)

	dsn := sqldbtest.DSN(t)
	dir := t.TempDir()
	common := []string{"--data", dir}
	if strings.HasPrefix(dsn, "postgres") {
		key := filepath.Join(dir, "master.key")
		if _, err := crypt.CreateMasterKeyFile(key); err != nil {
			t.Fatal(err)
		}
		common = append(common, "--database", dsn, "--master-key-file", key)
	} else {
		dsn = filepath.Join(dir, "journey.db")
	}

	// The previous release: demo, then activity.
	old := procStart(t, bin, append([]string{"--demo", "--rate-limit", "0"}, common...)...)
	tag := actTag(t)
	var booked []actBooking
	for i := range 3 {
		booked = append(booked, actBookMode(t, old.URL, 2*i, tag, "")) // the previous release has no phone/video choice
	}
	client := demoClients[0]
	in := actSaveIntake(t, actSignIn(t, old.URL, client.Email, client.Password), old.URL, tag)
	actSignInFails(t, old.URL, demoClients[1].Email)
	old.stop(t)
	before := rowCounts(t, dsn)

	// What a start of this build would apply: the migrations added since.
	oldMigrations, err := filepath.Glob(filepath.Join(tree, "internal/sqldb/migrations", dialectOf(dsn), "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := sqldb.Migrations(dialectOf(dsn))
	var added []string
	for _, m := range ms {
		if !slices.Contains(oldMigrations, filepath.Join(tree, "internal/sqldb/migrations", dialectOf(dsn), m.Name)) {
			added = append(added, m.Name)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"migrate", "--dry-run"}, common...), func(string) string { return "" }, nil, &out, &out); err != nil {
		t.Fatalf("migrate --dry-run: %v\n%s", err, out.String())
	}
	for _, name := range added {
		if !strings.Contains(out.String(), name) {
			t.Errorf("migrate --dry-run does not list %s:\n%s", name, out.String())
		}
	}
	if len(added) == 0 && !strings.Contains(out.String(), "up to date") {
		t.Errorf("migrate --dry-run with nothing added since %s:\n%s", rev, out.String())
	}
	t.Logf("migrations added since %s: %v", rev, added)
	if after := rowCounts(t, dsn); !equalCounts(before, after, func(string) bool { return false }) {
		t.Fatalf("migrate --dry-run changed the database:\nbefore %v\nafter  %v", before, after)
	}

	// This build on the same database.
	ts := startOn(t, common...)
	after := rowCounts(t, dsn)
	if !equalCounts(before, after, upgradeVolatile) {
		t.Errorf("row counts changed by the upgrade:\nbefore %v\nafter  %v", before, after)
	}
	for _, b := range booked {
		if st := actGet(t, nil, ts.URL, "/c/"+b.Token); st != 200 {
			t.Errorf("manage link of consult %d: %d after the upgrade", b.ID, st)
		}
	}
	c := actSignIn(t, ts.URL, client.Email, client.Password)
	page := actBody(t, c, ts.URL, "/portal/answers")
	for _, want := range []string{in.LegalName, in.Address, in.EmergencyName} {
		if !strings.Contains(page, want) {
			t.Errorf("the intake read back after the upgrade lacks %q", want)
		}
	}
	actSaveIntake(t, c, ts.URL, tag+"b")
	actBook(t, ts.URL, 7, tag)
	ts.stop()

	checkRecords(t, dsn, common, booked, in)
	out.Reset()
	if err := run(context.Background(), append([]string{"audit", "verify"}, common...), func(string) string { return "" }, nil, &out, &out); err != nil ||
		!strings.Contains(out.String(), "audit trail intact") {
		t.Fatalf("audit verify after the upgrade: %v\n%s", err, out.String())
	}
	t.Logf("%s", strings.TrimSpace(out.String()))
}

func dialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return sqldb.Postgres
	}
	return sqldb.SQLite
}

// equalCounts reports whether two row counts agree on every table, except
// that tables skip names may differ and a table only in b (a new
// migration's) may be added.
func equalCounts(a, b map[string]int, skip func(string) bool) bool {
	for table, n := range a {
		if skip(table) {
			continue
		}
		if m, ok := b[table]; !ok || m != n {
			return false
		}
	}
	return true
}

// startOn runs this build's `journey serve` in-process on an existing
// database (common holds its --data/--database flags).
func startOn(t *testing.T, common ...string) *testServer {
	t.Helper()
	addr := freeAddr(t)
	ts := &testServer{URL: "http://" + addr, Log: &syncBuffer{}}
	args := append([]string{"serve", "--listen", addr, "--rate-limit", "0"}, common...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), ts.Log, ts.Log)
	}()
	stopped := false
	ts.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil && !strings.Contains(err.Error(), "Server closed") {
				t.Errorf("serve: %v\n%s", err, ts.Log.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve did not stop within 20s")
		}
	}
	t.Cleanup(ts.stop)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("this build did not start on the previous release's database: %v\n%s", err, ts.Log.String())
		default:
		}
		if actStatus(ts.URL+"/readyz") == 200 {
			return ts
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("this build never became ready on the previous release's database\n%s", ts.Log.String())
	return nil
}

// checkRecords opens the upgraded database with this build and reads every
// user, client (with intake), consult and outbox message, each decrypted,
// and finds what the previous release was given.
func checkRecords(t *testing.T, dsn string, common []string, booked []actBooking, in actIntake) {
	t.Helper()
	ctx := context.Background()
	cfg, err := parseConfig("check", append([]string(nil), common...), func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	db := procOpenDB(t, cfg.dsn(), cfg.MasterKeyFile)
	for _, kind := range []string{journey.UserStaff, journey.UserClient} {
		users, err := db.FindUsers(ctx, kind)
		if err != nil || len(users) == 0 {
			t.Fatalf("%s users: %d, %v", kind, len(users), err)
		}
		for _, u := range users {
			if u.Name == "" || !strings.Contains(u.Email, "@") {
				t.Errorf("user %d reads as %q <%s>", u.ID, u.Name, u.Email)
			}
		}
	}
	clients, total, err := db.FindClients(ctx, journey.ClientFilter{Limit: journey.MaxClientPage})
	if err != nil || total == 0 || len(clients) != total {
		t.Fatalf("clients: %d of %d, %v", len(clients), total, err)
	}
	found := false
	for _, c := range clients {
		full, err := db.FindClientByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("client %d: %v", c.ID, err)
		}
		intake, err := db.FindIntake(ctx, c.ID)
		if err != nil {
			t.Fatalf("intake of client %d: %v", c.ID, err)
		}
		if full.Email == demoClients[0].Email {
			found = true
			// The second save, by this build, holds the tag with "b".
			if !strings.HasPrefix(intake.About.LegalName, strings.TrimSuffix(in.LegalName, " Brooks")) || intake.Emergency.Name == "" {
				t.Errorf("Taylor's intake reads %q / %q", intake.About.LegalName, intake.Emergency.Name)
			}
		}
	}
	if !found {
		t.Errorf("no client reads as %s", demoClients[0].Email)
	}
	consults, _, err := db.FindConsults(ctx, journey.ConsultFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range booked {
		i := slices.IndexFunc(consults, func(c *journey.Consult) bool { return c.ID == b.ID })
		if i < 0 {
			t.Errorf("consult %d is gone", b.ID)
			continue
		}
		c := consults[i]
		if c.Name != b.Name || c.Email != b.Email || c.Reason != b.Reason || c.Phone != b.Phone {
			t.Errorf("consult %d reads %q <%s> %s %q, want %q <%s> %s %q", b.ID, c.Name, c.Email, c.Phone, c.Reason, b.Name, b.Email, b.Phone, b.Reason)
		}
	}
	ids, err := db.Read.QueryContext(ctx, `SELECT id FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	var messages []int64
	for ids.Next() {
		var id int64
		ids.Scan(&id)
		messages = append(messages, id)
	}
	ids.Close()
	for _, id := range messages {
		m, err := db.FindMessageByID(ctx, id)
		if err != nil || !strings.Contains(m.To, "@") || m.Subject == "" || m.Text == "" {
			t.Errorf("outbox message %d: %v", id, err)
		}
	}
	t.Logf("read back %d clients, %d consults, %d outbox messages", len(clients), len(consults), len(messages))
}
