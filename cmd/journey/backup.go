package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/backup"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/metrics"
	"github.com/journey-kap/journey/internal/sqldb"
)

// `journey backup`, `journey restore` and `journey verify`: the backup
// file's format is internal/backup's, the snapshot and the checks are
// internal/sqldb's; this file puts them in order and says what happened.

// backupFlags are `backup`'s own flags.
type backupFlags struct{ to string }

func (f *backupFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.to, "to", "", "the backup file to write (it must not exist)")
}

// verifyFlags are `verify`'s own flags.
type verifyFlags struct{ backup string }

func (f *verifyFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.backup, "backup", "", "check this backup file instead of the database: its manifest, digest and data keys, and on SQLite its snapshot as verify checks a database")
}

// restoreFlags are `restore`'s own flags.
type restoreFlags struct{ from string }

func (f *restoreFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.from, "from", "", "the backup file to restore")
}

// keyFiles loads the master and audit key files a backup, restore or
// verify needs, creating neither: a new key would read nothing.
func keyFiles(cfg *Config) (*crypt.MasterKeys, audit.Key, error) {
	mk, err := crypt.LoadMasterKeys(cfg.MasterKeyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("master key file %s: %w (give --master-key-file the key file of the installation the database came from)", cfg.MasterKeyFile, err)
	}
	key, err := audit.LoadKey(cfg.AuditKeyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("audit key file %s: %w (give --audit-key-file the audit key of the installation the database came from)", cfg.AuditKeyFile, err)
	}
	return mk, key, nil
}

// opsCommand is what backup, restore and verify start from: the settings,
// the key files and a log of warnings on standard error.
type opsCommand struct {
	cfg *Config
	mk  *crypt.MasterKeys
	key audit.Key
	log *slog.Logger
}

// opsSetup parses the command name's own flags (define) and the shared
// settings in args, and loads the key files.
func opsSetup(name string, args []string, getenv func(string) string, stderr io.Writer, define func(*flag.FlagSet)) (*opsCommand, error) {
	rest, err := splitFlags(args, ownFlags(name, stderr, define))
	if err != nil {
		return nil, err
	}
	o := &opsCommand{log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if o.cfg, err = parseConfig(name, rest, getenv, stderr); err != nil {
		return nil, err
	}
	o.mk, o.key, err = keyFiles(o.cfg)
	return o, err
}

// openAsItIs opens an existing database without migrating it.
func openAsItIs(ctx context.Context, cfg *Config, mk *crypt.MasterKeys, log *slog.Logger) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, cfg.dsn(), log, sqldb.WithMasterKeys(mk), sqldb.AsItIs())
	if errors.Is(err, crypt.ErrNoKey) || errors.Is(err, crypt.ErrDecrypt) {
		return nil, fmt.Errorf("master key file %s: %w", cfg.MasterKeyFile, err)
	}
	return db, err
}

// takeBackup writes a backup of db to the file to, then reads it back: the
// snapshot is checked (SQLite: integrity, data keys, the audit chain up to
// its head) before it is packed, and the packed file's digest after.
func takeBackup(ctx context.Context, db *sqldb.DB, mk *crypt.MasterKeys, key audit.Key, to string) (*backup.Manifest, error) {
	if _, err := os.Lstat(to); err == nil {
		return nil, fmt.Errorf("%s exists: a backup never overwrites a file", to)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return nil, fmt.Errorf("backup folder: %w", err)
	}
	dir, err := os.MkdirTemp(filepath.Dir(to), ".journey-backup-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(dir)
	snap, err := db.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	head := audit.Head{Seq: snap.AuditSeq, Hash: snap.AuditHash, Time: db.Now()}
	if snap.Dialect == sqldb.SQLite {
		if err := checkSnapshot(ctx, snap, mk, key, head, true); err != nil {
			return nil, err
		}
	}
	line, err := audit.FormatHead(key, head)
	if err != nil {
		return nil, err
	}
	m := &backup.Manifest{JourneyVersion: journeyVersion(), Dialect: snap.Dialect, SchemaVersion: snap.SchemaVersion,
		CreatedAt: db.Now().UTC(), Tables: snap.Tables, AuditSeq: snap.AuditSeq, AuditHead: line,
		Snapshot: backup.Snapshot{Name: snap.Name}}
	for _, k := range snap.DataKeys {
		m.DataKeys = append(m.DataKeys, backup.DataKey{ID: k.ID, MasterKeyID: k.MasterKeyID, Wrapped: k.Wrapped})
	}
	if err := backup.Write(to, m, snap.Path, key); err != nil {
		return nil, err
	}
	if _, err := backup.Check(to, key); err != nil {
		return nil, fmt.Errorf("the backup did not read back: %w", err)
	}
	return m, nil
}

// checkSnapshot opens a SQLite snapshot and checks it as verify would a
// database, against the audit head it was taken at; quick checks its
// pages but not its indexes against its rows (sqldb.CheckIntegrity).
func checkSnapshot(ctx context.Context, snap *sqldb.Snapshot, mk *crypt.MasterKeys, key audit.Key, head audit.Head, quick bool) error {
	sdb, err := sqldb.Open(ctx, snap.Path, nil, sqldb.WithMasterKeys(mk), sqldb.AsItIs())
	if err != nil {
		return fmt.Errorf("the snapshot does not open: %w", err)
	}
	defer sdb.Close()
	if _, problems, err := sdb.CheckIntegrity(ctx, quick); err != nil || len(problems) > 0 {
		return fmt.Errorf("the snapshot is damaged: %v %v", err, problems)
	}
	if _, problem, err := sdb.VerifyAuditHead(ctx, key, &head); err != nil || problem != nil {
		return fmt.Errorf("the snapshot's audit trail does not verify: %v %v", err, problem)
	}
	return nil
}

// recordedBackup takes a backup of db into the file to, as journey backup
// does, and records the attempt (the status Today and the metrics show)
// and its audit entry, whether it succeeded or not; how says who asked.
func recordedBackup(ctx context.Context, cfg *Config, db *sqldb.DB, to, how string) (*backup.Manifest, error) {
	run := &journey.BackupRun{Started: db.Now(), File: filepath.Base(to)}
	mk, key, err := keyFiles(cfg)
	var m *backup.Manifest
	if err == nil {
		m, err = takeBackup(ctx, db, mk, key, to)
	}
	run.Finished = db.Now()
	outcome := journey.AuditSuccess
	if err != nil {
		run.Err, outcome = err.Error(), journey.AuditFailure
	} else if fi, serr := os.Stat(to); serr == nil {
		run.Size = fi.Size()
	}
	if rerr := db.RecordBackup(context.WithoutCancel(ctx), run); rerr != nil {
		db.Log.Warn("the backup attempt could not be recorded", "file", run.File, "error", rerr)
	}
	db.Audit(ctx, &journey.AuditEntry{ActorRole: "system", Action: "backup.create", SubjectType: "database", SubjectID: run.File,
		ClientAddr: "local", Outcome: outcome, Detail: how})
	return m, err
}

// backupName is a scheduled backup's file name: its time, so names sort
// in the order they were taken.
const backupName = "journey-20060102T150405Z.tar"

// scheduledBackup is the backup job's work: when no good backup finished
// within cfg.BackupEvery, write one into cfg.BackupDir, then delete the
// oldest beyond cfg.BackupKeep.
func scheduledBackup(cfg *Config, db *sqldb.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		st, err := db.BackupStatus(ctx)
		if err != nil {
			return err
		}
		now := db.Now()
		if !st.LastOK.IsZero() && now.Sub(st.LastOK) < cfg.BackupEvery {
			return nil
		}
		to := filepath.Join(cfg.BackupDir, now.UTC().Format(backupName))
		if _, err := recordedBackup(ctx, cfg, db, to, "scheduled"); err != nil {
			db.Log.Error("scheduled backup failed", "file", to, "error", err)
			return err
		}
		db.Log.Info("scheduled backup written and verified", "file", to)
		return pruneBackups(cfg.BackupDir, cfg.BackupKeep)
	}
}

// backupEvery is the scheduled backups' interval, 0 when they are off.
func backupEvery(cfg *Config) time.Duration {
	if cfg.BackupDir == "" {
		return 0
	}
	return cfg.BackupEvery
}

// watchBackups makes the metrics report the scheduled backups: the age of
// the newest good one, whether the newest attempt succeeded, and how many
// failed since the good one. The status is read at most once a second,
// however many gauges a scrape reads.
func watchBackups(m *metrics.Metrics, db *sqldb.DB) error {
	var mu sync.Mutex
	var st journey.BackupStatus
	var read time.Time
	status := func() journey.BackupStatus {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(read) > time.Second {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if s, err := db.BackupStatus(ctx); err == nil {
				st, read = s, time.Now()
			}
		}
		return st
	}
	m.SetLastBackup(func() (time.Time, bool) { s := status(); return s.LastOK, !s.LastOK.IsZero() })
	if err := m.GaugeFunc("backup_last_ok", "1 when the newest backup attempt was written and verified, 0 when it failed; NaN before the first.",
		func() float64 {
			s := status()
			switch {
			case s.Last == nil:
				return math.NaN()
			case s.Last.Err != "":
				return 0
			}
			return 1
		}); err != nil {
		return err
	}
	return m.GaugeFunc("backup_failures", "Backup attempts that failed since the newest good one.",
		func() float64 { return float64(status().Failures) })
}

// pruneBackups deletes the oldest scheduled backups in dir beyond keep;
// other files are left alone.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var ours []string
	for _, e := range entries {
		if _, err := time.Parse(backupName, e.Name()); err == nil && e.Type().IsRegular() {
			ours = append(ours, e.Name())
		}
	}
	sort.Strings(ours)
	var errs []error
	for _, name := range ours[:max(0, len(ours)-keep)] {
		errs = append(errs, os.Remove(filepath.Join(dir, name)))
	}
	return errors.Join(errs...)
}

// auditOps records a backup, restore or verification by a command or the
// scheduler, and waits until it is written.
func auditOps(ctx context.Context, db *sqldb.DB, action, subject, outcome, detail string) error {
	db.Audit(ctx, &journey.AuditEntry{ActorRole: "system", Action: action, SubjectType: "database", SubjectID: subject,
		ClientAddr: "local", Outcome: outcome, Detail: detail})
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return db.FlushAudit(fctx)
}

// backupCommand runs `journey backup --to FILE`.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f backupFlags
	o, err := opsSetup("backup", args, getenv, stderr, f.define)
	if err != nil {
		return err
	}
	if f.to == "" {
		return fmt.Errorf("usage: journey backup --to FILE [settings]")
	}
	cfg, mk, key := o.cfg, o.mk, o.key
	db, err := openAsItIs(ctx, cfg, mk, o.log)
	if err != nil {
		return err
	}
	defer db.Close()
	db.StartAudit(key, cfg.AuditHeadFile, sqldb.AuditHeadInterval(cfg.AuditHeadInterval))
	t0 := time.Now()
	m, err := recordedBackup(ctx, cfg, db, f.to, "journey backup")
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ferr := db.FlushAudit(fctx)
	if err != nil {
		return fmt.Errorf("backup failed, nothing written to %s: %w", f.to, err)
	}
	if ferr != nil {
		fmt.Fprintf(stderr, "journey: the backup is written, but recording it in the audit trail failed: %v\n", ferr)
	}
	fmt.Fprintf(stdout, `Wrote %s in %v: %.1f MB, SHA-256 %s.
It holds the %s database at schema %d, with audit entries up to %d, read back and checked.

The backup holds no key. Keep these files apart from it, and from the database:
without them nothing in the backup can be read or its audit trail verified.
  master key file: %s
  audit key file:  %s

To restore:  journey restore --from %s --data NEW_FOLDER (or --database URL) \
               --master-key-file %s --audit-key-file %s
`, f.to, time.Since(t0).Round(time.Millisecond), float64(m.Snapshot.Size)/(1<<20), m.Snapshot.SHA256, m.Dialect, m.SchemaVersion,
		m.AuditSeq, absPath(cfg.MasterKeyFile), absPath(cfg.AuditKeyFile), f.to, absPath(cfg.MasterKeyFile), absPath(cfg.AuditKeyFile))
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// verifyCommand runs `journey verify`: the database's storage, its schema
// version, its data keys and its audit trail. The verification is recorded
// in the database's audit trail unless the storage check failed, as
// writing into a damaged file could damage it further.
func verifyCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f verifyFlags
	o, err := opsSetup("verify", args, getenv, stderr, f.define)
	if err != nil {
		return err
	}
	cfg, mk, key, log := o.cfg, o.mk, o.key, o.log
	if f.backup != "" {
		return verifyBackupCommand(ctx, cfg, f.backup, mk, key, log, stdout, stderr)
	}
	db, err := openAsItIs(ctx, cfg, mk, log)
	if err != nil {
		return fmt.Errorf("verification FAILED: the database does not open as it is: %w", err)
	}
	defer db.Close()
	res := verifyDB(ctx, db, key, cfg.AuditHeadFile)
	fmt.Fprint(stdout, res.report)
	if res.storageOK {
		db.StartAudit(key, cfg.AuditHeadFile, sqldb.AuditHeadInterval(cfg.AuditHeadInterval))
		outcome := journey.AuditSuccess
		if res.err != nil {
			outcome = journey.AuditFailure
		}
		if err := auditOps(ctx, db, "database.verify", db.Dialect, outcome, "journey verify"); err != nil {
			fmt.Fprintf(stderr, "journey: recording the verification in the audit trail failed: %v\n", err)
		}
	}
	return res.err
}

// verification is what verifyDB found.
type verification struct {
	report    string
	storageOK bool
	err       error // nil when everything checked out
}

// verifyDB checks an open database: storage, schema, data keys (unwrapped
// when it was opened), the audit chain against the head file.
func verifyDB(ctx context.Context, db *sqldb.DB, key audit.Key, headFile string) verification {
	var v verification
	var failed []string
	line := func(ok bool, what, detail string) {
		mark := "ok    "
		if !ok {
			mark = "FAILED"
			failed = append(failed, what)
		}
		v.report += fmt.Sprintf("%s %-10s %s\n", mark, what, detail)
	}
	method, problems, err := db.CheckIntegrity(ctx, false)
	switch {
	case err != nil:
		line(false, "storage", err.Error())
	case len(problems) > 0:
		shown := problems[:min(len(problems), 3)]
		line(false, "storage", fmt.Sprintf("%s: %d problem(s), the first: %s", method, len(problems), strings.Join(shown, "; ")))
	default:
		v.storageOK = true
		line(true, "storage", method)
	}
	if n, err := db.SchemaVersion(ctx); err != nil {
		line(false, "schema", err.Error())
	} else {
		line(true, "schema", fmt.Sprintf("version %d (this journey knows up to %d)", n, sqldb.KnownSchemaVersion(db.Dialect)))
	}
	line(true, "keys", "every data key unwraps with the master key file")
	n, problem, err := db.VerifyAudit(ctx, key, headFile)
	switch {
	case err != nil:
		line(false, "audit", fmt.Sprintf("could not be read after %d entries: %v", n, err))
	case problem != nil:
		line(false, "audit", fmt.Sprintf("NOT intact after %d entries: %s", n, problem))
	default:
		line(true, "audit", fmt.Sprintf("%d entries verified against the head file %s", n, headFile))
	}
	if len(failed) > 0 {
		v.err = fmt.Errorf("verification FAILED: %v", failed)
	} else {
		v.report += "The database verifies.\n"
	}
	return v
}

// verifyBackupCommand runs `journey verify --backup FILE` and records the
// verification in the database the settings name, when it opens.
func verifyBackupCommand(ctx context.Context, cfg *Config, file string, mk *crypt.MasterKeys, key audit.Key, log *slog.Logger,
	stdout, stderr io.Writer) error {
	report, verr := verifyBackup(ctx, file, mk, key)
	fmt.Fprint(stdout, report)
	db, err := openAsItIs(ctx, cfg, mk, log)
	if err != nil {
		fmt.Fprintf(stderr, "journey: the verification is not recorded in an audit trail: %v\n", err)
		return verr
	}
	defer db.Close()
	db.StartAudit(key, cfg.AuditHeadFile, sqldb.AuditHeadInterval(cfg.AuditHeadInterval))
	outcome := journey.AuditSuccess
	if verr != nil {
		outcome = journey.AuditFailure
	}
	if err := auditOps(ctx, db, "backup.verify", filepath.Base(file), outcome, "journey verify --backup"); err != nil {
		fmt.Fprintf(stderr, "journey: recording the verification in the audit trail failed: %v\n", err)
	}
	return verr
}

// verifyBackup checks a backup file without restoring it: the manifest
// under the audit key and the snapshot against its digest, the data keys
// against the master key file, and the snapshot itself (SQLite: opened
// from a temporary copy and checked as a database, its audit chain up to
// the manifest's head; PostgreSQL: pg_restore reads its table of contents).
func verifyBackup(ctx context.Context, file string, mk *crypt.MasterKeys, key audit.Key) (string, error) {
	m, err := backup.Check(file, key)
	if err != nil {
		return "FAILED file       " + err.Error() + "\n", fmt.Errorf("verification FAILED: %w", err)
	}
	report := fmt.Sprintf("ok     file       manifest verifies; %.1f MB snapshot of %s schema %d matches its SHA-256\n",
		float64(m.Snapshot.Size)/(1<<20), m.Dialect, m.SchemaVersion)
	fail := func(what string, err error) (string, error) {
		return report + fmt.Sprintf("FAILED %-10s %v\n", what, err), fmt.Errorf("verification FAILED: %s: %w", what, err)
	}
	if err := sqldb.CheckDataKeys(mk, toWrapped(m.DataKeys)); err != nil {
		return fail("keys", err)
	}
	report += "ok     keys       every data key unwraps with the master key file\n"
	r, err := backup.Open(file, key)
	if err != nil {
		return fail("file", err)
	}
	defer r.Close()
	if m.Dialect == sqldb.Postgres {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(r.Snapshot(pw)) }()
		err := sqldb.CheckPostgresDump(ctx, pr)
		pr.Close()
		if err != nil {
			return fail("snapshot", err)
		}
		return report + "ok     snapshot   pg_restore reads its table of contents (restore it into an empty database for a full check)\n" +
			"The backup verifies.\n", nil
	}
	dir, err := os.MkdirTemp("", "journey-verify-*")
	if err != nil {
		return fail("snapshot", err)
	}
	defer os.RemoveAll(dir)
	snap := &sqldb.Snapshot{Path: filepath.Join(dir, "journey.db")}
	f, err := os.OpenFile(snap.Path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return fail("snapshot", err)
	}
	err = r.Snapshot(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail("snapshot", err)
	}
	head, err := audit.ParseHead(key, m.AuditHead)
	if err != nil {
		return fail("audit", err)
	}
	if err := checkSnapshot(ctx, snap, mk, key, head, false); err != nil {
		return fail("snapshot", err)
	}
	return report + fmt.Sprintf("ok     snapshot   storage intact, audit trail verifies up to entry %d\n", head.Seq) + "The backup verifies.\n", nil
}
