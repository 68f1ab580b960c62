package sqldb_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// reminderKinds returns the kind/channel/sequence/status of a session's
// reminders, in order.
func reminderKinds(t *testing.T, db *sqldb.DB, sessionID int64) []string {
	t.Helper()
	rs, err := db.FindReminders(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Kind+"/"+r.Channel+"/"+strconv.Itoa(r.Sequence)+"/"+r.Status)
	}
	return out
}

func raw(clientID int64, typ, mode string, start time.Time, minutes int) sqldbtest.RawSession {
	return sqldbtest.RawSession{ClientID: clientID, Type: typ, Mode: mode, Start: start, Minutes: minutes}
}

func sendAll(t *testing.T, db *sqldb.DB, sessionIDs ...int64) {
	t.Helper()
	for _, sid := range sessionIDs {
		rs, _ := db.FindReminders(context.Background(), sid)
		for _, r := range rs {
			if r.Channel == journey.ChannelEmail {
				if err := db.SendReminder(context.Background(), r.ID); err != nil {
					t.Fatalf("send %d: %v", r.ID, err)
				}
			}
		}
	}
}

// Each session gets the reminders due now, once however often they are
// scheduled and sent; a session booked inside the first reminder's time
// gets the second only; a cancelled one gets none; a moved one gets its
// own for its new time; the morning after follows a medicine session in
// the client's zone.
func TestRemindersOnce(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	// 09:30 in New York (the practice's zone; the client booked no consult).
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	before, _ := db.FindMessages(ctx, "", 100) // the portal invitation
	db.Now = sqldbtest.FixedClock(&now)
	ids := sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{
		raw(c.ID, journey.TypePreparation, journey.ModeInPerson, now.Add(70*time.Hour), 60),    // early due
		raw(c.ID, journey.TypeMedicine, journey.ModeInPerson, now.Add(20*time.Hour), 180),      // day due; early too late
		raw(c.ID, journey.TypeIntegration, journey.ModeRemote, now.Add(100*time.Hour), 60),     // nothing yet
		raw(c.ID, journey.TypeIntegration, journey.ModeInPerson, now.Add(70*time.Hour), 60),    // cancelled
		raw(c.ID, journey.TypeMedicine, journey.ModeInPerson, now.Add(-20*time.Hour), 180),     // ended 21:30 yesterday: morning after due at 9:00
		raw(c.ID, journey.TypeMedicine, journey.ModeInPerson, now.Add(-50*time.Hour), 180),     // long past
		raw(c.ID, journey.TypePreparation, journey.ModeInPerson, now.Add(-30*time.Minute), 60), // started
	})
	sqldbtest.SetSession(t, db, ids[3], journey.SessionCancelled, 1, now.Add(70*time.Hour))
	n, err := db.ScheduleReminders(ctx, false, 2) // in several transactions
	if err != nil || n != 3 {
		t.Fatalf("made %d reminders (%v), want 3", n, err)
	}
	if n, err := db.ScheduleReminders(ctx, false, 100); err != nil || n != 0 {
		t.Fatalf("made %d more the second time (%v)", n, err)
	}
	want := [][]string{{"early/email/0/pending"}, {"day/email/0/pending"}, nil, nil, {"morning_after/email/0/pending"}, nil, nil}
	for i, id := range ids {
		if got := reminderKinds(t, db, id); strings.Join(got, " ") != strings.Join(want[i], " ") {
			t.Errorf("session %d: %v, want %v", i, got, want[i])
		}
	}
	sendAll(t, db, ids...)
	sendAll(t, db, ids...) // a job run twice sends once
	msgs, _ := db.FindMessages(ctx, "", 100)
	if len(msgs)-len(before) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs)-len(before))
	}
	for _, id := range []int64{ids[0], ids[1], ids[4]} {
		rs, _ := db.FindReminders(ctx, id)
		m, err := db.FindMessageByID(ctx, rs[0].MessageID)
		if rs[0].Status != journey.ReminderSent || err != nil || m.To != "ada@client.test" {
			t.Fatalf("reminder %+v: message %v", rs[0], err)
		}
		// The invitation comes with the first reminder the client gets of a time.
		if (m.ICS != "") != (rs[0].Kind != journey.ReminderMorningAfter) {
			t.Errorf("%s reminder: invitation %q", rs[0].Kind, m.ICS)
		}
		if rs[0].Kind == journey.ReminderDay && (!strings.Contains(m.Text, "Eat nothing for 2 hours") || !strings.Contains(m.Subject, "tomorrow")) {
			t.Errorf("the day's medicine reminder:\n%s\n%s", m.Subject, m.Text)
		}
		if rs[0].Kind == journey.ReminderMorningAfter && !strings.Contains(m.Text, "how you are this morning") {
			t.Errorf("morning after:\n%s", m.Text)
		}
	}

	// Two days on, the preparation moves 30 hours ahead and the integration
	// is 10 hours ahead: the preparation gets the first reminder of its new
	// time, the integration its second, the medicine session its morning
	// after. The integration is cancelled before its reminder is sent: it
	// is skipped.
	sqldbtest.SetTime(&now, now.Add(50*time.Hour))
	sqldbtest.SetSession(t, db, ids[0], journey.SessionBooked, 1, now.Add(30*time.Hour))
	sqldbtest.SetSession(t, db, ids[2], journey.SessionBooked, 0, now.Add(10*time.Hour))
	if n, err := db.ScheduleReminders(ctx, false, 100); err != nil || n != 3 {
		t.Fatalf("made %d (%v), want 3", n, err)
	}
	sqldbtest.SetSession(t, db, ids[2], journey.SessionCancelled, 1, now.Add(10*time.Hour))
	sendAll(t, db, ids...)
	if got := reminderKinds(t, db, ids[2]); strings.Join(got, " ") != "day/email/0/skipped" {
		t.Errorf("cancelled before sending: %v", got)
	}
	if got := reminderKinds(t, db, ids[1]); strings.Join(got, " ") != "day/email/0/sent morning_after/email/0/sent" {
		t.Errorf("medicine session: %v", got)
	}
	sqldbtest.SetTime(&now, now.Add(7*time.Hour)) // 23 hours before the moved preparation
	if n, err := db.ScheduleReminders(ctx, false, 100); err != nil || n != 1 {
		t.Fatalf("made %d (%v), want the moved preparation's second reminder", n, err)
	}
	sendAll(t, db, ids...)
	if got := reminderKinds(t, db, ids[0]); strings.Join(got, " ") != "early/email/0/sent early/email/1/sent day/email/1/sent" {
		t.Errorf("moved: %v", got)
	}
	if msgs, _ := db.FindMessages(ctx, "", 100); len(msgs)-len(before) != 6 {
		t.Errorf("%d messages, want 6", len(msgs)-len(before))
	}
}

// The practice's reminder rules are kept; fasting below the defaults is
// refused.
func TestReminderSettingsStored(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	if s, err := db.FindReminderSettings(ctx); err != nil || s != journey.DefaultReminderSettings() {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	s := journey.DefaultReminderSettings()
	s.FastFoodHours, s.FastLiquidMinutes = 1, 120
	if err := db.SaveReminderSettings(ctx, s, 0); !hasFields(err, "fast_food_hours") {
		t.Fatalf("1 hour's fasting: %v", err)
	}
	s.FastFoodHours = 4
	if err := db.SaveReminderSettings(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindReminderSettings(ctx); got != s {
		t.Fatalf("stored %+v, read %+v", s, got)
	}
}

// The sweep hands its reminders to the queue in batches, emails a hundred
// at a time and each text alone; a batch sends in one transaction what it
// can, and when one of it cannot be sent (here a reminder that does not
// exist) the others go all the same and the error names that one alone.
// One already sent by another attempt stays sent once; one whose session
// was cancelled is skipped; a text among the emails goes by text.
func TestRemindersSentInBatches(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ada, adaUser := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	bo, _ := sqldbtest.Client(t, db, ny.ID, "Bo Quill", "bo@client.test", nil)
	if err := db.RecordTextConsent(ctx, &journey.TextConsent{ClientID: ada.ID, Agreed: true, Phone: "+15035550142", By: adaUser.ID}); err != nil {
		t.Fatal(err)
	}
	var ss []sqldbtest.RawSession
	for i := range 150 {
		c := bo.ID
		if i < 2 {
			c = ada.ID
		}
		ss = append(ss, raw(c, journey.TypePreparation, journey.ModeInPerson, now.Add(time.Hour+time.Duration(i)*time.Minute), 60))
	}
	sessions := sqldbtest.RawSessions(t, db, ny.ID, ss)
	var batches [][]int64
	db.EnqueueReminders = func(_ context.Context, _ *sql.Tx, b [][]int64) error {
		batches = append(batches, b...)
		return nil
	}
	if n, err := db.ScheduleReminders(ctx, true, 1000); err != nil || n != 152 {
		t.Fatalf("made %d (%v), want 150 emails and Ada's 2 texts", n, err)
	}
	var sizes []string
	var all []int64
	for _, b := range batches {
		sizes = append(sizes, strconv.Itoa(len(b)))
		all = append(all, b...)
	}
	if strings.Join(sizes, " ") != "100 50 1 1" {
		t.Fatalf("batches of %v, want 100 50 1 1", sizes)
	}

	// One batch of the 150 emails and a text, with a reminder that is not.
	first, _ := db.FindReminders(ctx, sessions[0])
	if err := db.SendReminder(ctx, first[0].ID); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetSession(t, db, sessions[149], journey.SessionCancelled, 1, now.Add(5*time.Hour))
	before, _ := db.FindMessages(ctx, "", 1000)
	g := &fakeGateway{}
	batch := append(append([]int64{}, all[:len(all)-1]...), 999999)
	err := db.DeliverReminders(ctx, batch, g.serve(t))
	if journey.ErrorCode(err) != journey.ENOTFOUND || !strings.Contains(err.Error(), "reminder 999999") {
		t.Fatalf("a batch with a missing reminder: %v", err)
	}
	counts, _ := db.CountReminders(ctx)
	if counts["email/sent"] != 149 || counts["email/skipped"] != 1 || counts["sms/sent"] != 1 || counts["sms/pending"] != 1 {
		t.Fatalf("reminders: %v", counts)
	}
	if msgs, _ := db.FindMessages(ctx, "", 1000); len(msgs)-len(before) != 148 {
		t.Fatalf("%d messages, want 148 (one sent before, one cancelled)", len(msgs)-len(before))
	}
	if len(g.got) != 1 {
		t.Fatalf("texts %q", g.got)
	}
	if err := db.DeliverReminders(ctx, all, g.serve(t)); err != nil { // the job again: the last text alone goes
		t.Fatal(err)
	}
	if counts, _ := db.CountReminders(ctx); counts["email/sent"] != 149 || counts["sms/sent"] != 2 || len(counts) != 3 {
		t.Fatalf("reminders after the retry: %v", counts)
	}
}
