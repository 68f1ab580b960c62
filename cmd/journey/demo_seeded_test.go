package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// seededDemo seeds the demo practice into the test's database as the
// server's --demo does, and opens it with the demo's master keys.
func seededDemo(t *testing.T) *sqldb.DB {
	t.Helper()
	dsn := sqldbtest.DSN(t)
	cfg := &Config{Database: dsn, MasterKeyFile: sqldbtest.KeyFile(t)}
	if !strings.HasPrefix(dsn, "postgres") {
		data := strings.TrimSuffix(dsn, "/journey.db")
		cfg = &Config{Data: data, MasterKeyFile: filepath.Join(data, "master.key")}
	}
	if err := seedIfEmpty(context.Background(), cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	return sqldbtest.OpenDSN(t, dsn, mustLoadKeys(t, cfg.MasterKeyFile))
}
