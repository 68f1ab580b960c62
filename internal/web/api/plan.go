package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// PlanProcessing is the part of processing the plan, gates and remote
// sessions' calls use.
type PlanProcessing interface {
	Plan(ctx context.Context, a *journey.Actor, id int64, loc *time.Location, via string) (*journey.Plan, error)
	UpdatePlan(ctx context.Context, a *journey.Actor, id int64, s journey.PlanSettings, reason string, loc *time.Location) (*journey.Plan, error)
	Gates(ctx context.Context, a *journey.Actor, id int64, q processing.GateQuery, via string) ([]journey.Gate, error)
	OverrideGate(ctx context.Context, a *journey.Actor, id, sessionID int64, code, reason string) (*journey.GateOverride, error)
	Monitor(ctx context.Context, a *journey.Actor, id int64) (*journey.Monitor, error)
	SetMonitor(ctx context.Context, a *journey.Actor, m *journey.Monitor) error
	CheckIn(ctx context.Context, a *journey.Actor, ci *journey.CheckIn) (*journey.CheckIn, error)
}

// apiPlan is a client's plan as the API answers it.
type apiPlan struct {
	Phase    string               `json:"phase"`
	Steps    []apiPlanStep        `json:"steps"`
	Next     *journey.PlanNext    `json:"next"`
	Settings journey.PlanSettings `json:"settings"`
}

type apiPlanStep struct {
	Type      string  `json:"type"`
	Phase     string  `json:"phase"`
	Number    int     `json:"number"`
	Status    string  `json:"status"`
	SessionID int64   `json:"session_id,omitempty"`
	Start     *string `json:"start,omitempty"`
	DueFrom   *string `json:"due_from"`
	DueBy     *string `json:"due_by"`
	Overdue   bool    `json:"overdue"`
}

func stamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func planJSON(p *journey.Plan) apiPlan {
	out := apiPlan{Phase: p.Phase, Next: p.Next, Settings: p.Settings, Steps: []apiPlanStep{}}
	for _, st := range p.Steps {
		out.Steps = append(out.Steps, apiPlanStep{Type: st.Type, Phase: st.Phase, Number: st.Number, Status: st.Status, SessionID: st.SessionID,
			Start: stamp(st.Start), DueFrom: stamp(st.DueFrom), DueBy: stamp(st.DueBy), Overdue: st.Overdue})
	}
	return out
}

// HandlePlan answers a client's plan: the client themselves, and staff who
// may see where the client is on their path.
func (s *Handler) HandlePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	p, err := s.proc.Plan(r.Context(), s.kit.Who(r), id, time.UTC, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, planJSON(p))
}

// HandlePlanUpdate tailors a client's plan: the body's settings (fields
// left out keep their value) and the reason, which is required.
func (s *Handler) HandlePlanUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	a := s.kit.Who(r)
	cur, err := s.proc.Plan(r.Context(), a, id, time.UTC, " via api, to change it")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	body := struct {
		journey.PlanSettings
		Reason string `json:"reason"`
	}{PlanSettings: cur.Settings}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	p, err := s.proc.UpdatePlan(r.Context(), a, id, body.PlanSettings, body.Reason, time.UTC)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, planJSON(p))
}

// HandleGates answers whether a client's medicine session may be booked
// now: ?type=medicine&mode=in_person|remote, with route, start (RFC 3339)
// and session_id to ask about one time or one session.
func (s *Handler) HandleGates(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var v journey.Validation
	if q.Get("type") != journey.TypeMedicine {
		v.Add("type", "Gates guard medicine sessions: ask with type=medicine.")
	}
	gq := processing.GateQuery{Mode: q.Get("mode"), Route: q.Get("route")}
	if st := q.Get("start"); st != "" {
		t, err := time.Parse(time.RFC3339, st)
		if err != nil {
			v.Add("start", "Give the start as RFC 3339, like 2030-03-11T14:00:00Z.")
		}
		gq.Start = t
	}
	if sid := q.Get("session_id"); sid != "" {
		n, err := strconv.ParseInt(sid, 10, 64)
		if err != nil || n <= 0 {
			v.Add("session_id", "Give a session's id.")
		}
		gq.SessionID = n
	}
	if gq.Mode == journey.ModeRemote && gq.Route == "" {
		gq.Route = journey.RouteLozenge
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	gates, err := s.proc.Gates(r.Context(), s.kit.Who(r), id, gq, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"ready": journey.GatesReady(gates), "gates": gates})
}

// HandleGateOverride records a medical provider's override of the
// clearance's age or the re-check, with a reason: {"code", "reason",
// "session_id"} (session_id 0 or left out: the client's medicine sessions
// for the next 30 days).
func (s *Handler) HandleGateOverride(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body struct {
		Code      string `json:"code"`
		Reason    string `json:"reason"`
		SessionID int64  `json:"session_id"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	o, err := s.proc.OverrideGate(r.Context(), s.kit.Who(r), id, body.SessionID, body.Code, body.Reason)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"id": o.ID, "code": o.Code, "session_id": o.SessionID, "at": stamp(o.At)})
}

// phone returns raw as E.164 when it is a real number, else as typed, for
// the domain's check to name.
func phone(raw string) string {
	if e164, ok := webkit.NormalizePhone(raw); ok {
		return e164
	}
	return raw
}

// apiMonitor is a remote client's monitor: what the portal's form holds.
type apiMonitor struct {
	Name         string `json:"name"`
	Phone        string `json:"phone"`
	Relationship string `json:"relationship"`
	Adult        bool   `json:"adult"`
	Email        string `json:"email"`
	Agreed       bool   `json:"agreed"` // the monitor agreed to be contacted
	Texts        bool   `json:"texts"`  // and to text messages at phone
}

func newAPIMonitor(m *journey.Monitor) apiMonitor {
	return apiMonitor{Name: m.Name, Phone: m.Phone, Relationship: m.Relationship, Adult: m.Adult, Email: m.Email, Agreed: m.Agreed, Texts: m.Texts}
}

// HandleMonitor answers a client's monitor for remote sessions.
func (s *Handler) HandleMonitor(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	m, err := s.proc.Monitor(r.Context(), s.kit.Who(r), id)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, newAPIMonitor(m))
}

// HandleMonitorSet names the client's own monitor (the client only).
func (s *Handler) HandleMonitorSet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var body apiMonitor
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	m := &journey.Monitor{ClientID: id, Name: body.Name, Phone: phone(body.Phone), Relationship: body.Relationship, Adult: body.Adult,
		Email: body.Email, Agreed: body.Agreed, Texts: body.Texts}
	if err := s.proc.SetMonitor(r.Context(), s.kit.Who(r), m); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, newAPIMonitor(m))
}

// HandleRemoteCheckIn records the client's check-in at the start of their
// remote medicine session: {"address", "callback", "emergency_confirmed",
// "systolic", "diastolic"}. A reading at or above 180/100 is 409 "no
// dose"; above 140/90 is accepted with result "review".
func (s *Handler) HandleRemoteCheckIn(w http.ResponseWriter, r *http.Request) {
	sid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || sid <= 0 {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Session not found."))
		return
	}
	var body struct {
		Address            string `json:"address"`
		Callback           string `json:"callback"`
		EmergencyConfirmed bool   `json:"emergency_confirmed"`
		Systolic           int    `json:"systolic"`
		Diastolic          int    `json:"diastolic"`
	}
	if !s.kit.DecodeJSON(w, r, &body) {
		return
	}
	ci := &journey.CheckIn{SessionID: sid, Address: body.Address, Callback: phone(body.Callback), EmergencyConfirmed: body.EmergencyConfirmed,
		Systolic: body.Systolic, Diastolic: body.Diastolic}
	if _, err := s.proc.CheckIn(r.Context(), s.kit.Who(r), ci); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"id": ci.ID, "result": ci.Result})
}
