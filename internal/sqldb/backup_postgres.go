package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// PostgreSQL backups are pg_dump's custom format, restored by pg_restore:
// the tools PostgreSQL keeps compatible with its own servers, which we
// should not imitate.

// snapshotPostgres runs pg_dump under a snapshot exported from a
// repeatable-read transaction that also reads the description, so both
// see the same state; writers go on meanwhile.
func (db *DB) snapshotPostgres(ctx context.Context, dir string) (*Snapshot, error) {
	bin, err := db.pgTool(ctx, "pg_dump")
	if err != nil {
		return nil, err
	}
	conn, err := db.Read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return nil, fmt.Errorf("sqldb: export snapshot: %w", err)
	}
	s := &Snapshot{Path: filepath.Join(dir, "journey.pgdump"), Name: "journey.pgdump", Dialect: Postgres}
	if err := describe(ctx, tx, Postgres, s); err != nil {
		return nil, err
	}
	if err := runPGTool(ctx, bin, db.dsn, nil, "--format=custom", "--snapshot="+id, "--file="+s.Path); err != nil {
		return nil, err
	}
	return s, tx.Commit()
}

// RestorePostgres restores a pg_dump archive read from dump into the
// database at dsn, in one transaction (a failure leaves it as it was).
// The database must be empty (PostgresEmpty); ownership and grants are
// left to the target's own role.
func RestorePostgres(ctx context.Context, dsn string, dump io.Reader) error {
	bin, err := pgToolPath("pg_restore", 0)
	if err != nil {
		return err
	}
	return runPGTool(ctx, bin, dsn, dump, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")
}

// PostgresEmpty reports whether the database at dsn holds no table,
// sequence or view outside PostgreSQL's own schemas: a restore goes only
// into such a database, never over a live one.
func PostgresEmpty(ctx context.Context, dsn string) (bool, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	var n int
	err = pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqldb: reach database: %w", err)
	}
	return n == 0, nil
}

// PostgresExtensions returns the extensions installed in the database at
// dsn: an operator may have made some (btree_gist, say) before a restore,
// and undoing the restore leaves them.
func PostgresExtensions(ctx context.Context, dsn string) ([]string, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	return strings1(ctx, pool, `SELECT extname FROM pg_extension`)
}

// EmptyPostgres drops what a restore made in the database at dsn's
// current schema, returning it to the empty database it was: the
// extensions not in keep, then the tables, views, sequences, functions
// and types that belong to no extension.
func EmptyPostgres(ctx context.Context, dsn string, keep []string) error {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	exts, err := strings1(ctx, pool, `SELECT extname FROM pg_extension`)
	if err != nil {
		return err
	}
	for _, e := range exts {
		if !slices.Contains(keep, e) {
			if _, err := pool.ExecContext(ctx, `DROP EXTENSION IF EXISTS "`+e+`" CASCADE`); err != nil {
				return err
			}
		}
	}
	_, err = pool.ExecContext(ctx, `DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT format('DROP TABLE IF EXISTS %I CASCADE', tablename) AS s FROM pg_tables WHERE schemaname = current_schema() LOOP EXECUTE r.s; END LOOP;
		FOR r IN SELECT format('DROP %s IF EXISTS %I CASCADE', CASE relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, relname) AS s
			FROM pg_class c WHERE relnamespace = CAST(current_schema() AS regnamespace) AND relkind IN ('S', 'v', 'm')
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') LOOP EXECUTE r.s; END LOOP;
		FOR r IN SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', CAST(p.oid AS regprocedure)) AS s FROM pg_proc p
			WHERE pronamespace = CAST(current_schema() AS regnamespace)
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP EXECUTE r.s; END LOOP;
		FOR r IN SELECT format('DROP TYPE IF EXISTS %I CASCADE', typname) AS s FROM pg_type t
			WHERE typnamespace = CAST(current_schema() AS regnamespace) AND typtype IN ('e', 'd', 'c') AND typrelid = 0
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e') LOOP EXECUTE r.s; END LOOP;
		END $$`)
	return err
}

// runPGTool runs a PostgreSQL client program on the database at dsn, with
// the password (if the URL has one) in its environment rather than on its
// command line, where any user of the machine could read it.
func runPGTool(ctx context.Context, bin, dsn string, stdin io.Reader, args ...string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("sqldb: database URL: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--no-password", "--dbname="+u.String())...)
	cmd.Env, cmd.Stdin = env, stdin
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", filepath.Base(bin), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// pgTool finds a PostgreSQL client program for this database's server.
func (db *DB) pgTool(ctx context.Context, name string) (string, error) {
	var num int
	if err := db.Read.QueryRowContext(ctx, `SELECT CAST(current_setting('server_version_num') AS integer)`).Scan(&num); err != nil {
		return "", err
	}
	return pgToolPath(name, num/10000)
}

// pgToolPath finds a PostgreSQL client program: on PATH, or where Debian
// and Ubuntu install each major version (/usr/lib/postgresql/N/bin), the
// newest. It fails naming what to install; major, when known, is the
// server's (the tools must be that version or newer).
func pgToolPath(name string, major int) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob(filepath.Join("/usr/lib/postgresql", "*", "bin", name))
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) > pgMajor(found[j]) })
	if len(found) > 0 && pgMajor(found[0]) >= major {
		return found[0], nil
	}
	v, n := "the server's major version", "N"
	if major > 0 {
		v, n = strconv.Itoa(major)+" (the server's)", strconv.Itoa(major)
	}
	return "", fmt.Errorf("%s is not installed: a PostgreSQL backup needs PostgreSQL's client programs, version %s or newer, on PATH "+
		"(Debian/Ubuntu: apt install postgresql-client-%s; Fedora/RHEL: dnf install postgresql; macOS: brew install libpq)", name, v, n)
}

func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// CheckPostgresDump reports whether pg_restore reads the table of contents
// of the pg_dump archive read from dump: the check of a PostgreSQL backup
// short of restoring it.
func CheckPostgresDump(ctx context.Context, dump io.Reader) error {
	bin, err := pgToolPath("pg_restore", 0)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "--list")
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = dump, io.Discard, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore --list: %v: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}
