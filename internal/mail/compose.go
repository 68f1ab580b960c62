// Package mail writes and delivers Journey's email: the messages a visitor
// gets about their consult, with an iCalendar invite, and an SMTP sender.
package mail

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"text/template"
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

var bodies = template.Must(template.New("").Parse(`
{{define "consult_booked"}}Hello {{.Name}},

Your free consult with {{.Therapist}} at {{.Practice}} is booked.

When: {{.When}} ({{.Zone}})
Length: {{.Minutes}} minutes

{{.How}}

The attached invitation adds it to your calendar. Should we need to reach
you before then, we will use {{.Method}}.

To view, move or cancel your consult, use this private link (keep it to
yourself; anyone with it can change your booking):
{{.Link}}
{{template "footer" .}}{{end}}
{{define "consult_rescheduled"}}Hello {{.Name}},

Your free consult at {{.Practice}} has moved.

New time: {{.When}} ({{.Zone}})
With: {{.Therapist}}

{{.How}}

The attached invitation updates your calendar.
{{template "footer" .}}{{end}}
{{define "consult_cancelled"}}Hello {{.Name}},

Your free consult with {{.Therapist}} on {{.When}} ({{.Zone}}) is cancelled.

Whenever you are ready, you can book a new time on our website.
{{template "footer" .}}{{end}}
{{define "consult_manage_link"}}Hello {{.Name}},

You asked for the link to your upcoming consult with {{.Therapist}} on
{{.When}} ({{.Zone}}). Use it to view, move or cancel the consult:
{{.Link}}

Links we sent you before keep working too. If you did not ask for this
link, you can ignore this message: nobody else was sent it.
{{template "footer" .}}{{end}}
{{define "consult_hold"}}Hello {{.Name}},

We are holding a free consult with {{.Therapist}} at {{.Practice}} for you:

When: {{.When}} ({{.Zone}})
Length: {{.Minutes}} minutes
By: {{.ModeLabel}}

To book it, open this link within {{.HoldMinutes}} minutes (by {{.HoldUntil}}):
{{.Link}}

If you do not, the time is freed for others and nothing is booked. If you
did not ask for this, you can ignore this message.
{{template "footer" .}}{{end}}
{{define "footer"}}
{{.Practice}}{{if .Phone}} · {{.Phone}}{{end}}{{if .Email}} · {{.Email}}{{end}}
{{with .Crisis}}If you are in crisis, {{.Lifeline.How}} {{.Lifeline.Number}} ({{.Lifeline.Name}}) or {{.Emergency.Number}}.{{end}}
{{end}}`))

var subjects = map[string]string{
	journey.MailConsultBooked:      "Your free consult is booked: %s",
	journey.MailConsultRescheduled: "Your free consult has moved: %s",
	journey.MailConsultCancelled:   "Your free consult is cancelled: %s",
	journey.MailConsultManageLink:  "The link to your consult on %s",
	journey.MailConsultHold:        "Confirm your free consult: %s",
}

// ComposeConsultMail returns the email of the given kind about c. Times are
// shown in the visitor's zone. It fails only on an unknown kind or zone.
func (c *Composer) ComposeConsultMail(kind string, cons *journey.Consult, t *journey.Therapist, p *journey.Practice, token string) (*journey.Message, error) {
	subject, ok := subjects[kind]
	if !ok {
		return nil, fmt.Errorf("mail: unknown kind %q", kind)
	}
	loc, err := journey.LoadZone(cons.TimeZone)
	if err != nil {
		return nil, err
	}
	start := cons.Start.In(loc)
	when := start.Format("Monday, January 2, 2006 at 3:04 PM")
	method := map[string]string{"email": "email", "phone": "phone", "text": "text message"}[cons.ContactMethod]
	therapist := t.Name
	if t.Credentials != "" {
		therapist += ", " + t.Credentials
	}
	data := map[string]any{
		"Name": cons.Name, "Therapist": therapist, "Practice": p.Name, "Phone": p.Phone, "Email": p.Email,
		"When": when, "Zone": zoneLabel(start), "Minutes": int(cons.End.Sub(cons.Start) / time.Minute),
		"Method": method, "Link": "", "Crisis": journey.Crisis,
		"How": how(cons, therapist, p), "ModeLabel": modeLabel(cons.Mode),
	}
	if token != "" {
		data["Link"] = c.ManageURL(token)
	}
	if kind == journey.MailConsultHold {
		data["Link"] = c.ConfirmURL(token)
		data["HoldMinutes"] = int(cons.HoldUntil.Sub(cons.CreatedAt).Round(time.Minute) / time.Minute)
		data["HoldUntil"] = cons.HoldUntil.In(loc).Format("3:04 PM MST")
	}
	var body bytes.Buffer
	if err := bodies.ExecuteTemplate(&body, kind, data); err != nil {
		return nil, err
	}
	m := &journey.Message{To: cons.Email, Subject: fmt.Sprintf(subject, start.Format("Mon Jan 2, 3:04 PM MST")), Text: strings.TrimLeft(body.String(), "\n")}
	switch kind {
	case journey.MailConsultBooked, journey.MailConsultRescheduled:
		m.ICSMethod, m.ICS = "REQUEST", c.invite(ics.MethodRequest, cons, therapist, p, data["Link"].(string), data["How"].(string))
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
