package web

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// normalizePhone returns raw as E.164, reading numbers without a country
// code as US numbers. ok is false when raw is not a real, dialable number
// by libphonenumber's metadata. An empty raw is fine and stays empty.
func normalizePhone(raw string) (e164 string, ok bool) {
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
	return phonenumbers.Format(n, phonenumbers.E164), true
}

const phoneHelp = "Enter a phone number with its area code, like (212) 555-0142, or with a country code, like +44 20 7946 0000."
