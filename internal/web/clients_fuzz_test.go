package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// FuzzClientCreate adds clients as their therapist, through the API
// (POST /api/v1/clients) or the form (POST /staff/clients/new): any input
// gets 201/303 or a 4xx (problem+json, or the form again showing what was
// typed, escaped); an added client is stored as sent (the name one clean line, the email trimmed, the phone in
// E.164) and their chart shows it escaped. tail is more of the body.
func FuzzClientCreate(f *testing.F) {
	for _, s := range []struct{ name, email, phone string }{
		{"Ada Client", "ada.client@example.com", "(212) 555-0142"},
		{"  Bea  ", " bea.client@example.com ", ""},
		{"Chloé Ñúñez-O'Brien", "chloe@example.co.uk", "+44 20 7946 0000"},
		{`<script>alert("x")</script>`, "dan.client@example.com", "212.555.0142"},
		{`"><img src=x onerror=alert(1)>`, `"a"@example.com`, "<b>2125550142"},
		{"Fay\u202eevil\u200b\x00", "fay@example", "+1 212 555 0142 ext. 9"},
		{"", "", "911"},
		{strings.Repeat("n", journey.MaxNameLen+1), "HAL@EXAMPLE.COM", "1-800-FLOWERS"},
	} {
		f.Add(s.name, s.email, s.phone, false, "")
		f.Add(s.name, "form."+s.email, s.phone, true, "")
	}
	f.Add("Ida", "ida@example.com", "", false, `, "therapist_id": 0}`)
	f.Add("Ida", "ida@example.com", "", false, `, "consult_id": 1}`)
	f.Add("Ida", "ida@example.com", "", true, "therapist_id=0&name=Second")
	base := newEnv(f)
	nora := base.session(staffUser(base.ny), true)
	f.Fuzz(func(t *testing.T, name, email, phone string, viaForm bool, tail string) {
		e := base.fuzzEnv(t)
		name, email, phone = marked(name), marked(email), marked(phone)
		var id int64
		var sent url.Values
		if viaForm {
			body := url.Values{"name": {name}, "email": {email}, "phone": {phone}, "therapist_id": {fmt.Sprint(e.ny.ID)}}.Encode()
			if tail != "" {
				body += "&" + tail
			}
			st, h, page := e.serve("POST", "/staff/clients/new", "application/x-www-form-urlencoded", body, nora)
			switch {
			case st >= 500:
				t.Fatalf("status %d:\n%s", st, trim(page))
			case st == 400 || st == 413:
				return
			case st != 303:
				checkEscaped(t, "the new client form again", page, name, email, phone)
				checkShown(t, "the new client form again", page, name, email, phone)
				return
			}
			id, _ = strconv.ParseInt(strings.TrimPrefix(h.Get("Location"), "/staff/clients/"), 10, 64)
			sent, _ = url.ParseQuery(body)
		} else {
			raw, _ := json.Marshal(map[string]any{"name": name, "email": email, "phone": phone, "therapist_id": e.ny.ID})
			body := string(raw)
			if tail != "" {
				body = strings.TrimSuffix(body, "}") + tail
			}
			st, h, resp := e.serve("POST", "/api/v1/clients", "application/json", body, nora)
			if st != 201 {
				checkProblem(t, st, h, resp)
				return
			}
			var in struct{ Name, Email, Phone string }
			if err := json.Unmarshal([]byte(body), &in); err != nil {
				t.Fatalf("201 for a body that does not decode: %v", err)
			}
			sent = url.Values{"name": {in.Name}, "email": {in.Email}, "phone": {in.Phone}}
			id, _ = strconv.ParseInt(strings.TrimPrefix(h.Get("Location"), "/api/v1/clients/"), 10, 64)
		}
		c, err := e.db.FindClientByID(context.Background(), id)
		if err != nil {
			t.Fatalf("client %d is not stored: %v", id, err)
		}
		e164, ok := normalizePhone(sent.Get("phone"))
		if !ok {
			t.Fatalf("added with a phone number normalizePhone refuses: %q", sent.Get("phone"))
		}
		if c.Name != journey.Line(sent.Get("name")) || c.Email != strings.TrimSpace(sent.Get("email")) || c.Phone != e164 ||
			c.TherapistID() != e.ny.ID {
			t.Fatalf("stored %q %q %q (therapist %d), sent %v", c.Name, c.Email, c.Phone, c.TherapistID(), sent)
		}
		st, _, page := e.serve("GET", fmt.Sprintf("/staff/clients/%d", id), "", "", nora)
		if st != 200 {
			t.Fatalf("chart: %d", st)
		}
		checkEscaped(t, "the chart", page, c.Name, c.Email)
		checkShown(t, "the chart", page, c.Name, c.Email, c.Phone)
	})
}
