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
	TimeZone      string // the visitor's zone, for showing times back to them
	Reason        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Sequence      int // bumped on each reschedule, for the iCalendar invite

	// ManageToken is set only on the Consult returned by CreateConsult: the
	// database keeps its hash, so it cannot be shown again.
	ManageToken string
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
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.TrimSpace(r.Email)
	r.Phone = strings.TrimSpace(r.Phone)
	r.ContactMethod = strings.TrimSpace(r.ContactMethod)
	r.TimeZone = strings.TrimSpace(r.TimeZone)
	r.Reason = strings.TrimSpace(r.Reason)
}

// Validate returns EINVALID naming every field that is wrong. It does not
// check the time against the calendar: the ConsultService does that.
func (r *BookingRequest) Validate() error {
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
	if s == "" || len(s) > MaxEmailLen {
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
	CancelConsult(ctx context.Context, token string) (*Consult, error)
	// ResendManageLink emails the manage link of the upcoming consult booked
	// under email, if there is one; it says nothing either way.
	ResendManageLink(ctx context.Context, email string) error
}
