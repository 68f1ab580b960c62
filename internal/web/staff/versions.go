package staff

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
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

// history returns kind's history for a settings page.
func (s *Handler) history(r *http.Request, kind string) (*settingsHistory, error) {
	vs, err := s.proc.SettingsVersions(r.Context(), s.kit.Who(r), kind, webkit.HistoryLen)
	if err != nil {
		return nil, err
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	h := &settingsHistory{Kind: kind}
	for i, v := range vs {
		h.Rows = append(h.Rows, versionRow{Kind: kind, Version: v.Version, By: webkit.VersionAuthor(v),
			At: v.At.In(loc).Format("Jan 2, 2006, 3:04 PM MST"), Summary: v.Summary(), Current: i == 0})
	}
	return h, nil
}

// settingsPages is where each kind's history is shown.
var settingsPages = map[string]string{journey.SettingsPractice: "/admin/practice", journey.SettingsLanding: "/admin/practice/landing",
	journey.SettingsFAQ: "/admin/faq"}

func (s *Handler) HandleVersionRestore(w http.ResponseWriter, r *http.Request) {
	if _, err := webkit.RestoreVersion(r, s.kit.Who(r), s.proc); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, settingsPages[r.PathValue("kind")]+"?saved=restored", http.StatusSeeOther)
}
