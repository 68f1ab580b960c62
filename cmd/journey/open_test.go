package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
)

// openRaw opens the test database directly with the key file in dir, as
// an intruder with database access (and, here, the keys) would.
func openRaw(t *testing.T, dsn, dir string) *sqldb.DB {
	t.Helper()
	mk, err := crypt.LoadMasterKeys(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), dsn, nil, sqldb.WithMasterKeys(mk))
	if err != nil {
		t.Fatal(err)
	}
	return db
}
