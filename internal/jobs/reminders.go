package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/journey-kap/journey"
)

// Reminders about care sessions run in two jobs. A periodic sweep makes
// the reminders due now (the store's key makes each once, whichever
// process sweeps) and queues a job per reminder in the same transaction;
// that job sends it, once (the reminder's status, moved only from
// pending, decides). Both hold ids only: job arguments are plain text.

// ReminderSweepInterval is how often due reminders are looked for.
const ReminderSweepInterval = time.Minute

// ReminderStore makes and sends reminders.
type ReminderStore interface {
	ScheduleReminders(ctx context.Context, texts bool, limit int) (int, error)
	DeliverReminder(ctx context.Context, id int64, sender journey.SMSSender) error
}

// ReminderSweepArgs is the periodic job that makes due reminders.
type ReminderSweepArgs struct{}

// Kind names the job in River's table.
func (ReminderSweepArgs) Kind() string { return "reminder_sweep" }

// ReminderArgs is the job that sends one reminder.
type ReminderArgs struct {
	ReminderID int64 `json:"reminder_id"`
}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "reminder" }

type reminderSweepWorker struct {
	river.WorkerDefaults[ReminderSweepArgs]
	store ReminderStore
	sms   journey.SMSSender
	log   *slog.Logger
}

// Work makes the reminders due now, texts too when a provider is set up.
func (w *reminderSweepWorker) Work(ctx context.Context, _ *river.Job[ReminderSweepArgs]) error {
	n, err := w.store.ScheduleReminders(ctx, w.sms != nil && w.sms.Configured(), 500)
	if n > 0 {
		w.log.Info("reminders due", "reminders", n)
	}
	return err
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	store ReminderStore
	sms   journey.SMSSender
	log   *slog.Logger
}

// Work sends the reminder; an error (the database, or a text provider
// that is unavailable) makes River try again with backoff.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	err := w.store.DeliverReminder(ctx, job.Args.ReminderID, w.sms)
	if err != nil {
		// The provider's answer may quote the number: it stays in the store, sealed.
		w.log.Warn("reminder not sent; will retry", "reminder_id", job.Args.ReminderID, "attempt", job.Attempt, "class", journey.SMSErrorClass(err))
	}
	return err
}

// sweepJob is the periodic sweep, never queued twice at once: on
// PostgreSQL several processes share the queue.
func sweepJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(ReminderSweepInterval), func() (river.JobArgs, *river.InsertOpts) {
		return ReminderSweepArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
			rivertype.JobStateScheduled}}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}

// EnqueueReminders queues the sending of reminders ids inside tx, the
// transaction that made them, in one insert.
func (q *Queue) EnqueueReminders(ctx context.Context, tx *sql.Tx, ids []int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: ReminderArgs{ReminderID: id}}
	}
	if _, err := q.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: enqueue reminders: %w", err)
	}
	return nil
}

// SweepReminders runs the sweep now, outside the schedule (for a test or
// an operator).
func (q *Queue) SweepReminders(ctx context.Context) error {
	_, err := q.client.Insert(ctx, ReminderSweepArgs{}, nil)
	return err
}
