package staff

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ReminderProcessing is the part of processing the staff's calendar
// links, the failed deliveries and the reminder settings call.
type ReminderProcessing interface {
	CreateCalendarFeed(ctx context.Context, a *journey.Actor, via string) (*journey.CalendarFeed, string, error)
	RevokeCalendarFeed(ctx context.Context, a *journey.Actor, id int64) error
	CalendarFeeds(ctx context.Context, a *journey.Actor) ([]*journey.CalendarFeed, error)
	FailedDeliveries(ctx context.Context, a *journey.Actor, limit int, via string) ([]*journey.FailedDelivery, error)
	ReminderSettings(ctx context.Context) (journey.ReminderSettings, error)
	SaveReminderSettings(ctx context.Context, a *journey.Actor, s journey.ReminderSettings) error
	TextConsent(ctx context.Context, a *journey.Actor, id int64) (*journey.TextConsent, error)
	RecordTextConsent(ctx context.Context, a *journey.Actor, id int64, agreed bool, phone string) (*journey.TextConsent, error)
}

// CalendarLinksPage is a member of staff's private calendar links.
type CalendarLinksPage struct {
	Feeds   []*journey.CalendarFeed
	NewURL  string // shown once
	Revoked bool
	Loc     *time.Location
}

func (*CalendarLinksPage) PageTitle() string { return "Your calendar link" }

func (s *Handler) renderCalendarLinks(w http.ResponseWriter, r *http.Request, page *CalendarLinksPage) {
	fs, err := s.proc.CalendarFeeds(r.Context(), s.kit.Who(r))
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Feeds = fs
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_calendar_links", page)
}

// HandleCalendarLinks shows the person's calendar links.
func (s *Handler) HandleCalendarLinks(w http.ResponseWriter, r *http.Request) {
	s.renderCalendarLinks(w, r, &CalendarLinksPage{Revoked: r.URL.Query().Get("revoked") == "1"})
}

// HandleCalendarLinkCreate makes a calendar link and shows it once.
func (s *Handler) HandleCalendarLinkCreate(w http.ResponseWriter, r *http.Request) {
	_, token, err := s.proc.CreateCalendarFeed(r.Context(), s.kit.Who(r), " via workspace")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderCalendarLinks(w, r, &CalendarLinksPage{NewURL: s.kit.BaseURL() + "/calendar/" + token + ".ics"})
}

// HandleCalendarLinkRevoke revokes one of the person's calendar links.
func (s *Handler) HandleCalendarLinkRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Calendar link")
	if err == nil {
		err = s.proc.RevokeCalendarFeed(r.Context(), s.kit.Who(r), id)
	}
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/calendar?revoked=1", http.StatusSeeOther)
}

// DeliveriesPage lists the emails and texts that could not be delivered.
type DeliveriesPage struct {
	Deliveries []*journey.FailedDelivery
	Loc        *time.Location
}

func (*DeliveriesPage) PageTitle() string { return "Failed deliveries" }

// ErrorLabel says what an error class means for front desk.
func (*DeliveriesPage) ErrorLabel(class string) string {
	switch class {
	case "smtp":
		return "the mail server refused it, or could not be reached for hours"
	case journey.SMSRejected:
		return "the text provider refused the number"
	case journey.SMSUnauthorized:
		return "the text provider refused our account: check the settings"
	case journey.SMSUnavailable:
		return "the text provider could not be reached"
	case "interrupted":
		return "sending was interrupted; it may or may not have arrived"
	}
	return class
}

// HandleDeliveries lists failed deliveries: ids, initials, kind, when and
// why, never a message, an address or a number.
func (s *Handler) HandleDeliveries(w http.ResponseWriter, r *http.Request) {
	ds, err := s.proc.FailedDeliveries(r.Context(), s.kit.Who(r), 200, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &DeliveriesPage{Deliveries: ds}
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_deliveries", page)
}

// ReminderSettingsPage is the practice's reminder rules, as typed.
type ReminderSettingsPage struct {
	Values  map[string]string // field → what was typed
	Saved   bool
	Errors  map[string]string
	Summary []webkit.ErrorLine
}

func (*ReminderSettingsPage) PageTitle() string { return "Reminders" }

var reminderFields = []struct{ name, label string }{{"early_hours", "First reminder, hours before"}, {"day_hours", "Second reminder, hours before"},
	{"fast_food_hours", "No food for, hours"}, {"fast_liquid_minutes", "No liquids for, minutes"}, {"morning_hour", "Morning-after message, hour"}}

func settingsValues(rs journey.ReminderSettings) map[string]string {
	return map[string]string{"early_hours": strconv.Itoa(rs.EarlyHours), "day_hours": strconv.Itoa(rs.DayHours),
		"fast_food_hours": strconv.Itoa(rs.FastFoodHours), "fast_liquid_minutes": strconv.Itoa(rs.FastLiquidMinutes), "morning_hour": strconv.Itoa(rs.MorningHour)}
}

// HandleReminderSettings shows the reminder rules.
func (s *Handler) HandleReminderSettings(w http.ResponseWriter, r *http.Request) {
	rs, err := s.proc.ReminderSettings(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_reminders", &ReminderSettingsPage{Values: settingsValues(rs), Saved: r.URL.Query().Get("saved") == "1",
		Errors: map[string]string{}})
}

// HandleReminderSettingsSave changes them; each wrong field is named
// beside it, what was typed kept.
func (s *Handler) HandleReminderSettingsSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &ReminderSettingsPage{Values: map[string]string{}, Errors: map[string]string{}}
	var v journey.Validation
	n := map[string]int{}
	for _, f := range reminderFields {
		page.Values[f.name] = r.PostFormValue(f.name)
		x, err := strconv.Atoi(page.Values[f.name])
		if err != nil {
			v.Add(f.name, "Enter a whole number.")
		}
		n[f.name] = x
	}
	rs := journey.ReminderSettings{EarlyHours: n["early_hours"], DayHours: n["day_hours"], FastFoodHours: n["fast_food_hours"],
		FastLiquidMinutes: n["fast_liquid_minutes"], MorningHour: n["morning_hour"]}
	err := v.Err()
	if err == nil {
		err = s.proc.SaveReminderSettings(r.Context(), s.kit.Who(r), rs)
	} else {
		v.AddErr(rs.Validate())
		err = v.Err()
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string {
			for _, x := range reminderFields {
				if x.name == f {
					return x.label
				}
			}
			return f
		})
		s.kit.Render(w, r, s.kit.Status(err), "admin_reminders", page)
		return
	}
	http.Redirect(w, r, "/admin/reminders?saved=1", http.StatusSeeOther)
}
