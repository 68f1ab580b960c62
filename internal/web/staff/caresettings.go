package staff

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

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
	Monitoring []MonitoringField
	Form       map[string]string
	Errors     map[string]string
	ErrorList  []journey.FieldError
	Message    string
	Saved      bool
}

func (*CareSettingsPage) PageTitle() string { return "Care path settings" }

// Err is the error beside field name, for the form partials.
func (p *CareSettingsPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as typed or saved.
func (p *CareSettingsPage) Val(name string) string { return p.Form[name] }

// Checked reports whether a radio or checkbox field holds value.
func (p *CareSettingsPage) Checked(name, value string) bool { return p.Form[name] == value }

// MonitoringField is one of the medicine session's thresholds or bounds
// (journey.MonitoringRules) on the form: a whole number, or (Float) a
// number of mg or mg/kg.
type MonitoringField struct {
	Name, Label string
	Float       bool
	int         func(*journey.MonitoringRules) *int
	float       func(*journey.MonitoringRules) *float64
}

func mInt(name, label string, f func(*journey.MonitoringRules) *int) MonitoringField {
	return MonitoringField{Name: name, Label: label, int: f}
}

func mFloat(name, label string, f func(*journey.MonitoringRules) *float64) MonitoringField {
	return MonitoringField{Name: name, Label: label, Float: true, float: f}
}

// MonitoringFields are the form's fields for the practice's monitoring
// rules, in the order of DOMAIN §4.
var MonitoringFields = []MonitoringField{
	mInt("review_systolic", "Before the dose, systolic above this asks for a re-measure and the prescriber's review (mmHg)", func(r *journey.MonitoringRules) *int { return &r.ReviewSystolic }),
	mInt("review_diastolic", "Before the dose, diastolic above this asks for a re-measure and review (mmHg)", func(r *journey.MonitoringRules) *int { return &r.ReviewDiastolic }),
	mInt("hold_systolic", "Before the dose, systolic at or above this holds the dose (mmHg)", func(r *journey.MonitoringRules) *int { return &r.HoldSystolic }),
	mInt("hold_diastolic", "Before the dose, diastolic at or above this holds the dose (mmHg)", func(r *journey.MonitoringRules) *int { return &r.HoldDiastolic }),
	mInt("hold_hr_low", "Heart rate below this holds the dose (beats a minute)", func(r *journey.MonitoringRules) *int { return &r.HoldHRLow }),
	mInt("hold_hr_high", "Heart rate above this holds the dose (beats a minute)", func(r *journey.MonitoringRules) *int { return &r.HoldHRHigh }),
	mInt("hold_rr_low", "Respiratory rate below this holds the dose (breaths a minute)", func(r *journey.MonitoringRules) *int { return &r.HoldRRLow }),
	mInt("hold_rr_high", "Respiratory rate above this holds the dose (breaths a minute)", func(r *journey.MonitoringRules) *int { return &r.HoldRRHigh }),
	mInt("hold_spo2", "SpO2 below this holds the dose (%)", func(r *journey.MonitoringRules) *int { return &r.HoldSpO2 }),
	mInt("escalate_spo2", "During the session, SpO2 below this escalates to the medical provider (%)", func(r *journey.MonitoringRules) *int { return &r.EscalateSpO2 }),
	mInt("rise_systolic", "During the session, a systolic rise over baseline of at least this is flagged (mmHg)", func(r *journey.MonitoringRules) *int { return &r.RiseSystolic }),
	mInt("rise_diastolic", "During the session, a diastolic rise over baseline of at least this is flagged (mmHg)", func(r *journey.MonitoringRules) *int { return &r.RiseDiastolic }),
	mInt("peak_after_minutes", "The peak check is due this many minutes after the dose", func(r *journey.MonitoringRules) *int { return &r.PeakAfterMinutes }),
	mInt("observe_minutes", "Discharge no sooner than this many minutes after the dose", func(r *journey.MonitoringRules) *int { return &r.ObserveMinutes }),
	mInt("remote_check_minutes", "In a remote session, the monitor's visual check-in every this many minutes", func(r *journey.MonitoringRules) *int { return &r.RemoteCheckMinutes }),
	mFloat("lozenge_min_mg", "Lozenge: a dose below this needs an override (mg)", func(r *journey.MonitoringRules) *float64 { return &r.LozengeMinMg }),
	mFloat("lozenge_max_mg", "Lozenge: a session's total above this needs an override (mg)", func(r *journey.MonitoringRules) *float64 { return &r.LozengeMaxMg }),
	mFloat("im_warn_mg_per_kg", "IM: above this a dose needs an override (mg/kg)", func(r *journey.MonitoringRules) *float64 { return &r.IMWarnMgPerKg }),
	mFloat("im_cap_mg_per_kg", "IM: the medical director's hard cap, never passed (mg/kg)", func(r *journey.MonitoringRules) *float64 { return &r.IMCapMgPerKg }),
}

// monitoringForm writes r into form.
func monitoringForm(r journey.MonitoringRules, form map[string]string) {
	for _, f := range MonitoringFields {
		if f.Float {
			form[f.Name] = journey.Mg(*f.float(&r))
		} else {
			form[f.Name] = strconv.Itoa(*f.int(&r))
		}
	}
}

// monitoringRules reads the rules from the posted form into form (as
// typed) and v (what is not a number).
func monitoringRules(r *http.Request, form map[string]string, v *journey.Validation) journey.MonitoringRules {
	var m journey.MonitoringRules
	for _, f := range MonitoringFields {
		form[f.Name] = strings.TrimSpace(r.PostFormValue(f.Name))
		if f.Float {
			n, err := strconv.ParseFloat(form[f.Name], 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				v.Add(f.Name, "Enter a number.")
			}
			*f.float(&m) = n
			continue
		}
		n, err := strconv.Atoi(form[f.Name])
		if err != nil {
			v.Add(f.Name, "Enter a whole number.")
		}
		*f.int(&m) = n
	}
	return m
}

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
	monitoringForm(cs.Monitoring, form)
	page := &CareSettingsPage{Monitoring: MonitoringFields, Form: form, Errors: map[string]string{}, Saved: r.URL.Query().Get("saved") == "1"}
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
		Monitoring:         monitoringRules(r, form, &v),
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
		page := &CareSettingsPage{Monitoring: MonitoringFields, Form: form, Errors: map[string]string{}}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		s.kit.Render(w, r, s.kit.Status(err), "admin_care", page)
		return
	}
	http.Redirect(w, r, "/admin/care?saved=1", http.StatusSeeOther)
}
