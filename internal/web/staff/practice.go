package staff

import (
	"html/template"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// PracticePage is the practice's details: the first step of setting up a
// practice and, later, its settings.
type PracticePage struct {
	Actor     *journey.Actor
	Form      webkit.PracticeForm
	Zones     []webkit.ZoneOption
	Exists    bool // the details have been saved once
	Open      bool // bookings are open
	Setup     journey.SetupProgress
	Saved     string // "details", "open" or "restored" after a redirect
	History   *settingsHistory
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (p *PracticePage) PageTitle() string {
	if p.Open {
		return "Practice"
	}
	return "Set up the practice"
}

func (s *Handler) practicePage(r *http.Request, p *journey.Practice, exists bool) (*PracticePage, error) {
	progress, err := s.store.SetupProgress(r.Context())
	if err != nil {
		return nil, err
	}
	page := &PracticePage{Actor: webkit.ActorFrom(r), Exists: exists, Open: exists && p.Open(), Setup: progress,
		Form: webkit.PracticeForm{Name: p.Name, Tagline: p.Tagline, Address: p.Address, Phone: p.Phone, Email: p.Email, TimeZone: p.TimeZone,
			ReminderHours: webkit.HoursText(p.ReminderHours), CancelNoticeHours: webkit.HoursText(p.CancelNoticeHours), VideoLink: p.VideoLink},
		Errors: map[string]string{}}
	page.Zones = webkit.ZoneOptions(p.TimeZone, s.now())
	if page.History, err = s.history(r, journey.SettingsPractice); err != nil {
		return nil, err
	}
	return page, nil
}

func (s *Handler) HandlePracticeView(w http.ResponseWriter, r *http.Request) {
	p, exists, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page, err := s.practicePage(r, p, exists)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_practice", page)
}

func (s *Handler) HandlePracticeUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	f := webkit.PracticeForm{Name: r.PostFormValue("name"), Tagline: r.PostFormValue("tagline"), Address: r.PostFormValue("address"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), TimeZone: r.PostFormValue("time_zone"),
		ReminderHours: r.PostFormValue("reminder_hours"), CancelNoticeHours: r.PostFormValue("cancel_notice_hours"),
		VideoLink: r.PostFormValue("video_link")}
	stored, exists, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p, bad := webkit.PracticeFromForm(stored, f)
	if err := s.proc.UpdatePractice(r.Context(), s.kit.Who(r), p, bad, "settings.practice.update", "details"); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page, perr := s.practicePage(r, stored, exists)
		if perr != nil {
			s.kit.PageError(w, r, perr)
			return
		}
		page.Form, page.Zones = f, webkit.ZoneOptions(stored.TimeZone, s.now())
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_practice", page)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=details", http.StatusSeeOther)
}

// HandlePracticeOpen opens bookings: the last step of setting up.
func (s *Handler) HandlePracticeOpen(w http.ResponseWriter, r *http.Request) {
	p, exists, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if !exists {
		err = journey.Errorf(journey.ECONFLICT, "Save the practice's details before opening bookings.")
	}
	p.SetupPending = false
	if err := s.proc.UpdatePractice(r.Context(), s.kit.Who(r), p, err, "settings.practice.open", ""); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=open", http.StatusSeeOther)
}

// LandingPage edits the landing page's text, previewed before it is saved.
type LandingPage struct {
	Actor     *journey.Actor
	Text      string
	Preview   template.HTML
	Previewed bool
	Saved     bool
	History   *settingsHistory
	Errors    map[string]string
	Message   string
}

func (*LandingPage) PageTitle() string { return "Landing page" }

func (s *Handler) HandleLandingView(w http.ResponseWriter, r *http.Request) {
	p, _, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	h, err := s.history(r, journey.SettingsLanding)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_landing", &LandingPage{Actor: webkit.ActorFrom(r), Text: p.Landing,
		Saved: r.URL.Query().Get("saved") != "", Errors: map[string]string{}, History: h})
}

// HandleLandingUpdate previews (action=preview) or saves the landing text.
func (s *Handler) HandleLandingUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &LandingPage{Actor: webkit.ActorFrom(r), Text: webkit.NormalizeBody(r.PostFormValue("landing")), Errors: map[string]string{}}
	stored, exists, err := webkit.StoredPractice(r.Context(), s.store)
	if err == nil && !exists {
		err = journey.Errorf(journey.ECONFLICT, "Save the practice's details before its landing page.")
	}
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p := *stored
	p.Landing = page.Text
	if err := p.Validate(); err == nil && r.PostFormValue("action") != "preview" {
		err = s.proc.UpdatePractice(r.Context(), s.kit.Who(r), &p, nil, "settings.practice.landing", "")
		if err == nil {
			http.Redirect(w, r, "/admin/practice/landing?saved=1", http.StatusSeeOther)
			return
		}
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
	} else if err != nil {
		page.Message = webkit.ShowFieldErrors(err, page.Errors, nil)
	}
	status := http.StatusOK
	if page.Message != "" {
		status = http.StatusUnprocessableEntity
	} else {
		page.Preview, page.Previewed = webkit.Markdown(p.Landing), true
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "admin_landing", page)
}
