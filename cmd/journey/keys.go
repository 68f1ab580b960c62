package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
)

// openDB loads the master keys and opens the database with them. Errors
// about keys name the key file, which sqldb does not know.
func openDB(ctx context.Context, cfg *Config, log *slog.Logger) (*sqldb.DB, error) {
	mk, err := masterKeys(cfg, log)
	if err != nil {
		return nil, err
	}
	return openWithKeys(ctx, cfg, log, mk)
}

func openWithKeys(ctx context.Context, cfg *Config, log *slog.Logger, mk *crypt.MasterKeys) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, cfg.dsn(), log, sqldb.WithMasterKeys(mk))
	if errors.Is(err, crypt.ErrNoKey) || errors.Is(err, crypt.ErrDecrypt) {
		return nil, fmt.Errorf("master key file %s: %w", cfg.MasterKeyFile, err)
	}
	return db, err
}

// masterKeys loads the master key file. Only a new embedded database with
// the key file left at its default, DATA/master.key, gets one generated:
// PostgreSQL is shared by processes that must all hold the same key, and
// a key file set explicitly but missing is a mistake (a secrets volume not
// mounted, say) that a fresh key would only hide.
func masterKeys(cfg *Config, log *slog.Logger) (*crypt.MasterKeys, error) {
	path := cfg.MasterKeyFile
	mk, err := crypt.LoadMasterKeys(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return mk, err
	}
	initHint := "create one with `journey keys init --master-key-file " + path + "`"
	switch {
	case cfg.Database != "":
		return nil, fmt.Errorf("master key file %s does not exist: every process sharing the PostgreSQL database needs the same key file; "+
			"%s once, then give each process a copy (JOURNEY_MASTER_KEY_FILE)", path, initHint)
	case path != filepath.Join(cfg.Data, "master.key"):
		return nil, fmt.Errorf("master key file %s does not exist: %s, or unset --master-key-file to use DATA/master.key", path, initHint)
	}
	if fi, err := os.Stat(cfg.dsn()); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("master key file %s does not exist, but database %s does: its PHI cannot be read without the key file "+
			"that made it; restore that file or point JOURNEY_MASTER_KEY_FILE at it", path, cfg.dsn())
	}
	if mk, err = crypt.CreateMasterKeyFile(path); err != nil {
		return nil, err
	}
	log.Warn("generated a master key in " + path + "; for production move it off this disk and set JOURNEY_MASTER_KEY_FILE")
	return mk, nil
}

// keysCommand runs `journey keys init` and `journey keys rotate`.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "init" && args[0] != "rotate") {
		return fmt.Errorf("usage: journey keys init | journey keys rotate [--master-key-file F] [--data D | --database URL]")
	}
	cfg, err := parseConfig("keys "+args[0], args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	if args[0] == "init" {
		mk, err := crypt.CreateMasterKeyFile(cfg.MasterKeyFile)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created %s (mode 0600) holding master key %s.\n", cfg.MasterKeyFile, mk.Current())
		fmt.Fprintln(stdout, "Back it up apart from the database: without it nothing encrypted in the database can be read.")
		return nil
	}
	return rotateKeys(ctx, cfg, stdout)
}

// rotateKeys adds a master key and rewraps every data key under it. The
// database is opened with the key file as it is first, so a file that
// cannot open it is reported before it is changed.
func rotateKeys(ctx context.Context, cfg *Config, out io.Writer) error {
	old, err := crypt.LoadMasterKeys(cfg.MasterKeyFile)
	if err != nil {
		return err
	}
	db, err := openWithKeys(ctx, cfg, slog.New(slog.DiscardHandler), old)
	if err != nil {
		return err
	}
	defer db.Close()
	mk, err := crypt.AddMasterKey(cfg.MasterKeyFile)
	if err != nil {
		return err
	}
	n, err := db.RotateMasterKey(ctx, mk)
	if err != nil {
		return fmt.Errorf("master key %s was added to %s, but rewrapping failed (run `journey keys rotate` again): %w",
			mk.Current(), cfg.MasterKeyFile, err)
	}
	fmt.Fprintf(out, `Added master key %s to %s; it is now the current key.
Rewrapped %d data key(s) under it. Nothing else in the database changed.

Running processes are unaffected: they unwrapped the data keys when they
started and keep them in memory. A process that starts from now on needs
the new key, so copy %s to every host before restarting anything there.

The older key(s) (%s) may be deleted from the file once every process has
restarted with the new file. Keep them offline for as long as you keep
database backups taken before this rotation: those backups need them.
`, mk.Current(), cfg.MasterKeyFile, n, cfg.MasterKeyFile, strings.Join(old.IDs(), ", "))
	return nil
}
