// Package journey holds the domain of Journey, a platform that runs a
// Ketamine-Assisted Psychotherapy practice: its types, their validation and
// the service interfaces that the adapters in internal/ implement. It imports
// only the standard library.
package journey

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Clock returns the current time. Services take one so tests can fix "now".
type Clock func() time.Time

// Practice describes the practice itself: what the public site shows.
type Practice struct {
	Name          string
	Tagline       string
	Phone         string
	Email         string
	Address       string
	TimeZone      string // the zone the site defaults to before the visitor picks one
	PrivacyNotice string // Markdown
	// SetupPending is true while the first admin is still setting the
	// practice up: the public site works but takes no booking. The zero
	// value is an open practice, so a practice made by code (the demo,
	// tests) takes bookings at once.
	SetupPending bool
	// ReminderHours is how long before an appointment its reminder goes
	// out; CancelNoticeHours how late a client may cancel before it counts
	// as a late cancellation. Zero takes the default (24 hours each).
	ReminderHours     int
	CancelNoticeHours int
	// Landing is the landing page's text (Markdown) under its heading;
	// empty keeps Journey's general description of KAP.
	Landing string
	// VideoLink is the https address of the practice's video room, sent
	// with each video consult's confirmation; empty: the link is sent
	// before the consult by other means, and staff are warned.
	VideoLink string
	// LogoSHA256 and LogoType name the practice's logo (logo.go) when it
	// has one: read with the practice, stored apart from it.
	LogoSHA256, LogoType string
	// ChangedBy is who saves a change (0: Journey itself, the demo); the
	// store keeps it with the version the change makes (settings.go).
	ChangedBy int64
	// Emails holds the email templates the practice saved, by kind; a kind
	// not in it (or reset) uses Journey's text. Read-only once loaded.
	Emails map[string]*EmailTemplate
}

// EmailTemplate returns the template the practice sends kind with: its
// own, or Journey's default; nil for an unknown kind.
func (p *Practice) EmailTemplate(kind string) *EmailTemplate {
	if t := p.Emails[kind]; t != nil && !t.Default {
		return t
	}
	if k := FindEmailKind(kind); k != nil {
		return k.Default()
	}
	return nil
}

// MaxVideoLinkLen is the longest video link a practice may set.
const MaxVideoLinkLen = 500

// ValidVideoLink reports whether s is an absolute https URL with a host and
// no credentials, spaces or control characters: it goes into emails and
// calendar invitations as it is.
func ValidVideoLink(s string) bool {
	if s == "" || len(s) > MaxVideoLinkLen || CleanLine(s) != s || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}

// Default and bounds of the practice's windows, in hours.
const (
	DefaultWindowHours = 24
	MaxReminderHours   = 168 // a week
	MaxCancelHours     = 168
)

// NotOpenMessage is the answer to a booking, and the reason given beside an
// empty list of times, before the practice has opened bookings.
const NotOpenMessage = "Bookings are not open yet: the practice is still being set up. Please check back soon."

// Open reports whether the practice takes bookings: it has been set up
// and its admin opened bookings. A nil practice (none yet) is not open.
func (p *Practice) Open() bool { return p != nil && !p.SetupPending }

// PracticeService reads and changes the practice's description.
type PracticeService interface {
	// FindPractice returns the practice, or ENOTFOUND before one is set up.
	FindPractice(ctx context.Context) (*Practice, error)
	// UpdatePractice replaces the practice's description and whether it
	// is still being set up.
	UpdatePractice(ctx context.Context, p *Practice) error
	// SetupProgress says which steps of setting up a practice are done.
	SetupProgress(ctx context.Context) (SetupProgress, error)
}

// SetupProgress is what a practice's first admin has done so far: each
// step of setting up is saved on its own, so the admin can stop and come
// back. Opening bookings is the last step (Practice.SetupPending).
type SetupProgress struct {
	Details    bool // the practice's name, contact details and time zone are saved
	Therapists int  // active therapists with weekly consult hours
	Invited    int  // staff invitations sent and not yet accepted
	FAQ        int  // published FAQ entries
	Consents   int  // published consent documents
}

// Validate returns EINVALID naming every field that is wrong. The phone is
// checked by the caller that normalises it (the web layer's libphonenumber).
func (p *Practice) Validate() error {
	p.Name, p.Tagline, p.Address = Line(p.Name), Line(p.Tagline), Paragraphs(p.Address)
	p.Email, p.Phone = strings.TrimSpace(p.Email), strings.TrimSpace(p.Phone)
	var v Validation
	if p.Name == "" {
		v.Add("name", "Enter the practice's name.")
	} else {
		checkText(&v, "name", p.Name, 1, 120)
	}
	checkText(&v, "address", p.Address, 0, 300)
	p.Landing = Paragraphs(p.Landing)
	checkText(&v, "landing", p.Landing, 0, 20000)
	if p.Email != "" && !ValidEmail(p.Email) {
		v.Add("email", "Enter an email address like desk@example.com.")
	}
	p.VideoLink = strings.TrimSpace(p.VideoLink)
	if p.VideoLink != "" && !ValidVideoLink(p.VideoLink) {
		v.Add("video_link", "Enter the video room's address starting with https://, like https://video.example/our-room.")
	}
	if p.ReminderHours == 0 {
		p.ReminderHours = DefaultWindowHours
	}
	if p.CancelNoticeHours == 0 {
		p.CancelNoticeHours = DefaultWindowHours
	}
	if p.ReminderHours < 1 || p.ReminderHours > MaxReminderHours {
		v.Add("reminder_hours", "Send reminders between 1 and 168 hours (a week) ahead.")
	}
	if p.CancelNoticeHours < 1 || p.CancelNoticeHours > MaxCancelHours {
		v.Add("cancel_notice_hours", "Ask for between 1 and 168 hours (a week) of notice.")
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" || p.TimeZone == "Local" {
		v.Add("time_zone", "Choose a known time zone, such as America/Chicago.")
	}
	return v.Err()
}
