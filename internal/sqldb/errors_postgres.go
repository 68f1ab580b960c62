package sqldb

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// pgConflict reports whether err is a PostgreSQL unique (23505),
// exclusion (23P01) or check (23514: a container's balance below zero, an
// expired lot) violation: the request clashes with stored data.
func pgConflict(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "23505" || pg.Code == "23P01" || pg.Code == "23514")
}

// pgUnavailable reports whether err says PostgreSQL could not be reached or
// is not serving: any failure to connect (refused, reset, authentication
// against a server starting up, a database not accepting connections),
// a timeout inside pgconn, SQLSTATE class 08 (connection exception), 57P01
// admin_shutdown (a backend terminated, a restart), 57P02 crash_shutdown,
// 57P03 cannot_connect_now (starting up or in recovery) and 53300
// too_many_connections.
func pgUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	switch pg.Code {
	case "57P01", "57P02", "57P03", "53300":
		return true
	}
	return strings.HasPrefix(pg.Code, "08")
}
