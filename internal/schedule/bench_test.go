package schedule

import (
	"fmt"
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
