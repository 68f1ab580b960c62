package staff

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/starter"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// faqEdit is one FAQ entry on the admin's page: as stored or as typed, with
// its answer rendered as the public FAQ would show it (the preview).
type faqEdit struct {
	ID               int64
	Question, Answer string
	Published        bool
	Preview          template.HTML
	Errors           map[string]string
	Saved            bool
}

type FAQAdminPage struct {
	Actor    *journey.Actor
	Entries  []*faqEdit
	Message  string
	Restored bool
	History  *settingsHistory
}

func (*FAQAdminPage) PageTitle() string { return "FAQ" }

func (s *Handler) faqAdminPage(r *http.Request) (*FAQAdminPage, error) {
	es, err := s.store.FindFAQ(r.Context(), false)
	if err != nil {
		return nil, err
	}
	page := &FAQAdminPage{Actor: webkit.ActorFrom(r), Restored: r.URL.Query().Get("saved") == "restored"}
	if page.History, err = s.history(r, journey.SettingsFAQ); err != nil {
		return nil, err
	}
	saved, _ := strconv.ParseInt(r.URL.Query().Get("saved"), 10, 64)
	for _, e := range es {
		page.Entries = append(page.Entries, &faqEdit{ID: e.ID, Question: e.Question, Answer: e.Answer, Published: e.Published,
			Preview: webkit.Markdown(e.Answer), Saved: e.ID == saved, Errors: map[string]string{}})
	}
	return page, nil
}

func (s *Handler) HandleFAQAdmin(w http.ResponseWriter, r *http.Request) {
	page, err := s.faqAdminPage(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_faq", page)
}

// HandleFAQStarter adds Journey's starter questions, unpublished, to an
// empty FAQ: the admin edits and publishes each.
func (s *Handler) HandleFAQStarter(w http.ResponseWriter, r *http.Request) {
	es, err := s.store.FindFAQ(r.Context(), false)
	if err == nil && len(es) > 0 {
		err = journey.Errorf(journey.ECONFLICT, "The FAQ already has questions: the starter set is only for an empty FAQ.")
	}
	if err := s.proc.AddStarterFAQ(r.Context(), s.kit.Who(r), starter.FAQ(), err); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/faq", http.StatusSeeOther)
}

// HandleFAQUpdate saves one entry; a mistake is shown beside its field in
// that entry, with what was typed.
func (s *Handler) HandleFAQUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	e := &journey.FAQEntry{ID: id, Question: r.PostFormValue("question"), Answer: webkit.NormalizeBody(r.PostFormValue("answer")),
		Published: r.PostFormValue("published") == "yes"}
	typed := *e
	err := s.proc.UpdateFAQEntry(r.Context(), s.kit.Who(r), e)
	if err != nil {
		page, perr := s.faqAdminPage(r)
		if journey.ErrorCode(err) != journey.EINVALID || perr != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.Message = journey.ErrorMessage(err)
		for _, pe := range page.Entries {
			if pe.ID == id {
				pe.Question, pe.Answer, pe.Published, pe.Preview = typed.Question, typed.Answer, typed.Published, webkit.Markdown(typed.Answer)
				webkit.ShowFieldErrors(err, pe.Errors, nil)
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_faq", page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/faq?saved=%d#faq-%d", id, id), http.StatusSeeOther)
}
