package journey

import (
	"fmt"
	"time"
)

// The medicine session's record: the prescriber's order, the checklist
// before the dose, timed observations checked against the practice's
// thresholds, each administration, and discharge. Every value is checked
// against a range that is a practice setting (MonitoringRules), never
// medical advice written into code.

// Order is a medical provider's order for one medicine session.
type Order struct {
	ID           int64     `json:"id"`
	SessionID    int64     `json:"session_id"`
	Route        string    `json:"route"`       // RouteLozenge or RouteIM
	Formulation  string    `json:"formulation"` // e.g. "ketamine HCl lozenge" or "ketamine HCl 50 mg/mL injection"
	StrengthMg   float64   `json:"strength_mg"` // per unit (lozenge) or per mL (injection)
	DoseMg       float64   `json:"dose_mg"`
	WeightKg     float64   `json:"weight_kg"` // the client's latest weight the order was made against
	MgPerKg      float64   `json:"mg_per_kg"`
	BoosterMg    float64   `json:"booster_mg,omitempty"` // a further partial dose the order allows; 0: none
	BoosterAfter int       `json:"booster_after_minutes,omitempty"`
	MaxTotalMg   float64   `json:"max_total_mg"` // the most the session may give in all
	Titration    string    `json:"titration,omitempty"`
	Override     string    `json:"-"` // the reason for going past a bound; sealed
	Warnings     []string  `json:"warnings"`
	OrderedBy    int64     `json:"ordered_by"`
	OrderedAt    time.Time `json:"ordered_at"`
}

// Observation phases.
const (
	PhasePreDose      = "pre-dose"
	PhasePeak         = "peak"
	PhaseInterval     = "interval"
	PhasePreDischarge = "pre-discharge"
)

// Flag actions, from the strongest.
const (
	ActionHold     = "hold"     // no dose until resolved
	ActionEscalate = "escalate" // tell the medical provider now
	ActionReview   = "review"   // re-measure and the prescriber reviews before the dose
	ActionFlag     = "flag"     // noted on the run sheet
)

// Observation is one timed set of vitals on the run sheet. A zero pointer
// is a value not taken.
type Observation struct {
	ID           int64     `json:"id"`
	SessionID    int64     `json:"session_id"`
	Phase        string    `json:"phase"`
	TakenAt      time.Time `json:"taken_at"`
	Systolic     *int      `json:"systolic,omitempty"`
	Diastolic    *int      `json:"diastolic,omitempty"`
	HeartRate    *int      `json:"heart_rate,omitempty"`
	SpO2         *int      `json:"spo2,omitempty"`
	RespRate     *int      `json:"resp_rate,omitempty"`
	Sedation     *int      `json:"sedation,omitempty"`     // MOAA/S 0–5
	Dissociation *int      `json:"dissociation,omitempty"` // CADSS-6 total, where licensed
	Remote       bool      `json:"remote,omitempty"`       // read out by the client in a remote session
	Flags        []Flag    `json:"flags"`
	By           int64     `json:"by"`
}

// Flag is what a threshold says of an observation.
type Flag struct {
	Code     string `json:"code"`
	Action   string `json:"action"`
	Detail   string `json:"detail"`
	Resolved bool   `json:"resolved,omitempty"`
}

// MonitoringRules are the practice's thresholds for a medicine session.
type MonitoringRules struct {
	ReviewSystolic, ReviewDiastolic int // before the dose, above → re-measure and review (140/90)
	HoldSystolic, HoldDiastolic     int // before the dose, at or above → hold (180/100)
	HoldHRLow, HoldHRHigh           int // before the dose, below/above → hold (45, 120)
	HoldRRLow, HoldRRHigh           int // before the dose, below/above → hold (10, 30)
	HoldSpO2                        int // before the dose, below → hold (92)
	EscalateSpO2                    int // during, below → escalate (90)
	RiseSystolic, RiseDiastolic     int // during, a rise over baseline of at least → flag (40, 25)
	PeakAfterMinutes                int // the peak check is due this long after the dose (40)
	ObserveMinutes                  int // the least time from the dose to discharge (120)
	RemoteCheckMinutes              int // the monitor's visual check-ins in a remote session (15)
	LozengeMinMg, LozengeMaxMg      float64
	IMWarnMgPerKg                   float64 // 1.0
	IMCapMgPerKg                    float64 // the medical director's hard cap
}

// DefaultMonitoringRules returns Journey's defaults.
func DefaultMonitoringRules() MonitoringRules {
	return MonitoringRules{
		ReviewSystolic: 140, ReviewDiastolic: 90, HoldSystolic: 180, HoldDiastolic: 100,
		HoldHRLow: 45, HoldHRHigh: 120, HoldRRLow: 10, HoldRRHigh: 30, HoldSpO2: 92, EscalateSpO2: 90,
		RiseSystolic: 40, RiseDiastolic: 25, PeakAfterMinutes: 40, ObserveMinutes: 120, RemoteCheckMinutes: 15,
		LozengeMinMg: 50, LozengeMaxMg: 400, IMWarnMgPerKg: 1.0, IMCapMgPerKg: 2.0,
	}
}

// VitalRange is the range a value must fall in to be possible at all; a
// value outside is refused with the range in the message.
type VitalRange struct {
	Field    string
	Label    string
	Min, Max int
}

// VitalRanges are the possible ranges of each vital.
var VitalRanges = []VitalRange{
	{"systolic", "Systolic pressure", 50, 300},
	{"diastolic", "Diastolic pressure", 20, 200},
	{"heart_rate", "Heart rate", 20, 250},
	{"spo2", "SpO2", 50, 100},
	{"resp_rate", "Respiratory rate", 2, 80},
	{"sedation", "Sedation (MOAA/S)", 0, 5},
	{"dissociation", "Dissociation (CADSS-6)", 0, 24},
}

// CheckRange returns the message for a value outside r.
func (r VitalRange) CheckRange(v int) string {
	if v < r.Min || v > r.Max {
		return fmt.Sprintf("%s must be between %d and %d.", r.Label, r.Min, r.Max)
	}
	return ""
}

// Checklist is what must be true before the dose.
type Checklist struct {
	Fasted        bool      `json:"fasted"`         // per the practice's rule
	RideHome      bool      `json:"ride_home"`      // or, remote, the monitor present
	NoDriving     bool      `json:"no_driving"`     // told: no driving until the next day after sleep
	ConsentActive bool      `json:"consent_active"` // consent current (checked, not ticked)
	Intention     string    `json:"intention"`      // the client's intention for the session; sealed
	By            int64     `json:"by"`
	At            time.Time `json:"at"`
}

// Administration is one dose given (or taken by the client, observed).
type Administration struct {
	ID             int64     `json:"id"`
	SessionID      int64     `json:"session_id"`
	OrderID        int64     `json:"order_id"`
	DoseMg         float64   `json:"dose_mg"`
	Route          string    `json:"route"`
	ContainerID    int64     `json:"container_id,omitempty"` // practice stock; 0 for the client's own prescription
	Amount         float64   `json:"amount"`                 // in the container's unit (mL or count)
	Pharmacy       string    `json:"pharmacy,omitempty"`     // client's own prescription
	PrescriptionNo string    `json:"prescription_number,omitempty"`
	SelfAdmin      bool      `json:"self_administered,omitempty"`
	AdministeredAt time.Time `json:"administered_at"`
	By             int64     `json:"by"` // who gave it, or observed it
	Booster        bool      `json:"booster,omitempty"`
}

// Discharge items, all required.
type Discharge struct {
	VitalsAcceptable bool      `json:"vitals_acceptable"`
	AlertOriented    bool      `json:"alert_oriented"`
	WalksSafely      bool      `json:"walks_safely"`
	DissociationGone bool      `json:"dissociation_resolved"`
	Escort           bool      `json:"escort"` // leaves with a responsible adult; remote: the monitor confirmed
	NoDriving        bool      `json:"no_driving"`
	Override         string    `json:"-"` // the medical provider's reason to discharge before the observation time; sealed
	At               time.Time `json:"at"`
	By               int64     `json:"by"`
}
