package journey

import (
	"context"
	"fmt"
	"time"
)

// Therapist is a member of staff who holds free consults, with the rules of
// their consult calendar. Times of day are in the therapist's own zone.
type Therapist struct {
	ID          int64
	Name        string
	Credentials string // e.g. "LMFT"
	Pronouns    string
	Bio         string
	Email       string
	TimeZone    string
	Active      bool

	ConsultLength time.Duration // default 30 min
	Buffer        time.Duration // kept free after each consult
	MinNotice     time.Duration // default 24 h
	HorizonDays   int           // default 60

	Weekly     []WeeklyHours
	Exceptions []ScheduleException
}

// Default consult calendar rules.
const (
	DefaultConsultLength = 30 * time.Minute
	DefaultMinNotice     = 24 * time.Hour
	DefaultHorizonDays   = 60
)

// ClockTime is a time of day in minutes after midnight, 0 to 1440.
type ClockTime int

// String returns the time as HH:MM.
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ParseClockTime parses "HH:MM"; it returns EINVALID for anything else.
func ParseClockTime(s string) (ClockTime, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		if s == "24:00" {
			return 1440, nil
		}
		return 0, Errorf(EINVALID, "%q is not a time of day (HH:MM).", s)
	}
	return ClockTime(t.Hour()*60 + t.Minute()), nil
}

// WeeklyHours is a recurring window of consult hours on one weekday.
type WeeklyHours struct {
	Weekday time.Weekday
	Start   ClockTime
	End     ClockTime
}

// Exception kinds.
const (
	ExceptionOff   = "off"   // no consults in the window (or all day)
	ExceptionExtra = "extra" // consult hours added on that date
)

// ScheduleException changes the weekly hours on one date. An "off" exception
// with Start == End == 0 takes the whole day off.
type ScheduleException struct {
	Date  string // YYYY-MM-DD in the therapist's zone
	Kind  string
	Start ClockTime
	End   ClockTime
}

// WholeDay reports whether the exception covers the whole date.
func (e ScheduleException) WholeDay() bool { return e.Start == 0 && e.End == 0 }

// TherapistService reads and changes therapists and their consult calendars.
type TherapistService interface {
	// FindTherapistByID returns ENOTFOUND when there is no such therapist.
	FindTherapistByID(ctx context.Context, id int64) (*Therapist, error)
	// FindTherapists returns the therapists, with their hours, by name.
	FindTherapists(ctx context.Context, onlyActive bool) ([]*Therapist, error)
	// CreateTherapist adds a therapist with their hours and sets its ID.
	CreateTherapist(ctx context.Context, t *Therapist) error
	// SetTherapistSchedule replaces a therapist's weekly hours and exceptions.
	SetTherapistSchedule(ctx context.Context, id int64, weekly []WeeklyHours, exceptions []ScheduleException) error
	// SetConsultHours gives an active member of staff with the therapist
	// role a consult calendar (or changes theirs): length and weekly hours,
	// in h's zone, which becomes their one zone (the profile's); their
	// dated exceptions stay. ENOTFOUND for anyone else.
	SetConsultHours(ctx context.Context, staffID int64, h *ConsultHours) error
}

// ConsultHours is what a therapist offers for free consults: weekly hours
// in their own zone and how long a consult lasts.
type ConsultHours struct {
	TimeZone      string
	ConsultLength time.Duration
	Weekly        []WeeklyHours
}

// Validate returns EINVALID naming each wrong field: time_zone,
// consult_minutes, and hours_N (N the weekday, 0 for Sunday).
func (h *ConsultHours) Validate() error {
	var v Validation
	if _, err := LoadZone(h.TimeZone); err != nil {
		v.Add("time_zone", "Choose a known time zone, such as America/Chicago.")
	}
	if h.ConsultLength < 10*time.Minute || h.ConsultLength > 4*time.Hour {
		v.Add("consult_minutes", "A consult lasts between 10 and 240 minutes.")
	}
	for _, w := range h.Weekly {
		if w.Weekday < time.Sunday || w.Weekday > time.Saturday || w.Start < 0 || w.End > 1440 || w.Start >= w.End {
			v.Add(fmt.Sprintf("hours_%d", w.Weekday), "The start must come before the end.")
		} else if w.End-w.Start < ClockTime(h.ConsultLength/time.Minute) {
			v.Add(fmt.Sprintf("hours_%d", w.Weekday), "These hours are shorter than one consult.")
		}
	}
	return v.Err()
}

// Location returns the therapist's time zone, or EINVALID if it is unknown.
func (t *Therapist) Location() (*time.Location, error) {
	loc, err := LoadZone(t.TimeZone)
	if err != nil {
		return nil, err
	}
	return loc, nil
}

// Validate returns EINVALID naming every field that is wrong.
func (t *Therapist) Validate() error {
	t.Name = Line(t.Name)
	var v Validation
	checkText(&v, "name", t.Name, 1, 200)
	if !ValidEmail(t.Email) {
		v.Add("email", "Enter the therapist's email address: it is how they sign in.")
	}
	if _, err := LoadZone(t.TimeZone); err != nil {
		v.Add("time_zone", "Choose a known time zone.")
	}
	if t.ConsultLength < 10*time.Minute || t.ConsultLength > 4*time.Hour {
		v.Add("consult_length", "Consult length must be between 10 minutes and 4 hours.")
	}
	if t.Buffer < 0 || t.Buffer > 2*time.Hour {
		v.Add("buffer", "Buffer must be between 0 and 2 hours.")
	}
	if t.MinNotice < 0 || t.MinNotice > 30*24*time.Hour {
		v.Add("min_notice", "Minimum notice must be between 0 and 30 days.")
	}
	if t.HorizonDays < 1 || t.HorizonDays > 365 {
		v.Add("horizon_days", "Horizon must be between 1 and 365 days.")
	}
	for i, w := range t.Weekly {
		if w.Weekday < time.Sunday || w.Weekday > time.Saturday || w.Start < 0 || w.End > 1440 || w.Start >= w.End {
			v.Add(fmt.Sprintf("weekly[%d]", i), "Each window needs a weekday and a start before its end.")
		}
	}
	for i, e := range t.Exceptions {
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			v.Add(fmt.Sprintf("exceptions[%d].date", i), "Use a date as YYYY-MM-DD.")
		}
		if e.Kind != ExceptionOff && e.Kind != ExceptionExtra {
			v.Add(fmt.Sprintf("exceptions[%d].kind", i), `Kind is "off" or "extra".`)
		}
		if !(e.Kind == ExceptionOff && e.WholeDay()) && (e.Start < 0 || e.End > 1440 || e.Start >= e.End) {
			v.Add(fmt.Sprintf("exceptions[%d]", i), "Start must come before end.")
		}
	}
	return v.Err()
}
