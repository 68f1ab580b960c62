package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// SessionProcessing is the part of processing the care sessions' calls
// use (processing/sessions.go).
type SessionProcessing interface {
	SessionTypes(ctx context.Context) ([]*journey.SessionType, error)
	UpdateSessionType(ctx context.Context, a *journey.Actor, t *journey.SessionType, via string) error
	SessionCancelHours(ctx context.Context) (int, error)
	SetSessionCancelHours(ctx context.Context, a *journey.Actor, hours int, via string) error
	BookSession(ctx context.Context, a *journey.Actor, r *journey.SessionRequest, via string) (*journey.CareSession, error)
	CareSession(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.CareSession, error)
	CareSessions(ctx context.Context, a *journey.Actor, f journey.CareSessionFilter, via string) ([]*journey.CareSession, error)
	MoveSession(ctx context.Context, a *journey.Actor, id int64, start time.Time, providerID int64, via string) (*journey.CareSession, error)
	SetSessionOnCall(ctx context.Context, a *journey.Actor, id, onCallID int64, via string) (*journey.CareSession, error)
	CancelSession(ctx context.Context, a *journey.Actor, id int64, reason, via string) (*journey.CareSession, error)
	RunSession(ctx context.Context, a *journey.Actor, id int64, action, via string) (*journey.CareSession, error)
	JoinGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error)
	LeaveGroup(ctx context.Context, a *journey.Actor, id, clientID int64, via string) (*journey.CareSession, error)
}

const viaAPI = " via api"

// apiSessionType is a session type as the API answers it.
type apiSessionType struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	Minutes        int      `json:"minutes"`
	BufferMinutes  int      `json:"buffer_minutes"`
	Needs          []string `json:"needs"`
	RoomInPerson   bool     `json:"room_in_person_only"`
	Capacity       int      `json:"capacity"`
	LeadHours      int      `json:"lead_hours"`
	ClientBookable bool     `json:"client_bookable"`
}

// HandleSessionTypes lists the practice's session types.
func (s *Handler) HandleSessionTypes(w http.ResponseWriter, r *http.Request) {
	ts, err := s.proc.SessionTypes(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	hours, err := s.proc.SessionCancelHours(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiSessionType, len(ts))
	for i, t := range ts {
		out[i] = sessionTypeJSON(t)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"session_types": out, "cancel_notice_hours": hours})
}

func sessionTypeJSON(t *journey.SessionType) apiSessionType {
	return apiSessionType{Code: t.Code, Name: t.Name, Minutes: t.Minutes, BufferMinutes: t.BufferMinutes, Needs: t.Needs,
		RoomInPerson: t.RoomInPerson, Capacity: t.Capacity, LeadHours: t.LeadHours, ClientBookable: t.ClientBooks}
}

// HandleSessionTypeUpdate changes the practice's settings of one type
// (an admin): the body's fields, those left out keeping their value.
func (s *Handler) HandleSessionTypeUpdate(w http.ResponseWriter, r *http.Request) {
	ts, err := s.proc.SessionTypes(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var t *journey.SessionType
	for _, x := range ts {
		if x.Code == r.PathValue("code") {
			t = x
		}
	}
	if t == nil {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "Session type not found."))
		return
	}
	b := sessionTypeJSON(t)
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	t.Name, t.Minutes, t.BufferMinutes, t.Capacity, t.LeadHours, t.ClientBooks = b.Name, b.Minutes, b.BufferMinutes, b.Capacity, b.LeadHours, b.ClientBookable
	if err := s.proc.UpdateSessionType(r.Context(), s.kit.Who(r), t, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, sessionTypeJSON(t))
}

// HandleSessionNoticeUpdate sets how long before a session a cancellation
// counts as late: {"cancel_notice_hours"} (an admin).
func (s *Handler) HandleSessionNoticeUpdate(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Hours *int `json:"cancel_notice_hours"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	if b.Hours == nil {
		s.kit.APIError(w, r, webkit.Invalid("cancel_notice_hours", "Give the notice in hours."))
		return
	}
	if err := s.proc.SetSessionCancelHours(r.Context(), s.kit.Who(r), *b.Hours, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]int{"cancel_notice_hours": *b.Hours})
}

// apiCareSession is a session as the API answers it. A chaperone's view
// (processing's limited one) has no client id, route or cancellation, and
// the client's first name.
type apiCareSession struct {
	ID                int64   `json:"id"`
	Type              string  `json:"type"`
	Start             string  `json:"start"`
	End               string  `json:"end"`
	Status            string  `json:"status"`
	Mode              string  `json:"mode"`
	Route             *string `json:"route"`
	ClientID          *int64  `json:"client_id"`
	ClientFirstName   string  `json:"client_first_name,omitempty"`
	Attendees         []int64 `json:"attendees,omitempty"`
	TherapistID       *int64  `json:"therapist_id"`
	MedicalProviderID *int64  `json:"medical_provider_id"`
	ChaperoneID       *int64  `json:"chaperone_id"`
	RoomID            *int64  `json:"room_id"`
	OnCallID          *int64  `json:"on_call_id"` // a chaperone's view has the name alone
	OnCallName        string  `json:"on_call_name,omitempty"`
	LateCancel        bool    `json:"late_cancel"`
	Sequence          int     `json:"sequence"`
}

func careSessionJSON(cs *journey.CareSession) apiCareSession {
	out := apiCareSession{ID: cs.ID, Type: cs.Type, Start: cs.Start.UTC().Format(time.RFC3339), End: cs.End.UTC().Format(time.RFC3339),
		Status: cs.Status, Mode: cs.Mode, ClientID: idOrNull(cs.ClientID), ClientFirstName: cs.FirstName, Attendees: cs.Attendees,
		TherapistID: idOrNull(cs.TherapistID), MedicalProviderID: idOrNull(cs.MedicalProviderID), ChaperoneID: idOrNull(cs.ChaperoneID),
		RoomID: idOrNull(cs.RoomID), OnCallID: idOrNull(cs.OnCallID), OnCallName: cs.OnCallName, LateCancel: cs.LateCancel, Sequence: cs.Sequence}
	if cs.Route != "" {
		out.Route = &cs.Route
	}
	return out
}

// sessionBody is what POST /api/v1/sessions reads.
type sessionBody struct {
	ClientID          int64  `json:"client_id"`
	Type              string `json:"type"`
	Start             string `json:"start"`
	Mode              string `json:"mode"`
	Route             string `json:"route"`
	TherapistID       int64  `json:"therapist_id"`
	MedicalProviderID int64  `json:"medical_provider_id"`
	ChaperoneID       int64  `json:"chaperone_id"`
	RoomID            int64  `json:"room_id"`
	OnCallID          int64  `json:"on_call_id"` // 0 or absent: the medical provider, for a remote medicine session
}

// readStart reads an RFC 3339 time into *t, or adds a field error.
func readStart(v *journey.Validation, raw string, t *time.Time) {
	var err error
	switch *t, err = time.Parse(time.RFC3339, raw); {
	case raw == "":
		v.Add("start", "Choose a time.")
	case err != nil:
		v.Add("start", "Give the time as RFC 3339, such as 2030-01-07T10:00:00-05:00.")
	}
}

// HandleSessionCreate books a session: 201 with the session; 409 naming
// the people or room taken (conflicts) or the gates unmet (gates); 422
// with field errors.
func (s *Handler) HandleSessionCreate(w http.ResponseWriter, r *http.Request) {
	var b sessionBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	req := &journey.SessionRequest{ClientID: b.ClientID, Type: b.Type, Mode: b.Mode, Route: b.Route, TherapistID: b.TherapistID,
		MedicalProviderID: b.MedicalProviderID, ChaperoneID: b.ChaperoneID, RoomID: b.RoomID, OnCallID: b.OnCallID}
	var v journey.Validation
	readStart(&v, b.Start, &req.Start)
	if !journey.IsSessionType(b.Type) {
		v.Add("type", "Choose a session type.")
	}
	if b.Mode != journey.ModeInPerson && b.Mode != journey.ModeRemote {
		v.Add("mode", "Choose in_person or remote.")
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cs, err := s.proc.BookSession(r.Context(), s.kit.Who(r), req, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, careSessionJSON(cs))
}

// HandleSessions lists the sessions starting in [?from, ?to) (RFC 3339
// or a date, UTC) of ?client_id, ?staff_id or ?room_id, up to ?limit
// (default 200), within those the caller may see.
func (s *Handler) HandleSessions(w http.ResponseWriter, r *http.Request) {
	f, err := sessionFilter(r.URL.Query())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	ss, err := s.proc.CareSessions(r.Context(), s.kit.Who(r), f, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiCareSession, len(ss))
	for i, cs := range ss {
		out[i] = careSessionJSON(cs)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// sessionFilter reads a list's query, with a field error for each
// parameter that cannot be read.
func sessionFilter(in url.Values) (journey.CareSessionFilter, error) {
	var v journey.Validation
	f := journey.CareSessionFilter{Limit: 200}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		raw := in.Get(p.name)
		if raw == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			t, err = time.Parse(time.DateOnly, raw)
		}
		if err != nil {
			v.Add(p.name, "Give a date (YYYY-MM-DD) or an RFC 3339 time.")
		}
		*p.to = t
	}
	for _, p := range []struct {
		name string
		to   *int64
	}{{"client_id", &f.ClientID}, {"staff_id", &f.StaffID}, {"room_id", &f.RoomID}} {
		if raw := in.Get(p.name); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id <= 0 {
				v.Add(p.name, "Use a whole number id.")
			}
			*p.to = id
		}
	}
	if raw := in.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > journey.MaxSessionList {
			v.Add("limit", fmt.Sprintf("The limit is a whole number from 1 to %d.", journey.MaxSessionList))
		}
		f.Limit = n
	}
	return f, v.Err()
}

// sessionID returns the path's session {id}, or answers 404.
func (s *Handler) sessionID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.APIError(w, r, err)
		return 0, false
	}
	return id, true
}

// HandleSession answers one session the caller may see.
func (s *Handler) HandleSession(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	cs, err := s.proc.CareSession(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
}

// HandleSessionReschedule moves a session to {"start"}, with everyone and
// everything it holds, or with "medical_provider_id" another medical
// provider in its medical provider's place (an on-call contact who was
// the old one follows): 409 as a booking.
func (s *Handler) HandleSessionReschedule(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		Start             string `json:"start"`
		MedicalProviderID int64  `json:"medical_provider_id"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	var v journey.Validation
	var start time.Time
	readStart(&v, b.Start, &start)
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cs, err := s.proc.MoveSession(r.Context(), s.kit.Who(r), id, start, b.MedicalProviderID, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
}

// HandleSessionOnCall names {"on_call_id"}, an active medical provider,
// a medicine session's on-call contact: 422 beside on_call_id for anyone
// else, 409 once the session is over or cancelled.
func (s *Handler) HandleSessionOnCall(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		OnCallID int64 `json:"on_call_id"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	cs, err := s.proc.SetSessionOnCall(r.Context(), s.kit.Who(r), id, b.OnCallID, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
}

// HandleSessionCancel cancels a session for {"reason"} (required) and
// answers whether the cancellation was late, with the session.
func (s *Handler) HandleSessionCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		Reason string `json:"reason"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	cs, err := s.proc.CancelSession(r.Context(), s.kit.Who(r), id, b.Reason, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"late": cs.LateCancel, "session": careSessionJSON(cs)})
}

// HandleSessionAction returns the handler of one status change (a
// journey.Action…): check-in, start, complete or no-show. Completing
// takes an optional body {"minutes"} (1–600): the length the clinician
// recorded, which chooses a time-based code of the session's charges.
func (s *Handler) HandleSessionAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.sessionID(w, r)
		if !ok {
			return
		}
		var b struct {
			Minutes int `json:"minutes"` // complete: the minutes the clinician recorded
		}
		if r.ContentLength != 0 && !s.kit.DecodeJSON(w, r, &b) {
			return
		}
		cs, err := s.proc.RunSessionMinutes(r.Context(), s.kit.Who(r), id, action, b.Minutes, viaAPI)
		if err != nil {
			s.kit.APIError(w, r, err)
			return
		}
		webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
	}
}

// HandleAttendeeAdd adds {"client_id"} (a client leaves it out: themselves)
// to a group session: 409 when it is full or the client is not free.
func (s *Handler) HandleAttendeeAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		ClientID int64 `json:"client_id"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	cs, err := s.proc.JoinGroup(r.Context(), s.kit.Who(r), id, b.ClientID, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
}

// HandleAttendeeRemove takes the path's {client} out of a group session.
func (s *Handler) HandleAttendeeRemove(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	client, ok := webkit.PathID(r, "client")
	if !ok {
		s.kit.APIError(w, r, journey.Errorf(journey.ENOTFOUND, "The client is not in this group."))
		return
	}
	cs, err := s.proc.LeaveGroup(r.Context(), s.kit.Who(r), id, client, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, careSessionJSON(cs))
}
