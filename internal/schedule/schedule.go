// Package schedule computes the consult slots a therapist offers on the public
// booking page, and which of them are still open.
//
// Everything here is a pure function of its arguments: the caller loads the
// therapist, their time zone and their existing bookings, and passes "now", so
// the same inputs always give the same slots and the functions are safe to
// call from many goroutines at once.
//
// A therapist's hours are wall-clock times in their own zone. They are turned
// into absolute instants date by date, so the hours follow the therapist's
// clock through daylight-saving changes while the slots themselves are laid
// out in real (absolute) time: a window that spans a clock change is as long
// as it really is, not as long as its wall-clock labels suggest. A window
// edge that falls in an hour skipped by a spring-forward is placed at the
// change; one in an hour repeated by a fall-back, at its first occurrence.
//
// A date's hours are its weekly windows plus its "extra" exceptions, with
// overlapping windows merged, minus its "off" exceptions; "off" wins over
// "extra" whatever their order, and a whole-day "off" clears the date. Each
// window keeps its own grid: slots start at the window's start and follow
// one another every ConsultLength+Buffer while they fit inside it.
package schedule

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// Interval is a span during which a therapist is taken: an existing booking's
// start up to its end plus the buffer (its "block end").
type Interval struct{ Start, End time.Time }

// SortIntervals sorts busy by Start, then End, in place. Open and OpenAll
// accept unsorted intervals, but sorted ones spare them a copy and a sort.
func SortIntervals(busy []Interval) {
	slices.SortFunc(busy, compareIntervals)
}

func compareIntervals(a, b Interval) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return a.End.Compare(b.End)
}

// Offered returns every slot the therapist's calendar offers whose start lies
// in [from, to), ignoring existing bookings, applying minimum notice
// (start >= now + t.MinNotice) and horizon (start < now + t.HorizonDays*24h).
// Slots are sorted by start; their times are in loc.
//
// loc is the therapist's zone, loaded once by the caller; if it is nil the
// zone is loaded from t.TimeZone, and an unknown zone offers nothing, since
// hours in an unknown zone cannot be placed in time. A zero ConsultLength or
// HorizonDays means the journey default; a zero MinNotice means no notice,
// as Therapist.Validate allows. Active is not consulted: callers choose
// which therapists to show.
func Offered(t *journey.Therapist, loc *time.Location, from, to, now time.Time) []journey.Slot {
	return Open(t, loc, nil, from, to, now)
}

// Open returns Offered minus every slot that would overlap a busy interval.
// A slot s conflicts with busy b when s.Start < b.End && b.Start < s.End +
// t.Buffer: the new booking would block [s.Start, s.End+Buffer), the same rule
// the database enforces, so an open slot is one the database will accept.
//
// busy need not be sorted and is never modified; when it is not sorted by
// Start, Open sorts a copy (see SortIntervals to avoid that).
func Open(t *journey.Therapist, loc *time.Location, busy []Interval, from, to, now time.Time) []journey.Slot {
	loc, r, ok := prepare(t, loc, from, to, now)
	if !ok {
		return nil
	}
	cs := appendStarts(make([]cand, 0, r.estimate(t.Weekly)), 0, t, loc, r)
	cs = removeBusy(cs, sortedView(busy), r)
	if len(cs) == 0 {
		return nil
	}
	out := make([]journey.Slot, len(cs))
	for i, c := range cs {
		out[i] = r.slot(t.ID, loc, c.at)
	}
	return out
}

// OpenAll computes Open for many therapists and merges the slots into one
// list sorted by start, then therapist ID. locs[i] is the zone of ts[i] (a
// missing or nil entry is loaded as Offered does) and busy holds each
// therapist's busy intervals keyed by therapist ID, in any order. Nil
// therapists are skipped; each slot's times are in its therapist's zone.
func OpenAll(ts []*journey.Therapist, locs []*time.Location, busy map[int64][]Interval, from, to, now time.Time) []journey.Slot {
	type member struct {
		t   *journey.Therapist
		loc *time.Location
		r   rules
	}
	members := make([]member, 0, len(ts))
	estimate := 0
	for i, t := range ts {
		var loc *time.Location
		if i < len(locs) {
			loc = locs[i]
		}
		loc, r, ok := prepare(t, loc, from, to, now)
		if ok {
			members = append(members, member{t, loc, r})
			estimate += r.estimate(t.Weekly)
		}
	}
	// In ID order, a member's index is its tie-break: equal starts then sort
	// by therapist ID with one integer comparison.
	slices.SortStableFunc(members, func(a, b member) int { return cmp.Compare(a.t.ID, b.t.ID) })

	// One slice sized from the weekly hours up front, so the common case
	// grows it at most once. Each therapist's run comes out sorted, so the
	// runs are merged rather than the whole re-sorted.
	cs := make([]cand, 0, estimate)
	runs := make([]int, 1, len(members)+1) // run i is cs[runs[i]:runs[i+1]]
	for k, m := range members {
		start := len(cs)
		cs = appendStarts(cs, int32(k), m.t, m.loc, m.r)
		kept := removeBusy(cs[start:], sortedView(busy[m.t.ID]), m.r)
		cs = cs[:start+len(kept)]
		if len(cs) > start {
			runs = append(runs, len(cs))
		}
	}
	if len(cs) == 0 {
		return nil
	}
	// The last merge writes the Slots themselves, which saves a pass.
	a, b := mergeRuns(cs, runs)
	out := make([]journey.Slot, len(cs))
	for i := range out {
		var c cand
		if len(b) > 0 && (len(a) == 0 || candLess(b[0], a[0])) {
			c, b = b[0], b[1:]
		} else {
			c, a = a[0], a[1:]
		}
		m := &members[c.who]
		out[i] = m.r.slot(m.t.ID, m.loc, c.at)
	}
	return out
}

// IsOffered reports whether start is the start of a slot that Offered would
// return for t at now: on the slot grid, inside the hours, past the minimum
// notice and before the horizon. The booking service uses it to refuse a time
// that was never offered, whatever the visitor's browser sent.
func IsOffered(t *journey.Therapist, loc *time.Location, start, now time.Time) bool {
	// Offered over a one-nanosecond range looks at no more than a few local
	// dates, and the stack buffer keeps the common case free of allocation.
	loc, r, ok := prepare(t, loc, start, start.Add(time.Nanosecond), now)
	if !ok {
		return false
	}
	var buf [2]cand
	at := offset(start, r.base)
	for _, c := range appendStarts(buf[:0], 0, t, loc, r) {
		if c.at == at {
			return true
		}
	}
	return false
}

// cand is a slot in compact form while slots are made, filtered and merged:
// its start as nanoseconds after the call's now, and which therapist offers
// it (OpenAll's index in ID order; 0 elsewhere). It holds no pointers, so the
// garbage collector neither scans slices of it nor puts write barriers on
// copying them, which matters when tens of thousands of slots are merged;
// time.Time values are only built for the slots returned.
type cand struct {
	at  int64
	who int32
}

// rules are a therapist's calendar rules for one call, with the defaults
// filled in and every instant an offset in nanoseconds from base.
type rules struct {
	base   time.Time // the call's now, without its monotonic reading
	sec    int64     // base as Unix seconds
	nsec   int64     // and nanoseconds
	length int64     // consult length
	buffer int64     // kept free after each consult
	step   int64     // length plus buffer: the slot grid
	lo, hi int64     // slot starts must lie in [lo, hi)
}

// maxHorizonDays bounds the horizon so that it cannot overflow a Duration;
// Therapist.Validate allows at most 365.
const maxHorizonDays = 36500

// prepare resolves the zone and the rules for one call, and reports whether
// any slot can come of it.
func prepare(t *journey.Therapist, loc *time.Location, from, to, now time.Time) (*time.Location, rules, bool) {
	if t == nil {
		return nil, rules{}, false
	}
	length := t.ConsultLength
	if length <= 0 {
		length = journey.DefaultConsultLength
	}
	horizon := t.HorizonDays
	if horizon <= 0 {
		horizon = journey.DefaultHorizonDays
	}
	horizon = min(horizon, maxHorizonDays)
	base := now.Round(0)
	r := rules{
		base:   base,
		length: int64(length),
		buffer: int64(max(t.Buffer, 0)),
		lo:     max(offset(from, base), int64(max(t.MinNotice, 0))),
		hi:     min(offset(to, base), int64(time.Duration(horizon)*24*time.Hour)),
	}
	r.step = r.length + r.buffer
	r.sec, r.nsec = base.Unix(), int64(base.Nanosecond())
	if r.lo >= r.hi {
		return nil, rules{}, false
	}
	if loc = locationOf(t, loc); loc == nil {
		return nil, rules{}, false
	}
	return loc, r, true
}

// offset returns t as nanoseconds after base. time.Time.Sub saturates, so
// instants centuries away still compare correctly with slots, which all lie
// within the horizon of base.
func offset(t, base time.Time) int64 { return int64(t.Sub(base)) }

// slot builds the Slot of therapist id starting at offset at, in loc.
func (r *rules) slot(id int64, loc *time.Location, at int64) journey.Slot {
	// time.Unix is cheaper than Time.Add, and it normalises the nanoseconds.
	end := at + r.length
	return journey.Slot{
		TherapistID: id,
		Start:       time.Unix(r.sec+at/1e9, r.nsec+at%1e9).In(loc),
		End:         time.Unix(r.sec+end/1e9, r.nsec+end%1e9).In(loc),
	}
}

// estimate guesses how many slots the weekly hours give in [lo, hi), so
// OpenAll's slice is allocated once in the common case. Overlaps and
// exceptions make it a little high or low, which only costs spare capacity
// or one regrowth.
func (r *rules) estimate(weekly []journey.WeeklyHours) int {
	perWeek := 0
	for _, w := range weekly {
		if n := int64(w.End-w.Start) * int64(time.Minute); n >= r.length {
			perWeek += int((n-r.length)/r.step) + 1
		}
	}
	return perWeek * int((r.hi-r.lo)/int64(7*24*time.Hour)+1)
}

func locationOf(t *journey.Therapist, loc *time.Location) *time.Location {
	if loc != nil {
		return loc
	}
	loc, err := t.Location()
	if err != nil {
		return nil
	}
	return loc
}

// span is a window of wall-clock minutes after midnight, [start, end).
type span struct{ start, end int }

// exception is a ScheduleException with its date parsed once per call.
type exception struct {
	date       int // yyyymmdd
	off, whole bool
	span
}

// appendStarts appends the slots t's calendar offers in [r.lo, r.hi) to dst,
// sorted by start, marked as offered by who. It is the one place slots are
// made: Offered, Open, OpenAll and IsOffered all build on it, so they cannot
// disagree about the grid.
func appendStarts(dst []cand, who int32, t *journey.Therapist, loc *time.Location, r rules) []cand {
	// A few weeks of hours fit the stack buffer; IsOffered's few days
	// always do, so it stays free of allocation.
	var buf [24]win
	for _, w := range appendWindows(winBuffer(buf[:0], t.Weekly, t.Exceptions, r.lo, r.hi), t.Weekly, t.Exceptions, loc, r.base, r.lo, r.hi) {
		dst = appendWindow(dst, who, w.s, w.e, &r)
	}
	return dst
}

// winBuffer returns buf when it can hold the windows of [lo, hi), and
// otherwise a slice sized for them, so appendWindows grows it at most
// once in the common case rather than doubling its way up.
func winBuffer(buf []win, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException, lo, hi int64) []win {
	days := int((hi-lo)/int64(24*time.Hour)) + 3
	if n := days*((len(weekly)+6)/7) + len(exceptions); n > cap(buf) {
		return make([]win, 0, n)
	}
	return buf
}

// win is a window of hours placed in time: [s, e) as nanoseconds after a
// call's base.
type win struct{ s, e int64 }

// appendWindows appends to dst the windows of hours that weekly and
// exceptions give in loc, placed in absolute time as offsets from base, for
// every local date the range [lo, hi) touches and a date either side. They
// come in date order, each date's sorted and disjoint; windows that touch
// are left apart. It is the one place hours become instants: the consult
// grid (appendStarts) and the session engine (SessionSlots, Fits) both
// build on it, so they follow the clock through DST the same way.
func appendWindows(dst []win, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException, loc *time.Location, base time.Time, lo, hi int64) []win {
	// Walk the local dates of loc, not the visitor's: a day either side of
	// the range covers windows whose local date differs from the date they
	// came from (possible only when a clock change straddles midnight).
	y, m, d := base.Add(time.Duration(lo)).In(loc).Date()
	day := time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC)
	y, m, d = base.Add(time.Duration(hi)).In(loc).Date()
	last := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)

	// Only the exceptions inside the walked dates matter; sorting them lets
	// the walk pick up each date's exceptions with a moving index. Calendars
	// keep few exceptions, so the stack array nearly always suffices.
	var excBuf [16]exception
	excs := excBuf[:0]
	first, final := dateKey(day), dateKey(last)
	for _, e := range exceptions {
		x, ok := parseException(e)
		if ok && x.date >= first && x.date <= final {
			excs = append(excs, x)
		}
	}
	slices.SortFunc(excs, func(a, b exception) int { return cmp.Compare(a.date, b.date) })

	var winBuf, tmpBuf [8]span
	next := 0
	// While days stay clear of clock changes, each local midnight is the
	// previous one plus 24 hours; the zone period of the last looked-up
	// midnight says how long that holds.
	var steadyDay time.Time
	var steadyMid, periodEnd int64
	haveSteady := false
	for ; !day.After(last); day = day.Add(24 * time.Hour) {
		y, m, d := day.Date()
		key := y*10000 + int(m)*100 + d
		for next < len(excs) && excs[next].date < key {
			next++
		}
		lastExc := next
		for lastExc < len(excs) && excs[lastExc].date == key {
			lastExc++
		}
		wins := windowsFor(winBuf[:0], tmpBuf[:0], weekly, day.Weekday(), excs[next:lastExc])
		next = lastExc
		if len(wins) == 0 {
			continue
		}
		var mid int64
		steady := false
		if haveSteady {
			mid = steadyMid + int64(day.Sub(steadyDay))
			steady = mid+int64(24*time.Hour) < periodEnd
		}
		if !steady {
			midnight, ok, end := steadyMidnight(y, m, d, loc)
			mid, steady = offset(midnight, base), ok
			haveSteady, steadyDay, steadyMid, periodEnd = ok, day, mid, math.MaxInt64
			if !end.IsZero() {
				periodEnd = offset(end, base)
			}
		}
		dst = appendDay(dst, loc, y, m, d, mid, steady, wins, base)
	}
	return dst
}

// windowsFor returns the hours of one date, sorted and disjoint: the weekly
// windows for its weekday plus the "extra" exceptions, minus the "off" ones.
// "Off" wins over "extra" whatever order they were stored in, so taking time
// off always takes it off; a whole-day "off" clears the date.
func windowsFor(wins, tmp []span, weekly []journey.WeeklyHours, wd time.Weekday, excs []exception) []span {
	for _, x := range excs {
		if x.off && x.whole {
			return wins[:0]
		}
	}
	for _, w := range weekly {
		if w.Weekday == wd {
			wins = appendSpan(wins, span{int(w.Start), int(w.End)})
		}
	}
	for _, x := range excs {
		if !x.off {
			wins = appendSpan(wins, x.span)
		}
	}
	if len(wins) == 0 {
		return wins
	}
	wins = mergeSpans(wins)
	for _, x := range excs {
		if x.off {
			wins, tmp = subtractSpan(tmp[:0], wins, x.span), wins
		}
	}
	return wins
}

// appendSpan appends s clamped to the day, dropping it if empty.
func appendSpan(wins []span, s span) []span {
	s.start, s.end = max(s.start, 0), min(s.end, 1440)
	if s.start >= s.end {
		return wins
	}
	return append(wins, s)
}

// mergeSpans sorts wins and merges the ones that overlap, so overlapping
// weekly and extra hours do not offer the same slot twice. Windows that only
// touch stay apart: each keeps its own grid, starting on its own hour.
func mergeSpans(wins []span) []span {
	// Insertion sort: a day has a handful of windows.
	for i := 1; i < len(wins); i++ {
		for j := i; j > 0 && wins[j].start < wins[j-1].start; j-- {
			wins[j], wins[j-1] = wins[j-1], wins[j]
		}
	}
	n := 0
	for _, w := range wins[1:] {
		if w.start < wins[n].end {
			wins[n].end = max(wins[n].end, w.end)
			continue
		}
		n++
		wins[n] = w
	}
	return wins[:n+1]
}

// subtractSpan appends to dst the parts of the sorted, disjoint wins that lie
// outside off; a window with off in its middle is split in two.
func subtractSpan(dst, wins []span, off span) []span {
	for _, w := range wins {
		if off.end <= w.start || w.end <= off.start {
			dst = append(dst, w)
			continue
		}
		if w.start < off.start {
			dst = append(dst, span{w.start, off.start})
		}
		if off.end < w.end {
			dst = append(dst, span{off.end, w.end})
		}
	}
	return dst
}

// appendDay appends one local date's windows placed in time.
// mid is the date's local midnight when steady reports that no clock change
// is near; otherwise each window edge is placed by wallInstant.
func appendDay(dst []win, loc *time.Location, y int, m time.Month, d int, mid int64, steady bool, wins []span, base time.Time) []win {
	for _, w := range wins {
		if steady {
			dst = append(dst, win{mid + int64(w.start)*int64(time.Minute), mid + int64(w.end)*int64(time.Minute)})
			continue
		}
		dst = append(dst, win{offset(wallInstant(y, m, d, w.start, loc), base), offset(wallInstant(y, m, d, w.end, loc), base)})
	}
	return dst
}

// steadyMidnight returns the date's midnight in loc and reports whether no
// clock change falls within 24 hours of it, with the end of the zone period
// it lies in (zero if there is no later change). Most days have no change
// near: then every wall-clock minute of the day is midnight plus that many
// real minutes, which is much cheaper than a time.Date per window edge. Days
// near a change take the careful path through wallInstant instead.
func steadyMidnight(y int, m time.Month, d int, loc *time.Location) (midnight time.Time, steady bool, periodEnd time.Time) {
	midnight = time.Date(y, m, d, 0, 0, 0, 0, loc)
	zs, ze := midnight.ZoneBounds()
	steady = (zs.IsZero() || !zs.After(midnight.Add(-24*time.Hour))) &&
		(ze.IsZero() || ze.After(midnight.Add(24*time.Hour)))
	return midnight, steady, ze
}

// appendWindow appends the slots of the window [ws, we): starts step by
// length+buffer in absolute time from ws, each slot must end by we, and only
// starts in [r.lo, r.hi) are kept.
func appendWindow(dst []cand, who int32, ws, we int64, r *rules) []cand {
	last := we - r.length // the latest start that still fits
	if last < r.lo || ws >= r.hi {
		return dst
	}
	s := ws
	if s < r.lo {
		// Jump straight to the first grid point at or after lo: the grid
		// stays anchored at the window start.
		s += (r.lo - s + r.step - 1) / r.step * r.step
	}
	for ; s <= last && s < r.hi; s += r.step {
		dst = append(dst, cand{at: s, who: who})
	}
	return dst
}

// wallInstant returns the first instant at which the clock in loc reads at
// least the given date and minutes after midnight (1440 is the next midnight).
//
// That is time.Date's answer except around clock changes, where time.Date
// picks an instant that depends on the zone's offset sign: for a wall time
// skipped by a spring-forward it returns an hour before or after the change,
// and for a wall time repeated by a fall-back it may return the second
// occurrence. Choosing "first instant at or after" instead is consistent in
// every zone and keeps window edges in wall-clock order: hours starting in a
// skipped hour start at the change, and hours in a repeated hour start at its
// first occurrence.
func wallInstant(y int, m time.Month, d, minutes int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, minutes, 0, 0, loc)
	want := time.Date(y, m, d, 0, minutes, 0, 0, time.UTC)
	gy, gm, gd := t.Date()
	h, mi, s := t.Clock()
	got := time.Date(gy, gm, gd, h, mi, s, t.Nanosecond(), time.UTC)
	zs, ze := t.ZoneBounds()
	switch {
	case got.Before(want):
		// Skipped wall time, placed before the change: the change itself is
		// the first instant the clock reads later.
		return ze
	case got.After(want):
		// Skipped wall time, placed after the change.
		return zs
	}
	if !zs.IsZero() {
		// A repeated wall time: if the clock went back at zs and t lies
		// within the repeated stretch, the same reading came earlier.
		_, before := zs.Add(-time.Nanosecond).Zone()
		_, after := t.Zone()
		if back := time.Duration(before-after) * time.Second; back > 0 && t.Sub(zs) < back {
			return t.Add(-back)
		}
	}
	return t
}

// dateKey returns t's calendar date as yyyymmdd, for comparing with
// exception dates.
func dateKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// parseException parses e's date by hand (exceptions are read on every call)
// and reports whether e is usable: a valid date, a known kind and, unless it
// is a whole day off, a non-empty span.
func parseException(e journey.ScheduleException) (exception, bool) {
	s := e.Date
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return exception{}, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return exception{}, false
		}
		n = n*10 + int(c-'0')
	}
	if mo, d := n/100%100, n%100; mo < 1 || mo > 12 || d < 1 || d > 31 {
		return exception{}, false
	}
	x := exception{date: n, span: span{int(e.Start), int(e.End)}}
	switch e.Kind {
	case journey.ExceptionOff:
		x.off, x.whole = true, e.WholeDay()
	case journey.ExceptionExtra:
	default:
		return exception{}, false
	}
	if !x.whole && x.start >= x.end {
		return exception{}, false
	}
	return x, true
}

// sortedView returns busy sorted by Start: busy itself when it already is,
// otherwise a sorted copy, so the caller's slice is never reordered.
func sortedView(busy []Interval) []Interval {
	if slices.IsSortedFunc(busy, func(a, b Interval) int { return a.Start.Compare(b.Start) }) {
		return busy
	}
	c := slices.Clone(busy)
	SortIntervals(c)
	return c
}

// removeBusy filters slots in place, keeping those that conflict with no
// busy interval, and returns the kept prefix. slots must be sorted by start
// (they share one length), and busy sorted by Start.
//
// A slot s conflicts with some b when b.Start < s.End+buffer and
// b.End > s.Start. As slots advance, s.End+buffer only grows, so the
// intervals passing the first test are a growing prefix of busy; the slot
// conflicts exactly when the latest End in that prefix is after s.Start.
// That is one pass over each list, and stays right when busy intervals
// overlap or nest.
func removeBusy(slots []cand, busy []Interval, r rules) []cand {
	if len(busy) == 0 {
		return slots
	}
	maxEnd := int64(math.MinInt64)
	nextStart := offset(busy[0].Start, r.base) // of busy[j], converted once
	j, n := 0, 0
	for _, s := range slots {
		blockEnd := s.at + r.length + r.buffer
		for nextStart < blockEnd {
			maxEnd = max(maxEnd, offset(busy[j].End, r.base))
			if j++; j == len(busy) {
				nextStart = math.MaxInt64
				break
			}
			nextStart = offset(busy[j].Start, r.base)
		}
		if maxEnd > s.at {
			continue
		}
		slots[n] = s
		n++
	}
	return slots[:n]
}

// candLess orders slots by start, then therapist ID (OpenAll's who).
func candLess(a, b cand) bool {
	return a.at < b.at || a.at == b.at && a.who < b.who
}

// mergeRuns merges the sorted runs cs[runs[i]:runs[i+1]] down to two sorted
// runs, which it returns (the second may be empty), merging neighbouring
// runs pairwise between cs and one scratch slice.
func mergeRuns(cs []cand, runs []int) (a, b []cand) {
	switch len(runs) {
	case 1:
		return nil, nil
	case 2:
		return cs, nil
	case 3:
		return cs[:runs[1]], cs[runs[1]:]
	}
	src, dst := cs, make([]cand, len(cs))
	next := make([]int, 0, len(runs))
	for len(runs) > 3 {
		next = append(next[:0], 0)
		for i := 0; i+1 < len(runs); i += 2 {
			lo, mid := runs[i], runs[i+1]
			hi := mid
			if i+2 < len(runs) {
				hi = runs[i+2]
			}
			mergeTwo(dst[lo:hi], src[lo:mid], src[mid:hi])
			next = append(next, hi)
		}
		runs, next = next, runs
		src, dst = dst, src
	}
	return src[:runs[1]], src[runs[1]:]
}

// mergeTwo merges the sorted a and b into dst, which holds exactly both.
func mergeTwo(dst, a, b []cand) {
	k := 0
	for len(a) > 0 && len(b) > 0 && k < len(dst) {
		if candLess(b[0], a[0]) {
			dst[k], b = b[0], b[1:]
		} else {
			dst[k], a = a[0], a[1:]
		}
		k++
	}
	k += copy(dst[k:], a)
	copy(dst[k:], b)
}
