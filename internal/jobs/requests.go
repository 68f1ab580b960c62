package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
)

// A request job answers one request the database stored (a consult's
// manage link, a password reset link) apart from the web request that
// made it, so that request answers the same whether or not the address
// is known. The job holds the request's id only: job arguments are stored
// in plain text, and an address must never be.

// LinkRequests answers stored requests for a consult's manage link: the
// link is mailed if the address has an upcoming consult; nothing happens
// otherwise.
type LinkRequests interface {
	AnswerLinkRequest(ctx context.Context, id int64) error
}

// ResetRequests works stored requests for a password reset link: a link
// is mailed if the address has an active account; nothing happens
// otherwise.
type ResetRequests interface {
	ProcessResetRequest(ctx context.Context, id int64) error
}

// requestKind names a kind of request in River's table.
type requestKind interface{ kind() string }

type linkRequest struct{}

func (linkRequest) kind() string { return "link_request" }

type resetRequest struct{}

func (resetRequest) kind() string { return "reset_request" }

// RequestArgs is the job that answers request RequestID of kind K.
type RequestArgs[K requestKind] struct {
	RequestID int64 `json:"request_id"`
}

// Kind names the job in River's table.
func (RequestArgs[K]) Kind() string {
	var k K
	return k.kind()
}

// requestWorker runs RequestArgs[K] jobs by handing the id to answer.
type requestWorker[K requestKind] struct {
	river.WorkerDefaults[RequestArgs[K]]
	answer func(ctx context.Context, id int64) error
}

// Work answers the request.
func (w *requestWorker[K]) Work(ctx context.Context, job *river.Job[RequestArgs[K]]) error {
	return w.answer(ctx, job.Args.RequestID)
}

// enqueueRequest schedules the answer to request id inside tx, the
// transaction that stored the request.
func enqueueRequest[K requestKind](ctx context.Context, q *Queue, tx *sql.Tx, id int64) error {
	if _, err := q.client.InsertTx(ctx, tx, RequestArgs[K]{RequestID: id}, nil); err != nil {
		var k K
		return fmt.Errorf("jobs: enqueue %s: %w", k.kind(), err)
	}
	return nil
}

// EnqueueLinkRequest schedules the answer to manage-link request id
// inside tx, the transaction that stored it.
func (q *Queue) EnqueueLinkRequest(ctx context.Context, tx *sql.Tx, id int64) error {
	return enqueueRequest[linkRequest](ctx, q, tx, id)
}

// EnqueueResetRequest schedules the work of password reset request id
// inside tx, the transaction that stored it.
func (q *Queue) EnqueueResetRequest(ctx context.Context, tx *sql.Tx, id int64) error {
	return enqueueRequest[resetRequest](ctx, q, tx, id)
}
