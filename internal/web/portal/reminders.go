package portal

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ReminderProcessing is the part of processing the client's reminders
// page calls: their answer about texts, their calendar links.
type ReminderProcessing interface {
	TextConsent(ctx context.Context, a *journey.Actor, id int64) (*journey.TextConsent, error)
	RecordTextConsent(ctx context.Context, a *journey.Actor, id int64, agreed bool, phone string) (*journey.TextConsent, error)
	CreateCalendarFeed(ctx context.Context, a *journey.Actor, via string) (*journey.CalendarFeed, string, error)
	RevokeCalendarFeed(ctx context.Context, a *journey.Actor, id int64) error
	CalendarFeeds(ctx context.Context, a *journey.Actor) ([]*journey.CalendarFeed, error)
}

// RemindersPage is the client's reminders: whether they are texted, on
// which number, and their private calendar links.
type RemindersPage struct {
	Agreed    bool
	Phone     string
	ConsentAt time.Time
	Saved     string // "texts" or "revoked" after a change
	Feeds     []*journey.CalendarFeed
	NewURL    string // a link just made: shown this once
	Errors    map[string]string
	Summary   []webkit.ErrorLine
	Loc       *time.Location
}

func (*RemindersPage) PageTitle() string { return "Reminders and your calendar" }

var reminderLabels = map[string]string{"phone": "Your mobile number", "agreed": "Text reminders"}

// renderReminders fills page with the client's consent (unless the form
// is being shown again) and feeds, and draws it.
func (s *Handler) renderReminders(w http.ResponseWriter, r *http.Request, status int, page *RemindersPage, fresh bool) {
	a := s.kit.Who(r)
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if fresh {
		tc, err := s.proc.TextConsent(r.Context(), a, c.ID)
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.Agreed, page.Phone, page.ConsentAt = tc.Agreed, tc.Phone, tc.At
		if page.Phone == "" {
			page.Phone = c.Phone
		}
	}
	if page.Feeds, err = s.proc.CalendarFeeds(r.Context(), a); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_reminders", page)
}

// HandleReminders shows the client's reminder choices and calendar links.
func (s *Handler) HandleReminders(w http.ResponseWriter, r *http.Request) {
	s.renderReminders(w, r, http.StatusOK, &RemindersPage{Saved: r.URL.Query().Get("saved")}, true)
}

// HandleTextConsent records whether the client may be texted, and on
// which number; a wrong number is shown beside the field, as typed.
func (s *Handler) HandleTextConsent(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &RemindersPage{Agreed: r.PostFormValue("agreed") == "yes", Phone: r.PostFormValue("phone"), Errors: map[string]string{}}
	c, err := s.portalClient(r)
	if err == nil {
		phone := page.Phone
		if e164, ok := webkit.NormalizePhone(phone); ok {
			phone = e164
		}
		_, err = s.proc.RecordTextConsent(r.Context(), s.kit.Who(r), c.ID, page.Agreed, phone)
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string { return reminderLabels[f] })
		s.renderReminders(w, r, s.kit.Status(err), page, false)
		return
	}
	http.Redirect(w, r, "/portal/reminders?saved=texts", http.StatusSeeOther)
}

// HandleCalendarCreate makes the client a calendar link and shows it once.
func (s *Handler) HandleCalendarCreate(w http.ResponseWriter, r *http.Request) {
	_, token, err := s.proc.CreateCalendarFeed(r.Context(), s.kit.Who(r), " via portal")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderReminders(w, r, http.StatusOK, &RemindersPage{NewURL: s.kit.BaseURL() + "/calendar/" + token + ".ics"}, true)
}

// HandleCalendarRevoke revokes one of the client's calendar links.
func (s *Handler) HandleCalendarRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Calendar link")
	if err == nil {
		err = s.proc.RevokeCalendarFeed(r.Context(), s.kit.Who(r), id)
	}
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/reminders?saved=revoked", http.StatusSeeOther)
}
