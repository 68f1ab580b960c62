package api

import (
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// apiVersion is one settings version in the API.
type apiVersion struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version"`
	By      string    `json:"by"`
	ByID    int64     `json:"by_id"` // 0: Journey itself
	At      time.Time `json:"at"`
	Summary string    `json:"summary"`
	// The state, by kind.
	Practice *apiPractice   `json:"practice,omitempty"`
	Landing  *string        `json:"landing,omitempty"`
	FAQ      []apiFAQStored `json:"faq,omitempty"`
}

// apiFAQStored is one FAQ entry of a version.
type apiFAQStored struct {
	Question  string `json:"question"`
	Answer    string `json:"answer"`
	Published bool   `json:"published"`
}

func toAPIVersion(v *journey.SettingsVersion) apiVersion {
	out := apiVersion{Kind: v.Kind, Version: v.Version, By: webkit.VersionAuthor(v), ByID: v.By, At: v.At, Summary: v.Summary()}
	switch v.Kind {
	case journey.SettingsPractice:
		p := toAPIPractice(v.Practice)
		p.BookingsOpen, p.Landing = false, ""
		out.Practice = &p
	case journey.SettingsLanding:
		out.Landing = &v.Landing
	case journey.SettingsFAQ:
		out.FAQ = []apiFAQStored{}
		for _, e := range v.FAQ {
			out.FAQ = append(out.FAQ, apiFAQStored{e.Question, e.Answer, e.Published})
		}
	}
	return out
}

// HandleVersions lists ?kind= (practice, landing or faq), newest first.
func (s *Handler) HandleVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.proc.SettingsVersions(r.Context(), s.kit.Who(r), r.URL.Query().Get("kind"), webkit.HistoryLen)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiVersion{}
	for _, v := range vs {
		out = append(out, toAPIVersion(v))
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"versions": out})
}

func (s *Handler) HandleVersionRestore(w http.ResponseWriter, r *http.Request) {
	v, err := webkit.RestoreVersion(r, s.kit.Who(r), s.proc)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, toAPIVersion(v))
}
