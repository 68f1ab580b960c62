package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// A database opened by this build has every migration applied; one whose
// newest migration is not recorded is named by MigrationsApplied (so
// /readyz fails) and by PendingMigrations (journey migrate --dry-run),
// which reads without the keys and applies nothing.
func TestPendingMigrations(t *testing.T) {
	ctx := context.Background()
	dsn := sqldbtest.DSN(t)
	db := sqldbtest.OpenDSN(t, dsn, sqldbtest.MasterKeys(t))
	if err := db.MigrationsApplied(ctx); err != nil {
		t.Fatalf("freshly opened: %v", err)
	}
	ms, err := sqldb.Migrations(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	last := ms[len(ms)-1]
	if _, err := db.Write.Exec(fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, last.Version)); err != nil {
		t.Fatal(err)
	}
	if err := db.MigrationsApplied(ctx); err == nil || !strings.Contains(err.Error(), last.Name) {
		t.Fatalf("with %s unrecorded: %v, want it named", last.Name, err)
	}
	in, err := sqldb.Inspect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	for range 2 { // looking twice finds the same: nothing was applied
		pending, err := in.PendingMigrations(ctx)
		if err != nil || len(pending) != 1 || pending[0].Name != last.Name {
			t.Fatalf("pending: %v %v, want only %s", pending, err, last.Name)
		}
	}
	if db.Dialect == sqldb.SQLite {
		missing := filepath.Join(t.TempDir(), "none", "journey.db")
		if _, err := sqldb.Inspect(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("inspect a missing file: %v, want fs.ErrNotExist", err)
		}
		if _, err := sqldb.Inspect(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("inspect created the file: %v", err)
		}
	}
}

// CheckMasterKeys passes with the key file that opened the database and
// names the missing master key with any other.
func TestCheckMasterKeys(t *testing.T) {
	ctx := context.Background()
	mk := sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, sqldbtest.DSN(t), mk)
	if err := db.CheckMasterKeys(ctx, mk); err != nil {
		t.Fatalf("the opening key: %v", err)
	}
	other, err := crypt.CreateMasterKeyFile(filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckMasterKeys(ctx, other); !errors.Is(err, crypt.ErrNoKey) || !strings.Contains(err.Error(), mk.Current()) {
		t.Fatalf("another key: %v, want ErrNoKey naming %s", err, mk.Current())
	}
}

// AuditLag reports the entries waiting and the age of the oldest while the
// trail cannot be written, and nothing once they are in.
func TestAuditLag(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	dir := t.TempDir()
	key, _, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(dir, "audit.head"), sqldb.AuditRetry(time.Millisecond, 10*time.Millisecond))
	if n, oldest, failing := db.AuditLag(); n != 0 || !oldest.IsZero() || !failing.IsZero() {
		t.Fatalf("idle writer: %d waiting, oldest %v, failing since %v", n, oldest, failing)
	}
	lift := sqldbtest.BlockAuditLog(t, db)
	before := time.Now()
	for i := range 3 {
		db.Audit(ctx, entry(i))
	}
	within(t, func() string { return "the writer never failed" }, func() bool {
		_, _, failing := db.AuditLag()
		return !failing.IsZero()
	})
	n, oldest, _ := db.AuditLag()
	if n != 3 || oldest.Before(before.Add(-time.Second)) || oldest.After(time.Now()) {
		t.Fatalf("blocked: %d waiting, oldest %v (queued after %v), want 3", n, oldest, before)
	}
	lift()
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if n, oldest, failing := db.AuditLag(); n != 0 || !oldest.IsZero() || !failing.IsZero() {
		t.Fatalf("written: %d waiting, oldest %v, failing since %v", n, oldest, failing)
	}
}
