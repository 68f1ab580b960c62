package staff

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// auditQuery is the audit screen's filter and page as typed, checked by
// parseAuditQuery; values() writes it back as the query string its links
// carry, so a filter survives paging and export unchanged.
type auditQuery struct {
	Person  string // a user id, or the email they sign in with
	Subject string // type:id, such as consult:12
	Action  string // whole words of an action: signin, consult.read
	From    string // YYYY-MM-DD, in the practice's zone
	To      string // YYYY-MM-DD, inclusive
	Before  int64  // the page of entries older than this seq
	After   int64  // the page of entries newer than this seq
}

var (
	auditActionRE      = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)
	auditSubjectTypeRE = regexp.MustCompile(`^[a-z][a-z_]*$`)
	auditSubjectIDRE   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

const auditFieldMax = 254

// parseAuditQuery reads and checks the audit filter in q. Every problem is
// a field error in words for the person who typed it; what was typed is
// kept in the returned query to show again. It reads no store: a person
// given by email is looked up by the caller.
func parseAuditQuery(q url.Values) (auditQuery, error) {
	aq := auditQuery{Person: strings.TrimSpace(q.Get("person")), Subject: strings.TrimSpace(q.Get("subject")),
		Action: strings.TrimSpace(q.Get("action")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	var v journey.Validation
	switch p := aq.Person; {
	case p == "":
	case isDigits(p):
		if id, err := strconv.ParseInt(p, 10, 64); err != nil || id <= 0 || strconv.FormatInt(id, 10) != p {
			v.Add("person", "That is not a person's id. Enter their id or the email they sign in with.")
		}
	case len(p) > auditFieldMax || !journey.ValidEmail(p):
		v.Add("person", "Enter a person's id or email, such as 12 or sam@example.com.")
	}
	if aq.Subject != "" {
		typ, id, ok := strings.Cut(aq.Subject, ":")
		if !ok || len(typ) > 32 || len(id) > 64 || !auditSubjectTypeRE.MatchString(typ) || !auditSubjectIDRE.MatchString(id) {
			v.Add("subject", "Write the record as type:id, such as consult:12 or user:3.")
		}
	}
	if aq.Action != "" && (len(aq.Action) > 64 || !auditActionRE.MatchString(aq.Action)) {
		v.Add("action", "Use lower-case letters, digits and _, with dots between words, such as signin or consult.read.")
	}
	from, fromOK := auditDate(&v, "from", aq.From)
	to, toOK := auditDate(&v, "to", aq.To)
	if fromOK && toOK && aq.From != "" && aq.To != "" && to.Before(from) {
		v.Add("to", "The end date must be on or after the start date.")
	}
	for _, k := range []struct {
		name string
		out  *int64
	}{{"before", &aq.Before}, {"after", &aq.After}} {
		s := q.Get(k.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			v.Add(k.name, "That page link is not valid. Start again from the first page.")
			continue
		}
		*k.out = n
	}
	if aq.Before > 0 && aq.After > 0 {
		v.Add("before", "That page link is not valid: it names two pages. Start again from the first page.")
	}
	return aq, v.Err()
}

// auditDate checks one date field; it reports whether the field is usable.
func auditDate(v *journey.Validation, field, s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Format(time.DateOnly) != s {
		v.Add(field, "Use a date as YYYY-MM-DD.")
		return time.Time{}, false
	}
	return d, true
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// values returns the query as the query string that parses back to it.
func (aq auditQuery) values() url.Values {
	v := url.Values{}
	for _, k := range []string{"person", "subject", "action", "from", "to"} {
		if s := aq.field(k); s != "" {
			v.Set(k, s)
		}
	}
	if aq.Before > 0 {
		v.Set("before", strconv.FormatInt(aq.Before, 10))
	}
	if aq.After > 0 {
		v.Set("after", strconv.FormatInt(aq.After, 10))
	}
	return v
}

// field returns the typed text of a filter field by its form name.
func (aq auditQuery) field(name string) string {
	switch name {
	case "person":
		return aq.Person
	case "subject":
		return aq.Subject
	case "action":
		return aq.Action
	case "from":
		return aq.From
	case "to":
		return aq.To
	}
	return ""
}
