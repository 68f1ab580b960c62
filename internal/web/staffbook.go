package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// Front desk (and admins, and a therapist for themselves) book, move and
// cancel consults for a caller on the phone. The store's booking checks
// apply as on the public page: only an offered time, never a double
// booking; the person gets the same emails.

type staffBookPage struct {
	WeekView
	Actor     *journey.Actor
	Form      bookForm
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Methods   []string
	Modes     []string
}

func (*staffBookPage) PageTitle() string { return "Book a consult for a caller" }

// staffWeek is loadWeek for a staff page: a therapist sees and books only
// their own times.
func (s *Server) staffWeek(r *http.Request, path, tz string, tid int64, from, selected string) (WeekView, error) {
	a := actorFrom(r)
	tid = a.ConsultTherapist(tid)
	v, err := s.loadWeek(r, path, tz, tid, from, selected)
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

func (s *Server) handleStaffBookView(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tid, _ := strconv.ParseInt(q.Get("therapist"), 10, 64)
	page := &staffBookPage{Actor: actorFrom(r), Form: bookForm{ContactMethod: "phone"}, Methods: journey.ContactMethods, Modes: journey.ConsultModes,
		Errors: map[string]string{}}
	var err error
	if page.WeekView, err = s.staffWeek(r, "/staff/consults/new", q.Get("tz"), tid, q.Get("from"), ""); err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_consult_new", page)
}

func (s *Server) handleStaffBookCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	a, form, tz := actorFrom(r), readBookForm(r), r.PostFormValue("tz")
	req, err := bookingFromForm(form, tz)
	if err == nil {
		req.TherapistID = a.ConsultTherapist(req.TherapistID)
		var c *journey.Consult
		if c, err = s.store.CreateConsult(r.Context(), req); err == nil {
			s.audit(r, "consult.create", "consult", c.ID, journey.AuditSuccess, "booked by staff for a caller")
			http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?booked=1", c.ID), http.StatusSeeOther)
			return
		}
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	status := errorStatus(err)
	page := &staffBookPage{Actor: a, Form: form, Methods: journey.ContactMethods, Modes: journey.ConsultModes, Errors: map[string]string{}}
	page.Message = showFieldErrors(renameFields(err, onSlot), page.Errors, &page.ErrorList)
	selected := form.Slot
	if journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] == "" {
		selected, page.Form.Slot = "", "" // the time is gone: show the fresh grid
	}
	tid, _ := strconv.ParseInt(r.PostFormValue("therapist"), 10, 64)
	if page.WeekView, err = s.staffWeek(r, "/staff/consults/new", tz, tid, r.PostFormValue("from"), selected); err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "staff_consult_new", page)
}

// changeWeek is the week of times an upcoming consult may move to: in the
// person's zone and with their therapist unless the query says otherwise.
func (s *Server) changeWeek(r *http.Request, c *journey.Consult, selected string) (WeekView, error) {
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

func (s *Server) handleStaffConsultReschedule(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	slot := r.PostFormValue("slot")
	tid, start, ok := parseSlotValue(slot)
	if !ok {
		err = invalid("slot", "Choose the new time.")
	} else {
		_, err = s.store.RescheduleConsultByID(r.Context(), c.ID, start, actorFrom(r).ConsultTherapist(tid))
	}
	if err == nil {
		s.audit(r, "consult.update", "consult", c.ID, journey.AuditSuccess, "moved by staff")
		http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?moved=1", c.ID), http.StatusSeeOther)
		return
	}
	s.audit(r, "consult.update", "consult", c.ID, journey.AuditFailure, "move by staff")
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	page := &staffConsultPage{Message: journey.ErrorMessage(err), Errors: map[string]string{}}
	if journey.ErrorCode(err) == journey.EINVALID {
		page.Slot = slot
	}
	for _, f := range journey.ErrorFields(err) {
		page.Errors["slot"] = f.Detail
	}
	s.renderStaffConsultPage(w, r, errorStatus(err), c, page)
}

// handleStaffConsultCancel cancels a consult for the caller. Staff say
// why; the reason goes to the audit trail, not to the person.
func (s *Server) handleStaffConsultCancel(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	reason, err := cancelReason(r.PostFormValue("reason"))
	if err == nil {
		_, err = s.store.CancelConsultByID(r.Context(), c.ID, reason)
	}
	if err == nil {
		s.auditReason(r, "consult.cancel", "consult", c.ID, reason, "cancelled by staff")
		http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d?cancelled=1", c.ID), http.StatusSeeOther)
		return
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	page := &staffConsultPage{Reason: r.PostFormValue("reason"), Errors: map[string]string{}}
	page.Message = showFieldErrors(err, page.Errors, nil)
	s.renderStaffConsultPage(w, r, errorStatus(err), c, page)
}

// cancelReason checks the reason staff give for cancelling: the
// visitor's rules (journey.CancelReason), and staff must give one.
func cancelReason(v string) (string, error) {
	reason, err := journey.CancelReason(v)
	if err == nil && reason == "" {
		err = invalid("reason", fmt.Sprintf("Say why the consult is cancelled (for example \"caller asked\"), in at most %d characters.", journey.MaxCancelReasonLen))
	}
	return reason, err
}

// auditReason records a successful change with the reason the actor gave.
func (s *Server) auditReason(r *http.Request, action, subjectType string, subjectID int64, reason, detail string) {
	e := &journey.AuditEntry{Action: action, SubjectType: subjectType, SubjectID: strconv.FormatInt(subjectID, 10),
		ClientAddr: s.clientAddr(r), Outcome: journey.AuditSuccess, Reason: reason, Detail: detail}
	if a := actorFrom(r); a != nil && a.User != nil {
		e.ActorID, e.ActorRole = a.User.ID, strings.Join(a.User.Roles, ",")
	}
	s.store.Audit(r.Context(), e)
}

// handleAPIStaffBook books a consult for a caller: the public booking's
// body and checks, whatever the private-booking setting (staff book
// directly), with the therapist limited as on the page.
func (s *Server) handleAPIStaffBook(w http.ResponseWriter, r *http.Request) {
	var in apiBooking
	if !s.decodeJSON(w, r, &in) {
		return
	}
	req, err := bookingFromAPI(in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	a := actorFrom(r)
	req.TherapistID = a.ConsultTherapist(req.TherapistID)
	c, err := s.store.CreateConsult(r.Context(), req)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.audit(r, "consult.create", "consult", c.ID, journey.AuditSuccess, "booked by staff for a caller (api)")
	w.Header().Set("Location", fmt.Sprintf("/api/v1/consults/%d", c.ID))
	writeJSON(w, http.StatusCreated, s.staffConsultJSON(a, c))
}

func (s *Server) handleAPIConsultReschedule(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in apiReschedule
	if !s.decodeJSON(w, r, &in) {
		return
	}
	start, err := parseStart(in.Start)
	if err == nil {
		c, err = s.store.RescheduleConsultByID(r.Context(), c.ID, start, actorFrom(r).ConsultTherapist(in.TherapistID))
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.audit(r, "consult.update", "consult", c.ID, journey.AuditSuccess, "moved by staff (api)")
	writeJSON(w, http.StatusOK, s.staffConsultJSON(actorFrom(r), c))
}

func (s *Server) handleAPIConsultCancel(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if !s.decodeJSON(w, r, &in) {
		return
	}
	reason, err := cancelReason(in.Reason)
	if err == nil {
		c, err = s.store.CancelConsultByID(r.Context(), c.ID, reason)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.auditReason(r, "consult.cancel", "consult", c.ID, reason, "cancelled by staff (api)")
	writeJSON(w, http.StatusOK, s.staffConsultJSON(actorFrom(r), c))
}
