package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// PlanProcessing is what the portal's plan, monitor and check-in pages
// ask of processing.
type PlanProcessing interface {
	PortalPlan(ctx context.Context, a *journey.Actor, id int64, loc *time.Location) (*processing.PortalPlan, error)
	Monitor(ctx context.Context, a *journey.Actor, id int64) (*journey.Monitor, error)
	SetMonitor(ctx context.Context, a *journey.Actor, m *journey.Monitor) error
	CheckIn(ctx context.Context, a *journey.Actor, ci *journey.CheckIn) (*journey.CheckIn, error)
}

// stepTitles name the plan's steps for the client.
var stepTitles = map[string]string{journey.TypePreparation: "Preparation session", journey.TypeMedicine: "Medicine session",
	journey.TypeIntegration: "Integration session", journey.TypePrescriberFollow: "Follow-up with the medical provider"}

// planStages returns the plan's steps as the timeline's stages, honestly:
// held, booked (with the time and, remote, the video link), missed,
// planned with when it is due.
func planStages(pp *processing.PortalPlan, loc *time.Location) []stage {
	var out []stage
	for _, st := range pp.Plan.Steps {
		s := stage{Title: stepTitles[st.Type]}
		if st.Type != journey.TypePrescriberFollow {
			s.Title = fmt.Sprintf("%s %d", s.Title, st.Number)
		}
		switch st.Status {
		case journey.StepHeld:
			s.State, s.Detail = "done", "Held on "+st.Start.In(loc).Format("Monday, January 2")+"."
		case journey.StepBooked:
			s.State, s.Detail = "current", "Booked for "+st.Start.In(loc).Format("Monday, January 2 at 3:04 PM MST")+"."
			if st.Mode == journey.ModeRemote {
				s.Detail += " From home, with your monitor."
				s.Link = journey.TelehealthLink(pp.Telehealth, st.SessionID, st.RoomKey)
			}
		case journey.StepMissed, journey.StepCancelled:
			s.State, s.Detail, s.WaitOn = "upcoming", "The last one was "+map[string]string{journey.StepMissed: "missed", journey.StepCancelled: "cancelled"}[st.Status]+": another will be booked.", "your therapist"
		default:
			s.State = "upcoming"
			if !st.DueBy.IsZero() {
				s.Detail = fmt.Sprintf("Due between %s and %s.", st.DueFrom.In(loc).Format("January 2"), st.DueBy.In(loc).Format("January 2"))
			}
		}
		out = append(out, s)
	}
	return out
}

// addPlan puts a cleared client's plan on their home page: its steps in
// place of the general ones, and the tasks of a remote plan (naming the
// monitor, the check-in at the start).
func (s *Handler) addPlan(r *http.Request, c *journey.Client, p *HomePage) error {
	if c.Screening != journey.ScreeningCleared {
		return nil
	}
	pp, err := s.proc.PortalPlan(r.Context(), s.kit.Who(r), c.ID, p.Loc)
	switch {
	case journey.ErrorCode(err) == journey.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	// The general medicine and integration stages give way to the plan's;
	// the general preparation stage, which says who it waits on, too once
	// a preparation session is on the calendar.
	steps := planStages(pp, p.Loc)
	general := len(p.Stages) - 2
	if pp.Plan.Steps[0].Status == journey.StepPlanned {
		steps = steps[pp.Plan.Settings.Preparations:]
	} else {
		general--
	}
	p.Stages = append(p.Stages[:general:general], steps...)
	if n := pp.Plan.Next; n != nil {
		p.Next = n.Detail
	}
	now := s.now()
	remote := pp.Plan.Settings.Mode == journey.ModeRemote
	for _, st := range pp.Plan.Steps {
		if st.Type != journey.TypeMedicine || st.Mode != journey.ModeRemote || st.Status != journey.StepBooked {
			continue
		}
		remote = true
		if ci := pp.CheckIns[st.SessionID]; ci == nil && !now.Before(st.Start.Add(-time.Hour)) && now.Before(st.Start.Add(3*time.Hour)) {
			p.Tasks = append([]task{{Title: "Check in for your session", Href: fmt.Sprintf("/portal/sessions/%d/check-in", st.SessionID),
				Detail: "where you are, a number to call you back, and your blood pressure"}}, p.Tasks...)
		}
	}
	if remote && pp.Monitor == nil {
		p.Tasks = append(p.Tasks, task{Title: "Name your monitor for remote sessions", Href: "/portal/monitor",
			Detail: "an adult who will be with you for the whole session"})
	}
	return nil
}

// MonitorPage names the adult who stays with the client in a remote session.
type MonitorPage struct {
	Name, Phone, Relationship, Email string
	Adult, Agreed, Texts             bool
	Saved                            bool
	Errors                           map[string]string
	Summary                          []webkit.ErrorLine
}

func (*MonitorPage) PageTitle() string { return "Your monitor for remote sessions" }

// monitorLabels name the monitor form's fields in the error summary.
var monitorLabels = map[string]string{"name": "Their name", "phone": "Their phone number", "relationship": "How you know them", "adult": "An adult, there throughout",
	"email": "Their email address", "texts": "Texts to their phone"}

// HandleMonitor shows the form that names the client's monitor, filled
// with the one named.
func (s *Handler) HandleMonitor(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &MonitorPage{Errors: map[string]string{}, Saved: r.URL.Query().Get("saved") == "1"}
	m, err := s.proc.Monitor(r.Context(), s.kit.Who(r), c.ID)
	switch {
	case err == nil:
		page.Name, page.Phone, page.Relationship, page.Adult = m.Name, m.Phone, m.Relationship, m.Adult
		page.Email, page.Agreed, page.Texts = m.Email, m.Agreed, m.Texts
	case journey.ErrorCode(err) != journey.ENOTFOUND:
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_monitor", page)
}

// HandleMonitorSave names the monitor; what was wrong is shown beside each
// field, what was typed kept.
func (s *Handler) HandleMonitorSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &MonitorPage{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Relationship: r.PostFormValue("relationship"),
		Adult: r.PostFormValue("adult") == "yes", Email: r.PostFormValue("email"), Agreed: r.PostFormValue("agreed") == "yes",
		Texts: r.PostFormValue("texts") == "yes", Errors: map[string]string{}}
	c, err := s.portalClient(r)
	if err == nil {
		phone := page.Phone
		if e164, ok := webkit.NormalizePhone(phone); ok {
			phone = e164
		}
		err = s.proc.SetMonitor(r.Context(), s.kit.Who(r), &journey.Monitor{ClientID: c.ID, Name: page.Name, Phone: phone,
			Relationship: page.Relationship, Adult: page.Adult, Email: page.Email, Agreed: page.Agreed, Texts: page.Texts})
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string { return monitorLabels[f] })
		s.kit.Render(w, r, s.kit.Status(err), "portal_monitor", page)
		return
	}
	http.Redirect(w, r, "/portal/monitor?saved=1", http.StatusSeeOther)
}

// CheckInPage is the check-in at the start of a remote medicine session.
type CheckInPage struct {
	SessionID           int64
	When                string
	Address, Callback   string
	Emergency           bool
	Systolic, Diastolic string
	Refused             string // a reading too high for a dose: what happens now
	Errors              map[string]string
	Summary             []webkit.ErrorLine
}

func (*CheckInPage) PageTitle() string { return "Check in for your session" }

var checkInLabels = map[string]string{"address": "Where you are now", "callback": "A number to call you back", "emergency": "Your emergency contact",
	"systolic": "Blood pressure: top number", "diastolic": "Blood pressure: bottom number"}

// HandleCheckIn shows the check-in form of the client's own remote session.
func (s *Handler) HandleCheckIn(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	when, err := s.remoteSession(r, id)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &CheckInPage{SessionID: id, When: when, Errors: map[string]string{}}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_checkin", page)
}

// remoteSession returns when the signed-in client's own remote medicine
// session id starts, in words; "Session not found." for any other.
func (s *Handler) remoteSession(r *http.Request, id int64) (string, error) {
	c, err := s.portalClient(r)
	if err != nil {
		return "", err
	}
	loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	pp, err := s.proc.PortalPlan(r.Context(), s.kit.Who(r), c.ID, loc)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return "", err
	}
	for _, st := range planSteps(pp) {
		if st.SessionID == id && st.Type == journey.TypeMedicine && st.Mode == journey.ModeRemote && st.Status == journey.StepBooked {
			return st.Start.In(loc).Format("Monday, January 2 at 3:04 PM MST"), nil
		}
	}
	return "", journey.Errorf(journey.ENOTFOUND, "Session not found.")
}

// planSteps returns a portal plan's steps, none when there is no plan.
func planSteps(pp *processing.PortalPlan) []journey.PlanStep {
	if pp == nil {
		return nil
	}
	return pp.Plan.Steps
}

// HandleCheckInSave records the check-in: a reading too high for a dose is
// answered with what happens now (409); bad input is shown beside each
// field with what was typed kept.
func (s *Handler) HandleCheckInSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &CheckInPage{SessionID: id, Address: r.PostFormValue("address"), Callback: r.PostFormValue("callback"),
		Emergency: r.PostFormValue("emergency") == "yes", Systolic: r.PostFormValue("systolic"), Diastolic: r.PostFormValue("diastolic"),
		Errors: map[string]string{}}
	callback := page.Callback
	if e164, ok := webkit.NormalizePhone(callback); ok {
		callback = e164
	}
	sys, sysErr := strconv.Atoi(page.Systolic)
	dia, diaErr := strconv.Atoi(page.Diastolic)
	ci := &journey.CheckIn{SessionID: id, Address: page.Address, Callback: callback, EmergencyConfirmed: page.Emergency, Systolic: sys, Diastolic: dia}
	var v journey.Validation
	if sysErr != nil {
		v.Add("systolic", "Enter the top number of your reading, such as 120.")
	}
	if diaErr != nil {
		v.Add("diastolic", "Enter the bottom number of your reading, such as 80.")
	}
	if err = v.Err(); err != nil {
		v.AddErr(ci.Validate())
		err = v.Err()
	} else {
		_, err = s.proc.CheckIn(r.Context(), s.kit.Who(r), ci)
	}
	switch {
	case err == nil:
		http.Redirect(w, r, "/portal?saved=checkin", http.StatusSeeOther)
	case journey.ErrorCode(err) == journey.ECONFLICT:
		page.Refused = journey.ErrorMessage(err)
		s.kit.Render(w, r, http.StatusConflict, "portal_checkin", page)
	case journey.ErrorCode(err) == journey.EINVALID:
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string { return checkInLabels[f] })
		s.kit.Render(w, r, s.kit.Status(err), "portal_checkin", page)
	default:
		s.kit.PageError(w, r, err)
	}
}
