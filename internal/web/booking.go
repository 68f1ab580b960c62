package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// bookForm is what the visitor typed, kept to fill the form again.
type bookForm struct {
	Slot          string
	Name          string
	Email         string
	Phone         string
	ContactMethod string
	Mode          string // phone or video; none until the person chooses
	Reason        string
	Consent       bool
}

// WeekView is the part of a page that shows a week of slots.
type WeekView struct {
	TZ          string
	Zones       []zoneOption
	Therapists  []*journey.Therapist
	TherapistID int64
	From        string
	WeekLabel   string
	Minutes     string // how long consults last, e.g. "30" or "20–45"
	PrevURL     string
	NextURL     string
	Grid        template.HTML
}

type bookPage struct {
	WeekView
	Form      bookForm
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string // a message for the whole form
	FormToken string
	Resend    bool // offer to email the manage link of the existing consult
	Methods   []string
	Modes     []string
	Private   bool // private booking: the time is held until confirmed by email
}

func (*bookPage) PageTitle() string { return "Book a free consult" }

// visitorZone returns the zone named by the request's tz, or the
// practice's zone when it names none. A zone that is named but unknown
// is an error for the caller to show.
func (s *Server) visitorZone(r *http.Request, tz string) (*time.Location, string, error) {
	if tz == "" {
		p, err := s.practice(r.Context())
		if err != nil {
			return nil, "", err
		}
		tz = p.TimeZone
	}
	loc, err := journey.LoadZone(tz)
	return loc, tz, err
}

// week resolves the visitor's week: from (YYYY-MM-DD) clamped between
// today and the furthest horizon, in loc.
func (s *Server) week(from string, loc *time.Location) time.Time {
	now := s.cfg.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	d, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil || d.Before(today) || d.After(today.AddDate(0, 0, journey.MaxSlotDays)) {
		return today
	}
	return d
}

// loadWeek fills a WeekView for the page at path, keeping query params.
func (s *Server) loadWeek(r *http.Request, path string, tz string, therapistID int64, from string, selected string) (WeekView, error) {
	loc, tz, err := s.visitorZone(r, tz)
	if err != nil {
		// An unknown zone falls back to the practice's; a store that
		// cannot say which that is fails the page.
		if loc, tz, err = s.visitorZone(r, ""); err != nil {
			return WeekView{}, err
		}
	}
	ts, err := s.store.FindTherapists(r.Context(), true)
	if err != nil {
		return WeekView{}, err
	}
	known := therapistID == 0
	for _, t := range ts {
		known = known || t.ID == therapistID
	}
	if !known {
		therapistID = 0
	}
	start := s.week(from, loc)
	lo, hi := 0, 0
	for _, t := range ts {
		if therapistID != 0 && t.ID != therapistID {
			continue
		}
		m := int(t.ConsultLength / time.Minute)
		if lo == 0 || m < lo {
			lo = m
		}
		hi = max(hi, m)
	}
	grid, err := s.slotGrid(r.Context(), start, loc, therapistID, selected)
	if err != nil {
		return WeekView{}, err
	}
	v := WeekView{TZ: tz, Zones: zoneOptions(tz, s.cfg.Now()), Therapists: ts, TherapistID: therapistID,
		From: start.Format(time.DateOnly), Grid: grid, Minutes: strconv.Itoa(lo),
		WeekLabel: start.Format("January 2") + " – " + start.AddDate(0, 0, 6).Format("January 2, 2006")}
	if hi != lo {
		v.Minutes += "–" + strconv.Itoa(hi)
	}
	link := func(d time.Time) string {
		q := url.Values{"tz": {tz}, "from": {d.Format(time.DateOnly)}}
		if therapistID != 0 {
			q.Set("therapist", strconv.FormatInt(therapistID, 10))
		}
		return path + "?" + q.Encode() + "#slots"
	}
	if today := s.week("", loc); start.After(today) {
		v.PrevURL = link(start.AddDate(0, 0, -7))
	}
	if next := start.AddDate(0, 0, 7); next.Before(s.week("", loc).AddDate(0, 0, journey.MaxSlotDays)) {
		v.NextURL = link(next)
	}
	return v, nil
}

func (s *Server) handleBookView(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tid, _ := strconv.ParseInt(q.Get("therapist"), 10, 64)
	// The grid depends on the minute (minimum notice moves on), so the key holds it.
	key := fmt.Sprintf("book|%s|%d|%s|%d", q.Get("tz"), tid, q.Get("from"), s.cfg.Now().Unix()/60)
	s.servePage(w, r, key, true, func() (string, any, error) {
		settings, err := s.store.FindBookingSettings(r.Context())
		if err != nil {
			return "", nil, err
		}
		page := &bookPage{Form: bookForm{ContactMethod: "email"}, FormToken: tokenPlaceholder, Methods: journey.ContactMethods,
			Modes: journey.ConsultModes, Private: settings.Private}
		if _, err := journey.LoadZone(q.Get("tz")); q.Get("tz") != "" && err != nil {
			page.Errors = map[string]string{"tz": "We do not know that time zone; showing times in the practice's zone."}
		}
		page.WeekView, err = s.loadWeek(r, "/book", q.Get("tz"), tid, q.Get("from"), "")
		return "book", page, err
	})
}

// readBookForm reads the booking form's fields as typed.
func readBookForm(r *http.Request) bookForm {
	return bookForm{
		Slot:          r.PostFormValue("slot"),
		Name:          r.PostFormValue("name"),
		Email:         r.PostFormValue("email"),
		Phone:         r.PostFormValue("phone"),
		ContactMethod: r.PostFormValue("contact_method"),
		Mode:          r.PostFormValue("mode"),
		Reason:        r.PostFormValue("reason"),
		Consent:       r.PostFormValue("privacy_consent") == "yes",
	}
}

func (s *Server) handleBookCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	form := readBookForm(r)
	tz := r.PostFormValue("tz")
	tid, _ := strconv.ParseInt(r.PostFormValue("therapist"), 10, 64)
	fail := func(status int, err error) {
		page := &bookPage{Form: form, FormToken: s.formToken(), Methods: journey.ContactMethods, Modes: journey.ConsultModes,
			Errors: map[string]string{}}
		if st, err := s.store.FindBookingSettings(r.Context()); err == nil {
			page.Private = st.Private
		}
		page.Message = showFieldErrors(renameFields(err, onSlot), page.Errors, &page.ErrorList)
		page.Resend = journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] != ""
		selected := form.Slot
		if journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] == "" {
			selected = "" // the slot is gone: show the fresh grid
			form.Slot = ""
		}
		var werr error
		if page.WeekView, werr = s.loadWeek(r, "/book", tz, tid, r.PostFormValue("from"), selected); werr != nil {
			s.pageError(w, r, werr)
			return
		}
		s.render(w, r, status, "book", page)
	}
	if r.PostFormValue("website") != "" || !s.checkFormToken(r.PostFormValue("ft")) {
		fail(http.StatusUnprocessableEntity, journey.Errorf(journey.EINVALID,
			"We could not accept the form this time. Please check your details and send it again."))
		return
	}
	req, err := bookingFromForm(form, tz)
	if err != nil {
		fail(errorStatus(err), err)
		return
	}
	c, held, err := s.proc.Book(r.Context(), s.who(r), req, "public booking page")
	if err != nil {
		if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
			s.pageError(w, r, err)
			return
		}
		fail(errorStatus(err), err)
		return
	}
	if held {
		s.held(w, r)
		return
	}
	http.Redirect(w, r, "/c/"+url.PathEscape(c.ManageToken)+"?booked=1", http.StatusSeeOther)
}

// bookingFromForm turns the form into a request, with the field errors the
// form itself can tell (slot, phone) gathered with the service's.
func bookingFromForm(f bookForm, tz string) (*journey.BookingRequest, error) {
	var v journey.Validation
	req := &journey.BookingRequest{Name: f.Name, Email: f.Email, ContactMethod: f.ContactMethod, Mode: f.Mode, TimeZone: tz,
		Reason: f.Reason, PrivacyConsent: f.Consent}
	tid, start, ok := parseSlotValue(f.Slot)
	if !ok {
		v.Add("slot", "Choose a time for your consult.")
	}
	req.TherapistID, req.Start = tid, start
	phone, ok := normalizePhone(f.Phone)
	if !ok {
		v.Add("phone", phoneHelp)
	}
	req.Phone = phone
	if err := v.Err(); err != nil {
		// Report the service's own checks too, so every field is flagged at once.
		req.Normalize()
		if verr := req.Validate(); verr != nil {
			for _, fe := range journey.ErrorFields(verr) {
				if fe.Field != "start" && !v.Has(fe.Field) {
					v.Add(fe.Field, fe.Detail)
				}
			}
		}
		return nil, v.Err()
	}
	return req, nil
}

type resendPage struct{ Email string }

func (*resendPage) PageTitle() string { return "Check your email" }

func (s *Server) handleResendLink(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if err := s.store.ResendManageLink(r.Context(), email); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resent", &resendPage{Email: email})
}

// formReadError answers a form that could not be parsed: 413 when it was
// over the size limit, 400 otherwise.
func (s *Server) formReadError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusBadRequest, "We could not read the form. Please try again."
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		status, msg = http.StatusRequestEntityTooLarge, "The form was larger than we accept. Please shorten what you wrote and try again."
	}
	s.render(w, r, status, "error", &errorPage{Status: status, Title: http.StatusText(status), Message: msg})
}
