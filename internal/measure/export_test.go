package measure

import "github.com/journey-kap/journey"

// SwapDefinitions replaces the builders for a test and returns a function
// that restores them.
func SwapDefinitions(builders ...func() *journey.Questionnaire) (restore func()) {
	old := definitions
	definitions = builders
	return func() { definitions = old }
}

// Builders returns the shipped builders.
func Builders() []func() *journey.Questionnaire { return definitions }
