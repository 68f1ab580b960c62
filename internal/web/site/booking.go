package site

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// BookPage is the booking form with its week of slots.
type BookPage struct {
	webkit.WeekView
	Form      webkit.BookForm
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string // a message for the whole form
	FormToken string
	Resend    bool // offer to email the manage link of the existing consult
	Methods   []string
	Modes     []string
	Private   bool // private booking: the time is held until confirmed by email
}

func (*BookPage) PageTitle() string { return "Book a free consult" }

func (s *Site) HandleBookView(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tid, _ := strconv.ParseInt(q.Get("therapist"), 10, 64)
	// The grid depends on the minute (minimum notice moves on), so the key holds it.
	key := fmt.Sprintf("book|%s|%d|%s|%d", q.Get("tz"), tid, q.Get("from"), s.now().Unix()/60)
	s.kit.ServePage(w, r, key, true, func() (string, any, error) {
		settings, err := s.store.FindBookingSettings(r.Context())
		if err != nil {
			return "", nil, err
		}
		page := &BookPage{Form: webkit.BookForm{ContactMethod: "email"}, FormToken: webkit.TokenPlaceholder, Methods: journey.ContactMethods,
			Modes: journey.ConsultModes, Private: settings.Private}
		if _, err := journey.LoadZone(q.Get("tz")); q.Get("tz") != "" && err != nil {
			page.Errors = map[string]string{"tz": "We do not know that time zone; showing times in the practice's zone."}
		}
		page.WeekView, err = s.kit.LoadWeek(r, "/book", q.Get("tz"), tid, q.Get("from"), "")
		return "book", page, err
	})
}

func (s *Site) HandleBookCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := webkit.ReadBookForm(r)
	tz := r.PostFormValue("tz")
	tid, _ := strconv.ParseInt(r.PostFormValue("therapist"), 10, 64)
	fail := func(status int, err error) {
		page := &BookPage{Form: form, FormToken: s.kit.FormToken(), Methods: journey.ContactMethods, Modes: journey.ConsultModes,
			Errors: map[string]string{}}
		if st, err := s.store.FindBookingSettings(r.Context()); err == nil {
			page.Private = st.Private
		}
		page.Message = webkit.ShowFieldErrors(webkit.RenameFields(err, webkit.OnSlot), page.Errors, &page.ErrorList)
		page.Resend = journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] != ""
		selected := form.Slot
		if journey.ErrorCode(err) == journey.ECONFLICT && page.Errors["email"] == "" {
			selected = "" // the slot is gone: show the fresh grid
			form.Slot = ""
		}
		var werr error
		if page.WeekView, werr = s.kit.LoadWeek(r, "/book", tz, tid, r.PostFormValue("from"), selected); werr != nil {
			s.kit.PageError(w, r, werr)
			return
		}
		s.kit.Render(w, r, status, "book", page)
	}
	if r.PostFormValue("website") != "" || !s.kit.CheckFormToken(r.PostFormValue("ft")) {
		fail(http.StatusUnprocessableEntity, journey.Errorf(journey.EINVALID,
			"We could not accept the form this time. Please check your details and send it again."))
		return
	}
	req, err := webkit.BookingFromForm(form, tz)
	if err != nil {
		fail(s.kit.Status(err), err)
		return
	}
	c, held, err := s.proc.Book(r.Context(), s.kit.Who(r), req, "public booking page")
	if err != nil {
		if code := journey.ErrorCode(err); code != journey.EINVALID && code != journey.ECONFLICT {
			s.kit.PageError(w, r, err)
			return
		}
		fail(s.kit.Status(err), err)
		return
	}
	if held {
		s.held(w, r)
		return
	}
	http.Redirect(w, r, "/c/"+url.PathEscape(c.ManageToken)+"?booked=1", http.StatusSeeOther)
}

type ResendPage struct{ Email string }

func (*ResendPage) PageTitle() string { return "Check your email" }

func (s *Site) HandleResendLink(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if err := s.store.ResendManageLink(r.Context(), email); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.kit.Render(w, r, http.StatusOK, "resent", &ResendPage{Email: email})
}
