package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type staffConsult struct {
	*journey.Consult
	Therapist string
	Local     time.Time
	ShowPHI   bool // the reason is shown only to the therapist it was written for
	Markable  bool // may be marked held or missed now
}

type staffConsultsPage struct {
	Actor    *journey.Actor
	Zone     string
	Consults []staffConsult
	Past     bool
}

func (*staffConsultsPage) PageTitle() string { return "Consult requests" }

type staffConsultPage struct {
	Actor   *journey.Actor
	Zone    string
	Consult staffConsult
	Message string
	// Moving or cancelling an upcoming consult (staffbook.go).
	Changeable bool
	Week       WeekView
	Notice     string // "booked", "moved", "cancelled"
	Slot       string
	Reason     string // the cancellation reason as typed
	Errors     map[string]string
	// NoVideoLink: a video consult, and the practice has no video link
	// to send, so someone must send one by hand.
	NoVideoLink bool
}

func (*staffConsultPage) PageTitle() string { return "Consult" }

// staffView dresses a consult for staff pages, in the practice's zone.
func (s *Server) staffView(r *http.Request, a *journey.Actor, c *journey.Consult, names map[int64]string, loc *time.Location) staffConsult {
	return staffConsult{Consult: c, Therapist: names[c.TherapistID], Local: c.Start.In(loc),
		ShowPHI: a.ID() == c.TherapistID, Markable: c.Markable(s.cfg.Now())}
}

func (s *Server) therapistNames(r *http.Request) (map[int64]string, error) {
	ts, err := s.store.FindTherapists(r.Context(), false)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	return names, nil
}

// practiceZone returns the zone staff read times in, and its name: the
// practice's, or UTC before it is set.
func (s *Server) practiceZone(r *http.Request) (*time.Location, string) {
	return s.practiceZoneCtx(r.Context())
}

func (s *Server) practiceZoneCtx(ctx context.Context) (*time.Location, string) {
	if p, err := s.store.FindPractice(ctx); err == nil {
		if loc, err := journey.LoadZone(p.TimeZone); err == nil {
			return loc, p.TimeZone
		}
	}
	return time.UTC, "UTC"
}

// handleStaffConsults lists consult requests the actor may see: a
// therapist their own, front desk and admins all. Upcoming by default;
// ?past=1 shows the last 30 days.
func (s *Server) handleStaffConsults(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	f := journey.ConsultFilter{Limit: 500}
	now := s.cfg.Now()
	past := r.URL.Query().Get("past") == "1"
	if past {
		from := now.AddDate(0, 0, -30)
		f.From, f.To = &from, &now
	} else {
		from := now.Add(-2 * time.Hour) // a consult under way still shows
		f.From = &from
	}
	names, err := s.therapistNames(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	cs, _, err := s.proc.Consults(r.Context(), a, f, "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, zone := s.practiceZone(r)
	page := &staffConsultsPage{Actor: a, Zone: zone, Past: past}
	for _, c := range cs {
		// Upcoming means still to happen: a cancelled consult, or one the
		// person missed, is history (the last 30 days show it).
		if !past && (c.Status == journey.ConsultCancelled || c.Status == journey.ConsultNoShow) {
			continue
		}
		page.Consults = append(page.Consults, s.staffView(r, a, c, names, loc))
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_consults", page)
}

// consultFor returns the consult named by the path if the actor may see
// it (processing.Consult: one they may not see is "not found").
func (s *Server) consultFor(r *http.Request) (*journey.Consult, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return nil, journey.Errorf(journey.ENOTFOUND, "Consult not found.")
	}
	return s.proc.Consult(r.Context(), s.who(r), id)
}

// readConsult is consultFor with the read audited, via saying where.
func (s *Server) readConsult(r *http.Request, via string) (*journey.Consult, error) {
	id, err := webkit.RecordID(r, "Consult")
	if err != nil {
		return nil, err
	}
	return s.proc.ReadConsult(r.Context(), s.who(r), id, via)
}

// breakGlassOffer renders the break-glass interstitial in place of err when
// err refused a record of kind the actor may open by giving a reason
// (processing.BreakGlassOffered); it reports whether it did. The record
// stays closed until a reason is given.
func (s *Server) breakGlassOffer(w http.ResponseWriter, r *http.Request, kind string, err error) bool {
	id, ok := pathID(r, "id")
	if journey.ErrorCode(err) != journey.ENOTFOUND || !ok {
		return false
	}
	offered, xerr := s.proc.BreakGlassOffered(r.Context(), s.who(r), kind, id)
	if xerr != nil {
		s.pageError(w, r, xerr)
		return true
	}
	if !offered {
		return false
	}
	page := &breakGlassPage{Actor: actorFrom(r), ID: r.PathValue("id")}
	if kind == journey.BreakGlassClient {
		page.Kind = "client"
	}
	s.render(w, r, http.StatusOK, "breakglass", page)
	return true
}

func (s *Server) handleStaffConsultView(w http.ResponseWriter, r *http.Request) {
	c, err := s.readConsult(r, "")
	if err != nil {
		if !s.breakGlassOffer(w, r, journey.BreakGlassConsult, err) {
			s.pageError(w, r, err)
		}
		return
	}
	page := &staffConsultPage{}
	for _, n := range []string{"booked", "moved", "cancelled"} {
		if r.URL.Query().Get(n) == "1" {
			page.Notice = n
		}
	}
	s.renderStaffConsultPage(w, r, http.StatusOK, c, page)
}

func (s *Server) renderStaffConsult(w http.ResponseWriter, r *http.Request, status int, c *journey.Consult, msg string) {
	s.renderStaffConsultPage(w, r, status, c, &staffConsultPage{Message: msg})
}

// renderStaffConsultPage fills page for consult c and renders it, with the
// week of times to move it to when the actor may change it.
func (s *Server) renderStaffConsultPage(w http.ResponseWriter, r *http.Request, status int, c *journey.Consult, page *staffConsultPage) {
	names, err := s.therapistNames(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, zone := s.practiceZone(r)
	a := actorFrom(r)
	page.Actor, page.Zone, page.Consult = a, zone, s.staffView(r, a, c, names, loc)
	if c.Mode == journey.ModeVideo && c.Status == journey.ConsultBooked {
		p, err := s.practice(r.Context())
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		page.NoVideoLink = p.VideoLink == ""
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	page.Changeable = processing.CanChange(a, c, s.cfg.Now())
	if page.Changeable {
		if page.Week, err = s.changeWeek(r, c, page.Slot); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "staff_consult", page)
}

func (s *Server) handleStaffConsultStatus(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r, "id")
	c, err := s.proc.SetConsultStatus(r.Context(), s.who(r), id, r.PostFormValue("status"))
	if c == nil {
		s.pageError(w, r, err)
		return
	}
	updated := c
	if err != nil {
		if code := journey.ErrorCode(err); code == journey.EINVALID || code == journey.ECONFLICT {
			s.renderStaffConsult(w, r, errorStatus(err), c, journey.ErrorMessage(err))
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d", updated.ID), http.StatusSeeOther)
}

type breakGlassPage struct {
	Actor   *journey.Actor
	Kind    string // "client", or "" for a consult
	ID      string
	Reason  string
	Message string
}

func (*breakGlassPage) PageTitle() string { return "Not on your list" }

// handleBreakGlass opens a consult outside the clinician's care team once
// they give a reason (processing.BreakGlassConsult: audited with the
// reason, listed under the breakglass action for an admin's review).
func (s *Server) handleBreakGlass(w http.ResponseWriter, r *http.Request) {
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, ok := pathID(r, "id")
	if !ok {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "Consult not found."))
		return
	}
	c, err := s.proc.BreakGlassConsult(r.Context(), s.who(r), id, reason)
	if err != nil {
		s.breakGlassError(w, r, "", reason, err)
		return
	}
	s.renderStaffConsult(w, r, http.StatusOK, c, "You opened this record outside your care team. The access and your reason are recorded for review.")
}

// breakGlassError answers a refused break-glass: a reason out of bounds
// comes back on the interstitial with what was typed; anything else is an
// error page.
func (s *Server) breakGlassError(w http.ResponseWriter, r *http.Request, kind, reason string, err error) {
	if journey.ErrorCode(err) != journey.EINVALID {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "breakglass", &breakGlassPage{Actor: actorFrom(r), Kind: kind, ID: r.PathValue("id"),
		Reason: reason, Message: fieldError(err, "reason")})
}

// handleClientBreakGlass opens a client's chart, clinical record included,
// to a clinician outside the care team once they give a reason: once, for
// this request, audited with the reason for an admin's review.
func (s *Server) handleClientBreakGlass(w http.ResponseWriter, r *http.Request) {
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, ok := pathID(r, "id")
	if !ok {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	rec, err := s.proc.BreakGlassClient(r.Context(), s.who(r), id, reason, "chart")
	if err != nil {
		s.breakGlassError(w, r, "client", reason, err)
		return
	}
	s.renderStaffClient(w, r, http.StatusOK, rec, &staffClientPage{BreakGlass: true,
		Notice: "You opened this record outside the client's care team. The access and your reason are recorded for review."})
}
