package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases must not depend on the host's zoneinfo

	"github.com/journey-kap/journey"
)

var (
	newYork    = mustZone("America/New_York")
	chicago    = mustZone("America/Chicago")
	denver     = mustZone("America/Denver")
	losAngeles = mustZone("America/Los_Angeles")
	london     = mustZone("Europe/London")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses "2006-01-02 15:04" (or a bare date, meaning midnight) in loc. It
// is only used for wall times that exist exactly once.
func at(loc *time.Location, s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func utc(s string) time.Time { return at(time.UTC, s) }

// clock parses "HH:MM".
func clock(s string) journey.ClockTime {
	c, err := journey.ParseClockTime(s)
	if err != nil {
		panic(err)
	}
	return c
}

// hours makes the same window on each of days.
func hours(start, end string, days ...time.Weekday) []journey.WeeklyHours {
	var w []journey.WeeklyHours
	for _, d := range days {
		w = append(w, journey.WeeklyHours{Weekday: d, Start: clock(start), End: clock(end)})
	}
	return w
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	everyDay = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

// slots makes the expected slots of therapist id, each length long.
func slots(id int64, length time.Duration, starts ...time.Time) []journey.Slot {
	out := make([]journey.Slot, len(starts))
	for i, s := range starts {
		out[i] = journey.Slot{TherapistID: id, Start: s, End: s.Add(length)}
	}
	return out
}

func formatSlots(ss []journey.Slot) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "\n\t#%d %s – %s (%s)", s.TherapistID,
			s.Start.UTC().Format("2006-01-02 15:04Z"), s.End.UTC().Format("15:04Z"), s.Start.Format("Mon 15:04 MST"))
	}
	if len(ss) == 0 {
		b.WriteString(" none")
	}
	return b.String()
}

// checkSlots compares slot lists exactly: same therapists and the same
// instants, in the same order.
func checkSlots(t *testing.T, got, want []journey.Slot) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i].TherapistID == want[i].TherapistID && got[i].Start.Equal(want[i].Start) && got[i].End.Equal(want[i].End)
	}
	if !same {
		t.Errorf("got %d slots:%s\nwant %d slots:%s", len(got), formatSlots(got), len(want), formatSlots(want))
	}
}

// longAgo is a "now" far enough before the test dates that neither notice
// nor horizon matters for a therapist with horizon 365.
var longAgo = utc("2026-01-01 00:00")

// newTherapist returns a therapist with no notice and a long horizon, so a
// test sees the hours alone.
func newTherapist(id int64, length, buffer time.Duration, weekly ...[]journey.WeeklyHours) *journey.Therapist {
	return &journey.Therapist{ID: id, ConsultLength: length, Buffer: buffer, HorizonDays: 365, Weekly: slices.Concat(weekly...)}
}

func TestOfferedWeeklyHours(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	morning := newTherapist(7, 30*time.Minute, 0, hours("09:00", "12:00", weekdays...))
	split := newTherapist(7, 60*time.Minute, 0, hours("09:00", "12:00", weekdays...), hours("13:00", "17:00", weekdays...))
	ragged := newTherapist(7, 30*time.Minute, 0, hours("09:00", "10:45", time.Monday))
	tests := []struct {
		name     string
		th       *journey.Therapist
		from, to time.Time
		want     []journey.Slot
	}{
		{"monday morning", morning, ny("2026-06-15"), ny("2026-06-16"),
			slots(7, 30*time.Minute, ny("2026-06-15 09:00"), ny("2026-06-15 09:30"), ny("2026-06-15 10:00"),
				ny("2026-06-15 10:30"), ny("2026-06-15 11:00"), ny("2026-06-15 11:30"))},
		{"weekend is empty", morning, ny("2026-06-20"), ny("2026-06-22"), nil},
		{"two windows with a lunch gap", split, ny("2026-06-15"), ny("2026-06-16"),
			slots(7, time.Hour, ny("2026-06-15 09:00"), ny("2026-06-15 10:00"), ny("2026-06-15 11:00"),
				ny("2026-06-15 13:00"), ny("2026-06-15 14:00"), ny("2026-06-15 15:00"), ny("2026-06-15 16:00"))},
		{"range starting mid-window keeps the grid", morning, ny("2026-06-15 10:15"), ny("2026-06-15 11:30"),
			slots(7, 30*time.Minute, ny("2026-06-15 10:30"), ny("2026-06-15 11:00"))},
		{"a slot must end by the window end", ragged, ny("2026-06-15"), ny("2026-06-16"),
			slots(7, 30*time.Minute, ny("2026-06-15 09:00"), ny("2026-06-15 09:30"), ny("2026-06-15 10:00"))},
		{"friday to monday", morning, ny("2026-06-19 11:00"), ny("2026-06-22 09:31"),
			slots(7, 30*time.Minute, ny("2026-06-19 11:00"), ny("2026-06-19 11:30"), ny("2026-06-22 09:00"), ny("2026-06-22 09:30"))},
		{"empty range", morning, ny("2026-06-15 10:00"), ny("2026-06-15 10:00"), nil},
		{"backwards range", morning, ny("2026-06-16"), ny("2026-06-15"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Offered(tt.th, newYork, tt.from, tt.to, longAgo)
			checkSlots(t, got, tt.want)
			for _, s := range got {
				if s.Start.Location() != newYork {
					t.Errorf("slot %v is in %v, want the therapist's zone", s.Start, s.Start.Location())
				}
			}
		})
	}
}

func TestOfferedBuffer(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	tests := []struct {
		name           string
		length, buffer time.Duration
		want           []journey.Slot
	}{
		{"no buffer", 30 * time.Minute, 0,
			slots(1, 30*time.Minute, ny("2026-06-15 09:00"), ny("2026-06-15 09:30"), ny("2026-06-15 10:00"),
				ny("2026-06-15 10:30"), ny("2026-06-15 11:00"), ny("2026-06-15 11:30"))},
		{"10 minute buffer steps 40 minutes", 30 * time.Minute, 10 * time.Minute,
			slots(1, 30*time.Minute, ny("2026-06-15 09:00"), ny("2026-06-15 09:40"), ny("2026-06-15 10:20"), ny("2026-06-15 11:00"))},
		{"last slot may end at the window end; its buffer may run past it", 50 * time.Minute, 10 * time.Minute,
			slots(1, 50*time.Minute, ny("2026-06-15 09:00"), ny("2026-06-15 10:00"), ny("2026-06-15 11:00"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTherapist(1, tt.length, tt.buffer, hours("09:00", "12:00", weekdays...))
			checkSlots(t, Offered(th, newYork, ny("2026-06-15"), ny("2026-06-16"), longAgo), tt.want)
		})
	}
}

func TestOfferedNoticeAndHorizon(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	now := ny("2026-06-15 10:15") // a Monday
	base := journey.Therapist{ID: 2, ConsultLength: time.Hour, MinNotice: journey.DefaultMinNotice, HorizonDays: 60,
		Weekly: hours("09:00", "12:00", weekdays...)}
	with := func(f func(*journey.Therapist)) *journey.Therapist { th := base; f(&th); return &th }
	tests := []struct {
		name     string
		th       *journey.Therapist
		from, to time.Time
		want     []journey.Slot
	}{
		{"24h notice hides today and early tomorrow", &base, ny("2026-06-15"), ny("2026-06-17"),
			slots(2, time.Hour, ny("2026-06-16 11:00"))},
		{"notice boundary is inclusive", with(func(th *journey.Therapist) { th.MinNotice = 22*time.Hour + 45*time.Minute }),
			ny("2026-06-15"), ny("2026-06-17"),
			slots(2, time.Hour, ny("2026-06-16 09:00"), ny("2026-06-16 10:00"), ny("2026-06-16 11:00"))},
		{"zero notice offers the rest of today", with(func(th *journey.Therapist) { th.MinNotice = 0 }),
			ny("2026-06-15"), ny("2026-06-16"),
			slots(2, time.Hour, ny("2026-06-15 11:00"))},
		{"horizon is exclusive", with(func(th *journey.Therapist) { th.MinNotice = 0; th.HorizonDays = 2 }),
			ny("2026-06-17"), ny("2026-06-19"),
			slots(2, time.Hour, ny("2026-06-17 09:00"), ny("2026-06-17 10:00"))},
		{"zero length and horizon mean the defaults", with(func(th *journey.Therapist) { th.ConsultLength = 0; th.HorizonDays = 0 }),
			ny("2026-08-13"), ny("2026-08-15"), // the horizon ends 2026-08-14 10:15 (no DST change in between)
			slots(2, journey.DefaultConsultLength, ny("2026-08-13 09:00"), ny("2026-08-13 09:30"), ny("2026-08-13 10:00"),
				ny("2026-08-13 10:30"), ny("2026-08-13 11:00"), ny("2026-08-13 11:30"),
				ny("2026-08-14 09:00"), ny("2026-08-14 09:30"), ny("2026-08-14 10:00"))},
		{"range wholly in the past", &base, ny("2026-06-01"), ny("2026-06-08"), nil},
		{"range wholly past the horizon", &base, ny("2026-09-01"), ny("2026-09-08"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSlots(t, Offered(tt.th, newYork, tt.from, tt.to, now), tt.want)
		})
	}
}

func TestOfferedExceptions(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	off := func(date, start, end string) journey.ScheduleException {
		if start == "" {
			return journey.ScheduleException{Date: date, Kind: journey.ExceptionOff}
		}
		return journey.ScheduleException{Date: date, Kind: journey.ExceptionOff, Start: clock(start), End: clock(end)}
	}
	extra := func(date, start, end string) journey.ScheduleException {
		return journey.ScheduleException{Date: date, Kind: journey.ExceptionExtra, Start: clock(start), End: clock(end)}
	}
	mon := func(length time.Duration, times ...string) []journey.Slot {
		var starts []time.Time
		for _, s := range times {
			starts = append(starts, ny("2026-06-15 "+s))
		}
		return slots(3, length, starts...)
	}
	tests := []struct {
		name   string
		length time.Duration
		excs   []journey.ScheduleException
		from   string // the range is one day from here, New York time
		want   []journey.Slot
	}{
		{"no exceptions", time.Hour, nil, "2026-06-15", mon(time.Hour, "09:00", "10:00", "11:00")},
		{"whole day off", time.Hour, []journey.ScheduleException{off("2026-06-15", "", "")}, "2026-06-15", nil},
		{"whole day off leaves the next day", time.Hour, []journey.ScheduleException{off("2026-06-15", "", "")}, "2026-06-16",
			slots(3, time.Hour, ny("2026-06-16 09:00"), ny("2026-06-16 10:00"), ny("2026-06-16 11:00"))},
		{"partial off splits the window", 30 * time.Minute, []journey.ScheduleException{off("2026-06-15", "10:00", "11:00")}, "2026-06-15",
			mon(30*time.Minute, "09:00", "09:30", "11:00", "11:30")},
		{"off the grid restarts the grid after it", 30 * time.Minute, []journey.ScheduleException{off("2026-06-15", "09:45", "10:15")}, "2026-06-15",
			mon(30*time.Minute, "09:00", "10:15", "10:45", "11:15")},
		{"off covering the end of the window", time.Hour, []journey.ScheduleException{off("2026-06-15", "11:30", "18:00")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00")},
		{"extra hours on a saturday", time.Hour, []journey.ScheduleException{extra("2026-06-20", "10:00", "12:00")}, "2026-06-20",
			slots(3, time.Hour, ny("2026-06-20 10:00"), ny("2026-06-20 11:00"))},
		{"extra overlapping weekly hours adds no duplicates", time.Hour, []journey.ScheduleException{extra("2026-06-15", "11:00", "14:00")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00", "11:00", "12:00", "13:00")},
		{"overlapping extra joins the weekly grid", 30 * time.Minute, []journey.ScheduleException{extra("2026-06-15", "10:45", "13:00")}, "2026-06-15",
			mon(30*time.Minute, "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30")},
		{"extra inside weekly hours changes nothing", time.Hour, []journey.ScheduleException{extra("2026-06-15", "09:30", "10:30")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00", "11:00")},
		{"touching extra keeps its own grid", 40 * time.Minute, []journey.ScheduleException{extra("2026-06-15", "12:00", "13:20")}, "2026-06-15",
			mon(40*time.Minute, "09:00", "09:40", "10:20", "11:00", "12:00", "12:40")},
		{"separate extra keeps its own grid", time.Hour, []journey.ScheduleException{extra("2026-06-15", "12:30", "14:30")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00", "11:00", "12:30", "13:30")},
		{"off wins over extra, whatever the order", time.Hour,
			[]journey.ScheduleException{off("2026-06-15", "14:00", "15:00"), extra("2026-06-15", "13:00", "15:00")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00", "11:00", "13:00")},
		{"whole day off beats extra hours", time.Hour,
			[]journey.ScheduleException{extra("2026-06-15", "13:00", "15:00"), off("2026-06-15", "", "")}, "2026-06-15", nil},
		{"two offs in one window", 30 * time.Minute,
			[]journey.ScheduleException{off("2026-06-15", "11:00", "11:30"), off("2026-06-15", "09:30", "10:00")}, "2026-06-15",
			mon(30*time.Minute, "09:00", "10:00", "10:30", "11:30")},
		{"another date's exception does nothing", time.Hour, []journey.ScheduleException{off("2026-06-16", "", ""), extra("2026-06-14", "09:00", "17:00")}, "2026-06-15",
			mon(time.Hour, "09:00", "10:00", "11:00")},
		{"malformed exceptions are ignored", time.Hour, []journey.ScheduleException{
			{Date: "2026-6-15", Kind: journey.ExceptionOff},
			{Date: "2026-06-15", Kind: "holiday"},
			{Date: "2026-06-15", Kind: journey.ExceptionExtra, Start: clock("14:00"), End: clock("13:00")},
			{Date: "2026-06-15", Kind: journey.ExceptionExtra}, // an empty extra is not a whole day
		}, "2026-06-15", mon(time.Hour, "09:00", "10:00", "11:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTherapist(3, tt.length, 0, hours("09:00", "12:00", weekdays...))
			th.Exceptions = tt.excs
			from := ny(tt.from)
			checkSlots(t, Offered(th, newYork, from, from.AddDate(0, 0, 1), longAgo), tt.want)
		})
	}
}

func TestOfferedManyExceptions(t *testing.T) {
	// More exceptions than fit the stack buffer, stored newest first, most of
	// them outside the range: only the ones on the range's dates count.
	ny := func(s string) time.Time { return at(newYork, s) }
	th := newTherapist(4, time.Hour, 0, hours("09:00", "12:00", weekdays...))
	day := ny("2026-07-31")
	for i := range 40 {
		th.Exceptions = append(th.Exceptions, journey.ScheduleException{Date: day.AddDate(0, 0, -i).Format(time.DateOnly), Kind: journey.ExceptionOff, Start: clock("10:00"), End: clock("11:00")})
	}
	got := Offered(th, newYork, ny("2026-07-06"), ny("2026-07-08"), longAgo)
	checkSlots(t, got, slots(4, time.Hour, ny("2026-07-06 09:00"), ny("2026-07-06 11:00"), ny("2026-07-07 09:00"), ny("2026-07-07 11:00")))
}

func TestOfferedDSTWallClock(t *testing.T) {
	// 09:00–12:00 every day, hour-long consults: the starts stay at 09, 10
	// and 11 on the therapist's clock while their UTC instants move.
	tests := []struct {
		zone *time.Location
		days []string // three consecutive dates
		utc  []int    // the UTC hour of 09:00 local on each
		off  []int    // the UTC offset, in hours, on each
	}{
		{newYork, []string{"2026-03-07", "2026-03-08", "2026-03-09"}, []int{14, 13, 13}, []int{-5, -4, -4}},
		{newYork, []string{"2026-10-31", "2026-11-01", "2026-11-02"}, []int{13, 14, 14}, []int{-4, -5, -5}},
		{london, []string{"2026-03-28", "2026-03-29", "2026-03-30"}, []int{9, 8, 8}, []int{0, 1, 1}},
		{london, []string{"2026-10-24", "2026-10-25", "2026-10-26"}, []int{8, 9, 9}, []int{1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.zone.String()+" "+tt.days[1], func(t *testing.T) {
			th := newTherapist(5, time.Hour, 0, hours("09:00", "12:00", everyDay...))
			var want []journey.Slot
			for i, d := range tt.days {
				for h := range 3 {
					want = append(want, slots(5, time.Hour, utc(d).Add(time.Duration(tt.utc[i]+h)*time.Hour))...)
				}
			}
			from := at(tt.zone, tt.days[0])
			to := at(tt.zone, tt.days[2]).AddDate(0, 0, 1)
			got := Offered(th, tt.zone, from, to, longAgo)
			checkSlots(t, got, want)
			for i, s := range got {
				local := s.Start.In(tt.zone)
				_, off := local.Zone()
				if local.Hour() != 9+i%3 || local.Minute() != 0 || off != tt.off[i/3]*3600 {
					t.Errorf("slot %d starts %s, want %02d:00 at UTC%+d", i, local.Format(time.RFC3339), 9+i%3, tt.off[i/3])
				}
			}
		})
	}
}

func TestOfferedDSTWindowAcrossChange(t *testing.T) {
	// A Sunday window whose wall-clock span contains the change: slots are laid
	// out in real time, so the count follows the real length of the window.
	// Windows with an edge inside a skipped hour start (or end) at the change;
	// an edge inside a repeated hour is its first occurrence, in both zones.
	tests := []struct {
		name           string
		zone           *time.Location
		date           string
		start, end     string
		length, buffer time.Duration
		want           []string // UTC starts
	}{
		{"NY spring forward 01:00-04:00 is 2h", newYork, "2026-03-08", "01:00", "04:00", 30 * time.Minute, 0,
			[]string{"2026-03-08 06:00", "2026-03-08 06:30", "2026-03-08 07:00", "2026-03-08 07:30"}},
		{"NY spring forward with buffer", newYork, "2026-03-08", "01:00", "04:00", 50 * time.Minute, 10 * time.Minute,
			[]string{"2026-03-08 06:00", "2026-03-08 07:00"}},
		{"NY fall back 01:00-03:00 is 3h", newYork, "2026-11-01", "01:00", "03:00", 30 * time.Minute, 0,
			[]string{"2026-11-01 05:00", "2026-11-01 05:30", "2026-11-01 06:00", "2026-11-01 06:30", "2026-11-01 07:00", "2026-11-01 07:30"}},
		{"London spring forward 00:00-03:00 is 2h", london, "2026-03-29", "00:00", "03:00", 30 * time.Minute, 0,
			[]string{"2026-03-29 00:00", "2026-03-29 00:30", "2026-03-29 01:00", "2026-03-29 01:30"}},
		{"London fall back 00:00-03:00 is 4h", london, "2026-10-25", "00:00", "03:00", 30 * time.Minute, 0,
			[]string{"2026-10-24 23:00", "2026-10-24 23:30", "2026-10-25 00:00", "2026-10-25 00:30",
				"2026-10-25 01:00", "2026-10-25 01:30", "2026-10-25 02:00", "2026-10-25 02:30"}},
		{"NY start in the skipped hour starts at 03:00 EDT", newYork, "2026-03-08", "02:30", "04:00", 30 * time.Minute, 0,
			[]string{"2026-03-08 07:00", "2026-03-08 07:30"}},
		{"NY end in the skipped hour ends at the change", newYork, "2026-03-08", "00:00", "02:30", time.Hour, 0,
			[]string{"2026-03-08 05:00", "2026-03-08 06:00"}},
		{"London start in the skipped hour starts at 02:00 BST", london, "2026-03-29", "01:30", "03:00", 30 * time.Minute, 0,
			[]string{"2026-03-29 01:00", "2026-03-29 01:30"}},
		{"NY window inside the repeated hour starts at its first pass", newYork, "2026-11-01", "01:30", "02:30", 30 * time.Minute, 0,
			[]string{"2026-11-01 05:30", "2026-11-01 06:00", "2026-11-01 06:30", "2026-11-01 07:00"}},
		{"London window inside the repeated hour starts at its first pass", london, "2026-10-25", "01:30", "02:30", 30 * time.Minute, 0,
			[]string{"2026-10-25 00:30", "2026-10-25 01:00", "2026-10-25 01:30", "2026-10-25 02:00"}},
		{"window wholly inside the skipped hour offers nothing", newYork, "2026-03-08", "02:00", "02:59", 15 * time.Minute, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTherapist(6, tt.length, tt.buffer, hours(tt.start, tt.end, time.Sunday))
			var starts []time.Time
			for _, s := range tt.want {
				starts = append(starts, utc(s))
			}
			day := at(tt.zone, tt.date)
			got := Offered(th, tt.zone, day, day.AddDate(0, 0, 1), longAgo)
			checkSlots(t, got, slots(6, tt.length, starts...))
		})
	}
}

func TestWallInstant(t *testing.T) {
	// wallInstant must return the first instant whose local reading is at or
	// after the wanted one. Check every quarter hour of each transition day
	// of 2026 (and the days either side) against a minute-by-minute scan,
	// in zones with either sign of offset, half-hour changes and changes at
	// midnight.
	zones := []string{"America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe",
		"America/Santiago", "America/Havana", "Asia/Beirut", "Pacific/Chatham", "Europe/Dublin", "UTC"}
	for _, name := range zones {
		loc := mustZone(name)
		for day := utc("2026-01-01"); day.Year() == 2026; day = day.AddDate(0, 0, 1) {
			y, m, d := day.Date()
			_, a := time.Date(y, m, d, 0, 0, 0, 0, loc).Zone()
			_, b := time.Date(y, m, d+2, 0, 0, 0, 0, loc).Zone()
			_, c := time.Date(y, m, d-2, 0, 0, 0, 0, loc).Zone()
			if a == b && a == c && name != "UTC" {
				continue
			}
			// Scan instants around the date and record each one's wall
			// reading as if it were UTC, which orders readings.
			begin := day.Add(-30 * time.Hour)
			var instants, readings []time.Time
			for i := begin; i.Before(day.Add(54 * time.Hour)); i = i.Add(time.Minute) {
				l := i.In(loc)
				ly, lm, ld := l.Date()
				instants = append(instants, i)
				readings = append(readings, time.Date(ly, lm, ld, l.Hour(), l.Minute(), 0, 0, time.UTC))
			}
			k := 0
			for minutes := 0; minutes <= 1440; minutes += 15 {
				want := time.Date(y, m, d, 0, minutes, 0, 0, time.UTC)
				for readings[k].Before(want) {
					k++
				}
				got := wallInstant(y, m, d, minutes, loc)
				if !got.Equal(instants[k]) {
					t.Fatalf("%s %s +%dmin: got %s, want %s", name, day.Format(time.DateOnly), minutes,
						got.UTC().Format(time.RFC3339), instants[k].UTC().Format(time.RFC3339))
				}
			}
			if name == "UTC" {
				break
			}
		}
	}
}

func TestSteadyMidnight(t *testing.T) {
	// On a day steadyMidnight calls steady, midnight plus minutes must agree
	// with the careful wallInstant for every edge a window can have; and it
	// must call most days steady, or the fast path is never taken.
	zones := []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
		"Europe/London", "Australia/Lord_Howe", "America/Santiago", "America/Havana", "Asia/Beirut", "Pacific/Apia", "UTC"}
	for _, name := range zones {
		loc := mustZone(name)
		steadyDays := 0
		for day := utc("2025-01-01"); day.Year() < 2028; day = day.AddDate(0, 0, 1) {
			y, m, d := day.Date()
			midnight, steady, _ := steadyMidnight(y, m, d, loc)
			if !steady {
				continue
			}
			steadyDays++
			for minutes := 0; minutes <= 1440; minutes += 30 {
				if got, want := midnight.Add(time.Duration(minutes)*time.Minute), wallInstant(y, m, d, minutes, loc); !got.Equal(want) {
					t.Fatalf("%s %s +%dmin: fast path %s, careful path %s", name, day.Format(time.DateOnly), minutes, got, want)
				}
			}
		}
		if steadyDays < 3*365-20 {
			t.Errorf("%s: only %d steady days in three years", name, steadyDays)
		}
	}
}

func TestOfferedVisitorZone(t *testing.T) {
	t.Run("LA therapist, one London day", func(t *testing.T) {
		la := func(s string) time.Time { return at(losAngeles, s) }
		th := newTherapist(8, time.Hour, 0, hours("09:00", "17:00", everyDay...))
		from := at(london, "2026-06-10") // 2026-06-09 23:00Z
		got := Offered(th, losAngeles, from, from.AddDate(0, 0, 1), longAgo)
		want := slots(8, time.Hour, la("2026-06-09 16:00"),
			la("2026-06-10 09:00"), la("2026-06-10 10:00"), la("2026-06-10 11:00"), la("2026-06-10 12:00"),
			la("2026-06-10 13:00"), la("2026-06-10 14:00"), la("2026-06-10 15:00"))
		checkSlots(t, got, want)
		for _, s := range got {
			if d := s.Start.In(london).Format(time.DateOnly); d != "2026-06-10" {
				t.Errorf("slot %v is on London date %s", s.Start, d)
			}
		}
	})

	// In March 2026 the US changes clocks three weeks before the UK, so for
	// those weeks New York is 4 hours behind London, not 5.
	tests := []struct {
		londonDay string
		utcStart  string
		londonAt  string
	}{
		{"2026-03-02", "2026-03-02 14:00", "14:00 GMT"}, // both on winter time: 5h
		{"2026-03-16", "2026-03-16 13:00", "13:00 GMT"}, // US on DST, UK not: 4h
		{"2026-03-23", "2026-03-23 13:00", "13:00 GMT"},
		{"2026-03-30", "2026-03-30 13:00", "14:00 BST"}, // both on summer time: 5h
	}
	for _, tt := range tests {
		t.Run("NY therapist, London "+tt.londonDay, func(t *testing.T) {
			th := newTherapist(9, time.Hour, 0, hours("09:00", "10:00", weekdays...))
			from := at(london, tt.londonDay)
			got := Offered(th, newYork, from, from.AddDate(0, 0, 1), longAgo)
			checkSlots(t, got, slots(9, time.Hour, utc(tt.utcStart)))
			if len(got) == 1 {
				if s := got[0].Start.In(london).Format("15:04 MST"); s != tt.londonAt {
					t.Errorf("shown in London as %s, want %s", s, tt.londonAt)
				}
				if s := got[0].Start.In(newYork).Format("15:04"); s != "09:00" {
					t.Errorf("in New York at %s, want 09:00", s)
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	span := func(start, end string) Interval { return Interval{ny("2026-06-15 " + start), ny("2026-06-15 " + end)} }
	mon := func(times ...string) []journey.Slot {
		var starts []time.Time
		for _, s := range times {
			starts = append(starts, ny("2026-06-15 "+s))
		}
		return slots(10, 30*time.Minute, starts...)
	}
	tests := []struct {
		name   string
		buffer time.Duration
		busy   []Interval
		want   []journey.Slot
	}{
		{"no bookings", 0, nil, mon("09:00", "09:30", "10:00", "10:30", "11:00", "11:30")},
		{"booking on the grid", 0, []Interval{span("10:00", "10:30")}, mon("09:00", "09:30", "10:30", "11:00", "11:30")},
		{"booking off the grid takes both slots it touches", 0, []Interval{span("10:15", "10:45")}, mon("09:00", "09:30", "11:00", "11:30")},
		{"touching intervals do not conflict", 0, []Interval{span("09:30", "10:00"), span("11:00", "11:30")}, mon("09:00", "10:00", "10:30", "11:30")},
		{"with buffer, the grid steps 40 minutes", 10 * time.Minute, nil, mon("09:00", "09:40", "10:20", "11:00")},
		{"existing block end includes its buffer", 10 * time.Minute, []Interval{span("08:30", "09:10")}, mon("09:40", "10:20", "11:00")},
		{"booked slot with its buffer frees its neighbours", 10 * time.Minute, []Interval{span("10:20", "11:00")}, mon("09:00", "09:40", "11:00")},
		{"new booking's buffer must not run into a booking", 10 * time.Minute, []Interval{span("10:15", "10:30")}, mon("09:00", "11:00")},
		{"new booking's buffer may end as a booking starts", 10 * time.Minute, []Interval{span("10:20", "10:25")}, mon("09:00", "09:40", "11:00")},
		{"nested intervals", 10 * time.Minute, []Interval{span("09:00", "11:00"), span("09:05", "09:10")}, mon("11:00")},
		{"unsorted intervals", 0, []Interval{span("11:00", "11:40"), span("09:00", "09:10"), span("10:29", "10:31")}, mon("09:30")},
		{"intervals outside the range", 0, []Interval{{ny("2026-06-14 09:00"), ny("2026-06-14 17:00")}, {ny("2026-06-16 09:00"), ny("2026-06-16 17:00")}},
			mon("09:00", "09:30", "10:00", "10:30", "11:00", "11:30")},
		{"a long interval before the range that reaches into it", 0, []Interval{{ny("2026-06-14 09:00"), ny("2026-06-15 09:45")}},
			mon("10:00", "10:30", "11:00", "11:30")},
		{"intervals in another zone", 0, []Interval{{ny("2026-06-15 10:00").In(london), ny("2026-06-15 10:30").In(london)}},
			mon("09:00", "09:30", "10:30", "11:00", "11:30")},
		{"empty interval inside a slot conflicts, as the rule says", 0, []Interval{span("09:10", "09:10")},
			mon("09:30", "10:00", "10:30", "11:00", "11:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTherapist(10, 30*time.Minute, tt.buffer, hours("09:00", "12:00", weekdays...))
			busy := slices.Clone(tt.busy)
			got := Open(th, newYork, busy, ny("2026-06-15"), ny("2026-06-16"), longAgo)
			checkSlots(t, got, tt.want)
			if !slices.Equal(busy, tt.busy) {
				t.Errorf("Open reordered the caller's intervals: %v", busy)
			}
		})
	}
}

func TestSortIntervals(t *testing.T) {
	a := utc("2026-06-15 09:00")
	busy := []Interval{{a.Add(2 * time.Hour), a.Add(3 * time.Hour)}, {a, a.Add(2 * time.Hour)}, {a, a.Add(time.Hour)}}
	SortIntervals(busy)
	want := []Interval{{a, a.Add(time.Hour)}, {a, a.Add(2 * time.Hour)}, {a.Add(2 * time.Hour), a.Add(3 * time.Hour)}}
	if !slices.Equal(busy, want) {
		t.Errorf("got %v, want %v", busy, want)
	}
}

func TestOpenAll(t *testing.T) {
	// New York 10:00 and Chicago 09:00 are the same instant, so therapists 1
	// and 3 offer coinciding slots, which sort by therapist ID.
	ny := func(s string) time.Time { return at(newYork, s) }
	nyT := newTherapist(3, time.Hour, 0, hours("10:00", "12:00", time.Monday))
	chiT := newTherapist(1, time.Hour, 0, hours("09:00", "11:00", time.Monday))
	laT := newTherapist(2, 90*time.Minute, 0, hours("06:00", "09:00", time.Monday)) // 09:00–12:00 in New York
	ts := []*journey.Therapist{nyT, chiT, nil, laT}
	locs := []*time.Location{newYork, chicago, nil, losAngeles}
	from, to := ny("2026-06-15"), ny("2026-06-16")

	got := OpenAll(ts, locs, nil, from, to, longAgo)
	want := []journey.Slot{
		{TherapistID: 2, Start: ny("2026-06-15 09:00"), End: ny("2026-06-15 10:30")},
		{TherapistID: 1, Start: ny("2026-06-15 10:00"), End: ny("2026-06-15 11:00")},
		{TherapistID: 3, Start: ny("2026-06-15 10:00"), End: ny("2026-06-15 11:00")},
		{TherapistID: 2, Start: ny("2026-06-15 10:30"), End: ny("2026-06-15 12:00")},
		{TherapistID: 1, Start: ny("2026-06-15 11:00"), End: ny("2026-06-15 12:00")},
		{TherapistID: 3, Start: ny("2026-06-15 11:00"), End: ny("2026-06-15 12:00")},
	}
	checkSlots(t, got, want)

	busy := map[int64][]Interval{
		3: {{ny("2026-06-15 10:00"), ny("2026-06-15 11:00")}},
		2: {{ny("2026-06-15 11:30"), ny("2026-06-15 11:45")}},
		9: {{ny("2026-06-15 00:00"), ny("2026-06-16 00:00")}}, // no such therapist
	}
	got = OpenAll(ts, locs, busy, from, to, longAgo)
	checkSlots(t, got, []journey.Slot{want[0], want[1], want[4], want[5]})

	// A missing zone is loaded from the therapist's TimeZone.
	chiT.TimeZone = "America/Chicago"
	checkSlots(t, OpenAll([]*journey.Therapist{chiT}, nil, nil, from, to, longAgo), []journey.Slot{want[1], want[4]})
	// An unknown zone offers nothing rather than guessing.
	chiT.TimeZone = "Mars/Olympus_Mons"
	checkSlots(t, OpenAll([]*journey.Therapist{chiT}, nil, nil, from, to, longAgo), nil)
}

func TestIsOffered(t *testing.T) {
	ny := func(s string) time.Time { return at(newYork, s) }
	now := ny("2026-06-15 10:00") // a Monday
	th := &journey.Therapist{ID: 11, ConsultLength: 30 * time.Minute, MinNotice: journey.DefaultMinNotice, HorizonDays: 14,
		Weekly:     hours("09:00", "12:00", weekdays...),
		Exceptions: []journey.ScheduleException{{Date: "2026-06-18", Kind: journey.ExceptionOff}}}
	tests := []struct {
		name  string
		start time.Time
		want  bool
	}{
		{"a real slot", ny("2026-06-16 11:00"), true},
		{"the last slot of a window", ny("2026-06-16 11:30"), true},
		{"a real slot given in another zone", ny("2026-06-16 11:00").In(london), true},
		{"off the grid by minutes", ny("2026-06-16 11:10"), false},
		{"off the grid by a second", ny("2026-06-16 11:00").Add(time.Second), false},
		{"at the window end", ny("2026-06-16 12:00"), false},
		{"outside hours", ny("2026-06-16 13:00"), false},
		{"weekend", ny("2026-06-20 10:00"), false},
		{"day off", ny("2026-06-18 10:00"), false},
		{"inside the notice", ny("2026-06-16 09:30"), false},
		{"exactly at the notice", ny("2026-06-16 10:00"), true},
		{"in the past", ny("2026-06-15 09:00"), false},
		{"just inside the horizon", ny("2026-06-29 09:30"), true},
		{"at the horizon", ny("2026-06-29 10:00"), false},
		{"past the horizon", ny("2026-07-06 10:00"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsOffered(th, newYork, tt.start, now); got != tt.want {
				t.Errorf("IsOffered(%v) = %v, want %v", tt.start, got, tt.want)
			}
		})
	}
}

// TestAgainstBruteForce checks Offered, Open, OpenAll and IsOffered on random
// calendars against simple, slow restatements of their rules.
func TestAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{newYork, chicago, denver, losAngeles, london, mustZone("Australia/Lord_Howe")}
	now := utc("2026-02-25 17:23")
	from, to := now.Add(-48*time.Hour), now.Add(75*24*time.Hour) // over both March changes
	var ts []*journey.Therapist
	var locs []*time.Location
	busy := map[int64][]Interval{}
	for id := int64(1); id <= 12; id++ {
		th := &journey.Therapist{
			ID:            id,
			ConsultLength: time.Duration(15+5*rng.IntN(16)) * time.Minute,
			Buffer:        time.Duration(5*rng.IntN(5)) * time.Minute,
			MinNotice:     time.Duration(rng.IntN(72)) * time.Hour,
			HorizonDays:   20 + rng.IntN(60),
		}
		for range 2 + rng.IntN(8) {
			start := 15 * rng.IntN(90)
			th.Weekly = append(th.Weekly, journey.WeeklyHours{Weekday: time.Weekday(rng.IntN(7)),
				Start: journey.ClockTime(start), End: journey.ClockTime(min(1440, start+15+15*rng.IntN(40)))})
		}
		for range rng.IntN(30) {
			date := now.AddDate(0, 0, rng.IntN(70)).Format(time.DateOnly)
			e := journey.ScheduleException{Date: date, Kind: journey.ExceptionOff}
			if rng.IntN(4) > 0 {
				start := 5 * rng.IntN(280)
				e.Start, e.End = journey.ClockTime(start), journey.ClockTime(min(1440, start+5+5*rng.IntN(60)))
				if rng.IntN(2) == 0 {
					e.Kind = journey.ExceptionExtra
				}
			}
			th.Exceptions = append(th.Exceptions, e)
		}
		loc := zones[rng.IntN(len(zones))]
		offered := Offered(th, loc, from, to, now)
		for i := 1; i < len(offered); i++ {
			if offered[i].Start.Before(offered[i-1].End) {
				t.Fatalf("therapist %d: slots %v and %v out of order or overlapping", id, offered[i-1], offered[i])
			}
		}
		for i, s := range offered {
			if s.Start.Before(from) || !s.Start.Before(to) || s.Start.Before(now.Add(th.MinNotice)) ||
				!s.Start.Before(now.Add(time.Duration(th.HorizonDays)*24*time.Hour)) || s.End.Sub(s.Start) != th.ConsultLength {
				t.Fatalf("therapist %d: slot %v breaks the range, notice, horizon or length", id, s)
			}
			if !IsOffered(th, loc, s.Start, now) {
				t.Fatalf("therapist %d: IsOffered false for offered slot %v", id, s)
			}
			off := s.Start.Add(5 * time.Minute)
			if want := i+1 < len(offered) && offered[i+1].Start.Equal(off); IsOffered(th, loc, off, now) != want {
				t.Fatalf("therapist %d: IsOffered(%v) != %v", id, off, want)
			}
		}
		var b []Interval
		for range rng.IntN(60) {
			start := from.Add(time.Duration(rng.IntN(int(to.Sub(from)/time.Minute))) * time.Minute)
			b = append(b, Interval{start, start.Add(time.Duration(rng.IntN(180)) * time.Minute)})
		}
		busy[id] = b
		ts, locs = append(ts, th), append(locs, loc)
	}

	var all []journey.Slot
	for i, th := range ts {
		var want []journey.Slot
		for _, s := range Offered(th, locs[i], from, to, now) {
			taken := false
			for _, b := range busy[th.ID] {
				taken = taken || s.Start.Before(b.End) && b.Start.Before(s.End.Add(th.Buffer))
			}
			if !taken {
				want = append(want, s)
			}
		}
		checkSlots(t, Open(th, locs[i], busy[th.ID], from, to, now), want)
		all = append(all, want...)
	}
	slices.SortStableFunc(all, func(a, b journey.Slot) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.TherapistID - b.TherapistID)
	})
	if len(all) < 500 {
		t.Fatalf("only %d open slots: the random calendars are too thin to test much", len(all))
	}
	checkSlots(t, OpenAll(ts, locs, busy, from, to, now), all)
}
