package staff

// The staff calendar: a day or a week of care sessions for one member of
// staff, one room, one client, or everyone the viewer may list, drawn on
// the server as plain lists and a table (usable on a tablet, no script),
// with a panel to book a session from the free times the slot engine
// finds. Every read and the booking go through processing, which applies
// the record rules and writes the audit trail.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// CalendarProcessing is the part of processing the calendar calls.
type CalendarProcessing interface {
	Calendar(ctx context.Context, a *journey.Actor, q processing.CalendarQuery) (*processing.Calendar, error)
	SessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	SessionSlots(ctx context.Context, a *journey.Actor, q journey.SessionSlotQuery) ([]journey.SessionSlot, error)
	BookSession(ctx context.Context, a *journey.Actor, r *journey.SessionRequest, via string) (*journey.CareSession, error)
	Clients(ctx context.Context, a *journey.Actor, f journey.ClientFilter, via string) ([]*journey.Client, int, error)
	Gates(ctx context.Context, a *journey.Actor, id int64, q processing.GateQuery, via string) ([]journey.Gate, error)
}

// calendarQuery is what a calendar URL asks for.
type calendarQuery struct {
	cal  string // "me", "team", "staff-N", "room-N", "client-N"
	view string // "week" or "day"
	day  time.Time
	from time.Time // the first day shown, midnight in the zone
	to   time.Time
	book bookingForm
}

// bookingForm is the booking panel's choices, kept as typed.
type bookingForm struct {
	ClientID    int64
	Type, Mode  string
	Route       string
	Find        bool   // look for free times
	Open        bool   // show the form (book)
	Start       string // a chosen slot (POST)
	Therapist   int64
	Provider    int64
	Chaperone   int64
	Room        int64
	OnCall      int64  // a remote medicine session's on-call contact; 0: its medical provider
	clientField string // client_id as typed, when it was not a number
}

// readCalendarQuery reads the calendar's query from v, with today in loc
// and the week from its Monday when nothing is chosen; a date that cannot
// be read is today.
func readCalendarQuery(v url.Values, loc *time.Location, now time.Time) calendarQuery {
	q := calendarQuery{cal: v.Get("cal"), view: v.Get("view")}
	if q.cal == "" {
		q.cal = "me"
	}
	if q.view != "day" {
		q.view = "week"
	}
	now = now.In(loc)
	q.day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if d, err := time.ParseInLocation(time.DateOnly, v.Get("date"), loc); err == nil {
		q.day = d
	}
	q.from, q.to = q.day, q.day.AddDate(0, 0, 1)
	if q.view == "week" {
		back := (int(q.day.Weekday()) + 6) % 7 // days since Monday
		q.from = q.day.AddDate(0, 0, -back)
		q.to = q.from.AddDate(0, 0, 7)
	}
	q.book = readBookingForm(v)
	return q
}

func readBookingForm(v url.Values) bookingForm {
	f := bookingForm{Type: v.Get("type"), Mode: v.Get("mode"), Route: v.Get("route"), Find: v.Get("find") != "", Open: v.Get("book") != "", Start: v.Get("start")}
	if raw := v.Get("client_id"); raw != "" {
		var err error
		if f.ClientID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.ClientID < 0 {
			f.ClientID, f.clientField = 0, raw
		}
	}
	for name, to := range map[string]*int64{"therapist_id": &f.Therapist, "medical_provider_id": &f.Provider, "chaperone_id": &f.Chaperone, "room_id": &f.Room,
		"on_call_id": &f.OnCall} {
		*to, _ = strconv.ParseInt(v.Get(name), 10, 64)
	}
	if f.Mode == "" {
		f.Mode = journey.ModeInPerson
	}
	return f
}

// target returns whose calendar q.cal names: the staff id (the actor's
// own for "me"), room id or client id; all zero for "team".
func (q calendarQuery) target(a *journey.Actor) (staffID, roomID, clientID int64) {
	kind, raw, _ := strings.Cut(q.cal, "-")
	id, _ := strconv.ParseInt(raw, 10, 64)
	switch kind {
	case "me":
		return a.ID(), 0, 0
	case "staff":
		return id, 0, 0
	case "room":
		return 0, id, 0
	case "client":
		return 0, 0, id
	}
	return 0, 0, 0
}

// href returns the calendar's URL with changes applied to its query.
func (q calendarQuery) href(changes ...string) string {
	v := url.Values{"cal": {q.cal}, "view": {q.view}, "date": {q.day.Format(time.DateOnly)}}
	for i := 0; i+1 < len(changes); i += 2 {
		v.Set(changes[i], changes[i+1])
	}
	return "/staff/calendar?" + v.Encode()
}

// HandleCalendar shows a day or a week of one calendar, with the booking
// panel and, when asked (find), the free times for the chosen client and
// type.
func (s *Handler) HandleCalendar(w http.ResponseWriter, r *http.Request) {
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	q := readCalendarQuery(r.URL.Query(), loc, s.now())
	page, err := s.calendarPage(r.Context(), webkit.ActorFrom(r), q, loc, zone)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if id := r.URL.Query().Get("booked"); id != "" {
		page.Notice = "The session is booked. Everyone it holds has it on their calendar."
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_calendar", page)
}

// HandleCalendarBook books the slot the form chose. A refusal (a field,
// a person or room taken since, a gate not met) shows the calendar again
// with what was chosen and why, beside the booking form.
func (s *Handler) HandleCalendarBook(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	q := readCalendarQuery(r.PostForm, loc, s.now())
	a := webkit.ActorFrom(r)
	req, invalid := q.book.request()
	var err error = invalid
	if err == nil {
		_, err = s.proc.BookSession(r.Context(), a, req, " via calendar")
	}
	if err == nil {
		http.Redirect(w, r, q.href("booked", "1", "date", q.day.Format(time.DateOnly))+"#calendar", http.StatusSeeOther)
		return
	}
	switch journey.ErrorCode(err) {
	case journey.EINVALID, journey.ECONFLICT, journey.EFORBIDDEN:
	default:
		s.kit.PageError(w, r, err)
		return
	}
	page, perr := s.calendarPage(r.Context(), a, q, loc, zone)
	if perr != nil {
		s.kit.PageError(w, r, perr)
		return
	}
	page.Book.refused(err, req, loc, page.names)
	s.kit.Render(w, r, s.kit.Status(err), "staff_calendar", page)
}

// request returns the booking the form asks for, or EINVALID naming
// start when the chosen time cannot be read.
func (f bookingForm) request() (*journey.SessionRequest, error) {
	r := &journey.SessionRequest{ClientID: f.ClientID, Type: f.Type, Mode: f.Mode, Route: f.Route,
		TherapistID: f.Therapist, MedicalProviderID: f.Provider, ChaperoneID: f.Chaperone, RoomID: f.Room}
	if f.Type != journey.TypeMedicine {
		r.Route = ""
	}
	if f.Type == journey.TypeMedicine && f.Mode == journey.ModeRemote {
		r.OnCallID = f.OnCall
	}
	start, err := time.Parse(time.RFC3339, f.Start)
	if err != nil {
		var v journey.Validation
		v.Add("start", "Choose one of the free times.")
		return r, v.Err()
	}
	r.Start = start
	return r, nil
}
