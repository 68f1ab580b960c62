package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Good Faith Estimates are issued by the job queue as soon as they fall
// due, well before their deadline: a job per request, queued in the
// transaction that opened it (a booking, the client asking, a plan
// change), and a sweep every few minutes for any request whose job was
// lost or that was opened without a queue. Issuing marks the request done
// in the transaction that stores the estimates and queues their email, so
// a job that runs twice, or in two processes, issues once.

// EstimateSweepInterval is how often open estimate requests are looked
// for.
const EstimateSweepInterval = 5 * time.Minute

// Estimates issues Good Faith Estimates (processing: the plan priced,
// the PDFs, the email).
type Estimates interface {
	// IssueEstimateRequest issues request id; one issued already is
	// nothing to do.
	IssueEstimateRequest(ctx context.Context, id int64) error
	// IssueOpenEstimates issues up to limit open requests and says how
	// many it issued.
	IssueOpenEstimates(ctx context.Context, limit int) (int, error)
}

type estimateRequest struct{}

func (estimateRequest) kind() string { return "estimate_request" }

// EnqueueEstimateRequest schedules the issue of estimate request id
// inside tx, the transaction that opened it.
func (q *Queue) EnqueueEstimateRequest(ctx context.Context, tx *sql.Tx, id int64) error {
	return enqueueRequest[estimateRequest](ctx, q, tx, id)
}

// EstimateSweepArgs is the periodic job that issues open requests.
type EstimateSweepArgs struct{}

// Kind names the job in River's table.
func (EstimateSweepArgs) Kind() string { return "estimate_sweep" }

type estimateSweepWorker struct {
	river.WorkerDefaults[EstimateSweepArgs]
	estimates Estimates
	log       *slog.Logger
}

// Work issues the open requests, a hundred at most a run.
func (w *estimateSweepWorker) Work(ctx context.Context, _ *river.Job[EstimateSweepArgs]) error {
	n, err := w.estimates.IssueOpenEstimates(ctx, 100)
	if n > 0 {
		w.log.Info("good faith estimates issued by the sweep", "requests", n)
	}
	return err
}

func estimateSweepJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(EstimateSweepInterval), func() (river.JobArgs, *river.InsertOpts) {
		return EstimateSweepArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
			rivertype.JobStateScheduled}}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}
