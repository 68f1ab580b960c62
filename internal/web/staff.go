package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
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
	if scope := a.ConsultScope(); scope > 0 {
		f.TherapistID = &scope
	}
	now := s.cfg.Now()
	past := r.URL.Query().Get("past") == "1"
	if past {
		from := now.AddDate(0, 0, -30)
		f.From, f.To = &from, &now
	} else {
		from := now.Add(-2 * time.Hour) // a consult under way still shows
		f.From = &from
	}
	cs, _, err := s.store.FindConsults(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	names, err := s.therapistNames(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "consult.list", "consult", "", journey.AuditSuccess, idList("consults", cs, func(c *journey.Consult) int64 { return c.ID }))
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
// it; one they may not see is "not found", so ids cannot be probed.
func (s *Server) consultFor(r *http.Request) (*journey.Consult, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "Consult not found.")
	}
	c, err := s.store.FindConsultByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !actorFrom(r).CanSeeConsult(c) {
		s.audit(r, "consult.read", "consult", c.ID, journey.AuditDenied, "not on their list")
		return nil, journey.Errorf(journey.ENOTFOUND, "Consult not found.")
	}
	return c, nil
}

func (s *Server) handleStaffConsultView(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		if a := actorFrom(r); journey.ErrorCode(err) == journey.ENOTFOUND && a.CanBreakGlass(journey.BreakGlassConsult) {
			if ok, xerr := s.consultExists(r); xerr != nil {
				err = xerr
			} else if ok {
				// An interstitial, not an error: the record stays closed until a reason is given.
				s.render(w, r, http.StatusOK, "breakglass", &breakGlassPage{Actor: a, ID: r.PathValue("id")})
				return
			}
		}
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "consult.read", "consult", c.ID, journey.AuditSuccess, "")
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
	page.Changeable = a.Can(permConsultsWrite) && a.CanSeeConsult(c) && c.Upcoming(s.cfg.Now())
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
	c, err := s.consultFor(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	updated, err := s.store.SetConsultStatus(r.Context(), c.ID, r.PostFormValue("status"))
	outcome := journey.AuditSuccess
	if err != nil {
		outcome = journey.AuditFailure
	}
	s.audit(r, "consult.update", "consult", c.ID, outcome, "status")
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

// consultExists reports whether the path's consult exists at all, so
// break-glass is offered for real records only; it fails when the store
// cannot tell.
func (s *Server) consultExists(r *http.Request) (bool, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return false, nil
	}
	_, err = s.store.FindConsultByID(r.Context(), id)
	return existence(err)
}

// existence turns the error of a lookup into whether the record exists,
// keeping any error other than "not found".
func existence(err error) (bool, error) {
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
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
// they give a reason. The access is audited with the reason, and the admin
// screen lists it under the breakglass action for review.
func (s *Server) handleBreakGlass(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !a.CanBreakGlass(journey.BreakGlassConsult) {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "Consult not found."))
		return
	}
	if n := len([]rune(reason)); n < 10 || n > 500 {
		s.render(w, r, http.StatusUnprocessableEntity, "breakglass", &breakGlassPage{Actor: a, ID: r.PathValue("id"), Reason: reason,
			Message: "Say why you need this record, in 10 to 500 characters. An admin will review it."})
		return
	}
	c, err := s.store.FindConsultByID(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.store.Audit(r.Context(), &journey.AuditEntry{ActorID: a.ID(), ActorRole: strings.Join(a.User.Roles, ","), Action: "breakglass.consult",
		SubjectType: "consult", SubjectID: strconv.FormatInt(c.ID, 10), ClientAddr: s.clientAddr(r), Outcome: journey.AuditSuccess,
		Reason: reason, Detail: "outside care team; for admin review"})
	s.renderStaffConsult(w, r, http.StatusOK, c, "You opened this record outside your care team. The access and your reason are recorded for review.")
}

// clientExists reports whether the path's client exists at all.
func (s *Server) clientExists(r *http.Request) (bool, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return false, nil
	}
	_, err = s.store.FindClientByID(r.Context(), id)
	return existence(err)
}

// handleClientBreakGlass opens a client's chart, clinical record included,
// to a clinician outside the care team once they give a reason: once, for
// this request, audited with the reason for an admin's review.
func (s *Server) handleClientBreakGlass(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	reason := journey.Paragraphs(r.PostFormValue("reason"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !a.CanBreakGlass(journey.BreakGlassClient) {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	if n := len([]rune(reason)); n < 10 || n > 500 {
		s.render(w, r, http.StatusUnprocessableEntity, "breakglass", &breakGlassPage{Actor: a, Kind: "client", ID: r.PathValue("id"), Reason: reason,
			Message: "Say why you need this record, in 10 to 500 characters. An admin will review it."})
		return
	}
	c, err := s.store.FindClientByID(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.store.Audit(r.Context(), &journey.AuditEntry{ActorID: a.ID(), ActorRole: strings.Join(a.User.Roles, ","), Action: "breakglass.client",
		SubjectType: "client", SubjectID: strconv.FormatInt(c.ID, 10), ClientAddr: s.clientAddr(r), Outcome: journey.AuditSuccess,
		Reason: reason, Detail: "outside care team; for admin review"})
	s.renderStaffClient(w, r, http.StatusOK, c, &staffClientPage{BreakGlass: true,
		Notice: "You opened this record outside the client's care team. The access and your reason are recorded for review."})
}
