package journey

import (
	"context"
	"errors"
	"time"
)

// Text messages go out through a provider (an SMS gateway) outside the
// machine. A client is texted only once they agreed to texts, and the
// agreement is kept with its time. A text says only when and where: the
// details are in the portal and the email.

// SMS error classes: why a text was not sent, in a word front desk can
// act on. The provider's own message may quote the number, so it is kept
// sealed and never shown in a list.
const (
	SMSRejected     = "rejected"     // the provider refused this message (a bad or blocked number): retrying will not help
	SMSUnauthorized = "unauthorized" // the provider refused our account or token: the configuration is wrong
	SMSUnavailable  = "unavailable"  // the provider could not be reached or failed: retried later
	SMSNoConsent    = "no_consent"   // the client has not agreed to texts
	SMSNoNumber     = "no_number"    // the client has no mobile number
)

// SMSError is a failed send with its class.
type SMSError struct {
	Class string // SMS…
	Err   error  // the provider's answer; may quote the number
}

func (e *SMSError) Error() string { return "sms " + e.Class + ": " + e.Err.Error() }
func (e *SMSError) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed.
func (e *SMSError) Temporary() bool { return e.Class == SMSUnavailable }

// SMSErrorClass returns err's class; SMSUnavailable for an error that is
// not an *SMSError (a timeout, a refused connection).
func SMSErrorClass(err error) string {
	var se *SMSError
	if errors.As(err, &se) {
		return se.Class
	}
	return SMSUnavailable
}

// SMSSender sends text messages through a provider.
type SMSSender interface {
	// SendText sends body to the number to (E.164) and returns the
	// provider's id for the message; a failure is an *SMSError.
	SendText(ctx context.Context, to, body string) (string, error)
	// Configured reports whether a provider is set up; if not, no text is
	// sent and none is owed.
	Configured() bool
}

// TextConsent is a client's answer to whether they may be texted, kept
// with its time; the newest answer holds.
type TextConsent struct {
	ClientID int64
	Agreed   bool
	Phone    string // the mobile number they agreed to be texted on (E.164)
	At       time.Time
	By       int64 // who recorded it: the client, or staff on the client's word
}

// Validate returns EINVALID (phone) when the client agrees to texts
// without a mobile number in E.164 form.
func (c *TextConsent) Validate() error {
	var v Validation
	if c.Agreed && !validE164(c.Phone) {
		v.Add("phone", "Give the mobile number to text, in international form such as +1 503 555 0142.")
	}
	return v.Err()
}

// validE164 reports whether s is a number in E.164 form: + and 8 to 15 digits.
func validE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
