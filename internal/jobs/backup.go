package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// BackupArgs is the periodic job that takes a backup when one is due.
type BackupArgs struct{}

// Kind names the job in River's table.
func (BackupArgs) Kind() string { return "backup" }

// BackupWorker runs BackupArgs jobs.
type BackupWorker struct {
	river.WorkerDefaults[BackupArgs]
	// Backup takes a backup if one is due (the caller knows the interval
	// and reads when the last good one finished), and records it.
	Backup func(ctx context.Context) error
}

// Work takes a backup if one is due.
func (w *BackupWorker) Work(ctx context.Context, _ *river.Job[BackupArgs]) error {
	return w.Backup(ctx)
}

// Timeout lets a backup of a large database run as long as it takes.
func (w *BackupWorker) Timeout(*river.Job[BackupArgs]) time.Duration { return -1 }

// backupCheck is how often the queue asks whether a backup is due: a
// sixth of the interval, from a second to ten minutes, so a backup is
// never much later than due, also after a restart (a timer of the whole
// interval would start again at every restart).
func backupCheck(every time.Duration) time.Duration {
	return min(max(every/6, time.Second), 10*time.Minute)
}

// backupJob is the periodic job. It is tried once (the next check tries
// again), and never queued twice: on PostgreSQL several processes share
// the queue, and a backup may outlast a check.
func backupJob(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(backupCheck(every)), func() (river.JobArgs, *river.InsertOpts) {
		return BackupArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
			rivertype.JobStateScheduled}}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}
