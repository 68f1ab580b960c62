package portal

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// portalClient returns the signed-in client's record.
func (s *Handler) portalClient(r *http.Request) (*journey.Client, error) {
	return s.store.FindClientByUserID(r.Context(), webkit.ActorFrom(r).ID())
}

// stage is one step of the client's path on the timeline.
type stage struct {
	Title  string
	State  string // done, current, waiting, upcoming
	Detail string
	WaitOn string // who the step waits on, in words
	Link   string // a booked remote session's video link
}

// task is one thing the client can do now.
type task struct {
	Title, Href, Detail string
	Steps               []Step // the parts of a long task, each reachable
}

// Step is one part of a task (or of the intake read back).
type Step struct {
	Title, Href string
	Done        bool
}

// HomePage is the client's path as a timeline and what they can do now.
type HomePage struct {
	Client    *journey.Client
	Name      string
	Stages    []stage
	Tasks     []task
	Question  *journey.Clearance // an open question from the prescriber
	Declined  *journey.Clearance
	Signed    []*journey.ConsentSignature
	Loc       *time.Location // the client's zone (clientZone)
	Saved     string
	Reply     string
	Errors    map[string]string
	Summary   []webkit.ErrorLine
	Support   bool
	Therapist string
	Answers   bool   // some of the intake is saved, to read back
	Next      string // the plan's next step, once cleared
}

// PageTitle is the page's title.
func (*HomePage) PageTitle() string { return "Your journey" }

// portalState gathers what the home page shows.
func (s *Handler) portalState(ctx context.Context, c *journey.Client) (*HomePage, error) {
	in, err := s.store.FindIntake(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sc, err := s.store.FindScreening(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	docs, err := s.store.FindConsentDocuments(ctx)
	if err != nil {
		return nil, err
	}
	sigs, err := s.store.FindConsentSignatures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := s.store.FindClearances(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	resps, err := s.store.LatestResponses(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p := &HomePage{Client: c, Name: c.Name, Signed: sigs, Errors: map[string]string{}, Answers: len(in.Done) > 0}
	p.Loc, _ = webkit.ClientZone(ctx, s.kit, s.store, c)
	if in.About.PreferredName != "" {
		p.Name = in.About.PreferredName
	}
	for _, m := range c.CareTeam {
		if m.Role == journey.RoleTherapist {
			p.Therapist = m.Name
			break
		}
	}
	// Tasks: the intake (its next step, with every step to jump to),
	// questionnaires, consents.
	if next := in.NextStep(); next != "" {
		t := task{Title: "Continue your intake", Href: "/portal/intake/" + next,
			Detail: fmt.Sprintf("%d of %d parts saved", len(in.Done), len(journey.IntakeSteps))}
		if len(in.Done) == 0 {
			t.Title = "Start your intake"
		}
		for _, st := range journey.IntakeSteps {
			t.Steps = append(t.Steps, Step{Title: st.Title, Href: "/portal/intake/" + st.Code, Done: in.HasDone(st.Code)})
		}
		p.Tasks = append(p.Tasks, t)
	}
	for _, code := range journey.RequiredQuestionnaires {
		if !slices.ContainsFunc(resps, func(r *journey.Response) bool { return r.Questionnaire == code }) {
			q, _ := measure.Find(code)
			p.Tasks = append(p.Tasks, task{Title: "Questionnaire: " + q.Title, Href: "/portal/measures/" + code, Detail: q.Recall})
		}
	}
	unsigned := 0
	for _, d := range docs {
		if !d.Required || signedVersion(sigs, d) {
			continue
		}
		unsigned++
		p.Tasks = append(p.Tasks, task{Title: "Read and sign: " + d.Title, Href: "/portal/consents/" + d.Code})
	}
	if len(decisions) > 0 {
		last := decisions[0]
		switch {
		case last.Decision == journey.DecisionNeedsInfo && last.RepliedAt.IsZero():
			p.Question = last
			p.Tasks = append([]task{{Title: "Answer the medical provider's question", Href: "#question-title"}}, p.Tasks...)
		case last.Decision == journey.DecisionDeclined:
			p.Declined = last
		}
	}
	intakeLeft := len(sc.Missing)
	p.Stages = []stage{
		welcomeStage(c, p.Therapist),
		intakeStage(intakeLeft),
		reviewStage(sc, intakeLeft, p.Question != nil),
		{Title: "Consent forms", State: stateOf(unsigned == 0 && len(docs) > 0, true), Detail: consentDetail(unsigned, len(docs)),
			WaitOn: waitOn(unsigned > 0, "you")},
		preparationStage(sc.Status, unsigned == 0 && len(docs) > 0),
		{Title: "Medicine session", State: "upcoming", Detail: "Ketamine from the medical provider, by lozenge or injection, with your therapist present throughout and a chaperone."},
		{Title: "Integration", State: "upcoming", Detail: "After each medicine session: making meaning of what arose and bringing it into daily life."},
	}
	return p, nil
}

// welcomeStage is where the path began: the free consult, or the
// practice adding the client directly.
func welcomeStage(c *journey.Client, therapist string) stage {
	if c.ConsultID != 0 {
		return stage{Title: "Free consult", State: "done", Detail: strings.TrimSpace("You met your therapist " + therapist + ".")}
	}
	st := stage{Title: "Welcome", State: "done", Detail: "The practice has opened your journey."}
	if therapist != "" {
		st.Detail = "The practice has opened your journey with your therapist, " + therapist + "."
	}
	return st
}

func signedVersion(sigs []*journey.ConsentSignature, d *journey.ConsentDocument) bool {
	return slices.ContainsFunc(sigs, func(s *journey.ConsentSignature) bool { return s.DocumentID == d.ID })
}

func stateOf(done, current bool) string {
	switch {
	case done:
		return "done"
	case current:
		return "current"
	}
	return "upcoming"
}

func waitOn(cond bool, who string) string {
	if cond {
		return who
	}
	return ""
}

func intakeStage(left int) stage {
	if left == 0 {
		return stage{Title: "Intake and questionnaires", State: "done", Detail: "Thank you: everything is in."}
	}
	return stage{Title: "Intake and questionnaires", State: "current", WaitOn: "you",
		Detail: fmt.Sprintf("%d of %d parts still to do. You can stop at any time: what you save is kept.", left,
			len(journey.IntakeSteps)+len(journey.RequiredQuestionnaires))}
}

func reviewStage(sc *journey.Screening, left int, question bool) stage {
	st := stage{Title: "Medical review"}
	switch sc.Status {
	case journey.ScreeningCleared:
		st.State, st.Detail = "done", "The medical provider has cleared you to continue"
		if sc.ClearedUntil != nil {
			st.Detail += " until " + sc.ClearedUntil.Format("January 2, 2006")
		}
		st.Detail += "."
	case journey.ScreeningDeclined:
		st.State, st.Detail = "done", "The medical provider has reviewed your information; see their message below."
	case journey.ScreeningNeedsInfo:
		st.State, st.WaitOn, st.Detail = "current", "you", "The medical provider has a question for you."
	case journey.ScreeningAwaitingReview:
		st.State, st.WaitOn, st.Detail = "waiting", "the medical provider", "The medical provider is reviewing your health information and medications."
	default:
		st.State, st.Detail = "upcoming", "Once your intake is complete, the medical provider reviews it."
	}
	_ = left
	_ = question
	return st
}

// preparationStage says who preparation waits on: the medical review
// first, then the consent forms, then the therapist, who arranges it.
func preparationStage(status string, consented bool) stage {
	st := stage{Title: "Preparation", State: "upcoming",
		Detail: "Sessions with your therapist to clarify your goals, learn what to expect and practise grounding."}
	switch {
	case status == journey.ScreeningDeclined:
		st.WaitOn = ""
	case status != journey.ScreeningCleared:
		st.WaitOn = "your therapist, once you are cleared"
	case !consented:
		st.WaitOn = "your therapist, once your consent forms are signed"
	default:
		st.State, st.WaitOn = "waiting", "your therapist"
		st.Detail = "You are cleared to begin. Your therapist will arrange your first preparation session with you."
	}
	return st
}

func consentDetail(unsigned, total int) string {
	switch {
	case total == 0:
		return "The practice will add its consent forms here."
	case unsigned == 0:
		return "All signed. You can download a copy of each."
	}
	return fmt.Sprintf("%d of %d still to read and sign.", unsigned, total)
}

func (s *Handler) HandlePortal(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p, err := s.portalState(r.Context(), c)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := s.addPlan(r, c, p); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved")
	s.audit(r, "portal.read", "client", c.ID, journey.AuditSuccess, "")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal", p)
}

// HandleQuestionReply records the client's answer to the prescriber's
// question.
func (s *Handler) HandleQuestionReply(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	reply := r.PostFormValue("reply")
	err = s.proc.ReplyToClearance(r.Context(), s.kit.Who(r), c.ID, reply, "")
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		p, perr := s.portalState(r.Context(), c)
		if perr != nil {
			s.kit.PageError(w, r, perr)
			return
		}
		p.Reply = reply
		webkit.ShowLabelledErrors(err, p.Errors, &p.Summary, func(string) string { return "Your answer" })
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "portal", p)
		return
	}
	http.Redirect(w, r, "/portal?saved=reply", http.StatusSeeOther)
}

// SupportPage is the crisis resources, at once after a safety answer.
type SupportPage struct {
	Alerted bool
}

// PageTitle is the page's title.
func (*SupportPage) PageTitle() string { return "Support right now" }

// HandleCrisis shows crisis resources: after a safety answer, at once.
func (s *Handler) HandleCrisis(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_support", &SupportPage{Alerted: r.URL.Query().Get("alerted") == "1"})
}
