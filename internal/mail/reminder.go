package mail

import (
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
)

var _ journey.ReminderMailComposer = (*Composer)(nil)

// ComposeReminder returns the email of m's reminder in the practice's
// template of its kind (journey.ReminderEmailKind); with m.Invite it
// carries the session's invitation, under the UID every feed gives it.
func (c *Composer) ComposeReminder(m *journey.ReminderMail, p *journey.Practice) (*journey.Message, error) {
	loc, err := journey.LoadZone(m.TimeZone)
	if err != nil {
		return nil, err
	}
	s, r := m.Session, m.Reminder
	set := m.Settings.WithDefaults()
	start := s.Start.In(loc)
	values := map[string]string{
		"client_first_name": firstName(m.ClientName), "client_name": m.ClientName, "portal_link": c.link("/portal"),
		"session_name": strings.ToLower(m.TypeName), "session_time": start.Format("Monday, January 2, 2006 at 3:04 PM"),
		"session_time_short": start.Format("Mon Jan 2, 3:04 PM MST"), "session_time_zone": zoneLabel(start),
		"session_minutes": strconv.Itoa(int(s.End.Sub(s.Start) / time.Minute)), "session_where": where(m),
		"time_until": timeUntil(m.Now.In(loc), start), "fasting_food": hours(set.FastFoodHours),
		"fasting_liquids": minutes(set.FastLiquidMinutes), "monitor_name": m.MonitorName,
		"emergency_number": journey.Crisis.Emergency.Number,
	}
	if m.MonitorName == "" {
		values["monitor_name"] = "the adult you named in your portal"
	}
	if r.Kind == journey.ReminderMorningAfter { // the link opens the check-in form itself
		values["portal_link"] = c.link(morningAfterPath)
	}
	msg, err := compose(journey.ReminderEmailKind(r.Kind, s.Type, s.Mode), p, values, m.ClientEmail)
	if err != nil {
		return nil, err
	}
	if m.Invite {
		e := journey.SessionEntry(s, false, m.ClientName, m.TypeName, p.Name, where(m))
		msg.ICSMethod, msg.ICS = "REQUEST", invitation(p, HostOf(c.BaseURL), loc, e, m.ClientName, m.ClientEmail)
	}
	return msg, nil
}

// invitation is the session's calendar entry as an iTIP request, with the
// practice as organizer and the client as attendee.
func invitation(p *journey.Practice, host string, loc *time.Location, e journey.CalendarEntry, name, email string) string {
	cal := sessionCalendar(p.Name, host, loc, ics.MethodRequest, []journey.CalendarEntry{e})
	ev := cal.Events()[0]
	if p.Email != "" {
		ev.SetOrganizer("mailto:"+p.Email, ics.WithCN(p.Name))
	}
	ev.AddAttendee("mailto:"+email, ics.WithCN(name), ics.ParticipationRoleReqParticipant, ics.ParticipationStatusAccepted)
	return cal.Serialize()
}

// morningAfterPath is the portal's morning-after check-in form.
const morningAfterPath = "/portal/morning-after"

// ComposeReminderText returns the short text of m's reminder.
func (c *Composer) ComposeReminderText(m *journey.ReminderMail, p *journey.Practice) (string, error) {
	loc, err := journey.LoadZone(m.TimeZone)
	if err != nil {
		return "", err
	}
	if m.Reminder.Kind == journey.ReminderMorningAfter {
		return p.Name + ": good morning. Please tell us how you are today in your portal: " + c.link(morningAfterPath), nil
	}
	start := m.Session.Start.In(loc)
	// The kind of session stays out: a text shows on a locked phone.
	return p.Name + ": a reminder of your session " + timeUntil(m.Now.In(loc), start) + ", " +
		start.Format("Mon Jan 2, 3:04 PM MST") + ". Details in your email and portal. Reply STOP to stop texts.", nil
}

// where says where the session takes place: the place or link given, or
// for a remote session without one, that the link follows.
func where(m *journey.ReminderMail) string {
	switch {
	case m.Where != "":
		return m.Where
	case m.Session.Mode == journey.ModeRemote:
		return "online; the link to join is in your portal"
	}
	return "at the practice"
}

// timeUntil says how soon start is from now, by the calendar in start's
// zone: today, tomorrow, in n days.
func timeUntil(now, start time.Time) string {
	d0 := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	d1 := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	switch days := int(d1.Sub(d0).Hours() / 24); {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	default:
		return "in " + strconv.Itoa(days) + " days"
	}
}

func hours(n int) string {
	if n == 1 {
		return "1 hour"
	}
	return strconv.Itoa(n) + " hours"
}

func minutes(n int) string {
	if n%60 == 0 {
		return hours(n / 60)
	}
	return strconv.Itoa(n) + " minutes"
}

var _ journey.MonitorMailComposer = (*Composer)(nil)

// ComposeMonitorInstructions returns the monitor's instructions for a
// remote session in the practice's template: the time in the client's
// zone, the link, the client's first name only.
func (c *Composer) ComposeMonitorInstructions(m *journey.MonitorMail, p *journey.Practice) (*journey.Message, error) {
	loc, err := journey.LoadZone(m.TimeZone)
	if err != nil {
		return nil, err
	}
	s := m.Session
	start := s.Start.In(loc)
	link := m.Where
	if link == "" {
		link = "the practice will send it to " + firstName(m.ClientFirst) + " before the session"
	}
	values := map[string]string{
		"client_first_name": firstName(m.ClientFirst), "monitor_name": m.Monitor.Name,
		"session_time": start.Format("Monday, January 2, 2006 at 3:04 PM"), "session_time_short": start.Format("Mon Jan 2, 3:04 PM MST"),
		"session_time_zone": zoneLabel(start), "session_minutes": strconv.Itoa(int(s.End.Sub(s.Start) / time.Minute)),
		"session_where": link, "emergency_number": journey.Crisis.Emergency.Number,
	}
	return compose(journey.MailMonitorInstructions, p, values, m.Monitor.Email)
}

// ComposeMonitorText returns the monitor's instructions as a text: who
// named them, when in the client's zone, what is asked of them and whom
// to call. No link and nothing clinical: a text shows on a locked phone.
func (c *Composer) ComposeMonitorText(m *journey.MonitorMail, p *journey.Practice) (string, error) {
	loc, err := journey.LoadZone(m.TimeZone)
	if err != nil {
		return "", err
	}
	first, start := firstName(m.ClientFirst), m.Session.Start.In(loc)
	call := "us"
	if p.Phone != "" {
		call = "us at " + p.Phone
	}
	return p.Name + ": " + first + " named you as their monitor for an online session on " + start.Format("Mon Jan 2, 3:04 PM MST") +
		". Please be with " + first + " for the whole session, keep your phone on, and make sure they do not drive that day. Worried? Call " +
		call + "; in an emergency call " + journey.Crisis.Emergency.Number + " first. Reply STOP to stop texts.", nil
}
