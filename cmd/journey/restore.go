package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/backup"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
)

// restoreCommand runs `journey restore --from FILE`: into an empty target
// only, every check that needs no target made before anything is written,
// and the result verified before it is reported restored. A refusal
// leaves the target as it found it.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f restoreFlags
	o, err := opsSetup("restore", args, getenv, stderr, f.define)
	if err != nil {
		return refused(err)
	}
	if f.from == "" {
		return fmt.Errorf("usage: journey restore --from FILE --data NEW_FOLDER | --database URL [settings]")
	}
	cfg, mk, key := o.cfg, o.mk, o.key
	m, err := checkRestore(ctx, cfg, f.from, mk, key)
	if err != nil {
		return refused(err)
	}
	undo, err := unpack(ctx, cfg, f.from, key)
	if err != nil {
		undo()
		return refused(err)
	}
	head, err := audit.ParseHead(key, m.AuditHead)
	if err == nil {
		err = audit.WriteHead(cfg.AuditHeadFile, key, head)
	}
	if err != nil {
		undo()
		return refused(fmt.Errorf("audit head: %w", err))
	}
	db, err := openAsItIs(ctx, cfg, mk, o.log)
	if err != nil {
		undo()
		return refused(fmt.Errorf("the restored database does not open: %w", err))
	}
	res := verifyDB(ctx, db, key, cfg.AuditHeadFile)
	if res.err != nil {
		db.Close()
		undo()
		return refused(fmt.Errorf("the restored database does not verify:\n%s%w", res.report, res.err))
	}
	db.StartAudit(key, cfg.AuditHeadFile, sqldb.AuditHeadInterval(cfg.AuditHeadInterval))
	if err := auditOps(ctx, db, "backup.restore", filepath.Base(f.from), journey.AuditSuccess, "journey restore"); err != nil {
		fmt.Fprintf(stderr, "journey: restored, but recording the restore in its audit trail failed: %v\n", err)
	}
	db.Close()
	target := "--data " + cfg.Data
	if cfg.Database != "" {
		target = "--database URL"
	}
	fmt.Fprintf(stdout, `Restored %s (taken %s by journey %s, schema %d, audit entries up to %d) into %s.
%sIts audit head is in %s.
Start Journey on it with the same key files and this head file:
  journey serve %s --master-key-file %s --audit-key-file %s --audit-head-file %s
`, f.from, m.CreatedAt.Format("2006-01-02 15:04:05 MST"), m.JourneyVersion, m.SchemaVersion, m.AuditSeq, cfg.dsnName(), res.report,
		cfg.AuditHeadFile, target, cfg.MasterKeyFile, cfg.AuditKeyFile, cfg.AuditHeadFile)
	return nil
}

func refused(err error) error { return fmt.Errorf("restore refused, nothing changed: %w", err) }

// checkRestore makes every check that needs nothing written: the
// manifest (under the audit key), its schema against this binary, the
// target empty, the head file new, the key file against the data keys,
// and the snapshot against its digest (the whole file is read).
func checkRestore(ctx context.Context, cfg *Config, from string, mk *crypt.MasterKeys, key audit.Key) (*backup.Manifest, error) {
	r, err := backup.Open(from, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	m := r.Manifest
	dialect := sqldb.SQLite
	if cfg.Database != "" {
		dialect = sqldb.Postgres
	}
	if m.Dialect != dialect {
		return nil, fmt.Errorf("%s is a backup of a %s database; restore it with %s", from, m.Dialect,
			map[string]string{sqldb.SQLite: "--data FOLDER", sqldb.Postgres: "--database URL"}[m.Dialect])
	}
	if known := sqldb.KnownSchemaVersion(m.Dialect); m.SchemaVersion > known {
		return nil, fmt.Errorf("the backup's schema is version %d, newer than this journey knows (%d): restore it with journey %s or later",
			m.SchemaVersion, known, m.JourneyVersion)
	}
	if err := targetEmpty(ctx, cfg); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(cfg.AuditHeadFile); !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the audit head file %s exists: it belongs to another database; give the restored copy its own (--audit-head-file)", cfg.AuditHeadFile)
	}
	if err := sqldb.CheckDataKeys(mk, toWrapped(m.DataKeys)); err != nil {
		return nil, fmt.Errorf("master key file %s does not unwrap the backup's data keys: %w", cfg.MasterKeyFile, err)
	}
	if err := r.Snapshot(io.Discard); err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return m, nil
}

func toWrapped(keys []backup.DataKey) []sqldb.WrappedDataKey {
	out := make([]sqldb.WrappedDataKey, len(keys))
	for i, k := range keys {
		out[i] = sqldb.WrappedDataKey{ID: k.ID, MasterKeyID: k.MasterKeyID, Wrapped: k.Wrapped}
	}
	return out
}

// targetEmpty refuses a target that holds a database.
func targetEmpty(ctx context.Context, cfg *Config) error {
	if cfg.Database != "" {
		empty, err := sqldb.PostgresEmpty(ctx, cfg.Database)
		if err != nil {
			return err
		}
		if !empty {
			return errors.New("the target database is not empty: restore only into a new, empty database, never over one in use")
		}
		return nil
	}
	for _, p := range []string{cfg.dsn(), cfg.dsn() + "-wal"} {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			return fmt.Errorf("%s holds a database (%s): restore only into an empty folder, never over a database in use", cfg.Data, p)
		}
	}
	return nil
}

// unpack writes the snapshot into the target, checking its digest again
// as it goes, and returns what undoes it (always callable): it removes
// the files and folders the restore made, the head file among them, and
// on PostgreSQL drops what the restore created in the database.
func unpack(ctx context.Context, cfg *Config, from string, key audit.Key) (undo func(), err error) {
	// Folders that do not exist yet, deepest first, removed (when empty) last.
	var made []string
	for _, top := range []string{filepath.Dir(cfg.AuditHeadFile), cfg.Data} {
		for d := top; !slices.Contains(made, d); d = filepath.Dir(d) {
			if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
				break
			}
			made = append(made, d)
		}
	}
	slices.SortFunc(made, func(a, b string) int { return len(b) - len(a) })
	files := []string{cfg.AuditHeadFile, cfg.AuditHeadFile + ".lock"}
	var drop func()
	undo = func() {
		if drop != nil {
			drop()
		}
		for _, p := range append(files, made...) {
			os.Remove(p)
		}
	}
	r, err := backup.Open(from, key)
	if err != nil {
		return undo, err
	}
	defer r.Close()
	if cfg.Database != "" {
		had, err := sqldb.PostgresExtensions(ctx, cfg.Database)
		if err != nil {
			return undo, err
		}
		drop = func() {
			if err := sqldb.EmptyPostgres(context.WithoutCancel(ctx), cfg.Database, had); err != nil {
				fmt.Fprintf(os.Stderr, "journey: emptying the target database again failed: %v\n", err)
			}
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(r.Snapshot(pw)) }()
		err = sqldb.RestorePostgres(ctx, cfg.Database, pr)
		pr.Close() // pg_restore may stop reading early: free the writer
		return undo, err
	}
	files = append(files, cfg.dsn()+"-wal", cfg.dsn()+"-shm", cfg.dsn())
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return undo, err
	}
	tmp, err := os.CreateTemp(cfg.Data, ".journey.db.restoring-*")
	if err != nil {
		return undo, err
	}
	files = append(files, tmp.Name())
	err = r.Snapshot(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), cfg.dsn())
	}
	return undo, err
}

// dsnName names the database for people: the folder, or the URL without
// its password.
func (c *Config) dsnName() string {
	if c.Database == "" {
		return c.Data
	}
	return redactURL(c.Database)
}

// redactURL returns a database URL without its password.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the database"
	}
	return u.Redacted()
}
