package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// RoomProcessing is the part of processing the locations', rooms' and
// clinical hours' calls use (processing/rooms.go).
type RoomProcessing interface {
	Locations(ctx context.Context, a *journey.Actor) ([]*journey.Location, error)
	CreateLocation(ctx context.Context, a *journey.Actor, l *journey.Location) error
	Rooms(ctx context.Context, a *journey.Actor) ([]*journey.Room, error)
	CreateRoom(ctx context.Context, a *journey.Actor, r *journey.Room, via string) error
	StaffHours(ctx context.Context, a *journey.Actor, id int64) (*journey.StaffHours, error)
	SetStaffHours(ctx context.Context, a *journey.Actor, h *journey.StaffHours, via string) error
}

// apiWindow is one weekly window of hours: weekday 0 (Sunday) to 6 and
// HH:MM times.
type apiWindow struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// apiException is one dated change to the weekly hours: "off" (the whole
// day when start and end are left out) or "extra".
type apiException struct {
	Date  string `json:"date"`
	Kind  string `json:"kind"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// apiHours are weekly hours and their exceptions.
type apiHours struct {
	Weekly     []apiWindow    `json:"weekly"`
	Exceptions []apiException `json:"exceptions"`
}

func hoursJSON(weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) apiHours {
	out := apiHours{Weekly: []apiWindow{}, Exceptions: []apiException{}}
	for _, w := range weekly {
		out.Weekly = append(out.Weekly, apiWindow{Weekday: int(w.Weekday), Start: w.Start.String(), End: w.End.String()})
	}
	for _, e := range exceptions {
		x := apiException{Date: e.Date, Kind: e.Kind}
		if !e.WholeDay() {
			x.Start, x.End = e.Start.String(), e.End.String()
		}
		out.Exceptions = append(out.Exceptions, x)
	}
	return out
}

// readHours turns h into domain hours, with a field error (weekly[i].start,
// exceptions[i].end, …) for each time or weekday that cannot be read.
func readHours(v *journey.Validation, h apiHours) ([]journey.WeeklyHours, []journey.ScheduleException) {
	clock := func(field, raw string) journey.ClockTime {
		t, err := journey.ParseClockTime(raw)
		if err != nil {
			v.Add(field, "Give a time of day as HH:MM.")
		}
		return t
	}
	var weekly []journey.WeeklyHours
	for i, w := range h.Weekly {
		if w.Weekday < 0 || w.Weekday > 6 {
			v.Add(fmt.Sprintf("weekly[%d].weekday", i), "The weekday is 0 (Sunday) to 6 (Saturday).")
		}
		weekly = append(weekly, journey.WeeklyHours{Weekday: time.Weekday(w.Weekday),
			Start: clock(fmt.Sprintf("weekly[%d].start", i), w.Start), End: clock(fmt.Sprintf("weekly[%d].end", i), w.End)})
	}
	var excs []journey.ScheduleException
	for i, e := range h.Exceptions {
		x := journey.ScheduleException{Date: e.Date, Kind: e.Kind}
		if e.Start != "" || e.End != "" {
			x.Start, x.End = clock(fmt.Sprintf("exceptions[%d].start", i), e.Start), clock(fmt.Sprintf("exceptions[%d].end", i), e.End)
		}
		excs = append(excs, x)
	}
	return weekly, excs
}

type apiLocation struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Address  string `json:"address"`
	TimeZone string `json:"time_zone"`
	Active   bool   `json:"active"`
}

// HandleLocations lists the practice's locations.
func (s *Handler) HandleLocations(w http.ResponseWriter, r *http.Request) {
	ls, err := s.proc.Locations(r.Context(), s.kit.Who(r))
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiLocation, len(ls))
	for i, l := range ls {
		out[i] = apiLocation{ID: l.ID, Name: l.Name, Address: l.Address, TimeZone: l.TimeZone, Active: l.Active}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"locations": out})
}

// HandleLocationCreate adds a location (an admin): 201 with it.
func (s *Handler) HandleLocationCreate(w http.ResponseWriter, r *http.Request) {
	var b apiLocation
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	l := &journey.Location{Name: b.Name, Address: b.Address, TimeZone: b.TimeZone}
	if err := s.proc.CreateLocation(r.Context(), s.kit.Who(r), l); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, apiLocation{ID: l.ID, Name: l.Name, Address: l.Address, TimeZone: l.TimeZone, Active: l.Active})
}

type apiRoom struct {
	ID         int64  `json:"id"`
	LocationID int64  `json:"location_id"`
	Name       string `json:"name"`
	Active     bool   `json:"active"`
	TimeZone   string `json:"time_zone"`
	apiHours
}

func roomJSON(rm *journey.Room) apiRoom {
	return apiRoom{ID: rm.ID, LocationID: rm.LocationID, Name: rm.Name, Active: rm.Active, TimeZone: rm.TimeZone,
		apiHours: hoursJSON(rm.Weekly, rm.Exceptions)}
}

// HandleRooms lists the practice's rooms with their hours, in their
// location's zone.
func (s *Handler) HandleRooms(w http.ResponseWriter, r *http.Request) {
	rs, err := s.proc.Rooms(r.Context(), s.kit.Who(r))
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiRoom, len(rs))
	for i, rm := range rs {
		out[i] = roomJSON(rm)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"rooms": out})
}

// HandleRoomCreate adds a room with its hours (an admin): 201 with it.
func (s *Handler) HandleRoomCreate(w http.ResponseWriter, r *http.Request) {
	var b apiRoom
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	var v journey.Validation
	rm := &journey.Room{LocationID: b.LocationID, Name: b.Name}
	rm.Weekly, rm.Exceptions = readHours(&v, b.apiHours)
	v.AddErr(rm.Validate())
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if err := s.proc.CreateRoom(r.Context(), s.kit.Who(r), rm, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, roomJSON(rm))
}

type apiStaffHours struct {
	StaffID  int64  `json:"staff_id"`
	TimeZone string `json:"time_zone"`
	apiHours
}

// HandleStaffHours answers a member of staff's clinical hours.
func (s *Handler) HandleStaffHours(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Staff member")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	h, err := s.proc.StaffHours(r.Context(), s.kit.Who(r), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiStaffHours{StaffID: h.StaffID, TimeZone: h.TimeZone, apiHours: hoursJSON(h.Weekly, h.Exceptions)})
}

// HandleStaffHoursSet replaces a member of staff's clinical hours and
// zone: their own, or anyone's for an admin.
func (s *Handler) HandleStaffHoursSet(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Staff member")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var b apiStaffHours
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	var v journey.Validation
	h := &journey.StaffHours{StaffID: id, TimeZone: b.TimeZone}
	h.Weekly, h.Exceptions = readHours(&v, b.apiHours)
	v.AddErr(h.Validate())
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if err := s.proc.SetStaffHours(r.Context(), s.kit.Who(r), h, " via api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiStaffHours{StaffID: h.StaffID, TimeZone: h.TimeZone, apiHours: hoursJSON(h.Weekly, h.Exceptions)})
}
