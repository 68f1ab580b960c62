package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The zone list and a slot's radio value are the shared kit's (webkit).
var (
	zoneOptions = webkit.ZoneOptions
	slotValue   = webkit.SlotValue
)

// slotDay is one day of the grid, in the visitor's zone.
type slotDay struct {
	Date  string // YYYY-MM-DD
	Label string // "Monday, December 7"
	Slots []slotOption
	Open  bool // the day shown open: the first, or the one with the choice
}

// partsOfDay group a day's times, so that a day of thirty times reads as
// three short rows; a time belongs to the last part starting at or before
// its hour.
var partsOfDay = []struct {
	From  int
	Label string
}{{0, "Morning"}, {12, "Afternoon"}, {17, "Evening"}}

func partOfDay(hour int) int {
	i := 0
	for j, p := range partsOfDay {
		if hour >= p.From {
			i = j
		}
	}
	return i
}

type slotOption struct {
	ID      string
	Value   string
	Label   string
	Checked bool
	Part    int // index in partsOfDay
}

type gridData struct {
	Days     []slotDay
	Empty    bool
	ZoneName string
}

// buildGrid groups slots by the visitor's local date. With anyTherapist,
// times offered by several therapists appear once.
func buildGrid(slots []journey.Slot, loc *time.Location, anyTherapist bool, selected string) gridData {
	var g gridData
	g.ZoneName = loc.String()
	var last time.Time
	for _, sl := range slots {
		if anyTherapist && !last.IsZero() && sl.Start.Equal(last) {
			continue
		}
		last = sl.Start
		local := sl.Start.In(loc)
		date := local.Format(time.DateOnly)
		if len(g.Days) == 0 || g.Days[len(g.Days)-1].Date != date {
			g.Days = append(g.Days, slotDay{Date: date, Label: local.Format("Monday, January 2")})
		}
		id := sl.TherapistID
		if anyTherapist {
			id = 0
		}
		v := slotValue(id, sl.Start)
		d := &g.Days[len(g.Days)-1]
		d.Slots = append(d.Slots, slotOption{ID: "slot-" + strconv.FormatInt(id, 10) + "-" + strconv.FormatInt(sl.Start.Unix(), 10),
			Value: v, Label: local.Format("3:04 PM"), Checked: v == selected, Part: partOfDay(local.Hour())})
	}
	g.Empty = len(g.Days) == 0
	open := 0
	for i, d := range g.Days {
		if slices.ContainsFunc(d.Slots, func(s slotOption) bool { return s.Checked }) {
			open = i
		}
	}
	if !g.Empty {
		g.Days[open].Open = true
	}
	return g
}

// slotCache keeps rendered slot grids. An entry is good while the calendar
// version it was built at is current and its minute has not passed (slots
// leave the grid as minimum notice moves on), so a booking or a schedule
// change in any process invalidates every cached grid.
type slotCache struct {
	off     bool // benchmarks measure the uncached path with this
	mu      sync.Mutex
	entries map[string]cachedGrid
}

type cachedGrid struct {
	version int64
	html    template.HTML
}

const maxCachedGrids = 1024

func newSlotCache() *slotCache { return &slotCache{entries: map[string]cachedGrid{}} }

func (c *slotCache) get(key string, version int64) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e.html, ok && e.version == version && !c.off
}

func (c *slotCache) put(key string, version int64, html template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedGrids {
		clear(c.entries)
	}
	c.entries[key] = cachedGrid{version: version, html: html}
}

// slotGrid returns the rendered grid of open slots for one week from the
// visitor's date from. An unselected grid is cached; a grid that must show
// the visitor's earlier choice is rendered afresh.
func (s *Server) slotGrid(ctx context.Context, from time.Time, loc *time.Location, therapistID int64, selected string) (template.HTML, error) {
	now := s.cfg.Now()
	key := fmt.Sprintf("%d|%s|%d|%d", from.Unix(), loc.String(), therapistID, now.Unix()/60)
	var version int64
	if selected == "" {
		var err error
		if version, _, err = s.store.Versions(ctx); err != nil {
			return "", err
		}
		if html, ok := s.slots.get(key, version); ok {
			return html, nil
		}
	}
	slots, err := s.store.FindSlots(ctx, journey.SlotQuery{From: from, Days: 7, TherapistID: therapistID})
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	writeGrid(&buf, buildGrid(slots, loc, therapistID == 0, selected))
	html := template.HTML(buf.String())
	if selected == "" {
		s.slots.put(key, version, html)
	}
	return html, nil
}

// writeGrid writes the slot grid's HTML. It is written by hand rather than
// through html/template because a month of slots is hundreds of radio
// buttons and reflection-driven template calls dominated the page's cost;
// every value is escaped with html.EscapeString all the same.
func writeGrid(b *bytes.Buffer, g gridData) {
	if g.Empty {
		b.WriteString(`<p class="empty">No open times this week. Try the next week, or another therapist.</p>`)
		return
	}
	esc := html.EscapeString
	// One day open at a time, the others a line each: <details> opens
	// without JavaScript and keeps every radio in the form.
	for di, d := range g.Days {
		b.WriteString(`<details class="day-pick"`)
		if d.Open {
			b.WriteString(" open")
		}
		b.WriteString("><summary>")
		b.WriteString(esc(d.Label))
		b.WriteString(` <span class="count">`)
		b.WriteString(strconv.Itoa(len(d.Slots)))
		if len(d.Slots) == 1 {
			b.WriteString(" time</span></summary>")
		} else {
			b.WriteString(" times</span></summary>")
		}
		b.WriteString("\n<fieldset class=\"day\">\n<legend class=\"visually-hidden\">")
		b.WriteString(esc(d.Label))
		b.WriteString("</legend>")
		for pi, part := range partsOfDay {
			writePart(b, d.Slots, pi, part.Label, "part-"+strconv.Itoa(di)+"-"+strconv.Itoa(pi))
		}
		b.WriteString("\n</fieldset></details>")
	}
}

// writePart writes the times of one part of a day, if it has any, as a
// group labelled by its visible name.
func writePart(b *bytes.Buffer, slots []slotOption, part int, label, id string) {
	esc := html.EscapeString
	first := slices.IndexFunc(slots, func(s slotOption) bool { return s.Part == part })
	if first < 0 {
		return
	}
	b.WriteString("\n<div class=\"part\" role=\"group\" aria-labelledby=\"")
	b.WriteString(id)
	b.WriteString("\"><p class=\"part-label\" id=\"")
	b.WriteString(id)
	b.WriteString("\">")
	b.WriteString(label)
	b.WriteString("</p><div class=\"slots\">")
	for _, sl := range slots[first:] {
		if sl.Part != part {
			continue
		}
		b.WriteString(`<span class="slot"><input type="radio" name="slot" id="`)
		b.WriteString(esc(sl.ID))
		b.WriteString(`" value="`)
		b.WriteString(esc(sl.Value))
		b.WriteString(`"`)
		if sl.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(`><label for="`)
		b.WriteString(esc(sl.ID))
		b.WriteString(`">`)
		b.WriteString(esc(sl.Label))
		b.WriteString("</label></span>")
	}
	b.WriteString("</div></div>")
}

// visitorZone returns the zone named by the request's tz, or the
// practice's zone when it names none. A zone that is named but unknown
// is an error for the caller to show.
func (s *Server) visitorZone(r *http.Request, tz string) (*time.Location, string, error) {
	if tz == "" {
		p, err := s.practice(r.Context())
		if err != nil {
			return nil, "", err
		}
		tz = p.TimeZone
	}
	loc, err := journey.LoadZone(tz)
	return loc, tz, err
}

// week resolves the visitor's week: from (YYYY-MM-DD) clamped between
// today and the furthest horizon, in loc.
func (s *Server) week(from string, loc *time.Location) time.Time {
	now := s.cfg.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	d, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil || d.Before(today) || d.After(today.AddDate(0, 0, journey.MaxSlotDays)) {
		return today
	}
	return d
}

// loadWeek fills a WeekView for the page at path, keeping query params.
func (s *Server) loadWeek(r *http.Request, path string, tz string, therapistID int64, from string, selected string) (WeekView, error) {
	loc, tz, err := s.visitorZone(r, tz)
	if err != nil {
		// An unknown zone falls back to the practice's; a store that
		// cannot say which that is fails the page.
		if loc, tz, err = s.visitorZone(r, ""); err != nil {
			return WeekView{}, err
		}
	}
	ts, err := s.store.FindTherapists(r.Context(), true)
	if err != nil {
		return WeekView{}, err
	}
	known := therapistID == 0
	for _, t := range ts {
		known = known || t.ID == therapistID
	}
	if !known {
		therapistID = 0
	}
	start := s.week(from, loc)
	lo, hi := 0, 0
	for _, t := range ts {
		if therapistID != 0 && t.ID != therapistID {
			continue
		}
		m := int(t.ConsultLength / time.Minute)
		if lo == 0 || m < lo {
			lo = m
		}
		hi = max(hi, m)
	}
	grid, err := s.slotGrid(r.Context(), start, loc, therapistID, selected)
	if err != nil {
		return WeekView{}, err
	}
	v := WeekView{TZ: tz, Zones: zoneOptions(tz, s.cfg.Now()), Therapists: ts, TherapistID: therapistID,
		From: start.Format(time.DateOnly), Grid: grid, Minutes: strconv.Itoa(lo),
		WeekLabel: start.Format("January 2") + " – " + start.AddDate(0, 0, 6).Format("January 2, 2006")}
	if hi != lo {
		v.Minutes += "–" + strconv.Itoa(hi)
	}
	link := func(d time.Time) string {
		q := url.Values{"tz": {tz}, "from": {d.Format(time.DateOnly)}}
		if therapistID != 0 {
			q.Set("therapist", strconv.FormatInt(therapistID, 10))
		}
		return path + "?" + q.Encode() + "#slots"
	}
	if today := s.week("", loc); start.After(today) {
		v.PrevURL = link(start.AddDate(0, 0, -7))
	}
	if next := start.AddDate(0, 0, 7); next.Before(s.week("", loc).AddDate(0, 0, journey.MaxSlotDays)) {
		v.NextURL = link(next)
	}
	return v, nil
}
