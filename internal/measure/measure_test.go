package measure_test

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
)

// S is short for journey.Skipped in answer tables.
const S = journey.Skipped

func mustFind(t *testing.T, code string) *journey.Questionnaire {
	t.Helper()
	q, ok := measure.Find(code)
	if !ok {
		t.Fatalf("Find(%q): not found", code)
	}
	return q
}

// fill returns n answers summing to total, each at most per, filled from the
// first item on, so the last items stay 0 as long as they can.
func fill(n, per, total int) []int {
	a := make([]int, n)
	for i := range a {
		a[i] = min(per, total)
		total -= a[i]
	}
	if total != 0 {
		panic("fill: total too large")
	}
	return a
}

func mustScore(t *testing.T, q *journey.Questionnaire, answers []int, opts measure.Options) journey.Score {
	t.Helper()
	s, err := measure.ScoreWith(q, answers, opts)
	if err != nil {
		t.Fatalf("ScoreWith(%s, %v): %v", q.Code, answers, err)
	}
	if s.Flags == nil {
		t.Errorf("ScoreWith(%s, %v): Flags is nil, want a non-nil slice", q.Code, answers)
	}
	return s
}

func sameFlags(got, want []string) bool {
	return slices.Equal(got, want) || (len(got) == 0 && len(want) == 0)
}

func TestPHQ9Bands(t *testing.T) {
	q := mustFind(t, journey.QuestionnairePHQ9)
	tests := []struct {
		total int
		band  string
		flag  bool // item 9 > 0: fill only reaches item 9 above 24
	}{
		{0, "minimal", false},
		{4, "minimal", false},
		{5, "mild", false},
		{9, "mild", false},
		{10, "moderate", false},
		{14, "moderate", false},
		{15, "moderately-severe", false},
		{19, "moderately-severe", false},
		{20, "severe", false},
		{24, "severe", false},
		{25, "severe", true},
		{27, "severe", true},
	}
	for _, tt := range tests {
		answers := fill(9, 3, tt.total)
		s := mustScore(t, q, answers, measure.DefaultOptions)
		if s.Total != tt.total || s.Band != tt.band {
			t.Errorf("%v: got total %d band %q, want %d %q", answers, s.Total, s.Band, tt.total, tt.band)
		}
		if got := slices.Contains(s.Flags, journey.FlagPHQ9Item9); got != tt.flag {
			t.Errorf("%v: item-9 flag %v, want %v (flags %v)", answers, got, tt.flag, s.Flags)
		}
		if s.Clusters != nil {
			t.Errorf("%v: Clusters = %v, want nil", answers, s.Clusters)
		}
	}
}

func TestPHQ9Item9(t *testing.T) {
	q := mustFind(t, journey.QuestionnairePHQ9)
	tests := []struct {
		name    string
		answers []int
		total   int
		band    string
		flags   []string
	}{
		{"item 9 = 1 alone", []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, 1, "minimal", []string{journey.FlagPHQ9Item9}},
		{"item 9 = 3 alone", []int{0, 0, 0, 0, 0, 0, 0, 0, 3}, 3, "minimal", []string{journey.FlagPHQ9Item9}},
		{"item 9 = 0, rest 3", []int{3, 3, 3, 3, 3, 3, 3, 3, 0}, 24, "severe", nil},
		{"item 8 = 3 only", []int{0, 0, 0, 0, 0, 0, 0, 3, 0}, 3, "minimal", nil},
	}
	for _, tt := range tests {
		s, err := measure.Score(q, tt.answers)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if s.Total != tt.total || s.Band != tt.band || !sameFlags(s.Flags, tt.flags) {
			t.Errorf("%s: got %d %q %v, want %d %q %v", tt.name, s.Total, s.Band, s.Flags, tt.total, tt.band, tt.flags)
		}
		if got := (&journey.Response{Score: s}).HasSafetyFlag(); got != (len(tt.flags) > 0) {
			t.Errorf("%s: HasSafetyFlag = %v with flags %v", tt.name, got, s.Flags)
		}
	}
}

func TestGAD7Bands(t *testing.T) {
	q := mustFind(t, journey.QuestionnaireGAD7)
	tests := []struct {
		total int
		band  string
	}{
		{0, "minimal"}, {4, "minimal"}, {5, "mild"}, {9, "mild"},
		{10, "moderate"}, {14, "moderate"}, {15, "severe"}, {21, "severe"},
	}
	for _, tt := range tests {
		answers := fill(7, 3, tt.total)
		s := mustScore(t, q, answers, measure.DefaultOptions)
		if s.Total != tt.total || s.Band != tt.band || len(s.Flags) != 0 {
			t.Errorf("%v: got %d %q %v, want %d %q no flags", answers, s.Total, s.Band, s.Flags, tt.total, tt.band)
		}
	}
}

// pcl joins per-cluster answers (B 5, C 2, D 7, E 6 items), padding each
// cluster with zeros.
func pcl(b, c, d, e []int) []int {
	var a []int
	for _, part := range []struct {
		v []int
		n int
	}{{b, 5}, {c, 2}, {d, 7}, {e, 6}} {
		if len(part.v) > part.n {
			panic("pcl: cluster too long")
		}
		a = append(a, part.v...)
		a = append(a, make([]int, part.n-len(part.v))...)
	}
	return a
}

func TestPCL5(t *testing.T) {
	q := mustFind(t, journey.QuestionnairePCL5)
	probable, provisional := journey.FlagPCL5ProbablePTSD, measure.FlagPCL5ProvisionalPTSD
	tests := []struct {
		name     string
		answers  []int
		opts     measure.Options
		total    int
		clusters map[string]int
		flags    []string
	}{
		{"32, below the cut-off", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{4}, nil), measure.DefaultOptions,
			32, map[string]int{"B": 20, "C": 8, "D": 4, "E": 0}, nil},
		{"33, at the cut-off", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{4}, []int{1}), measure.DefaultOptions,
			33, map[string]int{"B": 20, "C": 8, "D": 4, "E": 1}, []string{probable}},
		{"zero Options means the default cut-off", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{4}, []int{1}), measure.Options{},
			33, map[string]int{"B": 20, "C": 8, "D": 4, "E": 1}, []string{probable}},
		{"zero Options, 32", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{4}, nil), measure.Options{},
			32, map[string]int{"B": 20, "C": 8, "D": 4, "E": 0}, nil},
		{"cluster sums, 1s not endorsed", pcl([]int{1, 1, 1, 1, 1}, []int{2, 2}, []int{3, 3, 3, 3, 3, 3, 3}, []int{4, 4, 4, 4, 4, 4}),
			measure.DefaultOptions, 54, map[string]int{"B": 5, "C": 4, "D": 21, "E": 24}, []string{probable}},
		{"provisional rule met at its minimum", pcl([]int{2}, []int{2}, []int{2, 2}, []int{2, 2}), measure.DefaultOptions,
			12, map[string]int{"B": 2, "C": 2, "D": 4, "E": 4}, []string{provisional}},
		{"provisional rule: B short", pcl([]int{1, 1, 1, 1, 1}, []int{2}, []int{2, 2}, []int{2, 2}), measure.DefaultOptions,
			15, map[string]int{"B": 5, "C": 2, "D": 4, "E": 4}, nil},
		{"provisional rule: C short", pcl([]int{2}, []int{1, 1}, []int{2, 2}, []int{2, 2}), measure.DefaultOptions,
			12, map[string]int{"B": 2, "C": 2, "D": 4, "E": 4}, nil},
		{"provisional rule: D short", pcl([]int{2}, []int{2}, []int{2, 1, 1, 1, 1, 1, 1}, []int{2, 2}), measure.DefaultOptions,
			16, map[string]int{"B": 2, "C": 2, "D": 8, "E": 4}, nil},
		{"provisional rule: E short", pcl([]int{2}, []int{2}, []int{2, 2}, []int{2, 1, 1, 1, 1, 1}), measure.DefaultOptions,
			15, map[string]int{"B": 2, "C": 2, "D": 4, "E": 7}, nil},
		{"maximum", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{4, 4, 4, 4, 4, 4, 4}, []int{4, 4, 4, 4, 4, 4}), measure.DefaultOptions,
			80, map[string]int{"B": 20, "C": 8, "D": 28, "E": 24}, []string{probable, provisional}},
		{"cut-off 31, total 31", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{3}, nil), measure.Options{PCL5Cutoff: 31},
			31, map[string]int{"B": 20, "C": 8, "D": 3, "E": 0}, []string{probable}},
		{"cut-off 31, total 30", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{2}, nil), measure.Options{PCL5Cutoff: 31},
			30, map[string]int{"B": 20, "C": 8, "D": 2, "E": 0}, nil},
		{"default cut-off, total 31", pcl([]int{4, 4, 4, 4, 4}, []int{4, 4}, []int{3}, nil), measure.DefaultOptions,
			31, map[string]int{"B": 20, "C": 8, "D": 3, "E": 0}, nil},
	}
	for _, tt := range tests {
		s := mustScore(t, q, tt.answers, tt.opts)
		if s.Total != tt.total || s.Band != "" || !maps.Equal(s.Clusters, tt.clusters) || !sameFlags(s.Flags, tt.flags) {
			t.Errorf("%s: got total %d band %q clusters %v flags %v; want %d \"\" %v %v",
				tt.name, s.Total, s.Band, s.Clusters, s.Flags, tt.total, tt.clusters, tt.flags)
		}
	}
}

func TestScoreUsesDefaultCutoff(t *testing.T) {
	q := mustFind(t, journey.QuestionnairePCL5)
	for _, total := range []int{32, 33} {
		answers := fill(20, 4, total)
		s, err := measure.Score(q, answers)
		if err != nil {
			t.Fatal(err)
		}
		want := total >= measure.DefaultPCL5Cutoff
		if got := slices.Contains(s.Flags, journey.FlagPCL5ProbablePTSD); got != want {
			t.Errorf("Score, total %d: probable flag %v, want %v", total, got, want)
		}
	}
}

func TestCSSRS(t *testing.T) {
	q := mustFind(t, journey.QuestionnaireCSSRS)
	high := []string{journey.FlagCSSRSHighRisk}
	tests := []struct {
		name    string
		answers []int
		band    string
		flags   []string
	}{
		{"all no", []int{0, 0, S, S, S, 0}, measure.CSSRSNoRisk, nil},
		{"Q1 yes, Q2 no, Q3-5 skipped", []int{1, 0, S, S, S, 0}, measure.CSSRSLowRisk, nil},
		{"Q2 yes, Q3-5 no", []int{0, 1, 0, 0, 0, 0}, measure.CSSRSLowRisk, nil},
		{"Q3 yes", []int{1, 1, 1, 0, 0, 0}, measure.CSSRSModerateRisk, nil},
		{"Q6 more than 3 months ago", []int{0, 0, S, S, S, 1}, measure.CSSRSModerateRisk, nil},
		{"Q4 yes", []int{1, 1, 0, 1, 0, 0}, measure.CSSRSHighRisk, high},
		{"Q5 yes", []int{1, 1, 0, 0, 1, 0}, measure.CSSRSHighRisk, high},
		{"Q6 in the past 3 months", []int{0, 0, S, S, S, 2}, measure.CSSRSHighRisk, high},
		{"everything yes", []int{1, 1, 1, 1, 1, 2}, measure.CSSRSHighRisk, high},
	}
	for _, tt := range tests {
		s := mustScore(t, q, tt.answers, measure.DefaultOptions)
		if s.Band != tt.band || !sameFlags(s.Flags, tt.flags) || s.Total != 0 {
			t.Errorf("%s: got band %q flags %v total %d, want %q %v 0", tt.name, s.Band, s.Flags, s.Total, tt.band, tt.flags)
		}
		if got := (&journey.Response{Score: s}).HasSafetyFlag(); got != (len(tt.flags) > 0) {
			t.Errorf("%s: HasSafetyFlag = %v", tt.name, got)
		}
	}
}

// fe is a journey.FieldError, keyed for vet.
func fe(field, detail string) journey.FieldError {
	return journey.FieldError{Field: field, Detail: detail}
}

func TestScoreRefuses(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		answers []int
		want    []journey.FieldError
	}{
		{"PHQ-9 short", journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0},
			[]journey.FieldError{fe("answers", "PHQ-9 has 9 items; got 8 answers.")}},
		{"PHQ-9 one answer", journey.QuestionnairePHQ9, []int{0},
			[]journey.FieldError{fe("answers", "PHQ-9 has 9 items; got 1 answer.")}},
		{"PHQ-9 none", journey.QuestionnairePHQ9, nil,
			[]journey.FieldError{fe("answers", "PHQ-9 has 9 items; got 0 answers.")}},
		{"GAD-7 long", journey.QuestionnaireGAD7, []int{0, 0, 0, 0, 0, 0, 0, 0},
			[]journey.FieldError{fe("answers", "GAD-7 has 7 items; got 8 answers.")}},
		{"PHQ-9 item 9 out of range", journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 4},
			[]journey.FieldError{fe("answers[8]", "Item 9: choose one of 0, 1, 2, 3.")}},
		{"PHQ-9 every bad item", journey.QuestionnairePHQ9, []int{S, 0, 5, 0, 0, 0, 0, -2, 4},
			[]journey.FieldError{
				fe("answers[0]", "Item 1 must be answered."),
				fe("answers[2]", "Item 3: choose one of 0, 1, 2, 3."),
				fe("answers[7]", "Item 8: choose one of 0, 1, 2, 3."),
				fe("answers[8]", "Item 9: choose one of 0, 1, 2, 3."),
			}},
		{"PCL-5 item 20 out of range", journey.QuestionnairePCL5, append(make([]int, 19), 5),
			[]journey.FieldError{fe("answers[19]", "Item 20: choose one of 0, 1, 2, 3, 4.")}},
		{"C-SSRS Q2 no but Q4 answered", journey.QuestionnaireCSSRS, []int{0, 0, S, 0, S, 0},
			[]journey.FieldError{fe("answers[3]", "Item 4 is only asked when item 2 is yes; leave it out.")}},
		{"C-SSRS Q2 no but Q3-5 answered", journey.QuestionnaireCSSRS, []int{1, 0, 1, 0, 1, 0},
			[]journey.FieldError{
				fe("answers[2]", "Item 3 is only asked when item 2 is yes; leave it out."),
				fe("answers[3]", "Item 4 is only asked when item 2 is yes; leave it out."),
				fe("answers[4]", "Item 5 is only asked when item 2 is yes; leave it out."),
			}},
		{"C-SSRS Q2 yes but Q3 skipped", journey.QuestionnaireCSSRS, []int{0, 1, S, 0, 0, 0},
			[]journey.FieldError{fe("answers[2]", "Item 3 must be answered.")}},
		{"C-SSRS every bad item", journey.QuestionnaireCSSRS, []int{S, 1, S, S, 0, 7},
			[]journey.FieldError{
				fe("answers[0]", "Item 1 must be answered."),
				fe("answers[2]", "Item 3 must be answered."),
				fe("answers[3]", "Item 4 must be answered."),
				fe("answers[5]", "Item 6: choose one of 0, 1, 2."),
			}},
		{"C-SSRS Q6 skipped", journey.QuestionnaireCSSRS, []int{0, 0, S, S, S, S},
			[]journey.FieldError{fe("answers[5]", "Item 6 must be answered.")}},
		{"C-SSRS Q2 out of range reported once", journey.QuestionnaireCSSRS, []int{0, 2, 1, S, 0, 0},
			[]journey.FieldError{fe("answers[1]", "Item 2: choose one of 0, 1.")}},
		{"C-SSRS Q2 skipped, Q3 out of range", journey.QuestionnaireCSSRS, []int{0, S, 3, S, S, 0},
			[]journey.FieldError{fe("answers[1]", "Item 2 must be answered."), fe("answers[2]", "Item 3: choose one of 0, 1.")}},
		{"C-SSRS wrong count", journey.QuestionnaireCSSRS, []int{0, 0, 0},
			[]journey.FieldError{fe("answers", "C-SSRS Screener has 6 items; got 3 answers.")}},
	}
	for _, tt := range tests {
		q := mustFind(t, tt.code)
		s, err := measure.Score(q, tt.answers)
		var e *journey.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v (score %+v), want *journey.Error", tt.name, err, s)
			continue
		}
		if e.Code != journey.EINVALID || !slices.Equal(e.Fields, tt.want) {
			t.Errorf("%s: got %s %q, want %s %q", tt.name, e.Code, e.Fields, journey.EINVALID, tt.want)
		}
	}
}

func TestScoreNilQuestionnaire(t *testing.T) {
	if _, err := measure.Score(nil, []int{0}); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("Score(nil): err = %v, want EINVALID", err)
	}
}

// chain is a made-up questionnaire: item 2 asked when item 1 is yes, item 3
// when item 2 is yes, item 4 when item 1 or item 2 is "yes" or "maybe".
func chain() *journey.Questionnaire {
	yn := []journey.Option{{Value: 0, Label: "No"}, {Value: 1, Label: "Yes"}, {Value: 2, Label: "Maybe"}}
	return &journey.Questionnaire{
		Code: "chain", Version: 1, Title: "Chain",
		Items: []journey.Item{
			{Key: "1", Text: "a", Options: yn, Scored: true},
			{Key: "2", Text: "b", Options: yn, Scored: true, AskIf: []int{0}, AskIfValues: []int{1}},
			{Key: "3", Text: "c", Options: yn, Scored: true, AskIf: []int{1}, AskIfValues: []int{1}},
			{Key: "4", Text: "d", Options: yn, Scored: true, AskIf: []int{0, 1}, AskIfValues: []int{1, 2}},
		},
		MaxScore: 8,
	}
}

func TestAsked(t *testing.T) {
	cssrs := mustFind(t, journey.QuestionnaireCSSRS)
	tests := []struct {
		name    string
		q       *journey.Questionnaire
		answers []int
		i       int
		want    bool
	}{
		{"C-SSRS Q1 with no answers yet", cssrs, nil, 0, true},
		{"C-SSRS Q2 with no answers yet", cssrs, nil, 1, true},
		{"C-SSRS Q3 before Q2 is answered", cssrs, []int{1}, 2, false},
		{"C-SSRS Q3 after Q2 no", cssrs, []int{1, 0}, 2, false},
		{"C-SSRS Q5 after Q2 no", cssrs, []int{1, 0, S, S}, 4, false},
		{"C-SSRS Q3 after Q2 yes", cssrs, []int{0, 1}, 2, true},
		{"C-SSRS Q5 after Q2 yes", cssrs, []int{0, 1, 0, 0}, 4, true},
		{"C-SSRS Q6 after Q2 no", cssrs, []int{0, 0, S, S, S}, 5, true},
		{"C-SSRS Q4 ignores its own answer", cssrs, []int{0, 0, S, 1}, 3, false},
		{"index -1", cssrs, []int{0, 1, 0, 0, 0, 0}, -1, false},
		{"index past the end", cssrs, []int{0, 1, 0, 0, 0, 0}, 6, false},
		{"nil questionnaire", nil, nil, 0, false},
		{"chain: item 3 when item 2 yes and asked", chain(), []int{1, 1}, 2, true},
		{"chain: item 3 when item 2 yes but not asked", chain(), []int{0, 1}, 2, false},
		{"chain: item 4 via item 1 maybe", chain(), []int{2, S, S}, 3, true},
		{"chain: item 4 via item 2 yes", chain(), []int{1, 1, 0}, 3, true},
		{"chain: item 4 via item 2 not asked", chain(), []int{0, 2, S}, 3, false},
		{"chain: item 4, item 1 no, item 2 not asked", chain(), []int{0, S, S}, 3, false},
		{"chain: item 4, item 1 yes, item 2 no", chain(), []int{1, 0, S}, 3, true},
	}
	for _, tt := range tests {
		if got := measure.Asked(tt.q, tt.answers, tt.i); got != tt.want {
			t.Errorf("%s: Asked(%v, %d) = %v, want %v", tt.name, tt.answers, tt.i, got, tt.want)
		}
	}
}

func TestSkipWording(t *testing.T) {
	_, err := measure.Score(chain(), []int{0, 0, S, 1})
	want0 := []journey.FieldError{{Field: "answers[1]", Detail: "Item 2 is only asked when item 1 is yes; leave it out."}}
	if got := journey.ErrorFields(err); !slices.Equal(got, want0) { // item 4 hangs on the bad item 2: not reported again
		t.Errorf("got %q, want %q", got, want0)
	}
	_, err = measure.Score(chain(), []int{0, S, S, 1})
	want := []journey.FieldError{
		{Field: "answers[3]", Detail: "Item 4 is only asked when item 1 is yes or maybe or item 2 is yes or maybe; leave it out."},
	}
	if got := journey.ErrorFields(err); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	s, err := measure.Score(chain(), []int{1, 1, 2, 0})
	if err != nil || s.Total != 4 || s.Band != "" || len(s.Flags) != 0 || s.Flags == nil {
		t.Errorf("chain score = %+v, %v; want total 4, no band, empty flags", s, err)
	}
	s, err = measure.Score(chain(), []int{2, S, S, 2})
	if err != nil || s.Total != 4 {
		t.Errorf("chain score with skips = %+v, %v; want total 4", s, err)
	}
}

func TestNormalize(t *testing.T) {
	cssrs := mustFind(t, journey.QuestionnaireCSSRS)
	tests := []struct {
		name    string
		q       *journey.Questionnaire
		answers []int
		want    []int
	}{
		{"C-SSRS Q2 no, Q3-5 answered", cssrs, []int{1, 0, 1, 0, 1, 2}, []int{1, 0, S, S, S, 2}},
		{"C-SSRS Q2 no, Q3-5 blank", cssrs, []int{0, 0, S, S, S, 0}, []int{0, 0, S, S, S, 0}},
		{"C-SSRS Q2 yes kept", cssrs, []int{0, 1, 1, 0, 1, 0}, []int{0, 1, 1, 0, 1, 0}},
		{"C-SSRS Q2 yes, Q3 blank kept for Score to refuse", cssrs, []int{0, 1, S, 0, 1, 0}, []int{0, 1, S, 0, 1, 0}},
		{"PHQ-9 unchanged", mustFind(t, journey.QuestionnairePHQ9), []int{3, 2, 1, 0, 3, 2, 1, 0, 1}, []int{3, 2, 1, 0, 3, 2, 1, 0, 1}},
		{"wrong count returned as is", cssrs, []int{0, 0, 1}, []int{0, 0, 1}},
		{"chain cascades", chain(), []int{0, 1, 1, 1}, []int{0, S, S, S}},
		{"chain keeps what is asked", chain(), []int{1, 0, 1, 1}, []int{1, 0, S, 1}},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.answers)
		got := measure.Normalize(tt.q, in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Normalize(%v) = %v, want %v", tt.name, tt.answers, got, tt.want)
		}
		if !slices.Equal(in, tt.answers) {
			t.Errorf("%s: Normalize changed its input to %v", tt.name, in)
		}
		if len(in) > 0 && len(got) > 0 && &in[0] == &got[0] {
			t.Errorf("%s: Normalize returned its input, want a copy", tt.name)
		}
	}
	// What Normalize leaves, Score takes.
	n := measure.Normalize(cssrs, []int{1, 0, 1, 1, 1, 0})
	if s, err := measure.Score(cssrs, n); err != nil || s.Band != measure.CSSRSLowRisk || len(s.Flags) != 0 {
		t.Errorf("Score(Normalize(…)) = %+v, %v; want low-risk, no flags", s, err)
	}
}

var bandCode = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

func TestDefinitions(t *testing.T) {
	all := measure.All()
	var codes []string
	for _, q := range all {
		codes = append(codes, q.Code)
	}
	want := []string{journey.QuestionnaireCSSRS, journey.QuestionnaireGAD7, journey.QuestionnairePCL5, journey.QuestionnairePHQ9}
	if !slices.Equal(codes, want) {
		t.Fatalf("All() codes = %v, want %v (sorted)", codes, want)
	}
	for _, q := range all {
		t.Run(q.Code, func(t *testing.T) { checkDefinition(t, q) })
	}
}

func checkDefinition(t *testing.T, q *journey.Questionnaire) {
	if q.Version < 1 || q.Title == "" || q.Instructions == "" || q.Recall == "" || q.Licence == "" {
		t.Errorf("missing metadata: version %d title %q instructions %q recall %q licence %q",
			q.Version, q.Title, q.Instructions, q.Recall, q.Licence)
	}
	keys := map[string]bool{}
	maxScore := 0
	for i, it := range q.Items {
		if it.Key == "" || keys[it.Key] {
			t.Errorf("item %d: key %q empty or repeated", i, it.Key)
		}
		keys[it.Key] = true
		if it.Text == "" || len(it.Options) == 0 {
			t.Errorf("item %s: text %q, %d options", it.Key, it.Text, len(it.Options))
		}
		values := map[int]bool{}
		top := 0
		for _, o := range it.Options {
			if o.Label == "" || values[o.Value] || o.Value < 0 {
				t.Errorf("item %s: option %d %q empty, repeated or negative", it.Key, o.Value, o.Label)
			}
			values[o.Value] = true
			top = max(top, o.Value)
		}
		if it.Scored {
			maxScore += top
		}
		checkSkipLogic(t, q, i)
	}
	if q.MaxScore != maxScore {
		t.Errorf("MaxScore = %d, want %d (sum of the highest option of each scored item)", q.MaxScore, maxScore)
	}
	checkBands(t, q)
	checkMaxAnswers(t, q)
}

func checkSkipLogic(t *testing.T, q *journey.Questionnaire, i int) {
	it := q.Items[i]
	if len(it.AskIf) > 0 && len(it.AskIfValues) == 0 {
		t.Errorf("item %s: AskIf without AskIfValues", it.Key)
	}
	for _, j := range it.AskIf {
		if j < 0 || j >= i {
			t.Errorf("item %s: AskIf %d is not an earlier item", it.Key, j)
			continue
		}
		for _, v := range it.AskIfValues {
			if !slices.ContainsFunc(q.Items[j].Options, func(o journey.Option) bool { return o.Value == v }) {
				t.Errorf("item %s: AskIfValues %d is not an option of item %s", it.Key, v, q.Items[j].Key)
			}
		}
	}
}

func checkBands(t *testing.T, q *journey.Questionnaire) {
	next := 0
	codes := map[string]bool{}
	for _, b := range q.Bands {
		if b.Min != next || b.Max < b.Min {
			t.Errorf("band %q covers %d–%d, want it to start at %d", b.Code, b.Min, b.Max, next)
		}
		if !bandCode.MatchString(b.Code) || b.Label == "" || codes[b.Code] {
			t.Errorf("band code %q (label %q) not lower-case-with-hyphens, unlabelled or repeated", b.Code, b.Label)
		}
		codes[b.Code] = true
		next = b.Max + 1
	}
	if len(q.Bands) > 0 && next != q.MaxScore+1 {
		t.Errorf("bands end at %d, want MaxScore %d", next-1, q.MaxScore)
	}
}

// checkMaxAnswers scores the highest answer to every item that is asked when
// every earlier answer is the highest: the total must be MaxScore.
func checkMaxAnswers(t *testing.T, q *journey.Questionnaire) {
	answers := make([]int, len(q.Items))
	for i, it := range q.Items {
		answers[i] = S
		if measure.Asked(q, answers[:i], i) {
			answers[i] = slices.MaxFunc(it.Options, func(a, b journey.Option) int { return a.Value - b.Value }).Value
		}
	}
	s, err := measure.Score(q, answers)
	if err != nil {
		t.Fatalf("Score(%v): %v", answers, err)
	}
	if s.Total != q.MaxScore {
		t.Errorf("highest answers %v score %d, want MaxScore %d", answers, s.Total, q.MaxScore)
	}
	if len(q.Bands) > 0 && s.Band != q.Bands[len(q.Bands)-1].Code {
		t.Errorf("highest answers give band %q, want the last band", s.Band)
	}
}

func TestInstrumentShapes(t *testing.T) {
	tests := []struct {
		code     string
		items    int
		values   []int
		maxScore int
		recall   string
	}{
		{journey.QuestionnairePHQ9, 9, []int{0, 1, 2, 3}, 27, "the last 2 weeks"},
		{journey.QuestionnaireGAD7, 7, []int{0, 1, 2, 3}, 21, "the last 2 weeks"},
		{journey.QuestionnairePCL5, 20, []int{0, 1, 2, 3, 4}, 80, "the past month"},
		{journey.QuestionnaireCSSRS, 6, nil, 0, "the past month"},
	}
	for _, tt := range tests {
		q := mustFind(t, tt.code)
		if len(q.Items) != tt.items || q.MaxScore != tt.maxScore || q.Recall != tt.recall {
			t.Errorf("%s: %d items, MaxScore %d, recall %q; want %d, %d, %q",
				tt.code, len(q.Items), q.MaxScore, q.Recall, tt.items, tt.maxScore, tt.recall)
		}
		for i, it := range q.Items {
			if it.Key != strconv.Itoa(i+1) {
				t.Errorf("%s item %d: key %q, want %d", tt.code, i, it.Key, i+1)
			}
			var values []int
			for _, o := range it.Options {
				values = append(values, o.Value)
			}
			if tt.values != nil && (!slices.Equal(values, tt.values) || !it.Scored) {
				t.Errorf("%s item %s: options %v scored %v, want %v scored", tt.code, it.Key, values, it.Scored, tt.values)
			}
		}
	}
}

func TestPCL5Clusters(t *testing.T) {
	q := mustFind(t, journey.QuestionnairePCL5)
	for i, it := range q.Items {
		n := i + 1
		want := "E"
		switch {
		case n <= 5:
			want = "B"
		case n <= 7:
			want = "C"
		case n <= 14:
			want = "D"
		}
		if it.Cluster != want {
			t.Errorf("item %d: cluster %q, want %q", n, it.Cluster, want)
		}
	}
}

func TestCSSRSSkipLogic(t *testing.T) {
	q := mustFind(t, journey.QuestionnaireCSSRS)
	for i, it := range q.Items {
		conditional := i >= 2 && i <= 4
		if got := len(it.AskIf) > 0; got != conditional {
			t.Errorf("item %s: conditional %v, want %v", it.Key, got, conditional)
		}
		if it.Scored {
			t.Errorf("item %s is scored; the screener gives a risk level, not a sum", it.Key)
		}
	}
	if n := len(q.Items[5].Options); n != 3 {
		t.Errorf("Q6 has %d options, want 3 (no, more than 3 months ago, in the past 3 months)", n)
	}
}

func TestFind(t *testing.T) {
	for _, q := range measure.All() {
		got, ok := measure.FindVersion(q.Code, q.Version)
		if !ok || got.Code != q.Code || got.Version != q.Version {
			t.Errorf("FindVersion(%q, %d) = %v, %v", q.Code, q.Version, got, ok)
		}
	}
	if _, ok := measure.Find("nope"); ok {
		t.Error(`Find("nope") found something`)
	}
	if _, ok := measure.FindVersion(journey.QuestionnairePHQ9, 99); ok {
		t.Error("FindVersion(phq-9, 99) found something")
	}
	// Each call gets its own copy.
	a := mustFind(t, journey.QuestionnairePHQ9)
	a.Items[8].Options[1].Value = 99
	a.Bands[0].Code = "changed"
	a.Items = a.Items[:1]
	b := mustFind(t, journey.QuestionnairePHQ9)
	if len(b.Items) != 9 || b.Items[8].Options[1].Value != 1 || b.Bands[0].Code != "minimal" {
		t.Error("changing one Find result changed the next")
	}
	c := mustFind(t, journey.QuestionnaireGAD7)
	c.Items[0].Options[0].Label = "changed"
	if mustFind(t, journey.QuestionnaireGAD7).Items[1].Options[0].Label == "changed" {
		t.Error("items share their options")
	}
}

func TestVersions(t *testing.T) {
	v1 := mustFind(t, journey.QuestionnairePHQ9)
	v2 := func() *journey.Questionnaire {
		q := *v1
		q.Version = 2
		q.Title = "PHQ-9 v2"
		return &q
	}
	// The newer version listed first and last, to catch order dependence.
	for _, order := range [][]func() *journey.Questionnaire{
		append([]func() *journey.Questionnaire{v2}, measure.Builders()...),
		append(slices.Clone(measure.Builders()), v2),
	} {
		restore := measure.SwapDefinitions(order...)
		if q, _ := measure.Find(journey.QuestionnairePHQ9); q.Version != 2 {
			t.Errorf("Find: version %d, want the latest, 2", q.Version)
		}
		if q, ok := measure.FindVersion(journey.QuestionnairePHQ9, 1); !ok || q.Version != 1 || q.Title != "PHQ-9" {
			t.Errorf("FindVersion(phq-9, 1) = %+v, %v", q, ok)
		}
		var phq []int
		for _, q := range measure.All() {
			if q.Code == journey.QuestionnairePHQ9 {
				phq = append(phq, q.Version)
			}
		}
		if !slices.Equal(phq, []int{2}) {
			t.Errorf("All lists PHQ-9 versions %v, want only [2]", phq)
		}
		restore()
	}
}

// Instructions speak to the client only: no note meant for staff, and no
// question named that the page may hide.
func TestInstructionsSpeakToTheClient(t *testing.T) {
	for _, q := range measure.All() {
		for _, bad := range []string{"On paper", "not recorded here", "question 3", "questions 3"} {
			if strings.Contains(q.Instructions, bad) {
				t.Errorf("%s instructions contain %q: %s", q.Code, bad, q.Instructions)
			}
		}
	}
}
