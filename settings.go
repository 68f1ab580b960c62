package journey

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The parts of the practice's settings kept in versions. Consent
// documents and screening rules keep versions of their own.
const (
	SettingsPractice = "practice" // the details: name, contact, zone, windows
	SettingsLanding  = "landing"  // the landing page's text
	SettingsFAQ      = "faq"      // the whole FAQ, in order
)

// IsSettingsKind reports whether kind names a versioned part of the settings.
func IsSettingsKind(kind string) bool {
	return kind == SettingsPractice || kind == SettingsLanding || kind == SettingsFAQ
}

// SettingsVersion is one saved state of a part of the settings: what was
// saved, by whom and when. Every save makes one; restoring one saves its
// state again as the newest, so the history only grows.
type SettingsVersion struct {
	Kind     string
	Version  int
	Practice *Practice  // SettingsPractice: the details (no landing text)
	Landing  string     // SettingsLanding
	FAQ      []FAQEntry // SettingsFAQ, in order
	By       int64      // 0: Journey itself (the demo, or kept from before versions were)
	ByName   string
	At       time.Time
}

// Summary returns a line that tells the version apart from its neighbours.
func (v *SettingsVersion) Summary() string {
	switch v.Kind {
	case SettingsPractice:
		if p := v.Practice; p != nil {
			return fmt.Sprintf("%s, %s, %s, %s", p.Name, p.Phone, p.Email, p.TimeZone)
		}
	case SettingsLanding:
		if v.Landing == "" {
			return "Journey's general text"
		}
		return clip(v.Landing, 100)
	case SettingsFAQ:
		qs := make([]string, 0, len(v.FAQ))
		published := 0
		for _, e := range v.FAQ {
			qs = append(qs, e.Question)
			if e.Published {
				published++
			}
		}
		return clip(fmt.Sprintf("%d questions, %d published: %s", len(v.FAQ), published, strings.Join(qs, " · ")), 160)
	}
	return ""
}

// clip returns s on one line, cut to n runes with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// SettingsVersionService reads and restores the settings' versions.
type SettingsVersionService interface {
	// FindSettingsVersions returns kind's versions, newest first, at most
	// limit; EINVALID for a kind that is not versioned.
	FindSettingsVersions(ctx context.Context, kind string, limit int) ([]*SettingsVersion, error)
	// RestoreSettingsVersion saves version's state of kind again, by by,
	// as the newest version, and returns it; ENOTFOUND when there is no
	// such version.
	RestoreSettingsVersion(ctx context.Context, kind string, version int, by int64) (*SettingsVersion, error)
}
