package sqldb

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"time"

	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/crypt"
)

// OpenAtVersion opens dsn with the migrations up to version applied, its
// data keys loaded and no data step run: a database as an older release
// left it, for upgrade tests.
func OpenAtVersion(ctx context.Context, dsn string, version int, mk *crypt.MasterKeys) (*DB, error) {
	db := &DB{Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(dsn)
	} else {
		err = db.openSQLite(dsn)
	}
	if err == nil {
		err = db.migrate(ctx, version)
	}
	if err == nil {
		err = db.loadKeys(ctx, mk)
	}
	if err != nil {
		if db.Write != nil {
			db.Close()
		}
		return nil, err
	}
	return db, nil
}

// SealSomeClinicalFacts runs one batch of the clients and one of the
// alerts of the data step after migration 7, and nothing else: what a
// process that stopped half-way through the step leaves.
func (db *DB) SealSomeClinicalFacts(ctx context.Context) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.sealClientsBatch(ctx); err != nil {
			return err
		}
		_, err := tx.sealAlertsBatch(ctx)
		return err
	})
}

// Exec runs one statement of a write closure under test (RawWrite).
type Exec func(query string, args ...any) error

// RawWrite runs fn as one write through db.write, the path every service
// method takes, with raw SQL: tests inject faults into it.
func (db *DB) RawWrite(ctx context.Context, fn func(ctx context.Context, exec Exec) error) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return fn(ctx, func(query string, args ...any) error {
			_, err := tx.exec(ctx, query, args...)
			return err
		})
	})
}

// QueuedWrites returns how many writes wait for the group committer (0 on
// PostgreSQL, which has none).
func (db *DB) QueuedWrites() int {
	if db.committer == nil {
		return 0
	}
	return len(db.committer.queue)
}

// ReadQueryRow runs query as the service methods' reads do, through the
// statement cache.
func (db *DB) ReadQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.queryRow(ctx, query, args...).Row
}

// OpenReadStatements returns how many statements the read path prepared
// and has not closed.
func (db *DB) OpenReadStatements() int64 { return db.openStmts.Load() }

// MaxStmts is the size of the read statement cache.
const MaxStmts = maxStmts

// AuditEntries returns the whole trail as stored, oldest first, for tests
// that tamper with a copy of it.
func (db *DB) AuditEntries(ctx context.Context) ([]*audit.Entry, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PadList is the width what is missing is padded to.
const PadList = padList

// ErrSessionTaken is the refusal of a booking the database refused when
// what it lost to could no longer be found.
var ErrSessionTaken = errSessionTaken

// LogFileFields and ReadLogFields are the log file's one value a row and
// its reader, for the test that the index holds the same expression.
const LogFileFields = logFileFields

var ReadLogFields = readLogFields
