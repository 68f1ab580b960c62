package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// A snapshot describes what it holds: every table's rows, the schema
// version, the newest audit entry and the wrapped data keys, which the
// key file that made them unwraps and another does not.
func TestSnapshotDescribesItself(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, dsn, mk)
	sqldbtest.MustSeed(t, db)
	snap, err := db.Snapshot(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(snap.Path); err != nil || fi.Size() == 0 {
		t.Fatalf("snapshot file: %v", err)
	}
	if snap.SchemaVersion != sqldb.KnownSchemaVersion(db.Dialect) || snap.Tables["schema_migrations"] != int64(snap.SchemaVersion) ||
		snap.Tables["staff"] != 2 || len(snap.DataKeys) != 1 || snap.AuditSeq != 0 {
		t.Errorf("snapshot: schema %d, tables %v, %d data keys, audit seq %d", snap.SchemaVersion, snap.Tables, len(snap.DataKeys), snap.AuditSeq)
	}
	if err := sqldb.CheckDataKeys(mk, snap.DataKeys); err != nil {
		t.Errorf("the key file that made them: %v", err)
	}
	if err := sqldb.CheckDataKeys(sqldbtest.MasterKeys(t), snap.DataKeys); err == nil || !strings.Contains(err.Error(), "not in the master key file") {
		t.Errorf("another key file: %v", err)
	}
}

// AsItIs opens a database without changing it, and refuses one whose
// schema is newer than this binary knows, or that is not there.
func TestOpenAsItIs(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, dsn, mk)
	known := sqldb.KnownSchemaVersion(db.Dialect)
	as, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mk), sqldb.AsItIs())
	if err != nil {
		t.Fatal(err)
	}
	if v, err := as.SchemaVersion(ctx); v != known || err != nil {
		t.Errorf("schema version %d %v, want %d", v, err, known)
	}
	as.Close()
	if _, err := db.Write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mk), sqldb.AsItIs()); err == nil || !strings.Contains(err.Error(), "skip from") {
		t.Errorf("a gap in the migrations: %v", err)
	}
	if !strings.HasPrefix(dsn, "postgres") {
		missing := filepath.Join(t.TempDir(), "none.db")
		if _, err := sqldb.Open(ctx, missing, nil, sqldb.WithMasterKeys(mk), sqldb.AsItIs()); err == nil {
			t.Error("opened a database that is not there")
		}
		if _, err := os.Stat(missing); err == nil {
			t.Error("AsItIs created a file")
		}
	}
	if _, err := db.Write.ExecContext(ctx, `UPDATE schema_migrations SET version = `+strconv.Itoa(known+1)+` WHERE version = 9999`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mk), sqldb.AsItIs()); err == nil || !strings.Contains(err.Error(), "newer than this journey knows") {
		t.Errorf("a newer schema: %v", err)
	}
}
