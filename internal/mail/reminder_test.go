package mail_test

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
)

func reminderMail(kind, typ, mode string) *journey.ReminderMail {
	la := time.Date(2031, 3, 14, 16, 0, 0, 0, time.UTC) // 9:00 PDT
	s := &journey.CareSession{ID: 55, Type: typ, Start: la, End: la.Add(3 * time.Hour), Status: journey.SessionBooked, Mode: mode,
		Sequence: 2, CancelReason: "SECRET-REASON", CreatedAt: la.AddDate(0, 0, -20), UpdatedAt: la.AddDate(0, 0, -5)}
	r := &journey.Reminder{ID: 9, SessionID: 55, Kind: kind, Channel: journey.ChannelEmail, Sequence: 2}
	due, _ := journey.DefaultReminderSettings().Due(kind, s.Start, s.End, time.UTC)
	return &journey.ReminderMail{Reminder: r, Session: s, ClientName: "Ada Visitor", ClientEmail: "ada@example.test",
		TimeZone: "America/Los_Angeles", TypeName: "Medicine session", Where: "Cedar Room, 12 Alder Street, Portland", Now: due,
		Invite: kind == journey.ReminderEarly}
}

// The first reminder of a medicine session carries the fasting of the
// practice's rule, the ride home, no driving until after sleep, and the
// session's invitation under the UID of every feed; nothing clinical.
func TestComposeMedicineReminder(t *testing.T) {
	c := &mail.Composer{BaseURL: "https://journey.test"}
	m := reminderMail(journey.ReminderEarly, journey.TypeMedicine, journey.ModeInPerson)
	msg, err := c.ComposeReminder(m, practice)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Hello Ada,", "in 3 days", "Friday, March 14, 2031 at 9:00 AM", "Cedar Room, 12 Alder Street",
		"Eat nothing for 2 hours", "for 30 minutes before it", "ride home", "Do not drive until the next day, after a night's sleep",
		"https://journey.test/portal", "988"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, msg.Text)
		}
	}
	if strings.Contains(msg.Text+msg.ICS+msg.Subject, "SECRET-REASON") || strings.Contains(msg.Subject, "edicine") {
		t.Errorf("the reminder says too much: %s\n%s", msg.Subject, msg.Text)
	}
	cal, ev := parseEvent(t, msg.ICS)
	if msg.ICSMethod != "REQUEST" || !strings.Contains(msg.ICS, "METHOD:REQUEST") || ev.Id() != "session-55@journey.test" ||
		prop(&ev.ComponentBase, ics.ComponentPropertySequence) != "2" || len(ev.Attendees()) != 1 || len(cal.Timezones()) != 1 {
		t.Errorf("invitation:\n%s", msg.ICS)
	}
	if got, _ := ev.GetStartAt(); !got.Equal(m.Session.Start) {
		t.Errorf("the invitation starts at %v", got)
	}

	// A practice that asks for longer fasting has its rule in the text; the
	// day's reminder carries no invitation.
	m = reminderMail(journey.ReminderDay, journey.TypeMedicine, journey.ModeInPerson)
	m.Settings = journey.ReminderSettings{FastFoodHours: 4, FastLiquidMinutes: 120}
	msg, _ = c.ComposeReminder(m, practice)
	if !strings.Contains(msg.Text, "Eat nothing for 4 hours") || !strings.Contains(msg.Text, "for 2 hours before it") || !strings.Contains(msg.Subject, "tomorrow") || msg.ICS != "" {
		t.Errorf("raised fasting:\n%s\n%s", msg.Subject, msg.Text)
	}
}

// A remote medicine session's reminder gives the monitor's duties; the
// morning-after message asks how the client is; other sessions get the
// plain reminder.
func TestComposeOtherReminders(t *testing.T) {
	c := &mail.Composer{BaseURL: "https://journey.test"}
	m := reminderMail(journey.ReminderDay, journey.TypeMedicine, journey.ModeRemote)
	m.Where, m.MonitorName = "https://video.example/room/55", "Sam Visitor"
	msg, _ := c.ComposeReminder(m, practice)
	for _, want := range []string{"Your monitor, Sam Visitor, must be an adult", "call 911 first", "blood pressure", "https://video.example/room/55", "Eat nothing for 2 hours"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("the remote reminder lacks %q:\n%s", want, msg.Text)
		}
	}
	m = reminderMail(journey.ReminderMorningAfter, journey.TypeMedicine, journey.ModeRemote)
	msg, _ = c.ComposeReminder(m, practice)
	if !strings.Contains(msg.Text, "how you are this morning") || msg.ICS != "" {
		t.Errorf("morning after:\n%s", msg.Text)
	}
	// Its link opens the check-in form itself, by email and by text.
	if !strings.Contains(msg.Text, "https://journey.test/portal/morning-after") {
		t.Errorf("the morning-after email does not link the check-in:\n%s", msg.Text)
	}
	if text, _ := c.ComposeReminderText(m, practice); !strings.Contains(text, "https://journey.test/portal/morning-after") {
		t.Errorf("the morning-after text does not link the check-in: %q", text)
	}
	m = reminderMail(journey.ReminderEarly, journey.TypeIntegration, journey.ModeInPerson)
	m.TypeName = "Integration"
	msg, _ = c.ComposeReminder(m, practice)
	if !strings.Contains(msg.Subject, "Reminder: your integration in 3 days") || strings.Contains(msg.Text, "Eat nothing") || msg.ICS == "" {
		t.Errorf("integration:\n%s\n%s", msg.Subject, msg.Text)
	}
	text, _ := c.ComposeReminderText(m, practice)
	if !strings.Contains(text, "Fri Mar 14, 9:00 AM PDT") || strings.Contains(strings.ToLower(text), "integration") || len(text) > 320 {
		t.Errorf("text: %q", text)
	}
}
