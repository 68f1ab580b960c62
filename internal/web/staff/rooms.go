package staff

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// RoomsProcessing is what the rooms and clinical hours pages ask of
// processing (processing/rooms.go).
type RoomsProcessing interface {
	Locations(ctx context.Context, a *journey.Actor) ([]*journey.Location, error)
	CreateLocation(ctx context.Context, a *journey.Actor, l *journey.Location) error
	Rooms(ctx context.Context, a *journey.Actor) ([]*journey.Room, error)
	CreateRoom(ctx context.Context, a *journey.Actor, r *journey.Room, via string) error
	SetRoomHours(ctx context.Context, a *journey.Actor, id int64, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error
	StaffHours(ctx context.Context, a *journey.Actor, id int64) (*journey.StaffHours, error)
	SetStaffHours(ctx context.Context, a *journey.Actor, h *journey.StaffHours, via string) error
}

// RoomsPage is the admin's page of the practice's locations and rooms,
// with a form to add each. Errors are keyed by the forms' field names
// (loc_name, room_name, …).
type RoomsPage struct {
	Locations []*journey.Location
	Rooms     []RoomRow
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Saved     string // "location" or "room" after a save
	Zones     []webkit.ZoneOption
}

// RoomRow is one room in the list, with its weekly hours in words.
type RoomRow struct {
	ID       int64
	Name     string
	Location string
	TimeZone string
	Hours    string
}

func (*RoomsPage) PageTitle() string { return "Locations and rooms" }

// Err is the error beside field name, for the form partials.
func (p *RoomsPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed.
func (p *RoomsPage) Val(name string) string { return p.Form[name] }

// roomsPage reads the locations and rooms into a page.
func (s *Handler) roomsPage(r *http.Request) (*RoomsPage, error) {
	a := s.kit.Who(r)
	ls, err := s.proc.Locations(r.Context(), a)
	if err != nil {
		return nil, err
	}
	rs, err := s.proc.Rooms(r.Context(), a)
	if err != nil {
		return nil, err
	}
	page := &RoomsPage{Locations: ls, Form: map[string]string{}, Errors: map[string]string{}}
	names := map[int64]string{}
	for _, l := range ls {
		names[l.ID] = l.Name
	}
	for _, rm := range rs {
		page.Rooms = append(page.Rooms, RoomRow{ID: rm.ID, Name: rm.Name, Location: names[rm.LocationID], TimeZone: rm.TimeZone, Hours: hoursText(rm.Weekly)})
	}
	return page, nil
}

// hoursText says weekly hours in a line: "Mon 09:00–17:00, Tue …".
func hoursText(weekly []journey.WeeklyHours) string {
	if len(weekly) == 0 {
		return "No hours yet"
	}
	var parts []string
	for _, d := range hoursWeek {
		for _, w := range weekly {
			if w.Weekday == d {
				parts = append(parts, fmt.Sprintf("%s %s–%s", d.String()[:3], w.Start, w.End))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// HandleRooms shows the locations and rooms.
func (s *Handler) HandleRooms(w http.ResponseWriter, r *http.Request) {
	page, err := s.roomsPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved")
	page.Zones = webkit.ZoneOptions("", s.now())
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_rooms", page)
}

// roomsRefused shows the rooms page again with err beside the fields of
// the form that was sent (fields renamed with prefix), what was typed kept.
func (s *Handler) roomsRefused(w http.ResponseWriter, r *http.Request, page *RoomsPage, err error, prefix string) {
	if journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	var renamed journey.Validation
	for _, f := range journey.ErrorFields(err) {
		renamed.Add(prefix+strings.TrimSuffix(f.Field, "_id"), f.Detail)
	}
	page.Message = webkit.ShowFieldErrors(renamed.Err(), page.Errors, &page.ErrorList)
	page.Zones = webkit.ZoneOptions(page.Form["loc_time_zone"], s.now())
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_rooms", page)
}

// HandleLocationCreate adds a location.
func (s *Handler) HandleLocationCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, err := s.roomsPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	for _, f := range []string{"loc_name", "loc_address", "loc_time_zone"} {
		page.Form[f] = r.PostFormValue(f)
	}
	l := &journey.Location{Name: page.Form["loc_name"], Address: page.Form["loc_address"], TimeZone: strings.TrimSpace(page.Form["loc_time_zone"])}
	if err := s.proc.CreateLocation(r.Context(), s.kit.Who(r), l); err != nil {
		s.roomsRefused(w, r, page, err, "loc_")
		return
	}
	http.Redirect(w, r, "/admin/rooms?saved=location", http.StatusSeeOther)
}

// HandleRoomCreate adds a room, with no hours yet: its page sets them.
func (s *Handler) HandleRoomCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, err := s.roomsPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Form["room_name"], page.Form["room_location"] = r.PostFormValue("room_name"), r.PostFormValue("room_location")
	rm := &journey.Room{Name: page.Form["room_name"]}
	fmt.Sscan(page.Form["room_location"], &rm.LocationID)
	if err := s.proc.CreateRoom(r.Context(), s.kit.Who(r), rm, "page"); err != nil {
		s.roomsRefused(w, r, page, err, "room_")
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/rooms/%d", rm.ID), http.StatusSeeOther)
}

// ClinicalHoursPage sets the weekly hours and days off of a room (in its
// location's zone) or of a member of staff (their clinical hours, in
// their one zone).
type ClinicalHoursPage struct {
	Heading   string
	Intro     string
	Action    string
	Back      string
	BackLabel string
	TimeZone  string
	ZoneAsked bool // a person's zone is asked; a room's is its location's
	Zones     []webkit.ZoneOption
	Days      []dayHours
	DaysOff   string // one date a line
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Saved     bool
	keep      []journey.ScheduleException // the exceptions the page does not show, kept on save
}

func (p *ClinicalHoursPage) PageTitle() string { return p.Heading }

// fill puts weekly hours and exceptions into the page: one window a day
// (the first), whole days off as dates, the other exceptions kept apart.
func (p *ClinicalHoursPage) fill(weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) {
	p.Days = nil
	for _, d := range hoursWeek {
		dh := dayHours{Weekday: int(d), Label: d.String()}
		for _, w := range weekly {
			if w.Weekday == d && dh.Start == "" {
				dh.Start, dh.End = w.Start.String(), w.End.String()
			}
		}
		p.Days = append(p.Days, dh)
	}
	var off []string
	for _, e := range exceptions {
		if e.Kind == journey.ExceptionOff && e.WholeDay() {
			off = append(off, e.Date)
		} else {
			p.keep = append(p.keep, e)
		}
	}
	p.DaysOff = strings.Join(off, "\n")
}

// read reads the form into the page (as typed) and into hours, with a
// field error for each day whose times are not HH:MM and each day off
// that is not a date.
func (p *ClinicalHoursPage) read(r *http.Request) ([]journey.WeeklyHours, []journey.ScheduleException, error) {
	var v journey.Validation
	weekly := readDays(r, p.Days, &v)
	p.DaysOff = r.PostFormValue("days_off")
	excs := slices.Clone(p.keep)
	for _, line := range strings.Fields(p.DaysOff) {
		if _, err := time.Parse(time.DateOnly, line); err != nil {
			v.Add("days_off", fmt.Sprintf("%q is not a date: write each day off as YYYY-MM-DD, one a line.", line))
			break
		}
		excs = append(excs, journey.ScheduleException{Date: line, Kind: journey.ExceptionOff})
	}
	return weekly, excs, v.Err()
}

// refused shows the hours page again with err beside the fields.
func (s *Handler) hoursRefused(w http.ResponseWriter, r *http.Request, page *ClinicalHoursPage, err error) {
	if journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
	page.Zones = webkit.ZoneOptions(page.TimeZone, s.now())
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "hours_edit", page)
}

// roomHoursForm returns the hours page of the path's room.
func (s *Handler) roomHoursForm(r *http.Request) (*ClinicalHoursPage, int64, error) {
	id, err := webkit.RecordID(r, "Room")
	if err != nil {
		return nil, 0, err
	}
	rs, err := s.proc.Rooms(r.Context(), s.kit.Who(r))
	if err != nil {
		return nil, 0, err
	}
	i := slices.IndexFunc(rs, func(rm *journey.Room) bool { return rm.ID == id })
	if i < 0 {
		return nil, 0, journey.Errorf(journey.ENOTFOUND, "Room not found.")
	}
	rm := rs[i]
	page := &ClinicalHoursPage{Heading: "Hours of the room " + rm.Name, Action: fmt.Sprintf("/admin/rooms/%d", id), Back: "/admin/rooms", BackLabel: "Locations and rooms",
		Intro:    "When sessions may be held in this room: one window a day, in its location's time zone. A medicine session keeps the room for its turnover after it too.",
		TimeZone: rm.TimeZone, Errors: map[string]string{}}
	page.fill(rm.Weekly, rm.Exceptions)
	return page, id, nil
}

// HandleRoomHours shows a room's hours.
func (s *Handler) HandleRoomHours(w http.ResponseWriter, r *http.Request) {
	s.showHours(w, r, s.roomHoursForm)
}

// showHours shows the hours page form builds for the request.
func (s *Handler) showHours(w http.ResponseWriter, r *http.Request, form func(*http.Request) (*ClinicalHoursPage, int64, error)) {
	page, _, err := form(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved") == "1"
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "hours_edit", page)
}

// HandleRoomHoursSave saves a room's hours.
func (s *Handler) HandleRoomHoursSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, id, err := s.roomHoursForm(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	weekly, excs, err := page.read(r)
	if err == nil {
		err = s.proc.SetRoomHours(r.Context(), s.kit.Who(r), id, weekly, excs)
	}
	if err != nil {
		s.hoursRefused(w, r, page, err)
		return
	}
	http.Redirect(w, r, page.Action+"?saved=1", http.StatusSeeOther)
}

// staffHoursForm returns the clinical hours page of the path's member of
// staff, or of oneself on /account/clinical-hours.
func (s *Handler) staffHoursForm(r *http.Request) (*ClinicalHoursPage, int64, error) {
	a := s.kit.Who(r)
	id, own := a.ID(), r.PathValue("id") == ""
	if !own {
		var err error
		if id, err = webkit.RecordID(r, "Staff member"); err != nil {
			return nil, 0, err
		}
	}
	h, err := s.proc.StaffHours(r.Context(), a, id)
	if err != nil {
		return nil, 0, err
	}
	name := "yours"
	page := &ClinicalHoursPage{Heading: "Your clinical hours", Action: "/account/clinical-hours", Back: "/account/hours", BackLabel: "Consult hours",
		TimeZone: h.TimeZone, ZoneAsked: true, Errors: map[string]string{}}
	if !own {
		users, err := s.store.FindUsers(r.Context(), journey.UserStaff)
		if err != nil {
			return nil, 0, err
		}
		if i := slices.IndexFunc(users, func(u *journey.User) bool { return u.ID == id }); i >= 0 {
			name = users[i].Name
		}
		page.Heading, page.Action, page.Back, page.BackLabel = "Clinical hours of "+name, fmt.Sprintf("/admin/staff/%d/clinical-hours", id), "/admin/staff", "Staff"
	}
	page.Intro = "When sessions of care may be booked with " + map[bool]string{true: "you", false: "them"}[own] +
		": one window a day, in the time zone below (the profile's, which consult hours are read in too). These are apart from free-consult hours."
	if page.TimeZone == "" {
		p, err := s.kit.Practice(r.Context())
		if err != nil {
			return nil, 0, err
		}
		page.TimeZone = p.TimeZone
	}
	page.Zones = webkit.ZoneOptions(page.TimeZone, s.now())
	page.fill(h.Weekly, h.Exceptions)
	return page, id, nil
}

// HandleStaffHours shows clinical hours: one's own, or (an admin) anyone's.
func (s *Handler) HandleStaffHours(w http.ResponseWriter, r *http.Request) {
	s.showHours(w, r, s.staffHoursForm)
}

// HandleStaffHoursSave saves clinical hours and the zone they are in.
func (s *Handler) HandleStaffHoursSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, id, err := s.staffHoursForm(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.TimeZone = strings.TrimSpace(r.PostFormValue("time_zone"))
	weekly, excs, bad := page.read(r)
	h := &journey.StaffHours{StaffID: id, TimeZone: page.TimeZone, Weekly: weekly, Exceptions: excs}
	var v journey.Validation
	v.AddErr(bad)
	v.AddErr(h.Validate())
	err = v.Err()
	if err == nil {
		err = s.proc.SetStaffHours(r.Context(), s.kit.Who(r), h, "")
	}
	if err != nil {
		s.hoursRefused(w, r, page, err)
		return
	}
	http.Redirect(w, r, page.Action+"?saved=1", http.StatusSeeOther)
}
