package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/journey-kap/journey"
)

// SQLite writes with synchronous=FULL cost one fsync per commit, and SQLite
// has one writer at a time, so committing each booking on its own caps
// throughput at the disk's fsync rate. The committer is a group commit:
// one goroutine owns the write connection, takes every write request that
// is waiting, runs each under its own SAVEPOINT inside one transaction, and
// commits once. A request that fails rolls back to its savepoint alone; no
// caller hears "done" before the commit that holds its work is on disk.

// maxBatch bounds one transaction, so one commit never waits on too much.
const maxBatch = 64

// writeFunc is one caller's work in a write transaction. It runs under
// ctx, which the caller's cancellation cannot interrupt: on SQLite an
// interrupted statement rolls back the whole shared transaction, so one
// caller going away would undo, or half-commit, everyone else's work.
type writeFunc func(ctx context.Context, tx *Tx) error

type writeRequest struct {
	ctx  context.Context
	fn   writeFunc
	done chan error
}

type committer struct {
	db    *DB
	queue chan *writeRequest
	quit  chan struct{}
	idle  chan struct{}
}

var errClosed = errors.New("sqldb: database is closed")

func newCommitter(db *DB) *committer {
	c := &committer{db: db, queue: make(chan *writeRequest, maxBatch), quit: make(chan struct{}), idle: make(chan struct{})}
	go c.loop()
	return c
}

// do hands fn to the committer and waits for the commit that holds it.
func (c *committer) do(ctx context.Context, fn writeFunc) error {
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case c.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.quit:
		return errClosed
	}
	// Once queued the request is always answered, so wait regardless of
	// ctx: returning early could report failure for work that commits. The
	// one exception is a committer that stopped before taking it: the queue
	// is buffered, so a send can succeed after the final drain.
	select {
	case err := <-req.done:
		return err
	case <-c.idle:
		select {
		case err := <-req.done:
			return err
		default:
			return errClosed
		}
	}
}

func (c *committer) stop() {
	select {
	case <-c.quit:
		return
	default:
	}
	close(c.quit)
	<-c.idle
}

func (c *committer) loop() {
	defer close(c.idle)
	batch := make([]*writeRequest, 0, maxBatch)
	for {
		select {
		case <-c.quit:
			c.drain()
			return
		case req := <-c.queue:
			batch = append(batch[:0], req)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case req := <-c.queue:
				batch = append(batch, req)
			default:
				break more
			}
		}
		c.run(batch)
	}
}

// drain answers requests still queued at close.
func (c *committer) drain() {
	for {
		select {
		case req := <-c.queue:
			req.done <- errClosed
		default:
			return
		}
	}
}

// errBatchAborted answers every other request of a batch whose
// transaction one request broke: nothing in it was committed, and the same
// write sent again goes in (a 503 with Retry-After, the form kept).
var errBatchAborted = &journey.Error{Code: journey.EUNAVAILABLE, Message: "That was not saved; please try again.",
	Err: errors.New("sqldb: group commit: another write in the batch ended its transaction")}

// run executes one batch. A batch of one needs no savepoint.
func (c *committer) run(batch []*writeRequest) {
	if len(batch) == 1 {
		req := batch[0]
		if err := req.ctx.Err(); err != nil {
			req.done <- err // never ran, as in a batch
			return
		}
		req.done <- c.db.writeOne(req.ctx, req.fn)
		return
	}
	db := c.db
	// The transaction outlives any one caller's context.
	sqlTx, err := db.Write.BeginTx(context.Background(), nil)
	if err != nil {
		for _, req := range batch {
			req.done <- db.mapErr(fmt.Errorf("sqldb: begin: %w", err))
		}
		return
	}
	// Until our own commit, no commit may happen on the writer: a closure's
	// COMMIT, or a statement it runs after the transaction ended, would save
	// work that callers are then told failed (writerConnector).
	db.vetoCommits.Store(true)
	defer db.vetoCommits.Store(false)
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now().UTC().Truncate(time.Second)}
	errs := make([]error, len(batch))
	for i, req := range batch {
		if err := req.ctx.Err(); err != nil {
			errs[i] = err // never ran: "failed" is the truth
			continue
		}
		queued, bumps := len(tx.mail), maps.Clone(tx.bumps)
		var broken error
		errs[i], broken = c.step(tx, req)
		if broken != nil {
			// The savepoint is gone, so the transaction's state is unknown:
			// keep none of it, and tell every caller so.
			c.abort(sqlTx, batch, errs, i, broken)
			return
		}
		if errs[i] != nil {
			// Its work was rolled back, and with it what it deferred.
			tx.mail, tx.bumps = tx.mail[:queued], bumps
		}
	}
	// One insert of every delivery job in the batch; if it fails, nothing
	// in the batch may commit, or a booking could lose its mail.
	if err := tx.finish(context.Background()); err != nil {
		_ = sqlTx.Rollback()
		err = db.mapErr(err)
		for i, req := range batch {
			if errs[i] == nil {
				errs[i] = err
			}
			req.done <- errs[i]
		}
		return
	}
	db.vetoCommits.Store(false)
	if err := sqlTx.Commit(); err != nil {
		err = db.mapErr(fmt.Errorf("sqldb: commit: %w", err))
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	for i, req := range batch {
		req.done <- errs[i]
	}
	db.prepareWanted(tx.wanted)
}

// abort rolls the whole batch back after request at broke its savepoint;
// its own error stays with it, every other caller hears errBatchAborted
// (or the error it already had). Nothing of the batch was committed: the
// commit hook refused every commit but the committer's own.
func (c *committer) abort(sqlTx *sql.Tx, batch []*writeRequest, errs []error, at int, broken error) {
	_ = sqlTx.Rollback()
	c.db.Log.Error("group commit: batch rolled back", "size", len(batch), "err", broken)
	for i, req := range batch {
		switch {
		case i == at:
			if errs[i] == nil {
				errs[i] = broken
			}
		case errs[i] == nil || i > at:
			errs[i] = errBatchAborted
		}
		req.done <- errs[i]
	}
}

// step runs one request under a savepoint, undoing just its work on error.
// It returns the request's own error, and broken when the savepoint could
// not be rolled back or released: then the transaction may have ended (a
// statement that rolls back everything, an I/O error), and no other work in
// it can be trusted.
func (c *committer) step(tx *Tx, req *writeRequest) (err, broken error) {
	bg := context.Background()
	if _, err := tx.ExecContext(bg, "SAVEPOINT w"); err != nil {
		return nil, fmt.Errorf("sqldb: savepoint: %w", err)
	}
	err = guard(req.fn)(context.WithoutCancel(req.ctx), tx)
	if err != nil {
		if _, rerr := tx.ExecContext(bg, "ROLLBACK TO w"); rerr != nil {
			return c.db.mapErr(err), fmt.Errorf("sqldb: roll back to savepoint: %w", rerr)
		}
	}
	if _, rerr := tx.ExecContext(bg, "RELEASE w"); rerr != nil {
		return c.db.mapErr(err), fmt.Errorf("sqldb: release savepoint: %w", rerr)
	}
	return c.db.mapErr(err), nil
}

// guard turns a panic in fn into an error, so one bad request cannot take
// the committer, and every other writer, down with it.
func guard(fn writeFunc) writeFunc {
	return func(ctx context.Context, tx *Tx) (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("sqldb: panic in write: %v", v)
			}
		}()
		return fn(ctx, tx)
	}
}
