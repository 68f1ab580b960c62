package web

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The error summary's lines and field errors are the shared kit's
// (webkit), named here as the staff and portal forms call them.
type errorLine = webkit.ErrorLine

var (
	newErrorLine       = webkit.NewErrorLine
	showLabelledErrors = webkit.ShowLabelledErrors
	showFieldErrors    = webkit.ShowFieldErrors
	renameFields       = webkit.RenameFields
)

// inPageOrder puts the lines of a rendered page's error summary in the
// order the page shows the fields they link to. A form's checks run in
// their own order (the domain's Validate, then what only the handler can
// check, or a map's), which is seldom the page's; measuring the page
// itself keeps the summary in step when a template moves a field. A line
// whose field is not on the page goes last. A page without a summary is
// returned as it is.
func inPageOrder(page []byte) []byte {
	at := bytes.Index(page, []byte(`class="error-summary"`))
	if at < 0 {
		return page
	}
	open := bytes.Index(page[at:], []byte("<ul>"))
	if open < 0 {
		return page
	}
	open += at + len("<ul>")
	end := bytes.Index(page[open:], []byte("</ul>"))
	if end < 0 {
		return page
	}
	end += open
	type line struct {
		html []byte
		pos  int
	}
	var lines []line
	for _, item := range bytes.SplitAfter(page[open:end], []byte("</li>")) {
		if len(bytes.TrimSpace(item)) == 0 {
			continue
		}
		pos := len(page)
		if _, rest, ok := bytes.Cut(item, []byte(`href="#`)); ok {
			if id, _, ok := bytes.Cut(rest, []byte(`"`)); ok {
				if i := bytes.Index(page[end:], []byte(`id="`+string(id)+`"`)); i >= 0 {
					pos = i
				}
			}
		}
		lines = append(lines, line{item, pos})
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]byte, 0, len(page))
	out = append(out, page[:open]...)
	for _, l := range lines {
		out = append(out, l.html...)
	}
	return append(out, page[end:]...)
}

// intakeLabels names the intake's fields as its pages label them.
var intakeLabels = map[string]string{
	"legal_name": "Full legal name", "preferred_name": "Name you like to be called", "pronouns": "Pronouns",
	"date_of_birth": "Date of birth", "phone": "Mobile phone", "address": "Street address", "city": "City",
	"state": "State", "postal_code": "ZIP code",
	"emergency_name": "Their name", "emergency_relationship": "How they are related to you", "emergency_phone": "Their phone number",
	"reasons": "What brings you to KAP", "reason_other": "If something else, what", "story": "What is going on for you",
	"hopes":     "What you hope will change",
	"diagnoses": "Other diagnoses", "current_care": "Who else supports you", "hospitalisation": "Stays in hospital",
	"liver": "Liver disease", "other_conditions": "Other health conditions", "allergies": "Allergies",
	"height": "Height", "weight": "Weight", "bp_systolic": "Blood pressure, top number", "bp_diastolic": "Blood pressure, bottom number",
	"bp_date":         "Date of the reading",
	"none":            "Medications",
	"drinks_per_week": "Alcoholic drinks in a usual week", "cannabis": "Cannabis use", "sud_history": "Problem with alcohol or drugs",
	"abstinent_months": "Months since last problem use", "nonmedical_ketamine": "Ketamine or PCP outside medical care",
	"other_substances": "Other substances",
	"pregnant":         "Pregnant", "breastfeeding": "Breastfeeding", "planning": "Planning a pregnancy",
	"prior_ketamine": "Ketamine before", "bad_reaction": "Bad reaction to ketamine", "reactions": "What it was like",
	"psychedelics": "Psychedelics",
}

var medFieldLabels = map[string]string{"name": "name", "dose": "dose", "per_day": "times a day", "notes": "notes"}

// intakeLabel returns the label of an intake field, "" when it has none.
func intakeLabel(field string) string {
	if l, ok := intakeLabels[field]; ok {
		return l
	}
	if code, ok := strings.CutPrefix(field, "cond_"); ok {
		for _, list := range [][]journey.Condition{journey.MedicalConditions, journey.PsychiatricConditions} {
			for _, c := range list {
				if c.Code == code {
					return c.Question
				}
			}
		}
	}
	if rest, ok := strings.CutPrefix(field, "med_"); ok {
		num, part, _ := strings.Cut(rest, "_")
		if n, err := strconv.Atoi(num); err == nil && medFieldLabels[part] != "" {
			return "Medication " + strconv.Itoa(n+1) + ", " + medFieldLabels[part]
		}
	}
	return ""
}

// consentLabels names the signing form's fields.
var consentLabels = map[string]string{"agree": "Agreement", "typed_name": "Your signature"}
