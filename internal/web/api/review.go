package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// ReviewRow is one client of the review queue in the API.
// ReviewRow is a client in the review queue.
type ReviewRow struct {
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

// HandleReviewQueue lists the queue: ?limit= (1–200, default 50) and
// ?offset= (0 or more).
func (s *Handler) HandleReviewQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v journey.Validation
	limit, offset := webkit.ReviewPageSize, 0
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
		s.kit.APIError(w, r, err)
		return
	}
	sums, total, err := s.proc.ReviewQueue(r.Context(), s.kit.Who(r), offset, limit, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]ReviewRow, len(sums))
	for i, sum := range sums {
		c := sum.Client
		findings := sum.Findings
		if findings == nil {
			findings = []journey.Finding{}
		}
		out[i] = ReviewRow{ID: c.ID, Name: c.Name, WaitingSince: apiTime(c.IntakeDone), Priority: c.Priority,
			Worst: webkit.ReviewWorst(findings), Counts: webkit.ReviewCounts(findings), OpenAlert: webkit.ReviewOpenAlert(sum), Replied: sum.Replied, Findings: findings}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"clients": out, "total": total})
}

// apiTime formats t as RFC 3339 in UTC; nil for the zero time.
func apiTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

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

// ClearanceResult answers a decision.
// ClearanceResult is the answer to a decision: the screening it leaves.
type ClearanceResult struct {
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

// HandleClearanceCreate records a medical provider's decision.
func (s *Handler) HandleClearanceCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var in apiClearanceRequest
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	cl := &journey.Clearance{Decision: in.Decision, Reason: in.Reason,
		Message: in.Message, Override: in.Override, OverrideReason: in.OverrideReason, Acknowledged: in.Acknowledged}
	_, saved, err := s.proc.DecideClearance(r.Context(), s.kit.Who(r), id, cl, webkit.ParseClearedUntil(cl, strings.TrimSpace(in.ClearedUntil), true, s.now(), webkit.PracticeLoc(r.Context(), s.kit)))
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	webkit.WriteJSON(w, http.StatusCreated, ClearanceResult{ID: saved.ID, Decision: saved.Decision, ClearedUntil: reviewDate(saved.ClearedUntil, loc),
		Status: journey.ScreeningStatus(nil, saved.Findings, saved, s.now())})
}

// HandleClearances lists a client's decisions, newest first, to their
// clinicians.
func (s *Handler) HandleClearances(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	cls, err := s.proc.Clearances(r.Context(), s.kit.Who(r), id, " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
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
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"clearances": out})
}
