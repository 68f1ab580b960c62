package site

import (
	"html/template"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type HomePage struct {
	Therapists []*journey.Therapist
	Landing    template.HTML // the practice's own text, when it has one
}

func (*HomePage) PageTitle() string { return "" }

func (s *Site) HandleHome(w http.ResponseWriter, r *http.Request) {
	s.kit.ServePage(w, r, "home", false, func() (string, any, error) {
		ts, err := s.store.FindTherapists(r.Context(), true)
		if err != nil {
			return "", nil, err
		}
		p, err := s.kit.Practice(r.Context())
		page := &HomePage{Therapists: ts}
		if err == nil && p.Landing != "" {
			page.Landing = webkit.Markdown(p.Landing)
		}
		return "home", page, err
	})
}

type FAQPage struct {
	Entries []FAQItem
}

type FAQItem struct {
	ID       int64
	Question string
	Answer   template.HTML
}

func (*FAQPage) PageTitle() string { return "Frequently asked questions" }

func (s *Site) HandleFAQ(w http.ResponseWriter, r *http.Request) {
	s.kit.ServePage(w, r, "faq", false, func() (string, any, error) {
		entries, err := s.store.FindFAQ(r.Context(), true)
		page := &FAQPage{}
		for _, e := range entries {
			page.Entries = append(page.Entries, FAQItem{ID: e.ID, Question: e.Question, Answer: webkit.Markdown(e.Answer)})
		}
		return "faq", page, err
	})
}

type PrivacyPage struct {
	Notice template.HTML
}

func (*PrivacyPage) PageTitle() string { return "Privacy notice" }

func (s *Site) HandlePrivacy(w http.ResponseWriter, r *http.Request) {
	s.kit.ServePage(w, r, "privacy", false, func() (string, any, error) {
		p, err := s.kit.Practice(r.Context())
		if err != nil {
			return "", nil, err
		}
		return "privacy", &PrivacyPage{Notice: webkit.Markdown(p.PrivacyNotice)}, nil
	})
}
