package staff

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Front desk (and admins, and a therapist for themselves) book, move and
// cancel consults for a caller on the phone. The store's booking checks
// apply as on the public page: only an offered time, never a double
// booking; the person gets the same emails.

type BookPage struct {
	webkit.WeekView
	Actor     *journey.Actor
	Form      webkit.BookForm
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Methods   []string
	Modes     []string
}

func (*BookPage) PageTitle() string { return "Book a consult for a caller" }

// staffWeek is loadWeek for a staff page: a therapist sees and books only
// their own times.
func (s *Handler) staffWeek(r *http.Request, path, tz string, tid int64, from, selected string) (webkit.WeekView, error) {
	a := webkit.ActorFrom(r)
	tid = a.ConsultTherapist(tid)
	v, err := s.kit.LoadWeek(r, path, tz, tid, from, selected)
	if err != nil || a.ConsultScope() <= 0 {
		return v, err
	}
	var own []*journey.Therapist
	for _, t := range v.Therapists {
		if t.ID == a.ID() {
			own = append(own, t)
		}
	}
	v.Therapists = own
	return v, nil
}

func (s *Handler) HandleBookView(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tid, _ := strconv.ParseInt(q.Get("therapist"), 10, 64)
	page := &BookPage{Actor: webkit.ActorFrom(r), Form: webkit.BookForm{ContactMethod: "phone"}, Methods: journey.ContactMethods, Modes: journey.ConsultModes,
		Errors: map[string]string{}}
	var err error
	if page.WeekView, err = s.staffWeek(r, "/staff/consults/new", q.Get("tz"), tid, q.Get("from"), ""); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_consult_new", page)
}

func (s *Handler) HandleBookCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	a, form, tz := webkit.ActorFrom(r), webkit.ReadBookForm(r), r.PostFormValue("tz")
	req, err := webkit.BookingFromForm(form, tz)
	if err == nil {
		var c *journey.Consult
		if c, err = s.proc.BookConsult(r.Context(), a, req, ""); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?booked=1", c.ID), http.StatusSeeOther)
			return
		}
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.kit.PageError(w, r, err)
		return
	}
	status := s.kit.Status(err)
	page := &BookPage{Actor: a, Form: form, Methods: journey.ContactMethods, Modes: journey.ConsultModes, Errors: map[string]string{}}
	page.Message = webkit.ShowFieldErrors(webkit.RenameFields(err, webkit.OnSlot), page.Errors, &page.ErrorList)
	selected := form.Slot
	if journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] == "" {
		selected, page.Form.Slot = "", "" // the time is gone: show the fresh grid
	}
	tid, _ := strconv.ParseInt(r.PostFormValue("therapist"), 10, 64)
	if page.WeekView, err = s.staffWeek(r, "/staff/consults/new", tz, tid, r.PostFormValue("from"), selected); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_consult_new", page)
}

// changeWeek is the week of times an upcoming consult may move to: in the
// person's zone and with their therapist unless the query says otherwise.
func (s *Handler) changeWeek(r *http.Request, c *journey.Consult, selected string) (webkit.WeekView, error) {
	tz := r.FormValue("tz")
	if tz == "" {
		tz = c.TimeZone
	}
	tid := c.TherapistID
	if v := r.FormValue("therapist"); v != "" {
		tid, _ = strconv.ParseInt(v, 10, 64)
	}
	return s.staffWeek(r, fmt.Sprintf("/staff/consults/%d", c.ID), tz, tid, r.FormValue("from"), selected)
}

func (s *Handler) HandleConsultReschedule(w http.ResponseWriter, r *http.Request) {
	id, _ := webkit.PathID(r, "id")
	slot := r.PostFormValue("slot")
	tid, start, ok := webkit.ParseSlotValue(slot)
	var bad error
	if !ok {
		bad = webkit.Invalid("slot", "Choose the new time.")
	}
	c, err := s.proc.MoveConsult(r.Context(), s.kit.Who(r), id, start, tid, bad, "")
	if c == nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?moved=1", c.ID), http.StatusSeeOther)
		return
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.kit.PageError(w, r, err)
		return
	}
	page := &ConsultPage{Message: journey.ErrorMessage(err), Errors: map[string]string{}}
	if journey.ErrorCode(err) == journey.EINVALID {
		page.Slot = slot
	}
	for _, f := range journey.ErrorFields(err) {
		page.Errors["slot"] = f.Detail
	}
	s.renderStaffConsultPage(w, r, s.kit.Status(err), c, page)
}

// HandleConsultCancel cancels a consult for the caller. Staff say
// why; the reason goes to the audit trail, not to the person.
func (s *Handler) HandleConsultCancel(w http.ResponseWriter, r *http.Request) {
	id, _ := webkit.PathID(r, "id")
	c, err := s.proc.CancelConsult(r.Context(), s.kit.Who(r), id, r.PostFormValue("reason"), "")
	if c == nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?cancelled=1", c.ID), http.StatusSeeOther)
		return
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.kit.PageError(w, r, err)
		return
	}
	page := &ConsultPage{Reason: r.PostFormValue("reason"), Errors: map[string]string{}}
	page.Message = webkit.ShowFieldErrors(err, page.Errors, nil)
	s.renderStaffConsultPage(w, r, s.kit.Status(err), c, page)
}
