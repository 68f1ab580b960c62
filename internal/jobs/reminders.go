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
// process sweeps) and queues, in the same transaction, a job per batch the
// store forms (a hundred emails, or one text); that job sends them, each
// once (the reminder's status, moved only from pending, decides, and River
// gives a job to one worker at a time). Both hold ids only: job arguments
// are plain text.

// ReminderSweepInterval is how often due reminders are looked for.
const ReminderSweepInterval = time.Minute

// ReminderStore makes and sends reminders.
type ReminderStore interface {
	ScheduleReminders(ctx context.Context, texts bool, limit int) (int, error)
	DeliverReminders(ctx context.Context, ids []int64, sender journey.SMSSender) error
	// SendMonitorInstructions queues the instructions a remote session's
	// monitor is owed now, each once per time of the session and channel;
	// texts too when texts.
	SendMonitorInstructions(ctx context.Context, texts bool) (int, error)
	// DeliverMonitorText sends a monitor's text through sender, at most once.
	DeliverMonitorText(ctx context.Context, id int64, sender journey.SMSSender) error
}

// ReminderSweepArgs is the periodic job that makes due reminders.
type ReminderSweepArgs struct{}

// Kind names the job in River's table.
func (ReminderSweepArgs) Kind() string { return "reminder_sweep" }

// ReminderArgs is the job that sends a batch of reminders.
type ReminderArgs struct {
	ReminderIDs []int64 `json:"reminder_ids"`
	// ReminderID is the one reminder of a job queued before batches.
	ReminderID int64 `json:"reminder_id,omitempty"`
}

// ids returns the reminders the job sends.
func (a ReminderArgs) ids() []int64 {
	if a.ReminderID != 0 {
		return append([]int64{a.ReminderID}, a.ReminderIDs...)
	}
	return a.ReminderIDs
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
	if err != nil {
		return err
	}
	// The monitor's instructions follow the same sweep: they fall due in
	// the first reminder window, and the session as it is then decides.
	m, err := w.store.SendMonitorInstructions(ctx, w.sms != nil && w.sms.Configured())
	if m > 0 {
		w.log.Info("monitor instructions queued", "messages", m)
	}
	return err
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	store ReminderStore
	sms   journey.SMSSender
	log   *slog.Logger
}

// Work sends the reminders; an error (the database, or a text provider
// that is unavailable) makes River try again with backoff, and the retry
// sends only those still pending.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	ids := job.Args.ids()
	err := w.store.DeliverReminders(ctx, ids, w.sms)
	if err != nil {
		// The provider's answer may quote the number: it stays in the store, sealed.
		w.log.Warn("reminders not sent; will retry", "job_id", job.ID, "reminders", len(ids), "attempt", job.Attempt,
			"class", journey.SMSErrorClass(err))
	}
	return err
}

// MonitorTextArgs is the job that texts a remote session's monitor their
// instructions.
type MonitorTextArgs struct {
	MessageID int64 `json:"monitor_message_id"`
}

// Kind names the job in River's table.
func (MonitorTextArgs) Kind() string { return "monitor_text" }

type monitorTextWorker struct {
	river.WorkerDefaults[MonitorTextArgs]
	store ReminderStore
	sms   journey.SMSSender
	log   *slog.Logger
}

// Work sends the text; an error (the database, or a provider that is
// unavailable) makes River try again, and the store sends it at most once.
func (w *monitorTextWorker) Work(ctx context.Context, job *river.Job[MonitorTextArgs]) error {
	err := w.store.DeliverMonitorText(ctx, job.Args.MessageID, w.sms)
	if err != nil {
		w.log.Warn("monitor text not sent; will retry", "job_id", job.ID, "monitor_message_id", job.Args.MessageID,
			"attempt", job.Attempt, "class", journey.SMSErrorClass(err))
	}
	return err
}

// EnqueueMonitorTexts queues monitors' texts inside tx, the transaction
// that made them, a job each.
func (q *Queue) EnqueueMonitorTexts(ctx context.Context, tx *sql.Tx, ids []int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: MonitorTextArgs{MessageID: id}}
	}
	if _, err := q.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: enqueue monitor texts: %w", err)
	}
	return nil
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

// EnqueueReminders queues the sending of reminders inside tx, the
// transaction that made them, a job per batch, in one insert.
func (q *Queue) EnqueueReminders(ctx context.Context, tx *sql.Tx, batches [][]int64) error {
	params := make([]river.InsertManyParams, len(batches))
	for i, ids := range batches {
		params[i] = river.InsertManyParams{Args: ReminderArgs{ReminderIDs: ids}}
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
