package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
)

// ResetRequests works stored requests for a password reset link.
type ResetRequests interface {
	ProcessResetRequest(ctx context.Context, id int64) error
}

// ResetRequestArgs is the job that works one password reset request. It
// holds the request's id only: job arguments are stored in plain text, and
// an address must never be.
type ResetRequestArgs struct {
	RequestID int64 `json:"request_id"`
}

// Kind names the job in River's table.
func (ResetRequestArgs) Kind() string { return "reset_request" }

// ResetRequestWorker runs ResetRequestArgs jobs.
type ResetRequestWorker struct {
	river.WorkerDefaults[ResetRequestArgs]
	Resets ResetRequests
}

// Work works the request: a link is mailed if the address has an active
// account; nothing happens otherwise.
func (w *ResetRequestWorker) Work(ctx context.Context, job *river.Job[ResetRequestArgs]) error {
	return w.Resets.ProcessResetRequest(ctx, job.Args.RequestID)
}

// EnqueueResetRequest schedules the work of request id inside tx, the
// transaction that stored the request.
func (q *Queue) EnqueueResetRequest(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := q.client.InsertTx(ctx, tx, ResetRequestArgs{RequestID: id}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue reset request: %w", err)
	}
	return nil
}
