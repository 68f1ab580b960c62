package site

import (
	"net/http"
	"net/url"
	"time"

	"github.com/journey-kap/journey"
)

// Private booking (journey.BookingSettings.Private): a booking holds its
// time and the visitor confirms it by an emailed link. Every answer to the
// booking itself is the same whatever the address, so nobody learns from it
// whether someone already has a consult.

type HeldPage struct{}

func (*HeldPage) PageTitle() string { return "Check your email to confirm" }

// held answers a booking taken as a hold: the same page whatever happened
// behind it. It names nothing the visitor typed.
func (s *Site) held(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "held", &HeldPage{})
}

type HoldPage struct {
	Token     string
	Consult   *journey.Consult
	Therapist *journey.Therapist
	Local     time.Time
	Until     time.Time
	Expired   bool
	Message   string
}

func (p *HoldPage) PageTitle() string {
	if p.Expired {
		return "This link has expired"
	}
	return "Confirm your consult"
}

// renderHold shows the confirm page for token, or the expired page.
func (s *Site) renderHold(w http.ResponseWriter, r *http.Request, status int, token, message string) {
	c, err := s.store.FindHold(r.Context(), token)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if c.ID != 0 { // confirmed already: the link now manages the consult
		http.Redirect(w, r, "/c/"+url.PathEscape(token), http.StatusSeeOther)
		return
	}
	p := &HoldPage{Token: token, Consult: c, Message: message, Expired: !s.now().Before(c.HoldUntil)}
	if p.Expired {
		status = http.StatusGone
	}
	if p.Therapist, err = s.store.FindTherapistByID(r.Context(), c.TherapistID); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, err := journey.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	p.Local, p.Until = c.Start.In(loc), c.HoldUntil.In(loc)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "hold", p)
}

func (s *Site) HandleHoldView(w http.ResponseWriter, r *http.Request) {
	// Every answer, the 404 and the redirect too, concerns one visitor's link.
	w.Header().Set("Cache-Control", "no-store")
	s.renderHold(w, r, http.StatusOK, r.PathValue("token"), "")
}

// HandleHoldConfirm books the held time. The link itself only shows the
// page (mail scanners open links); this button books.
func (s *Site) HandleHoldConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	w.Header().Set("Cache-Control", "no-store")
	_, err := s.proc.ConfirmHold(r.Context(), s.kit.Who(r), token)
	switch {
	case err == nil:
		http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?booked=1", http.StatusSeeOther)
	case err == journey.ErrHoldExpired:
		s.renderHold(w, r, http.StatusGone, token, "")
	case journey.ErrorCode(err) == journey.ECONFLICT:
		s.renderHold(w, r, http.StatusConflict, token, journey.ErrorMessage(err))
	default:
		s.kit.PageError(w, r, err)
	}
}
