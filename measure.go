package journey

import "time"

// Questionnaire codes Journey ships (docs/clinical-defaults.md).
const (
	QuestionnairePHQ9  = "phq-9"
	QuestionnaireGAD7  = "gad-7"
	QuestionnairePCL5  = "pcl-5"
	QuestionnaireCSSRS = "c-ssrs-screener"
)

// Flags a scored response can raise.
const (
	FlagPHQ9Item9        = "phq9-item9"         // any answer above 0 on PHQ-9 item 9
	FlagCSSRSHighRisk    = "cssrs-high-risk"    // C-SSRS screener: Q4 or Q5 yes, or behaviour in 3 months
	FlagPCL5ProbablePTSD = "pcl5-probable-ptsd" // PCL-5 total at or above the cut-off
)

// SafetyFlags are the flags that show the client crisis resources at once
// and raise an urgent alert for the care team.
var SafetyFlags = []string{FlagPHQ9Item9, FlagCSSRSHighRisk}

// Skipped is the answer recorded for an item that skip logic left out.
const Skipped = -1

// Questionnaire is one version of a measurement instrument, held as data:
// its items, answer options and bands. Scoring rules that are more than a
// sum (flags, clusters, skip logic) live in code beside the definitions.
type Questionnaire struct {
	Code         string `json:"code"`
	Version      int    `json:"version"`
	Title        string `json:"title"`
	Instructions string `json:"instructions"`
	Recall       string `json:"recall"`  // "the last 2 weeks"
	Licence      string `json:"licence"` // who owns it and on what terms Journey ships its text
	Items        []Item `json:"items"`
	Bands        []Band `json:"bands,omitempty"`
	MaxScore     int    `json:"max_score"`
}

// Item is one question. Options are the answers it accepts.
type Item struct {
	Key     string   `json:"key"` // "1", "2", … as the instrument numbers them
	Text    string   `json:"text"`
	Options []Option `json:"options"`
	Scored  bool     `json:"scored"`            // counts towards the total
	Cluster string   `json:"cluster,omitempty"` // PCL-5 symptom cluster (B, C, D, E)
	// AskIf names earlier items (by index) of which at least one must have
	// been answered with a value in AskIfValues for this item to be asked;
	// empty means always asked. An item not asked is recorded as Skipped.
	AskIf       []int `json:"ask_if,omitempty"`
	AskIfValues []int `json:"ask_if_values,omitempty"`
}

// Option is one answer an item accepts.
type Option struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

// Band names a range of totals, inclusive at both ends.
type Band struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Code  string `json:"code"`  // "moderately-severe"
	Label string `json:"label"` // "Moderately severe"
}

// Score is the result of scoring one set of answers.
type Score struct {
	Total    int            `json:"score"`
	Band     string         `json:"band,omitempty"`
	Flags    []string       `json:"flags"`
	Clusters map[string]int `json:"clusters,omitempty"`
}

// Response is one completed questionnaire for a client.
type Response struct {
	ID             int64
	ClientID       int64
	Questionnaire  string
	Version        int
	Answers        []int // one per item; Skipped where skip logic left it out
	Score          Score
	AdministeredBy int64 // the user who submitted it: the client, or a clinician in session
	CreatedAt      time.Time
}

// HasSafetyFlag reports whether the response raised a flag that needs an
// immediate safety follow-up.
func (r *Response) HasSafetyFlag() bool {
	for _, f := range r.Score.Flags {
		for _, s := range SafetyFlags {
			if f == s {
				return true
			}
		}
	}
	return false
}
