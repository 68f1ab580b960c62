package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// A self-pay client's medicine session booked through processing opens
// a Good Faith Estimate request whose job, queued with the booking,
// issues it at once: the email reaches the client through real SMTP
// once, even when the request's job runs a second time and the sweep
// runs too.
func TestEstimateIssuedThroughQueue(t *testing.T) {
	ctx := context.Background()
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC) // Monday
	db.Now = sqldbtest.FixedClock(&now)
	care := sqldbtest.SeedCare(t, db)
	sqldbtest.SeedBilling(t, db, care.Therapist.ID, care.Provider)
	to := testenv.UniqueAddress(t)
	cl := care.ReadyClient(t, db, "Sal Selfpay", to, now)

	p := processing.New(db)
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: sender, Estimates: p, Workers: true, PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL, db.EnqueueEstimateRequest = q.EnqueueMail, jobs.MailJobSQL, q.EnqueueEstimateRequest
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })

	loc, _ := time.LoadLocation("America/New_York")
	r := care.Medicine(time.Date(2027, 3, 5, 10, 0, 0, 0, loc)) // Friday: due by the end of Tuesday
	r.ClientID = cl.ID
	therapist := &journey.Actor{User: &journey.User{ID: care.Therapist.ID, Roles: []string{journey.RoleTherapist}, Active: true, Kind: journey.UserStaff},
		Verified: true, ClientAddr: "192.0.2.7"}
	if _, err := p.BookSession(ctx, therapist, r, " test"); err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	api := testenv.MailpitURL(t)
	estimates := func() []testenv.MailSummary {
		var out []testenv.MailSummary
		for _, m := range testenv.MailTo(t, api, to) {
			if strings.Contains(m.Subject, "Good Faith Estimate") {
				out = append(out, m)
			}
		}
		return out
	}
	for deadline := time.Now().Add(30 * time.Second); len(estimates()) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no estimate reached %s", to)
		}
	}
	reqs, err := db.FindEstimateRequests(ctx, cl.ID, 10)
	if err != nil || len(reqs) != 1 || reqs[0].DoneAt.IsZero() || reqs[0].DoneAt.After(reqs[0].DueBy) {
		t.Fatalf("request: %+v %v", reqs, err)
	}

	// The request's job again, and the sweep: nothing more is issued.
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.EnqueueEstimateRequest(ctx, tx, reqs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 0 {
		t.Fatalf("the sweep issued %d (%v)", n, err)
	}
	waitIdle(t, db)
	if got := estimates(); len(got) != 1 {
		t.Fatalf("%d estimate emails arrived", len(got))
	}
	if text := testenv.MailText(t, api, estimates()[0].ID); !strings.Contains(text, "Harbor KAP Therapy PLLC (medicine session)") ||
		!strings.Contains(text, "/portal/estimates") || !strings.Contains(text, "$400 or more") {
		t.Errorf("estimate email:\n%s", text)
	}
	if ests, _ := db.FindEstimates(ctx, cl.ID); len(ests) != 4 {
		t.Errorf("%d estimates, want one per charge type", len(ests))
	}
}
