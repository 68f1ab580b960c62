package staff

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// CalendarPage is the staff calendar as its template draws it: every
// value already in words and the viewer's zone.
type CalendarPage struct {
	Actor  *journey.Actor
	Zone   string
	Title  string
	View   string // week or day
	Date   string // the day asked for, YYYY-MM-DD
	Cal    string
	Groups []OptionGroup // whose calendar: the select's options
	Prev   Link
	Next   Link
	Today  Link
	Week   Link // the other view of the same day
	// One calendar: its days. Everyone's: a column per day and a row per
	// person (Lanes), the days' heads in Heads.
	Days   []CalendarDay
	Heads  []CalendarDay
	Lanes  []CalendarLane
	Empty  bool // no session in the range
	Notice string
	Book   *BookingPanel // nil when the viewer may not book
	names  names
}

func (*CalendarPage) PageTitle() string { return "Calendar" }

// Link is a link with its words.
type Link struct{ Href, Label string }

// Option is one choice of a select or a set of radios.
type Option struct {
	Value, Label string
	Selected     bool
}

// OptionGroup is a labelled group of a select's options.
type OptionGroup struct {
	Label   string
	Options []Option
}

// CalendarDay is one day's sessions.
type CalendarDay struct {
	Label   string // "Mon 7 Jan"
	Long    string // "Monday 7 January 2030"
	Today   bool
	Entries []CalendarEntry
}

// CalendarLane is one person's row of the everyone view.
type CalendarLane struct {
	Name string
	Role string
	Days []CalendarDay
}

// CalendarEntry is a session as one viewer sees it.
type CalendarEntry struct {
	Time       string // "09:00–12:00"
	Type       string
	Href       string // the session's own page
	Client     string // the name, initials or (a chaperone) first name
	ClientHref string // the record, when the viewer may see it
	// Meta is the rest in one line: status, the room (or "Remote") and
	// the staff it holds. One string rather than three: everyone's week
	// draws a thousand entries, and each value the template escapes costs.
	Meta     string
	Inactive bool   // cancelled or a no-show: it holds nothing
	RunSheet string // a medicine session's run sheet, for its team and the client's clinicians
}

// names are the practice's staff and rooms by id, and its session types.
type names struct {
	staff map[int64]*journey.User
	rooms map[int64]*journey.Room
	types []*journey.SessionType
}

func (n names) person(id int64) string {
	if u := n.staff[id]; u != nil {
		return u.Name
	}
	return "a former member of staff"
}

func (n names) room(id int64) string {
	if r := n.rooms[id]; r != nil {
		return r.Name
	}
	return "a room no longer in use"
}

func (n names) typeName(code string) string {
	for _, t := range n.types {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// calendarPage reads and lays out the calendar q asks for.
func (s *Handler) calendarPage(ctx context.Context, a *journey.Actor, q calendarQuery, loc *time.Location, zone string) (*CalendarPage, error) {
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	staffID, roomID, clientID := q.target(a)
	cal, err := s.proc.Calendar(ctx, a, processing.CalendarQuery{From: q.from, To: q.to, StaffID: staffID, RoomID: roomID, ClientID: clientID})
	if err != nil {
		return nil, err
	}
	p := &CalendarPage{Actor: a, Zone: zone, View: q.view, Date: q.day.Format(time.DateOnly), Cal: q.cal, names: n,
		Empty: len(cal.Sessions) == 0}
	p.Title = calendarTitle(q, a, n, cal, staffID, roomID, clientID)
	p.Groups = calendarOptions(q, a, n, cal, clientID)
	p.nav(q, loc, s.now())
	entries := s.entries(cal, n, loc)
	if q.cal == "team" {
		p.layTeam(q, loc, s.now(), n, cal.Sessions, entries)
	} else {
		p.Days = layDays(q, loc, s.now(), cal.Sessions, entries, func(*journey.CareSession) bool { return true })
	}
	if a.Can(journey.PermSessionsWrite) {
		if p.Book, err = s.bookingPanel(ctx, a, q, loc, n, cal, clientID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// names reads the practice's staff, rooms and session types.
func (s *Handler) names(ctx context.Context) (names, error) {
	us, err := s.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return names{}, err
	}
	rs, err := s.store.FindRooms(ctx)
	if err != nil {
		return names{}, err
	}
	ts, err := s.proc.SessionTypes(ctx)
	if err != nil {
		return names{}, err
	}
	n := names{staff: make(map[int64]*journey.User, len(us)), rooms: make(map[int64]*journey.Room, len(rs)), types: ts}
	for _, u := range us {
		n.staff[u.ID] = u
	}
	for _, r := range rs {
		n.rooms[r.ID] = r
	}
	return n, nil
}

func calendarTitle(q calendarQuery, a *journey.Actor, n names, cal *processing.Calendar, staffID, roomID, clientID int64) string {
	span := "Week of " + q.from.Format("Monday 2 January 2006")
	if q.view == "day" {
		span = q.day.Format("Monday 2 January 2006")
	}
	switch {
	case q.cal == "me":
		return "My calendar: " + strings.ToLower(span[:1]) + span[1:]
	case q.cal == "team":
		return "Everyone: " + strings.ToLower(span[:1]) + span[1:]
	case staffID != 0:
		return n.person(staffID) + ": " + strings.ToLower(span[:1]) + span[1:]
	case roomID != 0:
		return n.room(roomID) + ": " + strings.ToLower(span[:1]) + span[1:]
	case clientID != 0:
		if c, ok := cal.Clients[clientID]; ok {
			return c.Label + ": " + strings.ToLower(span[:1]) + span[1:]
		}
		return "A client's sessions: " + strings.ToLower(span[:1]) + span[1:]
	}
	return span
}

// calendarOptions are the calendars the viewer may open: their own;
// everyone's, each person's and each room's for those who see every
// session (front desk, admins); the client asked for, when there is one.
func calendarOptions(q calendarQuery, a *journey.Actor, n names, cal *processing.Calendar, clientID int64) []OptionGroup {
	opt := func(value, label string) Option { return Option{Value: value, Label: label, Selected: q.cal == value} }
	groups := []OptionGroup{{Label: "Yours", Options: []Option{opt("me", "My calendar")}}}
	if a.SessionScope() == 0 {
		groups[0].Options = append(groups[0].Options, opt("team", "Everyone"))
		for _, role := range []string{journey.RoleTherapist, journey.RoleMedicalProvider, journey.RoleChaperone} {
			g := OptionGroup{Label: journey.RoleLabel(role) + "s"}
			for _, u := range sortedStaff(n) {
				if u.Active && u.HasRole(role) {
					g.Options = append(g.Options, opt(fmt.Sprintf("staff-%d", u.ID), u.Name))
				}
			}
			if len(g.Options) > 0 {
				groups = append(groups, g)
			}
		}
		g := OptionGroup{Label: "Rooms"}
		for _, r := range sortedRooms(n) {
			if r.Active {
				g.Options = append(g.Options, opt(fmt.Sprintf("room-%d", r.ID), r.Name))
			}
		}
		if len(g.Options) > 0 {
			groups = append(groups, g)
		}
	}
	if clientID != 0 {
		label := "This client"
		if c, ok := cal.Clients[clientID]; ok {
			label = c.Label
		}
		groups = append(groups, OptionGroup{Label: "Client", Options: []Option{opt(q.cal, label)}})
	}
	return groups
}

func sortedStaff(n names) []*journey.User {
	out := make([]*journey.User, 0, len(n.staff))
	for _, u := range n.staff {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *journey.User) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

func sortedRooms(n names) []*journey.Room {
	out := make([]*journey.Room, 0, len(n.rooms))
	for _, r := range n.rooms {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *journey.Room) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

// nav sets the links to the previous and next day or week, today, and the
// other view.
func (p *CalendarPage) nav(q calendarQuery, loc *time.Location, now time.Time) {
	step, unit := 7, "week"
	if q.view == "day" {
		step, unit = 1, "day"
	}
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	p.Prev = Link{q.href("date", date(q.day.AddDate(0, 0, -step))), "Previous " + unit}
	p.Next = Link{q.href("date", date(q.day.AddDate(0, 0, step))), "Next " + unit}
	p.Today = Link{q.href("date", now.In(loc).Format(time.DateOnly)), "Today"}
	if q.view == "day" {
		p.Week = Link{q.href("view", "week"), "Show the week"}
	} else {
		p.Week = Link{q.href("view", "day"), "Show the day"}
	}
}

// entries returns each session as the viewer sees it, by session id.
func (s *Handler) entries(cal *processing.Calendar, n names, loc *time.Location) map[int64]CalendarEntry {
	out := make(map[int64]CalendarEntry, len(cal.Sessions))
	for _, ss := range cal.Sessions {
		e := CalendarEntry{Time: ss.Start.In(loc).Format("15:04") + "–" + ss.End.In(loc).Format("15:04"), Type: n.typeName(ss.Type),
			Href: fmt.Sprintf("/staff/sessions/%d", ss.ID), Inactive: !ss.Active()}
		meta := []string{capitalise(journey.SessionStatusWords(ss.Status))}
		switch {
		case ss.ClientID != 0:
			c, ok := cal.Clients[ss.ClientID]
			e.Client = c.Label
			if ok && c.Chart {
				e.ClientHref = fmt.Sprintf("/staff/clients/%d", ss.ClientID)
				if ss.Type == journey.TypeMedicine && ss.Active() {
					e.RunSheet = fmt.Sprintf("/staff/sessions/%d/run-sheet", ss.ID)
				}
			}
		case ss.FirstName != "":
			e.Client = ss.FirstName
			if ss.Type == journey.TypeMedicine && ss.Active() {
				e.RunSheet = fmt.Sprintf("/staff/sessions/%d/run-sheet", ss.ID)
			}
		case len(ss.Attendees) > 0:
			e.Client = fmt.Sprintf("%d clients", len(ss.Attendees))
		}
		var people []string
		for _, id := range []int64{ss.TherapistID, ss.MedicalProviderID, ss.ChaperoneID} {
			if id != 0 {
				people = append(people, n.person(id))
			}
		}
		switch {
		case ss.RoomID != 0:
			meta = append(meta, n.room(ss.RoomID))
		case ss.Mode == journey.ModeRemote:
			meta = append(meta, "Remote")
		}
		if len(people) > 0 {
			meta = append(meta, strings.Join(people, ", "))
		}
		e.Meta = strings.Join(meta, " · ")
		out[ss.ID] = e
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// layDays returns the days of q's range with the sessions keep selects,
// each day's in order of start (the store's order).
func layDays(q calendarQuery, loc *time.Location, now time.Time, ss []*journey.CareSession, entries map[int64]CalendarEntry, keep func(*journey.CareSession) bool) []CalendarDay {
	today := now.In(loc).Format(time.DateOnly)
	var days []CalendarDay
	index := map[string]int{}
	for d := q.from; d.Before(q.to); d = d.AddDate(0, 0, 1) {
		index[d.Format(time.DateOnly)] = len(days)
		days = append(days, CalendarDay{Label: d.Format("Mon 2 Jan"), Long: d.Format("Monday 2 January 2006"), Today: d.Format(time.DateOnly) == today})
	}
	for _, s := range ss {
		if i, ok := index[s.Start.In(loc).Format(time.DateOnly)]; ok && keep(s) {
			days[i].Entries = append(days[i].Entries, entries[s.ID])
		}
	}
	return days
}

// layTeam lays out everyone's calendar: a row for each active member of
// staff in a clinical role, with the sessions they hold.
func (p *CalendarPage) layTeam(q calendarQuery, loc *time.Location, now time.Time, n names, ss []*journey.CareSession, entries map[int64]CalendarEntry) {
	p.Heads = layDays(q, loc, now, nil, nil, nil)
	for _, u := range sortedStaff(n) {
		role := ""
		for _, r := range []string{journey.RoleTherapist, journey.RoleMedicalProvider, journey.RoleChaperone} {
			if u.HasRole(r) {
				role = journey.RoleLabel(r)
				break
			}
		}
		if !u.Active || role == "" {
			continue
		}
		id := u.ID
		holds := func(s *journey.CareSession) bool {
			return s.TherapistID == id || s.MedicalProviderID == id || s.ChaperoneID == id
		}
		p.Lanes = append(p.Lanes, CalendarLane{Name: u.Name, Role: role, Days: layDays(q, loc, now, ss, entries, holds)})
	}
}
