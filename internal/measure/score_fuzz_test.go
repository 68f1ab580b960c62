package measure_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
)

// FuzzScore: any list of answers to any questionnaire scores without a
// panic; accepted answers score within the instrument's range, in one of
// its bands, with the flags its rules say; and skip logic agrees with
// itself (Score accepts only what Normalize leaves alone, and what
// Normalize leaves is never refused for answering a skipped item).
//
// The input is the questionnaire (by index) and one byte per answer, read
// as a signed number so that -1 (journey.Skipped) and out-of-range values
// both occur.
func FuzzScore(f *testing.F) {
	all := measure.All()
	for qi, q := range all {
		zeros := make([]byte, len(q.Items))
		f.Add(uint8(qi), zeros)
		highest := make([]byte, len(q.Items))
		for i, it := range q.Items {
			highest[i] = byte(it.Options[len(it.Options)-1].Value)
		}
		f.Add(uint8(qi), highest)
		skipped := slices.Repeat([]byte{0xff}, len(q.Items))
		f.Add(uint8(qi), skipped)
		f.Add(uint8(qi), zeros[:len(zeros)-1])
		f.Add(uint8(qi), append(zeros, 0))
	}
	f.Add(uint8(0), []byte{})
	f.Add(uint8(0), []byte{1, 1, 0, 0, 0, 0}) // C-SSRS (all[0]): yes to item 2 opens 3–5
	f.Add(uint8(0), []byte{0, 0, 1, 1, 1, 2}) // C-SSRS: 3–5 answered though item 2 is no
	f.Add(uint8(3), []byte{3, 3, 3, 3, 3, 3, 3, 3, 3, 0x80, 0x7f})
	f.Fuzz(func(t *testing.T, qi uint8, raw []byte) {
		q := all[int(qi)%len(all)]
		answers := make([]int, len(raw))
		for i, b := range raw {
			answers[i] = int(int8(b))
		}
		for i := -1; i <= len(q.Items); i++ {
			measure.Asked(q, answers, i)
		}
		norm := measure.Normalize(q, answers)
		if again := measure.Normalize(q, norm); !slices.Equal(again, norm) {
			t.Fatalf("%s: Normalize(%v) = %v, then %v", q.Code, answers, norm, again)
		}
		if _, err := measure.Score(q, norm); err != nil {
			for _, fe := range journey.ErrorFields(err) {
				if strings.Contains(fe.Detail, "leave it out") {
					t.Fatalf("%s: Score refuses normalised %v for a skipped item: %s", q.Code, norm, fe.Detail)
				}
			}
		}
		s, err := measure.Score(q, answers)
		if err != nil {
			if journey.ErrorCode(err) != journey.EINVALID || len(journey.ErrorFields(err)) == 0 {
				t.Fatalf("%s: Score(%v) = %v, want EINVALID naming the answers", q.Code, answers, err)
			}
			return
		}
		if !slices.Equal(norm, answers) {
			t.Fatalf("%s: Score accepts %v, which Normalize changes to %v", q.Code, answers, norm)
		}
		for i, a := range answers {
			if asked := measure.Asked(q, answers, i); asked == (a == journey.Skipped) {
				t.Fatalf("%s: accepted answer %d to item %s, asked %v", q.Code, a, q.Items[i].Key, asked)
			}
		}
		checkScore(t, q, answers, s)
	})
}

// checkScore checks an accepted score against the instrument's range,
// bands and flag rules.
func checkScore(t *testing.T, q *journey.Questionnaire, answers []int, s journey.Score) {
	t.Helper()
	if s.Total < 0 || s.Total > q.MaxScore {
		t.Fatalf("%s: %v scores %d, outside 0–%d", q.Code, answers, s.Total, q.MaxScore)
	}
	if s.Flags == nil {
		t.Fatalf("%s: nil flags", q.Code)
	}
	bands := []string{measure.CSSRSNoRisk, measure.CSSRSLowRisk, measure.CSSRSModerateRisk, measure.CSSRSHighRisk}
	if q.Code != journey.QuestionnaireCSSRS {
		bands = nil
		for _, b := range q.Bands {
			bands = append(bands, b.Code)
		}
	}
	if len(bands) > 0 && !slices.Contains(bands, s.Band) {
		t.Fatalf("%s: %v is in band %q, not one of %v", q.Code, answers, s.Band, bands)
	}
	sum := 0
	for _, v := range s.Clusters {
		sum += v
	}
	if len(s.Clusters) > 0 && sum != s.Total {
		t.Fatalf("%s: clusters %v do not add up to %d", q.Code, s.Clusters, s.Total)
	}
	flagged := func(flag string) bool { return slices.Contains(s.Flags, flag) }
	switch q.Code {
	case journey.QuestionnairePHQ9:
		if flagged(journey.FlagPHQ9Item9) != (answers[8] > 0) {
			t.Fatalf("phq-9: item 9 is %d, flags %v", answers[8], s.Flags)
		}
	case journey.QuestionnairePCL5:
		if flagged(journey.FlagPCL5ProbablePTSD) != (s.Total >= measure.DefaultPCL5Cutoff) {
			t.Fatalf("pcl-5: total %d, flags %v", s.Total, s.Flags)
		}
	case journey.QuestionnaireCSSRS:
		if flagged(journey.FlagCSSRSHighRisk) != (s.Band == measure.CSSRSHighRisk) {
			t.Fatalf("c-ssrs: band %s, flags %v", s.Band, s.Flags)
		}
	}
}
