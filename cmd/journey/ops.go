package main

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/metrics"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/web"
)

// newMetrics makes the process's metrics over db: requests (through
// web.Config.Observe), sign-in failures (from the audit entries), the
// database pools, the job queue, the outbox and the audit writer. They are
// gathered whether or not --metrics-listen serves them, so other parts
// (scheduled backups) can always register theirs.
func newMetrics(db *sqldb.DB, log *slog.Logger) (*metrics.Metrics, error) {
	m := metrics.New(journeyVersion(), log)
	for _, p := range []struct {
		name string
		pool *sql.DB
	}{{"write", db.Write}, {"read", db.Read}, {"jobs", db.Jobs}} {
		if err := m.WatchPool(p.name, p.pool); err != nil {
			return nil, err
		}
	}
	if err := m.WatchStore(db, jobs.Kinds...); err != nil {
		return nil, err
	}
	db.OnAudit = m.ObserveAudit
	return m, nil
}

// readiness returns /readyz's checks beyond the database and the audit
// writer: what this process would need to start again. It runs at each
// probe (reading two small files and the data keys costs well under a
// millisecond), so a key file removed or made unreadable shows at the next
// probe rather than at the next restart.
func readiness(cfg *Config, db *sqldb.DB, auditKey audit.Key) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := db.MigrationsApplied(ctx); err != nil {
			return &web.ReadyError{Reason: "a database migration is not applied", Err: err}
		}
		mk, err := crypt.LoadMasterKeys(cfg.MasterKeyFile)
		if err != nil {
			return &web.ReadyError{Reason: "the master key file cannot be read", Err: err}
		}
		if err := db.CheckMasterKeys(ctx, mk); err != nil {
			return &web.ReadyError{Reason: "the master key file does not unwrap the data keys", Err: fmt.Errorf("%s: %w", cfg.MasterKeyFile, err)}
		}
		key, err := audit.LoadKey(cfg.AuditKeyFile)
		if err != nil {
			return &web.ReadyError{Reason: "the audit key file cannot be read", Err: err}
		}
		if !hmac.Equal(key, auditKey) {
			return &web.ReadyError{Reason: "the audit key file holds another key than the one in use",
				Err: fmt.Errorf("%s changed since start", cfg.AuditKeyFile)}
		}
		return nil
	}
}

// migrateFlags are `migrate`'s own flags.
type migrateFlags struct{ dryRun bool }

func (f *migrateFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.dryRun, "dry-run", false, "list the migrations a start would apply, and apply none (required: a start applies them)")
}

// migrateCommand is `journey migrate --dry-run`: the migrations a start
// would apply, Journey's and the job queue's, read without the key files
// and without changing anything.
func migrateCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f migrateFlags
	rest, err := splitFlags(args, ownFlags("migrate", stderr, f.define))
	if err != nil {
		return err
	}
	cfg, err := parseConfig("migrate", rest, getenv, stderr)
	if err != nil {
		return err
	}
	if !f.dryRun {
		return fmt.Errorf("migrate: only --dry-run is supported; `journey serve` applies migrations at start")
	}
	db, err := sqldb.Inspect(ctx, cfg.dsn())
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stdout, "%s does not exist: a start would create it and apply every migration.\n", cfg.dsn())
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	river, err := jobs.PendingMigrations(ctx, jobs.Config{Dialect: db.Dialect, Pool: db.Jobs})
	if err != nil {
		return err
	}
	if len(pending) == 0 && len(river) == 0 {
		fmt.Fprintf(stdout, "journey %s: the database is up to date; a start would apply no migration.\n", journeyVersion())
		return nil
	}
	fmt.Fprintf(stdout, "journey %s: a start would apply %d migration(s):\n", journeyVersion(), len(pending)+len(river))
	for _, m := range pending {
		fmt.Fprintf(stdout, "  %s\n", m.Name)
	}
	for _, v := range river {
		fmt.Fprintf(stdout, "  job queue (River) %03d\n", v)
	}
	return nil
}
