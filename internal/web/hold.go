package web

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

type heldPage struct{}

func (*heldPage) PageTitle() string { return "Check your email to confirm" }

// held answers a booking taken as a hold: the same page whatever happened
// behind it. It names nothing the visitor typed.
func (s *Server) held(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "held", &heldPage{})
}

// apiHeld is the API's one answer to a booking under private booking.
type apiHeld struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

var heldAnswer = apiHeld{Status: "pending",
	Message: "We have emailed the address a link. The time is held until the link is used, for a short while only."}

type holdPage struct {
	Token     string
	Consult   *journey.Consult
	Therapist *journey.Therapist
	Local     time.Time
	Until     time.Time
	Expired   bool
	Message   string
}

func (p *holdPage) PageTitle() string {
	if p.Expired {
		return "This link has expired"
	}
	return "Confirm your consult"
}

// renderHold shows the confirm page for token, or the expired page.
func (s *Server) renderHold(w http.ResponseWriter, r *http.Request, status int, token, message string) {
	c, err := s.store.FindHold(r.Context(), token)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if c.ID != 0 { // confirmed already: the link now manages the consult
		http.Redirect(w, r, "/c/"+url.PathEscape(token), http.StatusSeeOther)
		return
	}
	p := &holdPage{Token: token, Consult: c, Message: message, Expired: !s.cfg.Now().Before(c.HoldUntil)}
	if p.Expired {
		status = http.StatusGone
	}
	if p.Therapist, err = s.store.FindTherapistByID(r.Context(), c.TherapistID); err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, err := journey.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	p.Local, p.Until = c.Start.In(loc), c.HoldUntil.In(loc)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "hold", p)
}

func (s *Server) handleHoldView(w http.ResponseWriter, r *http.Request) {
	// Every answer, the 404 and the redirect too, concerns one visitor's link.
	w.Header().Set("Cache-Control", "no-store")
	s.renderHold(w, r, http.StatusOK, r.PathValue("token"), "")
}

// handleHoldConfirm books the held time. The link itself only shows the
// page (mail scanners open links); this button books.
func (s *Server) handleHoldConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	w.Header().Set("Cache-Control", "no-store")
	_, err := s.proc.ConfirmHold(r.Context(), s.who(r), token)
	switch {
	case err == nil:
		http.Redirect(w, r, "/c/"+url.PathEscape(token)+"?booked=1", http.StatusSeeOther)
	case err == journey.ErrHoldExpired:
		s.renderHold(w, r, http.StatusGone, token, "")
	case journey.ErrorCode(err) == journey.ECONFLICT:
		s.renderHold(w, r, http.StatusConflict, token, journey.ErrorMessage(err))
	default:
		s.pageError(w, r, err)
	}
}
