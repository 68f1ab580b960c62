package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	"github.com/journey-kap/journey"
)

// Driver errors become journey.Error codes here and in errors_*.go, by the
// driver's code, never by its message: a constraint violation is ECONFLICT;
// a database that cannot be reached is EUNAVAILABLE, so a visitor hears
// "try again in a minute" (503), never that the therapist they chose does
// not exist or that their password is wrong.

// isConflict reports whether err is a constraint violation that means the
// request clashes with stored data (errors_postgres.go, errors_sqlite.go).
func isConflict(err error) bool { return pgConflict(err) || sqliteConflict(err) }

// isUnavailable reports whether err means the database could not be
// reached or could not do the work now, whatever the statement: a broken
// or refused connection, a server shutting down or starting up, a disk
// that fails or is full, a lock not freed within busy_timeout, a database
// that did not answer in time, or this process closing its pools.
func isUnavailable(err error) bool {
	var ne net.Error // *net.OpError and DNS errors: the network between us
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, errClosed), errors.Is(err, errBatchAborted), errors.As(err, &ne):
		return true
	}
	return pgUnavailable(err) || sqliteUnavailable(err)
}

// errUnavailableMessage is what the person whose request failed is told.
const errUnavailableMessage = "We can't reach our records right now. Nothing you typed was lost: please try again in a minute."

// unavailable returns err as an EUNAVAILABLE *journey.Error when it means
// the database could not be reached, and err unchanged otherwise.
func unavailable(err error) error {
	if err == nil || !isUnavailable(err) {
		return err
	}
	var je *journey.Error
	if errors.As(err, &je) {
		return err
	}
	return &journey.Error{Code: journey.EUNAVAILABLE, Message: errUnavailableMessage, Err: err}
}

// row is a *sql.Row whose Scan reports an unreachable database as
// EUNAVAILABLE. Every read goes through row or rowSet, and every write
// through mapErr, so no method has to remember to map.
type row struct{ *sql.Row }

// Scan scans the row; sql.ErrNoRows is returned unchanged.
func (r row) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }

// rowSet is *sql.Rows whose Err and Scan report an unreachable database as
// EUNAVAILABLE: a connection can break half way through a result.
type rowSet struct{ *sql.Rows }

// Scan scans the current row.
func (r *rowSet) Scan(dest ...any) error { return unavailable(r.Rows.Scan(dest...)) }

// Err returns the error that ended the iteration, if any.
func (r *rowSet) Err() error { return unavailable(r.Rows.Err()) }

func wrapRows(rs *sql.Rows, err error) (*rowSet, error) {
	if err != nil {
		return nil, unavailable(err)
	}
	return &rowSet{rs}, nil
}
