package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
)

// Medical review: the queue of clients waiting for a
// medical provider, the one screen that shows everything a decision rests
// on, and the decision itself. Only medical providers reach these routes
// (PermClearance); the client record rule on top is CanSeeClinical.

// reviewPageSize is the number of clients a queue page shows.
const reviewPageSize = 50

// reviewKindLabels names the finding kinds as badges.
var reviewKindLabels = map[string]string{
	journey.FindingHardStop: "Hard stop",
	journey.FindingReview:   "Prescriber review",
	journey.FindingWarn:     "Warning",
}

// reviewWorst returns the code of the most serious kind among findings,
// "none" when there are none.
func reviewWorst(findings []journey.Finding) string {
	s := journey.Screening{Findings: findings}
	if w := s.Worst(); w < len(journey.FindingKinds) {
		return journey.FindingKinds[w]
	}
	return "none"
}

// reviewBadge is the badge text of a worst kind.
func reviewBadge(worst string) string {
	if l, ok := reviewKindLabels[worst]; ok {
		return l
	}
	return "No findings"
}

// reviewCounts counts findings by kind; every kind is present.
func reviewCounts(findings []journey.Finding) map[string]int {
	out := map[string]int{}
	for _, k := range journey.FindingKinds {
		out[k] = 0
	}
	for _, f := range findings {
		out[f.Kind]++
	}
	return out
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

// reviewOpenAlert reports whether a queue row's client has an open safety
// alert, hard stop or not.
func reviewOpenAlert(sum *journey.ClientSummary) bool { return sum.OpenAlert }

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

type reviewQueuePage struct {
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

func (*reviewQueuePage) PageTitle() string { return "Review queue" }

// handleReviewQueue lists the clients awaiting a medical decision, most
// urgent first, 50 a page (?page=).
func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request) {
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = min(max(pageNo, 1), 100_000)
	sums, total, err := s.proc.ReviewQueue(r.Context(), s.who(r), (pageNo-1)*reviewPageSize, reviewPageSize, "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, zone := s.practiceZone(r)
	now := s.cfg.Now()
	page := &reviewQueuePage{Actor: actorFrom(r), Zone: zone, Total: total, Page: pageNo, Pages: (total + reviewPageSize - 1) / reviewPageSize}
	if id, err := strconv.ParseInt(r.URL.Query().Get("decided"), 10, 64); err == nil && id > 0 {
		page.Decided = id
	}
	for _, sum := range sums {
		c := sum.Client
		worst := reviewWorst(sum.Findings)
		row := reviewQueueRow{ID: c.ID, Name: c.Name, Counts: reviewCountText(reviewCounts(sum.Findings)), Worst: worst,
			Badge: reviewBadge(worst), OpenAlert: reviewOpenAlert(sum), Replied: sum.Replied}
		if !c.IntakeDone.IsZero() {
			row.Waiting = c.IntakeDone.In(loc).Format("Jan 2, 2006, 3:04 PM")
			row.Days = int(now.Sub(c.IntakeDone).Hours() / 24)
		}
		page.Rows = append(page.Rows, row)
	}
	if pageNo > 1 {
		page.PrevURL = fmt.Sprintf("/staff/review?page=%d", pageNo-1)
	}
	if pageNo*reviewPageSize < total {
		page.NextURL = fmt.Sprintf("/staff/review?page=%d", pageNo+1)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_review", page)
}

// apiReviewRow is one client of the review queue in the API.
type apiReviewRow struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	WaitingSince *string           `json:"waiting_since"` // RFC 3339; when intake and measures were done
	Priority     int               `json:"priority"`      // 0 hard stop or open safety alert, 1 review, 2 warn, 3 none
	Worst        string            `json:"worst"`         // hard_stop, prescriber_review, warn or none
	Counts       map[string]int    `json:"counts"`
	OpenAlert    bool              `json:"open_alert"`
	Replied      bool              `json:"replied"` // answered the provider's question
	Findings     []journey.Finding `json:"findings"`
}

// handleAPIReviewQueue lists the queue: ?limit= (1–200, default 50) and
// ?offset= (0 or more).
func (s *Server) handleAPIReviewQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v journey.Validation
	limit, offset := reviewPageSize, 0
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			v.Add("limit", "Limit must be a whole number from 1 to 200.")
		}
		limit = n
	}
	if o := q.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			v.Add("offset", "Offset must be a whole number, 0 or more.")
		}
		offset = n
	}
	if err := v.Err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	sums, total, err := s.proc.ReviewQueue(r.Context(), s.who(r), offset, limit, " via api")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]apiReviewRow, len(sums))
	for i, sum := range sums {
		c := sum.Client
		findings := sum.Findings
		if findings == nil {
			findings = []journey.Finding{}
		}
		out[i] = apiReviewRow{ID: c.ID, Name: c.Name, WaitingSince: apiTime(c.IntakeDone), Priority: c.Priority,
			Worst: reviewWorst(findings), Counts: reviewCounts(findings), OpenAlert: reviewOpenAlert(sum), Replied: sum.Replied, Findings: findings}
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": out, "total": total})
}

// apiTime formats t as RFC 3339 in UTC; nil for the zero time.
func apiTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
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

type reviewMedication struct {
	Name, Dose, PerDay, Daily, Notes string
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

type reviewAnswer struct {
	Label, Value string
	Flag         bool // a yes or not-sure answer to a health question, or a number that needs a look
}

type reviewSection struct {
	Title string
	Done  bool
	Rows  []reviewAnswer
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

type reviewScreenPage struct {
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
	Medications reviewMedications
	Measures    []reviewMeasure
	Sections    []reviewSection
	Alerts      []reviewAlert
	Decisions   []reviewDecision
	Therapists  string
	Form        reviewForm
	Today       string
	Errors      map[string]string
	ErrorList   []journey.FieldError // Field is the id of the input to jump to
	Message     string
}

func (p *reviewScreenPage) PageTitle() string { return "Medical review: " + p.Client.Name }

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

// handleReviewView shows the decision screen for one client.
func (s *Server) handleReviewView(w http.ResponseWriter, r *http.Request) {
	c, err := s.clientFor(r, "clearance.read", seeClinical)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page, err := s.reviewScreen(r, c)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "clearance.read", "client", c.ID, journey.AuditSuccess, "review screen")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_review_client", page)
}

// handleClearanceDecide records the provider's decision from the form; on
// invalid input the screen comes back with every typed value and the
// messages beside their fields.
func (s *Server) handleClearanceDecide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	id, err := clientID(r)
	if err != nil {
		s.pageError(w, r, err)
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
	c, _, err := s.proc.DecideClearance(r.Context(), s.who(r), id, cl, s.parseClearedUntil(r, cl, f.ClearedUntil, false))
	if err != nil {
		if c == nil || journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return
		}
		page, perr := s.reviewScreen(r, c)
		if perr != nil {
			s.pageError(w, r, perr)
			return
		}
		page.Form = f
		page.setErrors(err)
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, "staff_review_client", page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/review?decided=%d", c.ID), http.StatusSeeOther)
}

// parseClearedUntil sets cl.ClearedUntil from a date typed in the
// practice's zone (the start of that day). An empty date is left for
// validation to name, unless orDefault: then it is DefaultClearance months
// from today. Only a clearance needs the date.
func (s *Server) parseClearedUntil(r *http.Request, cl *journey.Clearance, date string, orDefault bool) error {
	if cl.Decision != journey.DecisionCleared {
		return nil
	}
	loc, _ := s.practiceZone(r)
	if date == "" {
		if orDefault {
			cl.ClearedUntil = reviewDefaultUntil(s.cfg.Now(), loc)
		}
		return nil
	}
	t, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return invalid("cleared_until", "Enter a date like 2031-01-02.")
	}
	cl.ClearedUntil = t
	return nil
}

// reviewDefaultUntil is the default end of a clearance: the start of the
// day DefaultClearance months from today in the practice's zone.
func reviewDefaultUntil(now time.Time, loc *time.Location) time.Time {
	d := now.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, journey.DefaultClearance, 0)
}

// setErrors puts a validation error's fields beside the inputs they name.
// The client's message is one field in the store and two inputs here.
func (p *reviewScreenPage) setErrors(err error) {
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
func (p *reviewScreenPage) summaryOf(id, detail string) string {
	for _, f := range p.ToAck {
		if id == "ack_"+f.Code {
			return f.Title + ": " + detail
		}
	}
	return detail
}

// reviewScreen gathers everything the decision rests on, with the form
// at its defaults.
func (s *Server) reviewScreen(r *http.Request, c *journey.Client) (*reviewScreenPage, error) {
	ctx := r.Context()
	rec, err := s.proc.ClinicalRecord(ctx, s.who(r), c, true)
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
	loc, zone := s.practiceZone(r)
	now := s.cfg.Now()
	p := &reviewScreenPage{Actor: actorFrom(r), Zone: zone, Client: c, Status: reviewStatusLabels[sc.Status], RuleSet: sc.RuleSetVersion,
		Missing: sc.Missing, HardStop: sc.HasHardStop(), Errors: map[string]string{}, Today: now.In(loc).Format(time.DateOnly),
		Form: reviewForm{ClearedUntil: reviewDefaultUntil(now, loc).Format(time.DateOnly), DeclineMessage: reviewDeclineSuggestion}}
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
	p.Medications = medicationsOf(in)
	p.Measures = reviewMeasures(resps, loc)
	p.Sections = reviewSections(in, now)
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

// reviewMedications is the intake's medication list as staff read it.
type reviewMedications struct {
	List []reviewMedication
	None bool // the client said they take none
}

// medicationsOf lists what the client takes, with each day's total.
func medicationsOf(in *journey.Intake) reviewMedications {
	out := reviewMedications{None: in.Medications.None}
	for _, m := range in.Medications.List {
		out.List = append(out.List, reviewMedication{Name: m.Name, Dose: reviewNum(m.DoseMG) + " mg", PerDay: reviewNum(m.PerDay),
			Daily: reviewNum(m.DailyMG()) + " mg", Notes: m.Notes})
	}
	return out
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

// reviewAnswerWord names a yes/no/not sure answer.
func reviewAnswerWord(a string) string {
	switch a {
	case journey.Yes:
		return "Yes"
	case journey.No:
		return "No"
	case journey.Unsure:
		return "Not sure"
	case journey.NotApplicable:
		return "Not applicable"
	case "":
		return "(no answer)"
	}
	return a
}

func reviewFlagged(a string) bool { return a == journey.Yes || a == journey.Unsure }

// reviewNum formats a number without trailing zeros.
func reviewNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// reviewLabel returns the label of code in list, or code itself.
func reviewLabel(code string, list []struct{ Code, Label string }) string {
	for _, x := range list {
		if x.Code == code {
			return x.Label
		}
	}
	return code
}

// reviewSections lays out the intake section by section, in the order the
// portal asks it, each health question with its full text.
func reviewSections(in *journey.Intake, now time.Time) []reviewSection {
	var out []reviewSection
	text := func(rows *[]reviewAnswer, label, v string) {
		if v == "" {
			v = "—"
		}
		*rows = append(*rows, reviewAnswer{Label: label, Value: v})
	}
	yn := func(rows *[]reviewAnswer, label, v string) {
		*rows = append(*rows, reviewAnswer{Label: label, Value: reviewAnswerWord(v), Flag: reviewFlagged(v)})
	}
	conditions := func(rows *[]reviewAnswer, got map[string]string, asked []journey.Condition) {
		for _, c := range asked {
			yn(rows, c.Question, got[c.Code])
		}
	}
	for _, st := range journey.IntakeSteps {
		sec := reviewSection{Title: st.Title, Done: in.HasDone(st.Code)}
		if !sec.Done {
			out = append(out, sec)
			continue
		}
		rows := &sec.Rows
		switch st.Code {
		case journey.StepAbout:
			a := in.About
			text(rows, "Legal name", a.LegalName)
			text(rows, "Preferred name", a.PreferredName)
			text(rows, "Pronouns", a.Pronouns)
			dob := a.DateOfBirth
			if age := a.Age(now); age >= 0 {
				dob += fmt.Sprintf(" (age %d)", age)
			}
			text(rows, "Date of birth", dob)
			text(rows, "Phone", a.Phone)
			text(rows, "Address", strings.Join([]string{a.Address, a.City, a.State, a.PostalCode}, ", "))
		case journey.StepEmergency:
			text(rows, "Emergency contact", in.Emergency.Name)
			text(rows, "Relationship", in.Emergency.Relationship)
			text(rows, "Phone", in.Emergency.Phone)
		case journey.StepGoals:
			var reasons []string
			for _, g := range in.Goals.Reasons {
				reasons = append(reasons, reviewLabel(g, journey.IntakeGoals))
			}
			text(rows, "What brings them", strings.Join(reasons, ", "))
			if in.Goals.Other != "" {
				text(rows, "Something else", in.Goals.Other)
			}
			text(rows, "In their words", in.Goals.Story)
			text(rows, "What they hope for", in.Goals.Hopes)
		case journey.StepMentalHealth:
			m := in.MentalHealth
			conditions(rows, m.Conditions, journey.PsychiatricConditions)
			text(rows, "Diagnoses", m.Diagnoses)
			text(rows, "Current care", m.CurrentCare)
			text(rows, "Hospital stays", m.Hospitalisation)
		case journey.StepMedical:
			m := in.Medical
			conditions(rows, m.Conditions, journey.MedicalConditions)
			*rows = append(*rows, reviewAnswer{Label: "Liver disease", Value: reviewLabel(m.Liver, journey.LiverSeverities),
				Flag: m.Liver != "none" && m.Liver != ""})
			text(rows, "Other conditions", m.Other)
			text(rows, "Allergies", m.Allergies)
			text(rows, "Height", reviewNum(m.HeightCM)+" cm")
			text(rows, "Weight (for mg/kg dosing)", journey.FormatKG(m.WeightKG)+" kg")
			if m.HeightCM > 0 && m.WeightKG > 0 {
				h := m.HeightCM / 100
				text(rows, "BMI", strconv.FormatFloat(m.WeightKG/(h*h), 'f', 1, 64))
			}
			bp := "No reading given"
			if m.BPSystolic > 0 {
				bp = fmt.Sprintf("%d/%d mmHg", m.BPSystolic, m.BPDiastolic)
				if m.BPDate != "" {
					bp += ", taken " + m.BPDate
				}
			}
			*rows = append(*rows, reviewAnswer{Label: "Blood pressure", Value: bp, Flag: m.BPSystolic > 140 || m.BPDiastolic > 90})
		case journey.StepMedications:
			v := "Listed above"
			if in.Medications.None {
				v = "Takes no medication"
			}
			text(rows, "Medications", v)
		case journey.StepSubstances:
			x := in.Substances
			text(rows, "Drinks a week", strconv.Itoa(x.DrinksPerWeek))
			text(rows, "Cannabis", reviewLabel(x.Cannabis, journey.CannabisUse))
			yn(rows, "Past substance use problem", x.SUDHistory)
			if x.SUDHistory == journey.Yes {
				text(rows, "Months since last problem use", strconv.Itoa(x.AbstinentMonths))
			}
			yn(rows, "Non-medical ketamine or PCP in the last 90 days", x.NonMedicalKetamine)
			text(rows, "Other substances", x.Other)
		case journey.StepPregnancy:
			yn(rows, "Pregnant", in.Pregnancy.Pregnant)
			yn(rows, "Breastfeeding", in.Pregnancy.Breastfeeding)
			yn(rows, "Planning a pregnancy", in.Pregnancy.Planning)
		case journey.StepExperience:
			x := in.Experience
			yn(rows, "Had ketamine before", x.PriorKetamine)
			if x.PriorKetamine == journey.Yes {
				yn(rows, "Had a bad reaction to ketamine", x.BadReaction)
			}
			text(rows, "Reactions", x.Reactions)
			text(rows, "Psychedelic experience", x.Psychedelics)
		}
		out = append(out, sec)
	}
	return out
}

// The API.

// apiClearanceRequest is a decision sent to the API.
type apiClearanceRequest struct {
	Decision       string `json:"decision"`
	ClearedUntil   string `json:"cleared_until"` // YYYY-MM-DD in the practice's zone; default 12 months
	Reason         string `json:"reason"`
	Message        string `json:"message"`
	Override       bool   `json:"override"`
	OverrideReason string `json:"override_reason"`
	// Acknowledged are the codes of the prescriber-review findings the
	// provider considered; clearing needs every one.
	Acknowledged []string `json:"acknowledged"`
}

// apiClearanceResult answers a decision.
type apiClearanceResult struct {
	ID           int64   `json:"id"`
	Decision     string  `json:"decision"`
	ClearedUntil *string `json:"cleared_until"`
	Status       string  `json:"status"`
}

// apiClearance is one past decision, for the client's clinicians.
type apiClearance struct {
	ID             int64             `json:"id"`
	Decision       string            `json:"decision"`
	ProviderID     int64             `json:"provider_id"`
	ClearedUntil   *string           `json:"cleared_until"`
	Reason         string            `json:"reason"`
	Message        string            `json:"message"`
	Override       bool              `json:"override"`
	OverrideReason string            `json:"override_reason,omitempty"`
	RuleSetVersion int               `json:"rule_set_version"`
	Findings       []journey.Finding `json:"findings"`
	Reply          string            `json:"reply,omitempty"`
	RepliedAt      *string           `json:"replied_at"`
	CreatedAt      string            `json:"created_at"`
}

// reviewDate formats a date in the practice's zone; nil for the zero time.
func reviewDate(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(loc).Format(time.DateOnly)
	return &s
}

// handleAPIClearanceCreate records a medical provider's decision.
func (s *Server) handleAPIClearanceCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.apiClientID(w, r)
	if !ok {
		return
	}
	var in apiClearanceRequest
	if !s.decodeJSON(w, r, &in) {
		return
	}
	cl := &journey.Clearance{Decision: in.Decision, Reason: in.Reason,
		Message: in.Message, Override: in.Override, OverrideReason: in.OverrideReason, Acknowledged: in.Acknowledged}
	_, saved, err := s.proc.DecideClearance(r.Context(), s.who(r), id, cl, s.parseClearedUntil(r, cl, strings.TrimSpace(in.ClearedUntil), true))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	loc, _ := s.practiceZone(r)
	writeJSON(w, http.StatusCreated, apiClearanceResult{ID: saved.ID, Decision: saved.Decision, ClearedUntil: reviewDate(saved.ClearedUntil, loc),
		Status: journey.ScreeningStatus(nil, saved.Findings, saved, s.cfg.Now())})
}

// handleAPIClearances lists a client's decisions, newest first, to their
// clinicians.
func (s *Server) handleAPIClearances(w http.ResponseWriter, r *http.Request) {
	id, ok := s.apiClientID(w, r)
	if !ok {
		return
	}
	cls, err := s.proc.Clearances(r.Context(), s.who(r), id, " via api")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	loc, _ := s.practiceZone(r)
	out := make([]apiClearance, len(cls))
	for i, cl := range cls {
		findings := cl.Findings
		if findings == nil {
			findings = []journey.Finding{}
		}
		out[i] = apiClearance{ID: cl.ID, Decision: cl.Decision, ProviderID: cl.ProviderID, ClearedUntil: reviewDate(cl.ClearedUntil, loc),
			Reason: cl.Reason, Message: cl.Message, Override: cl.Override, OverrideReason: cl.OverrideReason, RuleSetVersion: cl.RuleSetVersion,
			Findings: findings, Reply: cl.Reply, RepliedAt: apiTime(cl.RepliedAt), CreatedAt: cl.CreatedAt.UTC().Format(time.RFC3339)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"clearances": out})
}
