// Package jobs runs Journey's background work on River, a durable job
// queue kept in the same database as everything else (River's SQLite driver
// for the embedded default, its database/sql driver on PostgreSQL), so a job
// is enqueued in the same transaction as the change that caused it.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/journey-kap/journey"
)

// MailMaxAttempts is how often delivery of one message is tried before it
// is marked failed. River's default backoff (attempt⁴ seconds, jittered)
// spreads 12 attempts over about nine hours.
const MailMaxAttempts = 12

// Config wires the queue to the database and to the outside world.
type Config struct {
	Dialect string  // "sqlite" or "postgres"
	Pool    *sql.DB // the pool River uses for its own bookkeeping
	Outbox  journey.OutboxService
	Sender  journey.MailSender
	// Screening, when set, is asked every hour (and at start) to screen
	// stale clients again: a lapsed clearance, an evaluation under older
	// rules.
	Screening Rescreener
	// LinkRequests, when set, answers requests for a consult's manage link
	// (requests.go).
	LinkRequests LinkRequests
	// ResetRequests, when set, works requests for a password reset link
	// (requests.go).
	ResetRequests ResetRequests
	// Backup, when set with BackupEvery, is asked every sixth of
	// BackupEvery (at most ten minutes) to take a backup if one is due.
	Backup      func(ctx context.Context) error
	BackupEvery time.Duration
	// Reminders, when set, makes and sends the reminders about care
	// sessions (reminders.go); SMS sends their texts when configured.
	Reminders ReminderStore
	SMS       journey.SMSSender
	// Estimates, when set, issues Good Faith Estimates: a job per request
	// and a sweep (estimates.go).
	Estimates Estimates
	Log       *slog.Logger
	// Workers false makes an insert-only client (for CLI commands).
	Workers      bool
	PollInterval time.Duration // default 500 ms
}

// Queue is the running job queue.
type Queue struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

func driver(cfg Config) (riverdriver.Driver[*sql.Tx], error) {
	switch cfg.Dialect {
	case "sqlite":
		return riversqlite.New(cfg.Pool), nil
	case "postgres":
		return riverdatabasesql.New(cfg.Pool), nil
	}
	return nil, fmt.Errorf("jobs: unknown dialect %q", cfg.Dialect)
}

// Migrate brings River's own tables up to date. On PostgreSQL River takes
// its own lock, so several processes may start at once.
func Migrate(ctx context.Context, cfg Config) error {
	d, err := driver(cfg)
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: quiet(cfg.Log)})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// PendingMigrations returns the versions of River's own migrations that
// Migrate would apply, applying none.
func PendingMigrations(ctx context.Context, cfg Config) ([]int, error) {
	d, err := driver(cfg)
	if err != nil {
		return nil, err
	}
	m, err := rivermigrate.New(d, &rivermigrate.Config{Logger: quiet(cfg.Log)})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrator: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{DryRun: true})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrations: %w", err)
	}
	var out []int
	for _, v := range res.Versions {
		out = append(out, v.Version)
	}
	return out, nil
}

// Kinds are the kinds of job Journey queues, for the metrics to report
// each even while none waits: a new kind of job belongs here too (a kind
// missing here is still reported once it has a job).
var Kinds = []string{MailArgs{}.Kind(), RescreenArgs{}.Kind(), RequestArgs[linkRequest]{}.Kind(), RequestArgs[resetRequest]{}.Kind(),
	BackupArgs{}.Kind(), ReminderSweepArgs{}.Kind(), ReminderArgs{}.Kind(), RequestArgs[estimateRequest]{}.Kind(), EstimateSweepArgs{}.Kind()}

// quiet keeps River's own info chatter out of the log; warnings stay.
func quiet(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

// New returns a queue; call Start to begin working jobs.
func New(cfg Config) (*Queue, error) {
	d, err := driver(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	rc := &river.Config{Logger: quiet(cfg.Log), MaxAttempts: MailMaxAttempts}
	if cfg.Workers {
		poll := cfg.PollInterval
		if poll == 0 {
			poll = 500 * time.Millisecond
		}
		workers := river.NewWorkers()
		river.AddWorker(workers, &MailWorker{Outbox: cfg.Outbox, Sender: cfg.Sender, Log: cfg.Log})
		if cfg.LinkRequests != nil {
			river.AddWorker(workers, &requestWorker[linkRequest]{answer: cfg.LinkRequests.AnswerLinkRequest})
		}
		if cfg.ResetRequests != nil {
			river.AddWorker(workers, &requestWorker[resetRequest]{answer: cfg.ResetRequests.ProcessResetRequest})
		}
		if cfg.Screening != nil {
			river.AddWorker(workers, &RescreenWorker{Screening: cfg.Screening, Log: cfg.Log})
			rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(RescreenInterval),
				func() (river.JobArgs, *river.InsertOpts) { return RescreenArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
		}
		if cfg.Backup != nil && cfg.BackupEvery > 0 {
			river.AddWorker(workers, &BackupWorker{Backup: cfg.Backup})
			rc.PeriodicJobs = append(rc.PeriodicJobs, backupJob(cfg.BackupEvery))
		}
		if cfg.Reminders != nil {
			river.AddWorker(workers, &reminderWorker{store: cfg.Reminders, sms: cfg.SMS, log: cfg.Log})
			river.AddWorker(workers, &reminderSweepWorker{store: cfg.Reminders, sms: cfg.SMS, log: cfg.Log})
			river.AddWorker(workers, &monitorTextWorker{store: cfg.Reminders, sms: cfg.SMS, log: cfg.Log})
			rc.PeriodicJobs = append(rc.PeriodicJobs, sweepJob())
		}
		if cfg.Estimates != nil {
			river.AddWorker(workers, &requestWorker[estimateRequest]{answer: cfg.Estimates.IssueEstimateRequest})
			river.AddWorker(workers, &estimateSweepWorker{estimates: cfg.Estimates, log: cfg.Log})
			rc.PeriodicJobs = append(rc.PeriodicJobs, estimateSweepJob())
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		rc.FetchPollInterval = poll
		rc.FetchCooldown = min(poll, 100*time.Millisecond)
		rc.PollOnly = true
	}
	client, err := river.NewClient(d, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: client: %w", err)
	}
	return &Queue{client: client, log: cfg.Log}, nil
}

// Start begins working jobs until ctx ends or Stop is called.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish, then stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// EnqueueMail schedules delivery of the outbox messages ids inside tx, in
// one insert. It asks nothing back: River's InsertManyTx would read every
// job row back (and, on SQLite, decode each one's JSON) for the caller.
func (q *Queue) EnqueueMail(ctx context.Context, tx *sql.Tx, ids []int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: MailArgs{MessageID: id}}
	}
	if _, err := q.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: enqueue mail: %w", err)
	}
	return nil
}

// MailJobSQL returns an INSERT … SELECT that schedules, in River's table on
// PostgreSQL, the delivery of each outbox message whose id is in column id
// of from (a table, or a CTE of the statement it is put into): the row
// River's own insert writes for MailArgs, without River's client. sqldb
// puts it into the statement that stores the messages (DB.MailJobSQL), so
// a message's job costs neither a round trip of its own nor the array
// encoding of River's database/sql driver, which was a sixth of a
// booking's CPU. It sends no insert notification, as River's insert does
// at most every so often: Journey's workers poll (PollOnly) and listen for
// none, so they find the job on their next poll either way.
func MailJobSQL(from string) string {
	return `INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, created_at, metadata, tags)
		SELECT jsonb_build_object('message_id', id), '` + MailArgs{}.Kind() + `', ` + strconv.Itoa(MailMaxAttempts) + `, ` +
		strconv.Itoa(river.PriorityDefault) + `, '` + river.QueueDefault + `', 'available', now(), now(), '{}', '{}' FROM ` + from
}

// MailArgs is the job that delivers one outbox message.
type MailArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind names the job in River's table.
func (MailArgs) Kind() string { return "mail" }

// MailWorker delivers outbox messages. It logs ids only: a message's
// address, subject and body are PHI.
type MailWorker struct {
	river.WorkerDefaults[MailArgs]
	Outbox journey.OutboxService
	Sender journey.MailSender
	Log    *slog.Logger
}

// Work sends one message, or holds it in the outbox when no SMTP server is
// configured. An error makes River retry with backoff; the last failure
// marks the message failed.
func (w *MailWorker) Work(ctx context.Context, job *river.Job[MailArgs]) error {
	id := job.Args.MessageID
	m, err := w.Outbox.FindMessageByID(ctx, id)
	if err != nil {
		return err
	}
	if m.Status == journey.MailSent {
		return nil // already delivered by an earlier attempt whose completion was lost
	}
	if !w.Sender.Configured() {
		w.Log.Info("mail held in outbox: no SMTP server configured", "message_id", id)
		return w.Outbox.MarkMessage(ctx, id, journey.MailHeld, job.Attempt, "")
	}
	if err := w.Sender.Send(ctx, m); err != nil {
		status := journey.MailQueued
		if job.Attempt >= job.MaxAttempts {
			status = journey.MailFailed
		}
		// The SMTP error may quote the address, so it goes to the outbox row, not the log.
		w.Log.Warn("mail delivery failed; will retry", "message_id", id, "attempt", job.Attempt, "final", status == journey.MailFailed)
		if merr := w.Outbox.MarkMessage(ctx, id, status, job.Attempt, err.Error()); merr != nil {
			return merr
		}
		return err
	}
	w.Log.Info("mail sent", "message_id", id, "attempt", job.Attempt)
	return w.Outbox.MarkMessage(ctx, id, journey.MailSent, job.Attempt, "")
}

// RescreenInterval is how often stale screenings are looked for.
const RescreenInterval = time.Hour

// Rescreener screens stale clients again.
type Rescreener interface {
	Rescreen(ctx context.Context) (int, error)
}

// RescreenArgs is the periodic job that looks for stale screenings.
type RescreenArgs struct{}

// Kind names the job in River's table.
func (RescreenArgs) Kind() string { return "rescreen" }

// RescreenWorker runs RescreenArgs jobs.
type RescreenWorker struct {
	river.WorkerDefaults[RescreenArgs]
	Screening Rescreener
	// LinkRequests, when set, answers requests for a consult's manage link
	// (requests.go).
	LinkRequests LinkRequests
	Log          *slog.Logger
}

// Work screens again every client whose clearance has lapsed (which puts
// them back in the review queue) or whose evaluation used older rules.
func (w *RescreenWorker) Work(ctx context.Context, _ *river.Job[RescreenArgs]) error {
	n, err := w.Screening.Rescreen(ctx)
	if n > 0 {
		w.Log.Info("clients screened again (lapsed clearance or older rules)", "clients", n)
	}
	return err
}
