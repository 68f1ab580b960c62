package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
)

type managePage struct {
	WeekView
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
func (p *managePage) Minutes() int { return int(p.Consult.End.Sub(p.Consult.Start).Minutes()) }

func (p *managePage) PageTitle() string {
	if p.Notice == "booked" {
		return "Your consult is booked"
	}
	return "Your consult"
}

// loadManage fills the manage page for token; the week shown for moving
// the consult follows the query (tz, from, therapist) or the consult itself.
func (s *Server) loadManage(r *http.Request, token string, selected string) (*managePage, error) {
	c, err := s.store.FindConsultByToken(r.Context(), token)
	return s.manageOf(r, token, c, selected, err)
}

// manageOf fills the manage page for consult c of token, or returns err.
func (s *Server) manageOf(r *http.Request, token string, c *journey.Consult, selected string, err error) (*managePage, error) {
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
	p := &managePage{Token: token, Consult: c, Therapist: t, Local: c.Start.In(loc), LocalEnd: c.End.In(loc),
		Upcoming: c.Upcoming(s.cfg.Now()), Errors: map[string]string{}, Slot: selected}
	if c.Mode == journey.ModeVideo {
		pr, err := s.practice(r.Context())
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
		if p.WeekView, err = s.loadWeek(r, "/c/"+url.PathEscape(token), tz, tid, r.FormValue("from"), selected); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) handleManageView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.proc.ManagedConsult(r.Context(), s.who(r), token, "manage link")
	p, err := s.manageOf(r, token, c, "", err)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	for _, n := range []string{"booked", "moved", "cancelled"} {
		if r.URL.Query().Get(n) == "1" {
			p.Notice = n
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "manage", p)
}

func (s *Server) handleManageReschedule(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	slot := r.PostFormValue("slot")
	tid, start, ok := parseSlotValue(slot)
	var err error
	if !ok {
		err = &journey.Error{Code: journey.EINVALID, Message: "Please choose a new time.",
			Fields: []journey.FieldError{{Field: "start", Detail: "Choose a new time for your consult."}}}
	} else {
		_, err = s.proc.RescheduleManaged(r.Context(), s.who(r), token, start, tid, "rescheduled by manage link")
	}
	if err == nil {
		http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?moved=1", http.StatusSeeOther)
		return
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	if journey.ErrorCode(err) == journey.ECONFLICT {
		slot = ""
	}
	p, lerr := s.loadManage(r, token, slot)
	if lerr != nil {
		s.pageError(w, r, lerr)
		return
	}
	p.Message = journey.ErrorMessage(err)
	for _, f := range journey.ErrorFields(err) {
		p.Errors["slot"] = f.Detail
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, errorStatus(err), "manage", p)
}

// cancelPage asks before cancelling, with room for an optional reason.
type cancelPage struct {
	managePage
	Reason string
}

func (p *cancelPage) PageTitle() string { return "Cancel your consult?" }

// handleManageCancelView asks "Cancel your consult on …?": one tap on
// the manage page must not cancel.
func (s *Server) handleManageCancelView(w http.ResponseWriter, r *http.Request) {
	s.renderCancel(w, r, http.StatusOK, "", nil)
}

// renderCancel shows the cancel page with what was typed and err's fields.
func (s *Server) renderCancel(w http.ResponseWriter, r *http.Request, status int, reason string, err error) {
	c, ferr := s.store.FindConsultByToken(r.Context(), r.PathValue("token"))
	if ferr != nil {
		s.pageError(w, r, ferr)
		return
	}
	p := &cancelPage{managePage: managePage{Token: r.PathValue("token"), Consult: c, Upcoming: c.Upcoming(s.cfg.Now()),
		Errors: map[string]string{}}, Reason: reason}
	loc, _ := journey.LoadZone(c.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	p.Local, p.LocalEnd = c.Start.In(loc), c.End.In(loc)
	if err != nil {
		p.Message = showFieldErrors(err, p.Errors, nil)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "manage_cancel", p)
}

func (s *Server) handleManageCancel(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reason := r.PostFormValue("reason")
	_, err := s.proc.CancelManaged(r.Context(), s.who(r), token, reason, "manage link")
	if journey.ErrorCode(err) == journey.EINVALID {
		s.renderCancel(w, r, http.StatusUnprocessableEntity, reason, err)
		return
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?cancelled=1", http.StatusSeeOther)
}
