package sqldb

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isConflict reports whether err is a constraint violation that means the
// request clashes with stored data: a unique key, an exclusion constraint
// (PostgreSQL 23505, 23P01) or SQLite's unique, primary-key and trigger
// constraint codes (the consult overlap trigger raises ABORT).
func isConflict(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505" || pg.Code == "23P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
			return true
		}
	}
	return false
}
