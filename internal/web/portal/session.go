package portal

import (
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// SessionPage is one of the client's sessions, with moving and cancelling
// it when the practice lets clients do so.
type SessionPage struct {
	SessionItem
	OnCall      string // the on-call medical contact's name, when the session has one
	OnCallPhone string // the practice's phone, to reach them
	Zone        string
	Title       string
	Notice      string
	CanChange   bool // a type the practice opens to clients, still booked
	CancelLate  bool
	NoticeHours int
	Reason      string // typed, kept after a refusal
	Week        string // the Monday of the week of free times shown
	WeekLabel   string
	Next, Prev  string
	Searched    bool
	Days        []BookDay
	Errors      map[string]string
	Message     string
	Problems    []string
	Chosen      string
}

func (p *SessionPage) PageTitle() string { return p.Title }

// clientSessionForm is what the page was asked or sent, kept as typed.
type clientSessionForm struct {
	find   bool
	week   string
	start  string
	reason string
	notice string
}

// HandleSession shows one of the client's sessions; ?find=1&week= the
// free times to move it to.
func (s *Handler) HandleSession(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := clientSessionForm{find: q.Get("find") != "", week: q.Get("week")}
	switch q.Get("done") {
	case "moved":
		f.notice = "Your session is moved. We will remind you before the new time."
	case "cancelled":
		f.notice = "Your session is cancelled."
	}
	s.showClientSession(w, r, f, nil)
}

// HandleSessionCancel cancels the client's session with their reason.
func (s *Handler) HandleSessionCancel(w http.ResponseWriter, r *http.Request) {
	s.changeClientSession(w, r, "cancelled", func(id int64, f *clientSessionForm) error {
		f.reason = r.PostFormValue("reason")
		_, err := s.proc.CancelSession(r.Context(), s.kit.Who(r), id, f.reason, viaPortal)
		return err
	})
}

// HandleSessionReschedule moves the client's session to the free time
// chosen; a refusal keeps the choice and says why.
func (s *Handler) HandleSessionReschedule(w http.ResponseWriter, r *http.Request) {
	s.changeClientSession(w, r, "moved", func(id int64, f *clientSessionForm) error {
		f.find, f.week, f.start = true, r.PostFormValue("week"), r.PostFormValue("start")
		start, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			var v journey.Validation
			v.Add("start", "Choose one of the free times.")
			return v.Err()
		}
		_, err = s.proc.RescheduleSession(r.Context(), s.kit.Who(r), id, start, viaPortal)
		return err
	})
}

func (s *Handler) changeClientSession(w http.ResponseWriter, r *http.Request, done string, change func(id int64, f *clientSessionForm) error) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := portalSessionID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var f clientSessionForm
	if err = change(id, &f); err == nil {
		http.Redirect(w, r, fmt.Sprintf("/portal/sessions/%d?done=%s", id, done), http.StatusSeeOther)
		return
	}
	switch journey.ErrorCode(err) {
	case journey.EINVALID, journey.ECONFLICT, journey.EFORBIDDEN:
		s.showClientSession(w, r, f, err)
	default:
		s.kit.PageError(w, r, err)
	}
}

// showClientSession renders the page for f, with refused's reasons when a
// change was refused.
func (s *Handler) showClientSession(w http.ResponseWriter, r *http.Request, f clientSessionForm, refused error) {
	id, err := portalSessionID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p, err := s.clientSessionPage(r, id, f)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	status := http.StatusOK
	if refused != nil {
		p.refused(refused)
		status = s.kit.Status(refused)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_session", p)
}

func (s *Handler) clientSessionPage(r *http.Request, id int64, f clientSessionForm) (*SessionPage, error) {
	ctx, a := r.Context(), s.kit.Who(r)
	v, err := s.proc.SessionView(ctx, a, id, viaPortal)
	if err != nil {
		return nil, err
	}
	c, err := s.portalClient(r)
	if err != nil {
		return nil, err
	}
	loc, zone := webkit.ClientZone(ctx, s.kit, s.store, c)
	pl, err := s.where(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.sessionItem(ctx, v.Session, []*journey.SessionType{v.Type}, pl, loc)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &SessionPage{SessionItem: it, Zone: zone, Title: it.Type + ", " + v.Session.Start.In(loc).Format("Monday 2 January"), Notice: f.notice,
		CanChange: v.CanChange && v.Session.Status == journey.SessionBooked && v.Session.Start.After(now), CancelLate: v.LateIfCancelled(now),
		NoticeHours: v.CancelHours, Reason: f.reason, Errors: map[string]string{}}
	if v.Session.OnCallName != "" {
		p.OnCall = v.Session.OnCallName
		if pr, err := s.kit.Practice(ctx); err == nil {
			p.OnCallPhone = pr.Phone
		}
	}
	if t, err := time.Parse(time.RFC3339, f.start); err == nil {
		p.Chosen = t.In(loc).Format("Monday 2 January at 15:04")
	}
	if !p.CanChange {
		return p, nil
	}
	today := now.In(loc)
	thisWeek := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	thisWeek = thisWeek.AddDate(0, 0, -((int(thisWeek.Weekday()) + 6) % 7))
	monday := thisWeek
	if d, err := time.ParseInLocation(time.DateOnly, f.week, loc); err == nil && !d.Before(thisWeek) {
		monday = d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	p.Week = monday.Format(time.DateOnly)
	p.WeekLabel = monday.Format("Monday 2 January") + " to " + monday.AddDate(0, 0, 6).Format("Sunday 2 January")
	href := func(d time.Time) string {
		return fmt.Sprintf("/portal/sessions/%d?find=1&week=%s#move", id, d.Format(time.DateOnly))
	}
	p.Next = href(monday.AddDate(0, 0, 7))
	if monday.After(thisWeek) {
		p.Prev = href(monday.AddDate(0, 0, -7))
	}
	if f.find {
		ss := v.Session
		slots, err := s.proc.SessionSlots(ctx, a, journey.SessionSlotQuery{ClientID: c.ID, Type: ss.Type, Mode: ss.Mode, From: monday, To: monday.AddDate(0, 0, 7),
			TherapistID: ss.TherapistID, MedicalProviderID: ss.MedicalProviderID, ChaperoneID: ss.ChaperoneID, RoomID: ss.RoomID})
		switch journey.ErrorCode(err) {
		case "":
		case journey.EINVALID, journey.EFORBIDDEN:
			p.Problems = append(p.Problems, journey.ErrorMessage(err))
			return p, nil
		default:
			return nil, err
		}
		p.Searched = true
		p.Days = bookDays(slots, loc)
	}
	return p, nil
}

// refused puts err's field errors beside their fields and the rest (a
// time taken, a rule) in the list above.
func (p *SessionPage) refused(err error) {
	p.Message = journey.ErrorMessage(err)
	p.Problems = append(p.Problems, refusal(err, p.Errors, "reason", "start")...)
}
