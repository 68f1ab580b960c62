package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// A phone number in the shape of E.164 that is no one's (the 555 area code,
// found by FuzzIntakeForm) is refused beside its field, as booking and
// adding a client refuse it, and what was typed is kept. A real one typed
// any way is saved in E.164.
func TestIntakePhoneMustBeReal(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Kim Client", "kim@example.test", nil)
	about := url.Values{"legal_name": {"Kim Client"}, "date_of_birth": {"1990-05-06"}, "phone": {"+15550100123"},
		"address": {"1 Road"}, "city": {"Portland"}, "state": {"OR"}, "postal_code": {"97205"}}
	st, _, body := e.as(cookie, "POST", "/portal/intake/about", about)
	if st != 422 || !strings.Contains(body, `id="phone-error">Enter a phone number with its area code, like (212) 555-0142, or with a country code`) ||
		!strings.Contains(body, `value="&#43;15550100123"`) {
		t.Fatalf("about with no one's number: %d\n%s", st, trim(body))
	}
	emergency := url.Values{"emergency_name": {"Bea"}, "emergency_relationship": {"sister"}, "emergency_phone": {"+1 555 010 0124"}}
	if st, _, body := e.as(cookie, "POST", "/portal/intake/emergency", emergency); st != 422 || !strings.Contains(body, `id="emergency_phone-error">Enter a phone number with its area code`) {
		t.Fatalf("emergency contact with no one's number: %d", st)
	}
	about.Set("phone", "1 (503) 555-0199")
	if st, _, _ := e.as(cookie, "POST", "/portal/intake/about", about); st != 303 {
		t.Fatalf("about with a real number: %d", st)
	}
	in, err := e.db.FindIntake(context.Background(), c.ID)
	if err != nil || in.About.Phone != "+15035550199" {
		t.Fatalf("saved phone %q, %v", in.About.Phone, err)
	}
}

// The API refuses no one's phone number too, naming the field.
func TestIntakeAPIPhoneMustBeReal(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Ola Client", "ola@example.test", nil)
	path := fmt.Sprintf("/api/v1/clients/%d/intake/", c.ID)
	if st, body := e.asJSON(cookie, "PUT", path+"emergency", `{"emergency_name": "Bea", "emergency_relationship": "sister", "emergency_phone": "+15550100124"}`); st != 422 || !strings.Contains(body, `"field":"emergency_phone"`) {
		t.Fatalf("emergency contact with no one's number: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "PUT", path+"emergency", `{"emergency_name": "Bea", "emergency_relationship": "sister", "emergency_phone": "+15035550124"}`); st != 200 {
		t.Fatalf("emergency contact: %d %s", st, body)
	}
}
