package staff

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// AlertView is a safety alert as staff pages show it.
type AlertView struct {
	ID         int64
	ClientID   int64
	ClientName string
	FlagLabel  string
	At         time.Time
	Open       bool
	AckedBy    string
	AckedAt    time.Time
	Note       string
}

// ToAlertView is al as staff pages show it: names maps staff ids to names,
// times are in loc.
func ToAlertView(al *journey.Alert, names map[int64]string, loc *time.Location) AlertView {
	return AlertView{ID: al.ID, ClientID: al.ClientID, ClientName: al.ClientName, FlagLabel: webkit.FlagLabel(al.Flag), At: al.CreatedAt.In(loc),
		Open: al.AcknowledgedAt.IsZero(), AckedBy: names[al.AcknowledgedBy], AckedAt: al.AcknowledgedAt.In(loc), Note: al.Note}
}

type AlertsPage struct {
	Actor  *journey.Actor
	Zone   string
	Open   []AlertView
	Done   []AlertView
	Notice string
	// A refused acknowledgement: the alert, the note as typed and why.
	ErrorID int64
	Note    string
	Errors  map[string]string
	Message string
}

func (*AlertsPage) PageTitle() string { return "Safety alerts" }

// HandleAlerts lists the safety alerts of the actor's clients, open
// ones first, each open one with a form to acknowledge it.
func (s *Handler) HandleAlerts(w http.ResponseWriter, r *http.Request) {
	page := &AlertsPage{}
	if r.URL.Query().Get("acknowledged") == "1" {
		page.Notice = "Alert acknowledged. Your note is on the client's record."
	}
	s.renderAlerts(w, r, http.StatusOK, page)
}

func (s *Handler) renderAlerts(w http.ResponseWriter, r *http.Request, status int, page *AlertsPage) {
	a := webkit.ActorFrom(r)
	als, err := s.proc.Alerts(r.Context(), a, false, 100, "", true)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	names, err := StaffNames(r.Context(), s.store)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page.Actor, page.Zone = a, zone
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	for _, al := range als {
		v := ToAlertView(al, names, loc)
		if v.Open {
			page.Open = append(page.Open, v)
		} else {
			page.Done = append(page.Done, v)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_alerts", page)
}

// HandleAlertAck acknowledges an alert with a note of what the
// clinician did; a missing note is shown beside the field.
func (s *Handler) HandleAlertAck(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	id, err := webkit.RecordID(r, "Alert")
	if err == nil {
		_, err = s.proc.AcknowledgeAlert(r.Context(), s.kit.Who(r), id, note)
	}
	if err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.kit.PageError(w, r, err)
			return
		}
		page := &AlertsPage{ErrorID: id, Note: note, Errors: map[string]string{}}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, nil)
		s.renderAlerts(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, "/staff/alerts?acknowledged=1", http.StatusSeeOther)
}

// UserReader reads the practice's people.
type UserReader interface {
	FindUsers(ctx context.Context, kind string) ([]*journey.User, error)
}

// StaffNames maps staff user ids to names.
func StaffNames(ctx context.Context, store UserReader) (map[int64]string, error) {
	us, err := store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(us))
	for _, u := range us {
		names[u.ID] = u.Name
	}
	return names, nil
}
