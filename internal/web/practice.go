package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// practiceForm is the practice's details as typed, kept to fill the form again.
type practiceForm struct {
	Name, Tagline, Address, Phone, Email, TimeZone string
	ReminderHours, CancelNoticeHours               string // as typed; "" takes the default
	VideoLink                                      string
}

// practicePage is the practice's details: the first step of setting up a
// practice and, later, its settings.
type practicePage struct {
	Actor     *journey.Actor
	Form      practiceForm
	Zones     []zoneOption
	Exists    bool // the details have been saved once
	Open      bool // bookings are open
	Setup     journey.SetupProgress
	Saved     string // "details", "open" or "restored" after a redirect
	History   *settingsHistory
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (p *practicePage) PageTitle() string {
	if p.Open {
		return "Practice"
	}
	return "Set up the practice"
}

// practiceFromForm applies what was typed to a copy of the stored
// practice (or a new one, pending set-up), normalising the phone; a phone
// libphonenumber cannot dial is a field error.
func practiceFromForm(stored *journey.Practice, f practiceForm) (*journey.Practice, error) {
	p := *stored
	p.Name, p.Tagline, p.Address, p.Email, p.TimeZone = f.Name, f.Tagline, f.Address, f.Email, strings.TrimSpace(f.TimeZone)
	p.VideoLink = f.VideoLink
	var v journey.Validation
	hours := func(field, typed string, into *int) {
		if typed = strings.TrimSpace(typed); typed == "" {
			*into = 0
		} else if n, err := strconv.Atoi(typed); err == nil && n > 0 {
			*into = n
		} else {
			*into = journey.DefaultWindowHours
			v.Add(field, "Enter a whole number of hours, from 1 to 168.")
		}
	}
	hours("reminder_hours", f.ReminderHours, &p.ReminderHours)
	hours("cancel_notice_hours", f.CancelNoticeHours, &p.CancelNoticeHours)
	phone, ok := normalizePhone(f.Phone)
	if !ok {
		v.Add("phone", "Enter a phone number we can dial, such as (312) 555-0100 or +44 20 7946 0000.")
	}
	if !ok || len(v.Fields) > 0 {
		v.AddErr(p.Validate())
		return nil, v.Err()
	}
	p.Phone = phone
	return &p, p.Validate()
}

// storedPractice returns the practice to edit: the saved one, or a new one
// pending set-up (a practice made here opens only when its admin says so).
func (s *Server) storedPractice(ctx context.Context) (*journey.Practice, bool, error) {
	p, err := s.store.FindPractice(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return &journey.Practice{SetupPending: true}, false, nil
	}
	return p, err == nil, err
}

func (s *Server) practicePage(r *http.Request, p *journey.Practice, exists bool) (*practicePage, error) {
	progress, err := s.store.SetupProgress(r.Context())
	if err != nil {
		return nil, err
	}
	page := &practicePage{Actor: actorFrom(r), Exists: exists, Open: exists && p.Open(), Setup: progress,
		Form: practiceForm{Name: p.Name, Tagline: p.Tagline, Address: p.Address, Phone: p.Phone, Email: p.Email, TimeZone: p.TimeZone,
			ReminderHours: hoursText(p.ReminderHours), CancelNoticeHours: hoursText(p.CancelNoticeHours), VideoLink: p.VideoLink},
		Errors: map[string]string{}}
	page.Zones = zoneOptions(p.TimeZone, s.cfg.Now())
	if page.History, err = s.history(r, journey.SettingsPractice); err != nil {
		return nil, err
	}
	return page, nil
}

func (s *Server) handlePracticeView(w http.ResponseWriter, r *http.Request) {
	p, exists, err := s.storedPractice(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page, err := s.practicePage(r, p, exists)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "admin_practice", page)
}

func (s *Server) handlePracticeUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	f := practiceForm{Name: r.PostFormValue("name"), Tagline: r.PostFormValue("tagline"), Address: r.PostFormValue("address"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), TimeZone: r.PostFormValue("time_zone"),
		ReminderHours: r.PostFormValue("reminder_hours"), CancelNoticeHours: r.PostFormValue("cancel_notice_hours"),
		VideoLink: r.PostFormValue("video_link")}
	stored, exists, err := s.storedPractice(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p, bad := practiceFromForm(stored, f)
	if err := s.proc.UpdatePractice(r.Context(), s.who(r), p, bad, "settings.practice.update", "details"); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return
		}
		page, perr := s.practicePage(r, stored, exists)
		if perr != nil {
			s.pageError(w, r, perr)
			return
		}
		page.Form, page.Zones = f, zoneOptions(stored.TimeZone, s.cfg.Now())
		page.Message = showFieldErrors(err, page.Errors, &page.ErrorList)
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, "admin_practice", page)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=details", http.StatusSeeOther)
}

// handlePracticeOpen opens bookings: the last step of setting up.
func (s *Server) handlePracticeOpen(w http.ResponseWriter, r *http.Request) {
	p, exists, err := s.storedPractice(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if !exists {
		err = journey.Errorf(journey.ECONFLICT, "Save the practice's details before opening bookings.")
	}
	p.SetupPending = false
	if err := s.proc.UpdatePractice(r.Context(), s.who(r), p, err, "settings.practice.open", ""); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=open", http.StatusSeeOther)
}

// apiPractice is the practice's details in the API.
type apiPractice struct {
	Name         string `json:"name"`
	Tagline      string `json:"tagline"`
	Address      string `json:"address"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	TimeZone     string `json:"time_zone"`
	BookingsOpen bool   `json:"bookings_open"`
	// 0 or absent takes the default, 24.
	ReminderHours     int `json:"reminder_hours"`
	CancelNoticeHours int `json:"cancel_notice_hours"`
	// Landing is the landing page's text (Markdown); "" keeps Journey's.
	Landing string `json:"landing"`
	// VideoLink is the https address of the practice's video room, sent
	// with each video consult; "" means none yet.
	VideoLink string `json:"video_link"`
}

// hoursText shows a window on the form: the default for a practice not yet saved.
func hoursText(h int) string {
	if h == 0 {
		h = journey.DefaultWindowHours
	}
	return strconv.Itoa(h)
}

func toAPIPractice(p *journey.Practice) apiPractice {
	return apiPractice{Name: p.Name, Tagline: p.Tagline, Address: p.Address, Phone: p.Phone, Email: p.Email,
		TimeZone: p.TimeZone, BookingsOpen: p.Open(), ReminderHours: p.ReminderHours, CancelNoticeHours: p.CancelNoticeHours,
		Landing: p.Landing, VideoLink: p.VideoLink}
}

func (s *Server) handleAPIPractice(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.storedPractice(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, toAPIPractice(p))
}

// handleAPIPracticeUpdate replaces the practice's details; bookings_open
// opens (or closes) bookings.
func (s *Server) handleAPIPracticeUpdate(w http.ResponseWriter, r *http.Request) {
	var in apiPractice
	if !s.decodeJSON(w, r, &in) {
		return
	}
	stored, _, err := s.storedPractice(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	withLanding := *stored
	withLanding.Landing = in.Landing
	p, bad := practiceFromForm(&withLanding, practiceForm{Name: in.Name, Tagline: in.Tagline, Address: in.Address,
		Phone: in.Phone, Email: in.Email, TimeZone: in.TimeZone, ReminderHours: apiHours(in.ReminderHours), CancelNoticeHours: apiHours(in.CancelNoticeHours),
		VideoLink: in.VideoLink})
	if bad == nil {
		p.SetupPending = !in.BookingsOpen
	}
	if err := s.proc.UpdatePractice(r.Context(), s.who(r), p, bad, "settings.practice.update", "api"); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, toAPIPractice(p))
}

// homeFor is where a signed-in user lands: an admin of a practice not yet
// open lands on setting it up.
func (s *Server) homeFor(r *http.Request, a *journey.Actor) string {
	if a.User.IsStaff() && a.Can(journey.PermSettings) {
		if p, _ := s.store.FindPractice(r.Context()); !p.Open() {
			return "/admin/practice"
		}
	}
	return homeFor(a)
}

// apiHours turns a window from the API into what the form would hold, so
// one reader checks both: 0 is the default, a negative number an error.
func apiHours(h int) string {
	if h == 0 {
		return ""
	}
	return strconv.Itoa(h)
}

// landingPage edits the landing page's text, previewed before it is saved.
type landingPage struct {
	Actor     *journey.Actor
	Text      string
	Preview   template.HTML
	Previewed bool
	Saved     bool
	History   *settingsHistory
	Errors    map[string]string
	Message   string
}

func (*landingPage) PageTitle() string { return "Landing page" }

func (s *Server) handleLandingView(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.storedPractice(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	h, err := s.history(r, journey.SettingsLanding)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "admin_landing", &landingPage{Actor: actorFrom(r), Text: p.Landing,
		Saved: r.URL.Query().Get("saved") != "", Errors: map[string]string{}, History: h})
}

// handleLandingUpdate previews (action=preview) or saves the landing text.
func (s *Server) handleLandingUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	page := &landingPage{Actor: actorFrom(r), Text: normalizeBody(r.PostFormValue("landing")), Errors: map[string]string{}}
	stored, exists, err := s.storedPractice(r.Context())
	if err == nil && !exists {
		err = journey.Errorf(journey.ECONFLICT, "Save the practice's details before its landing page.")
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := *stored
	p.Landing = page.Text
	if err := p.Validate(); err == nil && r.PostFormValue("action") != "preview" {
		err = s.proc.UpdatePractice(r.Context(), s.who(r), &p, nil, "settings.practice.landing", "")
		if err == nil {
			http.Redirect(w, r, "/admin/practice/landing?saved=1", http.StatusSeeOther)
			return
		}
		if journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return
		}
	} else if err != nil {
		page.Message = showFieldErrors(err, page.Errors, nil)
	}
	status := http.StatusOK
	if page.Message != "" {
		status = http.StatusUnprocessableEntity
	} else {
		page.Preview, page.Previewed = md.render(p.Landing), true
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "admin_landing", page)
}
