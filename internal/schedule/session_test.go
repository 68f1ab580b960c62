package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

var sydney = mustZone("Australia/Sydney")

// medicine is the default medicine session's rules in person.
func medicine() SessionRules {
	for _, t := range journey.DefaultSessionTypes() {
		if t.Code == journey.TypeMedicine {
			return RulesFor(t, journey.ModeInPerson)
		}
	}
	panic("no medicine type")
}

func person(role string, id int64, loc *time.Location, weekly ...[]journey.WeeklyHours) Resource {
	return Resource{Role: role, ID: id, Loc: loc, Weekly: slices.Concat(weekly...)}
}

func formatSessionSlots(ss []journey.SessionSlot) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "%s–%s t%d m%d c%d r%d\n", s.Start.UTC().Format("2006-01-02 15:04"), s.End.UTC().Format("15:04"),
			s.TherapistID, s.MedicalProviderID, s.ChaperoneID, s.RoomID)
	}
	return b.String()
}

func starts(ss []journey.SessionSlot) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Start.UTC().Format("01-02 15:04"))
	}
	return out
}

func TestRulesFor(t *testing.T) {
	for _, ty := range journey.DefaultSessionTypes() {
		if ty.Code != journey.TypeMedicine {
			continue
		}
		in, remote := RulesFor(ty, journey.ModeInPerson), RulesFor(ty, journey.ModeRemote)
		if in.Length != 3*time.Hour || in.Buffer != 30*time.Minute || in.Lead != 72*time.Hour {
			t.Fatalf("medicine rules %+v", in)
		}
		if !slices.Equal(in.Needs, []string{"therapist", "medical_provider", "chaperone", "room"}) ||
			!slices.Equal(remote.Needs, []string{"therapist", "medical_provider", "chaperone"}) {
			t.Fatalf("needs in person %v, remote %v", in.Needs, remote.Needs)
		}
	}
}

// TestSessionSlotsOneDay lays out one day by hand: every resource's hours,
// a booking with its buffer, and the grid.
func TestSessionSlotsOneDay(t *testing.T) {
	rules := medicine()
	rules.Lead = 0
	day := at(newYork, "2027-02-02") // a Tuesday
	res := []Resource{
		person("therapist", 1, newYork, hours("09:00", "17:00", time.Tuesday)),
		person("medical_provider", 2, newYork, hours("08:00", "13:00", time.Tuesday)),
		person("chaperone", 3, newYork, hours("09:00", "18:00", time.Tuesday)),
		person("room", 1, newYork, hours("07:00", "19:00", time.Tuesday)),
	}
	// The chaperone sits with someone else 12:00–14:30 (block end).
	res[2].Busy = []Interval{{at(newYork, "2027-02-02 12:00"), at(newYork, "2027-02-02 14:30")}}
	got := SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day.Add(-time.Hour))
	// Starts from 09:00 (the therapist) until 10:00 (the medical provider
	// leaves at 13:00), but the chaperone's session from 12:00 needs the
	// 30-minute buffer before it too: start+3h30 <= 12:00 is before 09:00.
	if len(got) != 0 {
		t.Fatalf("want no slots, got\n%s", formatSessionSlots(got))
	}
	res[2].Busy = []Interval{{at(newYork, "2027-02-02 13:00"), at(newYork, "2027-02-02 14:30")}}
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day.Add(-time.Hour))
	// 10:00 would keep the chaperone until 13:30 with the buffer.
	if want := []string{"02-02 14:00", "02-02 14:30"}; !slices.Equal(starts(got), want) { // 09:00 and 09:30 EST
		t.Fatalf("starts %v, want %v", starts(got), want)
	}
	s := got[0]
	if s.TherapistID != 1 || s.MedicalProviderID != 2 || s.ChaperoneID != 3 || s.RoomID != 1 ||
		!s.End.Equal(s.Start.Add(3*time.Hour)) || s.Start.Location() != newYork {
		t.Fatalf("slot %+v", s)
	}
	res[2].Busy = nil
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day.Add(-time.Hour))
	if want := []string{"02-02 14:00", "02-02 14:30", "02-02 15:00"}; !slices.Equal(starts(got), want) {
		t.Fatalf("starts %v, want %v", starts(got), want)
	}
	// Lead time and "now" cut the front of the range.
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), at(newYork, "2027-02-02 09:10"))
	if want := []string{"02-02 14:30", "02-02 15:00"}; !slices.Equal(starts(got), want) {
		t.Fatalf("after now: starts %v, want %v", starts(got), want)
	}
	rules.Lead = time.Hour
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), at(newYork, "2027-02-02 08:45"))
	if want := []string{"02-02 15:00"}; !slices.Equal(starts(got), want) {
		t.Fatalf("with lead: starts %v, want %v", starts(got), want)
	}
	// A role nobody fills gives nothing.
	if got := SessionSlots(rules, res[:3], day, day.AddDate(0, 0, 1), day.Add(-time.Hour)); got != nil {
		t.Fatalf("no room: %v", got)
	}
}

// TestSessionSlotsTouchingWindows: hours split at noon, or running to
// midnight and on from midnight, still hold a session across the seam.
func TestSessionSlotsTouchingWindows(t *testing.T) {
	rules := SessionRules{Length: 2 * time.Hour, Needs: []string{"therapist"}, Step: time.Hour}
	th := person("therapist", 1, london, hours("09:00", "12:00", time.Monday), hours("12:00", "13:00", time.Monday),
		hours("22:00", "24:00", time.Monday), hours("00:00", "01:00", time.Tuesday))
	day := at(london, "2027-02-01")
	got := SessionSlots(rules, []Resource{th}, day, day.AddDate(0, 0, 2), day.Add(-time.Hour))
	if want := []string{"02-01 09:00", "02-01 10:00", "02-01 11:00", "02-01 22:00", "02-01 23:00"}; !slices.Equal(starts(got), want) {
		t.Fatalf("starts %v, want %v", starts(got), want)
	}
}

// TestSessionSlotsDSTOneZone: a window across a clock change is as long as
// it really is, in New York in spring and in London in autumn.
func TestSessionSlotsDSTOneZone(t *testing.T) {
	rules := SessionRules{Length: 3 * time.Hour, Buffer: 30 * time.Minute, Needs: []string{"therapist"}}
	// 2027-03-14: New York springs forward at 02:00; 00:00–08:00 is 7 hours.
	ny := person("therapist", 1, newYork, hours("00:00", "08:00", time.Sunday))
	day := at(newYork, "2027-03-14")
	got := SessionSlots(rules, []Resource{ny}, day, day.AddDate(0, 0, 1), day.Add(-time.Hour))
	if len(got) != 9 || !got[0].Start.Equal(utc("2027-03-14 05:00")) || !got[8].End.Equal(utc("2027-03-14 12:00")) {
		t.Fatalf("New York spring: want 9 starts 05:00–09:00 UTC, got\n%s", formatSessionSlots(got))
	}
	// A 3-hour session from 01:00 EST ends at 05:00 EDT by the clock.
	if s := got[2]; s.Start.Format("15:04 MST") != "01:00 EST" || s.End.Format("15:04 MST") != "05:00 EDT" {
		t.Fatalf("across the change: %v–%v", s.Start, s.End)
	}
	// 2027-10-31: London falls back at 02:00; 00:00–06:00 is 7 hours.
	ldn := person("therapist", 1, london, hours("00:00", "06:00", time.Sunday))
	day = at(london, "2027-10-31")
	got = SessionSlots(rules, []Resource{ldn}, day, day.AddDate(0, 0, 1), day.Add(-time.Hour))
	if len(got) != 9 || !got[0].Start.Equal(utc("2027-10-30 23:00")) || !got[8].End.Equal(utc("2027-10-31 06:00")) {
		t.Fatalf("London autumn: want 9 starts 23:00–03:00 UTC, got\n%s", formatSessionSlots(got))
	}
}

// TestSessionSlotsDSTTwoZones: a therapist in New York and a chaperone in
// London, both 09:00–17:00 by their own clocks, overlap from 09:00 to 12:00
// New York time, except in the two weeks when the US has changed its clocks
// and the UK has not, when they overlap an hour longer.
func TestSessionSlotsDSTTwoZones(t *testing.T) {
	rules := SessionRules{Length: 2 * time.Hour, Needs: []string{"therapist", "chaperone"}, Step: time.Hour}
	res := []Resource{
		person("therapist", 1, newYork, hours("09:00", "17:00", weekdays...)),
		person("chaperone", 2, london, hours("09:00", "17:00", weekdays...)),
	}
	count := func(date string) []string {
		day := at(newYork, date)
		var out []string
		for _, s := range SessionSlots(rules, res, day, day.AddDate(0, 0, 1), utc("2027-01-01 00:00")) {
			out = append(out, s.Start.In(newYork).Format("15:04"))
		}
		return out
	}
	before, between, after := count("2027-03-12"), count("2027-03-16"), count("2027-03-30")
	if !slices.Equal(before, []string{"09:00", "10:00"}) || !slices.Equal(between, []string{"09:00", "10:00", "11:00"}) ||
		!slices.Equal(after, before) {
		t.Fatalf("before %v, between %v, after %v", before, between, after)
	}
}

// TestSessionSlotsChoice: the care team first, then the lowest id; nobody in
// two roles; the same person listed twice in a role counts once.
func TestSessionSlotsChoice(t *testing.T) {
	rules := SessionRules{Length: time.Hour, Needs: []string{"therapist", "chaperone", "room"}, Step: time.Hour}
	w := hours("09:00", "11:00", time.Monday)
	res := []Resource{
		person("therapist", 5, newYork, w), person("therapist", 3, newYork, w), person("therapist", 3, newYork, w),
		person("chaperone", 3, newYork, w), person("chaperone", 9, newYork, w),
		person("room", 3, newYork, w),
	}
	day := at(newYork, "2027-02-01")
	got := SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day)
	if len(got) != 2 || got[0].TherapistID != 3 || got[0].ChaperoneID != 9 || got[0].RoomID != 3 {
		t.Fatalf("lowest ids, no one twice:\n%s", formatSessionSlots(got))
	}
	res[0].Preferred = true
	res[4].Busy = []Interval{{at(newYork, "2027-02-01 10:00"), at(newYork, "2027-02-01 11:00")}}
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day)
	// At 10:00 chaperone 9 is busy: therapist 5 (the care team) stays and
	// chaperone 3 fills in.
	if len(got) != 2 || got[0].TherapistID != 5 || got[0].ChaperoneID != 3 || got[1].TherapistID != 5 || got[1].ChaperoneID != 3 {
		t.Fatalf("care team first:\n%s", formatSessionSlots(got))
	}
	res[0].Busy = res[4].Busy
	got = SessionSlots(rules, res, day, day.AddDate(0, 0, 1), day)
	// At 10:00 therapist 5 and chaperone 9 are busy; 3 is the only other
	// therapist and the only other chaperone, and cannot be both.
	if len(got) != 1 {
		t.Fatalf("3 cannot hold two roles:\n%s", formatSessionSlots(got))
	}
}

func TestFits(t *testing.T) {
	rules := medicine()
	now := at(newYork, "2027-02-01 09:00")
	start := at(newYork, "2027-02-05 09:00") // a Friday, 4 days ahead
	w := hours("09:00", "17:00", weekdays...)
	held := []Resource{person("therapist", 1, newYork, w), person("medical_provider", 2, newYork, w),
		person("chaperone", 3, london, hours("14:00", "22:00", weekdays...)), person("room", 1, newYork, w)}
	if err := Fits(rules, held, start, now); err != nil {
		t.Fatal(err)
	}
	codes := func(err error) string {
		var e *journey.Error
		if err == nil {
			return "fits"
		}
		if !asError(err, &e) {
			return err.Error()
		}
		var parts []string
		for _, f := range e.Fields {
			parts = append(parts, f.Field)
		}
		for _, c := range e.Conflicts {
			parts = append(parts, fmt.Sprintf("%s%d", c.Resource, c.ID))
		}
		return e.Code + " " + strings.Join(parts, ",")
	}
	for _, tc := range []struct {
		name  string
		held  []Resource
		start time.Time
		want  string
	}{
		{"past", held, now.Add(-time.Minute), "invalid start"},
		{"now", held, now, "invalid start"},
		{"inside the lead time", held, now.Add(71 * time.Hour), "invalid start"},
		{"ends after the therapist leaves", held, at(newYork, "2027-02-05 14:30"), "conflict therapist1,medical_provider2,chaperone3,room1"},
		{"a weekend", held, at(newYork, "2027-02-06 10:00"), "conflict therapist1,medical_provider2,chaperone3,room1"},
		{"no room", held[:3], start, "conflict room0"},
		{"one person twice", []Resource{held[0], held[1], {Role: "chaperone", ID: 1, Loc: newYork, Weekly: w}, held[3]}, start, "conflict chaperone1"},
		{"busy in the buffer", []Resource{held[0], held[1], held[2], {Role: "room", ID: 1, Loc: newYork, Weekly: w,
			Busy: []Interval{{at(newYork, "2027-02-05 12:20"), at(newYork, "2027-02-05 14:00")}}}}, start, "conflict room1"},
		{"busy just after the buffer", []Resource{held[0], held[1], held[2], {Role: "room", ID: 1, Loc: newYork, Weekly: w,
			Busy: []Interval{{at(newYork, "2027-02-05 12:30"), at(newYork, "2027-02-05 14:00")}}}}, start, "fits"},
		{"no zone", []Resource{held[0], held[1], held[2], {Role: "room", ID: 1, Weekly: w}}, start, "conflict room1"},
	} {
		if got := codes(Fits(rules, tc.held, tc.start, now)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	var e *journey.Error
	if err := Fits(rules, held, now.Add(71*time.Hour), now); !asError(err, &e) || e.Fields[0].Detail != "This session needs 3 days' notice: choose a later time." {
		t.Fatalf("lead message: %v", err)
	}
}

// TestSessionSlotsAgainstBruteForce checks SessionSlots and Fits on random
// practices in three zones over each of their clock changes against a
// restatement of the rules that reads each resource's clock minute by
// minute and tries every choice of people in order.
func TestSessionSlotsAgainstBruteForce(t *testing.T) {
	var slots, fits, across int
	for _, now := range []time.Time{utc("2027-03-08 13:07"), utc("2027-09-28 02:41")} {
		for seed := range uint64(4) {
			t.Run(fmt.Sprintf("%s/%d", now.Format("2006-01"), seed), func(t *testing.T) {
				s, f, a := bruteForceSessions(t, rand.New(rand.NewPCG(seed, uint64(now.Unix()))), now)
				slots, fits, across = slots+s, fits+f, across+a
			})
		}
	}
	// The random practices must exercise what they are for.
	if slots < 1000 || fits < 200 || across < 5 {
		t.Fatalf("%d slots, %d of the proposed sessions fit, %d sessions across a clock change: too thin to test much", slots, fits, across)
	}
}

// bruteForceSessions checks one random practice and returns how many slots
// it had, how many proposed sessions fit and how many slots ran across a
// clock change of a resource they hold.
func bruteForceSessions(t *testing.T, rng *rand.Rand, now time.Time) (slots, fits, across int) {
	zones := []*time.Location{newYork, london, sydney}
	from, to := now.Add(-24*time.Hour), now.Add(42*24*time.Hour)
	rules := SessionRules{
		Length: time.Duration(60+30*rng.IntN(5)) * time.Minute,
		Buffer: time.Duration(30*rng.IntN(2)) * time.Minute,
		Lead:   time.Duration(rng.IntN(80)) * time.Hour,
		Needs:  append([]string{"therapist", "medical_provider", "chaperone", "room"}[:2+rng.IntN(3)], "client"),
		Step:   []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour}[rng.IntN(3)],
	}
	var res []Resource
	for i := range 10 {
		r := Resource{Role: []string{"therapist", "medical_provider", "chaperone", "room"}[i%4], ID: int64(i/4*2 + 1 + rng.IntN(2)),
			Loc: zones[rng.IntN(3)], Preferred: rng.IntN(4) == 0}
		if i == 9 {
			r.Loc = nil // a resource with no zone is never free
		}
		// Window edges on whole hours, including the hours clocks change:
		// the reference reads the clock, the engine places the edges.
		for range 8 + rng.IntN(10) {
			s := 60 * rng.IntN(23)
			r.Weekly = append(r.Weekly, journey.WeeklyHours{Weekday: time.Weekday(rng.IntN(7)),
				Start: journey.ClockTime(s), End: journey.ClockTime(min(1440, s+60+60*rng.IntN(12)))})
		}
		// Sunday nights, when the clocks change, for most of them.
		if rng.IntN(4) > 0 {
			r.Weekly = append(r.Weekly, journey.WeeklyHours{Weekday: time.Sunday, Start: 0, End: 480})
		}
		for range rng.IntN(8) {
			e := journey.ScheduleException{Date: now.AddDate(0, 0, rng.IntN(40)).Format(time.DateOnly), Kind: journey.ExceptionOff}
			if rng.IntN(3) > 0 {
				s := 60 * rng.IntN(23)
				e.Start, e.End = journey.ClockTime(s), journey.ClockTime(min(1440, s+60+60*rng.IntN(6)))
				if rng.IntN(2) == 0 {
					e.Kind = journey.ExceptionExtra
				}
			}
			r.Exceptions = append(r.Exceptions, e)
		}
		for range rng.IntN(40) {
			s := from.Add(time.Duration(rng.IntN(int(to.Sub(from)/time.Minute))) * time.Minute)
			r.Busy = append(r.Busy, Interval{s, s.Add(time.Duration(rng.IntN(300)) * time.Minute)})
		}
		res = append(res, r)
	}
	// The client: numbered like staff, but never the same person; busy for
	// their sessions only, without the buffer.
	client := Resource{Role: "client", ID: 1, Loc: time.UTC, Weekly: hours("00:00", "24:00", everyDay...), Unbuffered: true}
	for range 30 {
		s := from.Add(time.Duration(rng.IntN(int(to.Sub(from)/time.Minute))) * time.Minute)
		client.Busy = append(client.Busy, Interval{s, s.Add(time.Duration(30+rng.IntN(150)) * time.Minute)})
	}
	res = append(res, client)

	got := SessionSlots(rules, res, from, to, now)
	var want []journey.SessionSlot
	step := rules.Step
	first := time.Unix(0, 0).Add(time.Duration((now.UnixNano()/int64(step) - 1) * int64(step)))
	for s := first; s.Before(to); s = s.Add(step) {
		if s.Before(from) || !s.After(now) || s.Before(now.Add(rules.Lead)) {
			continue
		}
		if slot, ok := refChoose(rules, res, s); ok {
			want = append(want, slot)
		}
	}
	if g, w := formatSessionSlots(got), formatSessionSlots(want); g != w {
		t.Fatalf("rules %+v\ngot %d slots:\n%s\nwant %d:\n%s", rules, len(got), g, len(want), w)
	}

	// Fits agrees with the reference on random times and teams, on the grid
	// and off it.
	for i := range 400 {
		// Half the times near an open slot, so that some fit.
		s := from.Add(time.Duration(rng.IntN(int(to.Sub(from)/(5*time.Minute)))) * 5 * time.Minute)
		if i%2 == 0 && len(got) > 0 {
			s = got[rng.IntN(len(got))].Start.Add(time.Duration(rng.IntN(7)-3) * 5 * time.Minute)
		}
		var held []Resource
		var near *journey.SessionSlot
		if i%4 == 0 && len(got) > 0 {
			near = &got[rng.IntN(len(got))]
			s = near.Start.Add(time.Duration(rng.IntN(3)-1) * 5 * time.Minute)
		}
		for _, need := range rules.Needs {
			var of []Resource
			for _, r := range res {
				if r.Role == need && (near == nil || need == "client" || r.ID == near.Holds(need)) {
					of = append(of, r)
				}
			}
			if rng.IntN(20) > 0 {
				held = append(held, of[rng.IntN(len(of))])
			}
		}
		err := Fits(rules, held, s, now)
		wantCode := ""
		switch {
		case !s.After(now) || s.Before(now.Add(rules.Lead)):
			wantCode = journey.EINVALID
		case len(held) < len(rules.Needs) || !refHoldable(rules, held, s):
			wantCode = journey.ECONFLICT
		default:
			fits++
		}
		if journey.ErrorCode(err) != wantCode {
			t.Fatalf("Fits at %v with %v: %v, want %q", s, held, err, wantCode)
		}
	}
	// And every slot's own choice fits.
	for _, sl := range got {
		var held []Resource
		for _, need := range rules.Needs {
			for _, r := range res {
				if r.Role == need && (need == "client" || r.ID == sl.Holds(need)) {
					held = append(held, r)
					if _, a := sl.Start.In(r.Loc).Zone(); func() bool { _, b := sl.End.In(r.Loc).Zone(); return a != b }() {
						across++
					}
					break
				}
			}
		}
		if err := Fits(rules, held, sl.Start, now); err != nil {
			t.Fatalf("slot %v does not fit: %v", sl, err)
		}
	}
	return len(got), fits, across
}

// refChoose tries every choice of one resource per role, roles in order and
// each role's resources preferred first then by id, and returns the first
// that refHoldable accepts.
func refChoose(rules SessionRules, res []Resource, s time.Time) (journey.SessionSlot, bool) {
	var lists [][]Resource
	for _, need := range rules.Needs {
		var of []Resource
		for _, r := range res {
			if r.Role == need && !slices.ContainsFunc(of, func(o Resource) bool { return o.ID == r.ID }) {
				of = append(of, r)
			}
		}
		slices.SortStableFunc(of, func(a, b Resource) int {
			if a.Preferred != b.Preferred {
				if a.Preferred {
					return -1
				}
				return 1
			}
			return int(a.ID - b.ID)
		})
		lists = append(lists, of)
	}
	idx := make([]int, len(lists))
	for {
		held := make([]Resource, len(lists))
		ok := true
		for i, l := range lists {
			if idx[i] >= len(l) {
				return journey.SessionSlot{}, false
			}
			held[i] = l[idx[i]]
		}
		if ok && refHoldable(rules, held, s) {
			slot := journey.SessionSlot{Start: s, End: s.Add(rules.Length)}
			for _, h := range held {
				slot.Set(h.Role, h.ID)
			}
			return slot, true
		}
		// The next choice in lexicographic order.
		i := len(idx) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < len(lists[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return journey.SessionSlot{}, false
		}
	}
}

// refHoldable: no person twice, and each resource reads the clock inside
// its hours through the whole session and is busy at no point of it or its
// buffer.
func refHoldable(rules SessionRules, held []Resource, s time.Time) bool {
	for i, h := range held {
		for _, o := range held[:i] {
			if h.Role != "room" && h.Role != "client" && o.Role != "room" && o.Role != "client" && h.ID == o.ID {
				return false
			}
		}
		if h.Loc == nil {
			return false
		}
		for m := s; m.Before(s.Add(rules.Length)); m = m.Add(time.Minute) {
			if !refOpen(h, m.In(h.Loc)) {
				return false
			}
		}
		blockEnd := s.Add(rules.Length + rules.Buffer)
		if h.Unbuffered {
			blockEnd = s.Add(rules.Length)
		}
		for _, b := range h.Busy {
			if b.Start.Before(blockEnd) && b.End.After(s) {
				return false
			}
		}
	}
	return true
}

// refOpen reports whether the local clock reading l lies in r's hours.
func refOpen(r Resource, l time.Time) bool {
	date, minute := l.Format(time.DateOnly), l.Hour()*60+l.Minute()
	in := false
	for _, w := range r.Weekly {
		in = in || w.Weekday == l.Weekday() && int(w.Start) <= minute && minute < int(w.End)
	}
	for _, e := range r.Exceptions {
		if e.Date == date && e.Kind == journey.ExceptionExtra && int(e.Start) <= minute && minute < int(e.End) {
			in = true
		}
	}
	for _, e := range r.Exceptions {
		if e.Date == date && e.Kind == journey.ExceptionOff && (e.WholeDay() || int(e.Start) <= minute && minute < int(e.End)) {
			return false
		}
	}
	return in
}

// asError is errors.As for *journey.Error.
func asError(err error, e **journey.Error) bool {
	var ok bool
	*e, ok = err.(*journey.Error)
	return ok
}
