package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
)

// alertView is a safety alert as staff pages show it.
type alertView struct {
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

func toAlertView(al *journey.Alert, names map[int64]string, loc *time.Location) alertView {
	return alertView{ID: al.ID, ClientID: al.ClientID, ClientName: al.ClientName, FlagLabel: flagLabel(al.Flag), At: al.CreatedAt.In(loc),
		Open: al.AcknowledgedAt.IsZero(), AckedBy: names[al.AcknowledgedBy], AckedAt: al.AcknowledgedAt.In(loc), Note: al.Note}
}

// alertScope returns the care-team member whose clients' alerts the actor
// sees: 0 for every client (medical providers review them all), their own
// id otherwise. It matches CanSeeClinical.
func alertScope(a *journey.Actor) int64 {
	if a.Has(journey.RoleMedicalProvider) {
		return 0
	}
	return a.ID()
}

// alertFor returns the alert named by the path's {id} with its client, if
// the actor may see the client's clinical record; any other alert is "not
// found", and the refusal is audited.
func (s *Server) alertFor(r *http.Request) (*journey.Alert, *journey.Client, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, journey.Errorf(journey.ENOTFOUND, "Alert not found.")
	}
	al, err := s.store.FindAlert(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.store.FindClientByID(r.Context(), al.ClientID)
	if err != nil {
		return nil, nil, err
	}
	if !actorFrom(r).CanSeeClinical(c) {
		s.audit(r, "alert.read", "alert", al.ID, journey.AuditDenied, "not their client")
		return nil, nil, journey.Errorf(journey.ENOTFOUND, "Alert not found.")
	}
	al.ClientName = c.Name
	return al, c, nil
}

type staffAlertsPage struct {
	Actor  *journey.Actor
	Zone   string
	Open   []alertView
	Done   []alertView
	Notice string
	// A refused acknowledgement: the alert, the note as typed and why.
	ErrorID int64
	Note    string
	Errors  map[string]string
	Message string
}

func (*staffAlertsPage) PageTitle() string { return "Safety alerts" }

// handleStaffAlerts lists the safety alerts of the actor's clients, open
// ones first, each open one with a form to acknowledge it.
func (s *Server) handleStaffAlerts(w http.ResponseWriter, r *http.Request) {
	page := &staffAlertsPage{}
	if r.URL.Query().Get("acknowledged") == "1" {
		page.Notice = "Alert acknowledged. Your note is on the client's record."
	}
	s.renderAlerts(w, r, http.StatusOK, page)
}

func (s *Server) renderAlerts(w http.ResponseWriter, r *http.Request, status int, page *staffAlertsPage) {
	a := actorFrom(r)
	als, err := s.store.FindAlerts(r.Context(), alertScope(a), 0, false, 100)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	names, err := s.staffNames(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, zone := s.practiceZone(r)
	page.Actor, page.Zone = a, zone
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	for _, al := range als {
		v := toAlertView(al, names, loc)
		if v.Open {
			page.Open = append(page.Open, v)
		} else {
			page.Done = append(page.Done, v)
		}
	}
	s.audit(r, "alert.read", "alert", "", journey.AuditSuccess, idList("alerts", als, func(a *journey.Alert) int64 { return a.ID }))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "staff_alerts", page)
}

// acknowledge records that the actor followed up alert al with note.
func (s *Server) acknowledge(r *http.Request, al *journey.Alert, note string) error {
	err := s.store.AcknowledgeAlert(r.Context(), al.ID, actorFrom(r).ID(), note)
	outcome := journey.AuditSuccess
	if err != nil {
		outcome = journey.AuditFailure
	}
	s.audit(r, "alert.acknowledge", "alert", al.ID, outcome, fmt.Sprintf("client %d", al.ClientID))
	return err
}

// handleStaffAlertAck acknowledges an alert with a note of what the
// clinician did; a missing note is shown beside the field.
func (s *Server) handleStaffAlertAck(w http.ResponseWriter, r *http.Request) {
	al, _, err := s.alertFor(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	if err := s.acknowledge(r, al, note); err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.pageError(w, r, err)
			return
		}
		page := &staffAlertsPage{ErrorID: al.ID, Note: note, Errors: map[string]string{}}
		page.Message = showFieldErrors(err, page.Errors, nil)
		s.renderAlerts(w, r, errorStatus(err), page)
		return
	}
	http.Redirect(w, r, "/staff/alerts?acknowledged=1", http.StatusSeeOther)
}

// apiAlert is a safety alert in the API.
type apiAlert struct {
	ID             int64   `json:"id"`
	ClientID       int64   `json:"client_id"`
	ClientName     string  `json:"client_name"`
	Kind           string  `json:"kind"`
	Flag           string  `json:"flag"`
	FlagLabel      string  `json:"flag_label"`
	CreatedAt      string  `json:"created_at"`
	AcknowledgedBy int64   `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *string `json:"acknowledged_at"`
	Note           string  `json:"note,omitempty"`
}

func toAPIAlert(al *journey.Alert) apiAlert {
	out := apiAlert{ID: al.ID, ClientID: al.ClientID, ClientName: al.ClientName, Kind: al.Kind, Flag: al.Flag, FlagLabel: flagLabel(al.Flag),
		CreatedAt: al.CreatedAt.UTC().Format(time.RFC3339), AcknowledgedBy: al.AcknowledgedBy, Note: al.Note}
	if !al.AcknowledgedAt.IsZero() {
		t := al.AcknowledgedAt.UTC().Format(time.RFC3339)
		out.AcknowledgedAt = &t
	}
	return out
}

// handleAPIAlerts lists the open alerts of the caller's clients.
func (s *Server) handleAPIAlerts(w http.ResponseWriter, r *http.Request) {
	als, err := s.store.FindAlerts(r.Context(), alertScope(actorFrom(r)), 0, true, 200)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]apiAlert, len(als))
	for i, al := range als {
		out[i] = toAPIAlert(al)
	}
	s.audit(r, "alert.read", "alert", "", journey.AuditSuccess, idList("open alerts", als, func(a *journey.Alert) int64 { return a.ID })+" via api")
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

// handleAPIAlertAck acknowledges an alert: {"note": "what I did"}.
func (s *Server) handleAPIAlertAck(w http.ResponseWriter, r *http.Request) {
	al, c, err := s.alertFor(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if !s.decodeJSON(w, r, &in) {
		return
	}
	if err := s.acknowledge(r, al, in.Note); err != nil {
		s.apiError(w, r, err)
		return
	}
	al, err = s.store.FindAlert(r.Context(), al.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	al.ClientName = c.Name
	writeJSON(w, http.StatusOK, toAPIAlert(al))
}

// plural returns n and word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
