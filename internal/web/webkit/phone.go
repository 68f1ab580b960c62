package webkit

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone returns raw as E.164, reading numbers without a country
// code as US numbers. ok is false when raw is not a real, dialable number
// by libphonenumber's metadata. An empty raw is fine and stays empty.
func NormalizePhone(raw string) (e164 string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", true
	}
	if len(raw) > 40 {
		return "", false
	}
	n, err := phonenumbers.Parse(raw, "US")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	e164 = phonenumbers.Format(n, phonenumbers.E164)
	// libphonenumber's metadata takes some numbers longer than E.164's 15
	// digits (+49 4264 4942674000); no one can dial those from abroad, and
	// the domain does not store them.
	if len(e164) > 1+15 {
		return "", false
	}
	return e164, true
}

const PhoneHelp = "Enter a phone number with its area code, like (212) 555-0142, or with a country code, like +44 20 7946 0000."

// DisplayPhone returns an E.164 number as people write it, the way the
// forms' help shows them: a US number as (212) 555-0142, any other with
// its country code, +44 20 7946 0000. A number it cannot read is returned
// as it is.
func DisplayPhone(e164 string) string {
	n, err := phonenumbers.Parse(e164, "US")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return e164
	}
	if n.GetCountryCode() == 1 {
		return phonenumbers.Format(n, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}
