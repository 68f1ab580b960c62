package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// A week of times for any therapist is not a wall on a phone: one day is
// open at a time (the first, or the one holding the visitor's choice),
// the others a line each to open, and a day's times are grouped into
// morning, afternoon and evening. <details> needs no JavaScript.
func TestSlotGridOneDayAtATime(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	var slots []journey.Slot
	for d := 0; d < 3; d++ {
		for h := 9; h < 20; h++ {
			for _, tid := range []int64{1, 2} {
				start := time.Date(2030, 1, 7+d, h, 0, 0, 0, loc)
				slots = append(slots, journey.Slot{Start: start, End: start.Add(30 * time.Minute), TherapistID: tid})
			}
		}
	}
	render := func(selected string) string {
		var b bytes.Buffer
		writeGrid(&b, buildGrid(slots, loc, true, selected))
		return b.String()
	}
	out := render("")
	if n := strings.Count(out, "<details"); n != 3 {
		t.Fatalf("%d days to open, want 3\n%s", n, out)
	}
	if n := strings.Count(out, " open>"); n != 1 || strings.Index(out, " open>") > strings.Index(out, "Tuesday") {
		t.Fatalf("%d days open, want the first alone", n)
	}
	for _, want := range []string{"<summary>Monday, January 7 <span class=\"count\">11 times</span></summary>", ">Morning</p>", ">Afternoon</p>", ">Evening</p>"} {
		if !strings.Contains(out, want) {
			t.Errorf("grid lacks %q", want)
		}
	}
	// The visitor's choice on Wednesday: Wednesday is open, Monday closed.
	chosen := slotValue(0, time.Date(2030, 1, 9, 15, 0, 0, 0, loc))
	out = render(chosen)
	wed := strings.Index(out, "Wednesday")
	if open := strings.Index(out, " open>"); strings.Count(out, " open>") != 1 || open < wed-40 || !strings.Contains(out[wed:], " checked") {
		t.Fatalf("the day with the choice is not the open one")
	}
}
