package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/journey-kap/journey"
)

type homePage struct {
	Therapists []*journey.Therapist
	Landing    template.HTML // the practice's own text, when it has one
}

func (*homePage) PageTitle() string { return "" }

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.servePage(w, r, "home", false, func() (string, any, error) {
		ts, err := s.store.FindTherapists(r.Context(), true)
		if err != nil {
			return "", nil, err
		}
		p, err := s.practice(r.Context())
		page := &homePage{Therapists: ts}
		if err == nil && p.Landing != "" {
			page.Landing = md.render(p.Landing)
		}
		return "home", page, err
	})
}

type faqPage struct {
	Entries []faqItem
}

type faqItem struct {
	ID       int64
	Question string
	Answer   template.HTML
}

func (*faqPage) PageTitle() string { return "Frequently asked questions" }

func (s *Server) handleFAQ(w http.ResponseWriter, r *http.Request) {
	s.servePage(w, r, "faq", false, func() (string, any, error) {
		entries, err := s.store.FindFAQ(r.Context(), true)
		page := &faqPage{}
		for _, e := range entries {
			page.Entries = append(page.Entries, faqItem{ID: e.ID, Question: e.Question, Answer: md.render(e.Answer)})
		}
		return "faq", page, err
	})
}

type privacyPage struct {
	Notice template.HTML
}

func (*privacyPage) PageTitle() string { return "Privacy notice" }

func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	s.servePage(w, r, "privacy", false, func() (string, any, error) {
		p, err := s.practice(r.Context())
		if err != nil {
			return "", nil, err
		}
		return "privacy", &privacyPage{Notice: md.render(p.PrivacyNotice)}, nil
	})
}

// unsetPractice stands in for the practice before its first admin has
// saved its details: the public site names Journey, shows times in UTC
// and takes no booking.
func unsetPractice() *journey.Practice {
	return &journey.Practice{Name: "Journey", TimeZone: "UTC", SetupPending: true}
}

// practice returns the practice, or unsetPractice before one is set up;
// any other error (an outage) is returned.
func (s *Server) practice(ctx context.Context) (*journey.Practice, error) {
	p, err := s.store.FindPractice(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return unsetPractice(), nil
	}
	return p, err
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(r.Context()); err != nil {
		s.cfg.Log.Error("health check: database unreachable", "error", err)
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok " + s.cfg.Version + "\n"))
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.answerError(w, r, journey.Errorf(journey.ENOTFOUND, "We could not find that page."))
}
