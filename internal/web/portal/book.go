package portal

// A client books their own sessions: the types the practice opens to
// clients (preparation and integration by default), with their own
// therapist, at one of the free times the slot engine finds in a week.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// BookingProcessing is the part of processing a client's booking calls.
type BookingProcessing interface {
	SessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	SessionSlots(ctx context.Context, a *journey.Actor, q journey.SessionSlotQuery) ([]journey.SessionSlot, error)
	BookSession(ctx context.Context, a *journey.Actor, r *journey.SessionRequest, via string) (*journey.CareSession, error)
}

// BookPage is the portal's booking page.
type BookPage struct {
	Zone      string
	Therapist string // the client's therapist, by name
	Types     []BookOption
	Modes     []BookOption
	Type      string
	Mode      string
	Week      string // the Monday of the week shown, YYYY-MM-DD
	WeekLabel string
	Prev      string // the previous week's search; "" in the current week
	Next      string
	Searched  bool
	Days      []BookDay
	Booked    string // what was just booked, in a sentence
	Errors    map[string]string
	Message   string
	Problems  []string
	Chosen    string // the time that could not be booked
}

func (*BookPage) PageTitle() string { return "Book a session" }

// BookOption is one choice of a set of radios.
type BookOption struct {
	Value, Label, Hint string
	Selected           bool
}

// BookDay is one day's free times.
type BookDay struct {
	Label string
	Times []BookTime
}

// BookTime is a free time: the form's value and its words.
type BookTime struct {
	Start string
	Label string
}

// bookQuery is the booking page's query: the type, mode and week.
type bookQuery struct {
	typ, mode string
	find      bool
	monday    time.Time
	thisWeek  time.Time
}

func readBookQuery(v url.Values, loc *time.Location, now time.Time) bookQuery {
	q := bookQuery{typ: v.Get("type"), mode: v.Get("mode"), find: v.Get("find") != ""}
	if q.mode == "" {
		q.mode = journey.ModeInPerson
	}
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	q.thisWeek = today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	q.monday = q.thisWeek
	if d, err := time.ParseInLocation(time.DateOnly, v.Get("week"), loc); err == nil && !d.Before(q.thisWeek) {
		q.monday = d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	return q
}

func (q bookQuery) href(monday time.Time) string {
	v := url.Values{"type": {q.typ}, "mode": {q.mode}, "week": {monday.Format(time.DateOnly)}, "find": {"1"}}
	return "/portal/book?" + v.Encode() + "#times"
}

// HandleBookView shows the types the client may book and, when asked,
// the week's free times with their therapist.
func (s *Handler) HandleBookView(w http.ResponseWriter, r *http.Request) {
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	q := readBookQuery(r.URL.Query(), loc, s.now())
	page, err := s.bookPage(r, q, loc, zone)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if st := r.URL.Query().Get("booked"); st != "" {
		if t, err := time.Parse(time.RFC3339, st); err == nil {
			page.Booked = fmt.Sprintf("Your session is booked for %s. It is on your journey, and we will remind you before it.", t.In(loc).Format("Monday 2 January at 15:04"))
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_book", page)
}

// HandleBook books the free time the client chose; a refusal (taken
// since, a field) shows the week again with what was chosen and why.
func (s *Handler) HandleBook(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	q := readBookQuery(r.PostForm, loc, s.now())
	q.find = true
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	req := &journey.SessionRequest{ClientID: c.ID, Type: q.typ, Mode: q.mode, TherapistID: c.TherapistID()}
	req.Start, err = time.Parse(time.RFC3339, r.PostFormValue("start"))
	if err != nil {
		var v journey.Validation
		v.Add("start", "Choose one of the free times.")
		err = v.Err()
	} else {
		_, err = s.proc.BookSession(r.Context(), s.kit.Who(r), req, " via portal")
	}
	if err == nil {
		http.Redirect(w, r, "/portal/book?booked="+url.QueryEscape(req.Start.Format(time.RFC3339)), http.StatusSeeOther)
		return
	}
	switch journey.ErrorCode(err) {
	case journey.EINVALID, journey.ECONFLICT, journey.EFORBIDDEN:
	default:
		s.kit.PageError(w, r, err)
		return
	}
	page, perr := s.bookPage(r, q, loc, zone)
	if perr != nil {
		s.kit.PageError(w, r, perr)
		return
	}
	page.refused(err)
	if !req.Start.IsZero() {
		page.Chosen = req.Start.In(loc).Format("Monday 2 January at 15:04")
	}
	s.kit.Render(w, r, s.kit.Status(err), "portal_book", page)
}

// bookPage builds the page for q: the types open to clients, and the
// week's free times when asked.
func (s *Handler) bookPage(r *http.Request, q bookQuery, loc *time.Location, zone string) (*BookPage, error) {
	c, err := s.portalClient(r)
	if err != nil {
		return nil, err
	}
	types, err := s.proc.SessionTypes(r.Context())
	if err != nil {
		return nil, err
	}
	p := &BookPage{Zone: zone, Type: q.typ, Mode: q.mode, Week: q.monday.Format(time.DateOnly), Errors: map[string]string{},
		WeekLabel: q.monday.Format("Monday 2 January") + " to " + q.monday.AddDate(0, 0, 6).Format("Sunday 2 January"),
		Next:      q.href(q.monday.AddDate(0, 0, 7)), Therapist: "a therapist of the practice"}
	if q.monday.After(q.thisWeek) {
		p.Prev = q.href(q.monday.AddDate(0, 0, -7))
	}
	for _, m := range c.CareTeam {
		if m.Role == journey.RoleTherapist {
			p.Therapist = m.Name
			break
		}
	}
	for _, t := range types {
		if t.ClientBooks {
			p.Types = append(p.Types, BookOption{Value: t.Code, Label: t.Name, Hint: fmt.Sprintf("%d minutes", t.Minutes), Selected: t.Code == q.typ})
		}
	}
	p.Modes = []BookOption{{Value: journey.ModeInPerson, Label: "In person", Selected: q.mode == journey.ModeInPerson},
		{Value: journey.ModeRemote, Label: "By video, from home", Selected: q.mode == journey.ModeRemote}}
	if q.find {
		err := s.freeTimes(r, c, q, p, loc)
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// freeTimes fills the week's free times with the client's therapist; a
// search processing refuses is shown beside the form.
func (s *Handler) freeTimes(r *http.Request, c *journey.Client, q bookQuery, p *BookPage, loc *time.Location) error {
	slots, err := s.proc.SessionSlots(r.Context(), s.kit.Who(r), journey.SessionSlotQuery{ClientID: c.ID, Type: q.typ, Mode: q.mode,
		From: q.monday, To: q.monday.AddDate(0, 0, 7), TherapistID: c.TherapistID()})
	switch journey.ErrorCode(err) {
	case "":
	case journey.EINVALID, journey.EFORBIDDEN:
		p.refused(err)
		return nil
	default:
		return err
	}
	p.Searched = true
	p.Days = bookDays(slots, loc)
	return nil
}

// refused puts err's field errors beside the fields and the rest (a time
// taken, a rule of the practice) in the list above the form.
func (p *BookPage) refused(err error) {
	p.Message = journey.ErrorMessage(err)
	p.Problems = append(p.Problems, refusal(err, p.Errors, "type", "mode")...)
}

// refusal puts err's errors on the fields beside into errors and returns
// the rest in words: other fields' errors, each resource taken, each gate
// unmet, or (with nothing else to say) err's message.
func refusal(err error, errors map[string]string, beside ...string) []string {
	var problems []string
	before := len(errors)
	for _, f := range journey.ErrorFields(err) {
		if slices.Contains(beside, f.Field) {
			errors[f.Field] = f.Detail
		} else {
			problems = append(problems, f.Detail)
		}
	}
	if e, ok := err.(*journey.Error); ok {
		for _, c := range e.Conflicts {
			problems = append(problems, c.Detail)
		}
		for _, g := range e.Gates {
			if !g.Met {
				problems = append(problems, g.Detail)
			}
		}
	}
	if len(problems) == 0 && len(errors) == before {
		problems = append(problems, journey.ErrorMessage(err))
	}
	return problems
}

// bookDays groups slots by day, in loc.
func bookDays(slots []journey.SessionSlot, loc *time.Location) []BookDay {
	var days []BookDay
	for _, sl := range slots {
		start := sl.Start.In(loc)
		label := start.Format("Monday 2 January")
		if len(days) == 0 || days[len(days)-1].Label != label {
			days = append(days, BookDay{Label: label})
		}
		d := &days[len(days)-1]
		d.Times = append(d.Times, BookTime{Start: start.Format(time.RFC3339), Label: start.Format("15:04") + "–" + sl.End.In(loc).Format("15:04")})
	}
	return days
}
