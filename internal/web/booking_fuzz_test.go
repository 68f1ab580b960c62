package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	apiv1 "github.com/journey-kap/journey/internal/web/api"
)

// bookingInput is what a fuzz input books with.
type bookingInput struct {
	name, email, phone, method, tz, reason string
	consent                                bool
	slot                                   uint8 // which of the NY therapist's 30 slots in the week of mondayNY
}

// start returns the slot's time: Monday to Friday, 09:00–11:30 New York.
func (b bookingInput) start() time.Time {
	n := int(b.slot) % 30
	return mondayNY.AddDate(0, 0, n/6).Add(time.Duration(n%6) * 30 * time.Minute)
}

// addBookingSeeds adds realistic and hostile bookings, each with a tail
// (the rest of the body after the fields; "" for none).
func addBookingSeeds(f *testing.F) {
	seeds := []bookingInput{
		{"Ada Visitor", "ada@example.com", "(212) 555-0142", "text", "Europe/London", "grief", true, 0},
		{"  Bea  ", " bea@example.com ", "", "email", "America/New_York", "", true, 1},
		{"Chloé Ñúñez-O'Brien", "chloe@example.co.uk", "+44 20 7946 0000", "phone", "Asia/Tokyo", "line one\nline two\r\n\ttabbed", true, 7},
		{`<script>alert("x")</script>`, "dan@example.com", "212.555.0142", "email", "UTC", `"quoted" & <b>bold</b> </textarea><script>`, true, 12},
		{`"><img src=x onerror=alert(1)>`, `"a"@example.com`, "<b>2125550142", "text", "UTC", "x", true, 13},
		{"Eve", "eve@<script>.com", "<script>", "email", "UTC", "", true, 14},
		{"Fay\u202eevil\u200b", "fay@example.com", "+1 212 555 0142 ext. 9", "email", "Etc/GMT+12", "\x00\x01", true, 15},
		{"", "", "", "", "", "", false, 16},
		{strings.Repeat("n", journey.MaxNameLen+1), "g@example.com", "911", "pigeon", "Mars/Olympus", strings.Repeat("é", journey.MaxReasonLen+1), true, 17},
		{"Hal", "HAL@EXAMPLE.COM", "1-800-FLOWERS", "phone", "Local", "", true, 29},
		{"Ida", "ida@example.com", "", "text", "UTC", "", true, 2},
		{"Jo", "jo@example", "\xff\xfe", "email", " UTC ", "\xc3", true, 3},
	}
	for _, s := range seeds {
		f.Add(s.name, s.email, s.phone, s.method, s.tz, s.reason, s.consent, s.slot, "")
	}
	for _, tail := range []string{`, "ssn": "1"}`, `, "name": "Dup"}`, "}{}", `, "therapist_id": 1e99}`, "} \n", "", "&name=Second&ssn=1", "%zz", "name"} {
		s := seeds[0]
		f.Add(s.name, s.email, s.phone, s.method, s.tz, s.reason, s.consent, s.slot, tail)
	}
}

// FuzzConsultAPI books through POST /api/v1/consults: any body gets 201 or
// a problem+json 4xx; an accepted booking is stored as sent (trimmed, the
// phone in E.164) and shows escaped on the confirmation page and the
// therapist's consult page. Each accepted booking is cancelled again, so
// the slot and the email are free for the next input.
func FuzzConsultAPI(f *testing.F) {
	addBookingSeeds(f)
	base := newEnv(f)
	nora := base.session(staffUser(base.ny), true)
	f.Fuzz(func(t *testing.T, name, email, phone, method, tz, reason string, consent bool, slot uint8, tail string) {
		e := base.fuzzEnv(t)
		in := bookingInput{marked(name), marked(email), marked(phone), method, tz, marked(reason), consent, slot}
		body, _ := json.Marshal(apiv1.Booking{Start: in.start().Format(time.RFC3339), TherapistID: e.ny.ID, Name: in.name, Email: in.email,
			Phone: in.phone, ContactMethod: in.method, Mode: journey.ModeVideo, TimeZone: in.tz, Reason: in.reason, PrivacyConsent: in.consent})
		raw := string(body)
		if tail != "" {
			raw = strings.TrimSuffix(raw, "}") + tail
		}
		st, h, resp := e.serve("POST", "/api/v1/consults", "application/json", raw, "")
		if st != 201 {
			checkProblem(t, st, h, resp)
			return
		}
		// What the handler read: the same decoder, for bodies whose tail changed a field.
		var sent apiv1.Booking
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sent); err != nil {
			t.Fatalf("201 for a body that does not decode: %v\n%s", err, raw)
		}
		var created apiv1.Consult
		if err := json.Unmarshal([]byte(resp), &created); err != nil {
			t.Fatalf("created: %v\n%s", err, resp)
		}
		token := strings.TrimPrefix(created.ManageURL, "http://journey.test/c/")
		c, err := e.db.FindConsultByToken(context.Background(), token)
		if err != nil {
			t.Fatalf("the booking is not stored: %v", err)
		}
		start, _ := time.Parse(time.RFC3339, sent.Start)
		checkStoredConsult(t, c, sent.Name, sent.Email, sent.Phone, sent.ContactMethod, sent.TimeZone, sent.Reason, start)
		e.checkConsultPages(t, c, token, nora)
		if st, _, resp := e.serve("POST", "/api/v1/manage/"+token+"/cancel", "", "", ""); st != 200 {
			t.Fatalf("cancel: %d %s", st, resp)
		}
	})
}

// FuzzBookForm books through the form (POST /book): any form gets a 303 to
// the confirmation or the form again (4xx) with what was typed shown
// escaped; an accepted booking is stored as typed (trimmed, the phone in
// E.164) and shows escaped on the confirmation page and the therapist's
// consult page. tail is more of the form body, as a browser would not send it.
func FuzzBookForm(f *testing.F) {
	addBookingSeeds(f)
	base := newEnv(f)
	nora := base.session(staffUser(base.ny), true)
	f.Fuzz(func(t *testing.T, name, email, phone, method, tz, reason string, consent bool, slot uint8, tail string) {
		e := base.fuzzEnv(t)
		in := bookingInput{marked(name), marked(email), marked(phone), method, tz, marked(reason), consent, slot}
		v := url.Values{"slot": {fmt.Sprintf("%d|%d", e.ny.ID, in.start().Unix())}, "name": {in.name}, "email": {in.email},
			"phone": {in.phone}, "contact_method": {in.method}, "mode": {"video"}, "reason": {in.reason}, "tz": {in.tz},
			"therapist": {fmt.Sprint(e.ny.ID)}, "from": {"2030-01-07"}}
		if in.consent {
			v.Set("privacy_consent", "yes")
		}
		form := e.form(v)
		if tail != "" {
			form += "&" + tail
		}
		st, h, page := e.serve("POST", "/book", "application/x-www-form-urlencoded", form, "")
		switch {
		case st >= 500:
			t.Fatalf("status %d:\n%s", st, trim(page))
		case st == 400 || st == 413:
			return // the form could not be read at all
		case st != 303:
			checkEscaped(t, "the booking form again", page, in.name, in.email, in.phone, in.reason)
			if !strings.Contains(page, "website") { // not the page of a refused form token
				return
			}
			checkShown(t, "the booking form again", page, in.name, in.email, in.phone, in.reason)
			return
		}
		loc := h.Get("Location")
		token, ok := strings.CutPrefix(strings.TrimSuffix(loc, "?booked=1"), "/c/")
		if !ok {
			t.Fatalf("booked, sent to %q", loc)
		}
		token, _ = url.PathUnescape(token)
		c, err := e.db.FindConsultByToken(context.Background(), token)
		if err != nil {
			t.Fatalf("the booking is not stored: %v", err)
		}
		// What the handler read: the form's first values.
		sent, _ := url.ParseQuery(form)
		checkStoredConsult(t, c, sent.Get("name"), sent.Get("email"), sent.Get("phone"), sent.Get("contact_method"), sent.Get("tz"),
			sent.Get("reason"), in.start())
		e.checkConsultPages(t, c, token, nora)
		if _, err := e.db.CancelConsult(context.Background(), token, ""); err != nil {
			t.Fatalf("cancel: %v", err)
		}
	})
}

// checkStoredConsult fails unless c holds what was sent, normalised as the
// handlers and the domain normalise it: the name one clean line, the reason
// clean paragraphs, the phone in E.164, the rest trimmed.
func checkStoredConsult(t *testing.T, c *journey.Consult, name, email, phone, method, tz, reason string, start time.Time) {
	t.Helper()
	e164, ok := normalizePhone(phone)
	if !ok {
		t.Fatalf("booked with a phone number normalizePhone refuses: %q", phone)
	}
	want := journey.Consult{Name: journey.Line(name), Email: strings.TrimSpace(email), Phone: e164,
		ContactMethod: strings.TrimSpace(method), TimeZone: strings.TrimSpace(tz), Reason: journey.Paragraphs(reason)}
	got := journey.Consult{Name: c.Name, Email: c.Email, Phone: c.Phone, ContactMethod: c.ContactMethod, TimeZone: c.TimeZone, Reason: c.Reason}
	if got != want {
		t.Fatalf("stored\n%+v\nwant\n%+v", got, want)
	}
	if !c.Start.Equal(start) || c.Status != journey.ConsultBooked {
		t.Fatalf("stored at %v (%s), want %v booked", c.Start, c.Status, start)
	}
}

// checkConsultPages fails unless the confirmation page and the therapist's
// page of consult c show what the visitor typed, escaped.
func (e *env) checkConsultPages(t *testing.T, c *journey.Consult, token, therapist string) {
	t.Helper()
	st, _, page := e.serve("GET", "/c/"+url.PathEscape(token)+"?booked=1", "", "", "")
	if st != 200 {
		t.Fatalf("confirmation page: %d", st)
	}
	checkEscaped(t, "the confirmation page", page, c.Name, c.Email, c.Reason)
	checkShown(t, "the confirmation page", page, c.Name, c.Email)
	st, _, page = e.serve("GET", fmt.Sprintf("/staff/consults/%d", c.ID), "", "", therapist)
	if st != 200 {
		t.Fatalf("staff consult page: %d", st)
	}
	checkEscaped(t, "the staff consult page", page, c.Name, c.Email, c.Reason)
	checkShown(t, "the staff consult page", page, c.Name, c.Email, c.Phone, c.Reason)
}
