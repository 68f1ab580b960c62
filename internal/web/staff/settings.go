package staff

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/starter"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Practice settings (PermSettings, admins): the consent documents clients
// sign and the screening rules. Both are versioned: a change makes a new
// version and never rewrites an old one.

// Consent documents.

type consentDocRow struct {
	ID       int64
	Code     string
	Title    string
	Version  int
	Hash     string // the first 12 hex digits
	Date     string
	Required bool
}

func (s *Handler) consentDocRow(d *journey.ConsentDocument, loc *time.Location) consentDocRow {
	h := d.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	return consentDocRow{ID: d.ID, Code: d.Code, Title: d.Title, Version: d.Version, Hash: h,
		Date: d.CreatedAt.In(loc).Format("Jan 2, 2006"), Required: d.Required}
}

type ConsentDocsPage struct {
	Actor    *journey.Actor
	Docs     []consentDocRow
	Saved    *consentDocRow             // the version just created
	Starters []*journey.ConsentDocument // starter texts of documents not yet published
}

func (*ConsentDocsPage) PageTitle() string { return "Consent documents" }

// HandleConsentDocs lists the current version of each consent document.
func (s *Handler) HandleConsentDocs(w http.ResponseWriter, r *http.Request) {
	docs, err := s.store.FindConsentDocuments(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	page := &ConsentDocsPage{Actor: webkit.ActorFrom(r)}
	saved, _ := strconv.ParseInt(r.URL.Query().Get("saved"), 10, 64)
	published := map[string]bool{}
	for _, d := range docs {
		row := s.consentDocRow(d, loc)
		page.Docs = append(page.Docs, row)
		published[d.Code] = true
		if saved != 0 && d.ID == saved {
			page.Saved = &row
		}
	}
	for _, d := range starter.Consents() {
		if !published[d.Code] {
			page.Starters = append(page.Starters, d)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_consents", page)
}

type ConsentEditPage struct {
	Actor     *journey.Actor
	Code      string
	Title     string
	Body      string
	Required  bool
	Current   *consentDocRow // the version in force; nil for a new document
	Starter   bool           // the form holds Journey's starter text, for the admin to review
	Preview   template.HTML
	Previewed bool
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (p *ConsentEditPage) PageTitle() string {
	if p.Current != nil {
		return "New version of " + p.Current.Title
	}
	return "New consent document"
}

// currentConsentDoc returns the version in force of the document with
// code, nil when there is none.
func (s *Handler) currentConsentDoc(r *http.Request, code string) (*journey.ConsentDocument, error) {
	if code == "" {
		return nil, nil
	}
	docs, err := s.store.FindConsentDocuments(r.Context())
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if d.Code == code {
			return d, nil
		}
	}
	return nil, nil
}

// HandleConsentDocNew shows the form for a new version, prefilled from the
// version in force (?code=), or empty for a new document.
func (s *Handler) HandleConsentDocNew(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	cur, err := s.currentConsentDoc(r, code)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &ConsentEditPage{Actor: webkit.ActorFrom(r), Code: code, Required: true, Errors: map[string]string{}}
	if st := starter.Consent(code); cur == nil && st != nil {
		// A document not yet published starts from Journey's starter text, to review and edit.
		page.Title, page.Body, page.Starter = st.Title, st.Body, true
	}
	if cur != nil {
		loc, _ := webkit.PracticeZone(r.Context(), s.kit)
		row := s.consentDocRow(cur, loc)
		page.Current, page.Title, page.Body, page.Required = &row, cur.Title, cur.Body, cur.Required
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_consent_edit", page)
}

// HandleConsentDocCreate previews (action=preview) or stores a new version.
func (s *Handler) HandleConsentDocCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	a := webkit.ActorFrom(r)
	d := &journey.ConsentDocument{Code: strings.TrimSpace(r.PostFormValue("code")), Title: r.PostFormValue("title"),
		Body: webkit.NormalizeBody(r.PostFormValue("body")), Required: r.PostFormValue("required") != "", CreatedBy: a.ID()}
	page := &ConsentEditPage{Actor: a, Code: d.Code, Title: d.Title, Body: d.Body, Required: d.Required, Errors: map[string]string{}}
	cur, err := s.currentConsentDoc(r, d.Code)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if cur != nil {
		loc, _ := webkit.PracticeZone(r.Context(), s.kit)
		row := s.consentDocRow(cur, loc)
		page.Current = &row
	}
	if r.PostFormValue("action") == "preview" {
		page.Preview, page.Previewed = webkit.Markdown(d.Body), true
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusOK, "admin_consent_edit", page)
		return
	}
	if err := s.proc.CreateConsentDocument(r.Context(), a, d, ""); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_consent_edit", page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/consents?saved=%d", d.ID), http.StatusSeeOther)
}

// Screening rules.

// settingsKindOptions are the kinds an admin can choose, as the form shows them.
var settingsKindOptions = []struct{ Code, Label string }{
	{journey.FindingHardStop, "Hard stop"},
	{journey.FindingReview, "Prescriber review"},
	{journey.FindingWarn, "Warn"},
}

type ruleRow struct {
	Code, Title, Detail, Source, Unit string
	Kind                              string
	Enabled                           bool
	HasThreshold, HasThreshold2       bool
	Threshold, Threshold2             string // as typed
	KindError, ThresholdError         string
	Threshold2Error, CodeError        string
}

type ruleSetVersion struct {
	Version int
	When    string
	By      string
	Note    string
	Changes []string
}

type RulesPage struct {
	Actor     *journey.Actor
	Version   int
	When      string
	By        string
	Note      string // the current version's note
	Rows      []ruleRow
	Kinds     []struct{ Code, Label string }
	Why       string // the note typed for the change
	History   []ruleSetVersion
	Saved     bool
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

func (*RulesPage) PageTitle() string { return "Screening rules" }

func fmtThreshold(t *float64) string {
	if t == nil {
		return ""
	}
	return strconv.FormatFloat(*t, 'f', -1, 64)
}

// rulesPageFor lays out the rule set in force and the history of versions.
func (s *Handler) rulesPageFor(r *http.Request) (*RulesPage, error) {
	ctx := r.Context()
	cur, err := s.store.CurrentRuleSet(ctx)
	if err != nil {
		return nil, err
	}
	sets, err := s.store.FindRuleSets(ctx)
	if err != nil {
		return nil, err
	}
	users, err := s.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	by := func(id int64) string {
		if id == 0 {
			return "Journey (shipped defaults)"
		}
		if n := names[id]; n != "" {
			return n
		}
		return "user " + strconv.FormatInt(id, 10)
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	when := func(t time.Time) string {
		if t.IsZero() {
			return "not yet stored"
		}
		return t.In(loc).Format("Jan 2, 2006, 3:04 PM")
	}
	p := &RulesPage{Actor: webkit.ActorFrom(r), Version: cur.Version, When: when(cur.CreatedAt), By: by(cur.CreatedBy), Note: cur.Note,
		Kinds: settingsKindOptions, Errors: map[string]string{}}
	for _, ru := range cur.Rules {
		p.Rows = append(p.Rows, ruleRow{Code: ru.Code, Title: ru.Title, Detail: ru.Detail, Source: ru.Source, Unit: ru.Unit,
			Kind: ru.Kind, Enabled: ru.Enabled, HasThreshold: ru.Threshold != nil, HasThreshold2: ru.Threshold2 != nil,
			Threshold: fmtThreshold(ru.Threshold), Threshold2: fmtThreshold(ru.Threshold2)})
	}
	for i, rs := range sets {
		v := ruleSetVersion{Version: rs.Version, When: when(rs.CreatedAt), By: by(rs.CreatedBy), Note: rs.Note}
		if i+1 < len(sets) {
			v.Changes = ruleChanges(sets[i+1], rs)
		}
		p.History = append(p.History, v)
	}
	return p, nil
}

// ruleChanges says in words what changed from prev to next.
func ruleChanges(prev, next *journey.RuleSet) []string {
	label := func(kind string) string {
		for _, k := range settingsKindOptions {
			if k.Code == kind {
				return strings.ToLower(k.Label)
			}
		}
		return kind
	}
	var out []string
	for _, ru := range next.Rules {
		p := prev.Rule(ru.Code)
		if p == nil {
			out = append(out, ru.Code+": added")
			continue
		}
		if p.Kind != ru.Kind {
			out = append(out, ru.Code+": "+label(p.Kind)+" → "+label(ru.Kind))
		}
		if p.Enabled != ru.Enabled {
			out = append(out, ru.Code+map[bool]string{true: ": turned on", false: ": turned off"}[ru.Enabled])
		}
		if a, b := fmtThreshold(p.Threshold), fmtThreshold(ru.Threshold); a != b {
			out = append(out, ru.Code+": "+a+" → "+b+" "+ru.Unit)
		}
		if a, b := fmtThreshold(p.Threshold2), fmtThreshold(ru.Threshold2); a != b {
			out = append(out, ru.Code+" (second number): "+a+" → "+b+" "+ru.Unit)
		}
	}
	return out
}

// HandleRulesView shows the screening rules in force, editable.
func (s *Handler) HandleRulesView(w http.ResponseWriter, r *http.Request) {
	p, err := s.rulesPageFor(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved") != ""
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_rules", p)
}

// HandleRulesUpdate saves the whole table as a new version of the rules;
// every client is screened again under it.
func (s *Handler) HandleRulesUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	p, err := s.rulesPageFor(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var v journey.Validation
	p.Why = r.PostFormValue("note")
	note := webkit.CheckRulesNote(&v, p.Why)
	var changes []journey.Rule
	for i := range p.Rows {
		row := &p.Rows[i]
		f := "rules." + row.Code
		row.Kind, row.Enabled = r.PostFormValue(f+".kind"), r.PostFormValue(f+".enabled") != ""
		ch := journey.Rule{Code: row.Code, Kind: row.Kind, Enabled: row.Enabled}
		if row.HasThreshold {
			row.Threshold = strings.TrimSpace(r.PostFormValue(f + ".threshold"))
			ch.Threshold = parseThreshold(&v, f+".threshold", row.Threshold)
		}
		if row.HasThreshold2 {
			row.Threshold2 = strings.TrimSpace(r.PostFormValue(f + ".threshold2"))
			ch.Threshold2 = parseThreshold(&v, f+".threshold2", row.Threshold2)
		}
		changes = append(changes, ch)
	}
	if posted := r.PostFormValue("version"); posted != "" && posted != strconv.Itoa(p.Version) {
		err = s.proc.StaleRules(r.Context(), s.kit.Who(r), p.Version, posted)
		fresh, ferr := s.rulesPageFor(r)
		if ferr != nil {
			s.kit.PageError(w, r, ferr)
			return
		}
		fresh.Why, fresh.Message = p.Why, journey.ErrorMessage(err)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusConflict, "admin_rules", fresh)
		return
	}
	if _, err = s.proc.UpdateRuleSet(r.Context(), s.kit.Who(r), changes, note, v.Err(), ""); err == nil {
		http.Redirect(w, r, "/admin/screening-rules?saved=1", http.StatusSeeOther)
		return
	}
	if journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	p.setErrors(err)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_rules", p)
}

// parseThreshold reads a typed number; empty is nil (validation names it).
func parseThreshold(v *journey.Validation, field, s string) *float64 {
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		v.Add(field, "Enter a number, like 8 or 7.5.")
		return nil
	}
	return &f
}

// setErrors puts each error beside its row's field.
func (p *RulesPage) setErrors(err error) {
	p.Message = journey.ErrorMessage(err)
	for _, fe := range journey.ErrorFields(err) {
		if _, dup := p.Errors[fe.Field]; dup {
			continue
		}
		p.Errors[fe.Field] = fe.Detail
		p.ErrorList = append(p.ErrorList, fe)
		for i := range p.Rows {
			row := &p.Rows[i]
			switch fe.Field {
			case "rules." + row.Code + ".kind":
				row.KindError = fe.Detail
			case "rules." + row.Code + ".threshold":
				row.ThresholdError = fe.Detail
			case "rules." + row.Code + ".threshold2":
				row.Threshold2Error = fe.Detail
			case "rules." + row.Code + ".code":
				row.CodeError = fe.Detail
			}
		}
	}
}

// Booking settings: instant booking, or private booking (consult_private.go
// in sqldb, hold.go here).

type BookingSettingsPage struct {
	Actor       *journey.Actor
	Private     bool
	HoldMinutes string // as typed
	Saved       bool
	Errors      map[string]string
	ErrorList   []journey.FieldError
	Message     string
}

func (*BookingSettingsPage) PageTitle() string { return "Booking" }

func (s *Handler) HandleBookingSettingsView(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.FindBookingSettings(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &BookingSettingsPage{Actor: webkit.ActorFrom(r), Private: st.Private, HoldMinutes: strconv.Itoa(st.HoldMinutes),
		Saved: r.URL.Query().Get("saved") == "1", Errors: map[string]string{}}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "admin_booking", page)
}

func (s *Handler) HandleBookingSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	page := &BookingSettingsPage{Actor: webkit.ActorFrom(r), Private: r.PostFormValue("private") == "on",
		HoldMinutes: strings.TrimSpace(r.PostFormValue("hold_minutes")), Errors: map[string]string{}}
	st := &journey.BookingSettings{Private: page.Private}
	var bad error
	if st.HoldMinutes, bad = strconv.Atoi(page.HoldMinutes); bad != nil {
		bad = (&journey.BookingSettings{}).Validate() // the same message as a number out of range
	}
	if err := s.proc.UpdateBookingSettings(r.Context(), s.kit.Who(r), st, bad); err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_booking", page)
		return
	}
	http.Redirect(w, r, "/admin/booking?saved=1", http.StatusSeeOther)
}
