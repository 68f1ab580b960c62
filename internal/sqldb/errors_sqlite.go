package sqldb

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteConflict reports whether err is one of SQLite's unique,
// primary-key, trigger and CHECK constraint codes (the consult overlap
// trigger raises ABORT; a container's balance below zero fails its CHECK):
// the request clashes with stored data.
func sqliteConflict(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER,
			sqlite3.SQLITE_CONSTRAINT_CHECK:
			return true
		}
	}
	return false
}

// sqliteUnavailable reports whether err says the SQLite file cannot be
// used now, by its primary result code (the low byte; extended codes such
// as SQLITE_IOERR_FSYNC carry it): SQLITE_BUSY (the lock was not freed
// within busy_timeout), SQLITE_IOERR*, SQLITE_CANTOPEN, SQLITE_FULL and
// SQLITE_READONLY (the file or its folder became read-only).
func sqliteUnavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}
