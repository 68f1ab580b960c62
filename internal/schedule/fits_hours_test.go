package schedule_test

import (
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/schedule"
)

// hours are a resource's hours for TestFitsHours.
type hours struct {
	Weekly     []journey.WeeklyHours
	Exceptions []journey.ScheduleException
	Loc        *time.Location
}

// Covers reports whether Fits finds a session [start, end) within h.
func (h hours) Covers(start, end time.Time) bool {
	r := schedule.Resource{Role: journey.NeedRoom, ID: 1, Loc: h.Loc, Weekly: h.Weekly, Exceptions: h.Exceptions}
	return schedule.Fits(schedule.SessionRules{Length: end.Sub(start)}, []schedule.Resource{r}, start, start.Add(-time.Hour)) == nil
}

// Fits keeps a session within the hours of each zone's clock, across
// midnight and clock changes.
func TestFitsHours(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	la, _ := time.LoadLocation("America/Los_Angeles")
	weekdays := func(start, end journey.ClockTime) []journey.WeeklyHours {
		var out []journey.WeeklyHours
		for d := time.Sunday; d <= time.Saturday; d++ {
			out = append(out, journey.WeeklyHours{Weekday: d, Start: start, End: end})
		}
		return out
	}
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	nine5 := hours{Weekly: weekdays(9*60, 17*60), Loc: ny}
	nights := hours{Weekly: append(weekdays(20*60, 1440), weekdays(0, 2*60)...), Loc: la}
	split := hours{Weekly: []journey.WeeklyHours{{Weekday: time.Monday, Start: 9 * 60, End: 12 * 60}, {Weekday: time.Monday, Start: 12 * 60, End: 14 * 60}}, Loc: ny}
	off := hours{Weekly: weekdays(9*60, 17*60), Loc: ny, Exceptions: []journey.ScheduleException{
		{Date: "2027-03-02", Kind: journey.ExceptionOff}, {Date: "2027-03-03", Kind: journey.ExceptionOff, Start: 12 * 60, End: 13 * 60},
		{Date: "2027-03-04", Kind: journey.ExceptionExtra, Start: 17 * 60, End: 20 * 60}}}
	for _, c := range []struct {
		name       string
		h          hours
		start, end time.Time
		want       bool
	}{
		{"inside", nine5, at(ny, 2027, 3, 1, 9, 0), at(ny, 2027, 3, 1, 12, 0), true},
		{"to the last minute", nine5, at(ny, 2027, 3, 1, 14, 0), at(ny, 2027, 3, 1, 17, 0), true},
		{"ends past the hours", nine5, at(ny, 2027, 3, 1, 15, 0), at(ny, 2027, 3, 1, 17, 1), false},
		{"starts before", nine5, at(ny, 2027, 3, 1, 8, 59), at(ny, 2027, 3, 1, 10, 0), false},
		{"in another zone's clock", nine5, at(la, 2027, 3, 1, 6, 0), at(la, 2027, 3, 1, 9, 0), true},
		{"windows that meet are one", split, at(ny, 2027, 3, 1, 11, 0), at(ny, 2027, 3, 1, 13, 0), true},
		{"across midnight", nights, at(la, 2027, 3, 1, 23, 0), at(la, 2027, 3, 2, 1, 30), true},
		{"a day off", off, at(ny, 2027, 3, 2, 9, 0), at(ny, 2027, 3, 2, 10, 0), false},
		{"an hour off", off, at(ny, 2027, 3, 3, 11, 0), at(ny, 2027, 3, 3, 12, 30), false},
		{"extra hours", off, at(ny, 2027, 3, 4, 16, 0), at(ny, 2027, 3, 4, 19, 0), true},
		// Spring forward (14 March 2027 in the US): 09:00–17:00 local is
		// 8 real hours still, and a session across 02:00 overnight keeps
		// to the local clock.
		{"DST day, local hours", nine5, at(ny, 2027, 3, 14, 14, 0), at(ny, 2027, 3, 14, 17, 0), true},
		{"spring forward: 00:00–02:00 is 2 real hours", nights, at(la, 2027, 3, 14, 0, 0), at(la, 2027, 3, 14, 0, 0).Add(2 * time.Hour), true},
		{"spring forward: not a minute more", nights, at(la, 2027, 3, 14, 0, 0), at(la, 2027, 3, 14, 0, 0).Add(2*time.Hour + time.Minute), false},
		{"fall back: 3 real hours in 2 on the clock", hours{Weekly: weekdays(0, 3*60), Loc: ny},
			at(ny, 2027, 11, 7, 0, 0), at(ny, 2027, 11, 7, 0, 0).Add(4 * time.Hour), true},
		{"fall back: past the hours", hours{Weekly: weekdays(0, 3*60), Loc: ny},
			at(ny, 2027, 11, 7, 0, 0), at(ny, 2027, 11, 7, 0, 0).Add(4*time.Hour + time.Minute), false},
		{"no zone", hours{Weekly: weekdays(0, 1440)}, at(ny, 2027, 3, 1, 9, 0), at(ny, 2027, 3, 1, 10, 0), false},
	} {
		if got := c.h.Covers(c.start, c.end); got != c.want {
			t.Errorf("%s: Covers(%v, %v) = %v, want %v (windows %v)", c.name, c.start, c.end, got, c.want, c.h)
		}
	}
}
