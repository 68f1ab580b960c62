package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journey-kap/journey"
)

// commonZones is the time-zone select list; any other IANA zone the
// browser detects or the URL names is added to it.
var commonZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Halifax", "America/Toronto",
	"America/Vancouver", "America/Mexico_City", "America/Sao_Paulo", "Europe/London", "Europe/Dublin",
	"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Athens", "Africa/Johannesburg", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC",
}

type zoneOption struct {
	Name     string
	Label    string
	Selected bool
}

func zoneOptions(selected string, now time.Time) []zoneOption {
	names := commonZones
	found := false
	for _, n := range names {
		found = found || n == selected
	}
	if !found && selected != "" {
		names = append([]string{selected}, names...)
	}
	out := make([]zoneOption, 0, len(names))
	for _, n := range names {
		loc, err := journey.LoadZone(n)
		if err != nil {
			continue
		}
		abbr, off := now.In(loc).Zone()
		label := fmt.Sprintf("%s (%s, UTC%+03d:%02d)", strings.ReplaceAll(n, "_", " "), abbr, off/3600, abs(off%3600)/60)
		out = append(out, zoneOption{Name: n, Label: label, Selected: n == selected})
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// slotValue encodes a slot for a radio button: "therapistID|unixSeconds".
// Therapist 0 means any therapist free at that time.
func slotValue(therapistID int64, start time.Time) string {
	return strconv.FormatInt(therapistID, 10) + "|" + strconv.FormatInt(start.Unix(), 10)
}

// parseSlotValue reverses slotValue; ok is false for anything malformed.
func parseSlotValue(v string) (therapistID int64, start time.Time, ok bool) {
	a, b, found := strings.Cut(v, "|")
	if !found {
		return 0, time.Time{}, false
	}
	id, err1 := strconv.ParseInt(a, 10, 64)
	sec, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id < 0 || sec <= 0 {
		return 0, time.Time{}, false
	}
	return id, time.Unix(sec, 0).UTC(), true
}

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
