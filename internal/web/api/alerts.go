package api

import (
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

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
	out := apiAlert{ID: al.ID, ClientID: al.ClientID, ClientName: al.ClientName, Kind: al.Kind, Flag: al.Flag, FlagLabel: webkit.FlagLabel(al.Flag),
		CreatedAt: al.CreatedAt.UTC().Format(time.RFC3339), AcknowledgedBy: al.AcknowledgedBy, Note: al.Note}
	if !al.AcknowledgedAt.IsZero() {
		t := al.AcknowledgedAt.UTC().Format(time.RFC3339)
		out.AcknowledgedAt = &t
	}
	return out
}

// HandleAlerts lists the open alerts of the caller's clients.
func (s *Handler) HandleAlerts(w http.ResponseWriter, r *http.Request) {
	als, err := s.proc.Alerts(r.Context(), s.kit.Who(r), true, 200, " via api", true)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiAlert, len(als))
	for i, al := range als {
		out[i] = toAPIAlert(al)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

// HandleAlertAck acknowledges an alert: {"note": "what I did"}.
func (s *Handler) HandleAlertAck(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Note string `json:"note"`
	}
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	id, err := webkit.RecordID(r, "Alert")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	al, err := s.proc.AcknowledgeAlert(r.Context(), s.kit.Who(r), id, in.Note)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, toAPIAlert(al))
}
