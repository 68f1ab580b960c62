package staff

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// BillingSetupProcessing is what the billing setup pages ask of
// processing (processing/billing_setup.go).
type BillingSetupProcessing interface {
	BillingSetup(ctx context.Context, a *journey.Actor, via string) (*processing.BillingSetup, error)
	SaveBillingEntity(ctx context.Context, a *journey.Actor, e *journey.BillingEntity, via string) error
	SetBillingClinicians(ctx context.Context, a *journey.Actor, list []*journey.BillingClinician, via string) ([]*journey.BillingClinician, error)
	SaveFeeLine(ctx context.Context, a *journey.Actor, l *journey.FeeLine, via string) error
	SaveCodePrice(ctx context.Context, a *journey.Actor, cp *journey.CodePrice, via string) error
	SetTelehealthModifier(ctx context.Context, a *journey.Actor, modifier, via string) error
	ClientDiagnoses(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.DiagnosesView, error)
	SetDiagnoses(ctx context.Context, a *journey.Actor, id int64, codes []string, via string) ([]string, error)
	ClientCoverage(ctx context.Context, a *journey.Actor, id int64, via string) (*processing.CoverageView, error)
	SetCoverage(ctx context.Context, a *journey.Actor, c *journey.Coverage, via string) error
}

// formPage is what a page of several forms keeps: the values as stored or
// typed, and the errors beside them, each keyed by the field's name (its
// form's prefix and the domain's field).
type formPage struct {
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
	Saved     string
}

func newFormPage() formPage {
	return formPage{Form: map[string]string{}, Errors: map[string]string{}}
}

// Err is the error beside field name.
func (p *formPage) Err(name string) string { return p.Errors[name] }

// Val is field name's value as stored or typed.
func (p *formPage) Val(name string) string { return p.Form[name] }

// Checked reports whether checkbox name is on.
func (p *formPage) Checked(name string) bool { return p.Form[name] == "on" }

// refuse shows err's fields beside the form's (each named prefix+field,
// rename applied first) and returns whether err was a refusal of what
// was typed; any other error is the caller's to answer.
func (p *formPage) refuse(err error, prefix string, rename func(string) string) bool {
	if journey.ErrorCode(err) != journey.EINVALID {
		return false
	}
	if len(journey.ErrorFields(err)) == 0 {
		p.Message = journey.ErrorMessage(err)
		return true
	}
	p.Message = webkit.ShowFieldErrors(webkit.RenameFields(err, func(f string) string {
		if rename != nil {
			f = rename(f)
		}
		return prefix + f
	}), p.Errors, &p.ErrorList)
	return true
}

// keep copies the posted fields of a form (names prefix+field) into the
// page, so what was typed is shown again.
func (p *formPage) keep(r *http.Request, prefix string, fields ...string) {
	for _, f := range fields {
		p.Form[prefix+f] = r.PostFormValue(prefix + f)
	}
}

// BillingSetupPage is the admin's billing setup: the entities, who bills
// under which, the price list, the telehealth modifier and the fee lines,
// each with its form.
type BillingSetupPage struct {
	formPage
	Entities   []*journey.BillingEntity
	Clinicians []ClinicianRow
	Prices     []PriceRow
	Modifier   string
	Lines      []FeeLineRow
	LineID     int64 // the line the form edits, 0 for a new one
	Options    FeeLineOptions
}

// ClinicianRow is one clinician who may bill, with a box per entity and
// what their profile lacks.
type ClinicianRow struct {
	UserID int64
	Name   string
	Lacks  string
	Boxes  []ClinicianBox
}

// ClinicianBox is one "bills under this entity" checkbox.
type ClinicianBox struct {
	Value, Entity string
	On            bool
}

// PriceRow is one code of the price list, its fee in dollars.
type PriceRow struct{ Code, Description, Fee string }

// FeeLineRow is one line of the fee schedule in words.
type FeeLineRow struct {
	ID                                       int64
	SessionType, Event, When, ChargeType     string
	Entity, Code, Units, Modifiers, Fee, Act string
	Description                              string
}

// FeeLineOptions are the choices of the fee line form.
type FeeLineOptions struct {
	SessionTypes, Events, Modes, Routes, ChargeTypes, Rules []Option
	Entities                                                []Option
}

func (*BillingSetupPage) PageTitle() string { return "Billing setup" }

var entityFields = []string{"kind", "legal_name", "address1", "address2", "city", "state", "postal", "phone", "tax_id", "npi", "active"}
var lineFields = []string{"id", "session_type", "event", "mode", "route", "charge_type", "entity_id", "rule", "code", "units", "modifiers", "fee_cents", "description", "position", "active"}

// billingSetupPage reads the setup into a page, every form holding what
// is stored; line is the fee line the line form edits (0: a new one).
func (s *Handler) billingSetupPage(r *http.Request, line int64) (*BillingSetupPage, error) {
	set, err := s.proc.BillingSetup(r.Context(), s.kit.Who(r), "page")
	if err != nil {
		return nil, err
	}
	p := &BillingSetupPage{formPage: newFormPage(), Entities: set.Entities, Modifier: set.Schedule.TelehealthModifier}
	for _, pr := range set.Schedule.Prices {
		p.Prices = append(p.Prices, PriceRow{Code: pr.Code, Description: pr.Description, Fee: journey.FormatCents(pr.Cents)})
	}
	names := map[int64]string{} // the fee lines' column: which of the two
	for _, e := range set.Entities {
		names[e.ID] = map[string]string{journey.EntityPractice: "practice", journey.EntityMedical: "medical"}[e.Kind]
		pre := "e" + strconv.FormatInt(e.ID, 10) + "_"
		for f, v := range map[string]string{"kind": e.Kind, "legal_name": e.LegalName, "address1": e.Address1, "address2": e.Address2, "city": e.City,
			"state": e.State, "postal": e.Postal, "phone": e.Phone, "tax_id": e.TaxID, "npi": e.NPI, "active": onOff(e.Active)} {
			p.Form[pre+f] = v
		}
		p.Options.Entities = append(p.Options.Entities, Option{Value: strconv.FormatInt(e.ID, 10), Label: e.LegalName})
	}
	p.Form["e0_active"], p.Form["e0_kind"] = "on", journey.EntityPractice
	on := map[string]bool{}
	for _, c := range set.Clinicians {
		on[strconv.FormatInt(c.UserID, 10)+":"+strconv.FormatInt(c.EntityID, 10)] = true
	}
	for _, u := range set.Candidates {
		row := ClinicianRow{UserID: u.ID, Name: u.Name, Lacks: strings.Join(set.Lacks[u.ID], ", ")}
		for _, e := range set.Entities {
			v := strconv.FormatInt(u.ID, 10) + ":" + strconv.FormatInt(e.ID, 10)
			row.Boxes = append(row.Boxes, ClinicianBox{Value: v, Entity: e.LegalName, On: on[v]})
		}
		p.Clinicians = append(p.Clinicians, row)
	}
	for _, l := range set.Schedule.Lines {
		p.Lines = append(p.Lines, lineRow(l, names))
		if l.ID == line {
			p.LineID = l.ID
			fillLine(p.Form, l)
		}
	}
	if p.LineID == 0 {
		p.Form["l_active"], p.Form["l_units"], p.Form["l_event"], p.Form["l_rule"] = "on", "1", journey.EventCompleted, journey.RuleFixed
	}
	p.Form["m_telehealth_modifier"] = set.Schedule.TelehealthModifier
	p.Options.fill()
	return p, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

func fillLine(form map[string]string, l *journey.FeeLine) {
	fee := ""
	if l.FeeCents > 0 {
		fee = strings.TrimPrefix(journey.FormatCents(l.FeeCents), "$")
	}
	for f, v := range map[string]string{"id": strconv.FormatInt(l.ID, 10), "session_type": l.SessionType, "event": l.Event, "mode": l.Mode,
		"route": l.Route, "charge_type": l.ChargeType, "entity_id": strconv.FormatInt(l.EntityID, 10), "rule": l.Rule, "code": l.Code,
		"units": strconv.Itoa(l.Units), "modifiers": strings.Join(l.Modifiers, " "), "fee_cents": fee, "description": l.Description,
		"position": strconv.Itoa(l.Position), "active": onOff(l.Active)} {
		form["l_"+f] = v
	}
}

func lineRow(l *journey.FeeLine, entities map[int64]string) FeeLineRow {
	row := FeeLineRow{ID: l.ID, SessionType: journey.SessionTypeName(l.SessionType), Event: eventName(l.Event), ChargeType: journey.ChargeTypeName(l.ChargeType),
		Entity: entities[l.EntityID], Units: strconv.Itoa(l.Units), Modifiers: strings.Join(l.Modifiers, " "), Description: l.Description, Act: "yes"}
	var when []string
	if l.Mode != "" {
		when = append(when, modeName(l.Mode))
	}
	if l.Route != "" {
		when = append(when, routeName(l.Route))
	}
	row.When = strings.Join(when, ", ")
	if row.When == "" {
		row.When = "any"
	}
	row.Code = ruleText(l)
	row.Fee = "price list"
	if l.FeeCents > 0 {
		row.Fee = journey.FormatCents(l.FeeCents)
	}
	if !l.Active {
		row.Act = "no"
	}
	return row
}

func ruleText(l *journey.FeeLine) string {
	switch l.Rule {
	case journey.RuleFixed:
		if l.Code == "" {
			return "none: a fee"
		}
		return l.Code
	case journey.RulePerHour:
		return l.Code + " per hour"
	case journey.RulePsychotherapyTime:
		return "90832/90834/90837 by minutes"
	case journey.RuleEvaluationThenTime:
		return "90791 first, then by minutes"
	case journey.RuleEMTime:
		return "99202–99215 by minutes"
	}
	return l.Rule
}

func eventName(e string) string {
	return map[string]string{journey.EventCompleted: "Completed", journey.EventLateCancel: "Late cancellation", journey.EventNoShow: "No-show"}[e]
}

func modeName(m string) string {
	return map[string]string{journey.ModeInPerson: "in person", journey.ModeRemote: "remote"}[m]
}

func routeName(r string) string {
	return map[string]string{journey.RouteLozenge: "lozenge", journey.RouteIM: "intramuscular"}[r]
}

func (o *FeeLineOptions) fill() {
	for _, t := range journey.DefaultSessionTypes() {
		o.SessionTypes = append(o.SessionTypes, Option{Value: t.Code, Label: journey.SessionTypeName(t.Code)})
	}
	for _, e := range []string{journey.EventCompleted, journey.EventLateCancel, journey.EventNoShow} {
		o.Events = append(o.Events, Option{Value: e, Label: eventName(e)})
	}
	o.Modes = []Option{{Value: "", Label: "Any"}, {Value: journey.ModeInPerson, Label: "In person"}, {Value: journey.ModeRemote, Label: "Remote"}}
	o.Routes = []Option{{Value: "", Label: "Any"}, {Value: journey.RouteLozenge, Label: "Lozenge"}, {Value: journey.RouteIM, Label: "Intramuscular"}}
	for _, c := range journey.ChargeTypes {
		o.ChargeTypes = append(o.ChargeTypes, Option{Value: c, Label: journey.ChargeTypeName(c)})
	}
	for _, r := range journey.CodeRules {
		o.Rules = append(o.Rules, Option{Value: r, Label: ruleText(&journey.FeeLine{Rule: r, Code: "the code"})})
	}
}

// HandleBillingSetup shows the billing setup; ?line=N puts fee line N in
// the line form.
func (s *Handler) HandleBillingSetup(w http.ResponseWriter, r *http.Request) {
	line, _ := strconv.ParseInt(r.URL.Query().Get("line"), 10, 64)
	page, err := s.billingSetupPage(r, line)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_billing", page)
}

// billingSetupSaved answers a form of the setup page: err refused beside
// its fields (named prefix+field) with what was typed kept, any other
// error as an error page, else back to the page saying what was saved.
func (s *Handler) billingSetupSaved(w http.ResponseWriter, r *http.Request, page *BillingSetupPage, err error, prefix, saved string) {
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/billing?saved="+saved+"#"+saved, http.StatusSeeOther)
	case page.refuse(err, prefix, nil):
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_billing", page)
	default:
		s.kit.PageError(w, r, err)
	}
}

// setupForm reads the posted form and the setup page; false when it
// answered an error.
func (s *Handler) setupForm(w http.ResponseWriter, r *http.Request, line int64) (*BillingSetupPage, bool) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return nil, false
	}
	page, err := s.billingSetupPage(r, line)
	if err != nil {
		s.kit.PageError(w, r, err)
		return nil, false
	}
	return page, true
}

// HandleBillingEntitySave adds a billing entity, or changes entity {id}.
func (s *Handler) HandleBillingEntitySave(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = webkit.RecordID(r, "Billing entity"); err != nil {
			s.kit.PageError(w, r, err)
			return
		}
	}
	page, ok := s.setupForm(w, r, 0)
	if !ok {
		return
	}
	pre := "e" + strconv.FormatInt(id, 10) + "_"
	page.keep(r, pre, entityFields...)
	v := func(f string) string { return page.Form[pre+f] }
	e := &journey.BillingEntity{ID: id, Kind: v("kind"), LegalName: v("legal_name"), Address1: v("address1"), Address2: v("address2"), City: v("city"),
		State: v("state"), Postal: v("postal"), Phone: v("phone"), TaxID: v("tax_id"), NPI: v("npi"), Active: v("active") == "on"}
	err := s.proc.SaveBillingEntity(r.Context(), s.kit.Who(r), e, "page")
	s.billingSetupSaved(w, r, page, err, pre, "entities")
}

// HandleBillingCliniciansSave replaces who bills under which entity with
// the boxes ticked.
func (s *Handler) HandleBillingCliniciansSave(w http.ResponseWriter, r *http.Request) {
	page, ok := s.setupForm(w, r, 0)
	if !ok {
		return
	}
	var list []*journey.BillingClinician
	for _, v := range r.PostForm["bill"] {
		u, e, _ := strings.Cut(v, ":")
		uid, err1 := strconv.ParseInt(u, 10, 64)
		eid, err2 := strconv.ParseInt(e, 10, 64)
		if err1 == nil && err2 == nil {
			list = append(list, &journey.BillingClinician{UserID: uid, EntityID: eid})
		}
	}
	_, err := s.proc.SetBillingClinicians(r.Context(), s.kit.Who(r), list, "page")
	s.billingSetupSaved(w, r, page, err, "", "clinicians")
}

// HandleFeeLineSave adds a fee line, or changes the one its id names.
func (s *Handler) HandleFeeLineSave(w http.ResponseWriter, r *http.Request) {
	page, ok := s.setupForm(w, r, 0)
	if !ok {
		return
	}
	page.keep(r, "l_", lineFields...)
	v := func(f string) string { return strings.TrimSpace(page.Form["l_"+f]) }
	var bad journey.Validation
	l := &journey.FeeLine{SessionType: v("session_type"), Event: v("event"), Mode: v("mode"), Route: v("route"), ChargeType: v("charge_type"),
		Rule: v("rule"), Code: v("code"), Modifiers: strings.Fields(v("modifiers")), Description: v("description"), Active: v("active") == "on"}
	l.ID, _ = strconv.ParseInt(v("id"), 10, 64)
	page.LineID = l.ID
	l.EntityID, _ = strconv.ParseInt(v("entity_id"), 10, 64)
	var err error
	if l.Units, err = strconv.Atoi(v("units")); err != nil && l.Rule == journey.RuleFixed {
		bad.Add("units", "Enter the units, from 1 to 99.")
	}
	l.Units = max(l.Units, 1)
	if v("position") != "" {
		if l.Position, err = strconv.Atoi(v("position")); err != nil {
			bad.Add("position", "Enter a whole number, or leave it empty.")
		}
	}
	if v("fee_cents") != "" {
		var ok bool
		if l.FeeCents, ok = journey.ParseCents(v("fee_cents")); !ok {
			bad.Add("fee_cents", "Enter the fee in dollars and cents, such as 150.00, or leave it empty for the price list's.")
		}
	}
	if err = bad.Err(); err == nil {
		err = s.proc.SaveFeeLine(r.Context(), s.kit.Who(r), l, "page")
	}
	s.billingSetupSaved(w, r, page, err, "l_", "lines")
}

// HandleCodePriceSave sets the price list's fee for a code.
func (s *Handler) HandleCodePriceSave(w http.ResponseWriter, r *http.Request) {
	page, ok := s.setupForm(w, r, 0)
	if !ok {
		return
	}
	page.keep(r, "p_", "code", "description", "cents")
	cents, ok := journey.ParseCents(page.Form["p_cents"])
	var err error
	if !ok {
		err = invalid("cents", "Enter the fee in dollars and cents, such as 165.00.")
	} else {
		err = s.proc.SaveCodePrice(r.Context(), s.kit.Who(r), &journey.CodePrice{Code: page.Form["p_code"], Description: page.Form["p_description"], Cents: cents}, "page")
	}
	s.billingSetupSaved(w, r, page, err, "p_", "prices")
}

// HandleTelehealthModifierSave sets the modifier of remote services.
func (s *Handler) HandleTelehealthModifierSave(w http.ResponseWriter, r *http.Request) {
	page, ok := s.setupForm(w, r, 0)
	if !ok {
		return
	}
	page.keep(r, "m_", "telehealth_modifier")
	err := s.proc.SetTelehealthModifier(r.Context(), s.kit.Who(r), page.Form["m_telehealth_modifier"], "page")
	s.billingSetupSaved(w, r, page, err, "m_", "modifier")
}

// invalid returns EINVALID with one field's error.
func invalid(field, detail string) error {
	var v journey.Validation
	v.Add(field, detail)
	return v.Err()
}
