package api

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// RunSheetProcessing is the part of processing the medicine session's
// calls use (processing/medicine.go).
type RunSheetProcessing interface {
	RunSheet(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.RunSheet, error)
	OrderDose(ctx context.Context, a *journey.Actor, id int64, o *journey.Order, weightKg float64, via string) error
	RecordVitals(ctx context.Context, a *journey.Actor, id int64, o *journey.Observation, via string) error
	RecordChecklist(ctx context.Context, a *journey.Actor, id int64, cl *journey.Checklist, via string) error
	ReviewHold(ctx context.Context, a *journey.Actor, id int64, note, via string) (*journey.HoldReview, error)
	Discharge(ctx context.Context, a *journey.Actor, id int64, d *journey.Discharge, via string) error
	AddRunSheetAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.RunSheetAddendum, error)
}

// orderBody is what POST /api/v1/sessions/{id}/order reads; weight_kg, when
// given, records the client's weight measured now.
type orderBody struct {
	Route          string  `json:"route"`
	Formulation    string  `json:"formulation"`
	StrengthMg     float64 `json:"strength_mg"`
	DoseMg         float64 `json:"dose_mg"`
	WeightKg       float64 `json:"weight_kg"`
	BoosterMg      float64 `json:"booster_mg"`
	BoosterAfter   int     `json:"booster_after_minutes"`
	MaxTotalMg     float64 `json:"max_total_mg"`
	Titration      string  `json:"titration"`
	OverrideReason string  `json:"override_reason"`
}

// apiOrder is an order as the API answers it.
type apiOrder struct {
	ID           int64    `json:"id"`
	Route        string   `json:"route"`
	Formulation  string   `json:"formulation"`
	StrengthMg   float64  `json:"strength_mg"`
	DoseMg       float64  `json:"dose_mg"`
	WeightKg     float64  `json:"weight_kg"`
	MgPerKg      float64  `json:"mg_per_kg"`
	BoosterMg    float64  `json:"booster_mg"`
	BoosterAfter int      `json:"booster_after_minutes"`
	MaxTotalMg   float64  `json:"max_total_mg"`
	Titration    string   `json:"titration"`
	Overridden   bool     `json:"overridden"`
	Warnings     []string `json:"warnings"`
	OrderedBy    int64    `json:"ordered_by"`
	OrderedAt    string   `json:"ordered_at"`
}

func orderJSON(o *journey.Order) *apiOrder {
	if o == nil {
		return nil
	}
	w := o.Warnings
	if w == nil {
		w = []string{}
	}
	return &apiOrder{ID: o.ID, Route: o.Route, Formulation: o.Formulation, StrengthMg: o.StrengthMg, DoseMg: o.DoseMg, WeightKg: o.WeightKg,
		MgPerKg: o.MgPerKg, BoosterMg: o.BoosterMg, BoosterAfter: o.BoosterAfter, MaxTotalMg: o.MaxTotalMg, Titration: o.Titration,
		Overridden: o.Override != "", Warnings: w, OrderedBy: o.OrderedBy, OrderedAt: timeOrEmpty(o.OrderedAt)}
}

// timeOrEmpty is t in RFC 3339, "" when t is zero.
func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rfc3339(t)
}

// HandleOrder records the medical provider's order: 201 with its mg/kg
// and warnings; 403 for anyone else; 422 naming the fields (override when
// a bound is passed without a reason).
func (s *Handler) HandleOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b orderBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	o := &journey.Order{Route: b.Route, Formulation: b.Formulation, StrengthMg: b.StrengthMg, DoseMg: b.DoseMg, BoosterMg: b.BoosterMg,
		BoosterAfter: b.BoosterAfter, MaxTotalMg: b.MaxTotalMg, Titration: b.Titration, Override: b.OverrideReason}
	if err := s.proc.OrderDose(r.Context(), s.kit.Who(r), id, o, b.WeightKg, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, orderJSON(o))
}

// vitalsBody is what POST /api/v1/sessions/{id}/vitals reads: a value left
// out was not taken.
type vitalsBody struct {
	Phase        string `json:"phase"`
	TakenAt      string `json:"taken_at"`
	Systolic     *int   `json:"systolic"`
	Diastolic    *int   `json:"diastolic"`
	HeartRate    *int   `json:"heart_rate"`
	SpO2         *int   `json:"spo2"`
	RespRate     *int   `json:"resp_rate"`
	Sedation     *int   `json:"sedation"`
	Dissociation *int   `json:"dissociation"`
	Remote       bool   `json:"remote"` // read out by the client
}

// apiFlag is what a threshold said of a reading.
type apiFlag struct {
	Code     string `json:"code"`
	Action   string `json:"action"`
	Detail   string `json:"detail"`
	Resolved bool   `json:"resolved"`
}

// apiObservation is a reading as the API answers it.
type apiObservation struct {
	ID           int64     `json:"id"`
	Phase        string    `json:"phase"`
	TakenAt      string    `json:"taken_at"`
	Systolic     *int      `json:"systolic"`
	Diastolic    *int      `json:"diastolic"`
	HeartRate    *int      `json:"heart_rate"`
	SpO2         *int      `json:"spo2"`
	RespRate     *int      `json:"resp_rate"`
	Sedation     *int      `json:"sedation"`
	Dissociation *int      `json:"dissociation"`
	Remote       bool      `json:"remote"`
	Flags        []apiFlag `json:"flags"`
	By           int64     `json:"by"`
}

func observationJSON(o *journey.Observation) apiObservation {
	flags := make([]apiFlag, len(o.Flags))
	for i, f := range o.Flags {
		flags[i] = apiFlag{Code: f.Code, Action: f.Action, Detail: f.Detail, Resolved: f.Resolved}
	}
	return apiObservation{ID: o.ID, Phase: o.Phase, TakenAt: rfc3339(o.TakenAt), Systolic: o.Systolic, Diastolic: o.Diastolic,
		HeartRate: o.HeartRate, SpO2: o.SpO2, RespRate: o.RespRate, Sedation: o.Sedation, Dissociation: o.Dissociation, Remote: o.Remote,
		Flags: flags, By: o.By}
}

// HandleVitals records a reading: 201 with its flags; 422 naming each
// value outside its range (with the range), a time in the future or
// before the session began; 409 once the client was discharged.
func (s *Handler) HandleVitals(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b vitalsBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	o := &journey.Observation{Phase: b.Phase, Systolic: b.Systolic, Diastolic: b.Diastolic, HeartRate: b.HeartRate, SpO2: b.SpO2,
		RespRate: b.RespRate, Sedation: b.Sedation, Dissociation: b.Dissociation, Remote: b.Remote}
	if b.TakenAt != "" {
		t, err := time.Parse(time.RFC3339, b.TakenAt)
		if err != nil {
			var v journey.Validation
			v.Add("taken_at", "Give the time as RFC 3339, such as 2030-01-07T10:00:00-05:00.")
			s.kit.APIError(w, r, v.Err())
			return
		}
		o.TakenAt = t
	}
	if err := s.proc.RecordVitals(r.Context(), s.kit.Who(r), id, o, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, observationJSON(o))
}

// checklistBody is what POST /api/v1/sessions/{id}/checklist reads.
type checklistBody struct {
	Fasted    bool   `json:"fasted"`
	RideHome  bool   `json:"ride_home"`
	NoDriving bool   `json:"no_driving"`
	Intention string `json:"intention"`
}

// apiChecklist is the pre-dose checklist as the API answers it; whether
// the consent is current is read from the client's signatures.
type apiChecklist struct {
	Fasted        bool   `json:"fasted"`
	RideHome      bool   `json:"ride_home"`
	NoDriving     bool   `json:"no_driving"`
	ConsentActive bool   `json:"consent_active"`
	Intention     string `json:"intention"`
	By            int64  `json:"by"`
	At            string `json:"at"`
}

func checklistJSON(c *journey.Checklist) *apiChecklist {
	if c == nil {
		return nil
	}
	return &apiChecklist{Fasted: c.Fasted, RideHome: c.RideHome, NoDriving: c.NoDriving, ConsentActive: c.ConsentActive, Intention: c.Intention,
		By: c.By, At: rfc3339(c.At)}
}

// HandleChecklist records the pre-dose checklist: 201; 422 naming each
// item not ticked.
func (s *Handler) HandleChecklist(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b checklistBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	c := &journey.Checklist{Fasted: b.Fasted, RideHome: b.RideHome, NoDriving: b.NoDriving, Intention: b.Intention}
	if err := s.proc.RecordChecklist(r.Context(), s.kit.Who(r), id, c, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, checklistJSON(c))
}

// HandleHoldReview records the medical provider's review of the flagged
// readings ({"note"}): 201; 409 when a re-measure comes first or nothing
// waits; 403 for anyone but a medical provider.
func (s *Handler) HandleHoldReview(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		Note string `json:"note"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	rv, err := s.proc.ReviewHold(r.Context(), s.kit.Who(r), id, b.Note, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"id": rv.ID, "observation_id": rv.ObservationID, "at": rfc3339(rv.At)})
}

// dischargeBody is what POST /api/v1/sessions/{id}/discharge reads.
type dischargeBody struct {
	VitalsAcceptable bool   `json:"vitals_acceptable"`
	AlertOriented    bool   `json:"alert_oriented"`
	WalksSafely      bool   `json:"walks_safely"`
	DissociationGone bool   `json:"dissociation_resolved"`
	Escort           bool   `json:"escort"`
	NoDriving        bool   `json:"no_driving"`
	OverrideReason   string `json:"override_reason"`
}

// apiDischarge is a discharge as the API answers it.
type apiDischarge struct {
	VitalsAcceptable bool   `json:"vitals_acceptable"`
	AlertOriented    bool   `json:"alert_oriented"`
	WalksSafely      bool   `json:"walks_safely"`
	DissociationGone bool   `json:"dissociation_resolved"`
	Escort           bool   `json:"escort"`
	NoDriving        bool   `json:"no_driving"`
	Overridden       bool   `json:"overridden"`
	By               int64  `json:"by"`
	DischargedAt     string `json:"discharged_at"`
}

func dischargeJSON(d *journey.Discharge) *apiDischarge {
	if d == nil {
		return nil
	}
	return &apiDischarge{VitalsAcceptable: d.VitalsAcceptable, AlertOriented: d.AlertOriented, WalksSafely: d.WalksSafely,
		DissociationGone: d.DissociationGone, Escort: d.Escort, NoDriving: d.NoDriving, Overridden: d.Override != "", By: d.By,
		DischargedAt: rfc3339(d.At)}
}

// HandleDischarge discharges the client and completes the session: 201;
// 422 naming each item not ticked; 409 before the observation time
// without a medical provider's override_reason (403 for anyone else's).
func (s *Handler) HandleDischarge(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b dischargeBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	d := &journey.Discharge{VitalsAcceptable: b.VitalsAcceptable, AlertOriented: b.AlertOriented, WalksSafely: b.WalksSafely,
		DissociationGone: b.DissociationGone, Escort: b.Escort, NoDriving: b.NoDriving, Override: b.OverrideReason}
	if err := s.proc.Discharge(r.Context(), s.kit.Who(r), id, d, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, dischargeJSON(d))
}

// HandleRunSheetAddendum adds {"text"} to a discharged run sheet: 201;
// 409 before discharge.
func (s *Handler) HandleRunSheetAddendum(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		Text string `json:"text"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	ad, err := s.proc.AddRunSheetAddendum(r.Context(), s.kit.Who(r), id, b.Text, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"id": ad.ID, "text": ad.Text, "by": ad.By, "at": rfc3339(ad.At)})
}

// apiRunSheet is the run sheet as the API answers it; a chaperone's
// (limited) has no order, checklist, doses in mg, notes or gates.
type apiRunSheet struct {
	Session         apiCareSession   `json:"session"`
	Limited         bool             `json:"limited"`
	Gates           []journey.Gate   `json:"gates"`
	Checklist       *apiChecklist    `json:"checklist"`
	Order           *apiOrder        `json:"order"`
	Observations    []apiObservation `json:"observations"`
	Reviews         []map[string]any `json:"reviews"`
	Administrations []map[string]any `json:"administrations"`
	DoseBlockers    []journey.Gate   `json:"dose_blockers"`
	Due             []map[string]any `json:"due"`
	DischargeFrom   string           `json:"discharge_from"`
	Discharge       *apiDischarge    `json:"discharge"`
	Addenda         []map[string]any `json:"addenda"`
	Rules           map[string]int   `json:"rules"`
}

// HandleRunSheet answers the run sheet as the caller may see it.
func (s *Handler) HandleRunSheet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	rs, err := s.proc.RunSheet(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, runSheetJSON(rs))
}

func runSheetJSON(rs *journey.RunSheet) apiRunSheet {
	out := apiRunSheet{Session: careSessionJSON(rs.Session), Limited: rs.Limited, Gates: rs.Gates, Checklist: checklistJSON(rs.Checklist),
		Order: orderJSON(rs.Order), Observations: []apiObservation{}, Reviews: []map[string]any{}, Administrations: []map[string]any{},
		DoseBlockers: rs.Blockers, Due: []map[string]any{}, DischargeFrom: timeOrEmpty(rs.DischargeFrom), Discharge: dischargeJSON(rs.Discharge),
		Addenda: []map[string]any{}, Rules: map[string]int{"peak_after_minutes": rs.Rules.PeakAfterMinutes, "observe_minutes": rs.Rules.ObserveMinutes,
			"remote_check_minutes": rs.Rules.RemoteCheckMinutes}}
	if out.Gates == nil {
		out.Gates = []journey.Gate{}
	}
	if out.DoseBlockers == nil {
		out.DoseBlockers = []journey.Gate{}
	}
	for _, o := range rs.Observations {
		out.Observations = append(out.Observations, observationJSON(o))
	}
	for _, rv := range rs.Reviews {
		out.Reviews = append(out.Reviews, map[string]any{"id": rv.ID, "observation_id": rv.ObservationID, "note": rv.Note, "by": rv.By, "at": rfc3339(rv.At)})
	}
	for _, a := range rs.Administrations {
		m := map[string]any{"id": a.ID, "administered_at": rfc3339(a.AdministeredAt), "booster": a.Booster}
		if !rs.Limited {
			m["dose_mg"], m["route"], m["self_administered"], m["by"] = a.DoseMg, a.Route, a.SelfAdmin, a.By
			if a.ContainerID != 0 {
				m["container_id"] = a.ContainerID
			}
		}
		out.Administrations = append(out.Administrations, m)
	}
	for _, d := range rs.Due {
		out.Due = append(out.Due, map[string]any{"phase": d.Phase, "due": rfc3339(d.Due), "overdue": d.Overdue})
	}
	for _, a := range rs.Addenda {
		out.Addenda = append(out.Addenda, map[string]any{"id": a.ID, "text": a.Text, "by": a.By, "at": rfc3339(a.At)})
	}
	return out
}
