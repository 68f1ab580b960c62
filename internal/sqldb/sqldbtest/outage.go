package sqldbtest

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

// Outage opens a database that a test can take away and bring back, to see
// what a real outage does to the code above it: on PostgreSQL the database
// is reached through a TCP proxy that Cut closes; on SQLite Cut makes the
// file's folder unreachable (its path names a plain file, which no one, not
// even root, can open a file under) and drops every pooled connection, so
// each query must open the file again and cannot.
type Outage struct {
	DB      *sqldb.DB
	cut     func()
	restore func()
}

// OpenOutage opens a new database, as Open does, ready to be cut.
func OpenOutage(tb testing.TB) *Outage {
	tb.Helper()
	o := &Outage{}
	if testenv.Dialect() == "postgres" {
		u, err := url.Parse(DSN(tb))
		if err != nil {
			tb.Fatal(err)
		}
		p := testenv.NewProxy(tb, u.Host)
		u.Host = p.Addr()
		o.DB = OpenDSN(tb, u.String(), MasterKeys(tb))
		o.cut, o.restore = p.Cut, p.Restore
		return o
	}
	dir := filepath.Join(tb.TempDir(), "data")
	o.DB = OpenDSN(tb, filepath.Join(dir, "journey.db"), MasterKeys(tb))
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
