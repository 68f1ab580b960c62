package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// keysCLI runs a journey command with no environment and returns its output.
func keysCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

// keyID returns the id of a key line.
func keyID(line string) string { return strings.Fields(line)[0] }

// `journey keys init` makes the key file a PostgreSQL deployment needs;
// `journey keys rotate` adds a master key and rewraps the data keys, after
// which the new key alone opens the database and the old one alone does not.
func TestKeysInitAndRotate(t *testing.T) {
	dsn := sqldbtest.DSN(t)
	keyFile := filepath.Join(t.TempDir(), "secrets", "master.key")
	db := []string{"--master-key-file", keyFile}
	if strings.HasPrefix(dsn, "postgres") {
		db = append(db, "--database", dsn)
	} else {
		db = append(db, "--data", filepath.Dir(dsn))
	}
	if _, err := keysCLI(t, "", append([]string{"consults", "list"}, db...)...); err == nil || !strings.Contains(err.Error(), "keys init") {
		t.Fatalf("a set key file that is missing: %v, want a pointer to `journey keys init`", err)
	}
	out, err := keysCLI(t, "", append([]string{"keys", "init"}, db...)...)
	if err != nil || !strings.Contains(out, "Created "+keyFile) {
		t.Fatalf("keys init: %v\n%s", err, out)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", fi.Mode(), err)
	}
	if _, err := keysCLI(t, "", append([]string{"keys", "init"}, db...)...); err == nil {
		t.Fatal("keys init over an existing key file must fail: it would orphan every data key")
	}
	add := append([]string{"users", "add", "--email", "Kim.Keys@Practice.test", "--name", "Kim Keyholder", "--role", "admin", "--password-stdin"}, db...)
	if out, err := keysCLI(t, "amber-falcon-river-seventy\n", add...); err != nil {
		t.Fatalf("users add: %v\n%s", err, out)
	}
	first := sqldbtest.KeyLines(t, keyFile)

	out, err = keysCLI(t, "", append([]string{"keys", "rotate"}, db...)...)
	if err != nil || !strings.Contains(out, "Rewrapped 1 data key(s)") || !strings.Contains(out, "Running processes are unaffected") {
		t.Fatalf("keys rotate: %v\n%s", err, out)
	}
	lines := sqldbtest.KeyLines(t, keyFile)
	if len(lines) != 2 || lines[0] != first[0] {
		t.Fatalf("after rotate the key file holds %d keys, want the old one and a new one", len(lines))
	}
	newID, oldID := keyID(lines[1]), keyID(lines[0])
	if !strings.Contains(out, newID) || !strings.Contains(out, oldID) {
		t.Fatalf("keys rotate names neither the new key %s nor the old %s:\n%s", newID, oldID, out)
	}

	onlyNew := sqldbtest.WriteKeyFile(t, lines[1])
	u, err := sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, onlyNew)).FindUserByEmail(context.Background(), "kim.keys@practice.test")
	if err != nil || u.Name != "Kim Keyholder" || u.Email != "Kim.Keys@Practice.test" {
		t.Fatalf("user with the new key only: %+v %v", u, err)
	}
	onlyOld := sqldbtest.WriteKeyFile(t, lines[0])
	_, err = keysCLI(t, "", append([]string{"consults", "list"}, append(db, "--master-key-file", onlyOld)...)...)
	if err == nil || !strings.Contains(err.Error(), onlyOld) || !strings.Contains(err.Error(), "master key "+newID) {
		t.Fatalf("open with the old key only: %v, want an error naming %s and master key %s", err, onlyOld, newID)
	}
	if _, err := keysCLI(t, "", append([]string{"keys", "rotate"}, append(db, "--master-key-file", onlyOld)...)...); err == nil {
		t.Fatal("keys rotate with a key file that cannot open the database must fail")
	}
	if got := sqldbtest.KeyLines(t, onlyOld); len(got) != 1 {
		t.Fatalf("a failed rotate changed the key file: %d keys", len(got))
	}
}

// The embedded database generates DATA/master.key on its first start, says
// so without printing the key, and never generates one over a database
// that already has data. PostgreSQL never gets a generated key.
func TestMasterKeyGeneratedForEmbeddedDatabase(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	cfg, err := parseConfig("serve", []string{"--data", data}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	keyFile := filepath.Join(data, "master.key")
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("generated key file: %v %v, want mode 0600", fi, err)
	}
	key := strings.Fields(sqldbtest.KeyLines(t, keyFile)[0])[1]
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "generated a master key in "+keyFile) ||
		!strings.Contains(logs.String(), "JOURNEY_MASTER_KEY_FILE") || strings.Contains(logs.String(), key) {
		t.Fatalf("log of the first start:\n%s", logs.String())
	}

	logs.Reset()
	if db, err = openDB(ctx, cfg, log); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if strings.Contains(logs.String(), "generated") {
		t.Fatalf("second start generated a key again:\n%s", logs.String())
	}

	// Moved away for production, but JOURNEY_MASTER_KEY_FILE not set.
	if err := os.Rename(keyFile, keyFile+".moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := openDB(ctx, cfg, log); err == nil || !strings.Contains(err.Error(), "does not exist, but database") {
		t.Fatalf("database without its key file: %v", err)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("a key was generated for a database that already has one")
	}

	pg, err := parseConfig("serve", []string{"--database", "postgres://journey@127.0.0.1:1/none", "--data", t.TempDir()},
		func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openDB(ctx, pg, log); err == nil || !strings.Contains(err.Error(), "journey keys init --master-key-file") {
		t.Fatalf("PostgreSQL without a key file: %v", err)
	}
}
