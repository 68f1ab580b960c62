package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// dayHours is one weekday's consult hours as typed ("" for none).
type dayHours struct {
	Weekday    int
	Label      string
	Start, End string
}

// HoursPage sets a therapist's consult hours: the free consults the public
// site offers with them.
type HoursPage struct {
	Actor     *journey.Actor
	Staff     *journey.User
	TimeZone  string // the person's one zone, their profile's
	ZoneSet   bool   // the profile holds it: shown, not asked
	Profile   string // where the zone is changed
	Minutes   string
	Days      []dayHours
	Zones     []webkit.ZoneOption
	Saved     bool
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Own       bool   // one's own hours (/account/hours)
	Action    string // where the form posts
}

func (*HoursPage) PageTitle() string { return "Consult hours" }

// week in the order a practice reads it: Monday first.
var hoursWeek = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func (s *Handler) hoursPage(r *http.Request) (*HoursPage, error) {
	id, own, err := webkit.ProfileTarget(r) // the path's staff member, or oneself on /account/hours
	if err != nil {
		return nil, err
	}
	u, err := s.proc.StaffMember(r.Context(), id)
	if err != nil {
		return nil, err
	}
	page := &HoursPage{Actor: webkit.ActorFrom(r), Staff: u, Minutes: "30", Errors: map[string]string{}, Own: own,
		Action: fmt.Sprintf("/admin/staff/%d/hours", id)}
	if r.PathValue("id") == "" {
		page.Action = "/account/hours"
	}
	p, err := s.kit.Practice(r.Context())
	if err != nil {
		return nil, err
	}
	prof, err := s.store.FindStaffProfile(r.Context(), id)
	if err != nil {
		return nil, err
	}
	// The hours are in the person's one zone, their profile's; asked here
	// (and saved to the profile) only while it has none, the practice's
	// offered first.
	page.TimeZone, page.ZoneSet, page.Profile = cmp.Or(prof.TimeZone, p.TimeZone), prof.TimeZone != "", fmt.Sprintf("/admin/staff/%d/profile", id)
	if own {
		page.Profile = "/account/profile"
	}
	byDay := map[time.Weekday]journey.WeeklyHours{}
	if t, err := s.store.FindTherapistByID(r.Context(), id); err == nil {
		page.Minutes = strconv.Itoa(int(t.ConsultLength / time.Minute))
		for _, w := range t.Weekly {
			byDay[w.Weekday] = w // one window a day on this page
		}
	} else if journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	for _, d := range hoursWeek {
		dh := dayHours{Weekday: int(d), Label: d.String()}
		if w, ok := byDay[d]; ok {
			dh.Start, dh.End = w.Start.String(), w.End.String()
		}
		page.Days = append(page.Days, dh)
	}
	page.Zones = webkit.ZoneOptions(page.TimeZone, s.now())
	return page, nil
}

func (s *Handler) HandleHoursView(w http.ResponseWriter, r *http.Request) {
	page, err := s.hoursPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved") == "1"
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_hours", page)
}

// readHours reads the form into page (as typed) and ConsultHours; a time
// that is not HH:MM is a field error of its day.
func readHours(r *http.Request, page *HoursPage) (*journey.ConsultHours, error) {
	page.Minutes = strings.TrimSpace(r.PostFormValue("consult_minutes"))
	if !page.ZoneSet {
		page.TimeZone = strings.TrimSpace(r.PostFormValue("time_zone"))
	}
	h := &journey.ConsultHours{TimeZone: page.TimeZone}
	var v journey.Validation
	if m, err := strconv.Atoi(page.Minutes); err == nil {
		h.ConsultLength = time.Duration(m) * time.Minute
	}
	h.Weekly = readDays(r, page.Days, &v)
	v.AddErr(h.Validate())
	return h, v.Err()
}

// readDays reads the weekly-hours partial's fields into days (as typed)
// and returns the windows, with a field error (hours_N) for each day whose
// times are not both HH:MM; a day left empty has none.
func readDays(r *http.Request, days []dayHours, v *journey.Validation) []journey.WeeklyHours {
	var weekly []journey.WeeklyHours
	for i := range days {
		d := &days[i]
		d.Start, d.End = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("start_%d", d.Weekday))), strings.TrimSpace(r.PostFormValue(fmt.Sprintf("end_%d", d.Weekday)))
		if d.Start == "" && d.End == "" {
			continue
		}
		start, err1 := journey.ParseClockTime(d.Start)
		end, err2 := journey.ParseClockTime(d.End)
		if err1 != nil || err2 != nil {
			v.Add(fmt.Sprintf("hours_%d", d.Weekday), "Enter both times as HH:MM, such as 09:00 and 12:30, or leave both empty.")
			continue
		}
		weekly = append(weekly, journey.WeeklyHours{Weekday: time.Weekday(d.Weekday), Start: start, End: end})
	}
	return weekly
}

func (s *Handler) HandleHoursUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, err := s.hoursPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	h, bad := readHours(r, page)
	if err := s.proc.SetConsultHours(r.Context(), s.kit.Who(r), page.Staff.ID, h, bad); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page.Message, page.Zones = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList), webkit.ZoneOptions(page.TimeZone, s.now())
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "staff_hours", page)
		return
	}
	http.Redirect(w, r, page.Action+"?saved=1", http.StatusSeeOther)
}
