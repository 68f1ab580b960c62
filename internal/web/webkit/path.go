package webkit

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
)

// PathID returns the path's {name} as an id; ok is false when it is not one.
func PathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil
}

// RecordID returns the path's {id} of a record of kind ("Client",
// "Consult", "Alert"); when it is not an id, err is the "not found" to
// answer, as for a record one may not see.
func RecordID(r *http.Request, kind string) (id int64, err error) {
	id, ok := PathID(r, "id")
	if !ok {
		return 0, journey.Errorf(journey.ENOTFOUND, "%s not found.", kind)
	}
	return id, nil
}

// ClientID is RecordID for a client.
func ClientID(r *http.Request) (int64, error) { return RecordID(r, "Client") }

// Invalid returns the "correct the highlighted fields" error for one field.
func Invalid(field, detail string) error {
	return &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: []journey.FieldError{{Field: field, Detail: detail}}}
}

// Plural returns n and word, with an s unless n is 1.
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// FlagLabel says a questionnaire flag in words.
func FlagLabel(flag string) string {
	switch flag {
	case journey.FlagPHQ9Item9:
		return "PHQ-9 item 9 answered above 0"
	case journey.FlagCSSRSHighRisk:
		return "C-SSRS screener: high risk"
	case journey.FlagMorningSafety:
		return "Morning-after check-in: thoughts of self-harm"
	case journey.FlagPCL5ProbablePTSD:
		return "PCL-5 at or above the probable-PTSD cut-off"
	case measure.FlagPCL5ProvisionalPTSD:
		return "PCL-5 meets the provisional PTSD rule"
	}
	return flag
}

// PracticeZone returns the practice's zone and its name, UTC when the
// practice is not set up or cannot be read: staff read every time in it.
func PracticeZone(ctx context.Context, k Kit) (*time.Location, string) {
	if p, err := k.Practice(ctx); err == nil {
		if loc, err := journey.LoadZone(p.TimeZone); err == nil {
			return loc, p.TimeZone
		}
	}
	return time.UTC, "UTC"
}

// PracticeLoc is PracticeZone's location alone.
func PracticeLoc(ctx context.Context, k Kit) *time.Location {
	loc, _ := PracticeZone(ctx, k)
	return loc
}
