package journey

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// A remote medicine session (DOMAIN §5) is by lozenge only, with an adult
// monitor the client names in the portal, and starts with the client's
// check-in: where they are, a number to call back, their emergency contact
// confirmed and a home blood pressure reading checked against the
// thresholds before a dose.

// Monitor is the adult a client names to be present for the whole of a
// remote session. Sealed: it names a third person.
type Monitor struct {
	ClientID     int64
	Name         string
	Phone        string // E.164
	Relationship string
	Adult        bool // the client confirms the monitor is 18 or over and present throughout
	// Email, optional, is where the monitor gets the session's time and
	// their instructions; Agreed records that the monitor agreed to be
	// contacted by the practice: without it nothing is sent to them.
	Email  string `json:",omitempty"`
	Agreed bool   `json:",omitempty"`
	// Texts records that the monitor also agreed to text messages at
	// Phone: the session's time and their duties go to them by text too.
	// It needs Agreed: a monitor who would not be contacted gets no text.
	Texts     bool `json:",omitempty"`
	UpdatedAt time.Time
}

// Validate returns EINVALID naming every field that is wrong. The phone is
// normalised by the caller (the web layer's libphonenumber).
func (m *Monitor) Validate() error {
	m.Name, m.Relationship, m.Phone = Line(m.Name), Line(m.Relationship), strings.TrimSpace(m.Phone)
	var v Validation
	checkText(&v, "name", m.Name, 1, MaxNameLen)
	checkPhone(&v, "phone", m.Phone, true)
	checkText(&v, "relationship", m.Relationship, 1, 80)
	m.Email = strings.TrimSpace(m.Email)
	if m.Email != "" && !ValidEmail(m.Email) {
		v.Add("email", "Enter your monitor's email address, like name@example.com, or leave it empty.")
	}
	if !m.Adult {
		v.Add("adult", "Confirm that your monitor is an adult (18 or over) who will be with you for the whole session.")
	}
	if m.Texts && !m.Agreed {
		v.Add("texts", "Your monitor can get texts only if they agreed to be contacted: tick both, or leave texts unticked.")
	}
	return v.Err()
}

// CheckIn results, from the home blood pressure against the thresholds
// (DOMAIN §4: at or above 180/100 no dose; above 140/90 the medical
// provider reviews before the dose).
const (
	CheckInOK     = "ok"
	CheckInReview = "review"  // the medical provider reviews before the dose
	CheckInNoDose = "no_dose" // no dose today; the therapist is told at once
)

// BPResult returns the check-in result of a home reading by the practice's
// limits r (its monitoring rules, DOMAIN §4): CheckInNoDose at or above
// the hold level (either number), CheckInReview above the review level,
// else CheckInOK.
func BPResult(r MonitoringRules, systolic, diastolic int) string {
	switch {
	case systolic >= r.HoldSystolic || diastolic >= r.HoldDiastolic:
		return CheckInNoDose
	case systolic > r.ReviewSystolic || diastolic > r.ReviewDiastolic:
		return CheckInReview
	}
	return CheckInOK
}

// CheckIn is what a client confirms at the start of a remote session.
// Sealed: it says where the client is and their blood pressure.
type CheckIn struct {
	ID                 int64
	SessionID          int64
	ClientID           int64
	Address            string // where the client is now
	Callback           string // E.164
	EmergencyConfirmed bool   // the emergency contact on file is current
	Systolic           int
	Diastolic          int
	Result             string // CheckIn…, set by Assess
	CreatedAt          time.Time
}

// Validate returns EINVALID naming every field that is wrong.
func (c *CheckIn) Validate() error {
	c.Address, c.Callback = Paragraphs(c.Address), strings.TrimSpace(c.Callback)
	var v Validation
	checkText(&v, "address", c.Address, 1, 300)
	checkPhone(&v, "callback", c.Callback, true)
	if !c.EmergencyConfirmed {
		v.Add("emergency", "Confirm that your emergency contact is current.")
	}
	if c.Systolic < 60 || c.Systolic > 260 {
		v.Add("systolic", "Enter the top number of your reading, between 60 and 260.")
	}
	if c.Diastolic < 30 || c.Diastolic > 160 {
		v.Add("diastolic", "Enter the bottom number of your reading, between 30 and 160.")
	} else if c.Diastolic >= c.Systolic && !v.Has("systolic") {
		v.Add("diastolic", "The bottom number is lower than the top one: check the reading.")
	}
	return v.Err()
}

// Assess sets Result from the reading by the practice's limits r.
func (c *CheckIn) Assess(r MonitoringRules) { c.Result = BPResult(r, c.Systolic, c.Diastolic) }

// CheckInRefusal is the message a client gets when the reading means no
// dose today.
func CheckInRefusal(c *CheckIn) string {
	return fmt.Sprintf("Your blood pressure reading (%d/%d) is too high for a dose today. There will be no medicine session today; your therapist has been told and will call you.", c.Systolic, c.Diastolic)
}

// MailCheckInNoDose is the email each therapist on the care team gets at
// once when a remote check-in stops the dose.
const MailCheckInNoDose = "checkin_no_dose"

// CheckInMailComposer writes the email about a check-in that stopped a
// dose; like a safety alert it names neither the client nor the reading.
type CheckInMailComposer interface {
	ComposeCheckInNoDose(to *User, p *Practice, clientID int64) (*Message, error)
}

// MaxTelehealthTemplate is the longest telehealth link template.
const MaxTelehealthTemplate = 500

// TelehealthLink returns a session's video link from the practice's
// template, "" when the practice set none. The template is an https URL
// with {room} where the session's room key goes (or, in templates made
// before room keys, {session_id} for its id). A session with no key gets
// no {room} link rather than a guessable one.
func TelehealthLink(template string, sessionID int64, room string) string {
	if template == "" || room == "" && strings.Contains(template, "{room}") {
		return ""
	}
	return strings.NewReplacer("{session_id}", fmt.Sprint(sessionID), "{room}", room).Replace(template)
}

// ValidTelehealthTemplate reports whether t, with a session's room key or
// id put in, is a valid video link (ValidVideoLink) and has {room} or
// {session_id} in it, so every session has a room of its own.
func ValidTelehealthTemplate(t string) bool {
	return len(t) <= MaxTelehealthTemplate && (strings.Contains(t, "{room}") || strings.Contains(t, "{session_id}")) &&
		ValidVideoLink(TelehealthLink(t, 1, "k"))
}

// NewRoomKey returns a new session's video room key: 128 random bits,
// base64url without padding (22 characters), so a link made with {room}
// cannot be guessed from another session's, as ids in sequence can.
func NewRoomKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("journey: no randomness for a room key: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// GateOverride is a medical provider's decision that an overridable gate
// (GateOverridable) holds for a client, or for one session, with a reason.
type GateOverride struct {
	ID        int64
	ClientID  int64
	SessionID int64 // 0: for the client's next medicine sessions
	Code      string
	By        int64
	ByName    string
	Reason    string // sealed
	At        time.Time
}

// Validate returns EINVALID naming every field that is wrong.
func (o *GateOverride) Validate() error {
	o.Reason = Paragraphs(o.Reason)
	var v Validation
	if !GateOverridable(o.Code) {
		v.Add("code", "Only the clearance's age and the re-check after a gap may be overridden.")
	}
	checkText(&v, "reason", o.Reason, 1, 2000)
	if !v.Has("reason") && len([]rune(o.Reason)) < 10 {
		v.Add("reason", "Give the reason for the override in a sentence.")
	}
	return v.Err()
}

// MailMonitorInstructions is the email a remote medicine session's monitor
// gets once per time of the session (again when it moves), within the
// practice's first reminder window, only when they agreed to be contacted.
const MailMonitorInstructions = "monitor_instructions"

// MonitorMail is what the monitor's instructions are written from: the
// time, the link and the client's first name, nothing clinical.
type MonitorMail struct {
	Session     *CareSession
	Monitor     *Monitor
	ClientFirst string // the client's first name only
	TimeZone    string // the client's
	Where       string // the video link, "" when it follows by other means
}

// MonitorMailComposer writes the monitor's instructions.
type MonitorMailComposer interface {
	// ComposeMonitorInstructions returns the email to m.Monitor.Email;
	// it fails only on an unknown zone or template.
	ComposeMonitorInstructions(m *MonitorMail, p *Practice) (*Message, error)
	// ComposeMonitorText returns the text to m.Monitor.Phone: the time in
	// the client's zone and their duties in short, no link (a text shows
	// on a locked phone). It fails only on an unknown zone.
	ComposeMonitorText(m *MonitorMail, p *Practice) (string, error)
}

// KindMonitor is a failed delivery's kind when it was a remote session's
// monitor's instructions (FailedDelivery.MonitorMessageID says which).
const KindMonitor = "monitor"
