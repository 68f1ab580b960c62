package api

import (
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// apiEmail is one kind of email in the API.
type apiEmail struct {
	Kind         string           `json:"kind"`
	Label        string           `json:"label"`
	When         string           `json:"when"`
	Subject      string           `json:"subject"`
	Body         string           `json:"body"`
	Default      bool             `json:"default"`
	Version      int              `json:"version"`
	UpdatedAt    string           `json:"updated_at,omitempty"`
	Placeholders []apiPlaceholder `json:"placeholders"`
	Required     []string         `json:"required"`
}

type apiPlaceholder struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func toAPIEmail(t *journey.EmailTemplate) apiEmail {
	k := journey.FindEmailKind(t.Kind)
	out := apiEmail{Kind: k.Kind, Label: k.Label, When: k.When, Subject: t.Subject, Body: t.Body, Default: t.Default,
		Version: t.Version, Required: append([]string{}, k.Required...)}
	if !t.UpdatedAt.IsZero() {
		out.UpdatedAt = t.UpdatedAt.UTC().Format(time.RFC3339)
	}
	for _, p := range k.Placeholders {
		out.Placeholders = append(out.Placeholders, apiPlaceholder{Name: p.Name, Description: p.Description})
	}
	return out
}

func (s *Handler) HandleEmails(w http.ResponseWriter, r *http.Request) {
	all, err := s.store.FindEmailTemplates(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiEmail, len(all))
	for i, t := range all {
		out[i] = toAPIEmail(t)
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"emails": out})
}

// HandleEmailUpdate saves a kind's template, or with "default": true
// returns it to Journey's text.
func (s *Handler) HandleEmailUpdate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
		Default bool   `json:"default"`
	}
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	t := &journey.EmailTemplate{Kind: r.PathValue("kind"), Subject: in.Subject, Body: in.Body, Default: in.Default}
	if err := s.proc.SaveEmailTemplate(r.Context(), s.kit.Who(r), t, " via api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	all, err := s.store.FindEmailTemplates(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	for _, cur := range all {
		if cur.Kind == t.Kind {
			webkit.WriteJSON(w, http.StatusOK, toAPIEmail(cur))
			return
		}
	}
}
