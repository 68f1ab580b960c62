package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// flaky fails its first n sends, then delivers through the real sender:
// an SMTP outage as the queue sees it.
type flaky struct {
	journey.MailSender
	fail  int32
	calls atomic.Int32
}

func (f *flaky) Send(ctx context.Context, m *journey.Message) error {
	if f.calls.Add(1) <= f.fail {
		return errors.New("421 service not available")
	}
	return f.MailSender.Send(ctx, m)
}

// startQueue runs a worker queue on db with the given sender.
func startQueue(t *testing.T, db *sqldb.DB, sender journey.MailSender) {
	t.Helper()
	ctx := context.Background()
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: sender, Workers: true, PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL = q.EnqueueMail, jobs.MailJobSQL
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
}

func book(t *testing.T, db *sqldb.DB, email string) {
	t.Helper()
	ny, _ := sqldbtest.MustSeed(t, db)
	start := time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC)
	now := start.AddDate(0, 0, -5)
	db.Now = sqldbtest.FixedClock(&now)
	if _, err := db.CreateConsult(context.Background(), &journey.BookingRequest{Start: start, TherapistID: ny.ID, Name: "Ada",
		Email: email, ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true}); err != nil {
		t.Fatal(err)
	}
}

// waitStatus polls the only outbox message until it has the status.
func waitStatus(t *testing.T, db *sqldb.DB, status string, timeout time.Duration) *journey.Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		ms, err := db.FindMessages(context.Background(), status, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 1 {
			return ms[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	all, _ := db.FindMessages(context.Background(), "", 10)
	for _, m := range all {
		t.Logf("message %d: %s after %d attempts", m.ID, m.Status, m.Attempts)
	}
	t.Fatalf("no message reached %q within %s", status, timeout)
	return nil
}

// A booking's mail is delivered through real SMTP, and an outage is
// retried with backoff until it goes through.
func TestMailDeliveredWithRetry(t *testing.T) {
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	f := &flaky{MailSender: sender, fail: 1}
	startQueue(t, db, f)
	to := testenv.UniqueAddress(t)
	book(t, db, to)
	got := testenv.WaitForMail(t, testenv.MailpitURL(t), to, 30*time.Second)
	if len(got) != 1 {
		t.Fatalf("delivered %d times", len(got))
	}
	m := waitStatus(t, db, journey.MailSent, 10*time.Second)
	if m.Attempts != 2 || f.calls.Load() != 2 {
		t.Fatalf("attempts = %d, sends = %d; want 2 (one failure, one retry)", m.Attempts, f.calls.Load())
	}
}

// With no SMTP server configured, mail stays in the outbox, marked held.
func TestMailHeldWithoutSMTP(t *testing.T) {
	sender, _ := mail.NewSender("", "", "")
	db := sqldbtest.Open(t)
	startQueue(t, db, sender)
	book(t, db, "ada@example.com")
	m := waitStatus(t, db, journey.MailHeld, 15*time.Second)
	full, _ := db.FindMessageByID(context.Background(), m.ID)
	if full.Text == "" || full.To != "ada@example.com" {
		t.Fatalf("held message lost its content: %+v", full)
	}
}

// The periodic job returns a client whose clearance lapsed to the review
// queue, as soon as the queue starts and then every hour.
func TestLapsedClearanceReturnsToQueue(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	now := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Lapse Client", "lapse@example.test", sqldbtest.Intake("Lapse Client", now))
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Lapse", Email: "doc@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(0, 6, 0)}); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(&now, now.AddDate(0, 7, 0))
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Screening: db, Sender: &mail.Sender{}, Workers: true,
		PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	deadline := time.Now().Add(15 * time.Second)
	for {
		queue, total, err := db.ReviewQueue(ctx, 0, 10)
		if err == nil && total == 1 && queue[0].Client.ID == c.ID {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lapsed client never returned to the queue: %d %v", total, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A password reset request goes through the queue: the link reaches a real
// account's address over SMTP, and nothing is sent for an address without
// an account.
func TestPasswordResetThroughQueue(t *testing.T) {
	ctx := context.Background()
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	sqldbtest.MustSeed(t, db)
	real, unknown := testenv.UniqueAddress(t), testenv.UniqueAddress(t)
	if err := db.CreateUser(ctx, &journey.User{Kind: journey.UserStaff, Name: "Sam Staff", Email: real, Roles: []string{journey.RoleFrontDesk}, Active: true}, ""); err != nil {
		t.Fatal(err)
	}
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, ResetRequests: db, Sender: sender, Workers: true, PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.EnqueueResetRequest = q.EnqueueMail, q.EnqueueResetRequest
	for _, addr := range []string{unknown, real} {
		if err := db.RequestPasswordReset(ctx, addr); err != nil {
			t.Fatal(err)
		}
	}
	if ms, _ := db.FindMessages(ctx, "", 10); len(ms) != 0 {
		t.Fatalf("mail queued before the queue worked the requests: %d", len(ms))
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	got := testenv.WaitForMail(t, testenv.MailpitURL(t), real, 30*time.Second)
	if len(got) != 1 || !strings.Contains(testenv.MailText(t, testenv.MailpitURL(t), got[0].ID), "/reset/jy_rst_") {
		t.Fatalf("reset mail: %+v", got)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		var left int
		if err := db.Read.QueryRow(`SELECT COUNT(*) FROM reset_requests`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reset requests never worked", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ms, _ := db.FindMessages(ctx, "", 10); len(ms) != 1 {
		t.Fatalf("%d messages in the outbox, want the one reset mail", len(ms))
	}
	if sent := testenv.MailTo(t, testenv.MailpitURL(t), unknown); len(sent) != 0 {
		t.Fatalf("mail sent to an address without an account: %+v", sent)
	}
}
