package web

import (
	"net/url"
	"testing"
)

// A client books their own preparation with their therapist from the
// week's free times; what the practice books for them is refused in
// words, and a time taken since is refused with the choice kept.
func TestPortalBooking(t *testing.T) {
	e := newCareEnv(t)
	week := "/portal/book?type=preparation&mode=in_person&week=2030-01-07&find=1"
	post := func(typ, start string) string {
		return url.Values{"type": {typ}, "mode": {"in_person"}, "week": {"2030-01-07"}, "start": {start}}.Encode()
	}
	e.runAs(t, []cookieScenario{
		{"the kinds a client books", e.client, "GET", "/portal/book", "", 200,
			[]string{`<a href="/portal/book">Book a session</a>`, `id="type-preparation"`, `id="type-integration"`, "with Nora York"},
			[]string{`id="type-medicine"`, "Free times"}},
		{"a week's free times", e.client, "GET", week, "", 200,
			[]string{"Free times, Monday 7 January to Sunday 13 January", `value="2030-01-07T09:00:00-05:00"`, "Book 09:00–10:00", "Next week"}, nil},
		{"booking one", e.client, "POST", "/portal/book", post("preparation", "2030-01-07T09:00:00-05:00"), 303, nil, nil},
		{"what was booked", e.client, "GET", "/portal/book?booked=2030-01-07T14%3A00%3A00Z", "", 200,
			[]string{"Your session is booked for Monday 7 January at 09:00"}, nil},
		{"the same time again", e.client, "POST", "/portal/book", post("preparation", "2030-01-07T09:00:00-05:00"), 409,
			[]string{"Monday 7 January at 09:00 could not be booked", `id="type-preparation" name="type" value="preparation" checked`},
			[]string{`value="2030-01-07T09:00:00-05:00"`}},
		{"no time chosen", e.client, "POST", "/portal/book", post("preparation", "<b>soon</b>"), 422,
			[]string{"Choose one of the free times."}, []string{"<b>soon</b>"}},
		{"a medicine session's times", e.client, "GET", "/portal/book?type=medicine&find=1", "", 200,
			[]string{"The practice books this kind of session with you"}, []string{"Book 09:00"}},
		{"a medicine session booked by hand", e.client, "POST", "/portal/book", post("medicine", "2030-01-08T09:00:00-05:00"), 403,
			[]string{"Please ask the practice to book this kind of session for you."}, nil},
		{"staff have the calendar instead", e.nora, "GET", "/portal/book", "", 403, nil, nil},
	})
}
