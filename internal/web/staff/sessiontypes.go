package staff

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// SessionTypesProcessing is what the session types page asks of processing.
type SessionTypesProcessing interface {
	SessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	UpdateSessionType(ctx context.Context, a *journey.Actor, t *journey.SessionType, via string) error
	SessionCancelHours(ctx context.Context) (int, error)
	SetSessionCancelHours(ctx context.Context, a *journey.Actor, hours int, via string) error
}

// SessionTypesPage is the admin's page of the practice's session types
// (length, buffer, notice, who books them) and the cancellation notice.
// Fields are named "<code>-<setting>".
type SessionTypesPage struct {
	Types     []*journey.SessionType
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Saved     bool
}

func (*SessionTypesPage) PageTitle() string { return "Session types" }

// Err is the error beside field name, for the form partials.
func (p *SessionTypesPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed or saved.
func (p *SessionTypesPage) Val(name string) string { return p.Form[name] }

// Field returns the name of type code's setting.
func (p *SessionTypesPage) Field(code, setting string) string { return code + "-" + setting }

// typeSettings are the numbers a practice sets per type.
var typeSettings = []string{"minutes", "buffer_minutes", "lead_hours", "capacity"}

func (s *Handler) sessionTypesPage(ctx context.Context) (*SessionTypesPage, error) {
	ts, err := s.proc.SessionTypes(ctx)
	if err != nil {
		return nil, err
	}
	hours, err := s.proc.SessionCancelHours(ctx)
	if err != nil {
		return nil, err
	}
	page := &SessionTypesPage{Types: ts, Form: map[string]string{"cancel_notice_hours": strconv.Itoa(hours)}, Errors: map[string]string{}}
	for _, t := range ts {
		page.Form[t.Code+"-name"] = t.Name
		for _, f := range typeSettings {
			page.Form[t.Code+"-"+f] = strconv.Itoa(map[string]int{"minutes": t.Minutes, "buffer_minutes": t.BufferMinutes, "lead_hours": t.LeadHours, "capacity": t.Capacity}[f])
		}
		page.Form[t.Code+"-client_books"] = strconv.FormatBool(t.ClientBooks)
	}
	return page, nil
}

// HandleSessionTypes shows the session types form.
func (s *Handler) HandleSessionTypes(w http.ResponseWriter, r *http.Request) {
	page, err := s.sessionTypesPage(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved") == "1"
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_session_types", page)
}

// HandleSessionTypesSave checks every type as typed and saves them all,
// or shows each error beside its field with what was typed kept.
func (s *Handler) HandleSessionTypesSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page, err := s.sessionTypesPage(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var v journey.Validation
	num := func(name string) int {
		page.Form[name] = strings.TrimSpace(r.PostFormValue(name))
		n, err := strconv.Atoi(page.Form[name])
		if err != nil {
			v.Add(name, "Enter a whole number.")
		}
		return n
	}
	hours := num("cancel_notice_hours")
	for _, t := range page.Types {
		p := t.Code + "-"
		page.Form[p+"name"] = r.PostFormValue(p + "name")
		page.Form[p+"client_books"] = strconv.FormatBool(r.PostFormValue(p+"client_books") == "true")
		t.Name, t.ClientBooks = page.Form[p+"name"], r.PostFormValue(p+"client_books") == "true"
		t.Minutes, t.BufferMinutes, t.LeadHours = num(p+"minutes"), num(p+"buffer_minutes"), num(p+"lead_hours")
		if t.Capacity > 1 || t.Code == journey.TypeIntegrationGroup {
			t.Capacity = num(p + "capacity")
		}
		if journey.Line(t.Name) == "" {
			v.Add(p+"name", "Give the type a name.")
		}
		for _, f := range journey.ErrorFields(t.Validate()) {
			if !v.Has(p + f.Field) {
				v.Add(p+f.Field, f.Detail)
			}
		}
	}
	err = v.Err()
	a := s.kit.Who(r)
	for _, t := range page.Types {
		if err == nil {
			err = s.proc.UpdateSessionType(r.Context(), a, t, "")
		}
	}
	if err == nil {
		err = s.proc.SetSessionCancelHours(r.Context(), a, hours, "")
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_session_types", page)
		return
	}
	http.Redirect(w, r, "/admin/session-types?saved=1", http.StatusSeeOther)
}
