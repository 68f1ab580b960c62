package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey/internal/crypt"
)

// What an operator watches (internal/metrics reads these at each scrape,
// /readyz some of them at each probe): counts and states only, never a row.

// JobCounts returns how many jobs of each kind are in each of the job
// queue's states (available, scheduled, running, retryable, discarded,
// completed, …): kind → state → count.
func (db *DB) JobCounts(ctx context.Context) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	err := db.groupCount(ctx, `SELECT kind, state, COUNT(*) FROM river_job GROUP BY kind, state`, func(k, s string, n int) {
		if out[k] == nil {
			out[k] = map[string]int{}
		}
		out[k][s] = n
	})
	return out, err
}

// OutboxCounts returns how many outbox messages are in each status
// (queued, sent, held, failed).
func (db *DB) OutboxCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.groupCount(ctx, `SELECT status, '', COUNT(*) FROM outbox GROUP BY status`, func(s, _ string, n int) { out[s] = n })
	return out, err
}

// groupCount runs a query of (text, text, count) rows and hands each to fn.
func (db *DB) groupCount(ctx context.Context, query string, fn func(a, b string, n int)) error {
	rows, err := wrapRows(db.Read.QueryContext(ctx, query))
	if err != nil {
		return fmt.Errorf("sqldb: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		var n int
		if err := rows.Scan(&a, &b, &n); err != nil {
			return err
		}
		fn(a, b, n)
	}
	return rows.Err()
}

// AuditLag reports the audit writer's state: how many entries wait to be
// written, when the oldest of them was recorded (zero when none waits),
// and since when writing fails (zero while it works).
func (db *DB) AuditLag() (waiting int, oldest, failingSince time.Time) {
	failingSince, waiting = db.AuditBacklog()
	if w := db.auditw; w != nil {
		if ns := w.oldest.Load(); ns != 0 {
			oldest = time.Unix(0, ns)
		}
	}
	return waiting, oldest, failingSince
}

// MigrationsApplied fails, naming the first, when a migration this binary
// knows is not recorded as applied.
func (db *DB) MigrationsApplied(ctx context.Context) error {
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("sqldb: migration %s is not applied", pending[0].Name)
	}
	return nil
}

// PendingMigrations returns the migrations a start would apply, in order,
// without applying any.
func (db *DB) PendingMigrations(ctx context.Context) ([]Migration, error) {
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.Dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var exists int
	if err := db.Read.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return nil, fmt.Errorf("sqldb: read applied migrations: %w", unavailable(err))
	}
	applied := map[string]bool{}
	if exists > 0 {
		err := db.groupCount(ctx, `SELECT CAST(version AS TEXT), '', 1 FROM schema_migrations`, func(v, _ string, _ int) { applied[v] = true })
		if err != nil {
			return nil, err
		}
	}
	var out []Migration
	for _, m := range ms {
		if !applied[strconv.Itoa(m.Version)] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Inspect opens the database named by dsn to look at it only: no
// migration runs, no key is needed or loaded, and a SQLite file that does
// not exist is not created (the error wraps fs.ErrNotExist). Only
// PendingMigrations, the counts above and Close are meant for it.
func Inspect(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if err := db.openPostgres(dsn); err != nil {
			return nil, err
		}
	} else {
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("sqldb: %w", err)
		}
		db.Dialect, db.Path = SQLite, dsn
		pool, err := sql.Open("sqlite", sqliteDSN(dsn, "NORMAL", true))
		if err != nil {
			return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
		}
		pool.SetMaxOpenConns(1)
		db.Write, db.Read, db.Jobs = pool, pool, pool
	}
	if err := db.Read.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: reach database: %w", err)
	}
	return db, nil
}

// CheckMasterKeys fails unless mk unwraps every data key in the database:
// the key file a process would start with still opens what it wrote.
func (db *DB) CheckMasterKeys(ctx context.Context, mk *crypt.MasterKeys) error {
	rows, err := scanDataKeys(wrapRows(db.Read.QueryContext(ctx, dataKeysQuery)))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("sqldb: the database holds no data key")
	}
	_, err = keyring(mk, rows)
	return err
}
