package webkit

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// WeekView is the part of a page that shows a week of slots: the public
// booking form, a manage link's move, and the front desk's booking.
type WeekView struct {
	TZ          string
	Zones       []ZoneOption
	Therapists  []*journey.Therapist
	TherapistID int64
	From        string
	WeekLabel   string
	Minutes     string // how long consults last, e.g. "30" or "20–45"
	PrevURL     string
	NextURL     string
	Grid        template.HTML
}

// commonZones is the time-zone select list; any other IANA zone the
// browser detects or the URL names is added to it.
var commonZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Halifax", "America/Toronto",
	"America/Vancouver", "America/Mexico_City", "America/Sao_Paulo", "Europe/London", "Europe/Dublin",
	"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Athens", "Africa/Johannesburg", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC",
}

// ZoneOption is one entry of a time-zone select.
type ZoneOption struct {
	Name     string
	Label    string
	Selected bool
}

// ZoneOptions lists the common zones, with selected first when it is
// another, each labelled with its offset at now.
func ZoneOptions(selected string, now time.Time) []ZoneOption {
	names := commonZones
	found := false
	for _, n := range names {
		found = found || n == selected
	}
	if !found && selected != "" {
		names = append([]string{selected}, names...)
	}
	out := make([]ZoneOption, 0, len(names))
	for _, n := range names {
		loc, err := journey.LoadZone(n)
		if err != nil {
			continue
		}
		abbr, off := now.In(loc).Zone()
		label := fmt.Sprintf("%s (%s, UTC%+03d:%02d)", strings.ReplaceAll(n, "_", " "), abbr, off/3600, abs(off%3600)/60)
		out = append(out, ZoneOption{Name: n, Label: label, Selected: n == selected})
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// SlotValue encodes a slot for a radio button: "therapistID|unixSeconds".
// Therapist 0 means any therapist free at that time.
func SlotValue(therapistID int64, start time.Time) string {
	return strconv.FormatInt(therapistID, 10) + "|" + strconv.FormatInt(start.Unix(), 10)
}

// ParseSlotValue reverses SlotValue; ok is false for anything malformed.
func ParseSlotValue(v string) (therapistID int64, start time.Time, ok bool) {
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
