package api

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

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

func toAPIPractice(p *journey.Practice) apiPractice {
	return apiPractice{Name: p.Name, Tagline: p.Tagline, Address: p.Address, Phone: p.Phone, Email: p.Email,
		TimeZone: p.TimeZone, BookingsOpen: p.Open(), ReminderHours: p.ReminderHours, CancelNoticeHours: p.CancelNoticeHours,
		Landing: p.Landing, VideoLink: p.VideoLink}
}

func (s *Handler) HandlePractice(w http.ResponseWriter, r *http.Request) {
	p, _, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, toAPIPractice(p))
}

// HandlePracticeUpdate replaces the practice's details; bookings_open
// opens (or closes) bookings.
func (s *Handler) HandlePracticeUpdate(w http.ResponseWriter, r *http.Request) {
	var in apiPractice
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	stored, _, err := webkit.StoredPractice(r.Context(), s.store)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	withLanding := *stored
	withLanding.Landing = in.Landing
	p, bad := webkit.PracticeFromForm(&withLanding, webkit.PracticeForm{Name: in.Name, Tagline: in.Tagline, Address: in.Address,
		Phone: in.Phone, Email: in.Email, TimeZone: in.TimeZone, ReminderHours: windowText(in.ReminderHours), CancelNoticeHours: windowText(in.CancelNoticeHours),
		VideoLink: in.VideoLink})
	if bad == nil {
		p.SetupPending = !in.BookingsOpen
	}
	if err := s.proc.UpdatePractice(r.Context(), s.kit.Who(r), p, bad, "settings.practice.update", "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, toAPIPractice(p))
}

// windowText turns a window from the API into what the form would hold, so
// one reader checks both: 0 is the default, a negative number an error.
func windowText(h int) string {
	if h == 0 {
		return ""
	}
	return strconv.Itoa(h)
}
