package measure

import "github.com/journey-kap/journey"

// FlagPCL5ProvisionalPTSD is raised when PCL-5 answers meet the DSM-5
// provisional diagnosis rule: counting an item as endorsed when it is
// answered 2 (Moderately) or more, at least 1 B item, 1 C item, 2 D items and
// 2 E items are endorsed.
const FlagPCL5ProvisionalPTSD = "pcl5-provisional-ptsd"

// Risk levels of the C-SSRS screener, given as Score.Band.
const (
	CSSRSNoRisk       = "no-risk"       // every answer no
	CSSRSLowRisk      = "low-risk"      // yes to question 1 or 2 only
	CSSRSModerateRisk = "moderate-risk" // yes to question 3, or behaviour more than 3 months ago
	CSSRSHighRisk     = "high-risk"     // yes to question 4 or 5, or behaviour in the past 3 months
)

// DefaultPCL5Cutoff is the PCL-5 total at or above which PTSD is probable.
// Published cut-offs range from 31 to 33; a practice may choose.
const DefaultPCL5Cutoff = 33

// Options are the scoring settings a practice may change.
type Options struct {
	// PCL5Cutoff is the PCL-5 total at or above which
	// journey.FlagPCL5ProbablePTSD is raised; 0 or less means
	// DefaultPCL5Cutoff.
	PCL5Cutoff int
}

// DefaultOptions are the settings Score uses.
var DefaultOptions = Options{PCL5Cutoff: DefaultPCL5Cutoff}

// pcl5Cutoff is the cut-off o asks for, or the default.
func (o Options) pcl5Cutoff() int {
	if o.PCL5Cutoff <= 0 {
		return DefaultPCL5Cutoff
	}
	return o.PCL5Cutoff
}

// Score checks answers against q and scores them with DefaultOptions.
func Score(q *journey.Questionnaire, answers []int) (journey.Score, error) {
	return ScoreWith(q, answers, DefaultOptions)
}

// ScoreWith checks answers against q and scores them: Total is the sum of
// the scored items (a skipped item counts 0), Band the code of the q.Bands
// entry that holds the total (for the C-SSRS screener, its risk level), Clusters the per-cluster sums when items have clusters,
// and Flags (never nil) what the instrument's rules raise. Bad answers give
// an EINVALID *journey.Error with one journey.FieldError per bad item:
// "answers" for a wrong count, "answers[i]" (0-based) for item i.
func ScoreWith(q *journey.Questionnaire, answers []int, opts Options) (journey.Score, error) {
	if q == nil {
		return journey.Score{}, journey.Errorf(journey.EINVALID, "Unknown questionnaire.")
	}
	if err := validate(q, answers); err != nil {
		return journey.Score{}, err
	}
	s := journey.Score{Total: total(q, answers), Flags: []string{}, Clusters: clusters(q, answers)}
	s.Band = band(q.Bands, s.Total)
	if rule, ok := rules[q.Code]; ok {
		rule(q, answers, opts, &s)
	}
	return s, nil
}

// total sums the answers to scored items, skipped ones counting 0.
func total(q *journey.Questionnaire, answers []int) int {
	sum := 0
	for i, it := range q.Items {
		if it.Scored && answers[i] != journey.Skipped {
			sum += answers[i]
		}
	}
	return sum
}

// clusters sums the scored answers by item cluster; nil when q has none.
func clusters(q *journey.Questionnaire, answers []int) map[string]int {
	var sums map[string]int
	for i, it := range q.Items {
		if it.Cluster == "" || !it.Scored {
			continue
		}
		if sums == nil {
			sums = map[string]int{}
		}
		v := answers[i]
		if v == journey.Skipped {
			v = 0
		}
		sums[it.Cluster] += v
	}
	return sums
}

// band returns the code of the band that holds total, or "".
func band(bands []journey.Band, total int) string {
	for _, b := range bands {
		if b.Min <= total && total <= b.Max {
			return b.Code
		}
	}
	return ""
}

// rule adds an instrument's flags (and, where it has no bands, its band) to
// a score whose answers have been checked.
type rule func(q *journey.Questionnaire, answers []int, opts Options, s *journey.Score)

// rules are the scoring rules that are more than a sum, by questionnaire
// code. They apply to every version of the code.
var rules = map[string]rule{
	journey.QuestionnairePHQ9:  phq9Rule,
	journey.QuestionnairePCL5:  pcl5Rule,
	journey.QuestionnaireCSSRS: cssrsRule,
}

// answer returns the answer to the item with the given key, or Skipped.
func answer(q *journey.Questionnaire, answers []int, key string) int {
	for i, it := range q.Items {
		if it.Key == key {
			return answers[i]
		}
	}
	return journey.Skipped
}

// phq9Rule flags any answer above 0 on item 9, whatever the total.
func phq9Rule(q *journey.Questionnaire, answers []int, _ Options, s *journey.Score) {
	if answer(q, answers, "9") > 0 {
		s.Flags = append(s.Flags, journey.FlagPHQ9Item9)
	}
}

// pcl5Minimum is how many items of each cluster the provisional diagnosis
// rule needs endorsed.
var pcl5Minimum = map[string]int{"B": 1, "C": 1, "D": 2, "E": 2}

// pcl5Rule flags a total at or above the cut-off, and the provisional
// diagnosis rule.
func pcl5Rule(q *journey.Questionnaire, answers []int, opts Options, s *journey.Score) {
	if s.Total >= opts.pcl5Cutoff() {
		s.Flags = append(s.Flags, journey.FlagPCL5ProbablePTSD)
	}
	endorsed := map[string]int{}
	for i, it := range q.Items {
		if it.Cluster != "" && answers[i] >= 2 {
			endorsed[it.Cluster]++
		}
	}
	for c, need := range pcl5Minimum {
		if endorsed[c] < need {
			return
		}
	}
	s.Flags = append(s.Flags, FlagPCL5ProvisionalPTSD)
}

// cssrsRule sets the risk level as the band and flags high risk.
func cssrsRule(q *journey.Questionnaire, answers []int, _ Options, s *journey.Score) {
	s.Band = cssrsRisk(func(key string) int { return answer(q, answers, key) })
	if s.Band == CSSRSHighRisk {
		s.Flags = append(s.Flags, journey.FlagCSSRSHighRisk)
	}
}

// cssrsRisk is the screener's risk level from the answers by item key.
func cssrsRisk(a func(key string) int) string {
	yes := func(key string) bool { return a(key) == 1 }
	switch {
	case yes("4") || yes("5") || a("6") == 2:
		return CSSRSHighRisk
	case yes("3") || a("6") == 1:
		return CSSRSModerateRisk
	case yes("1") || yes("2"):
		return CSSRSLowRisk
	}
	return CSSRSNoRisk
}
