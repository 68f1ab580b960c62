package staff

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Medical review: the queue of clients waiting for a
// medical provider, the one screen that shows everything a decision rests
// on, and the decision itself. Only medical providers reach these routes
// (PermClearance); the client record rule on top is CanSeeClinical.

// reviewKindLabels names the finding kinds as badges.
var reviewKindLabels = map[string]string{
	journey.FindingHardStop: "Hard stop",
	journey.FindingReview:   "Prescriber review",
	journey.FindingWarn:     "Warning",
}

// reviewBadge is the badge text of a worst kind.
func reviewBadge(worst string) string {
	if l, ok := reviewKindLabels[worst]; ok {
		return l
	}
	return "No findings"
}

// reviewCountText says the counts in words: "1 hard stop, 2 warnings".
func reviewCountText(counts map[string]int) string {
	words := map[string][2]string{
		journey.FindingHardStop: {"hard stop", "hard stops"},
		journey.FindingReview:   {"prescriber review", "prescriber reviews"},
		journey.FindingWarn:     {"warning", "warnings"},
	}
	var parts []string
	for _, k := range journey.FindingKinds {
		switch n := counts[k]; n {
		case 0:
		case 1:
			parts = append(parts, "1 "+words[k][0])
		default:
			parts = append(parts, strconv.Itoa(n)+" "+words[k][1])
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

type reviewQueueRow struct {
	ID        int64
	Name      string
	Waiting   string
	Days      int
	Counts    string
	Worst     string // kind code or "none"
	Badge     string
	OpenAlert bool
	Replied   bool
}

type ReviewQueuePage struct {
	Actor   *journey.Actor
	Zone    string
	Rows    []reviewQueueRow
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
	Decided int64 // the client just decided on, for the confirmation
}

func (*ReviewQueuePage) PageTitle() string { return "Review queue" }

// HandleReviewQueue lists the clients awaiting a medical decision, most
// urgent first, 50 a page (?page=).
func (s *Handler) HandleReviewQueue(w http.ResponseWriter, r *http.Request) {
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = min(max(pageNo, 1), 100_000)
	sums, total, err := s.proc.ReviewQueue(r.Context(), s.kit.Who(r), (pageNo-1)*webkit.ReviewPageSize, webkit.ReviewPageSize, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	now := s.now()
	page := &ReviewQueuePage{Actor: webkit.ActorFrom(r), Zone: zone, Total: total, Page: pageNo, Pages: (total + webkit.ReviewPageSize - 1) / webkit.ReviewPageSize}
	if id, err := strconv.ParseInt(r.URL.Query().Get("decided"), 10, 64); err == nil && id > 0 {
		page.Decided = id
	}
	for _, sum := range sums {
		c := sum.Client
		worst := webkit.ReviewWorst(sum.Findings)
		row := reviewQueueRow{ID: c.ID, Name: c.Name, Counts: reviewCountText(webkit.ReviewCounts(sum.Findings)), Worst: worst,
			Badge: reviewBadge(worst), OpenAlert: webkit.ReviewOpenAlert(sum), Replied: sum.Replied}
		if !c.IntakeDone.IsZero() {
			row.Waiting = c.IntakeDone.In(loc).Format("Jan 2, 2006, 3:04 PM")
			row.Days = int(now.Sub(c.IntakeDone).Hours() / 24)
		}
		page.Rows = append(page.Rows, row)
	}
	if pageNo > 1 {
		page.PrevURL = fmt.Sprintf("/staff/review?page=%d", pageNo-1)
	}
	if pageNo*webkit.ReviewPageSize < total {
		page.NextURL = fmt.Sprintf("/staff/review?page=%d", pageNo+1)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_review", page)
}

// The decision screen.

type reviewFinding struct {
	Code, Title, Detail, Source string
}

type reviewFindingGroup struct {
	Kind     string
	Label    string
	Findings []reviewFinding
}

type reviewItem struct {
	Key, Text, Answer string
	Raised            bool // answered above the lowest option
}

type reviewMeasure struct {
	Title   string
	Date    string
	Score   string
	Band    string
	Flags   []string
	Safety  bool
	Items   []reviewItem
	Licence string
}

type reviewAlert struct {
	ID   int64
	Flag string
	When string
}

type reviewDecision struct {
	Decision       string
	When           string
	Provider       string
	Until          string
	Reason         string
	Message        string
	Override       bool
	OverrideReason string
	RuleSetVersion int
	Reply          string
	RepliedAt      string
	Acknowledged   []string // titles of the findings the provider acknowledged
}

// reviewForm is the decision form as typed.
type reviewForm struct {
	Decision       string
	ClearedUntil   string
	Reason         string
	DeclineMessage string
	Question       string
	Override       bool
	OverrideReason string
	Acknowledged   []string // codes of the review findings ticked
}

// Acked reports whether the form ticked finding code.
func (f reviewForm) Acked(code string) bool { return slices.Contains(f.Acknowledged, code) }

// reviewDeclineSuggestion is the suggested message to a client who is not
// cleared: kind, with next steps and no clinical detail.
const reviewDeclineSuggestion = "Thank you for completing your intake and for sharing your health information with us. " +
	"After reviewing it carefully, we don't think KAP is the right fit for you at this time. " +
	"Your therapist will talk with you about other options and next steps."

type ReviewScreenPage struct {
	Actor       *journey.Actor
	Zone        string
	Client      *journey.Client
	Status      string
	Evaluated   string
	RuleSet     int
	Missing     []string
	HardStop    bool
	Groups      []reviewFindingGroup
	ToAck       []reviewFinding // prescriber-review findings, each acknowledged before clearing
	Medications webkit.Medications
	Measures    []reviewMeasure
	Sections    []webkit.IntakeSection
	Alerts      []reviewAlert
	Decisions   []reviewDecision
	Therapists  string
	Form        reviewForm
	Today       string
	Errors      map[string]string
	ErrorList   []journey.FieldError // Field is the id of the input to jump to
	Message     string
}

func (p *ReviewScreenPage) PageTitle() string { return "Medical review: " + p.Client.Name }

// reviewStatusLabels names screening statuses for staff.
var reviewStatusLabels = map[string]string{
	journey.ScreeningIncomplete:     "Intake not finished",
	journey.ScreeningAwaitingReview: "Awaiting medical review",
	journey.ScreeningCleared:        "Cleared",
	journey.ScreeningDeclined:       "Declined",
	journey.ScreeningNeedsInfo:      "Waiting for the client's answer",
}

// reviewDecisionLabels names decisions.
var reviewDecisionLabels = map[string]string{
	journey.DecisionCleared:   "Cleared",
	journey.DecisionDeclined:  "Declined",
	journey.DecisionNeedsInfo: "Needs more information",
}

// HandleReviewView shows the decision screen for one client.
func (s *Handler) HandleReviewView(w http.ResponseWriter, r *http.Request) {
	c, err := s.clientFor(r, "clearance.read", processing.SeeClinical)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page, err := s.reviewScreen(r, c)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.audit(r, "clearance.read", "client", c.ID, journey.AuditSuccess, "review screen")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_review_client", page)
}

// HandleClearanceDecide records the provider's decision from the form; on
// invalid input the screen comes back with every typed value and the
// messages beside their fields.
func (s *Handler) HandleClearanceDecide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	f := reviewForm{Decision: r.PostFormValue("decision"), ClearedUntil: strings.TrimSpace(r.PostFormValue("cleared_until")),
		Reason: r.PostFormValue("reason"), DeclineMessage: r.PostFormValue("decline_message"), Question: r.PostFormValue("question"),
		Override: r.PostFormValue("override") != "", OverrideReason: r.PostFormValue("override_reason"), Acknowledged: r.PostForm["ack"]}
	cl := &journey.Clearance{Decision: f.Decision, Reason: f.Reason,
		Override: f.Override, OverrideReason: f.OverrideReason, Acknowledged: f.Acknowledged}
	switch f.Decision {
	case journey.DecisionDeclined:
		cl.Message = f.DeclineMessage
	case journey.DecisionNeedsInfo:
		cl.Message = f.Question
	}
	c, _, err := s.proc.DecideClearance(r.Context(), s.kit.Who(r), id, cl, webkit.ParseClearedUntil(cl, f.ClearedUntil, false, s.now(), webkit.PracticeLoc(r.Context(), s.kit)))
	if err != nil {
		if c == nil || journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		page, perr := s.reviewScreen(r, c)
		if perr != nil {
			s.kit.PageError(w, r, perr)
			return
		}
		page.Form = f
		page.setErrors(err)
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "staff_review_client", page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/review?decided=%d", c.ID), http.StatusSeeOther)
}

// setErrors puts a validation error's fields beside the inputs they name.
// The client's message is one field in the store and two inputs here.
func (p *ReviewScreenPage) setErrors(err error) {
	p.Message = journey.ErrorMessage(err)
	for _, fe := range journey.ErrorFields(err) {
		id := fe.Field
		if id == "message" {
			id = "decline_message"
			if p.Form.Decision == journey.DecisionNeedsInfo {
				id = "question"
			}
		}
		if _, dup := p.Errors[id]; !dup {
			p.Errors[id] = fe.Detail
			p.ErrorList = append(p.ErrorList, journey.FieldError{Field: id, Detail: p.summaryOf(id, fe.Detail)})
		}
	}
}

// summaryOf is the error summary's line for field id: a finding's own
// message names the finding there, so the summary says which one.
func (p *ReviewScreenPage) summaryOf(id, detail string) string {
	for _, f := range p.ToAck {
		if id == "ack_"+f.Code {
			return f.Title + ": " + detail
		}
	}
	return detail
}

// reviewScreen gathers everything the decision rests on, with the form
// at its defaults.
func (s *Handler) reviewScreen(r *http.Request, c *journey.Client) (*ReviewScreenPage, error) {
	ctx := r.Context()
	rec, err := s.proc.ClinicalRecord(ctx, s.kit.Who(r), c, true)
	if err != nil {
		return nil, err
	}
	sc, resps, alerts, decisions := rec.Screening, rec.Latest, rec.Alerts, rec.Clearances
	in, err := s.store.FindIntake(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	rs, err := s.store.CurrentRuleSet(ctx)
	if err != nil {
		return nil, err
	}
	staff, err := s.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range staff {
		names[u.ID] = u.Name
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	now := s.now()
	p := &ReviewScreenPage{Actor: webkit.ActorFrom(r), Zone: zone, Client: c, Status: reviewStatusLabels[sc.Status], RuleSet: sc.RuleSetVersion,
		Missing: sc.Missing, HardStop: sc.HasHardStop(), Errors: map[string]string{}, Today: now.In(loc).Format(time.DateOnly),
		Form: reviewForm{ClearedUntil: webkit.DefaultClearedUntil(now, loc).Format(time.DateOnly), DeclineMessage: reviewDeclineSuggestion}}
	if !sc.EvaluatedAt.IsZero() {
		p.Evaluated = sc.EvaluatedAt.In(loc).Format("Jan 2, 2006, 3:04 PM")
	}
	var team []string
	for _, m := range c.CareTeam {
		team = append(team, m.Name+" ("+journey.RoleLabel(m.Role)+")")
	}
	p.Therapists = strings.Join(team, ", ")
	p.Groups = reviewGroups(sc.Findings, rs)
	for _, g := range p.Groups {
		if g.Kind == journey.FindingReview {
			p.ToAck = g.Findings
		}
	}
	p.Medications = webkit.MedicationsOf(in)
	p.Measures = reviewMeasures(resps, loc)
	p.Sections = webkit.IntakeSections(in, now)
	for _, a := range alerts {
		p.Alerts = append(p.Alerts, reviewAlert{ID: a.ID, Flag: reviewFlagLabel(a.Flag), When: a.CreatedAt.In(loc).Format("Jan 2, 2006, 3:04 PM")})
	}
	for _, d := range decisions {
		rd := reviewDecision{Decision: reviewDecisionLabels[d.Decision], When: d.CreatedAt.In(loc).Format("Jan 2, 2006, 3:04 PM"),
			Provider: names[d.ProviderID], Reason: d.Reason, Message: d.Message, Override: d.Override, OverrideReason: d.OverrideReason,
			RuleSetVersion: d.RuleSetVersion, Reply: d.Reply}
		if rd.Provider == "" {
			rd.Provider = "user " + strconv.FormatInt(d.ProviderID, 10)
		}
		if !d.ClearedUntil.IsZero() {
			rd.Until = d.ClearedUntil.In(loc).Format("Jan 2, 2006")
		}
		if !d.RepliedAt.IsZero() {
			rd.RepliedAt = d.RepliedAt.In(loc).Format("Jan 2, 2006, 3:04 PM")
		}
		for _, f := range d.Findings {
			if f.Acknowledged {
				rd.Acknowledged = append(rd.Acknowledged, ruleTitle(rs, f.Code))
			}
		}
		p.Decisions = append(p.Decisions, rd)
	}
	return p, nil
}

// ruleTitle names a finding by its rule's title, or its code.
func ruleTitle(rs *journey.RuleSet, code string) string {
	if ru := rs.Rule(code); ru != nil {
		return ru.Title
	}
	return code
}

// reviewGroups groups findings by kind, most serious first, titled by the
// rule that raised them.
func reviewGroups(findings []journey.Finding, rs *journey.RuleSet) []reviewFindingGroup {
	var out []reviewFindingGroup
	for _, k := range journey.FindingKinds {
		g := reviewFindingGroup{Kind: k, Label: reviewKindLabels[k]}
		for _, f := range findings {
			if f.Kind != k {
				continue
			}
			g.Findings = append(g.Findings, reviewFinding{Code: f.Code, Title: ruleTitle(rs, f.Code), Detail: f.Detail, Source: f.Source})
		}
		if len(g.Findings) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// reviewFlagLabels says what each questionnaire flag means.
var reviewFlagLabels = map[string]string{
	journey.FlagPHQ9Item9:           "PHQ-9 item 9 above 0: immediate safety follow-up",
	journey.FlagMorningSafety:       "Morning-after check-in: thoughts of self-harm; immediate safety follow-up",
	journey.FlagCSSRSHighRisk:       "C-SSRS high risk: immediate safety follow-up",
	journey.FlagPCL5ProbablePTSD:    "PCL-5 total at or above the cut-off: probable PTSD",
	measure.FlagPCL5ProvisionalPTSD: "PCL-5 provisional PTSD diagnosis rule met",
}

func reviewFlagLabel(flag string) string {
	if l, ok := reviewFlagLabels[flag]; ok {
		return l
	}
	return flag
}

// reviewMeasures shows the latest response to each questionnaire, its
// items labelled with their text and the answer chosen.
func reviewMeasures(resps []*journey.Response, loc *time.Location) []reviewMeasure {
	latest := map[string]*journey.Response{}
	for _, r := range resps { // newest first
		if latest[r.Questionnaire] == nil {
			latest[r.Questionnaire] = r
		}
	}
	codes := slices.Clone(journey.RequiredQuestionnaires)
	for _, q := range measure.All() {
		if !slices.Contains(codes, q.Code) {
			codes = append(codes, q.Code)
		}
	}
	var out []reviewMeasure
	for _, code := range codes {
		r := latest[code]
		if r == nil {
			continue
		}
		q, ok := measure.FindVersion(r.Questionnaire, r.Version)
		if !ok {
			if q, ok = measure.Find(code); !ok {
				continue
			}
		}
		m := reviewMeasure{Title: q.Title, Date: r.CreatedAt.In(loc).Format("Jan 2, 2006"), Safety: r.HasSafetyFlag(), Licence: q.Licence}
		if q.MaxScore > 0 {
			m.Score = fmt.Sprintf("%d of %d", r.Score.Total, q.MaxScore)
		}
		m.Band = r.Score.Band
		for _, b := range q.Bands {
			if b.Code == r.Score.Band {
				m.Band = b.Label
			}
		}
		if q.Code == journey.QuestionnaireCSSRS {
			m.Band = "Risk level: " + strings.ReplaceAll(r.Score.Band, "-", " ")
		}
		for _, f := range r.Score.Flags {
			m.Flags = append(m.Flags, reviewFlagLabel(f))
		}
		for i, it := range q.Items {
			item := reviewItem{Key: it.Key, Text: it.Text, Answer: "(no answer)"}
			if i < len(r.Answers) {
				a := r.Answers[i]
				switch {
				case a == journey.Skipped:
					item.Answer = "Not asked"
				default:
					item.Answer = strconv.Itoa(a)
					for _, o := range it.Options {
						if o.Value == a {
							item.Answer = o.Label + " (" + strconv.Itoa(a) + ")"
						}
					}
					item.Raised = len(it.Options) > 0 && a > it.Options[0].Value
				}
			}
			m.Items = append(m.Items, item)
		}
		out = append(out, m)
	}
	return out
}

// The API.
