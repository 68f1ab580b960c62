package sqldbtest

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

// Faults that take a database away, for OpenOutage.
const (
	// FaultFolder (SQLite) makes the file's folder unreachable: its path
	// names a plain file, under which no one, not even root, can open a
	// file; every pooled connection is dropped, so each query must open
	// the file again and cannot (SQLITE_CANTOPEN).
	FaultFolder = "unreachable folder"
	// FaultLine (PostgreSQL) cuts a TCP proxy between the pool and the
	// cluster: open connections break, new ones are hung up on.
	FaultLine = "line cut"
	// FaultRestart (PostgreSQL) does what a restart does to a database:
	// it stops taking connections (ALLOW_CONNECTIONS false) and its
	// backends are terminated (57P01 to whoever was connected).
	FaultRestart = "restart"
)

// Faults returns the faults the test database's dialect can suffer.
func Faults() []string {
	if testenv.Dialect() == "postgres" {
		return []string{FaultLine, FaultRestart}
	}
	return []string{FaultFolder}
}

// Outage is a database that a test can take away and bring back, to see
// what a real outage does to the code above it.
type Outage struct {
	DB      *sqldb.DB
	cut     func()
	restore func()
}

// OpenOutage opens a new database, as Open does, ready to suffer fault
// (one of Faults).
func OpenOutage(tb testing.TB, fault string) *Outage {
	tb.Helper()
	switch fault {
	case FaultLine:
		return openLineCut(tb)
	case FaultRestart:
		return openRestart(tb)
	case FaultFolder:
		return openFolder(tb)
	}
	tb.Fatalf("unknown fault %q", fault)
	return nil
}

func openLineCut(tb testing.TB) *Outage {
	u, err := url.Parse(DSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	p := testenv.NewProxy(tb, u.Host)
	u.Host = p.Addr()
	return &Outage{DB: OpenDSN(tb, u.String(), MasterKeys(tb)), cut: p.Cut, restore: p.Restore}
}

func openRestart(tb testing.TB) *Outage {
	dsn := DSN(tb) // opens the admin pool too
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	exec := func(q string, args ...any) {
		if _, err := admin.Exec(q, args...); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	return &Outage{DB: OpenDSN(tb, dsn, MasterKeys(tb)),
		cut: func() {
			exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS false`)
			exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name)
		},
		restore: func() { exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`) },
	}
}

func openFolder(tb testing.TB) *Outage {
	dir := filepath.Join(tb.TempDir(), "data")
	o := &Outage{DB: OpenDSN(tb, filepath.Join(dir, "journey.db"), MasterKeys(tb))}
	pools := func(n int) {
		o.DB.Read.SetMaxIdleConns(n)
		o.DB.Write.SetMaxIdleConns(min(n, 1))
		o.DB.Jobs.SetMaxIdleConns(min(n, 1))
	}
	o.cut = func() {
		if err := os.Rename(dir, dir+".away"); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(dir, nil, 0o600); err != nil {
			tb.Fatal(err)
		}
		pools(0)
	}
	o.restore = func() {
		if err := os.Remove(dir); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(dir+".away", dir); err != nil {
			tb.Fatal(err)
		}
		pools(4)
	}
	return o
}

// Cut takes the database away.
func (o *Outage) Cut() { o.cut() }

// Restore brings it back.
func (o *Outage) Restore() { o.restore() }
