package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/jobs"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/sms"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// counting counts the reminders one process's queue sends.
type counting struct {
	*sqldb.DB
	sent atomic.Int64
}

func (c *counting) DeliverReminders(ctx context.Context, ids []int64, sender journey.SMSSender) error {
	c.sent.Add(int64(len(ids)))
	return c.DB.DeliverReminders(ctx, ids, sender)
}

// reminderQueue makes (not starts) a worker queue for reminders on db.
func reminderQueue(t *testing.T, db *sqldb.DB, store jobs.ReminderStore) *jobs.Queue {
	t.Helper()
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: nopSender{}, Reminders: store, Workers: true,
		PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	return q
}

type nopSender struct{}

func (nopSender) Send(context.Context, *journey.Message) error { return nil }
func (nopSender) Configured() bool                             { return false }

// 10,000 due reminders are drained by two processes (two queues, each with
// its own pool, on one database): each sent once, and none for the 600
// sessions cancelled after their reminders were made.
func TestRemindersDrainedByTwoProcesses(t *testing.T) {
	const live, cancelled = 10000, 600
	ctx := context.Background()
	setup := time.Now()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db1 := sqldbtest.OpenDSN(t, dsn, mk)
	ny, _ := sqldbtest.MustSeed(t, db1)
	var clients []int64
	for i := range 20 {
		c, _ := sqldbtest.Client(t, db1, ny.ID, "Client "+string(rune('A'+i))+" Visitor", "client"+string(rune('a'+i))+"@client.test", nil)
		clients = append(clients, c.ID)
	}
	before, _ := db1.FindMessages(ctx, "", 1000)
	now := time.Now().UTC().Truncate(time.Second)
	var ss []sqldbtest.RawSession
	for i := range live + cancelled {
		ss = append(ss, sqldbtest.RawSession{ClientID: clients[i%len(clients)], Type: journey.TypePreparation, Mode: journey.ModeInPerson,
			Start: now.Add(time.Hour + time.Duration(i)*time.Second*6), Minutes: 60})
	}
	ids := sqldbtest.RawSessions(t, db1, ny.ID, ss)
	db2 := sqldbtest.OpenDSN(t, dsn, mk)
	for _, db := range []*sqldb.DB{db1, db2} {
		db.Now = sqldbtest.FixedClock(&now)
	}
	p1, p2 := &counting{DB: db1}, &counting{DB: db2}
	q1, q2 := reminderQueue(t, db1, p1), reminderQueue(t, db2, p2)
	db1.EnqueueReminders, db2.EnqueueReminders = q1.EnqueueReminders, q2.EnqueueReminders
	made := time.Now()
	if n, err := db1.ScheduleReminders(ctx, false, 1000); err != nil || n != live+cancelled {
		t.Fatalf("made %d reminders (%v)", n, err)
	}
	t.Logf("made %d reminders in %v (sessions in %v)", live+cancelled, time.Since(made).Round(time.Millisecond), made.Sub(setup).Round(time.Millisecond))
	for _, id := range ids[live:] {
		sqldbtest.SetSession(t, db1, id, journey.SessionCancelled, 1, now.Add(time.Hour))
	}
	start := time.Now()
	for _, q := range []*jobs.Queue{q1, q2} {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Whether any is pending, through the status index, by a statement
	// prepared once: counting every reminder by status each time was a
	// third of the test's CPU under the race detector, and parsing the
	// query each time a tenth.
	anyPending, err := db1.Read.Prepare(`SELECT EXISTS (SELECT 1 FROM reminders WHERE status = 'pending')`)
	if err != nil {
		t.Fatal(err)
	}
	defer anyPending.Close()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var pending bool
		if err := anyPending.QueryRow().Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if !pending {
			break
		}
		if time.Now().After(deadline) {
			counts, _ := db1.CountReminders(ctx)
			t.Fatalf("not drained: %v", counts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("drained %d reminders in %v: %d by one process, %d by the other", live+cancelled, time.Since(start).Round(time.Millisecond), p1.sent.Load(), p2.sent.Load())
	counts, err := db1.CountReminders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["email/sent"] != live || counts["email/skipped"] != cancelled || len(counts) != 2 {
		t.Fatalf("reminders: %v", counts)
	}
	if p1.sent.Load() == 0 || p2.sent.Load() == 0 {
		t.Errorf("one process did all the work: %d and %d", p1.sent.Load(), p2.sent.Load())
	}
	var messages, distinct, forCancelled int
	if err := db1.Read.QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&messages); err != nil {
		t.Fatal(err)
	}
	if err := db1.Read.QueryRow(`SELECT COUNT(DISTINCT message_id) FROM reminders`).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if err := db1.Read.QueryRow(`SELECT COUNT(*) FROM reminders r JOIN care_sessions s ON s.id = r.session_id
		WHERE s.status = 'cancelled' AND r.message_id IS NOT NULL`).Scan(&forCancelled); err != nil {
		t.Fatal(err)
	}
	if messages-len(before) != live || distinct != live || forCancelled != 0 {
		t.Fatalf("%d messages, %d distinct, %d for cancelled sessions; want %d, %d, 0", messages-len(before), distinct, forCancelled, live, live)
	}
}

// A reminder due now reaches the client through the queue and real SMTP
// once, with the session's calendar invitation, however often the sweep
// and the reminder's job run again.
func TestReminderArrivesOnceWithInvitation(t *testing.T) {
	ctx := context.Background()
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	to := testenv.UniqueAddress(t)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", to, nil)
	now := time.Now().UTC().Truncate(time.Second)
	db.Now = sqldbtest.FixedClock(&now)
	ids := sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{{ClientID: c.ID, Type: journey.TypeMedicine,
		Mode: journey.ModeInPerson, Start: now.Add(70 * time.Hour), Minutes: 180}})
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: sender, Reminders: db, Workers: true, PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL, db.EnqueueReminders = q.EnqueueMail, jobs.MailJobSQL, q.EnqueueReminders
	if err := q.Start(ctx); err != nil { // the sweep runs at start
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	api := testenv.MailpitURL(t)
	var got []testenv.MailSummary
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got = testenv.MailTo(t, api, to)
		if len(got) > 0 && strings.Contains(got[0].Subject, "how to prepare") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reminder reached %s: %+v", to, got)
		}
	}
	rs, _ := db.FindReminders(ctx, ids[0])
	if n, err := db.ScheduleReminders(ctx, false, 100); err != nil || n != 0 || len(rs) != 1 {
		t.Fatalf("a second sweep made %d (%v); reminders %+v", n, err, rs)
	}
	if err := db.DeliverReminder(ctx, rs[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, db, journey.MailSent, 15*time.Second) // the one message sent (the portal invitation was queued before the queue)
	var reminders []testenv.MailSummary
	for _, m := range testenv.MailTo(t, api, to) {
		if strings.Contains(m.Subject, "how to prepare") {
			reminders = append(reminders, m)
		}
	}
	if len(reminders) != 1 {
		t.Fatalf("%d reminders arrived", len(reminders))
	}
	atts := testenv.MailAttachments(t, api, reminders[0].ID)
	if len(atts) != 1 || !strings.HasPrefix(atts[0].ContentType, "text/calendar") {
		t.Fatalf("attachments: %+v", atts)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(testenv.MailPart(t, api, reminders[0].ID, atts[0].PartID))))
	if err != nil || len(cal.Events()) != 1 || cal.Events()[0].Id() != journey.SessionUID(ids[0])+"@journey.test" {
		t.Fatalf("invitation: %v", err)
	}
	if start, err := cal.Events()[0].GetStartAt(); err != nil || !start.Equal(now.Add(70*time.Hour)) {
		t.Fatalf("the invitation starts %v (%v)", start, err)
	}
	if text := testenv.MailText(t, api, reminders[0].ID); !strings.Contains(text, "Eat nothing for 2 hours") {
		t.Fatalf("reminder text:\n%s", text)
	}
}

// With a text gateway configured, the queue texts the client who agreed
// and not the one who did not; both get their email. The gateway is a
// local fake in the shape of Twilio's Messages API: it stands for the
// provider outside the machine.
func TestTextRemindersThroughQueue(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var texts []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		texts = append(texts, r.PostForm.Get("To"))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"sid":"SM1","status":"queued"}`))
	}))
	defer gw.Close()
	gateway, err := sms.New(gw.URL, "AC1", "token", "+15035550100")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	agreed, agreedUser := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	silent, _ := sqldbtest.Client(t, db, ny.ID, "Bo Quill", "bo@client.test", nil)
	if err := db.RecordTextConsent(ctx, &journey.TextConsent{ClientID: agreed.ID, Agreed: true, Phone: "+15035550142", By: agreedUser.ID}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	db.Now = sqldbtest.FixedClock(&now)
	sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{
		{ClientID: agreed.ID, Type: journey.TypeIntegration, Mode: journey.ModeInPerson, Start: now.Add(10 * time.Hour), Minutes: 60},
		{ClientID: silent.ID, Type: journey.TypeIntegration, Mode: journey.ModeInPerson, Start: now.Add(11 * time.Hour), Minutes: 60},
	})
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: nopSender{}, Reminders: db, SMS: gateway, Workers: true,
		PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.EnqueueReminders = q.EnqueueReminders
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		counts, err := db.CountReminders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["email/sent"] == 2 && counts["sms/sent"] == 1 {
			if len(counts) != 2 {
				t.Fatalf("reminders: %v", counts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reminders: %v", counts)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(texts) != 1 || texts[0] != "+15035550142" {
		t.Fatalf("texts to %v", texts)
	}
}

// A remote medicine session's monitor gets their instructions through the
// queue: the sweep River runs at start queues the email, the mail worker
// delivers it over real SMTP to the monitor, with the time in the client's
// zone, and the text job texts them through the gateway (a local fake in
// the shape of Twilio's, standing for the provider outside the machine).
// Sweeping again sends neither again.
func TestMonitorInstructionsThroughQueue(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var texts []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		texts = append(texts, r.PostForm.Get("To")+"|"+r.PostForm.Get("Body"))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"sid":"SM1","status":"queued"}`))
	}))
	defer gw.Close()
	gateway, err := sms.New(gw.URL, "AC1", "token", "+15035550100")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", testenv.UniqueAddress(t), nil)
	monitor := testenv.UniqueAddress(t)
	if err := db.SetMonitor(ctx, &journey.Monitor{ClientID: c.ID, Name: "Sam Monitor", Phone: "+15035550177", Relationship: "partner",
		Adult: true, Email: monitor, Agreed: true, Texts: true}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	db.Now = sqldbtest.FixedClock(&now)
	start := now.Add(50 * time.Hour)
	sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{{ClientID: c.ID, Type: journey.TypeMedicine, Mode: journey.ModeRemote,
		Start: start, Minutes: 180}})
	cfg := jobs.Config{Dialect: db.Dialect, Pool: db.Jobs, Outbox: db, Sender: sender, Reminders: db, SMS: gateway, Workers: true,
		PollInterval: 50 * time.Millisecond}
	if err := jobs.Migrate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Enqueue, db.MailJobSQL, db.EnqueueReminders, db.EnqueueMonitorTexts = q.EnqueueMail, jobs.MailJobSQL, q.EnqueueReminders, q.EnqueueMonitorTexts
	if err := q.Start(ctx); err != nil { // the sweep runs at start
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	api := testenv.MailpitURL(t)
	var got []testenv.MailSummary
	for deadline := time.Now().Add(30 * time.Second); len(got) == 0; time.Sleep(100 * time.Millisecond) {
		if got = testenv.MailTo(t, api, monitor); len(got) == 0 && time.Now().After(deadline) {
			t.Fatalf("no instructions reached the monitor")
		}
	}
	loc, _ := time.LoadLocation("America/New_York")
	when := start.In(loc).Format("Monday, January 2, 2006 at 3:04 PM")
	if text := testenv.MailText(t, api, got[0].ID); !strings.Contains(text, "Hello Sam Monitor") || !strings.Contains(text, when) ||
		!strings.Contains(text, "America/New_York") {
		t.Fatalf("the monitor's email lacks %q in America/New_York:\n%s", when, text)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := len(texts)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no text reached the monitor")
		}
	}

	// Twice more, through the queue and straight: nothing new.
	if err := q.SweepReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SendMonitorInstructions(ctx, true); err != nil || n != 0 {
		t.Fatalf("a second sweep queued %d (%v)", n, err)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var queued int
		if err := db.Read.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		if queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still to run", queued)
		}
	}
	if got := testenv.MailTo(t, api, monitor); len(got) != 1 {
		t.Fatalf("%d emails to the monitor, want 1", len(got))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(texts) != 1 || !strings.HasPrefix(texts[0], "+15035550177|") || !strings.Contains(texts[0], start.In(loc).Format("Mon Jan 2, 3:04 PM MST")) {
		t.Fatalf("texts: %q", texts)
	}
}
