// Package mail writes and delivers Journey's email: the messages a visitor
// gets about their consult, with an iCalendar invite, and an SMTP sender.
package mail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
)

// Composer writes consult emails. BaseURL (no trailing slash) builds the
// manage links; Host names the iCalendar UIDs.
type Composer struct {
	BaseURL string
}

var _ journey.ConsultMailComposer = (*Composer)(nil)

// ConfirmURL returns the absolute URL that confirms a held time.
func (c *Composer) ConfirmURL(token string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/book/confirm/" + url.PathEscape(token)
}

// ManageURL returns the absolute URL of a consult's manage page.
func (c *Composer) ManageURL(token string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/c/" + url.PathEscape(token)
}

// footer ends every consult email, whatever the practice's template says:
// who sent it, and where to turn in a crisis.
func footer(p *journey.Practice) string {
	var b strings.Builder
	b.WriteString("\n\n" + p.Name)
	for _, s := range []string{p.Phone, p.Email} {
		if s != "" {
			b.WriteString(" · " + s)
		}
	}
	c := journey.Crisis
	fmt.Fprintf(&b, "\nIf you are in crisis, %s %s (%s) or %s.\n", c.Lifeline.How, c.Lifeline.Number, c.Lifeline.Name, c.Emergency.Number)
	return b.String()
}

// compose renders the practice's template of kind with values into a
// message to addr, with the footer when the kind has one.
func compose(kind string, p *journey.Practice, values map[string]string, to string) (*journey.Message, error) {
	t, k := p.EmailTemplate(kind), journey.FindEmailKind(kind)
	if t == nil || k == nil {
		return nil, fmt.Errorf("mail: unknown kind %q", kind)
	}
	for _, ph := range []struct{ name, value string }{{"practice_name", p.Name}, {"practice_phone", p.Phone}, {"practice_email", p.Email}} {
		if _, ok := values[ph.name]; !ok {
			values[ph.name] = ph.value
		}
	}
	subject, body := journey.RenderEmail(t, values)
	body = strings.TrimSpace(body)
	if k.Footer {
		body += footer(p)
	} else {
		body += "\n"
	}
	return &journey.Message{To: to, Subject: subject, Text: body}, nil
}

// firstName is the first word of a name, for a greeting.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// ComposeConsultMail returns the email of the given kind about c. Times are
// shown in the visitor's zone. It fails only on an unknown kind or zone.
func (c *Composer) ComposeConsultMail(kind string, cons *journey.Consult, t *journey.Therapist, p *journey.Practice, token string) (*journey.Message, error) {
	loc, err := journey.LoadZone(cons.TimeZone)
	if err != nil {
		return nil, err
	}
	start := cons.Start.In(loc)
	method := map[string]string{"email": "email", "phone": "phone", "text": "text message"}[cons.ContactMethod]
	therapist := t.Name
	if t.Credentials != "" {
		therapist += ", " + t.Credentials
	}
	values := map[string]string{
		"client_first_name": firstName(cons.Name), "client_name": cons.Name, "therapist_name": therapist,
		"consult_time": start.Format("Monday, January 2, 2006 at 3:04 PM"), "consult_time_short": start.Format("Mon Jan 2, 3:04 PM MST"),
		"consult_time_zone": zoneLabel(start), "consult_minutes": strconv.Itoa(int(cons.End.Sub(cons.Start) / time.Minute)),
		"consult_mode": modeLabel(cons.Mode), "how_to_join": how(cons, therapist, p), "contact_method": method,
		"book_link": c.link("/book"),
	}
	if cons.Mode == journey.ModeVideo {
		values["video_link"] = p.VideoLink
	}
	link := ""
	if token != "" {
		link = c.ManageURL(token)
		values["manage_link"] = link
	}
	if kind == journey.MailConsultHold {
		values["confirm_link"] = c.ConfirmURL(token)
		values["hold_minutes"] = strconv.Itoa(int(cons.HoldUntil.Sub(cons.CreatedAt).Round(time.Minute) / time.Minute))
		values["hold_until"] = cons.HoldUntil.In(loc).Format("3:04 PM MST")
	}
	m, err := compose(kind, p, values, cons.Email)
	if err != nil {
		return nil, err
	}
	switch kind {
	case journey.MailConsultBooked, journey.MailConsultRescheduled:
		m.ICSMethod, m.ICS = "REQUEST", c.invite(ics.MethodRequest, cons, therapist, p, link, values["how_to_join"])
	case journey.MailConsultCancelled:
		m.ICSMethod, m.ICS = "CANCEL", c.invite(ics.MethodCancel, cons, therapist, p, "", "")
	}
	return m, nil
}

// how says how the consult takes place: the video room to join (or that
// its link follows, when the practice has none), or the number the
// therapist calls.
func how(cons *journey.Consult, therapist string, p *journey.Practice) string {
	switch {
	case cons.Mode != journey.ModeVideo:
		return "This is a phone consult: " + therapist + " will call you at " + cons.Phone + " at that time."
	case p.VideoLink != "":
		return "This is a video consult. At that time, join " + therapist + " here:\n" + p.VideoLink
	default:
		return "This is a video consult. We will send you the link to join it before the consult."
	}
}

func modeLabel(mode string) string {
	if mode == journey.ModeVideo {
		return "video"
	}
	return "phone"
}

func zoneLabel(t time.Time) string {
	name, _ := t.Zone()
	return t.Location().String() + ", " + name
}

// invite returns an RFC 5545 calendar with one event. The UID is stable per
// consult (its CalendarUID, or its id for consults booked before it had
// one) and SEQUENCE grows with each change, so calendar programs update or
// remove the event they already hold.
func (c *Composer) invite(method ics.Method, cons *journey.Consult, therapist string, p *journey.Practice, link, how string) string {
	cal := ics.NewCalendarFor(p.Name)
	cal.SetMethod(method)
	host := "journey.invalid"
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	uid := fmt.Sprintf("consult-%d@%s", cons.ID, host)
	if cons.CalendarUID != "" {
		uid = "consult-" + cons.CalendarUID + "@" + host
	}
	ev := cal.AddEvent(uid)
	ev.SetDtStampTime(cons.UpdatedAt)
	ev.SetCreatedTime(cons.CreatedAt)
	ev.SetModifiedAt(cons.UpdatedAt)
	ev.SetSequence(cons.Sequence)
	ev.SetStartAt(cons.Start)
	ev.SetEndAt(cons.End)
	ev.SetSummary("Free consult with " + therapist + " (" + p.Name + ")")
	desc := "Your free consult with " + therapist + "."
	if how != "" {
		desc += " " + strings.ReplaceAll(how, "\n", " ")
	}
	if link != "" {
		desc += " View, move or cancel: " + link
		ev.SetURL(link)
	}
	// Calendar programs offer LOCATION (and URL) as the place to join: the
	// video room, or the phone the therapist calls.
	switch {
	case method == ics.MethodCancel:
	case cons.Mode == journey.ModeVideo && p.VideoLink != "":
		ev.SetLocation(p.VideoLink)
		ev.SetURL(p.VideoLink)
	case cons.Mode == journey.ModeVideo:
		ev.SetLocation("Video (the link follows by email)")
	default:
		ev.SetLocation("Phone: " + therapist + " calls " + cons.Phone)
	}
	ev.SetDescription(desc)
	if p.Email != "" {
		ev.SetOrganizer("mailto:"+p.Email, ics.WithCN(p.Name))
	}
	ev.AddAttendee("mailto:"+cons.Email, ics.WithCN(cons.Name), ics.ParticipationRoleReqParticipant, ics.ParticipationStatusAccepted)
	if method == ics.MethodCancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize()
}
