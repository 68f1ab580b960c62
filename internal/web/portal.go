package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/screening"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The client portal: the client's path as a timeline, their tasks, the
// intake in steps, questionnaires, consents. Every page is the signed-in
// client's own; nothing here takes a client id from the URL.

// portalClient returns the signed-in client's record.
func (s *Server) portalClient(r *http.Request) (*journey.Client, error) {
	return s.store.FindClientByUserID(r.Context(), actorFrom(r).ID())
}

// Intake steps.

type intakePage struct {
	Step     string
	Title    string
	Index    int // 1-based
	Count    int
	Prev     string
	Values   url.Values
	Errors   map[string]string
	List     []errorLine // the error summary, in the order of the fields
	Restored bool        // answers carried over a sign-in, not yet saved
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

func (p *intakePage) PageTitle() string { return "Intake: " + p.Title }

func (p *intakePage) Val(k string) string { return p.Values.Get(k) }

// Has reports whether field k holds value v (checkboxes, radios, selects).
func (p *intakePage) Has(k, v string) bool { return slices.Contains(p.Values[k], v) }

// Err returns the message for field k.
func (p *intakePage) Err(k string) string { return p.Errors[k] }

func (s *Server) newIntakePage(step string, in *journey.Intake, values url.Values, rows int) *intakePage {
	p := &intakePage{Step: step, Count: len(journey.IntakeSteps), Values: values, Errors: map[string]string{}, Done: in.Done,
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
func (s *Server) intakeStep(w http.ResponseWriter, r *http.Request) (*journey.Client, string, bool) {
	step := r.PathValue("step")
	if !journey.IsIntakeStep(step) {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such part of the intake."))
		return nil, "", false
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.pageError(w, r, err)
		return nil, "", false
	}
	closed, err := s.intakeClosed(r.Context(), c)
	if err != nil {
		s.pageError(w, r, err)
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

func (s *Server) handleIntakeView(w http.ResponseWriter, r *http.Request) {
	c, step, ok := s.intakeStep(w, r)
	if !ok {
		return
	}
	in, err := s.store.FindIntake(r.Context(), c.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	values, restored := carriedForm(r)
	if !restored {
		values = intakeValues(in, step)
	}
	rows, _ := strconv.Atoi(r.URL.Query().Get("rows"))
	p := s.newIntakePage(step, in, values, rows)
	p.Restored = restored
	s.audit(r, "intake.read", "client", c.ID, journey.AuditSuccess, step)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "portal_intake", p)
}

func (s *Server) handleIntakeSave(w http.ResponseWriter, r *http.Request) {
	c, step, ok := s.intakeStep(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, journey.Errorf(journey.EINVALID, "The form could not be read."))
		return
	}
	in, errs := parseIntakeForm(step, r.PostForm)
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
		saved, err = s.proc.SaveIntakeStep(r.Context(), s.who(r), c.ID, step, in)
	} else {
		// Report the other fields' problems too, so one pass fixes all.
		minAge := 18
		if rs, rerr := s.store.CurrentRuleSet(r.Context()); rerr == nil {
			minAge = screening.MinAge(rs)
		}
		in.Normalize()
		// errs is keyed by the form's fields, the domain's by filled rows.
		for _, f := range journey.ErrorFields(in.ValidateStep(step, minAge, s.cfg.Now())) {
			if k := remapMedField(f.Field, r.PostForm); errs[k] == "" {
				errs[k] = f.Detail
			}
		}
		err = fieldErrors(errs)
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return
		}
		current, ferr := s.store.FindIntake(r.Context(), c.ID)
		if ferr != nil {
			s.pageError(w, r, ferr)
			return
		}
		p := s.newIntakePage(step, current, r.PostForm, rows)
		if !parsed {
			err = renameFields(err, func(f string) string { return remapMedField(f, r.PostForm) })
		}
		showLabelledErrors(err, p.Errors, &p.List, intakeLabel)
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, "portal_intake", p)
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

// Questionnaires.

type measurePage struct {
	Actor    *journey.Actor
	Staff    bool   // a clinician administering it in session
	Action   string // where the form posts
	Back     string
	Q        *journey.Questionnaire
	Answers  map[int]int // item index → chosen value
	Errors   map[int]string
	Summary  []errorLine
	Message  string
	Restored bool
	Last     *journey.Response
	Loc      *time.Location // the reader's zone: the client's, or the practice's for staff
}

func (p *measurePage) PageTitle() string { return p.Q.Title }

// Chosen reports whether item i was answered with v.
func (p *measurePage) Chosen(i, v int) bool {
	a, ok := p.Answers[i]
	return ok && a == v
}

// Conditional reports whether item i is asked only after certain answers.
func (p *measurePage) Conditional(i int) bool { return len(p.Q.Items[i].AskIf) > 0 }

// AskIfHint says, for a page without JavaScript, when item i is to be
// answered: "Answer this only if you answered “Yes” to question 2."
func (p *measurePage) AskIfHint(i int) string {
	it := p.Q.Items[i]
	var qs, answers []string
	for _, j := range it.AskIf {
		qs = append(qs, p.Q.Items[j].Key)
		for _, o := range p.Q.Items[j].Options {
			if slices.Contains(it.AskIfValues, o.Value) && !slices.Contains(answers, "“"+o.Label+"”") {
				answers = append(answers, "“"+o.Label+"”")
			}
		}
	}
	return "Answer this only if you answered " + strings.Join(answers, " or ") + " to question " + strings.Join(qs, " or ") + "."
}

func (s *Server) measureFor(w http.ResponseWriter, r *http.Request) (*journey.Client, *journey.Questionnaire, bool) {
	q, ok := measure.Find(r.PathValue("code"))
	if !ok {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such questionnaire."))
		return nil, nil, false
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.pageError(w, r, err)
		return nil, nil, false
	}
	return c, q, true
}

func (s *Server) handleMeasureView(w http.ResponseWriter, r *http.Request) {
	c, q, ok := s.measureFor(w, r)
	if !ok {
		return
	}
	s.renderMeasure(w, r, c, q, http.StatusOK, s.newMeasurePage(r, c, q, false))
}

// newMeasurePage is the questionnaire form for client c: in the portal,
// or for a clinician administering it in session.
func (s *Server) newMeasurePage(r *http.Request, c *journey.Client, q *journey.Questionnaire, staff bool) *measurePage {
	p := &measurePage{Actor: actorFrom(r), Staff: staff, Q: q, Answers: map[int]int{}, Errors: map[int]string{},
		Action: "/portal/measures/" + q.Code, Back: "/portal"}
	p.Loc, _ = webkit.ClientZone(r.Context(), kit{s}, s.store, c)
	if staff {
		p.Action, p.Back = fmt.Sprintf("/staff/clients/%d/measures/%s", c.ID, q.Code), fmt.Sprintf("/staff/clients/%d", c.ID)
		p.Loc, _ = s.practiceZone(r)
	}
	if values, restored := carriedForm(r); restored {
		p.Answers, p.Restored = formAnswers(q, values), true
	}
	if last, err := s.store.FindResponses(r.Context(), c.ID, q.Code, 1); err == nil && len(last) > 0 {
		p.Last = last[0]
	}
	return p
}

func (s *Server) renderMeasure(w http.ResponseWriter, r *http.Request, c *journey.Client, q *journey.Questionnaire, status int, p *measurePage) {
	if status == http.StatusOK {
		s.audit(r, "response.read", "client", c.ID, journey.AuditSuccess, q.Code)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "portal_measure", p)
}

// handleStaffMeasureView: a clinician gives the client a questionnaire in
// session.
func (s *Server) handleStaffMeasureView(w http.ResponseWriter, r *http.Request) {
	c, q, ok := s.staffMeasureFor(w, r)
	if !ok {
		return
	}
	s.renderMeasure(w, r, c, q, http.StatusOK, s.newMeasurePage(r, c, q, true))
}

func (s *Server) staffMeasureFor(w http.ResponseWriter, r *http.Request) (*journey.Client, *journey.Questionnaire, bool) {
	c, err := s.clientFor(r, "response.create", administerTo)
	if err != nil {
		s.pageError(w, r, err)
		return nil, nil, false
	}
	q, ok := measure.Find(r.PathValue("code"))
	if !ok {
		s.pageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such questionnaire."))
		return nil, nil, false
	}
	return c, q, true
}

func (s *Server) handleStaffMeasureSubmit(w http.ResponseWriter, r *http.Request) {
	c, q, ok := s.staffMeasureFor(w, r)
	if !ok {
		return
	}
	if s.submitMeasure(w, r, c, q, true) {
		http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d?measured=%s", c.ID, url.QueryEscape(q.Code)), http.StatusSeeOther)
	}
}

// formAnswers reads item_0 … item_n; unanswered items are left out.
func formAnswers(q *journey.Questionnaire, f url.Values) map[int]int {
	out := map[int]int{}
	for i := range q.Items {
		if v, err := strconv.Atoi(f.Get("item_" + strconv.Itoa(i))); err == nil {
			out[i] = v
		}
	}
	return out
}

func (s *Server) handleMeasureSubmit(w http.ResponseWriter, r *http.Request) {
	c, q, ok := s.measureFor(w, r)
	if !ok || !s.submitMeasure(w, r, c, q, false) {
		return
	}
	http.Redirect(w, r, "/portal?saved="+url.QueryEscape(q.Code), http.StatusSeeOther)
}

// submitMeasure scores and stores the form's answers for client c. It
// answers the request itself, and returns false, when the answers are
// refused (the form again, answers kept) or a safety answer sends the
// client to crisis resources; true when the caller should go on.
func (s *Server) submitMeasure(w http.ResponseWriter, r *http.Request, c *journey.Client, q *journey.Questionnaire, staff bool) bool {
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, journey.Errorf(journey.EINVALID, "The form could not be read."))
		return false
	}
	chosen := formAnswers(q, r.PostForm)
	answers := make([]int, len(q.Items))
	for i := range answers {
		answers[i] = journey.Skipped
		if v, ok := chosen[i]; ok {
			answers[i] = v
		}
	}
	// With JavaScript off every item is on the page; answers to items the
	// skip logic leaves out are dropped rather than refused.
	answers = measure.Normalize(q, answers)
	resp, err := s.proc.CreateResponse(r.Context(), s.who(r), c.ID, q.Code, answers)
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return false
		}
		p := s.newMeasurePage(r, c, q, staff)
		p.Answers, p.Message = chosen, "Please answer every question."
		for _, f := range journey.ErrorFields(err) {
			if i, ok := itemIndex(f.Field); ok {
				p.Errors[i] = f.Detail
				p.Summary = append(p.Summary, newErrorLine("item_"+strconv.Itoa(i), "Question "+q.Items[i].Key, f.Detail))
			} else {
				p.Message = f.Detail
			}
		}
		s.renderMeasure(w, r, c, q, http.StatusUnprocessableEntity, p)
		return false
	}
	if resp.HasSafetyFlag() && !staff {
		// Crisis resources at once; the care team has been alerted.
		http.Redirect(w, r, "/portal/support?alerted=1", http.StatusSeeOther)
		return false
	}
	return true
}

// itemIndex reads the index out of "answers[8]".
func itemIndex(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "answers[")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	return i, err == nil
}

// Joining the portal.

func (s *Server) handleJoinView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.store.FindClientInvitation(r.Context(), token)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "portal_join", &acceptPage{Token: token, Name: c.Name, Email: c.Email})
}

func (s *Server) joinError(w http.ResponseWriter, r *http.Request, err error) {
	code := journey.ErrorCode(err)
	if code != journey.ENOTFOUND && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "portal.join", "link", "", journey.AuditDenied, journey.ErrorMessage(err))
	s.render(w, r, errorStatus(err), "portal_join", &acceptPage{Message: journey.ErrorMessage(err), Invalid: true})
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, err := s.store.FindClientInvitation(r.Context(), token)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	if msg := checkNewPassword(pw, r.PostFormValue("password_again"), c.Email, c.Name); msg != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "portal_join", &acceptPage{Token: token, Name: c.Name, Email: c.Email, Message: msg})
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), pw)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	u, err := s.store.AcceptClientInvitation(r.Context(), token, hash)
	if err != nil {
		s.joinError(w, r, err)
		return
	}
	s.auditAs(r, u, "portal.join", "client", c.ID, journey.AuditSuccess, "")
	sess := &journey.Session{UserID: u.ID, Idle: s.cfg.ClientIdle, ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent(),
		SecondFactorAt: s.cfg.Now()}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
}

// Carrying a form over a sign-in. A client whose session ended while they
// filled in a step would lose their answers on submit; instead the sign-in
// page carries them in hidden fields (in their own browser, never stored),
// and after signing in they land on the same step with the answers back,
// still unsaved, to check and save.

type carriedKey struct{}

// carriedForm returns the answers carried over a sign-in, if any.
func carriedForm(r *http.Request) (url.Values, bool) {
	v, ok := r.Context().Value(carriedKey{}).(url.Values)
	return v, ok
}

// carryPrefix marks the login form's hidden fields that hold carried answers.
const carryPrefix = "carry."

// carryable reports whether a signed-out POST to path may carry its form
// over a sign-in: the portal's intake steps and questionnaires.
func carryable(r *http.Request) bool {
	return routeFrom(r).opts&carry != 0
}

// renderCarrySignIn answers a signed-out POST with the sign-in page, the
// form's answers in hidden fields.
func (s *Server) renderCarrySignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
		return
	}
	var carry []carried
	for k, vs := range r.PostForm {
		for _, v := range vs {
			carry = append(carry, carried{Name: carryPrefix + k, Value: v})
		}
	}
	slices.SortFunc(carry, func(a, b carried) int { return strings.Compare(a.Name, b.Name) })
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusUnauthorized, "login", &loginPage{Next: r.URL.Path, Carry: carry,
		Message: "You were signed out after a while without activity. Sign in again: your answers come back with you."})
}

type carried struct{ Name, Value string }

// carriedFields returns the carried answers a sign-in form sent back, so a
// mistyped password does not drop them.
func carriedFields(r *http.Request) []carried {
	var out []carried
	for k, vs := range r.PostForm {
		if strings.HasPrefix(k, carryPrefix) {
			for _, v := range vs {
				out = append(out, carried{Name: k, Value: v})
			}
		}
	}
	slices.SortFunc(out, func(a, b carried) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// replayCarried serves the page next with the carried answers, as the
// newly signed-in client, instead of redirecting there.
func (s *Server) replayCarried(w http.ResponseWriter, r *http.Request, u *journey.User, next string) bool {
	values := url.Values{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, carryPrefix); ok {
			values[name] = vs
		}
	}
	if len(values) == 0 || !(strings.HasPrefix(next, "/portal/intake/") || strings.HasPrefix(next, "/portal/measures/")) {
		return false
	}
	ctx := webkit.WithActor(r.Context(), &journey.Actor{User: u, Verified: true, ClientAddr: s.clientAddr(r)})
	ctx = context.WithValue(ctx, carriedKey{}, values)
	r2 := r.Clone(ctx)
	r2.Method = http.MethodGet
	r2.URL = &url.URL{Path: next}
	r2.Form, r2.PostForm = nil, nil
	s.mux.ServeHTTP(w, r2)
	return true
}
