package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
)

// The practice's details, landing text and FAQ are versioned (the root
// settings.go): each settings page lists its part's history and restores
// a version, as the API does.

// versionRow is one version in a settings page's history.
type versionRow struct {
	Kind    string
	Version int
	By      string
	At      string // in the practice's zone
	Summary string
	Current bool // the newest: what is in force
}

// settingsHistory is a settings page's history of kind.
type settingsHistory struct {
	Kind string
	Rows []versionRow
}

// historyLen is how many versions a settings page lists.
const historyLen = 20

// history returns kind's history for a settings page.
func (s *Server) history(r *http.Request, kind string) (*settingsHistory, error) {
	vs, err := s.proc.SettingsVersions(r.Context(), s.who(r), kind, historyLen)
	if err != nil {
		return nil, err
	}
	loc, _ := s.practiceZone(r)
	h := &settingsHistory{Kind: kind}
	for i, v := range vs {
		h.Rows = append(h.Rows, versionRow{Kind: kind, Version: v.Version, By: versionAuthor(v),
			At: v.At.In(loc).Format("Jan 2, 2006, 3:04 PM MST"), Summary: v.Summary(), Current: i == 0})
	}
	return h, nil
}

// versionAuthor names who saved v.
func versionAuthor(v *journey.SettingsVersion) string {
	if v.By == 0 || v.ByName == "" {
		return "Journey"
	}
	return v.ByName
}

// settingsPages is where each kind's history is shown.
var settingsPages = map[string]string{journey.SettingsPractice: "/admin/practice", journey.SettingsLanding: "/admin/practice/landing",
	journey.SettingsFAQ: "/admin/faq"}

// versionPath reads the kind and version of a restore's path; ENOTFOUND
// for either that is not one.
func versionPath(r *http.Request) (string, int, error) {
	kind := r.PathValue("kind")
	v, err := strconv.Atoi(r.PathValue("version"))
	if !journey.IsSettingsKind(kind) || err != nil || v < 1 {
		return "", 0, journey.Errorf(journey.ENOTFOUND, "There is no such version.")
	}
	return kind, v, nil
}

// restoreVersion restores the path's version (audited by processing).
func (s *Server) restoreVersion(r *http.Request) (*journey.SettingsVersion, error) {
	kind, n, err := versionPath(r)
	if err != nil {
		return nil, err
	}
	return s.proc.RestoreSettingsVersion(r.Context(), s.who(r), kind, n)
}

func (s *Server) handleVersionRestore(w http.ResponseWriter, r *http.Request) {
	if _, err := s.restoreVersion(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, settingsPages[r.PathValue("kind")]+"?saved=restored", http.StatusSeeOther)
}

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
	out := apiVersion{Kind: v.Kind, Version: v.Version, By: versionAuthor(v), ByID: v.By, At: v.At, Summary: v.Summary()}
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

// handleAPIVersions lists ?kind= (practice, landing or faq), newest first.
func (s *Server) handleAPIVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.proc.SettingsVersions(r.Context(), s.who(r), r.URL.Query().Get("kind"), historyLen)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []apiVersion{}
	for _, v := range vs {
		out = append(out, toAPIVersion(v))
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

func (s *Server) handleAPIVersionRestore(w http.ResponseWriter, r *http.Request) {
	v, err := s.restoreVersion(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIVersion(v))
}
