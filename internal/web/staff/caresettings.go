package staff

import (
	"context"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// CareSettingsProcessing is what the care settings page asks of processing.
type CareSettingsProcessing interface {
	CareSettings(ctx context.Context, a *journey.Actor) (*journey.CareSettings, error)
	UpdateCareSettings(ctx context.Context, a *journey.Actor, s *journey.CareSettings) error
}

// CareSettingsPage is the admin's page of the path after clearance: the
// default plan, the rules of the plan and the gates, the telehealth link.
type CareSettingsPage struct {
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Saved     bool
}

func (*CareSettingsPage) PageTitle() string { return "Care path settings" }

// Err is the error beside field name, for the form partials.
func (p *CareSettingsPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed or saved.
func (p *CareSettingsPage) Val(name string) string { return p.Form[name] }

// Checked reports whether a radio or checkbox field holds value.
func (p *CareSettingsPage) Checked(name, value string) bool { return p.Form[name] == value }

// careFields are the rules' fields, each a whole number.
var careFields = []string{"integration_overdue_days", "recheck_after_days", "measures_within_days"}

// HandleCareSettings shows the care settings form.
func (s *Handler) HandleCareSettings(w http.ResponseWriter, r *http.Request) {
	cs, err := s.proc.CareSettings(r.Context(), s.kit.Who(r))
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	form := planForm(cs.DefaultPlan)
	form["integration_overdue_days"] = strconv.Itoa(cs.Rules.IntegrationOverdueDays)
	form["recheck_after_days"] = strconv.Itoa(cs.Rules.RecheckAfterDays)
	form["measures_within_days"] = strconv.Itoa(cs.Rules.MeasuresWithinDays)
	form["integration_booked_ok"] = strconv.FormatBool(cs.Rules.IntegrationBookedOK)
	form["telehealth_template"] = cs.TelehealthTemplate
	page := &CareSettingsPage{Form: form, Errors: map[string]string{}, Saved: r.URL.Query().Get("saved") == "1"}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_care", page)
}

// HandleCareSettingsSave saves the care settings; what was wrong is shown
// beside each field with what was typed kept.
func (s *Handler) HandleCareSettingsSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := map[string]string{"integration_booked_ok": strconv.FormatBool(r.PostFormValue("integration_booked_ok") == "true"),
		"telehealth_template": r.PostFormValue("telehealth_template")}
	var v journey.Validation
	cs := &journey.CareSettings{DefaultPlan: planFromForm(r, form, &v),
		Rules: journey.CareRules{IntegrationOverdueDays: formNumber(r, form, &v, careFields[0]), RecheckAfterDays: formNumber(r, form, &v, careFields[1]),
			MeasuresWithinDays: formNumber(r, form, &v, careFields[2]), IntegrationBookedOK: form["integration_booked_ok"] == "true"},
		TelehealthTemplate: form["telehealth_template"]}
	err := v.Err()
	if err != nil {
		v.AddErr(cs.Validate())
		err = v.Err()
	} else {
		err = s.proc.UpdateCareSettings(r.Context(), s.kit.Who(r), cs)
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page := &CareSettingsPage{Form: form, Errors: map[string]string{}}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		s.kit.Render(w, r, s.kit.Status(err), "admin_care", page)
		return
	}
	http.Redirect(w, r, "/admin/care?saved=1", http.StatusSeeOther)
}
