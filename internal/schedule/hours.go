package schedule

import (
	"time"

	"github.com/journey-kap/journey"
)

// Hours are a person's or a room's working hours in their zone: the weekly
// windows and dated exceptions of a member of staff's clinical hours or a
// room's, read with the consult calendar's rules (windowsFor).
type Hours struct {
	Weekly     []journey.WeeklyHours
	Exceptions []journey.ScheduleException
	Loc        *time.Location
}

// Windows returns the hours that reach into [from, to) as absolute
// intervals, sorted, with windows that meet or overlap (across midnight
// too) joined into one. Each date's edges are placed by wallInstant, so the
// hours follow the local clock through a clock change. A nil Loc gives none.
func (h Hours) Windows(from, to time.Time) []Interval {
	if h.Loc == nil || !from.Before(to) {
		return nil
	}
	var excs []exception
	for _, e := range h.Exceptions {
		if x, ok := parseException(e); ok {
			excs = append(excs, x)
		}
	}
	y, m, d := from.In(h.Loc).Date()
	day := time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC)
	y, m, d = to.In(h.Loc).Date()
	last := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	var out []Interval
	for ; !day.After(last); day = day.Add(24 * time.Hour) {
		key := dateKey(day)
		var own []exception
		for _, x := range excs {
			if x.date == key {
				own = append(own, x)
			}
		}
		y, m, d := day.Date()
		for _, w := range windowsFor(nil, nil, h.Weekly, day.Weekday(), own) {
			iv := Interval{Start: wallInstant(y, m, d, w.start, h.Loc), End: wallInstant(y, m, d, w.end, h.Loc)}
			if !iv.End.After(from) || !iv.Start.Before(to) || !iv.Start.Before(iv.End) {
				continue
			}
			if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
				if iv.End.After(out[n-1].End) {
					out[n-1].End = iv.End
				}
				continue
			}
			out = append(out, iv)
		}
	}
	return out
}

// Covers reports whether [start, end) lies wholly inside the hours: a
// session may be booked only in time its people and room work.
func (h Hours) Covers(start, end time.Time) bool {
	for _, w := range h.Windows(start, end) {
		if !w.Start.After(start) && !w.End.Before(end) {
			return true
		}
	}
	return false
}
