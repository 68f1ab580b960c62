package mail_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
)

// entries returns a summer session, a winter session after the clocks
// changed, and a cancelled one, as a staff feed shows them.
func entries(loc *time.Location) []journey.CalendarEntry {
	mk := func(id int64, start time.Time, seq int, status string) journey.CalendarEntry {
		s := &journey.CareSession{ID: id, Type: journey.TypeMedicine, Start: start, End: start.Add(3 * time.Hour), Status: status,
			Mode: journey.ModeInPerson, Sequence: seq, CreatedAt: start.AddDate(0, 0, -10), UpdatedAt: start.AddDate(0, 0, -1),
			CancelReason: "SECRET-REASON"}
		return journey.SessionEntry(s, true, "Ada Visitor", "Medicine session", "Test Practice", "Cedar Room, 12 Alder Street")
	}
	return []journey.CalendarEntry{
		mk(7, time.Date(2031, 7, 1, 9, 30, 0, 0, loc), 0, journey.SessionBooked),
		mk(8, time.Date(2031, 12, 2, 9, 30, 0, 0, loc), 2, journey.SessionBooked),
		mk(9, time.Date(2031, 11, 2, 1, 30, 0, 0, loc), 1, journey.SessionCancelled),
	}
}

// A feed opens in a real iCalendar parser: each session once under a UID
// that names it, its SEQUENCE, a cancelled one CANCELLED, a staff feed
// naming the client by initials only and never the reason; and its
// VTIMEZONE, read on its own, gives every start's true instant, in a zone
// with changes of clock, one without, and UTC.
func TestSessionCalendarParses(t *testing.T) {
	for _, zone := range []string{"America/Los_Angeles", "Europe/London", "Asia/Tokyo", "Australia/Lord_Howe", "UTC"} {
		loc, _ := time.LoadLocation(zone)
		want := entries(loc)
		raw := mail.SessionCalendar("Nora's sessions", "journey.test", loc, ics.MethodPublish, want)
		for _, banned := range []string{"Ada", "Visitor", "SECRET-REASON"} {
			if strings.Contains(raw, banned) {
				t.Errorf("%s: the feed says %q", zone, banned)
			}
		}
		cal, err := ics.ParseCalendar(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v\n%s", zone, err, raw)
		}
		evs := cal.Events()
		if len(evs) != len(want) {
			t.Fatalf("%s: %d events", zone, len(evs))
		}
		tzs := cal.Timezones()
		if (zone == "UTC") != (len(tzs) == 0) {
			t.Fatalf("%s: %d VTIMEZONEs", zone, len(tzs))
		}
		for i, ev := range evs {
			w := want[i]
			if ev.Id() != journey.SessionUID(int64(7+i))+"@journey.test" || prop(&ev.ComponentBase, ics.ComponentPropertySequence) != strconv.Itoa(w.Sequence) {
				t.Errorf("%s: event %d is %s sequence %s", zone, i, ev.Id(), prop(&ev.ComponentBase, ics.ComponentPropertySequence))
			}
			if got := prop(&ev.ComponentBase, ics.ComponentPropertySummary); got != "Medicine session · A.V." {
				t.Errorf("%s: summary %q", zone, got)
			}
			status := prop(&ev.ComponentBase, ics.ComponentPropertyStatus)
			if (status == "CANCELLED") != w.Cancelled {
				t.Errorf("%s: event %d status %s", zone, i, status)
			}
			got, err := ev.GetStartAt()
			if err != nil || !got.Equal(w.Start) {
				t.Errorf("%s: event %d starts %v (%v), want %v", zone, i, got, err, w.Start)
			}
			if len(tzs) == 1 {
				dt := ev.GetProperty(ics.ComponentPropertyDtStart)
				if dt.ICalParameters["TZID"][0] != zone {
					t.Errorf("%s: TZID %v", zone, dt.ICalParameters["TZID"])
				}
				if at := resolve(t, tzs[0], dt.Value); !at.Equal(w.Start) {
					t.Errorf("%s: by the VTIMEZONE, %s is %v, want %v", zone, dt.Value, at, w.Start.UTC())
				}
			}
		}
	}
}

// resolve reads a local time by the parts of tz alone: the offset of the
// last part that began at or before it.
func resolve(t *testing.T, tz *ics.VTimezone, local string) time.Time {
	t.Helper()
	type part struct {
		start time.Time
		to    int
	}
	var parts []part
	for _, c := range tz.Components {
		var cb *ics.ComponentBase
		switch p := c.(type) {
		case *ics.Standard:
			cb = &p.ComponentBase
		case *ics.Daylight:
			cb = &p.ComponentBase
		default:
			t.Fatalf("unexpected part %T", c)
		}
		st, err := time.Parse("20060102T150405", prop(cb, ics.ComponentPropertyDtStart))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part{st, parseOffset(t, prop(cb, ics.ComponentProperty(ics.PropertyTzoffsetto)))})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].start.Before(parts[j].start) })
	lt, err := time.Parse("20060102T150405", local)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	found := false
	for _, p := range parts {
		if !p.start.After(lt) {
			off, found = p.to, true
		}
	}
	if !found {
		t.Fatalf("no part of the VTIMEZONE covers %s", local)
	}
	return lt.Add(-time.Duration(off) * time.Second)
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 {
		t.Fatalf("offset %q", s)
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off
}

// A client's calendar names the practice, and a remote session with no
// link yet says it is online.
func TestSessionEntryForClient(t *testing.T) {
	s := &journey.CareSession{ID: 3, Start: start, End: start.Add(time.Hour), Status: journey.SessionBooked, Mode: journey.ModeRemote}
	e := journey.SessionEntry(s, false, "Ada Visitor", "Integration", "Test Practice", "")
	if e.Title != "Integration · Test Practice" || e.Where != "Online" || e.UID != "session-3" {
		t.Fatalf("%+v", e)
	}
}
