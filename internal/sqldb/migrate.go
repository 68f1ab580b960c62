package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationLockID is the PostgreSQL advisory lock that keeps two processes
// starting at once from applying the same migration twice.
const migrationLockID = 7_352_001

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the dialect's migrations in order; the numbers come
// from the file names (NNNN_name.sql).
func Migrations(dialect string) ([]Migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("sqldb: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqldb: migration %s: name must be NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// migrate applies every migration up to version upTo not yet recorded,
// each in its own transaction, forward only.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return err
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: migrate: %w", err)
	}
	defer conn.Close()
	if db.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
			return fmt.Errorf("sqldb: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("sqldb: migrations table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("sqldb: read applied migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range ms {
		if applied[m.Version] || m.Version > upTo {
			continue
		}
		if err := db.apply(ctx, conn, m); err != nil {
			return err
		}
		db.Log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}

func (db *DB) apply(ctx context.Context, conn *sql.Conn, m Migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: migration %s: %w", m.Name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("sqldb: migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, db.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"), m.Version, m.Name, db.Now().Unix()); err != nil {
		return fmt.Errorf("sqldb: record migration %s: %w", m.Name, err)
	}
	return tx.Commit()
}

// WithMigrationLock runs fn while holding the lock that migrations take, so
// schema work outside this package (the job queue's own migrations) is not
// run by two starting processes at once. SQLite needs no lock: one process
// owns the file's writes at start.
func (db *DB) WithMigrationLock(ctx context.Context, fn func() error) error {
	if db.Dialect != Postgres {
		return fn()
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("sqldb: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	return fn()
}
