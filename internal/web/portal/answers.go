package portal

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// AnswersPage is the client's intake read back, whole or one part.
type AnswersPage struct {
	Step     string // "" for the whole intake
	Title    string
	Sections []answersSection
	Parts    []Step // every part, to read one at a time
	Editable bool   // the medical provider has not decided yet
	Refused  string // a change just refused, and why
}

// answersSection is one part of the intake as the client reads it.
type answersSection struct {
	webkit.IntakeSection
	Code string
}

func (p *AnswersPage) PageTitle() string { return p.Title }

// HandleAnswersView shows the signed-in client their own intake answers,
// all of them (/portal/answers) or one part (/portal/answers/{step}).
// They may change them until the medical provider decides (cleared or
// declined); with a question open they may still correct them.
func (s *Handler) HandleAnswersView(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("step")
	if code != "" && !journey.IsIntakeStep(code) {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no such part of the intake."))
		return
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderAnswers(w, r, http.StatusOK, c, code, "")
}

// renderAnswers shows c their answers (one part, code, or all), with
// refused, the reason a change was just refused, at the top.
func (s *Handler) renderAnswers(w http.ResponseWriter, r *http.Request, status int, c *journey.Client, code, refused string) {
	in, err := s.store.FindIntake(r.Context(), c.ID)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	closed, err := s.intakeClosed(r.Context(), c)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p := &AnswersPage{Step: code, Title: "Your answers", Editable: !closed, Refused: refused}
	for i, sec := range webkit.IntakeSections(in, s.now()) {
		st := journey.IntakeSteps[i]
		for j := range sec.Rows {
			sec.Rows[j].Flag = false // staff's emphasis, not the client's
			if l, ok := clientLabels[sec.Rows[j].Label]; ok {
				sec.Rows[j].Label = l
			}
		}
		if st.Code == journey.StepMedications && sec.Done {
			sec.Rows = webkit.MedicationRows(in)
		}
		p.Parts = append(p.Parts, Step{Title: st.Title, Href: "/portal/answers/" + st.Code, Done: sec.Done})
		if code == "" || code == st.Code {
			p.Sections = append(p.Sections, answersSection{IntakeSection: sec, Code: st.Code})
			if code != "" {
				p.Title = "Your answers: " + st.Title
			}
		}
	}
	s.audit(r, "intake.read", "client", c.ID, journey.AuditSuccess, "answers "+code)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_answers", p)
}

// intakeClosed reports whether c may no longer change their intake: the
// medical provider has decided on it (journey.IntakeClosed).
func (s *Handler) intakeClosed(ctx context.Context, c *journey.Client) (bool, error) {
	sc, err := s.store.FindScreening(ctx, c.ID)
	if err != nil {
		return false, err
	}
	return journey.IntakeClosed(sc.Status), nil
}

// clientLabels turns the staff's words about the client into the
// client's own.
var clientLabels = map[string]string{"What brings them": "What brings you", "In their words": "In your words",
	"What they hope for": "What you hope for"}
