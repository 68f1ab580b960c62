package api

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// BillingSetupProcessing is the part of processing the billing setup's
// calls use (processing/billing_setup.go).
type BillingSetupProcessing interface {
	BillingEntities(ctx context.Context, a *journey.Actor, via string) ([]*journey.BillingEntity, error)
	BillingEntity(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.BillingEntity, error)
	SaveBillingEntity(ctx context.Context, a *journey.Actor, e *journey.BillingEntity, via string) error
	BillingClinicians(ctx context.Context, a *journey.Actor, via string) ([]*journey.BillingClinician, error)
	SetBillingClinicians(ctx context.Context, a *journey.Actor, list []*journey.BillingClinician, via string) ([]*journey.BillingClinician, error)
	FeeSchedule(ctx context.Context, a *journey.Actor, all bool, via string) (*journey.FeeSchedule, error)
	SaveFeeSchedule(ctx context.Context, a *journey.Actor, fs *journey.FeeSchedule, via string) error
	Diagnoses(ctx context.Context, a *journey.Actor, id int64, via string) ([]string, error)
	SetDiagnoses(ctx context.Context, a *journey.Actor, id int64, codes []string, via string) ([]string, error)
	Coverage(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Coverage, error)
	SetCoverage(ctx context.Context, a *journey.Actor, c *journey.Coverage, via string) error
}

type apiBillingEntity struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	LegalName string `json:"legal_name"`
	Address1  string `json:"address1"`
	Address2  string `json:"address2"`
	City      string `json:"city"`
	State     string `json:"state"`
	Postal    string `json:"postal"`
	Phone     string `json:"phone"`
	TaxID     string `json:"tax_id"`
	NPI       string `json:"npi"`
	Active    *bool  `json:"active,omitempty"`
}

func entityJSON(e *journey.BillingEntity) apiBillingEntity {
	active := e.Active
	return apiBillingEntity{ID: e.ID, Kind: e.Kind, LegalName: e.LegalName, Address1: e.Address1, Address2: e.Address2, City: e.City,
		State: e.State, Postal: e.Postal, Phone: e.Phone, TaxID: e.TaxID, NPI: e.NPI, Active: &active}
}

func (b apiBillingEntity) entity(id int64) *journey.BillingEntity {
	return &journey.BillingEntity{ID: id, Kind: b.Kind, LegalName: b.LegalName, Address1: b.Address1, Address2: b.Address2, City: b.City,
		State: b.State, Postal: b.Postal, Phone: b.Phone, TaxID: b.TaxID, NPI: b.NPI, Active: b.Active == nil || *b.Active}
}

// HandleBillingEntities lists the billing entities.
func (s *Handler) HandleBillingEntities(w http.ResponseWriter, r *http.Request) {
	es, err := s.proc.BillingEntities(r.Context(), s.kit.Who(r), "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiBillingEntity, len(es))
	for i, e := range es {
		out[i] = entityJSON(e)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"entities": out})
}

// HandleBillingEntity answers one billing entity.
func (s *Handler) HandleBillingEntity(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Billing entity")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	e, err := s.proc.BillingEntity(r.Context(), s.kit.Who(r), id, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, entityJSON(e))
}

// HandleBillingEntityCreate adds a billing entity (an admin): 201 with it.
func (s *Handler) HandleBillingEntityCreate(w http.ResponseWriter, r *http.Request) {
	var b apiBillingEntity
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	e := b.entity(0)
	if err := s.proc.SaveBillingEntity(r.Context(), s.kit.Who(r), e, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, entityJSON(e))
}

// HandleBillingEntityUpdate replaces a billing entity's fields (an admin).
func (s *Handler) HandleBillingEntityUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Billing entity")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var b apiBillingEntity
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	e := b.entity(id)
	if err := s.proc.SaveBillingEntity(r.Context(), s.kit.Who(r), e, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, entityJSON(e))
}

type apiBillingClinician struct {
	UserID       int64    `json:"user_id"`
	EntityID     int64    `json:"entity_id"`
	Name         string   `json:"name,omitempty"`
	NPI          string   `json:"npi,omitempty"`
	Credentials  string   `json:"credentials,omitempty"`
	Licence      string   `json:"licence,omitempty"`
	LicenceState string   `json:"licence_state,omitempty"`
	Missing      []string `json:"missing,omitempty"` // what a bill needs of the profile that it lacks
}

func writeClinicians(w http.ResponseWriter, cs []*journey.BillingClinician) {
	out := make([]apiBillingClinician, len(cs))
	for i, c := range cs {
		out[i] = apiBillingClinician{UserID: c.UserID, EntityID: c.EntityID, Name: c.Name, NPI: c.NPI, Credentials: c.Credentials,
			Licence: c.Licence, LicenceState: c.LicenceState, Missing: c.Missing()}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"clinicians": out})
}

// HandleBillingClinicians lists who bills under which entity, with what
// their profiles lack.
func (s *Handler) HandleBillingClinicians(w http.ResponseWriter, r *http.Request) {
	cs, err := s.proc.BillingClinicians(r.Context(), s.kit.Who(r), "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	writeClinicians(w, cs)
}

// HandleBillingCliniciansSet replaces who bills under which entity (an
// admin) with {"clinicians": [{"user_id", "entity_id"}]}.
func (s *Handler) HandleBillingCliniciansSet(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Clinicians []apiBillingClinician `json:"clinicians"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	list := make([]*journey.BillingClinician, len(b.Clinicians))
	for i, c := range b.Clinicians {
		list[i] = &journey.BillingClinician{UserID: c.UserID, EntityID: c.EntityID}
	}
	cs, err := s.proc.SetBillingClinicians(r.Context(), s.kit.Who(r), list, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	writeClinicians(w, cs)
}

type apiFeeLine struct {
	ID          int64    `json:"id,omitempty"`
	SessionType string   `json:"session_type"`
	Event       string   `json:"event"`
	Mode        string   `json:"mode"`
	Route       string   `json:"route"`
	ChargeType  string   `json:"charge_type"`
	EntityID    int64    `json:"entity_id"`
	Rule        string   `json:"rule"`
	Code        string   `json:"code"`
	Units       int      `json:"units"`
	Modifiers   []string `json:"modifiers"`
	FeeCents    int64    `json:"fee_cents"`
	Description string   `json:"description"`
	Position    int      `json:"position"`
	Active      *bool    `json:"active,omitempty"`
}

type apiCodePrice struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Cents       int64  `json:"cents"`
}

type apiFeeSchedule struct {
	Lines              []apiFeeLine   `json:"lines"`
	Prices             []apiCodePrice `json:"prices"`
	TelehealthModifier *string        `json:"telehealth_modifier"`
	Currency           string         `json:"currency,omitempty"`
}

func scheduleJSON(fs *journey.FeeSchedule) apiFeeSchedule {
	out := apiFeeSchedule{Lines: []apiFeeLine{}, Prices: []apiCodePrice{}, TelehealthModifier: &fs.TelehealthModifier, Currency: journey.Currency}
	for _, l := range fs.Lines {
		active := l.Active
		out.Lines = append(out.Lines, apiFeeLine{ID: l.ID, SessionType: l.SessionType, Event: l.Event, Mode: l.Mode, Route: l.Route,
			ChargeType: l.ChargeType, EntityID: l.EntityID, Rule: l.Rule, Code: l.Code, Units: l.Units, Modifiers: append([]string{}, l.Modifiers...),
			FeeCents: l.FeeCents, Description: l.Description, Position: l.Position, Active: &active})
	}
	for _, p := range fs.Prices {
		out.Prices = append(out.Prices, apiCodePrice{Code: p.Code, Description: p.Description, Cents: p.Cents})
	}
	return out
}

// HandleFeeSchedule answers the fee schedule: the active lines, the price
// list and the telehealth modifier; ?all=1 adds the inactive lines.
func (s *Handler) HandleFeeSchedule(w http.ResponseWriter, r *http.Request) {
	fs, err := s.proc.FeeSchedule(r.Context(), s.kit.Who(r), r.URL.Query().Get("all") == "1", "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, scheduleJSON(fs))
}

// HandleFeeScheduleSet replaces the fee schedule (an admin): a line with
// an id changes it, one without adds it, a stored line left out becomes
// inactive; the price list is replaced; the modifier kept unless given.
func (s *Handler) HandleFeeScheduleSet(w http.ResponseWriter, r *http.Request) {
	var b apiFeeSchedule
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	a := s.kit.Who(r)
	fs := &journey.FeeSchedule{}
	if b.TelehealthModifier != nil {
		fs.TelehealthModifier = *b.TelehealthModifier
	} else {
		cur, err := s.proc.FeeSchedule(r.Context(), a, false, "api")
		if err != nil {
			s.kit.APIError(w, r, err)
			return
		}
		fs.TelehealthModifier = cur.TelehealthModifier
	}
	for i, l := range b.Lines {
		pos := l.Position
		if pos == 0 {
			pos = i + 1
		}
		fs.Lines = append(fs.Lines, &journey.FeeLine{ID: l.ID, SessionType: l.SessionType, Event: l.Event, Mode: l.Mode, Route: l.Route,
			ChargeType: l.ChargeType, EntityID: l.EntityID, Rule: l.Rule, Code: l.Code, Units: max(l.Units, 1), Modifiers: l.Modifiers,
			FeeCents: l.FeeCents, Description: l.Description, Position: pos, Active: l.Active == nil || *l.Active})
	}
	for _, p := range b.Prices {
		fs.Prices = append(fs.Prices, &journey.CodePrice{Code: p.Code, Description: p.Description, Cents: p.Cents})
	}
	if err := s.proc.SaveFeeSchedule(r.Context(), a, fs, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, scheduleJSON(fs))
}

type apiDiagnosis struct {
	Code        string `json:"code"`
	Description string `json:"description"` // "" for a code Journey does not describe
	Pointer     string `json:"pointer"`     // A–L, the claim form's letter
}

func writeDiagnoses(w http.ResponseWriter, codes []string) {
	out := make([]apiDiagnosis, len(codes))
	for i, c := range codes {
		out[i] = apiDiagnosis{Code: c, Description: journey.DiagnosisDescription(c), Pointer: journey.DiagnosisPointer(i)}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"diagnoses": out})
}

// HandleDiagnoses answers a client's diagnoses in pointer order.
func (s *Handler) HandleDiagnoses(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	codes, err := s.proc.Diagnoses(r.Context(), s.kit.Who(r), id, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	writeDiagnoses(w, codes)
}

// HandleDiagnosesSet replaces a client's diagnoses with {"diagnoses":
// ["F33.1", …]} in pointer order (one of their clinicians).
func (s *Handler) HandleDiagnosesSet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var b struct {
		Diagnoses []string `json:"diagnoses"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	codes, err := s.proc.SetDiagnoses(r.Context(), s.kit.Who(r), id, b.Diagnoses, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	writeDiagnoses(w, codes)
}

type apiCoverage struct {
	EntityID    int64      `json:"entity_id"`
	Payer       string     `json:"payer"`
	Insurer     string     `json:"insurer"`
	MemberID    string     `json:"member_id"`
	GroupNumber string     `json:"group_number"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"` // absent: nothing on file, so self-pay
}

func (s *Handler) writeCoverage(w http.ResponseWriter, r *http.Request, id int64) {
	cs, err := s.proc.Coverage(r.Context(), s.kit.Who(r), id, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiCoverage, len(cs))
	for i, c := range cs {
		out[i] = apiCoverage{EntityID: c.EntityID, Payer: c.Payer, Insurer: c.Insurer, MemberID: c.MemberID, GroupNumber: c.GroupNumber}
		if !c.UpdatedAt.IsZero() {
			at := c.UpdatedAt.UTC()
			out[i].UpdatedAt = &at
		}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"coverage": out})
}

// HandleCoverage answers how a client pays each entity.
func (s *Handler) HandleCoverage(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.clientID(w, r); ok {
		s.writeCoverage(w, r, id)
	}
}

// HandleCoverageSet sets how a client pays one entity (billing staff)
// and answers the client's coverage with every entity.
func (s *Handler) HandleCoverageSet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.clientID(w, r)
	if !ok {
		return
	}
	var b apiCoverage
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	c := &journey.Coverage{ClientID: id, EntityID: b.EntityID, Payer: b.Payer, Insurer: b.Insurer, MemberID: b.MemberID, GroupNumber: b.GroupNumber}
	if err := s.proc.SetCoverage(r.Context(), s.kit.Who(r), c, "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	s.writeCoverage(w, r, id)
}
