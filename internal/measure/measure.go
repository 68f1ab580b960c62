// Package measure is Journey's questionnaire engine: the versioned
// definitions of the measures it ships (PHQ-9, GAD-7, PCL-5 and the C-SSRS
// screener), held as data, and the code that checks and scores
// a set of answers against them.
//
// Everything here is pure: no SQL, no HTTP, no clock. A response is one
// answer per item, in item order, with journey.Skipped for an item that skip
// logic leaves out. Score is strict: it refuses answers to items skip logic
// leaves out and blanks in items it asks, listing every bad item. Normalize
// is the lenient step a form that showed every item (a browser with
// JavaScript off) runs first, and Asked is what a form uses to hide items.
//
// Definitions are rebuilt on every call to All, Find and FindVersion, so a
// caller may change what it gets back without touching anyone else's copy.
package measure

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// definitions builds every version of every questionnaire Journey ships.
// Add a new version as a new builder; keep the old one so stored responses
// can still be shown and re-scored against the version they were given in.
var definitions = []func() *journey.Questionnaire{
	phq9,
	gad7,
	pcl5,
	cssrsScreener,
}

// All returns the latest version of every questionnaire, sorted by code.
func All() []*journey.Questionnaire {
	latest := map[string]*journey.Questionnaire{}
	for _, build := range definitions {
		q := build()
		if cur, ok := latest[q.Code]; !ok || q.Version > cur.Version {
			latest[q.Code] = q
		}
	}
	all := make([]*journey.Questionnaire, 0, len(latest))
	for _, q := range latest {
		all = append(all, q)
	}
	slices.SortFunc(all, func(a, b *journey.Questionnaire) int { return cmp.Compare(a.Code, b.Code) })
	return all
}

// Find returns the latest version of the questionnaire with the given code.
func Find(code string) (*journey.Questionnaire, bool) {
	var found *journey.Questionnaire
	for _, build := range definitions {
		if q := build(); q.Code == code && (found == nil || q.Version > found.Version) {
			found = q
		}
	}
	return found, found != nil
}

// FindVersion returns one version of a questionnaire: the one a stored
// response (journey.Response.Version) was given in.
func FindVersion(code string, version int) (*journey.Questionnaire, bool) {
	for _, build := range definitions {
		if q := build(); q.Code == code && q.Version == version {
			return q, true
		}
	}
	return nil, false
}

// Asked reports whether item i (0-based) of q is asked, given the answers to
// the items before it: an item with no AskIf is always asked; otherwise at
// least one of its AskIf items must itself be asked and answered with one of
// its AskIfValues. Answers at i and after are not looked at, so a form may
// call it while the answers are still coming in. An i outside q's items is
// never asked.
func Asked(q *journey.Questionnaire, answers []int, i int) bool {
	if q == nil || i < 0 || i >= len(q.Items) {
		return false
	}
	it := &q.Items[i]
	if len(it.AskIf) == 0 {
		return true
	}
	for _, j := range it.AskIf {
		if j < 0 || j >= i || j >= len(answers) {
			continue
		}
		if slices.Contains(it.AskIfValues, answers[j]) && Asked(q, answers, j) {
			return true
		}
	}
	return false
}

// Normalize returns a copy of answers in which every answer to an item that
// skip logic leaves out is journey.Skipped. The web layer calls it before
// Score when the form showed every item (JavaScript off), so an answer the
// client gave to a question they were told to leave out is dropped rather
// than refused. answers itself is not changed; when it has the wrong number
// of entries the copy is returned as it is, for Score to refuse.
func Normalize(q *journey.Questionnaire, answers []int) []int {
	out := slices.Clone(answers)
	if q == nil || len(out) != len(q.Items) {
		return out
	}
	for i := range out {
		if !Asked(q, out, i) {
			out[i] = journey.Skipped
		}
	}
	return out
}

// validate checks answers against q and returns an EINVALID *journey.Error
// naming every bad answer, or nil.
func validate(q *journey.Questionnaire, answers []int) error {
	var v journey.Validation
	if len(answers) != len(q.Items) {
		v.Add("answers", fmt.Sprintf("%s has %s; got %s.",
			q.Title, plural(len(q.Items), "item"), plural(len(answers), "answer")))
		return v.Err()
	}
	bad := make([]bool, len(answers))
	for i := range q.Items {
		if detail := checkItem(q, answers, bad, i); detail != "" {
			bad[i] = true
			v.Add("answers["+strconv.Itoa(i)+"]", detail)
		}
	}
	return v.Err()
}

// checkItem returns what is wrong with the answer to item i, or "". When an
// item that decides whether i is asked is itself bad, i is only checked for
// a value it could hold, so one mistake is not reported twice.
func checkItem(q *journey.Questionnaire, answers []int, bad []bool, i int) string {
	it := &q.Items[i]
	a := answers[i]
	valid := hasOption(it, a)
	if slices.ContainsFunc(it.AskIf, func(j int) bool { return j >= 0 && j < i && bad[j] }) {
		if a == journey.Skipped || valid {
			return ""
		}
		return chooseOne(it)
	}
	asked := Asked(q, answers, i)
	switch {
	case asked && a == journey.Skipped:
		return fmt.Sprintf("Item %s must be answered.", it.Key)
	case asked && !valid:
		return chooseOne(it)
	case !asked && a != journey.Skipped:
		return fmt.Sprintf("Item %s is only asked when %s; leave it out.", it.Key, askCondition(q, it))
	}
	return ""
}

// hasOption reports whether value is one of it's option values.
func hasOption(it *journey.Item, value int) bool {
	return slices.ContainsFunc(it.Options, func(o journey.Option) bool { return o.Value == value })
}

// chooseOne words an answer that is not among the item's options.
func chooseOne(it *journey.Item) string {
	values := make([]string, len(it.Options))
	for k, o := range it.Options {
		values[k] = strconv.Itoa(o.Value)
	}
	return fmt.Sprintf("Item %s: choose one of %s.", it.Key, strings.Join(values, ", "))
}

// askCondition words it's skip logic: "item 2 is yes".
func askCondition(q *journey.Questionnaire, it *journey.Item) string {
	var parts []string
	for _, j := range it.AskIf {
		if j < 0 || j >= len(q.Items) {
			continue
		}
		src := &q.Items[j]
		labels := make([]string, len(it.AskIfValues))
		for k, v := range it.AskIfValues {
			labels[k] = optionWord(src, v)
		}
		parts = append(parts, "item "+src.Key+" is "+strings.Join(labels, " or "))
	}
	return strings.Join(parts, " or ")
}

// optionWord is the lower-case label of the option with the given value, or
// the value itself when the item has no such option.
func optionWord(it *journey.Item, value int) string {
	for _, o := range it.Options {
		if o.Value == value {
			return strings.ToLower(o.Label)
		}
	}
	return strconv.Itoa(value)
}

// plural words a count: "1 item", "9 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
