package portal

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/screening"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type IntakePage struct {
	Step     string
	Title    string
	Index    int // 1-based
	Count    int
	Prev     string
	Values   url.Values
	Errors   map[string]string
	List     []webkit.ErrorLine // the error summary, in the order of the fields
	Restored bool               // answers carried over a sign-in, not yet saved
	Medical  []journey.Condition
	Psych    []journey.Condition
	Goals    []struct{ Code, Label string }
	Liver    []struct{ Code, Label string }
	Cannabis []struct{ Code, Label string }
	MedNames []string
	MedRows  []int
	MaxMeds  int
	Done     []string
}

func (p *IntakePage) PageTitle() string { return "Intake: " + p.Title }

func (p *IntakePage) Val(k string) string { return p.Values.Get(k) }

// Has reports whether field k holds value v (checkboxes, radios, selects).
func (p *IntakePage) Has(k, v string) bool { return slices.Contains(p.Values[k], v) }

// Err returns the message for field k.
func (p *IntakePage) Err(k string) string { return p.Errors[k] }

func (s *Handler) newIntakePage(step string, in *journey.Intake, values url.Values, rows int) *IntakePage {
	p := &IntakePage{Step: step, Count: len(journey.IntakeSteps), Values: values, Errors: map[string]string{}, Done: in.Done,
		Medical: journey.MedicalConditions, Psych: journey.PsychiatricConditions, Goals: journey.IntakeGoals,
		Liver: journey.LiverSeverities, Cannabis: journey.CannabisUse, MedNames: medicationNames()}
	for i, st := range journey.IntakeSteps {
		if st.Code == step {
			p.Title, p.Index = st.Title, i+1
			if i > 0 {
				p.Prev = journey.IntakeSteps[i-1].Code
			}
		}
	}
	p.MedRows, p.MaxMeds = medRows(values, rows), journey.MaxMedications
	return p
}

func medicationNames() []string {
	var names []string
	for _, m := range screening.Medications() {
		names = append(names, m.Name)
		names = append(names, m.Brands...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// intakeStep returns the signed-in client and the path's intake step, or
// answers the request itself: a step that does not exist, or an intake
// the medical provider has decided on (the answers, to read).
func (s *Handler) intakeStep(w http.ResponseWriter, r *http.Request) (*journey.Client, string, bool) {
	step := r.PathValue("step")
	if !journey.IsIntakeStep(step) {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such part of the intake."))
		return nil, "", false
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return nil, "", false
	}
	closed, err := s.intakeClosed(r.Context(), c)
	if err != nil {
		s.kit.PageError(w, r, err)
		return nil, "", false
	}
	if closed {
		// The provider's decision rests on these answers: the client reads
		// them, and is told whom to tell of a change.
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/portal/answers/"+step, http.StatusSeeOther)
		} else {
			s.renderAnswers(w, r, http.StatusConflict, c, step, journey.ErrorMessage(journey.ErrIntakeClosed()))
		}
		return nil, "", false
	}
	return c, step, true
}

func (s *Handler) HandleIntakeView(w http.ResponseWriter, r *http.Request) {
	c, step, ok := s.intakeStep(w, r)
	if !ok {
		return
	}
	in, err := s.store.FindIntake(r.Context(), c.ID)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	values, restored := webkit.CarriedForm(r)
	if !restored {
		values = IntakeValues(in, step)
	}
	rows, _ := strconv.Atoi(r.URL.Query().Get("rows"))
	p := s.newIntakePage(step, in, values, rows)
	p.Restored = restored
	s.audit(r, "intake.read", "client", c.ID, journey.AuditSuccess, step)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_intake", p)
}

func (s *Handler) HandleIntakeSave(w http.ResponseWriter, r *http.Request) {
	c, step, ok := s.intakeStep(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.PageError(w, r, journey.Errorf(journey.EINVALID, "The form could not be read."))
		return
	}
	in, errs := ParseIntakeForm(step, r.PostForm)
	rows, addRow := 0, step == journey.StepMedications && r.PostFormValue("then") == "add-med"
	if addRow {
		rows, _ = strconv.Atoi(r.PostFormValue("rows"))
		rows = min(max(rows, 0), journey.MaxMedications) + 1
		if len(in.Medications.List) == 0 && !in.Medications.None && len(errs) == 0 {
			// Nothing typed yet: nothing to save, only a row to add.
			http.Redirect(w, r, addRowURL(rows, 0), http.StatusSeeOther)
			return
		}
	}
	parsed := len(errs) > 0 // then err's fields are already the form's
	var saved *journey.Intake
	var err error
	if len(errs) == 0 {
		saved, err = s.proc.SaveIntakeStep(r.Context(), s.kit.Who(r), c.ID, step, in)
	} else {
		// Report the other fields' problems too, so one pass fixes all.
		minAge := 18
		if rs, rerr := s.store.CurrentRuleSet(r.Context()); rerr == nil {
			minAge = screening.MinAge(rs)
		}
		in.Normalize()
		// errs is keyed by the form's fields, the domain's by filled rows.
		for _, f := range journey.ErrorFields(in.ValidateStep(step, minAge, s.now())) {
			if k := remapMedField(f.Field, r.PostForm); errs[k] == "" {
				errs[k] = f.Detail
			}
		}
		err = fieldErrors(errs)
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		current, ferr := s.store.FindIntake(r.Context(), c.ID)
		if ferr != nil {
			s.kit.PageError(w, r, ferr)
			return
		}
		p := s.newIntakePage(step, current, r.PostForm, rows)
		if !parsed {
			err = webkit.RenameFields(err, func(f string) string { return remapMedField(f, r.PostForm) })
		}
		webkit.ShowLabelledErrors(err, p.Errors, &p.List, intakeLabel)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "portal_intake", p)
		return
	}
	if addRow {
		http.Redirect(w, r, addRowURL(rows, len(saved.Medications.List)+1), http.StatusSeeOther)
		return
	}
	if r.PostFormValue("then") == "back" {
		for i, st := range journey.IntakeSteps {
			if st.Code == step && i > 0 {
				http.Redirect(w, r, "/portal/intake/"+journey.IntakeSteps[i-1].Code, http.StatusSeeOther)
				return
			}
		}
	}
	if next := saved.NextStep(); next != "" {
		http.Redirect(w, r, "/portal/intake/"+next, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/portal?saved=intake", http.StatusSeeOther)
}

// addRowURL returns the medications page with max(rows, saved) rows,
// scrolled to the last, the one just added.
func addRowURL(rows, saved int) string {
	n := min(max(rows, saved), journey.MaxMedications)
	return "/portal/intake/medications?rows=" + strconv.Itoa(n) + "#med_" + strconv.Itoa(n-1) + "_name"
}

// fieldErrors turns parse errors into an EINVALID error, its fields sorted
// by name so the API answers the same twice (a page's summary is put in
// the page's order when it is rendered: inPageOrder).
func fieldErrors(errs map[string]string) error {
	var v journey.Validation
	for f, d := range errs {
		v.Add(f, d)
	}
	slices.SortFunc(v.Fields, func(a, b journey.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return v.Err()
}

// remapMedField turns "med_2_dose", where 2 counts only the filled rows,
// into the form row it came from: blank rows in between are skipped when
// parsing.
func remapMedField(field string, form url.Values) string {
	rest, ok := strings.CutPrefix(field, "med_")
	if !ok {
		return field
	}
	num, suffix, ok := strings.Cut(rest, "_")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return field
	}
	seen := -1
	for i := 0; i < journey.MaxMedications+5; i++ {
		p := "med_" + strconv.Itoa(i) + "_"
		if form.Get(p+"name") == "" && form.Get(p+"dose") == "" && form.Get(p+"per_day") == "" && form.Get(p+"notes") == "" {
			continue
		}
		if seen++; seen == n {
			return p + suffix
		}
	}
	return field
}
