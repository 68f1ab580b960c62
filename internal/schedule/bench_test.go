package schedule

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// benchPractice is the benchmark's practice: 50 therapists across four US
// zones with weekday hours 09:00–12:00 and 13:00–17:00, 30-minute consults,
// half of them with a 10-minute buffer, a few exceptions each, and 2,000
// existing bookings spread over the 60 days asked for (which include the US
// spring-forward).
type benchPractice struct {
	ts       []*journey.Therapist
	locs     []*time.Location
	busy     map[int64][]Interval
	from, to time.Time
	now      time.Time
	bookings int
}

func newBenchPractice(tb testing.TB) *benchPractice {
	zones := []*time.Location{newYork, chicago, losAngeles, denver}
	p := &benchPractice{busy: map[int64][]Interval{}, now: utc("2026-02-27 15:04")}
	p.from, p.to = p.now, p.now.Add(60*24*time.Hour)
	for i := range 50 {
		th := &journey.Therapist{
			ID:            int64(i + 1),
			ConsultLength: 30 * time.Minute,
			Buffer:        time.Duration(i%2) * 10 * time.Minute,
			MinNotice:     journey.DefaultMinNotice,
			HorizonDays:   journey.DefaultHorizonDays,
			Weekly:        append(hours("09:00", "12:00", weekdays...), hours("13:00", "17:00", weekdays...)...),
		}
		first := p.now.In(zones[i%4]).AddDate(0, 0, 3+i%7)
		for k := range 4 {
			date := first.AddDate(0, 0, 11*k).Format(time.DateOnly)
			e := journey.ScheduleException{Date: date, Kind: journey.ExceptionOff}
			switch k {
			case 1:
				e.Start, e.End = clock("10:00"), clock("11:30")
			case 2:
				e.Kind, e.Start, e.End = journey.ExceptionExtra, clock("17:00"), clock("19:00")
			}
			th.Exceptions = append(th.Exceptions, e)
		}
		p.ts, p.locs = append(p.ts, th), append(p.locs, zones[i%4])
	}
	// 40 bookings per therapist, taken from their offered slots at a stride
	// that spreads them over the whole range, each busy until its block end.
	for i, th := range p.ts {
		offered := Offered(th, p.locs[i], p.from, p.to, p.now)
		stride := len(offered) / 40
		if stride == 0 {
			tb.Fatalf("therapist %d offers only %d slots", th.ID, len(offered))
		}
		var busy []Interval
		for k := 0; k < 40; k++ {
			s := offered[k*stride+(k+i)%stride]
			busy = append(busy, Interval{s.Start, s.End.Add(th.Buffer)})
		}
		SortIntervals(busy)
		p.busy[th.ID] = busy
		p.bookings += len(busy)
	}
	return p
}

func BenchmarkOpenAll(b *testing.B) {
	p := newBenchPractice(b)
	if p.bookings != 2000 {
		b.Fatalf("%d bookings, want 2000", p.bookings)
	}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(OpenAll(p.ts, p.locs, p.busy, p.from, p.to, p.now))
	}
	b.ReportMetric(float64(n), "slots")
}

func BenchmarkOpen(b *testing.B) {
	p := newBenchPractice(b)
	for _, i := range []int{0, 1} {
		th := p.ts[i]
		b.Run(fmt.Sprintf("buffer=%v", th.Buffer), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Open(th, p.locs[i], p.busy[th.ID], p.from, p.to, p.now)
			}
		})
	}
}

func BenchmarkIsOffered(b *testing.B) {
	p := newBenchPractice(b)
	th, loc := p.ts[0], p.locs[0]
	start := Offered(th, loc, p.from, p.to, p.now)[100].Start
	b.ReportAllocs()
	for b.Loop() {
		if !IsOffered(th, loc, start, p.now) {
			b.Fatal("slot not offered")
		}
	}
}

// sessionPractice is the session benchmark's practice: 10 therapists, 5
// medical providers, 6 chaperones and 4 rooms in New York, Chicago and
// Denver, on weekday hours with a few exceptions each, holding 3,000
// booked sessions over the 60 days asked for, which include the US
// spring-forward: a tenth of them medicine sessions holding all four, three
// tenths half an hour with a medical provider, the rest an hour with a
// therapist, each on the hour. That keeps the therapists two-thirds booked.
type sessionPractice struct {
	res      []Resource
	from, to time.Time
	now      time.Time
	sessions int
}

func newSessionPractice(tb testing.TB) *sessionPractice {
	p := &sessionPractice{now: utc("2027-02-22 14:07")}
	p.from, p.to = p.now, p.now.Add(60*24*time.Hour)
	zones := []*time.Location{newYork, chicago, denver}
	add := func(role string, n int, start, end string) {
		for i := range n {
			r := Resource{Role: role, ID: int64(len(p.res) + 1), Loc: zones[i%3], Weekly: hours(start, end, weekdays...)}
			for k := range 3 {
				date := p.now.AddDate(0, 0, 5+i%5+17*k).Format(time.DateOnly)
				r.Exceptions = append(r.Exceptions, journey.ScheduleException{Date: date, Kind: journey.ExceptionOff})
			}
			p.res = append(p.res, r)
		}
	}
	add(journey.NeedTherapist, 10, "08:00", "18:00")
	add(journey.NeedMedicalProvider, 5, "08:00", "16:00")
	add(journey.NeedChaperone, 6, "09:00", "19:00")
	add(journey.NeedRoom, 4, "08:00", "20:00")
	byRole := map[string][]int{}
	for i, r := range p.res {
		byRole[r.Role] = append(byRole[r.Role], i)
	}

	// Sessions placed at random where Fits accepts them, so they keep the
	// hours and never overlap, as the database would have them.
	rng := rand.New(rand.NewPCG(7, 11))
	med := medicine()
	med.Lead = 0
	hour := SessionRules{Length: time.Hour, Needs: []string{journey.NeedTherapist}}
	half := SessionRules{Length: 30 * time.Minute, Needs: []string{journey.NeedMedicalProvider}}
	for tries := 0; p.sessions < 3000; tries++ {
		if tries > 1_000_000 {
			tb.Fatalf("placed only %d sessions", p.sessions)
		}
		rules := hour
		switch k := rng.IntN(10); {
		case k < 1:
			rules = med
		case k < 4:
			rules = half
		}
		start := p.from.Truncate(time.Hour).Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		var held []int
		var hs []Resource
		for _, need := range rules.Needs {
			i := byRole[need][rng.IntN(len(byRole[need]))]
			held, hs = append(held, i), append(hs, p.res[i])
		}
		if Fits(rules, hs, start, p.now) != nil {
			continue
		}
		for _, i := range held {
			p.res[i].Busy = append(p.res[i].Busy, Interval{start, start.Add(rules.Length + rules.Buffer)})
		}
		p.sessions++
	}
	return p
}

func BenchmarkSessionSlots(b *testing.B) {
	p := newSessionPractice(b)
	rules := medicine()
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(SessionSlots(rules, p.res, p.from, p.to, p.now))
	}
	if n == 0 {
		b.Fatal("no medicine slots")
	}
	b.ReportMetric(float64(n), "slots")
	b.ReportMetric(float64(p.sessions), "sessions")
}
