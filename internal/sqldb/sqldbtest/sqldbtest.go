// Package sqldbtest opens fresh, real databases for tests: a new SQLite
// file, or a new PostgreSQL database when JOURNEY_TEST_DB=postgres (the
// README's test command runs the suite once each way).
package sqldbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// DSN returns the address of a new, empty database that is removed when
// the test ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	if testenv.Dialect() != "postgres" {
		return filepath.Join(tb.TempDir(), "journey.db")
	}
	base := testenv.PostgresURL(tb)
	db, err := openAdmin(base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	return testenv.NewPostgresDatabase(tb, db, base)
}

// openAdmin returns the connection to the test cluster that creates and
// drops the tests' PostgreSQL databases.
func openAdmin(base string) (*sql.DB, error) {
	adminOnce.Do(func() { admin, adminErr = sql.Open("pgx", base) })
	return admin, adminErr
}

// PostgresTemplate creates an empty PostgreSQL database bound to no test,
// for a package run to fill once (the demo practice, say) and each test to
// copy (DSNFrom); drop removes it, from TestMain. It needs
// JOURNEY_TEST_POSTGRES_URL.
func PostgresTemplate() (dsn string, drop func() error, err error) {
	base := os.Getenv(testenv.EnvPostgresURL)
	if base == "" {
		return "", nil, fmt.Errorf("%s is not set", testenv.EnvPostgresURL)
	}
	db, err := openAdmin(base)
	if err != nil {
		return "", nil, err
	}
	return testenv.CreatePostgresDatabase(db, base, "")
}

// DSNFrom returns the address of a new PostgreSQL database that is a copy
// of the one at templateDSN (made by PostgresTemplate and filled, with no
// one connected to it any more), removed when the test ends.
func DSNFrom(tb testing.TB, templateDSN string) string {
	tb.Helper()
	base := testenv.PostgresURL(tb)
	db, err := openAdmin(base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	return testenv.NewPostgresDatabaseFrom(tb, db, base, testenv.PostgresDatabaseName(templateDSN))
}

// KeyFile creates a master key file holding one new key, in a folder of its
// own (never the SQLite database's, so a scan of that folder sees only the
// database), and returns its path.
func KeyFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "master.key")
	if _, err := crypt.CreateMasterKeyFile(path); err != nil {
		tb.Fatalf("master key file: %v", err)
	}
	return path
}

// MasterKeys returns the keys of a new master key file (KeyFile).
func MasterKeys(tb testing.TB) *crypt.MasterKeys {
	tb.Helper()
	mk, err := crypt.LoadMasterKeys(KeyFile(tb))
	if err != nil {
		tb.Fatalf("master keys: %v", err)
	}
	return mk
}

// KeyLines returns the key lines ("<id> <base64 key>") of a master key
// file, oldest first: to build key files that lack some of them.
func KeyLines(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// WriteKeyFile writes a master key file (mode 0600) of the given key lines
// in a new folder and returns its path.
func WriteKeyFile(tb testing.TB, lines ...string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Open opens a new database with migrations applied, its own master key
// (each new database, SQLite file or PostgreSQL database, gets its own data
// key), mail composed for http://journey.test and no job queue (messages
// stay queued in the outbox). In a package whose TestMain runs through Main,
// the new database is a copy of one migrated for the package run, and the
// copies share its master and data keys.
func Open(tb testing.TB) *sqldb.DB {
	tb.Helper()
	if dsn, mk, ok := migratedCopy(tb); ok {
		return OpenDSN(tb, dsn, mk)
	}
	return OpenDSN(tb, DSN(tb), MasterKeys(tb))
}

// migrated is the package run's migrated empty databases, one per
// database kind (a test may choose SQLite in the PostgreSQL pass), which
// Open copies for each test once Main has enabled it: migrating a new
// database took a second or more of CPU a test under -race (over forty
// migrations and River's), in packages that open hundreds.
var migrated struct {
	mu      sync.Mutex
	enabled bool
	by      map[string]*migratedDB // by testenv.Dialect()
}

// migratedDB is a migrated empty database to copy.
type migratedDB struct {
	dir  string // the master key file, and the SQLite database's folder db/
	dsn  string
	mk   *crypt.MasterKeys
	drop func() error // drops the PostgreSQL database
	err  error
}

// Main runs a package's tests with Open copying one database migrated at
// its first call instead of migrating a new one for each test, and then
// removes that database: func TestMain(m *testing.M) { os.Exit(sqldbtest.Main(m)) }.
// Each test still gets a database of its own (a copy of the SQLite file,
// or CREATE DATABASE ... TEMPLATE); DSN and OpenDSN are unchanged, so a
// test of migrating itself uses them.
func Main(m *testing.M) int {
	migrated.enabled = true
	code := m.Run()
	migrated.mu.Lock()
	defer migrated.mu.Unlock()
	for _, d := range migrated.by {
		if d.drop != nil {
			if err := d.drop(); err != nil {
				fmt.Fprintf(os.Stderr, "sqldbtest: removing the migrated database: %v\n", err)
				code = max(code, 1)
			}
		}
		if d.dir != "" {
			os.RemoveAll(d.dir)
		}
	}
	return code
}

// migratedCopy returns a copy of the package run's migrated database, made
// at the first call, and its master keys; ok is false unless Main enabled it.
func migratedCopy(tb testing.TB) (dsn string, mk *crypt.MasterKeys, ok bool) {
	tb.Helper()
	migrated.mu.Lock()
	defer migrated.mu.Unlock()
	if !migrated.enabled {
		return "", nil, false
	}
	dialect := testenv.Dialect()
	d := migrated.by[dialect]
	if d == nil {
		d = migrate(dialect)
		if migrated.by == nil {
			migrated.by = map[string]*migratedDB{}
		}
		migrated.by[dialect] = d
	}
	if d.err != nil {
		tb.Fatalf("sqldbtest: migrating the package run's database: %v", d.err)
	}
	if dialect == "postgres" {
		return DSNFrom(tb, d.dsn), d.mk, true
	}
	dsn = DSN(tb)
	from := filepath.Dir(d.dsn)
	entries, err := os.ReadDir(from)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries { // journey.db, and its -wal and -shm if kept
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(dsn), e.Name()), data, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dsn, d.mk, true
}

// migrate makes the package run's migrated database of dialect; d.err
// says why it could not.
func migrate(dialect string) (d *migratedDB) {
	d = &migratedDB{}
	d.dir, d.err = os.MkdirTemp("", "journey-migrated-")
	if d.err != nil {
		return d
	}
	key := filepath.Join(d.dir, "master.key")
	if _, d.err = crypt.CreateMasterKeyFile(key); d.err != nil {
		return d
	}
	if d.mk, d.err = crypt.LoadMasterKeys(key); d.err != nil {
		return d
	}
	if dialect == "postgres" {
		if d.dsn, d.drop, d.err = PostgresTemplate(); d.err != nil {
			return d
		}
	} else {
		if d.err = os.Mkdir(filepath.Join(d.dir, "db"), 0o700); d.err != nil {
			return d
		}
		d.dsn = filepath.Join(d.dir, "db", "journey.db")
	}
	db, err := sqldb.Open(context.Background(), d.dsn, nil, sqldb.WithMasterKeys(d.mk))
	if err != nil {
		d.err = err
		return d
	}
	// Closed, so no one is connected to the template while it is copied.
	d.err = db.Close()
	return d
}

// OpenDSN opens the database at dsn with mk, as Open does: to open one
// database twice, or again after a change of keys. It is closed when the
// test ends.
func OpenDSN(tb testing.TB, dsn string, mk *crypt.MasterKeys) *sqldb.DB {
	tb.Helper()
	db, err := sqldb.Open(context.Background(), dsn, nil, sqldb.WithMasterKeys(mk))
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	db.Mail = &mail.Composer{BaseURL: "http://journey.test"}
	tb.Cleanup(func() { db.Close() })
	return db
}

// clockMu guards the times that FixedClock reads: background writers
// (the group committer, the audit writer) read the clock while a test
// moves it with SetTime.
var clockMu sync.RWMutex

// FixedClock returns a clock that reads *t, so a test can move time with
// SetTime.
func FixedClock(t *time.Time) journey.Clock {
	return func() time.Time {
		clockMu.RLock()
		defer clockMu.RUnlock()
		return *t
	}
}

// SetTime moves a FixedClock's time to v.
func SetTime(t *time.Time, v time.Time) {
	clockMu.Lock()
	defer clockMu.Unlock()
	*t = v
}

// Practice is the practice every fixture uses.
var Practice = journey.Practice{Name: "Test Practice", Email: "desk@practice.test", Phone: "+15550100100",
	TimeZone: "America/New_York", PrivacyNotice: "We keep your details private."}

// MustSeed writes the practice and two therapists: one in New York
// (Mon–Fri 09:00–12:00, 30-minute consults, no buffer) and one in Los
// Angeles (Mon–Fri 09:00–17:00, 30 minutes, 10-minute buffer); both with
// 24 hours' notice and a 60-day horizon. It returns the therapists.
func MustSeed(tb testing.TB, db *sqldb.DB) (ny, la *journey.Therapist) {
	tb.Helper()
	ctx := context.Background()
	p := Practice
	if err := db.UpdatePractice(ctx, &p); err != nil {
		tb.Fatalf("practice: %v", err)
	}
	return MustSeedTherapists(tb, db)
}

// MustSeedTherapists writes MustSeed's two therapists alone: for a database
// opened at an old schema, whose practice row the caller writes in that
// schema's columns.
func MustSeedTherapists(tb testing.TB, db *sqldb.DB) (ny, la *journey.Therapist) {
	tb.Helper()
	ctx := context.Background()
	week := func(start, end journey.ClockTime) []journey.WeeklyHours {
		var out []journey.WeeklyHours
		for d := time.Monday; d <= time.Friday; d++ {
			out = append(out, journey.WeeklyHours{Weekday: d, Start: start, End: end})
		}
		return out
	}
	ny = &journey.Therapist{Name: "Nora York", Credentials: "LCSW", Email: "nora@practice.test", TimeZone: "America/New_York", Active: true, Weekly: week(9*60, 12*60)}
	la = &journey.Therapist{Name: "Luis Angel", Credentials: "LMFT", Email: "luis@practice.test", TimeZone: "America/Los_Angeles", Active: true,
		Buffer: 10 * time.Minute, Weekly: week(9*60, 17*60)}
	for _, t := range []*journey.Therapist{ny, la} {
		if err := db.CreateTherapist(ctx, t); err != nil {
			tb.Fatalf("therapist: %v", err)
		}
	}
	return ny, la
}

// BlockAuditLog makes every insert into audit_log fail, as a full disk or
// a revoked grant would, until the returned func lifts it.
func BlockAuditLog(tb testing.TB, db *sqldb.DB) (lift func()) {
	tb.Helper()
	block := []string{`CREATE TRIGGER audit_block BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log blocked by the test'); END`}
	unblock := []string{`DROP TRIGGER audit_block`}
	if db.Dialect == sqldb.Postgres {
		block = []string{`CREATE FUNCTION audit_block() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log blocked by the test'; END $$`,
			`CREATE TRIGGER audit_block BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_block()`}
		unblock = []string{`DROP TRIGGER audit_block ON audit_log`, `DROP FUNCTION audit_block()`}
	}
	exec := func(stmts []string) {
		for _, s := range stmts {
			if _, err := db.Write.Exec(s); err != nil {
				tb.Fatalf("%s: %v", s, err)
			}
		}
	}
	exec(block)
	return func() { exec(unblock) }
}
