package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/metrics"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sms"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/web"
)

// app is everything a command opened, to be closed in reverse.
type app struct {
	db    *sqldb.DB
	queue *jobs.Queue
	log   *slog.Logger
	// metrics is set by serve; register what else a server reports there.
	metrics *metrics.Metrics
}

// open opens the database with the master keys (keys.go), applies
// migrations (Journey's and the queue's) and wires mail composition and queueing into the store. With workers the
// queue also delivers mail.
func open(ctx context.Context, cfg *Config, out io.Writer, workers bool) (*app, error) {
	log := cfg.logger(out)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	jc := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Screening: db, LinkRequests: db, ResetRequests: db, Reminders: db,
		Estimates: processing.New(db), Log: log, Workers: workers}
	if jc.SMS, err = sms.New(cfg.SMSURL, cfg.SMSAccount, cfg.SMSToken, cfg.SMSFrom); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.BackupDir != "" {
		jc.Backup, jc.BackupEvery = scheduledBackup(cfg, db), cfg.BackupEvery
	}
	if err := db.WithMigrationLock(ctx, func() error { return jobs.Migrate(ctx, jc) }); err != nil {
		db.Close()
		return nil, err
	}
	if workers {
		from := cfg.MailFrom
		name := "Journey"
		if p, err := db.FindPractice(ctx); err == nil {
			name = p.Name
			if from == "" {
				from = p.Email
			}
		}
		if jc.Sender, err = mail.NewSender(cfg.SMTPURL, from, name); err != nil {
			db.Close()
			return nil, err
		}
		if !jc.Sender.Configured() {
			log.Warn("no SMTP server configured (JOURNEY_SMTP_URL): outgoing mail is kept in the outbox table")
		}
	}
	q, err := jobs.New(jc)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Enqueue, db.MailJobSQL = q.EnqueueMail, jobs.MailJobSQL
	db.EnqueueLinkRequest = q.EnqueueLinkRequest
	db.EnqueueResetRequest = q.EnqueueResetRequest
	db.EnqueueReminders = q.EnqueueReminders
	db.EnqueueMonitorTexts = q.EnqueueMonitorTexts
	db.EnqueueEstimateRequest = q.EnqueueEstimateRequest
	db.Mail = &mail.Composer{BaseURL: cfg.BaseURL}
	return &app{db: db, queue: q, log: log}, nil
}

func serve(ctx context.Context, cfg *Config, out io.Writer) error {
	// The demo is seeded before the mail sender is built, so the sender
	// takes the demo practice's name and address.
	if cfg.Demo {
		if err := seedIfEmpty(ctx, cfg, out); err != nil {
			return err
		}
	}
	a, err := open(ctx, cfg, out, true)
	if err != nil {
		return err
	}
	defer a.db.Close()
	auditKey, err := startAudit(cfg, a.db, a.log)
	if err != nil {
		return err
	}
	if a.metrics, err = newMetrics(a.db, a.log); err != nil {
		return err
	}
	if backupEvery(cfg) > 0 {
		if err := watchBackups(a.metrics, a.db); err != nil {
			return err
		}
	}
	secret, err := a.db.Secret(ctx, "form-token")
	if err != nil {
		return err
	}
	srv, err := web.NewServer(a.db, web.Config{BaseURL: cfg.BaseURL, RateLimit: cfg.RateLimit, MinFormTime: cfg.MinFormTime,
		FormSecret: secret, TrustProxy: cfg.TrustProxy, Log: a.log, SecureCookies: cfg.secure(),
		StaffIdle: cfg.StaffIdle, ClientIdle: cfg.ClientIdle, BackupEvery: backupEvery(cfg), Version: journeyVersion(),
		Observe: a.metrics.ObserveRequest, Ready: readiness(cfg, a.db, auditKey), Cards: cards(cfg)})
	if err != nil {
		return err
	}
	if cfg.MetricsListen != "" {
		// Stopped when serve returns, also when it fails to start.
		mctx, stopMetrics := context.WithCancel(ctx)
		defer stopMetrics()
		addr, err := a.metrics.Serve(mctx, cfg.MetricsListen)
		if err != nil {
			return err
		}
		a.log.Info("metrics are served", "addr", addr.String(), "path", "/metrics")
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if err := a.queue.Start(ctx); err != nil {
		return err
	}
	a.log.Info("journey is serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", a.db.Dialect, "version", journeyVersion())
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- hs.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	if qerr := a.queue.Stop(sctx); qerr != nil {
		err = errors.Join(err, qerr)
	}
	return err
}

// seedIfEmpty fills an empty database with the demo practice.
func seedIfEmpty(ctx context.Context, cfg *Config, out io.Writer) error {
	// Opened with an insert-only queue: the demo clients' portal
	// invitations get their delivery jobs, which the server then works.
	a, err := open(ctx, cfg, out, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	db, log := a.db, a.log
	empty, err := db.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		log.Info("demo: the database already holds a practice; leaving it as it is")
		return nil
	}
	if err := seedDemo(ctx, db, time.Now()); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	log.Info("demo: practice, therapists and FAQ created")
	for _, a := range demoAccounts {
		// Demo passwords are public on purpose; no real account is ever logged.
		log.Info("demo account", "role", a.Role, "email", a.Email, "password", a.Password)
	}
	for _, c := range demoClients {
		log.Info("demo account", "role", journey.RoleClient, "email", c.Email, "password", c.Password)
	}
	for _, c := range demoCareClients {
		log.Info("demo account", "role", journey.RoleClient, "email", c.Email, "password", c.Password, "plan", c.phase)
	}
	c := demoMedicineClient
	log.Info("demo account", "role", journey.RoleClient, "email", c.Email, "password", c.Password, "plan", "medicine session in progress today")
	return nil
}

func listConsults(ctx context.Context, cfg *Config, from string, out io.Writer) error {
	a, err := open(ctx, cfg, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	return printConsults(ctx, a.db, from, out)
}
