package staff

import (
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
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ClientsPerPage is the length of a page of the staff client list.
const ClientsPerPage = 50

// clientRow is a client as staff lists show them.
type clientRow struct {
	*journey.Client
	Therapist string // the care team's therapist
	Screening string // the screening status in words
	Stage     string // where they are on their path, in words
	Joined    bool   // has set up their portal
	Added     string // the day they were added, in the practice's zone
}

func therapistOf(c *journey.Client) string {
	for _, m := range c.CareTeam {
		if m.Role == journey.RoleTherapist {
			return m.Name
		}
	}
	return ""
}

func toClientRow(c *journey.Client, loc *time.Location) clientRow {
	return clientRow{Client: c, Therapist: therapistOf(c), Screening: webkit.ScreeningLabel(c, loc), Stage: webkit.ClientStage(c, loc), Joined: c.UserID != 0,
		Added: c.CreatedAt.In(loc).Format("Jan 2, 2006")}
}

type ClientsPage struct {
	Actor      *journey.Actor
	Clients    []clientRow
	Total      int
	Page       int
	PrevURL    string
	NextURL    string
	First      int // position of the first row shown, from 1
	Last       int
	CanAdd     bool
	CareTeamOf bool   // the list is of the actor's own clients
	Query      string // the name searched for, as typed
	// The filters as typed (shown back, escaped, even when refused) and
	// the choices each offers.
	Stage, Therapist, Screening, Sort string
	Stages, Screenings, Sorts         []option
	Therapists                        []option
	Filtered                          bool              // some filter narrows the list
	Errors                            map[string]string // field → message, beside the field
}

// option is one choice of a select.
type option struct{ Value, Label string }

func (*ClientsPage) PageTitle() string { return "Clients" }

// Choices of the clients list's filters, in words.
var (
	stageOptions = []option{{journey.StageInvited, "Invited, not joined"}, {journey.StageIntake, "Intake"},
		{journey.StageReview, "Medical review"}, {journey.StagePreparation, "Preparation"}, {journey.StageDeclined, "Declined"}}
	screeningOptions = []option{{journey.ScreeningIncomplete, "Intake in progress"}, {journey.ScreeningAwaitingReview, "Awaiting medical review"},
		{journey.ScreeningNeedsInfo, "Needs information"}, {journey.ScreeningCleared, "Cleared"}, {journey.ScreeningDeclined, "Declined"}}
	sortOptions = []option{{journey.ClientSortNewest, "Newest first"}, {journey.ClientSortName, "Name, A to Z"},
		{journey.ClientSortStatus, "Where they are on the path"}}
)

// HandleClients lists the clients the actor may see, filtered by
// stage, therapist and screening status, sorted, ClientsPerPage at a time
// (?page=, from 1). A refused filter is shown beside its field, as typed,
// and the list is not narrowed by it.
func (s *Handler) HandleClients(w http.ResponseWriter, r *http.Request) {
	a := webkit.ActorFrom(r)
	q := r.URL.Query()
	page := &ClientsPage{Actor: a, Page: 1, CanAdd: a.Can(journey.PermClientsWrite), CareTeamOf: a.ClientScope() > 0, // the heading says "your clients"
		Stage: q.Get("stage"), Therapist: q.Get("therapist"), Screening: q.Get("screening"), Sort: q.Get("sort"),
		Stages: stageOptions, Screenings: screeningOptions, Sorts: sortOptions, Errors: map[string]string{}}
	ts, err := s.store.FindTherapists(r.Context(), false)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	for _, t := range ts {
		page.Therapists = append(page.Therapists, option{strconv.FormatInt(t.ID, 10), t.Name})
	}
	if p := q.Get("page"); p != "" {
		if n, err := strconv.Atoi(p); err == nil && n >= 1 && n <= 100_000 {
			page.Page = n
		} else {
			page.Errors["page"] = "There is no such page."
		}
	}
	f, err := webkit.ClientListQuery(q, ts)
	page.Query = f.Query
	webkit.ShowFieldErrors(err, page.Errors, nil)
	if len(page.Errors) > 0 {
		f = journey.ClientFilter{} // show the whole list beside the refusal, never a wrongly narrowed one
		page.Page = 1
	}
	page.Filtered = f.Stage != "" || f.TherapistID != 0 || f.Screening != ""
	f.Offset, f.Limit = (page.Page-1)*ClientsPerPage, ClientsPerPage
	cs, total, err := s.proc.Clients(r.Context(), a, f, map[bool]string{true: " (by name)"}[page.Query != ""])
	if journey.ErrorCode(err) == journey.EINVALID {
		webkit.ShowFieldErrors(err, page.Errors, nil)
	} else if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	plans, err := s.proc.PlansOf(r.Context(), a, cs, loc, " on the clients list")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	for _, c := range cs {
		row := toClientRow(c, loc)
		if p := plans[c.ID]; p != nil {
			row.Stage = planStage(p)
		}
		page.Clients = append(page.Clients, row)
	}
	page.Total = total
	page.First, page.Last = (page.Page-1)*ClientsPerPage+1, (page.Page-1)*ClientsPerPage+len(page.Clients)
	if page.Page > 1 {
		page.PrevURL = clientsPageURL(q, page.Page-1)
	}
	if page.Last < page.Total {
		page.NextURL = clientsPageURL(q, page.Page+1)
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if len(page.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.kit.Render(w, r, status, "staff_clients", page)
}

// clientsPageURL is the list's URL for page n, keeping its filters.
func clientsPageURL(q url.Values, n int) string {
	keep := url.Values{}
	for _, k := range []string{"q", "stage", "therapist", "screening", "sort"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	keep.Set("page", strconv.Itoa(n))
	return "/staff/clients?" + keep.Encode()
}

// Staff chart.

type findingView struct {
	journey.Finding
	KindLabel string
}

// findingKindLabel says a finding's kind in words.
func findingKindLabel(kind string) string {
	switch kind {
	case journey.FindingHardStop:
		return "Hard stop"
	case journey.FindingReview:
		return "Prescriber review"
	case journey.FindingWarn:
		return "Warning"
	}
	return kind
}

type scoreView struct {
	Title    string
	Score    int
	MaxScore int
	Band     string
	Flags    []string // in words
	At       time.Time
}

// latestScores returns the newest response to each questionnaire, in the
// order of journey.RequiredQuestionnaires and then any others.
func latestScores(rs []*journey.Response, loc *time.Location) []scoreView {
	latest := map[string]*journey.Response{}
	var order []string
	for _, r := range rs { // newest first
		if latest[r.Questionnaire] == nil {
			latest[r.Questionnaire] = r
			order = append(order, r.Questionnaire)
		}
	}
	var codes []string
	for _, code := range journey.RequiredQuestionnaires {
		if latest[code] != nil {
			codes = append(codes, code)
		}
	}
	for _, code := range order {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	out := make([]scoreView, 0, len(codes))
	for _, code := range codes {
		r := latest[code]
		v := scoreView{Title: code, Score: r.Score.Total, Band: bandLabel(r.Questionnaire, r.Version, r.Score.Band), At: r.CreatedAt.In(loc)}
		if q, ok := measure.FindVersion(r.Questionnaire, r.Version); ok {
			v.Title, v.MaxScore = q.Title, q.MaxScore
		}
		for _, f := range r.Score.Flags {
			v.Flags = append(v.Flags, webkit.FlagLabel(f))
		}
		out = append(out, v)
	}
	return out
}

// bandLabel returns the label of a band code of a questionnaire version;
// bands that are not in the definition (the C-SSRS risk levels) are
// spelled out from their code.
func bandLabel(code string, version int, band string) string {
	if band == "" {
		return ""
	}
	if q, ok := measure.FindVersion(code, version); ok {
		for _, b := range q.Bands {
			if b.Code == band {
				return b.Label
			}
		}
	}
	words := strings.ReplaceAll(band, "-", " ")
	return strings.ToUpper(words[:1]) + words[1:]
}

type clearanceView struct {
	*journey.Clearance
	DecisionLabel string
	Provider      string
	Until         time.Time
	At            time.Time
}

func decisionLabel(d string) string {
	switch d {
	case journey.DecisionCleared:
		return "Cleared"
	case journey.DecisionDeclined:
		return "Declined"
	case journey.DecisionNeedsInfo:
		return "Needs more information"
	}
	return d
}

type signatureView struct {
	ID       int64
	Title    string
	Version  int
	SignedAt time.Time
}

type ClientPage struct {
	Actor       *journey.Actor
	Zone        string
	Client      clientRow
	InvitedOn   time.Time // in the practice's zone
	Signatures  []signatureView
	CanReinvite bool
	Notice      string                   // a change went through
	Message     string                   // a change was refused
	BreakGlass  bool                     // opened outside the care team, with a reason on record
	Administer  []*journey.Questionnaire // what the actor may give the client in session
	CanEditTeam bool
	Candidates  []*journey.User // staff who could join the care team
	Plan        *PlanSummary    // a cleared client's plan in a line; nil before

	// The clinical record, only for the actor's CanSeeClinical.
	Clinical      bool
	Screening     *journey.Screening
	EvaluatedAt   time.Time
	Findings      []findingView
	Scores        []scoreView
	Clearances    []clearanceView
	Alerts        []AlertView
	Intake        []webkit.IntakeSection // the intake's answers, step by step
	Medications   webkit.Medications
	IntakeUpdated string // when the client last saved a step, in the practice's zone
}

func (p *ClientPage) PageTitle() string { return p.Client.Name }

// HandleClientView shows a client's chart: contact details, where they
// are on their path and the consents they signed to everyone who may see
// the client; findings, scores, clearance decisions and alerts only to
// those who may see the clinical record.
func (s *Handler) HandleClientView(w http.ResponseWriter, r *http.Request) {
	id, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.PageError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	rec, err := s.proc.ClientRecord(r.Context(), s.kit.Who(r), id, "chart")
	if err != nil {
		if !s.breakGlassOffer(w, r, journey.BreakGlassClient, err) {
			s.kit.PageError(w, r, err)
		}
		return
	}
	page := &ClientPage{}
	if r.URL.Query().Get("invited") == "1" {
		page.Notice = "A new invitation is on its way to the client. Earlier links no longer work."
	}
	if r.URL.Query().Get("team") == "1" {
		page.Notice = "Care team updated."
	}
	if q, ok := measure.Find(r.URL.Query().Get("measured")); ok {
		page.Notice = q.Title + " saved."
	}
	s.renderStaffClient(w, r, http.StatusOK, rec, page)
}

// renderChart reads client id's chart again (processing.ClientRecord, the
// read audited) and renders it into page: after a change was refused.
func (s *Handler) renderChart(w http.ResponseWriter, r *http.Request, status int, id int64, page *ClientPage) {
	rec, err := s.proc.ClientRecord(r.Context(), s.kit.Who(r), id, "chart")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderStaffClient(w, r, status, rec, page)
}

// renderStaffClient renders the chart of rec into page.
func (s *Handler) renderStaffClient(w http.ResponseWriter, r *http.Request, status int, rec *processing.ClientRecord, page *ClientPage) {
	c := rec.Client
	a := webkit.ActorFrom(r)
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page.Actor, page.Zone, page.Client, page.InvitedOn = a, zone, toClientRow(c, loc), c.InvitedAt.In(loc)
	page.CanReinvite = c.UserID == 0 && a.Can(journey.PermClientsWrite)
	if page.CanEditTeam = a.Can(journey.PermClientsWrite); page.CanEditTeam {
		cands, err := s.careCandidates(r, c)
		if err != nil {
			s.kit.PageError(w, r, err)
			return
		}
		page.Candidates = cands
	}
	for _, sg := range rec.Signatures {
		page.Signatures = append(page.Signatures, signatureView{ID: sg.ID, Title: sg.Title, Version: sg.Version, SignedAt: sg.SignedAt.In(loc)})
	}
	if rec.CanAdminister {
		page.Administer = measure.All()
	}
	plan, err := s.planSummary(r, c, loc)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Plan = plan
	if rec.Clinical != nil {
		if err := s.loadClinical(r, rec, page, loc); err != nil {
			s.kit.PageError(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_client", page)
}

// loadClinical fills the clinical part of the chart.
func (s *Handler) loadClinical(r *http.Request, cr *processing.ClientRecord, page *ClientPage, loc *time.Location) error {
	rec, in := cr.Clinical, cr.Intake
	sc, resps, cls, alerts := rec.Screening, rec.Latest, rec.Clearances, rec.Alerts
	names, err := StaffNames(r.Context(), s.store)
	if err != nil {
		return err
	}
	page.Clinical, page.Screening, page.EvaluatedAt = true, sc, sc.EvaluatedAt.In(loc)
	for _, f := range sc.Findings {
		page.Findings = append(page.Findings, findingView{Finding: f, KindLabel: findingKindLabel(f.Kind)})
	}
	page.Scores = latestScores(resps, loc)
	page.Intake, page.Medications = webkit.IntakeSections(in, s.now()), webkit.MedicationsOf(in)
	if !in.UpdatedAt.IsZero() {
		page.IntakeUpdated = in.UpdatedAt.In(loc).Format("Jan 2, 2006, 3:04 PM")
	}
	for _, cl := range cls {
		page.Clearances = append(page.Clearances, clearanceView{Clearance: cl, DecisionLabel: decisionLabel(cl.Decision),
			Provider: names[cl.ProviderID], Until: cl.ClearedUntil.In(loc), At: cl.CreatedAt.In(loc)})
	}
	for _, al := range alerts {
		page.Alerts = append(page.Alerts, ToAlertView(al, names, loc))
	}
	return nil
}

// HandleClientReinvite sends a client who has not joined the portal a
// fresh invitation; earlier links stop working.
func (s *Handler) HandleClientReinvite(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	c, err := s.proc.ReinviteClient(r.Context(), s.kit.Who(r), id, "")
	if err != nil {
		if c != nil && journey.ErrorCode(err) == journey.ECONFLICT {
			s.renderChart(w, r, http.StatusConflict, c.ID, &ClientPage{Message: journey.ErrorMessage(err)})
			return
		}
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d?invited=1", c.ID), http.StatusSeeOther)
}

// From a consult, or added directly.

// createFromConsult makes the person of held consult c a client with c's
// therapist and queues their portal invitation.
func (s *Handler) createFromConsult(r *http.Request, c *journey.Consult) (*journey.Client, error) {
	return s.proc.CreateClient(r.Context(), s.kit.Who(r), &journey.NewClient{ConsultID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone,
		TherapistID: c.TherapistID})
}

// HandleConsultClient invites the person of a held consult to begin:
// they become a client and are emailed a link to set up their portal.
func (s *Handler) HandleConsultClient(w http.ResponseWriter, r *http.Request) {
	c, err := s.consultFor(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	cl, err := s.createFromConsult(r, c)
	if err != nil {
		if code := journey.ErrorCode(err); code == journey.ECONFLICT || code == journey.EINVALID {
			msg := journey.ErrorMessage(err)
			if code == journey.EINVALID {
				msg = "This consult's details cannot make a client: " + fieldDetails(err) + " Add them as a new client instead."
			}
			s.renderStaffConsult(w, r, s.kit.Status(err), c, msg)
			return
		}
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d", cl.ID), http.StatusSeeOther)
}

// fieldDetails joins the details of err's field errors.
func fieldDetails(err error) string {
	var parts []string
	for _, f := range journey.ErrorFields(err) {
		parts = append(parts, f.Detail)
	}
	return strings.Join(parts, " ")
}

type NewClientPage struct {
	Actor      *journey.Actor
	Form       webkit.ClientForm
	Therapists []*journey.Therapist
	Errors     map[string]string
	ErrorList  []journey.FieldError
	Message    string
}

func (*NewClientPage) PageTitle() string { return "Add a client" }

func (s *Handler) renderNewClient(w http.ResponseWriter, r *http.Request, status int, page *NewClientPage) {
	ts, err := s.store.FindTherapists(r.Context(), true)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Actor, page.Therapists = webkit.ActorFrom(r), ts
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_client_new", page)
}

func (s *Handler) HandleClientNewView(w http.ResponseWriter, r *http.Request) {
	s.renderNewClient(w, r, http.StatusOK, &NewClientPage{})
}

// createClient adds a client directly and queues their invitation.
func (s *Handler) createClient(r *http.Request, f webkit.ClientForm) (*journey.Client, error) {
	n, err := webkit.NewClient(webkit.ActorFrom(r), f)
	if err != nil {
		return nil, err
	}
	return s.proc.CreateClient(r.Context(), s.kit.Who(r), n)
}

// HandleClientCreate adds a client from the form; errors are shown
// beside their fields with what was typed kept.
func (s *Handler) HandleClientCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	f := webkit.ClientForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	f.TherapistID, _ = strconv.ParseInt(r.PostFormValue("therapist_id"), 10, 64)
	c, err := s.createClient(r, f)
	if err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.kit.PageError(w, r, err)
			return
		}
		page := &NewClientPage{Form: f, Errors: map[string]string{}}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		s.renderNewClient(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d", c.ID), http.StatusSeeOther)
}

// careCandidates lists the active therapists, medical providers and
// chaperones not yet on c's care team.
func (s *Handler) careCandidates(r *http.Request, c *journey.Client) ([]*journey.User, error) {
	us, err := s.store.FindUsers(r.Context(), journey.UserStaff)
	if err != nil {
		return nil, err
	}
	var out []*journey.User
	for _, u := range us {
		if u.Active && !c.OnCareTeam(u.ID) && (u.HasRole(journey.RoleTherapist) || u.HasRole(journey.RoleMedicalProvider) || u.HasRole(journey.RoleChaperone)) {
			out = append(out, u)
		}
	}
	return out, nil
}

// careTeamChange adds (userID from the form) or removes ({user} in the
// path) a member of the client's care team, then shows the chart.
func (s *Handler) careTeamChange(w http.ResponseWriter, r *http.Request, remove bool) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	c, err := s.proc.ChangeCareTeam(r.Context(), s.kit.Who(r), id, careTeamTarget(r, remove), remove)
	if c == nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT && code != journey.ENOTFOUND {
			s.kit.PageError(w, r, err)
			return
		}
		msg := journey.ErrorMessage(err)
		if f := journey.ErrorFields(err); len(f) > 0 {
			msg = f[0].Detail
		}
		s.renderChart(w, r, s.kit.Status(err), c.ID, &ClientPage{Message: msg})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/clients/%d?team=1", c.ID), http.StatusSeeOther)
}

// careTeamTarget reads whose membership changes.
func careTeamTarget(r *http.Request, remove bool) int64 {
	if remove {
		id, _ := strconv.ParseInt(r.PathValue("user"), 10, 64)
		return id
	}
	id, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	return id
}

func (s *Handler) HandleCareTeamAdd(w http.ResponseWriter, r *http.Request) {
	s.careTeamChange(w, r, false)
}
func (s *Handler) HandleCareTeamRemove(w http.ResponseWriter, r *http.Request) {
	s.careTeamChange(w, r, true)
}
