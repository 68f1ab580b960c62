package journey

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// Reminders are the messages a client gets about a care session: a few
// days before it, the day before it, and the morning after a medicine
// session. Each is sent once per (session, kind, sequence, channel): a
// moved session has a new sequence and so its own reminders, and one that
// is cancelled gets none. They say what the client needs to attend (the
// time, the place or link, what to bring, and before a medicine session how
// to prepare) and nothing clinical.

// Reminder kinds: when a reminder goes out, relative to its session.
const (
	ReminderEarly        = "early"         // ReminderSettings.EarlyHours before (72 h by default)
	ReminderDay          = "day"           // ReminderSettings.DayHours before (24 h by default)
	ReminderMorningAfter = "morning_after" // the morning after a medicine session, at MorningHour in the client's zone
)

// Reminder channels.
const (
	ChannelEmail = "email"
	ChannelText  = "sms"
)

// Reminder statuses. A pending reminder is sent when it is due; it is
// skipped when its session was cancelled or moved before then. An email
// reminder is "sent" once its message is in the outbox (the outbox then
// says whether it was delivered); a text is sent once the provider took it.
const (
	ReminderPending = "pending"
	ReminderSending = "sending" // a text handed to the provider, its answer not yet recorded
	ReminderSent    = "sent"
	ReminderSkipped = "skipped"
	ReminderFailed  = "failed"
)

// Reminder is one message due about one session for one client.
type Reminder struct {
	ID        int64
	SessionID int64
	ClientID  int64
	Kind      string // Reminder…
	Channel   string // Channel…
	Sequence  int    // the session's sequence it was made for
	DueAt     time.Time
	Status    string
	MessageID int64 // the outbox message of an email reminder
	Attempts  int
	// ErrorClass says why the last attempt failed, in one of a few words
	// (SMSError classes, or "smtp" for an email): never the provider's text,
	// which may quote the number.
	ErrorClass string
	SentAt     time.Time
	CreatedAt  time.Time
}

// ReminderSettings are the practice's rules for reminders and the
// instructions before a medicine session.
type ReminderSettings struct {
	EarlyHours int // the first reminder, hours before; default 72
	DayHours   int // the second, hours before; default 24
	// FastFoodHours and FastLiquidMinutes are the fasting before a
	// medicine session: no food for FastFoodHours, no liquids for
	// FastLiquidMinutes. The defaults (2 h, 30 min) are the least; a
	// practice may ask for more (commonly 4 h and 2 h).
	FastFoodHours     int
	FastLiquidMinutes int
	MorningHour       int // the morning-after message's hour in the client's zone; default 9
}

// DefaultReminderSettings returns Journey's defaults.
func DefaultReminderSettings() ReminderSettings {
	return ReminderSettings{EarlyHours: 72, DayHours: 24, FastFoodHours: 2, FastLiquidMinutes: 30, MorningHour: 9}
}

// WithDefaults returns s with each zero field set to its default.
func (s ReminderSettings) WithDefaults() ReminderSettings {
	d := DefaultReminderSettings()
	for _, f := range []struct{ v, d *int }{{&s.EarlyHours, &d.EarlyHours}, {&s.DayHours, &d.DayHours},
		{&s.FastFoodHours, &d.FastFoodHours}, {&s.FastLiquidMinutes, &d.FastLiquidMinutes}, {&s.MorningHour, &d.MorningHour}} {
		if *f.v == 0 {
			*f.v = *f.d
		}
	}
	return s
}

// Validate returns EINVALID naming each wrong field. Fasting may be raised
// above the defaults, never lowered below them.
func (s *ReminderSettings) Validate() error {
	var v Validation
	if s.EarlyHours < 25 || s.EarlyHours > 14*24 {
		v.Add("early_hours", "Send the first reminder between 25 hours and 14 days before the session.")
	}
	if s.DayHours < 2 || s.DayHours > 48 {
		v.Add("day_hours", "Send the second reminder between 2 and 48 hours before the session.")
	} else if s.DayHours >= s.EarlyHours {
		v.Add("day_hours", "Send the second reminder later than the first.")
	}
	if s.FastFoodHours < 2 || s.FastFoodHours > 12 {
		v.Add("fast_food_hours", "Ask for between 2 and 12 hours without food.")
	}
	if s.FastLiquidMinutes < 30 || s.FastLiquidMinutes > 240 {
		v.Add("fast_liquid_minutes", "Ask for between 30 and 240 minutes without liquids.")
	}
	if s.MorningHour < 6 || s.MorningHour > 12 {
		v.Add("morning_hour", "Send the morning-after message between 6 and 12 o'clock.")
	}
	return v.Err()
}

// Due returns when a reminder of kind for a session starting at start goes
// out; the morning after is the first MorningHour in loc after the
// session's end. ok is false for an unknown kind.
func (s ReminderSettings) Due(kind string, start, end time.Time, loc *time.Location) (due time.Time, ok bool) {
	s = s.WithDefaults()
	switch kind {
	case ReminderEarly:
		return start.Add(-time.Duration(s.EarlyHours) * time.Hour), true
	case ReminderDay:
		return start.Add(-time.Duration(s.DayHours) * time.Hour), true
	case ReminderMorningAfter:
		e := end.In(loc)
		return time.Date(e.Year(), e.Month(), e.Day()+1, s.MorningHour, 0, 0, 0, loc), true
	}
	return time.Time{}, false
}

// ReminderKinds returns the reminders a session of type sessionType gets.
func ReminderKinds(sessionType string) []string {
	if sessionType == TypeMedicine {
		return []string{ReminderEarly, ReminderDay, ReminderMorningAfter}
	}
	return []string{ReminderEarly, ReminderDay}
}

// ReminderEmailKind returns the email a reminder of kind about a session of
// sessionType in mode is sent as.
func ReminderEmailKind(kind, sessionType, mode string) string {
	switch {
	case kind == ReminderMorningAfter:
		return MailMorningAfter
	case sessionType == TypeMedicine && mode == ModeRemote:
		return MailMedicineReminderRemote
	case sessionType == TypeMedicine:
		return MailMedicineReminder
	}
	return MailSessionReminder
}

// ReminderService keeps reminders: made when they fall due, sent once.
type ReminderService interface {
	// ScheduleReminders makes the reminders due now that sessions do not
	// have yet; the same reminder is never made twice (the store's key
	// refuses it), whatever process makes it.
	// texts makes the text messages too, for clients who agreed to them.
	// It returns how many it made.
	ScheduleReminders(ctx context.Context, texts bool, limit int) (int, error)
	// SendReminder sends email reminder id once: its message queued and
	// the reminder marked sent in one transaction, or skipped when its
	// session was cancelled or moved since.
	SendReminder(ctx context.Context, id int64) error
	// SendTextReminder sends text reminder id through sender, once at
	// most: skipped without the client's consent.
	SendTextReminder(ctx context.Context, id int64, sender SMSSender) error
}

// Initials returns a name's initials ("Ada Visitor" → "A.V."): how a staff
// calendar names a client, so a calendar on a phone or a shared screen
// says who without saying their name.
func Initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
				b.WriteByte('.')
				break
			}
		}
	}
	return b.String()
}

// Reminder email kinds (email_kinds.go holds their text).
const (
	MailSessionReminder        = "session_reminder"
	MailMedicineReminder       = "medicine_reminder"
	MailMedicineReminderRemote = "medicine_reminder_remote"
	MailMorningAfter           = "medicine_morning_after"
)

// ReminderMail is what a reminder about a session is written from: only
// what the client needs to attend.
type ReminderMail struct {
	Reminder    *Reminder
	Session     *CareSession
	ClientName  string
	ClientEmail string
	ClientPhone string // the mobile number they agreed to be texted on
	TimeZone    string // the client's
	TypeName    string // the session type's name
	Where       string // the room and address, or the link to join
	MonitorName string // a remote medicine session's monitor
	Settings    ReminderSettings
	Now         time.Time // when it is written, for "tomorrow"
	// Invite: the email carries the session's calendar invitation (the
	// first reminder the client gets of the session's time).
	Invite bool
}

// ReminderMailComposer writes reminders.
type ReminderMailComposer interface {
	// ComposeReminder returns the email of m's reminder, with the
	// session's calendar invitation when m.Invite. It fails only on an
	// unknown kind or zone.
	ComposeReminder(m *ReminderMail, p *Practice) (*Message, error)
	// ComposeReminderText returns the text message of m's reminder: the
	// practice and when, nothing else (a text shows on a locked phone).
	ComposeReminderText(m *ReminderMail, p *Practice) (string, error)
}

// FailedDelivery is a reminder or email that could not be delivered, as
// front desk sees it: ids, the client's initials, the kind, when, and the
// class of error; never the message, the address or the number.
type FailedDelivery struct {
	ReminderID     int64  // 0 for an email that is not a reminder
	MessageID      int64  // the outbox message of an email, 0 for a text
	Channel        string // Channel…
	Kind           string // Reminder…, "" for other email
	ClientInitials string // "" when the email is not about a client's session
	At             time.Time
	ErrorClass     string // SMS… classes, "smtp" for an email, "interrupted"
	// MonitorMessageID is the monitor's instructions (Kind KindMonitor)
	// that failed, by text or by email; 0 for anything else.
	MonitorMessageID int64
}
