package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// cliArgs returns the flags that point a command at the test's database and
// key files.
func cliArgs(t *testing.T, dsn, dir string) []string {
	args := []string{"--master-key-file", filepath.Join(dir, "master.key"), "--audit-key-file", filepath.Join(dir, "audit.key"),
		"--audit-head-file", filepath.Join(dir, "audit.head")}
	if strings.HasPrefix(dsn, "postgres") {
		return append(args, "--database", dsn)
	}
	return append(args, "--data", filepath.Dir(dsn))
}

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

// The first admin from the command line, an API token for them, and an
// audit trail that verifies until someone edits it.
func TestUsersTokensAuditCommands(t *testing.T) {
	dsn, dir := sqldbtest.DSN(t), t.TempDir()
	db := cliArgs(t, dsn, dir)
	if out, err := runCLI(t, "", append([]string{"keys", "init"}, db...)...); err != nil && !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("keys init: %v\n%s", err, out)
	}
	add := append([]string{"users", "add", "--email", "boss@practice.test", "--name", "Bo Boss", "--role", "admin", "--password-stdin"}, db...)
	if _, err := runCLI(t, "short\n", add...); err == nil || !strings.Contains(err.Error(), "12 characters") {
		t.Fatalf("weak password: %v", err)
	}
	out, err := runCLI(t, "sturdy-walnut-harbor-lamp\n", add...)
	if err != nil || !strings.Contains(out, "Added boss@practice.test") {
		t.Fatalf("users add: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "sturdy-walnut-harbor-lamp\n", add...); err == nil || !strings.Contains(err.Error(), "already has an account") {
		t.Fatalf("duplicate: %v", err)
	}
	out, err = runCLI(t, "", append([]string{"tokens", "create", "--user", "boss@practice.test", "--expires", "1h"}, db...)...)
	if err != nil || !strings.HasPrefix(out, "jy_pat_") {
		t.Fatalf("tokens create: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", append([]string{"tokens", "create", "--user", "nobody@practice.test"}, db...)...); err == nil {
		t.Fatal("token for an unknown user")
	}
	out, err = runCLI(t, "", append([]string{"audit", "verify"}, db...)...)
	if err != nil || !strings.Contains(out, "audit trail intact: 1 entries") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	out, err = runCLI(t, "", append([]string{"audit", "export", "--format", "jsonl"}, db...)...)
	if err != nil || !strings.Contains(out, `"action":"token.create"`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("audit export: %v\n%s", err, out)
	}
	// Someone edits the trail behind Journey's back.
	raw := openRaw(t, dsn, dir)
	stmts := []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor_id = 99 WHERE seq = 1"}
	if raw.Dialect == sqldb.Postgres {
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "UPDATE audit_log SET actor_id = 99 WHERE seq = 1"}
	}
	for _, s := range stmts {
		if _, err := raw.Write.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, err = runCLI(t, "", append([]string{"audit", "verify"}, db...)...)
	if err == nil || !strings.Contains(err.Error(), "NOT intact") || !strings.Contains(err.Error(), "1") {
		t.Fatalf("tampered trail: %v\n%s", err, out)
	}
}
