package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// apiClient is a client as the staff API lists them: contact details and
// where they are on their path, nothing clinical.
type apiClient struct {
	ID           int64                `json:"id"`
	ConsultID    int64                `json:"consult_id,omitempty"`
	Name         string               `json:"name"`
	Email        string               `json:"email"`
	Phone        string               `json:"phone"`
	TherapistID  int64                `json:"therapist_id"`
	CareTeam     []journey.CareMember `json:"care_team"`
	Screening    string               `json:"screening"`
	Stage        string               `json:"stage"`
	Joined       bool                 `json:"joined"`
	ClearedUntil *string              `json:"cleared_until"`
	CreatedAt    string               `json:"created_at"`
	InvitedAt    string               `json:"invited_at"`
}

// apiClientRecord is one client's record: clinical is omitted for callers
// who may not see it (front desk, admins).
type apiClientRecord struct {
	apiClient
	Consents []apiSignature     `json:"consents"`
	Clinical *apiClientClinical `json:"clinical,omitempty"`
}

type apiSignature struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Version  int    `json:"version"`
	SignedAt string `json:"signed_at"`
}

type apiClientClinical struct {
	Screening  apiClientScreening   `json:"screening"`
	Scores     []apiClientScore     `json:"scores"`
	Clearances []apiClientClearance `json:"clearances"`
	Alerts     []apiAlert           `json:"alerts"`
}

type apiClientFinding struct {
	Code   string `json:"code"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Source string `json:"source"`
}

type apiClientScreening struct {
	Status         string             `json:"status"`
	Findings       []apiClientFinding `json:"findings"`
	ClearedUntil   *string            `json:"cleared_until"`
	Missing        []string           `json:"missing"`
	RuleSetVersion int                `json:"rule_set_version"`
}

// apiClientScore is the latest score of one questionnaire.
type apiClientScore struct {
	ResponseID    int64    `json:"response_id"`
	Questionnaire string   `json:"questionnaire"`
	Version       int      `json:"version"`
	Score         int      `json:"score"`
	Band          string   `json:"band,omitempty"`
	Flags         []string `json:"flags"`
	CreatedAt     string   `json:"created_at"`
}

// apiClientClearance is a medical provider's decision, with the internal reason:
// only clinicians of the client read it.
type apiClientClearance struct {
	ID             int64   `json:"id"`
	Decision       string  `json:"decision"`
	ProviderID     int64   `json:"provider_id"`
	ClearedUntil   *string `json:"cleared_until"`
	Reason         string  `json:"reason"`
	Message        string  `json:"message"`
	Override       bool    `json:"override"`
	OverrideReason string  `json:"override_reason,omitempty"`
	RuleSetVersion int     `json:"rule_set_version"`
	CreatedAt      string  `json:"created_at"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// rfc3339OrNil is t in RFC 3339, nil when t is zero.
func rfc3339OrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := rfc3339(t)
	return &v
}

func toAPIClient(c *journey.Client) apiClient {
	team := c.CareTeam
	if team == nil {
		team = []journey.CareMember{}
	}
	out := apiClient{ID: c.ID, ConsultID: c.ConsultID, Name: c.Name, Email: c.Email, Phone: c.Phone, TherapistID: c.TherapistID(),
		CareTeam: team, Screening: c.Screening, Stage: webkit.ClientStage(c, time.UTC), Joined: c.UserID != 0,
		CreatedAt: rfc3339(c.CreatedAt), InvitedAt: rfc3339(c.InvitedAt)}
	if c.Screening == journey.ScreeningCleared {
		out.ClearedUntil = rfc3339OrNil(c.ClearedTill)
	}
	return out
}

// toAPIScreening returns a screening for the API; withFindings false
// leaves the findings out (a client reading their own status).
func toAPIScreening(sc *journey.Screening, withFindings bool) apiClientScreening {
	out := apiClientScreening{Status: sc.Status, Findings: []apiClientFinding{}, Missing: sc.Missing, RuleSetVersion: sc.RuleSetVersion}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if sc.ClearedUntil != nil {
		out.ClearedUntil = rfc3339OrNil(*sc.ClearedUntil)
	}
	if withFindings {
		for _, f := range sc.Findings {
			out.Findings = append(out.Findings, apiClientFinding{Code: f.Code, Kind: f.Kind, Detail: f.Detail, Source: f.Source})
		}
	}
	return out
}

// HandleClients lists the clients the caller may see, newest first:
// ?limit= (1–200, default 50), ?offset=, ?screening= (a status).
func (s *Handler) HandleClients(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, err := s.store.FindTherapists(r.Context(), false)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	f, err := webkit.ClientListQuery(q, ts)
	v := journey.Validation{Fields: journey.ErrorFields(err)}
	f.Limit = 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > journey.MaxClientPage {
			v.Add("limit", fmt.Sprintf("Limit must be a whole number from 1 to %d.", journey.MaxClientPage))
		}
		f.Limit = n
	}
	if o := q.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			v.Add("offset", "Offset must be a whole number, 0 or more.")
		}
		f.Offset = n
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cs, total, err := s.proc.Clients(r.Context(), s.kit.Who(r), f, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := []apiClient{}
	for _, c := range cs {
		out = append(out, toAPIClient(c))
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"clients": out, "total": total})
}

// HandleClient returns one client's record; the clinical part only to
// those who may see it.
func (s *Handler) HandleClient(w http.ResponseWriter, r *http.Request) {
	id, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	rec, err := s.proc.ClientRecord(r.Context(), s.kit.Who(r), id, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := apiClientRecord{apiClient: toAPIClient(rec.Client), Consents: []apiSignature{}}
	for _, sg := range rec.Signatures {
		out.Consents = append(out.Consents, apiSignature{Code: sg.Code, Title: sg.Title, Version: sg.Version, SignedAt: rfc3339(sg.SignedAt)})
	}
	if rec.Clinical != nil {
		out.Clinical = apiClinical(rec.Clinical)
	}
	webkit.WriteJSON(w, http.StatusOK, out)
}

// apiClinical dresses the clinical part of a client's record for the API.
func apiClinical(rec *processing.ClinicalRecord) *apiClientClinical {
	sc, resps, cls, als := rec.Screening, rec.Latest, rec.Clearances, rec.Alerts
	out := &apiClientClinical{Screening: toAPIScreening(sc, true), Scores: []apiClientScore{}, Clearances: []apiClientClearance{}, Alerts: []apiAlert{}}
	seen := map[string]bool{}
	for _, rs := range resps { // newest first
		if seen[rs.Questionnaire] {
			continue
		}
		seen[rs.Questionnaire] = true
		flags := rs.Score.Flags
		if flags == nil {
			flags = []string{}
		}
		out.Scores = append(out.Scores, apiClientScore{ResponseID: rs.ID, Questionnaire: rs.Questionnaire, Version: rs.Version,
			Score: rs.Score.Total, Band: rs.Score.Band, Flags: flags, CreatedAt: rfc3339(rs.CreatedAt)})
	}
	for _, cl := range cls {
		out.Clearances = append(out.Clearances, apiClientClearance{ID: cl.ID, Decision: cl.Decision, ProviderID: cl.ProviderID,
			ClearedUntil: rfc3339OrNil(cl.ClearedUntil), Reason: cl.Reason, Message: cl.Message, Override: cl.Override,
			OverrideReason: cl.OverrideReason, RuleSetVersion: cl.RuleSetVersion, CreatedAt: rfc3339(cl.CreatedAt)})
	}
	for _, al := range als {
		out.Alerts = append(out.Alerts, toAPIAlert(al))
	}
	return out
}

// HandleClientScreening returns a client's screening. A client reading
// their own gets their status, what is missing and how long a clearance
// holds, with no findings: those are for the prescriber.
func (s *Handler) HandleClientScreening(w http.ResponseWriter, r *http.Request) {
	id, ok := webkit.PathID(r, "id")
	if !ok {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Client not found."))
		return
	}
	sc, clinical, err := s.proc.Screening(r.Context(), s.kit.Who(r), id, "screening via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, toAPIScreening(sc, clinical))
}

type apiCreated struct {
	ClientID int64 `json:"client_id"`
}

// HandleConsultClient makes the person of a held consult a client and
// emails their portal invitation.
func (s *Handler) HandleConsultClient(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Consult")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	c, err := s.proc.Consult(r.Context(), s.kit.Who(r), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cl, err := s.proc.CreateClient(r.Context(), s.kit.Who(r), &journey.NewClient{ConsultID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone,
		TherapistID: c.TherapistID})
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/clients/%d", cl.ID))
	webkit.WriteJSON(w, http.StatusCreated, apiCreated{ClientID: cl.ID})
}

// HandleClientCreate adds a client directly:
// {"name", "email", "phone", "therapist_id"}.
func (s *Handler) HandleClientCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        string `json:"name"`
		Email       string `json:"email"`
		Phone       string `json:"phone"`
		TherapistID int64  `json:"therapist_id"`
	}
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	var c *journey.Client
	n, err := webkit.NewClient(webkit.ActorFrom(r), webkit.ClientForm{Name: in.Name, Email: in.Email, Phone: in.Phone, TherapistID: in.TherapistID})
	if err == nil {
		c, err = s.proc.CreateClient(r.Context(), s.kit.Who(r), n)
	}
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/clients/%d", c.ID))
	webkit.WriteJSON(w, http.StatusCreated, apiCreated{ClientID: c.ID})
}
