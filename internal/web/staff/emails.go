package staff

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The text of each email the practice sends (journey.EmailKinds): a list,
// a page per kind with its placeholders, a preview from sample data and
// the versions saved, and the same through the API. The store validates
// and keeps each save as a version; every change is audited.

// EmailsPage lists every kind of email and whether the practice changed it.
type EmailsPage struct {
	Actor  *journey.Actor
	Emails []emailRow
	Zone   string
}

type emailRow struct {
	Kind    *journey.EmailKind
	Current *journey.EmailTemplate
	Updated time.Time // in the practice's zone
}

func (*EmailsPage) PageTitle() string { return "Emails" }

// EmailPage edits one kind: what was typed, its errors, its preview.
type EmailPage struct {
	Actor     *journey.Actor
	Kind      *journey.EmailKind
	Subject   string
	Body      string
	Current   *journey.EmailTemplate
	History   []emailVersion
	Preview   struct{ Subject, Body string }
	Previewed bool // the preview is of what was typed, not saved
	Saved     string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	practice  *journey.Practice // the preview names the practice as it is
}

// emailVersion is one saved version, for the history.
type emailVersion struct {
	*journey.EmailTemplate
	By      string
	Updated time.Time
}

func (p *EmailPage) PageTitle() string { return "Email: " + p.Kind.Label }

func (s *Handler) HandleEmailsView(w http.ResponseWriter, r *http.Request) {
	all, err := s.store.FindEmailTemplates(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page := &EmailsPage{Actor: webkit.ActorFrom(r), Zone: zone}
	for _, t := range all {
		page.Emails = append(page.Emails, emailRow{Kind: journey.FindEmailKind(t.Kind), Current: t, Updated: t.UpdatedAt.In(loc)})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_emails", page)
}

// emailPageFor fills the page of kind with its current template and
// history; ENOTFOUND for an unknown kind.
func (s *Handler) emailPageFor(r *http.Request, kind string) (*EmailPage, error) {
	k := journey.FindEmailKind(kind)
	if k == nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "There is no such email.")
	}
	all, err := s.store.FindEmailTemplates(r.Context())
	if err != nil {
		return nil, err
	}
	pr, err := s.kit.Practice(r.Context())
	if err != nil {
		return nil, err
	}
	page := &EmailPage{Actor: webkit.ActorFrom(r), Kind: k, Errors: map[string]string{}, practice: pr}
	for _, t := range all {
		if t.Kind == kind {
			page.Current, page.Subject, page.Body = t, t.Subject, t.Body
		}
	}
	hist, err := s.store.FindEmailTemplateHistory(r.Context(), kind, 10)
	if err != nil {
		return nil, err
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	names := map[int64]string{}
	for _, t := range hist {
		if _, ok := names[t.UpdatedBy]; !ok {
			names[t.UpdatedBy] = fmt.Sprintf("user %d", t.UpdatedBy)
			if u, err := s.store.FindUserByID(r.Context(), t.UpdatedBy); err == nil {
				names[t.UpdatedBy] = u.Name
			}
		}
		page.History = append(page.History, emailVersion{EmailTemplate: t, By: names[t.UpdatedBy], Updated: t.UpdatedAt.In(loc)})
	}
	page.preview(page.Current)
	return page, nil
}

// preview renders t with the kind's sample values and the practice's own
// name and contact details.
func (p *EmailPage) preview(t *journey.EmailTemplate) {
	values := p.Kind.Samples()
	for name, v := range map[string]string{"practice_name": p.practice.Name, "practice_phone": p.practice.Phone, "practice_email": p.practice.Email} {
		if _, ok := values[name]; ok && v != "" {
			values[name] = v
		}
	}
	p.Preview.Subject, p.Preview.Body = journey.RenderEmail(t, values)
}

func (s *Handler) HandleEmailView(w http.ResponseWriter, r *http.Request) {
	page, err := s.emailPageFor(r, r.PathValue("kind"))
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_email", page)
}

// HandleEmailUpdate previews (action=preview), saves (save) or returns the
// kind to Journey's text (reset).
func (s *Handler) HandleEmailUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	kind, action := r.PathValue("kind"), r.PostFormValue("action")
	page, err := s.emailPageFor(r, kind)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	t := &journey.EmailTemplate{Kind: kind, Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Default: action == "reset"}
	page.Subject, page.Body = t.Subject, t.Body
	if action == "preview" {
		t.Normalize()
		err = t.Validate()
	} else {
		err = s.proc.SaveEmailTemplate(r.Context(), s.kit.Who(r), t, "")
	}
	switch {
	case err == nil && action != "preview":
		http.Redirect(w, r, "/admin/emails/"+url.PathEscape(kind)+"?saved="+map[bool]string{true: "reset", false: "1"}[t.Default], http.StatusSeeOther)
		return
	case journey.ErrorCode(err) != journey.EINVALID && err != nil:
		s.kit.PageError(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status, page.Message = http.StatusUnprocessableEntity, webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
	} else {
		page.preview(t)
		page.Previewed = true
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "admin_email", page)
}
