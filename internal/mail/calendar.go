package mail

import (
	"fmt"
	"net/url"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
)

// A calendar of sessions: the private feed a person subscribes to, and the
// invitation a reminder carries. Times are written in the reader's zone
// with its VTIMEZONE, so a calendar program shows them at the right hour
// across a change of clocks without relying on its own zone database.

// icalLocal is the iCalendar form of a local date and time (with TZID).
const icalLocal = "20060102T150405"

// SessionCalendar returns an RFC 5545 calendar of entries, times in loc.
// method is ics.MethodPublish for a feed, MethodRequest or MethodCancel
// for an invitation. host names the UIDs (entry.UID@host).
func SessionCalendar(name, host string, loc *time.Location, method ics.Method, entries []journey.CalendarEntry) string {
	return sessionCalendar(name, host, loc, method, entries).Serialize()
}

// sessionCalendar is SessionCalendar before it is written out.
func sessionCalendar(name, host string, loc *time.Location, method ics.Method, entries []journey.CalendarEntry) *ics.Calendar {
	cal := ics.NewCalendarFor(name)
	cal.SetMethod(method)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	if loc != time.UTC && len(entries) > 0 {
		from, to := entries[0].Start, entries[0].End
		for _, e := range entries {
			from, to = minTime(from, e.Start), maxTime(to, e.End)
		}
		cal.SetXWRTimezone(loc.String())
		cal.AddVTimezone(vtimezone(loc, from, to))
	}
	for _, e := range entries {
		ev := cal.AddEvent(e.UID + "@" + host)
		ev.SetDtStampTime(e.Updated)
		ev.SetCreatedTime(e.Created)
		ev.SetModifiedAt(e.Updated)
		ev.SetSequence(e.Sequence)
		if loc == time.UTC {
			ev.SetStartAt(e.Start)
			ev.SetEndAt(e.End)
		} else {
			ev.SetProperty(ics.ComponentPropertyDtStart, e.Start.In(loc).Format(icalLocal), ics.WithTZID(loc.String()))
			ev.SetProperty(ics.ComponentPropertyDtEnd, e.End.In(loc).Format(icalLocal), ics.WithTZID(loc.String()))
		}
		ev.SetSummary(e.Title)
		if e.Where != "" {
			ev.SetLocation(e.Where)
			if u, err := url.Parse(e.Where); err == nil && u.Scheme == "https" {
				ev.SetURL(e.Where)
			}
		}
		ev.SetClass(ics.ClassificationPrivate)
		if e.Cancelled || method == ics.MethodCancel {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal
}

// HostOf returns the host of a base URL, for UIDs ("journey.invalid" when
// it has none).
func HostOf(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "journey.invalid"
}

// vtimezone returns loc as a VTIMEZONE covering [from, to]: one STANDARD
// or DAYLIGHT part for the offset in force at from, then one for each
// change of offset until to, each at the instant Go's zone data gives.
// Explicit parts rather than a yearly rule: a rule is a guess about
// future years, the changes themselves are what the zone data knows.
func vtimezone(loc *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	t := from.In(loc)
	start, end := t.ZoneBounds()
	prev := offsetAt(start.Add(-time.Second), loc)
	if start.IsZero() { // the zone never changed before from
		start, prev = time.Date(1970, 1, 1, 0, 0, 0, 0, loc), offsetAt(t, loc)
	}
	addPart(tz, start, prev, t)
	for !end.IsZero() && !end.After(to) {
		at := end.In(loc)
		addPart(tz, at, offsetAt(at.Add(-time.Second), loc), at)
		_, end = at.ZoneBounds()
	}
	return tz
}

func offsetAt(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

// addPart adds the part of tz that begins at the instant start, coming from
// offset fromOff, with the zone in force at at.
func addPart(tz *ics.VTimezone, start time.Time, fromOff int, at time.Time) {
	name, off := at.Zone()
	part := &ics.ComponentBase{}
	// DTSTART is the local time of the change as read before it (RFC 5545 3.6.5).
	part.SetProperty(ics.ComponentPropertyDtStart, start.UTC().Add(time.Duration(fromOff)*time.Second).Format(icalLocal))
	part.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(fromOff))
	part.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(off))
	part.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	if at.IsDST() {
		tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: *part})
	} else {
		tz.Components = append(tz.Components, &ics.Standard{ComponentBase: *part})
	}
}

// utcOffset writes seconds east of UTC as ±hhmm (±hhmmss when needed).
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	if sec%60 != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
