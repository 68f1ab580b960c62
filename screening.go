package journey

import "time"

// Finding kinds, most serious first (docs/clinical-defaults.md).
const (
	FindingHardStop = "hard_stop"         // no dose unless a prescriber overrides, with a reason
	FindingReview   = "prescriber_review" // needs the prescriber's sign-off
	FindingWarn     = "warn"              // shown and acknowledged
)

// FindingKinds lists the kinds, most serious first.
var FindingKinds = []string{FindingHardStop, FindingReview, FindingWarn}

// KindRank orders kinds: 0 for a hard stop, 1 review, 2 warn, 3 anything else.
func KindRank(kind string) int {
	for i, k := range FindingKinds {
		if k == kind {
			return i
		}
	}
	return len(FindingKinds)
}

// Finding is one thing screening found, with its reason in plain words and
// the source of the rule that raised it.
type Finding struct {
	Code   string `json:"code"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Source string `json:"source"`
	// Acknowledged is set on a decision's copy of a finding the provider
	// ticked as considered on the decision screen.
	Acknowledged bool `json:"acknowledged,omitempty"`
}

// Rule is one screening default as data. An admin can change its kind, turn
// it off or change its threshold; each change makes a new RuleSet version.
type Rule struct {
	Code      string   `json:"code"`
	Kind      string   `json:"kind"`
	Enabled   bool     `json:"enabled"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail"` // why it matters, in plain words
	Source    string   `json:"source"`
	Threshold *float64 `json:"threshold,omitempty"` // the rule's number, when it has one
	Unit      string   `json:"unit,omitempty"`      // what Threshold counts: "mg/day diazepam-equivalent", "months", "years", "mmHg"
	// Threshold2 is a second number where a rule needs two (a diastolic
	// limit beside the systolic one).
	Threshold2 *float64 `json:"threshold2,omitempty"`
}

// RuleSet is one version of the screening rules.
type RuleSet struct {
	Version   int       `json:"version"`
	Rules     []Rule    `json:"rules"`
	Note      string    `json:"note,omitempty"` // why it changed
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Rule returns the rule with code, or nil.
func (rs *RuleSet) Rule(code string) *Rule {
	for i := range rs.Rules {
		if rs.Rules[i].Code == code {
			return &rs.Rules[i]
		}
	}
	return nil
}

// Screening statuses, as the API names them.
const (
	ScreeningIncomplete     = "incomplete"      // intake or measures missing
	ScreeningAwaitingReview = "awaiting_review" // complete; the prescriber has not decided
	ScreeningCleared        = "cleared"
	ScreeningDeclined       = "declined"
	ScreeningNeedsInfo      = "needs_info"
)

// Screening is a client's current screening state: the findings of the
// latest evaluation and the prescriber's latest decision.
type Screening struct {
	ClientID       int64      `json:"client_id"`
	Status         string     `json:"status"`
	Findings       []Finding  `json:"findings"`
	Missing        []string   `json:"missing"` // what the client has still to do, in words
	RuleSetVersion int        `json:"rule_set_version"`
	EvaluatedAt    time.Time  `json:"evaluated_at"`
	ClearedUntil   *time.Time `json:"cleared_until"`
}

// Worst returns the rank (KindRank) of the most serious finding, 3 when
// there are none.
func (s *Screening) Worst() int {
	w := len(FindingKinds)
	for _, f := range s.Findings {
		w = min(w, KindRank(f.Kind))
	}
	return w
}

// HasHardStop reports whether any finding is a hard stop.
func (s *Screening) HasHardStop() bool { return s.Worst() == 0 }

// RequiredQuestionnaires must be completed before intake counts as done.
var RequiredQuestionnaires = []string{QuestionnairePHQ9, QuestionnaireGAD7, QuestionnairePCL5, QuestionnaireCSSRS}

// ScreeningStatus derives a client's screening status from what they have
// still to do, the current findings and the prescriber's latest decision
// (nil when none). A clearance stands only while the findings are ones the
// prescriber saw: a new hard stop or a new finding for prescriber review
// (a pregnancy, a new medication) sends the client back to review.
func ScreeningStatus(missing []string, findings []Finding, last *Clearance, now time.Time) string {
	if last != nil {
		switch last.Decision {
		case DecisionDeclined:
			return ScreeningDeclined
		case DecisionCleared:
			if last.ClearedUntil.After(now) && !NewFindings(findings, last.Findings) {
				return ScreeningCleared
			}
		case DecisionNeedsInfo:
			if last.RepliedAt.IsZero() {
				return ScreeningNeedsInfo
			}
		}
	}
	if len(missing) > 0 {
		return ScreeningIncomplete
	}
	return ScreeningAwaitingReview
}

// IntakeClosed reports whether a client whose screening reads status may
// no longer change their intake: the medical provider has cleared or
// declined them on it, and the decision rests on those answers. A client
// asked for more information may change them, and so may one whose
// clearance lapsed, who is back in review.
func IntakeClosed(status string) bool {
	return status == ScreeningCleared || status == ScreeningDeclined
}

// ErrIntakeClosed returns the refusal of a change to a closed intake
// (IntakeClosed): a conflict that says what to do instead.
func ErrIntakeClosed() error {
	return Errorf(ECONFLICT, "The medical provider has made a decision on your answers, so they can no longer be changed here. "+
		"If something has changed, contact the practice.")
}

// NewFindings reports whether now holds a hard stop or a finding for
// prescriber review that seen did not, by code and kind.
func NewFindings(now, seen []Finding) bool {
	for _, f := range now {
		if f.Kind != FindingHardStop && f.Kind != FindingReview {
			continue
		}
		known := false
		for _, g := range seen {
			known = known || (g.Code == f.Code && KindRank(g.Kind) <= KindRank(f.Kind))
		}
		if !known {
			return true
		}
	}
	return false
}
