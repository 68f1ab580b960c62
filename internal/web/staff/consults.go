package staff

import (
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

type ConsultsPage struct {
	Actor    *journey.Actor
	Zone     string
	Consults []staffConsult
	Past     bool
}

func (*ConsultsPage) PageTitle() string { return "Consult requests" }

type ConsultPage struct {
	Actor   *journey.Actor
	Zone    string
	Consult staffConsult
	Message string
	// Moving or cancelling an upcoming consult (staffbook.go).
	Changeable bool
	Week       webkit.WeekView
	Notice     string // "booked", "moved", "cancelled"
	Slot       string
	Reason     string // the cancellation reason as typed
	Errors     map[string]string
	// NoVideoLink: a video consult, and the practice has no video link
	// to send, so someone must send one by hand.
	NoVideoLink bool
}

func (*ConsultPage) PageTitle() string { return "Consult" }

// staffView dresses a consult for staff pages, in the practice's zone.
func (s *Handler) staffView(r *http.Request, a *journey.Actor, c *journey.Consult, names map[int64]string, loc *time.Location) staffConsult {
	return staffConsult{Consult: c, Therapist: names[c.TherapistID], Local: c.Start.In(loc),
		ShowPHI: a.ID() == c.TherapistID, Markable: c.Markable(s.now())}
}

func (s *Handler) therapistNames(r *http.Request) (map[int64]string, error) {
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

// HandleConsults lists consult requests the actor may see: a
// therapist their own, front desk and admins all. Upcoming by default;
// ?past=1 shows the last 30 days.
func (s *Handler) HandleConsults(w http.ResponseWriter, r *http.Request) {
	a := webkit.ActorFrom(r)
	f := journey.ConsultFilter{Limit: 500}
	now := s.now()
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
		s.kit.PageError(w, r, err)
		return
	}
	cs, _, err := s.proc.Consults(r.Context(), a, f, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page := &ConsultsPage{Actor: a, Zone: zone, Past: past}
	for _, c := range cs {
		// Upcoming means still to happen: a cancelled consult, or one the
		// person missed, is history (the last 30 days show it).
		if !past && (c.Status == journey.ConsultCancelled || c.Status == journey.ConsultNoShow) {
			continue
		}
		page.Consults = append(page.Consults, s.staffView(r, a, c, names, loc))
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_consults", page)
}

// consultFor returns the consult named by the path if the actor may see
// it (processing.Consult: one they may not see is "not found").
func (s *Handler) consultFor(r *http.Request) (*journey.Consult, error) {
	id, ok := webkit.PathID(r, "id")
	if !ok {
		return nil, journey.Errorf(journey.ENOTFOUND, "Consult not found.")
	}
	return s.proc.Consult(r.Context(), s.kit.Who(r), id)
}

// readConsult is consultFor with the read audited, via saying where.
func (s *Handler) readConsult(r *http.Request, via string) (*journey.Consult, error) {
	id, err := webkit.RecordID(r, "Consult")
	if err != nil {
		return nil, err
	}
	return s.proc.ReadConsult(r.Context(), s.kit.Who(r), id, via)
}

// breakGlassOffer renders the break-glass interstitial in place of err when
// err refused a record of kind the actor may open by giving a reason
// (processing.BreakGlassOffered); it reports whether it did. The record
// stays closed until a reason is given.
func (s *Handler) breakGlassOffer(w http.ResponseWriter, r *http.Request, kind string, err error) bool {
	id, ok := webkit.PathID(r, "id")
	if journey.ErrorCode(err) != journey.ENOTFOUND || !ok {
		return false
	}
	offered, xerr := s.proc.BreakGlassOffered(r.Context(), s.kit.Who(r), kind, id)
	if xerr != nil {
		s.kit.PageError(w, r, xerr)
		return true
	}
	if !offered {
		return false
	}
	page := &BreakGlassPage{Actor: webkit.ActorFrom(r), ID: r.PathValue("id")}
	if kind == journey.BreakGlassClient {
		page.Kind = "client"
	}
	s.kit.Render(w, r, http.StatusOK, "breakglass", page)
	return true
}

func (s *Handler) HandleConsultView(w http.ResponseWriter, r *http.Request) {
	c, err := s.readConsult(r, "")
	if err != nil {
		if !s.breakGlassOffer(w, r, journey.BreakGlassConsult, err) {
			s.kit.PageError(w, r, err)
		}
		return
	}
	page := &ConsultPage{}
	for _, n := range []string{"booked", "moved", "cancelled"} {
		if r.URL.Query().Get(n) == "1" {
			page.Notice = n
		}
	}
	s.renderStaffConsultPage(w, r, http.StatusOK, c, page)
}

func (s *Handler) renderStaffConsult(w http.ResponseWriter, r *http.Request, status int, c *journey.Consult, msg string) {
	s.renderStaffConsultPage(w, r, status, c, &ConsultPage{Message: msg})
}

// renderStaffConsultPage fills page for consult c and renders it, with the
// week of times to move it to when the actor may change it.
func (s *Handler) renderStaffConsultPage(w http.ResponseWriter, r *http.Request, status int, c *journey.Consult, page *ConsultPage) {
	names, err := s.therapistNames(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	a := webkit.ActorFrom(r)
	page.Actor, page.Zone, page.Consult = a, zone, s.staffView(r, a, c, names, loc)
	if c.Mode == journey.ModeVideo && c.Status == journey.ConsultBooked {
		p, err := s.kit.Practice(r.Context())
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.NoVideoLink = p.VideoLink == ""
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	page.Changeable = processing.CanChange(a, c, s.now())
	if page.Changeable {
		if page.Week, err = s.changeWeek(r, c, page.Slot); err != nil {
			s.kit.PageError(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_consult", page)
}

func (s *Handler) HandleConsultStatus(w http.ResponseWriter, r *http.Request) {
	id, _ := webkit.PathID(r, "id")
	c, err := s.proc.SetConsultStatus(r.Context(), s.kit.Who(r), id, r.PostFormValue("status"))
	if c == nil {
		s.kit.PageError(w, r, err)
		return
	}
	updated := c
	if err != nil {
		if code := journey.ErrorCode(err); code == journey.EINVALID || code == journey.ECONFLICT {
			s.renderStaffConsult(w, r, s.kit.Status(err), c, journey.ErrorMessage(err))
			return
		}
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/consults/%d", updated.ID), http.StatusSeeOther)
}

type BreakGlassPage struct {
	Actor   *journey.Actor
	Kind    string // "client", or "" for a consult
	ID      string
	Reason  string
	Message string
}

func (*BreakGlassPage) PageTitle() string { return "Not on your list" }

// HandleBreakGlass opens a consult outside the clinician's care team once
// they give a reason (processing.BreakGlassConsult: audited with the
// reason, listed under the breakglass action for an admin's review).
func (s *Handler) HandleBreakGlass(w http.ResponseWriter, r *http.Request) {
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Consult not found."))
		return
	}
	c, err := s.proc.BreakGlassConsult(r.Context(), s.kit.Who(r), id, reason)
	if err != nil {
		s.breakGlassError(w, r, "", reason, err)
		return
	}
	s.renderStaffConsult(w, r, http.StatusOK, c, "You opened this record outside your care team. The access and your reason are recorded for review.")
}

// breakGlassError answers a refused break-glass: a reason out of bounds
// comes back on the interstitial with what was typed; anything else is an
// error page.
func (s *Handler) breakGlassError(w http.ResponseWriter, r *http.Request, kind, reason string, err error) {
	if journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "breakglass", &BreakGlassPage{Actor: webkit.ActorFrom(r), Kind: kind, ID: r.PathValue("id"),
		Reason: reason, Message: webkit.FieldError(err, "reason")})
}

// HandleClientBreakGlass opens a client's chart, clinical record included,
// to a clinician outside the care team once they give a reason: once, for
// this request, audited with the reason for an admin's review.
func (s *Handler) HandleClientBreakGlass(w http.ResponseWriter, r *http.Request) {
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	rec, err := s.proc.BreakGlassClient(r.Context(), s.kit.Who(r), id, reason, "chart")
	if err != nil {
		s.breakGlassError(w, r, "client", reason, err)
		return
	}
	s.renderStaffClient(w, r, http.StatusOK, rec, &ClientPage{BreakGlass: true,
		Notice: "You opened this record outside the client's care team. The access and your reason are recorded for review."})
}
