package webkit

// The questionnaire form, which a client fills in in the portal and a
// clinician gives a client in session on the staff workspace: one page
// (templates/portal/portal_measure.html), one way to read and store it.

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
	"github.com/journey-kap/journey/internal/processing"
)

// MeasurePage is the questionnaire form.
type MeasurePage struct {
	Actor    *journey.Actor
	Staff    bool   // a clinician administering it in session
	Action   string // where the form posts
	Back     string
	Q        *journey.Questionnaire
	Answers  map[int]int // item index → chosen value
	Errors   map[int]string
	Summary  []ErrorLine
	Message  string
	Restored bool
	Last     *journey.Response
	Loc      *time.Location // the reader's zone: the client's, or the practice's for staff
}

// PageTitle is the questionnaire's title.
func (p *MeasurePage) PageTitle() string { return p.Q.Title }

// Chosen reports whether item i was answered with v.
func (p *MeasurePage) Chosen(i, v int) bool {
	a, ok := p.Answers[i]
	return ok && a == v
}

// Conditional reports whether item i is asked only after certain answers.
func (p *MeasurePage) Conditional(i int) bool { return len(p.Q.Items[i].AskIf) > 0 }

// AskIfHint says, for a page without JavaScript, when item i is to be
// answered: "Answer this only if you answered “Yes” to question 2."
func (p *MeasurePage) AskIfHint(i int) string {
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

// MeasureReader reads a client's last responses to a questionnaire.
type MeasureReader interface {
	FindResponses(ctx context.Context, clientID int64, code string, limit int) ([]*journey.Response, error)
}

// MeasureProcessing stores a response (its record rule, scoring, safety
// alert and audit) and records that the form was shown.
type MeasureProcessing interface {
	CreateResponse(ctx context.Context, a *journey.Actor, id int64, code string, answers []int) (*journey.Response, error)
	Audit(ctx context.Context, a *journey.Actor, e processing.Entry)
}

// Measures draws and takes the questionnaire form for client C: in the
// portal, or (Staff) for a clinician administering it in session. Loc is
// the reader's zone: the client's, or the practice's for staff.
type Measures struct {
	Kit   Kit
	Store MeasureReader
	Proc  MeasureProcessing
	C     *journey.Client
	Q     *journey.Questionnaire
	Staff bool
	Loc   *time.Location
}

// Page returns the form, with the answers carried over a sign-in.
func (s Measures) Page(r *http.Request) *MeasurePage {
	p := &MeasurePage{Actor: ActorFrom(r), Staff: s.Staff, Q: s.Q, Answers: map[int]int{}, Errors: map[int]string{},
		Action: "/portal/measures/" + s.Q.Code, Back: "/portal", Loc: s.Loc}
	if s.Staff {
		p.Action, p.Back = fmt.Sprintf("/staff/clients/%d/measures/%s", s.C.ID, s.Q.Code), fmt.Sprintf("/staff/clients/%d", s.C.ID)
	}
	if values, restored := CarriedForm(r); restored {
		p.Answers, p.Restored = FormAnswers(s.Q, values), true
	}
	if last, err := s.Store.FindResponses(r.Context(), s.C.ID, s.Q.Code, 1); err == nil && len(last) > 0 {
		p.Last = last[0]
	}
	return p
}

// Render answers with the form p; a form shown (not refused) is audited
// as read, with the client's last response on it.
func (s Measures) Render(w http.ResponseWriter, r *http.Request, status int, p *MeasurePage) {
	if status == http.StatusOK {
		s.audit(r, "response.read", "client", s.C.ID, journey.AuditSuccess, s.Q.Code)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Kit.Render(w, r, status, "portal_measure", p)
}

// audit records what the form showed (processing.Audit); layers_test.go
// counts the calls.
func (s Measures) audit(r *http.Request, action, subjectType string, subjectID any, outcome, detail string) {
	s.Proc.Audit(r.Context(), s.Kit.Who(r), processing.Entry{Action: action, SubjectType: subjectType, SubjectID: subjectID,
		Outcome: outcome, Detail: detail})
}

// FormAnswers reads item_0 … item_n; unanswered items are left out.
func FormAnswers(q *journey.Questionnaire, f url.Values) map[int]int {
	out := map[int]int{}
	for i := range q.Items {
		if v, err := strconv.Atoi(f.Get("item_" + strconv.Itoa(i))); err == nil {
			out[i] = v
		}
	}
	return out
}

// Submit scores and stores the form's answers for the client. It
// answers the request itself, and returns false, when the answers are
// refused (the form again, answers kept) or a safety answer sends the
// client to crisis resources; true when the caller should go on.
func (s Measures) Submit(w http.ResponseWriter, r *http.Request) bool {
	c, q := s.C, s.Q
	if err := r.ParseForm(); err != nil {
		s.Kit.PageError(w, r, journey.Errorf(journey.EINVALID, "The form could not be read."))
		return false
	}
	chosen := FormAnswers(q, r.PostForm)
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
	resp, err := s.Proc.CreateResponse(r.Context(), s.Kit.Who(r), c.ID, q.Code, answers)
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.Kit.PageError(w, r, err)
			return false
		}
		p := s.Page(r)
		p.Answers, p.Message = chosen, "Please answer every question."
		for _, f := range journey.ErrorFields(err) {
			if i, ok := itemIndex(f.Field); ok {
				p.Errors[i] = f.Detail
				p.Summary = append(p.Summary, NewErrorLine("item_"+strconv.Itoa(i), "Question "+q.Items[i].Key, f.Detail))
			} else {
				p.Message = f.Detail
			}
		}
		s.Render(w, r, http.StatusUnprocessableEntity, p)
		return false
	}
	if resp.HasSafetyFlag() && !s.Staff {
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
