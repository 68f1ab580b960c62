package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ReminderProcessing is the part of processing calendar feeds, text
// consent, failed deliveries and reminder settings use.
type ReminderProcessing interface {
	CreateCalendarFeed(ctx context.Context, a *journey.Actor, via string) (*journey.CalendarFeed, string, error)
	RevokeCalendarFeed(ctx context.Context, a *journey.Actor, id int64) error
	CalendarFeeds(ctx context.Context, a *journey.Actor) ([]*journey.CalendarFeed, error)
	CalendarFeed(ctx context.Context, a *journey.Actor, token string, now time.Time) (*journey.FeedSource, *journey.CalendarFeed, error)
	FailedDeliveries(ctx context.Context, a *journey.Actor, limit int, via string) ([]*journey.FailedDelivery, error)
	TextConsent(ctx context.Context, a *journey.Actor, id int64) (*journey.TextConsent, error)
	RecordTextConsent(ctx context.Context, a *journey.Actor, id int64, agreed bool, phone string) (*journey.TextConsent, error)
	ReminderSettings(ctx context.Context) (journey.ReminderSettings, error)
	SaveReminderSettings(ctx context.Context, a *journey.Actor, s journey.ReminderSettings) error
}

// CalendarURL is the address of the feed with token.
func CalendarURL(base, token string) string { return base + "/calendar/" + token + ".ics" }

type apiCalendarFeed struct {
	ID       int64   `json:"id"`
	URL      string  `json:"url,omitempty"` // only when it is made: the token is never kept
	Created  string  `json:"created"`
	LastRead *string `json:"last_read"`
}

// HandleCalendarFeedCreate makes the caller a private calendar feed of
// their own sessions: 201 {"id", "url"}; the URL is shown this once.
func (s *Handler) HandleCalendarFeedCreate(w http.ResponseWriter, r *http.Request) {
	f, token, err := s.proc.CreateCalendarFeed(r.Context(), s.kit.Who(r), " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, apiCalendarFeed{ID: f.ID, URL: CalendarURL(s.kit.BaseURL(), token),
		Created: f.CreatedAt.UTC().Format(time.RFC3339)})
}

// HandleCalendarFeeds lists the caller's working feeds (without URLs).
func (s *Handler) HandleCalendarFeeds(w http.ResponseWriter, r *http.Request) {
	fs, err := s.proc.CalendarFeeds(r.Context(), s.kit.Who(r))
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiCalendarFeed{}
	for _, f := range fs {
		out = append(out, apiCalendarFeed{ID: f.ID, Created: f.CreatedAt.UTC().Format(time.RFC3339), LastRead: stamp(f.LastRead)})
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"feeds": out})
}

// HandleCalendarFeedRevoke revokes one of the caller's feeds: 204; 404
// for another's or one revoked already.
func (s *Handler) HandleCalendarFeedRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Calendar link")
	if err == nil {
		err = s.proc.RevokeCalendarFeed(r.Context(), s.kit.Who(r), id)
	}
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// HandleCalendarFeed answers /calendar/{token}.ics: the feed as iCalendar,
// the token its only credential (a revoked one is 404).
func (s *Handler) HandleCalendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Calendar not found."))
		return
	}
	src, _, err := s.proc.CalendarFeed(r.Context(), s.kit.Who(r), token, s.now())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	p, err := s.kit.Practice(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	loc, err := journey.LoadZone(src.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	body := mail.SessionCalendar(p.Name, mail.HostOf(s.kit.BaseURL()), loc, ics.MethodPublish, src.Entries(p.Name))
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Content-Disposition", `inline; filename="sessions.ics"`)
	_, _ = w.Write([]byte(body))
}

type apiDelivery struct {
	ReminderID     int64  `json:"reminder_id,omitempty"`
	MessageID      int64  `json:"message_id,omitempty"`
	MonitorID      int64  `json:"monitor_message_id,omitempty"`
	Channel        string `json:"channel"`
	Kind           string `json:"kind"`
	ClientInitials string `json:"client_initials"`
	At             string `json:"at"`
	ErrorClass     string `json:"error_class"`
}

// HandleFailedDeliveries lists emails and texts that could not be
// delivered: ids, the client's initials, kind, when, the class of error;
// never a message, an address or a number. ?limit= up to 500.
func (s *Handler) HandleFailedDeliveries(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.kit.APIError(w, r, webkit.Invalid("limit", "The limit is a whole number from 1 to 500."))
			return
		}
		limit = n
	}
	ds, err := s.proc.FailedDeliveries(r.Context(), s.kit.Who(r), limit, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiDelivery{}
	for _, d := range ds {
		out = append(out, apiDelivery{ReminderID: d.ReminderID, MessageID: d.MessageID, Channel: d.Channel, Kind: d.Kind,
			ClientInitials: d.ClientInitials, At: d.At.UTC().Format(time.RFC3339), ErrorClass: d.ErrorClass, MonitorID: d.MonitorMessageID})
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"deliveries": out})
}

type apiTextConsent struct {
	Agreed bool    `json:"agreed"`
	Phone  string  `json:"phone"`
	At     *string `json:"recorded_at"`
}

// HandleTextConsent answers a client's newest answer about texts.
func (s *Handler) HandleTextConsent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	c, err := s.proc.TextConsent(r.Context(), s.kit.Who(r), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiTextConsent{Agreed: c.Agreed, Phone: c.Phone, At: stamp(c.At)})
}

// HandleTextConsentSet records a client's answer about texts: {"agreed",
// "phone"} (the mobile number, required to agree).
func (s *Handler) HandleTextConsentSet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		Agreed *bool  `json:"agreed"`
		Phone  string `json:"phone"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	if body.Agreed == nil {
		s.kit.APIError(w, r, webkit.Invalid("agreed", "Say whether the client agrees to texts: true or false."))
		return
	}
	c, err := s.proc.RecordTextConsent(r.Context(), s.kit.Who(r), id, *body.Agreed, phone(body.Phone))
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiTextConsent{Agreed: c.Agreed, Phone: c.Phone, At: stamp(c.At)})
}

type apiReminderSettings struct {
	EarlyHours        int `json:"early_hours"`
	DayHours          int `json:"day_hours"`
	FastFoodHours     int `json:"fast_food_hours"`
	FastLiquidMinutes int `json:"fast_liquid_minutes"`
	MorningHour       int `json:"morning_hour"`
}

// HandleReminderSettings answers the practice's reminder rules.
func (s *Handler) HandleReminderSettings(w http.ResponseWriter, r *http.Request) {
	rs, err := s.proc.ReminderSettings(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiReminderSettings(rs))
}

// HandleReminderSettingsUpdate changes them; fields left out keep their
// value; 422 naming each wrong field.
func (s *Handler) HandleReminderSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	rs, err := s.proc.ReminderSettings(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	body := apiReminderSettings(rs)
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	if err := s.proc.SaveReminderSettings(r.Context(), s.kit.Who(r), journey.ReminderSettings(body)); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, body)
}
