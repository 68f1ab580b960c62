package webkit

import (
	"time"

	"github.com/journey-kap/journey"
)

// The medical review's pieces that the review screen (staff) and the
// review API share.

// ReviewPageSize is the number of clients a queue page shows.
const ReviewPageSize = 50

// ReviewWorst returns the code of the most serious kind among findings,
// "none" when there are none.
func ReviewWorst(findings []journey.Finding) string {
	s := journey.Screening{Findings: findings}
	if w := s.Worst(); w < len(journey.FindingKinds) {
		return journey.FindingKinds[w]
	}
	return "none"
}

// ReviewCounts counts findings by kind; every kind is present.
func ReviewCounts(findings []journey.Finding) map[string]int {
	out := map[string]int{}
	for _, k := range journey.FindingKinds {
		out[k] = 0
	}
	for _, f := range findings {
		out[f.Kind]++
	}
	return out
}

// ReviewOpenAlert reports whether a queue row's client has an open safety
// alert, hard stop or not.
func ReviewOpenAlert(sum *journey.ClientSummary) bool { return sum.OpenAlert }

// ParseClearedUntil sets cl.ClearedUntil from a date typed in the
// practice's zone (the start of that day). An empty date is left for
// validation to name, unless orDefault: then it is DefaultClearance months
// from today. Only a clearance needs the date.
func ParseClearedUntil(cl *journey.Clearance, date string, orDefault bool, now time.Time, loc *time.Location) error {
	if cl.Decision != journey.DecisionCleared {
		return nil
	}
	if date == "" {
		if orDefault {
			cl.ClearedUntil = DefaultClearedUntil(now, loc)
		}
		return nil
	}
	t, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return Invalid("cleared_until", "Enter a date like 2031-01-02.")
	}
	cl.ClearedUntil = t
	return nil
}

// DefaultClearedUntil is the default end of a clearance: the start of the
// day DefaultClearance months from today in the practice's zone.
func DefaultClearedUntil(now time.Time, loc *time.Location) time.Time {
	d := now.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, journey.DefaultClearance, 0)
}
