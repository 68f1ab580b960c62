package web

import (
	"net/url"
	"strings"
	"testing"
)

// Medications come one row at a time. Without JavaScript, "Add another
// medication" saves what was typed and returns with one more empty row;
// with a mistake in a row, nothing typed is lost and the row is added.
func TestMedicationsOneRowAtATime(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Lee Client", "lee@example.test", nil)
	_, _, body := e.as(cookie, "GET", "/portal/intake/medications", nil)
	if n := strings.Count(body, `class="field med-row"`); n != 1 {
		t.Fatalf("%d medication rows on a first visit, want 1", n)
	}
	if !strings.Contains(body, `name="then" value="add-med"`) {
		t.Fatal("no Add another medication button")
	}
	// An empty form adds a row, saving nothing.
	st, h, _ := e.as(cookie, "POST", "/portal/intake/medications", url.Values{"then": {"add-med"}, "rows": {"1"}})
	if st != 303 || h.Get("Location") != "/portal/intake/medications?rows=2#med_1_name" {
		t.Fatalf("add to an empty form: %d %q", st, h.Get("Location"))
	}
	form := url.Values{"then": {"add-med"}, "rows": {"1"}, "med_0_name": {"sertraline"}, "med_0_dose": {"50"}, "med_0_per_day": {"1"}}
	st, h, _ = e.as(cookie, "POST", "/portal/intake/medications", form)
	if st != 303 || h.Get("Location") != "/portal/intake/medications?rows=2#med_1_name" {
		t.Fatalf("add: %d %q", st, h.Get("Location"))
	}
	_, _, body = e.as(cookie, "GET", h.Get("Location"), nil)
	if n := strings.Count(body, `class="field med-row"`); n != 2 || !strings.Contains(body, `value="sertraline"`) {
		t.Fatalf("%d rows after adding (want 2, the first saved)", n)
	}
	// A mistake: the page comes back with what was typed and one more row.
	form = url.Values{"then": {"add-med"}, "rows": {"2"}, "med_0_name": {"sertraline"}, "med_0_dose": {"50"}, "med_0_per_day": {"1"},
		"med_1_name": {"Xanax"}, "med_1_dose": {"lots"}}
	st, _, body = e.as(cookie, "POST", "/portal/intake/medications", form)
	if st != 422 || !strings.Contains(body, `value="lots"`) || !strings.Contains(body, `value="Xanax"`) || strings.Count(body, `class="field med-row"`) != 3 {
		t.Fatalf("add with a mistake: %d, %d rows", st, strings.Count(body, `class="field med-row"`))
	}
}

// The date of birth is three fields, month, day and year, whose hint
// says what they take; a saved date comes back split, an impossible one
// is refused beside the fieldset with what was typed kept.
func TestDateOfBirthInThreeFields(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Lee Client", "lee@example.test", nil)
	_, _, body := e.as(cookie, "GET", "/portal/intake/about", nil)
	for _, want := range []string{`<fieldset class="field date-input" id="date_of_birth"`, `name="dob_month"`, `name="dob_day"`, `name="dob_year"`,
		`autocomplete="bday-year"`, "For example, 4 23 1985"} {
		if !strings.Contains(body, want) {
			t.Errorf("about page lacks %q", want)
		}
	}
	form := url.Values{"legal_name": {"Lee Client"}, "dob_month": {"2"}, "dob_day": {"30"}, "dob_year": {"1985"}, "phone": {"(503) 555-0199"},
		"address": {"1 Road"}, "city": {"Portland"}, "state": {"OR"}, "postal_code": {"97205"}}
	st, _, body := e.as(cookie, "POST", "/portal/intake/about", form)
	if st != 422 || !strings.Contains(body, `id="date_of_birth-error"`) || !strings.Contains(body, "Enter a real date") || !strings.Contains(body, `value="30"`) {
		t.Fatalf("February 30: %d\n%s", st, trim(body))
	}
	form.Set("dob_day", "")
	if _, _, body := e.as(cookie, "POST", "/portal/intake/about", form); !strings.Contains(body, "must include a day") {
		t.Errorf("a date without its day")
	}
	form.Set("dob_day", "23")
	form.Set("dob_month", "04")
	if st, _, _ := e.as(cookie, "POST", "/portal/intake/about", form); st != 303 {
		t.Fatalf("a real date: %d", st)
	}
	_, _, body = e.as(cookie, "GET", "/portal/intake/about", nil)
	if !strings.Contains(body, `name="dob_month" type="text" inputmode="numeric"`) || !strings.Contains(body, `value="1985"`) || !strings.Contains(body, `id="dob_month"`) {
		t.Fatalf("the saved date does not come back split")
	}
}
