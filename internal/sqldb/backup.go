package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/journey-kap/journey/internal/crypt"
)

// Backups read the database without stopping its writers: on SQLite
// VACUUM INTO copies one read transaction's view (in WAL mode readers and
// the writer do not wait for each other), on PostgreSQL pg_dump works
// under a snapshot exported from a repeatable-read transaction, in which
// the counts, the audit head and the data keys are read too, so the
// description always matches the copy. See backup_postgres.go.

// Snapshot is a consistent copy of the database in a file, with what it
// holds.
type Snapshot struct {
	Path          string // the file: a SQLite database, or a pg_dump custom-format archive
	Name          string // its name inside a backup: journey.db or journey.pgdump
	Dialect       string
	SchemaVersion int
	Tables        map[string]int64 // rows per table
	AuditSeq      int64            // the newest audit entry; 0 for none
	AuditHash     []byte
	DataKeys      []WrappedDataKey
}

// WrappedDataKey is one row of data_keys: a data key wrapped under a
// master key, base64 as stored.
type WrappedDataKey struct {
	ID          int64
	MasterKeyID string
	Wrapped     string
}

// Snapshot writes a consistent copy of the database into dir (which must
// exist and not hold one already) and describes it.
func (db *DB) Snapshot(ctx context.Context, dir string) (*Snapshot, error) {
	if db.Dialect == Postgres {
		return db.snapshotPostgres(ctx, dir)
	}
	path := filepath.Join(dir, "journey.db")
	// The readers are query_only, which VACUUM INTO counts as writing; a
	// connection of its own reads as any reader does, taking no write lock.
	conn, err := sql.Open("sqlite", sqliteDSN(db.Path, "NORMAL", false))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return nil, fmt.Errorf("sqldb: snapshot: %w", err)
	}
	// VACUUM INTO does not sync what it wrote; the backup file is synced
	// when it is written, and nothing reads this copy before then.
	snap, err := DescribeSQLite(ctx, path)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// DescribeSQLite describes the SQLite database file at path without
// changing it.
func DescribeSQLite(ctx context.Context, path string) (*Snapshot, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	s := &Snapshot{Path: path, Name: "journey.db", Dialect: SQLite}
	return s, describe(ctx, conn, SQLite, s)
}

// queryer is a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// describe fills s from q, which sees one consistent state.
func describe(ctx context.Context, q queryer, dialect string, s *Snapshot) error {
	tables := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if dialect == Postgres {
		tables = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	names, err := strings1(ctx, q, tables)
	if err != nil {
		return fmt.Errorf("sqldb: list tables: %w", err)
	}
	if !containsAll(names, "schema_migrations", "data_keys", "audit_log") {
		return errors.New("sqldb: not a Journey database (no schema_migrations, data_keys or audit_log table)")
	}
	s.Tables = map[string]int64{}
	for _, t := range names {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return fmt.Errorf("sqldb: count %s: %w", t, err)
		}
		s.Tables[t] = n
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&s.SchemaVersion); err != nil {
		return fmt.Errorf("sqldb: schema version: %w", err)
	}
	var h string
	err = q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&s.AuditSeq, &h)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		s.AuditHash = make([]byte, 32)
	case err != nil:
		return fmt.Errorf("sqldb: audit head: %w", err)
	default:
		if s.AuditHash, err = hex.DecodeString(h); err != nil {
			return fmt.Errorf("sqldb: audit head: entry %d's hash is not hex", s.AuditSeq)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, master_key_id, wrapped FROM data_keys ORDER BY id`)
	if err != nil {
		return fmt.Errorf("sqldb: data keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k WrappedDataKey
		if err := rows.Scan(&k.ID, &k.MasterKeyID, &k.Wrapped); err != nil {
			return err
		}
		s.DataKeys = append(s.DataKeys, k)
	}
	return rows.Err()
}

func strings1(ctx context.Context, q queryer, query string) ([]string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, rows.Err()
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		if i := sort.SearchStrings(have, w); i == len(have) || have[i] != w {
			return false
		}
	}
	return true
}

// KnownSchemaVersion returns the last migration this binary has for
// dialect.
func KnownSchemaVersion(dialect string) int {
	ms, err := Migrations(dialect)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// SchemaVersion returns the last migration applied to the database, and
// an error naming what is wrong when the applied ones are not 1 to that
// number without a gap, or that number is one this binary does not know.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return 0, fmt.Errorf("sqldb: schema version: %w", err)
	}
	defer rows.Close()
	last := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		if v != last+1 {
			return last, fmt.Errorf("sqldb: migrations applied skip from %d to %d", last, v)
		}
		last = v
	}
	if err := rows.Err(); err != nil {
		return last, err
	}
	if known := KnownSchemaVersion(db.Dialect); last > known {
		return last, fmt.Errorf("sqldb: the database's schema is version %d, newer than this journey knows (%d): use the release that wrote it, or a later one", last, known)
	}
	return last, nil
}

// CheckIntegrity checks the storage itself and returns how it checked and
// the problems found (none: intact). SQLite: PRAGMA integrity_check (every
// page, every index entry against its row) and foreign_key_check; with
// quick, PRAGMA quick_check (every page, in a quarter of the time: what
// a backup checks of the copy it has just written, as its index entries
// were built by the copy itself).
// PostgreSQL: amcheck's verify_heapam and bt_index_check (with every heap
// tuple looked up in each index) when the amcheck extension is installed;
// without it, every row of every table is read whole (every column, TOAST
// included), which finds what a read can.
func (db *DB) CheckIntegrity(ctx context.Context, quick bool) (method string, problems []string, err error) {
	if db.Dialect == Postgres {
		return db.checkPostgres(ctx)
	}
	method, pragma := "PRAGMA integrity_check and foreign_key_check", `PRAGMA integrity_check(100)`
	if quick {
		method, pragma = "PRAGMA quick_check and foreign_key_check", `PRAGMA quick_check(100)`
	}
	rows, err := db.Read.QueryContext(ctx, pragma)
	if err != nil {
		return method, []string{err.Error()}, nil
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return method, append(problems, err.Error()), nil
		}
		for _, l := range strings.Split(s, "\n") {
			if l != "ok" && !strings.HasPrefix(l, "***") { // "*** in database main ***" heads the list
				problems = append(problems, l)
			}
		}
	}
	if err := rows.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	rows.Close()
	fk, err := db.Read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return method, append(problems, err.Error()), nil
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var idx int
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			return method, append(problems, err.Error()), nil
		}
		problems = append(problems, fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid.Int64, parent))
	}
	if err := fk.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	return method, problems, nil
}

func (db *DB) checkPostgres(ctx context.Context) (string, []string, error) {
	var amcheck bool
	if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')`).Scan(&amcheck); err != nil {
		return "", nil, err
	}
	tables, err := strings1(ctx, db.Read, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return "", nil, err
	}
	var problems []string
	if !amcheck {
		for _, t := range tables {
			// Casting the row to text reads and detoasts every column.
			var n sql.NullInt64
			if err := db.Read.QueryRowContext(ctx, `SELECT SUM(length(CAST(t AS text))) FROM "`+t+`" t`).Scan(&n); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", t, err))
			}
		}
		return "every row of every table read whole (install the amcheck extension for page and index checks)", problems, nil
	}
	for _, t := range tables {
		rows, err := db.Read.QueryContext(ctx, db.q(`SELECT blkno, COALESCE(offnum, 0), msg FROM verify_heapam(CAST(? AS regclass))`), `"`+t+`"`)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", t, err))
			continue
		}
		for rows.Next() {
			var blk, off int64
			var msg string
			if err := rows.Scan(&blk, &off, &msg); err == nil {
				problems = append(problems, fmt.Sprintf("%s block %d item %d: %s", t, blk, off, msg))
			}
		}
		rows.Close()
	}
	idx, err := strings1(ctx, db.Read, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relnamespace = CAST(current_schema() AS regnamespace)`)
	if err != nil {
		return "", nil, err
	}
	for _, ix := range idx {
		if _, err := db.Read.ExecContext(ctx, db.q(`SELECT bt_index_check(CAST(? AS regclass), true)`), `"`+ix+`"`); err != nil {
			problems = append(problems, fmt.Sprintf("index %s: %v", ix, err))
		}
	}
	return "amcheck: verify_heapam on every table, bt_index_check with heapallindexed on every index", problems, nil
}

// openAsItIs checks an existing database's schema version and unwraps its
// data keys, changing nothing.
func (db *DB) openAsItIs(ctx context.Context, mk *crypt.MasterKeys) error {
	var n int
	if err := db.Read.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), 3).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("sqldb: not a Journey database, or one older than encryption at rest (schema_migrations: %v)", err)
	}
	if _, err := db.SchemaVersion(ctx); err != nil {
		return err
	}
	rows, err := scanDataKeys(wrapRows(db.Read.QueryContext(ctx, dataKeysQuery)))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("sqldb: the database has no data keys: not a Journey database")
	}
	db.Keys, err = keyring(mk, rows)
	return err
}

// CheckDataKeys reports whether mk unwraps every one of keys (as a backup's
// manifest lists them), naming the master key missing when it does not.
func CheckDataKeys(mk *crypt.MasterKeys, keys []WrappedDataKey) error {
	rows := make([]wrappedKey, len(keys))
	for i, k := range keys {
		b, err := base64.StdEncoding.DecodeString(k.Wrapped)
		if err != nil {
			return fmt.Errorf("sqldb: data key %d is malformed", k.ID)
		}
		rows[i] = wrappedKey{id: k.ID, enc: k.Wrapped, wrapped: b}
	}
	if len(rows) == 0 {
		return errors.New("sqldb: no data keys to check")
	}
	_, err := keyring(mk, rows)
	return err
}
