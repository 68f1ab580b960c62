package staff

import (
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// A client's answer about text reminders, recorded by front desk or the
// care team on the client's word (the same processing method as the
// portal's and the API's, audited there).

// TextConsentPage is the form of a client's answer about texts.
type TextConsentPage struct {
	ClientID  int64
	Agreed    bool
	Phone     string
	ConsentAt time.Time
	Saved     bool
	Errors    map[string]string
	Summary   []webkit.ErrorLine
	Loc       *time.Location
}

func (*TextConsentPage) PageTitle() string { return "Text reminders" }

var textConsentLabels = map[string]string{"phone": "Mobile number", "agreed": "Text reminders"}

// renderTextConsent fills page with the client's newest answer (unless the
// form is being shown again) and draws it.
func (s *Handler) renderTextConsent(w http.ResponseWriter, r *http.Request, status int, page *TextConsentPage, fresh bool) {
	if fresh {
		tc, err := s.proc.TextConsent(r.Context(), s.kit.Who(r), page.ClientID)
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.Agreed, page.Phone, page.ConsentAt = tc.Agreed, tc.Phone, tc.At
	}
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_text_consent", page)
}

// HandleTextConsentView shows a client's answer about texts and the form
// to record a new one.
func (s *Handler) HandleTextConsentView(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderTextConsent(w, r, http.StatusOK, &TextConsentPage{ClientID: id, Saved: r.URL.Query().Get("saved") == "1"}, true)
}

// HandleTextConsentSave records the client's answer; a wrong number is
// shown beside the field, as typed.
func (s *Handler) HandleTextConsentSave(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &TextConsentPage{ClientID: id, Agreed: r.PostFormValue("agreed") == "yes", Phone: r.PostFormValue("phone"), Errors: map[string]string{}}
	phone := page.Phone
	if e164, ok := webkit.NormalizePhone(phone); ok {
		phone = e164
	}
	if _, err := s.proc.RecordTextConsent(r.Context(), s.kit.Who(r), id, page.Agreed, phone); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string { return textConsentLabels[f] })
		s.renderTextConsent(w, r, s.kit.Status(err), page, false)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d/texts?saved=1", id), http.StatusSeeOther)
}
