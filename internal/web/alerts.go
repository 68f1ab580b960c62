package web

import (
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
	als, err := s.proc.Alerts(r.Context(), a, false, 100, "", true)
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
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "staff_alerts", page)
}

// acknowledge records that the actor followed up the path's alert with
// note (processing.AcknowledgeAlert).
func (s *Server) acknowledge(r *http.Request, note string) (*journey.Alert, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return nil, journey.Errorf(journey.ENOTFOUND, "Alert not found.")
	}
	return s.proc.AcknowledgeAlert(r.Context(), s.who(r), id, note)
}

// handleStaffAlertAck acknowledges an alert with a note of what the
// clinician did; a missing note is shown beside the field.
func (s *Server) handleStaffAlertAck(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	note := r.PostFormValue("note")
	if _, err := s.acknowledge(r, note); err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.pageError(w, r, err)
			return
		}
		id, _ := pathID(r, "id")
		page := &staffAlertsPage{ErrorID: id, Note: note, Errors: map[string]string{}}
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
	als, err := s.proc.Alerts(r.Context(), s.who(r), true, 200, " via api", true)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]apiAlert, len(als))
	for i, al := range als {
		out[i] = toAPIAlert(al)
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

// handleAPIAlertAck acknowledges an alert: {"note": "what I did"}.
func (s *Server) handleAPIAlertAck(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Note string `json:"note"`
	}
	if !s.decodeJSON(w, r, &in) {
		return
	}
	al, err := s.acknowledge(r, in.Note)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIAlert(al))
}

// plural returns n and word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
