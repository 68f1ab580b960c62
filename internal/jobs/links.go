package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
)

// LinkRequests answers stored requests for a consult's manage link.
type LinkRequests interface {
	AnswerLinkRequest(ctx context.Context, id int64) error
}

// LinkRequestArgs is the job that answers one manage-link request. It holds
// the request's id only: job arguments are stored in plain text, and an
// address must never be.
type LinkRequestArgs struct {
	RequestID int64 `json:"request_id"`
}

// Kind names the job in River's table.
func (LinkRequestArgs) Kind() string { return "link_request" }

// LinkRequestWorker runs LinkRequestArgs jobs.
type LinkRequestWorker struct {
	river.WorkerDefaults[LinkRequestArgs]
	Links LinkRequests
}

// Work answers the request: the link is mailed if the address has an
// upcoming consult; nothing happens otherwise.
func (w *LinkRequestWorker) Work(ctx context.Context, job *river.Job[LinkRequestArgs]) error {
	return w.Links.AnswerLinkRequest(ctx, job.Args.RequestID)
}

// EnqueueLinkRequest schedules the answer to request id inside tx, the
// transaction that stored the request.
func (q *Queue) EnqueueLinkRequest(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := q.client.InsertTx(ctx, tx, LinkRequestArgs{RequestID: id}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue link request: %w", err)
	}
	return nil
}
