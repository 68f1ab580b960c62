package journey

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Consult statuses.
const (
	ConsultBooked    = "booked"
	ConsultCancelled = "cancelled"
	ConsultHeld      = "held"
	ConsultNoShow    = "no_show"
)

// Contact methods a visitor may prefer.
var ContactMethods = []string{"email", "phone", "text"}

// How a consult takes place: the therapist calls the person's phone, or
// they meet on the practice's video link (Practice.VideoLink).
const (
	ModePhone = "phone"
	ModeVideo = "video"
)

// ConsultModes are the modes a person booking chooses from.
var ConsultModes = []string{ModePhone, ModeVideo}

// Consult is a free consult that a prospective client booked from the public
// site. Everything the visitor typed is protected health information.
type Consult struct {
	ID            int64
	TherapistID   int64
	Start         time.Time
	End           time.Time
	Status        string
	Name          string
	Email         string
	Phone         string // E.164, or ""
	ContactMethod string
	Mode          string // ModePhone or ModeVideo; consults booked before there was a choice are phone
	TimeZone      string // the visitor's zone, for showing times back to them
	Reason        string
	CancelReason  string // why it was cancelled, when the visitor said
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Sequence      int // bumped on each reschedule, for the iCalendar invite
	// CalendarUID names the consult's event in the visitor's calendar
	// (with the practice's host): random, made before the booking is
	// stored, so its email is written before the booking's transaction.
	// "" for consults booked before it was kept, whose event is named by
	// their ID.
	CalendarUID string

	// ManageToken is set only on the Consult returned by CreateConsult: the
	// database keeps its hash, so it cannot be shown again.
	ManageToken string
	// HoldUntil is set on a time held under private booking and not yet
	// confirmed: when the hold lapses and the time is offered again.
	HoldUntil time.Time
}

// MarkLead is how long before its start a consult may be marked held or
// missed (and so its person invited): a consult often begins a little early.
const MarkLead = 15 * time.Minute

// Markable reports whether staff may mark the consult held or missed at
// now: from MarkLead before its start, unless it was cancelled.
func (c *Consult) Markable(now time.Time) bool {
	return c.Status != ConsultCancelled && !c.Start.After(now.Add(MarkLead))
}

// Upcoming reports whether the consult is booked and has not started by now.
func (c *Consult) Upcoming(now time.Time) bool {
	return c.Status == ConsultBooked && c.Start.After(now)
}

// ConsultFilter selects consults. Nil fields do not filter.
type ConsultFilter struct {
	ID          *int64
	TherapistID *int64
	Status      *string
	From        *time.Time // start at or after
	To          *time.Time // start before
	NoClient    bool       // only consults no client was created from (held, not yet invited)
	Offset      int
	Limit       int
}

// BookingRequest is what a visitor submits to book or move a consult.
type BookingRequest struct {
	Start          time.Time
	TherapistID    int64 // 0: any free therapist
	Name           string
	Email          string
	Phone          string // already normalised to E.164 by the caller, or ""
	ContactMethod  string
	Mode           string // ModePhone or ModeVideo
	TimeZone       string
	Reason         string
	PrivacyConsent bool
}

// Limits on what a visitor may type.
const (
	MaxNameLen   = 200
	MaxEmailLen  = 254
	MaxReasonLen = 2000
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// Normalize trims the free-text fields and lower-cases the email's domain.
func (r *BookingRequest) Normalize() {
	r.Name = Line(r.Name)
	r.Email = strings.TrimSpace(r.Email)
	r.Phone = strings.TrimSpace(r.Phone)
	r.ContactMethod = strings.TrimSpace(r.ContactMethod)
	r.Mode = strings.TrimSpace(r.Mode)
	r.TimeZone = strings.TrimSpace(r.TimeZone)
	r.Reason = Paragraphs(r.Reason)
}

// Validate returns EINVALID naming every field that is wrong; it cleans the
// name and reason first (CleanText). It does not check the time against the calendar: the ConsultService does that.
func (r *BookingRequest) Validate() error {
	r.Name, r.Reason = Line(r.Name), Paragraphs(r.Reason)
	var v Validation
	if r.Start.IsZero() {
		v.Add("start", "Choose a time for your consult.")
	}
	checkText(&v, "name", r.Name, 1, MaxNameLen)
	if !ValidEmail(r.Email) {
		v.Add("email", "Enter an email address like name@example.com.")
	}
	if r.Phone != "" && !e164.MatchString(r.Phone) {
		v.Add("phone", "Enter a phone number with its area code, like (212) 555-0142 or +44 20 7946 0000.")
	}
	switch r.ContactMethod {
	case "email":
	case "phone", "text":
		if r.Phone == "" && !v.Has("phone") {
			v.Add("phone", "Enter a phone number so we can reach you that way.")
		}
	default:
		v.Add("contact_method", "Choose how you would like us to contact you.")
	}
	switch r.Mode {
	case ModeVideo:
	case ModePhone:
		// The therapist calls the number given: a phone consult needs one.
		if r.Phone == "" && !v.Has("phone") {
			v.Add("phone", "Enter a phone number so the therapist can call you.")
		}
	default:
		v.Add("mode", "Choose whether you would like the consult by phone or by video.")
	}
	if _, err := LoadZone(r.TimeZone); err != nil {
		v.Add("time_zone", "Choose a known time zone.")
	}
	checkText(&v, "reason", r.Reason, 0, MaxReasonLen)
	if !r.PrivacyConsent {
		v.Add("privacy_consent", "Please confirm that you have read the privacy notice.")
	}
	return v.Err()
}

// ValidEmail reports whether s is a bare address with a dotted domain.
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLen || CleanLine(s) != s { // no bidi, zero-width or control characters
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

// NormalizeEmail returns the form of an email used to tell two addresses
// apart: trimmed and lower-cased.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Slot is a time a therapist can hold a consult.
type Slot struct {
	TherapistID int64
	Start       time.Time
	End         time.Time
}

// SlotQuery asks for open consult slots.
type SlotQuery struct {
	From        time.Time // start of the first day, in the visitor's zone
	Days        int
	TherapistID int64 // 0: all
}

// Limits on a slot query.
const MaxSlotDays = 62

// ConsultService books and manages consults.
type ConsultService interface {
	// FindSlots returns the open slots, sorted by start then therapist.
	FindSlots(ctx context.Context, q SlotQuery) ([]Slot, error)
	// CreateConsult books a consult: EINVALID for bad fields or a time that
	// was never offered, ECONFLICT when the time is taken or the email already
	// has an upcoming consult. The returned consult carries its ManageToken.
	CreateConsult(ctx context.Context, r *BookingRequest) (*Consult, error)
	// FindConsultByToken returns the consult a manage link points to, or ENOTFOUND.
	FindConsultByToken(ctx context.Context, token string) (*Consult, error)
	// FindConsultByID returns ENOTFOUND when there is no such consult.
	FindConsultByID(ctx context.Context, id int64) (*Consult, error)
	// FindConsults returns matching consults by start time and the total count.
	FindConsults(ctx context.Context, f ConsultFilter) ([]*Consult, int, error)
	// RescheduleConsult moves a booked, upcoming consult; errors as CreateConsult.
	RescheduleConsult(ctx context.Context, token string, start time.Time, therapistID int64) (*Consult, error)
	// CancelConsult cancels a booked consult; ECONFLICT if it is not booked.
	CancelConsult(ctx context.Context, token, reason string) (*Consult, error)
	// RescheduleConsultByID and CancelConsultByID are the same for staff,
	// who name the consult by id (ENOTFOUND when there is none).
	RescheduleConsultByID(ctx context.Context, id int64, start time.Time, therapistID int64) (*Consult, error)
	CancelConsultByID(ctx context.Context, id int64, reason string) (*Consult, error)
	// ResendManageLink emails a new manage link (earlier links keep working)
	// of the upcoming consult booked under email, if there is one; it says
	// nothing either way, and at most MaxLinkRequests an hour per address
	// are answered.
	ResendManageLink(ctx context.Context, email string) error

	// HoldConsult is booking under private booking: it holds the time for
	// the practice's hold window and emails a link to confirm it, or, when
	// the address already has an upcoming consult, holds the time all the
	// same and emails a new manage link. Either way the caller learns
	// nothing about the address: EINVALID for bad fields or a time never
	// offered, ECONFLICT when the time is taken, nil otherwise.
	HoldConsult(ctx context.Context, r *BookingRequest) error
	// FindHold returns the held time a confirm link points to, with the
	// visitor's details (HoldUntil set while unconfirmed; ID and Status
	// "booked" once confirmed), or ENOTFOUND.
	FindHold(ctx context.Context, token string) (*Consult, error)
	// ConfirmHold books the held time: ENOTFOUND for an unknown link,
	// ErrHoldExpired (a conflict) when the hold has lapsed, ECONFLICT when the
	// time was taken meanwhile or the address has an upcoming consult. A
	// hold already confirmed returns its consult again.
	ConfirmHold(ctx context.Context, token string) (*Consult, error)

	// FindBookingSettings returns how the public books (defaults if never set).
	FindBookingSettings(ctx context.Context) (*BookingSettings, error)
	// UpdateBookingSettings saves s; EINVALID naming the field if not valid.
	UpdateBookingSettings(ctx context.Context, s *BookingSettings) error
}

// MaxLinkRequests is how many manage-link requests per address are answered
// in an hour; more are accepted and silently dropped.
const MaxLinkRequests = 3

// MaxHoldsPerAddress is how many bookings per address an hour private
// booking holds and mails; more are answered the same and do nothing.
const MaxHoldsPerAddress = 5

// BookingSettings is how the public books a consult.
type BookingSettings struct {
	// Private: a booking holds the time and a link sent to the address
	// confirms it, so the booking answers the same whether or not the
	// address already has a consult. Off: booking is instant, and an
	// address with an upcoming consult is told so.
	Private bool
	// HoldMinutes is how long an unconfirmed hold keeps its time.
	HoldMinutes int
}

// Limits and default of the hold window.
const (
	MinHoldMinutes     = 5
	MaxHoldMinutes     = 120
	DefaultHoldMinutes = 30
)

// Validate returns EINVALID naming hold_minutes when it is out of range.
func (s *BookingSettings) Validate() error {
	var v Validation
	if s.HoldMinutes < MinHoldMinutes || s.HoldMinutes > MaxHoldMinutes {
		v.Add("hold_minutes", "Enter a number of minutes between 5 and 120.")
	}
	return v.Err()
}

// ErrHoldExpired is the conflict ConfirmHold returns for a lapsed hold.
var ErrHoldExpired = &Error{Code: ECONFLICT, Message: "This link has expired: the time was held for you only for a short while, and it is now free for others to book."}

// MaxCancelReasonLen is the longest reason a visitor may give for
// cancelling a consult.
const MaxCancelReasonLen = 500

// CancelReason returns the reason a visitor gave for cancelling, cleaned
// (Paragraphs), or an EINVALID error on the field "reason" when it is too
// long or holds characters we refuse.
func CancelReason(s string) (string, error) {
	s = Paragraphs(s)
	var v Validation
	checkText(&v, "reason", s, 0, MaxCancelReasonLen)
	return s, v.Err()
}
