package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The API a client uses for themselves (and a care-team clinician for
// them): questionnaires, responses, intake, consents.

func (s *Handler) HandleQuestionnaires(w http.ResponseWriter, r *http.Request) {
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"questionnaires": measure.All()})
}

// Response is a questionnaire response in the API: its score, band and
// flags, and the answers with null for an item the skip logic left out.
type Response struct {
	ID            int64          `json:"id"`
	Questionnaire string         `json:"questionnaire"`
	Version       int            `json:"version"`
	Score         int            `json:"score"`
	Band          string         `json:"band,omitempty"`
	Flags         []string       `json:"flags"`
	Clusters      map[string]int `json:"clusters,omitempty"`
	Answers       []*int         `json:"answers"`
	CreatedAt     time.Time      `json:"created_at"`
	Support       *apiSupport    `json:"support,omitempty"`
}

// apiSupport is what a client is shown at once after a safety answer.
type apiSupport struct {
	Message   string               `json:"message"`
	Resources []apiSupportResource `json:"resources"`
}

type apiSupportResource struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

// crisisSupport returns the resources the portal shows after a safety
// answer, from journey.Crisis.
func crisisSupport() *apiSupport {
	c := journey.Crisis
	return &apiSupport{
		Message: "Thank you for answering honestly. Your care team has been alerted and will contact you. If you might act on thoughts of harming yourself, get help now:",
		Resources: []apiSupportResource{
			{c.Lifeline.Number + " " + c.Lifeline.Name + " (" + c.Lifeline.How + ", 24/7)", c.Lifeline.Number},
			{c.Emergency.Name, c.Emergency.Number},
			{c.TextLine.Name, "Text " + c.TextLine.Word + " to " + c.TextLine.Number},
		},
	}
}

// ToResponse is a stored questionnaire response as the API answers it,
// with the crisis lines when it carries a safety flag.
func ToResponse(rp *journey.Response) Response {
	out := Response{ID: rp.ID, Questionnaire: rp.Questionnaire, Version: rp.Version, Score: rp.Score.Total, Band: rp.Score.Band,
		Flags: rp.Score.Flags, Clusters: rp.Score.Clusters, CreatedAt: rp.CreatedAt}
	if out.Flags == nil {
		out.Flags = []string{}
	}
	for _, a := range rp.Answers {
		if a == journey.Skipped {
			out.Answers = append(out.Answers, nil)
			continue
		}
		v := a
		out.Answers = append(out.Answers, &v)
	}
	if rp.HasSafetyFlag() {
		out.Support = crisisSupport()
	}
	return out
}

// HandleResponseCreate scores and stores a questionnaire: the client
// for themselves, or a care-team clinician in session. null answers are
// items the skip logic leaves out.
func (s *Handler) HandleResponseCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		Questionnaire string `json:"questionnaire"`
		Answers       []*int `json:"answers"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	if len(body.Answers) > 100 {
		s.kit.APIError(w, r, webkit.Invalid("answers", "Send at most 100 answers."))
		return
	}
	answers := make([]int, len(body.Answers))
	for i, a := range body.Answers {
		answers[i] = journey.Skipped
		if a != nil {
			answers[i] = *a
		}
	}
	rp, err := s.proc.CreateResponse(r.Context(), s.kit.Who(r), id, body.Questionnaire, answers)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, ToResponse(rp))
}

func (s *Handler) HandleResponses(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	rs, err := s.proc.Responses(r.Context(), s.kit.Who(r), id, r.URL.Query().Get("questionnaire"), 200, "")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []Response{}
	for _, rp := range rs {
		out = append(out, ToResponse(rp))
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"responses": out})
}

func (s *Handler) HandleIntake(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	in, err := s.proc.Intake(r.Context(), s.kit.Who(r), id, "")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if in.Done == nil {
		in.Done = []string{}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"intake": in, "next_step": in.NextStep(), "complete": in.Complete()})
}

// HandleIntakeSave saves one step: the body is that step's section, as
// GET /intake shows it.
func (s *Handler) HandleIntakeSave(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	step := r.PathValue("step")
	in := &journey.Intake{}
	target := in.Section(step)
	if target == nil {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "There is no intake step %q.", step))
		return
	}
	if !s.kit.DecodeJSON(w, r, target) {
		return
	}
	if err := webkit.RealPhone(in, step); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	saved, err := s.proc.SaveIntakeStep(r.Context(), s.kit.Who(r), id, step, in)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"intake": saved, "next_step": saved.NextStep(), "complete": saved.Complete()})
}

type apiConsentSignature struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	Hash      string    `json:"hash"`
	TypedName string    `json:"typed_name"`
	SignedAt  time.Time `json:"signed_at"`
}

// HandleConsentSign records a signature. Only the client signs for
// themselves: staff who can see the client get 403, others 404.
func (s *Handler) HandleConsentSign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		Code      string `json:"code"`
		TypedName string `json:"typed_name"`
		Version   int    `json:"version"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	d, err := webkit.CurrentDocument(r.Context(), s.store, body.Code)
	switch {
	case err != nil && journey.ErrorCode(err) == journey.ENOTFOUND:
		err = webkit.Invalid("code", "No consent document has that code.")
	case err == nil && body.Version != 0 && body.Version != d.Version:
		err = journey.Errorf(journey.ECONFLICT, "Version %d is not current; read version %d before signing.", body.Version, d.Version)
	}
	sig, err := s.proc.SignConsent(r.Context(), s.kit.Who(r), id, body.Code, body.TypedName, s.kit.Who(r).ClientAddr, err, body.Code)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, apiConsentSignature{ID: sig.ID, Code: sig.Code, Version: sig.Version, Title: sig.Title, Hash: sig.Hash,
		TypedName: sig.TypedName, SignedAt: sig.SignedAt})
}

func (s *Handler) HandleConsents(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	sigs, err := s.proc.ConsentSignatures(r.Context(), s.kit.Who(r), id, "")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiConsentSignature{}
	for _, sg := range sigs {
		out = append(out, apiConsentSignature{ID: sg.ID, Code: sg.Code, Version: sg.Version, Title: sg.Title, Hash: sg.Hash,
			TypedName: sg.TypedName, SignedAt: sg.SignedAt})
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"signatures": out})
}

type apiConsentDocument struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Version  int    `json:"version"`
	Title    string `json:"title"`
	Hash     string `json:"hash"`
	Required bool   `json:"required"`
	Body     string `json:"body"`
}

func (s *Handler) HandleConsentDocuments(w http.ResponseWriter, r *http.Request) {
	docs, err := s.store.FindConsentDocuments(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiConsentDocument{}
	for _, d := range docs {
		out = append(out, apiConsentDocument{ID: d.ID, Code: d.Code, Version: d.Version, Title: d.Title, Hash: d.Hash, Required: d.Required, Body: d.Body})
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"documents": out})
}

// HandleCareTeamAdd puts a member of staff on the client's care team and
// returns the team.
func (s *Handler) HandleCareTeamAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		UserID int64 `json:"user_id"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	c, err := s.proc.ChangeCareTeam(r.Context(), s.kit.Who(r), id, body.UserID, false)
	if c != nil && journey.ErrorCode(err) == journey.ENOTFOUND {
		err = webkit.Invalid("user_id", "No member of staff has that id.")
	}
	s.writeCareTeam(w, r, c, err)
}

// HandleCareTeamRemove takes a member off the care team (never the last
// therapist: 409).
func (s *Handler) HandleCareTeamRemove(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	userID, _ := strconv.ParseInt(r.PathValue("user"), 10, 64)
	c, err := s.proc.ChangeCareTeam(r.Context(), s.kit.Who(r), id, userID, true)
	s.writeCareTeam(w, r, c, err)
}

func (s *Handler) writeCareTeam(w http.ResponseWriter, r *http.Request, c *journey.Client, err error) {
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"care_team": c.CareTeam})
}

// HandleQuestionReply records the client's answer to the medical
// provider's open question: the client only.
func (s *Handler) HandleQuestionReply(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		Reply string `json:"reply"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	if err := s.proc.ReplyToClearance(r.Context(), s.kit.Who(r), id, body.Reply, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	sc, err := s.store.FindScreening(r.Context(), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"status": sc.Status})
}

// HandleReinvite sends a client who has not joined a new portal link;
// 409 once they have.
func (s *Handler) HandleReinvite(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	if _, err := s.proc.ReinviteClient(r.Context(), s.kit.Who(r), id, " via api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
