package staff

// A care session's own page: when, where, who, the client as the viewer
// may see them, its status with the actions the viewer may take, moving
// it to a free time, cancelling it with a reason, a group's clients, and
// its history from its own fields. Every read and change goes through
// processing, which applies policy.go's session rules and audits.

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

// SessionProcessing is the part of processing the session page calls.
type SessionProcessing interface {
	SessionView(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.SessionView, error)
	MoveSession(ctx context.Context, a *journey.Actor, id int64, start time.Time, providerID int64, via string) (*journey.CareSession, error)
	SetSessionOnCall(ctx context.Context, a *journey.Actor, id, onCallID int64, via string) (*journey.CareSession, error)
	CancelSession(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.CareSession, error)
	RunSession(ctx context.Context, a *journey.Actor, id int64, action, via string) (*journey.CareSession, error)
	RunSessionMinutes(ctx context.Context, a *journey.Actor, id int64, action string, minutes int, via string) (*journey.CareSession, error)
	SessionBilling(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.SessionBilling, error)
	ChargeSession(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Charge, error)
	JoinGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error)
	LeaveGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error)
}

const viaSessionPage = " via session page"

// sessionID reads the path's {id}; ENOTFOUND when it is not an id.
func sessionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, journey.Errorf(journey.ENOTFOUND, "Session not found.")
	}
	return id, nil
}

// HandleSession shows one session; ?find=1&date= lists the free times to
// move it to in the week from date.
func (s *Handler) HandleSession(w http.ResponseWriter, r *http.Request) {
	f := sessionForm{find: r.URL.Query().Get("find") != "", date: r.URL.Query().Get("date"), provider: r.URL.Query().Get("medical_provider_id")}
	switch r.URL.Query().Get("done") {
	case "moved":
		f.notice = "The session is moved. Everyone it holds has the new time."
	case "cancelled":
		f.notice = "The session is cancelled."
	case "status":
		f.notice = "The session's status is changed."
	case "attendees":
		f.notice = "The group's clients are changed."
	case "on-call":
		f.notice = "The on-call medical contact is changed."
	case "charged":
		f.notice = "The session's charges are made."
	}
	s.showSession(w, r, f, nil)
}

// HandleSessionStatus checks the session in, starts, completes it or
// marks a no-show (the form's action); a refused start lists the unmet
// gates.
func (s *Handler) HandleSessionStatus(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "status", func(a *journey.Actor, id int64, f *sessionForm) error {
		f.action = r.PostFormValue("action")
		if !journey.IsSessionAction(f.action) {
			return journey.Errorf(journey.EINVALID, "Choose check in, start, complete or no-show.")
		}
		minutes, err := sessionMinutes(f, r.PostFormValue("minutes"))
		if err != nil {
			return err
		}
		_, err = s.proc.RunSessionMinutes(r.Context(), a, id, f.action, minutes, viaSessionPage)
		return err
	})
}

// HandleSessionCancel cancels the session with the reason typed.
func (s *Handler) HandleSessionCancel(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "cancelled", func(a *journey.Actor, id int64, f *sessionForm) error {
		f.reason = r.PostFormValue("reason")
		_, err := s.proc.CancelSession(r.Context(), a, id, f.reason, viaSessionPage)
		return err
	})
}

// HandleSessionReschedule moves the session to the free time chosen, with
// the medical provider it was found for; a refusal keeps the choice and
// says why.
func (s *Handler) HandleSessionReschedule(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "moved", func(a *journey.Actor, id int64, f *sessionForm) error {
		f.find, f.date, f.start, f.provider = true, r.PostFormValue("date"), r.PostFormValue("start"), r.PostFormValue("medical_provider_id")
		start, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			var v journey.Validation
			v.Add("start", "Choose one of the free times.")
			return v.Err()
		}
		_, err = s.proc.MoveSession(r.Context(), a, id, start, chosenID(f.provider, 0), viaSessionPage)
		return err
	})
}

// HandleSessionOnCall names the on-call medical contact chosen; a refusal
// shows the choice beside the field.
func (s *Handler) HandleSessionOnCall(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "on-call", func(a *journey.Actor, id int64, f *sessionForm) error {
		f.onCall = r.PostFormValue("on_call_id")
		onCall, err := strconv.ParseInt(f.onCall, 10, 64)
		if err != nil || onCall <= 0 {
			var v journey.Validation
			v.Add("on_call_id", "Choose an active medical provider on staff to be on call.")
			return v.Err()
		}
		_, err = s.proc.SetSessionOnCall(r.Context(), a, id, onCall, viaSessionPage)
		return err
	})
}

// HandleSessionAttendeeAdd adds the chosen client to a group.
func (s *Handler) HandleSessionAttendeeAdd(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "attendees", func(a *journey.Actor, id int64, f *sessionForm) error {
		f.attendee = r.PostFormValue("client_id")
		client, err := strconv.ParseInt(f.attendee, 10, 64)
		if err != nil || client <= 0 {
			var v journey.Validation
			v.Add("client_id", "Choose the client to add.")
			return v.Err()
		}
		_, err = s.proc.JoinGroup(r.Context(), a, id, client, viaSessionPage)
		return err
	})
}

// HandleSessionAttendeeRemove takes a client out of a group.
func (s *Handler) HandleSessionAttendeeRemove(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "attendees", func(a *journey.Actor, id int64, f *sessionForm) error {
		client, err := strconv.ParseInt(r.PathValue("client"), 10, 64)
		if err != nil {
			return journey.Errorf(journey.ENOTFOUND, "Client not found.")
		}
		_, err = s.proc.LeaveGroup(r.Context(), a, id, client, viaSessionPage)
		return err
	})
}

// changeSession reads the form, runs change and goes back to the page
// with done; a refusal (a field, a conflict, a gate, a rule) shows the
// page again with what was typed and why.
func (s *Handler) changeSession(w http.ResponseWriter, r *http.Request, done string, change func(a *journey.Actor, id int64, f *sessionForm) error) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := sessionID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var f sessionForm
	err = change(s.kit.Who(r), id, &f)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/staff/sessions/%d?done=%s", id, done), http.StatusSeeOther)
		return
	}
	switch journey.ErrorCode(err) {
	case journey.EINVALID, journey.ECONFLICT, journey.EFORBIDDEN:
		s.showSession(w, r, f, err)
	default:
		s.kit.PageError(w, r, err)
	}
}

// showSession renders the page for f, with refused's reasons when a
// change was refused (its status the error's).
func (s *Handler) showSession(w http.ResponseWriter, r *http.Request, f sessionForm, refused error) {
	id, err := sessionID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	a := s.kit.Who(r)
	v, err := s.proc.SessionView(r.Context(), a, id, viaSessionPage)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page, err := s.sessionPage(r.Context(), a, v, f, loc, zone)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if v.InFull {
		b, err := s.proc.SessionBilling(r.Context(), a, id, viaSessionPage)
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.billing(b, a, f, journey.BillingEvent(v.Session) != "")
	}
	status := http.StatusOK
	if refused != nil {
		page.refused(refused, f, loc)
		status = s.kit.Status(refused)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_session", page)
}
