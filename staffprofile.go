package journey

import (
	"context"
	"strings"
)

// StaffProfile is what a member of staff shows of themselves and what the
// practice needs to bill under them: name, credentials, pronouns, bio,
// licence, NPI and the zone they work in. A therapist's consult hours
// are kept beside it (ConsultHours).
type StaffProfile struct {
	ID            int64
	Name          string
	Credentials   string // e.g. "LMFT"
	Pronouns      string
	Bio           string
	LicenceNumber string
	LicenceState  string // two-letter US state or territory code
	NPI           string // National Provider Identifier: 10 digits
	TimeZone      string // IANA name; "" until set
}

// Limits on a staff profile's fields.
const (
	maxProfileLine = 200
	maxProfileBio  = 4000
)

// usStates are the two-letter codes a licence may be issued under.
var usStates = strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
	NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI`)

// USStates returns the codes a licence state may take, for a form's list.
func USStates() []string { return append([]string(nil), usStates...) }

// Normalize trims and cleans what was typed.
func (p *StaffProfile) Normalize() {
	p.Name, p.Credentials, p.Pronouns = Line(p.Name), Line(p.Credentials), Line(p.Pronouns)
	p.Bio = Paragraphs(p.Bio)
	p.LicenceNumber = strings.ToUpper(Line(p.LicenceNumber))
	p.LicenceState = strings.ToUpper(Line(p.LicenceState))
	p.NPI = strings.ReplaceAll(Line(p.NPI), " ", "")
	p.TimeZone = strings.TrimSpace(p.TimeZone)
}

// Validate returns EINVALID with a message per field: a name is required,
// the NPI must be 10 digits with the right check digit, the state a US
// code, the zone one that exists.
func (p *StaffProfile) Validate() error {
	var v Validation
	checkText(&v, "name", p.Name, 1, maxProfileLine)
	checkText(&v, "credentials", p.Credentials, 0, maxProfileLine)
	checkText(&v, "pronouns", p.Pronouns, 0, maxProfileLine)
	checkText(&v, "bio", p.Bio, 0, maxProfileBio)
	checkText(&v, "licence_number", p.LicenceNumber, 0, 40)
	if p.LicenceState != "" && !contains(usStates, p.LicenceState) {
		v.Add("licence_state", "Use the two-letter code of a US state or territory, such as OR.")
	} else if p.LicenceNumber != "" && p.LicenceState == "" {
		v.Add("licence_state", "Say which state issued the licence.")
	}
	switch {
	case p.NPI == "":
	case len(p.NPI) != 10 || strings.Trim(p.NPI, "0123456789") != "":
		v.Add("npi", "An NPI is 10 digits.")
	case !ValidNPI(p.NPI):
		v.Add("npi", "This NPI's check digit is wrong: check the number against the NPPES registry.")
	}
	if p.TimeZone != "" {
		if _, err := LoadZone(p.TimeZone); err != nil {
			v.Add("time_zone", "Choose a time zone that exists, such as America/Los_Angeles.")
		}
	}
	return v.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ValidNPI reports whether s is a National Provider Identifier: ten digits
// whose last is the Luhn check digit of the first nine prefixed with the
// card issuer prefix 80840 (CMS, "NPI check digit"), which is the same as
// adding 24 to the Luhn sum of the nine digits.
func ValidNPI(s string) bool {
	if len(s) != 10 {
		return false
	}
	sum := 24 // the doubled-and-summed digits of the prefix 80840
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 0 { // from the right of the nine, every other digit starting with the last is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	last := s[9]
	if last < '0' || last > '9' {
		return false
	}
	return int(last-'0') == (10-sum%10)%10
}

// StaffProfileService reads and changes staff profiles.
type StaffProfileService interface {
	// FindStaffProfile returns ENOTFOUND unless id is a member of staff.
	FindStaffProfile(ctx context.Context, id int64) (*StaffProfile, error)
	// UpdateStaffProfile validates and stores p (EINVALID with field
	// errors, ENOTFOUND unless p.ID is a member of staff).
	UpdateStaffProfile(ctx context.Context, p *StaffProfile) error
}
