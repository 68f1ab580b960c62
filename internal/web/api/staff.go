package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type apiUser struct {
	ID    int64    `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
	// ClientID is the caller's own client record, for a client: the id
	// the /api/v1/clients/{id} routes take.
	ClientID int64 `json:"client_id,omitempty"`
}

func toAPIUser(u *journey.User) apiUser {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return apiUser{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles}
}

// apiStaffConsult is a consult as staff see it: contact details, no reason
// unless the caller is its therapist.
type apiStaffConsult struct {
	Consult
	Name          string `json:"name"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	ContactMethod string `json:"contact_method"`
	Reason        string `json:"reason,omitempty"`
	CancelReason  string `json:"cancel_reason,omitempty"` // the visitor's, when they gave one
}

func (s *Handler) staffConsultJSON(a *journey.Actor, c *journey.Consult) apiStaffConsult {
	out := apiStaffConsult{Consult: s.consultJSON(c, ""), Name: c.Name, Email: c.Email, Phone: c.Phone, ContactMethod: c.ContactMethod,
		CancelReason: c.CancelReason}
	if a.ID() == c.TherapistID {
		out.Reason = c.Reason
	}
	return out
}

// HandleMe returns the caller; a client also learns their client id.
func (s *Handler) HandleMe(w http.ResponseWriter, r *http.Request) {
	a := webkit.ActorFrom(r)
	out := toAPIUser(a.User)
	if a.Can(journey.PermPortal) {
		c, err := s.store.FindClientByUserID(r.Context(), a.ID())
		if err != nil {
			s.kit.APIError(w, r, err)
			return
		}
		out.ClientID = c.ID
	}
	webkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) HandleStaff(w http.ResponseWriter, r *http.Request) {
	users, err := s.proc.StaffList(r.Context(), s.kit.Who(r), func(n int) string { return strconv.Itoa(n) + " staff" })
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiUser, len(users))
	for i, u := range users {
		out[i] = toAPIUser(u)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"staff": out})
}

// HandleConsults lists the consults the caller may see, from ?from=
// (RFC 3339 or YYYY-MM-DD, default now) on, at most ?limit= (≤ 500).
func (s *Handler) HandleConsults(w http.ResponseWriter, r *http.Request) {
	a := webkit.ActorFrom(r)
	q := r.URL.Query()
	var v journey.Validation
	from := s.now()
	if f := q.Get("from"); f != "" {
		t, err := time.Parse(time.RFC3339, f)
		if err != nil {
			t, err = time.Parse(time.DateOnly, f)
		}
		if err != nil {
			v.Add("from", "Use an RFC 3339 time or a date as YYYY-MM-DD.")
		}
		from = t
	}
	limit := 100
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			v.Add("limit", "Limit must be a whole number from 1 to 500.")
		}
		limit = n
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	cs, total, err := s.proc.Consults(r.Context(), a, journey.ConsultFilter{From: &from, Limit: limit}, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiStaffConsult, len(cs))
	for i, c := range cs {
		out[i] = s.staffConsultJSON(a, c)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"consults": out, "total": total})
}

func (s *Handler) HandleConsult(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Consult")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	c, err := s.proc.ReadConsult(r.Context(), s.kit.Who(r), id, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.staffConsultJSON(webkit.ActorFrom(r), c))
}
