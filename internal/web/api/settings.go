package api

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// apiConsentDocCreate is a new version sent to the API.
type apiConsentDocCreate struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Body     string `json:"body"` // Markdown
	Required bool   `json:"required"`
}

// ConsentDocCreated answers it.
type ConsentDocCreated struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// HandleConsentDocCreate stores a new version of a consent document.
func (s *Handler) HandleConsentDocCreate(w http.ResponseWriter, r *http.Request) {
	var in apiConsentDocCreate
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	d := &journey.ConsentDocument{Code: in.Code, Title: in.Title, Body: webkit.NormalizeBody(in.Body), Required: in.Required}
	if err := s.proc.CreateConsentDocument(r.Context(), s.kit.Who(r), d, " via api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, ConsentDocCreated{ID: d.ID, Code: d.Code, Version: d.Version, Hash: d.Hash})
}

// HandleRules returns the rules in force, to any member of staff.
func (s *Handler) HandleRules(w http.ResponseWriter, r *http.Request) {
	rs, err := s.store.CurrentRuleSet(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, rs)
}

// apiRuleChange is one rule's new settings; a field left out keeps its
// current value.
type apiRuleChange struct {
	Code       string   `json:"code"`
	Kind       string   `json:"kind"`
	Enabled    *bool    `json:"enabled"`
	Threshold  *float64 `json:"threshold"`
	Threshold2 *float64 `json:"threshold2"`
}

type apiRulesUpdate struct {
	Note  string          `json:"note"`
	Rules []apiRuleChange `json:"rules"`
}

// HandleRulesUpdate makes a new version of the rules from the changes
// sent; rules not listed keep their settings.
func (s *Handler) HandleRulesUpdate(w http.ResponseWriter, r *http.Request) {
	var in apiRulesUpdate
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	cur, err := s.store.CurrentRuleSet(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var v journey.Validation
	note := webkit.CheckRulesNote(&v, in.Note)
	if len(in.Rules) == 0 {
		v.Add("rules", "List at least one rule to change.")
	}
	changes := make([]journey.Rule, 0, len(in.Rules))
	for _, c := range in.Rules {
		ch := journey.Rule{Code: c.Code, Kind: c.Kind, Threshold: c.Threshold, Threshold2: c.Threshold2}
		if ru := cur.Rule(c.Code); ru != nil {
			if ch.Kind == "" {
				ch.Kind = ru.Kind
			}
			ch.Enabled = ru.Enabled
			if ch.Threshold == nil {
				ch.Threshold = ru.Threshold
			}
			if ch.Threshold2 == nil {
				ch.Threshold2 = ru.Threshold2
			}
		}
		if c.Enabled != nil {
			ch.Enabled = *c.Enabled
		}
		changes = append(changes, ch)
	}
	rs, err := s.proc.UpdateRuleSet(r.Context(), s.kit.Who(r), changes, note, v.Err(), " via api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, rs)
}

// apiBookingSettings is the practice's booking settings in the API.
type apiBookingSettings struct {
	Private     bool `json:"private"`
	HoldMinutes int  `json:"hold_minutes"`
}

func (s *Handler) HandleBookingSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.FindBookingSettings(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, apiBookingSettings{Private: st.Private, HoldMinutes: st.HoldMinutes})
}

func (s *Handler) HandleBookingSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	var in apiBookingSettings
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	st := &journey.BookingSettings{Private: in.Private, HoldMinutes: in.HoldMinutes}
	if err := s.proc.UpdateBookingSettings(r.Context(), s.kit.Who(r), st, nil); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	webkit.WriteJSON(w, http.StatusOK, in)
}
