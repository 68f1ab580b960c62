package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// Outages are told by the driver's code, never its message.
func TestIsUnavailableByCode(t *testing.T) {
	pg := func(code string) error {
		return fmt.Errorf("query: %w", &pgconn.PgError{Code: code, Message: "whatever"})
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{pg("57P01"), true},       // admin_shutdown: backend terminated, a restart
		{pg("57P02"), true},       // crash_shutdown
		{pg("57P03"), true},       // cannot_connect_now
		{pg("08006"), true},       // connection_failure
		{pg("08001"), true},       // sqlclient_unable_to_establish_sqlconnection
		{pg("53300"), true},       // too_many_connections
		{pg("23505"), false},      // unique violation: a conflict
		{pg("22P02"), false},      // bad input
		{pg("57014"), false},      // query_canceled: the caller went away
		{driver.ErrBadConn, true}, // database/sql gave up on its connections
		{context.DeadlineExceeded, true},
		{context.Canceled, false},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{fmt.Errorf("sqldb: commit: %w", errClosed), true},
		{sql.ErrNoRows, false},
		{errors.New("connection refused"), false}, // a message alone says nothing
	} {
		if got := isUnavailable(c.err); got != c.want {
			t.Errorf("isUnavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
