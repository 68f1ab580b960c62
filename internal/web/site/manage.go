package site

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type ManagePage struct {
	webkit.WeekView
	Token     string
	Consult   *journey.Consult
	Therapist *journey.Therapist
	Local     time.Time // the consult's start in the visitor's zone
	LocalEnd  time.Time
	Upcoming  bool
	Notice    string // "booked", "moved", "cancelled"
	Slot      string
	Errors    map[string]string
	Message   string
	VideoLink string // the practice's video room, for a video consult
}

// Minutes is the consult's length.
func (p *ManagePage) Minutes() int { return int(p.Consult.End.Sub(p.Consult.Start).Minutes()) }

func (p *ManagePage) PageTitle() string {
	if p.Notice == "booked" {
		return "Your consult is booked"
	}
	return "Your consult"
}

// loadManage fills the manage page for token; the week shown for moving
// the consult follows the query (tz, from, therapist) or the consult itself.
func (s *Site) loadManage(r *http.Request, token string, selected string) (*ManagePage, error) {
	c, err := s.store.FindConsultByToken(r.Context(), token)
	return s.manageOf(r, token, c, selected, err)
}

// manageOf fills the manage page for consult c of token, or returns err.
func (s *Site) manageOf(r *http.Request, token string, c *journey.Consult, selected string, err error) (*ManagePage, error) {
	if err != nil {
		return nil, err
	}
	t, err := s.store.FindTherapistByID(r.Context(), c.TherapistID)
	if err != nil {
		return nil, err
	}
	loc, _ := journey.LoadZone(c.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	p := &ManagePage{Token: token, Consult: c, Therapist: t, Local: c.Start.In(loc), LocalEnd: c.End.In(loc),
		Upcoming: c.Upcoming(s.now()), Errors: map[string]string{}, Slot: selected}
	if c.Mode == journey.ModeVideo {
		pr, err := s.kit.Practice(r.Context())
		if err != nil {
			return nil, err
		}
		p.VideoLink = pr.VideoLink
	}
	if p.Upcoming {
		tz := r.FormValue("tz")
		if tz == "" {
			tz = c.TimeZone
		}
		tid := c.TherapistID
		if v := r.FormValue("therapist"); v != "" {
			tid, _ = strconv.ParseInt(v, 10, 64)
		}
		if p.WeekView, err = s.kit.LoadWeek(r, "/c/"+url.PathEscape(token), tz, tid, r.FormValue("from"), selected); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Site) HandleManageView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.proc.ManagedConsult(r.Context(), s.kit.Who(r), token, "manage link")
	p, err := s.manageOf(r, token, c, "", err)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	for _, n := range []string{"booked", "moved", "cancelled"} {
		if r.URL.Query().Get(n) == "1" {
			p.Notice = n
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "manage", p)
}

func (s *Site) HandleManageReschedule(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	slot := r.PostFormValue("slot")
	tid, start, ok := webkit.ParseSlotValue(slot)
	var err error
	if !ok {
		err = &journey.Error{Code: journey.EINVALID, Message: "Please choose a new time.",
			Fields: []journey.FieldError{{Field: "start", Detail: "Choose a new time for your consult."}}}
	} else {
		_, err = s.proc.RescheduleManaged(r.Context(), s.kit.Who(r), token, start, tid, "rescheduled by manage link")
	}
	if err == nil {
		http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?moved=1", http.StatusSeeOther)
		return
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.kit.PageError(w, r, err)
		return
	}
	if journey.ErrorCode(err) == journey.ECONFLICT {
		slot = ""
	}
	p, lerr := s.loadManage(r, token, slot)
	if lerr != nil {
		s.kit.PageError(w, r, lerr)
		return
	}
	p.Message = journey.ErrorMessage(err)
	for _, f := range journey.ErrorFields(err) {
		p.Errors["slot"] = f.Detail
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, s.kit.Status(err), "manage", p)
}

// CancelPage asks before cancelling, with room for an optional reason.
type CancelPage struct {
	ManagePage
	Reason string
}

func (p *CancelPage) PageTitle() string { return "Cancel your consult?" }

// HandleManageCancelView asks "Cancel your consult on …?": one tap on
// the manage page must not cancel.
func (s *Site) HandleManageCancelView(w http.ResponseWriter, r *http.Request) {
	s.renderCancel(w, r, http.StatusOK, "", nil)
}

// renderCancel shows the cancel page with what was typed and err's fields.
func (s *Site) renderCancel(w http.ResponseWriter, r *http.Request, status int, reason string, err error) {
	c, ferr := s.store.FindConsultByToken(r.Context(), r.PathValue("token"))
	if ferr != nil {
		s.kit.PageError(w, r, ferr)
		return
	}
	p := &CancelPage{ManagePage: ManagePage{Token: r.PathValue("token"), Consult: c, Upcoming: c.Upcoming(s.now()),
		Errors: map[string]string{}}, Reason: reason}
	loc, _ := journey.LoadZone(c.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	p.Local, p.LocalEnd = c.Start.In(loc), c.End.In(loc)
	if err != nil {
		p.Message = webkit.ShowFieldErrors(err, p.Errors, nil)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "manage_cancel", p)
}

func (s *Site) HandleManageCancel(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reason := r.PostFormValue("reason")
	_, err := s.proc.CancelManaged(r.Context(), s.kit.Who(r), token, reason, "manage link")
	if journey.ErrorCode(err) == journey.EINVALID {
		s.renderCancel(w, r, http.StatusUnprocessableEntity, reason, err)
		return
	}
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?cancelled=1", http.StatusSeeOther)
}
