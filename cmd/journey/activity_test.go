package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey/internal/testenv"
)

// Activity through the HTTP surface a release has had since v0.1.0, so
// the same steps run against this build and against the previous release
// (the upgrade test): bookings with PHI in every field, a demo client's
// intake saves, a failed sign-in.

// actBooking is one consult booked through POST /api/v1/consults.
type actBooking struct {
	ID                          int64
	Name, Email, Phone, Reason  string
	ManageURL, Token, StartText string
}

// actBook books the i-th open slot (so several bookings never collide) for
// a visitor whose every field holds tag, and returns what was written.
func actBook(t *testing.T, base string, i int, tag string) actBooking {
	t.Helper()
	return actBookMode(t, base, i, tag, "phone")
}

// actBookMode is actBook asking for a phone or video consult; mode ""
// sends none, as a release from before the choice takes.
func actBookMode(t *testing.T, base string, i int, tag, mode string) actBooking {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	slots := procGetSlots(t, c, base, 21)
	if len(slots) <= i {
		t.Fatalf("only %d open slots, want more than %d", len(slots), i)
	}
	b := actBooking{Name: "Quillon " + tag + " Marchbanks", Email: testenv.UniqueAddress(t),
		Phone: "+15035550142", Reason: "Pomegranate lighthouse " + tag + " wants to talk about sleep."}
	in := map[string]any{"start": slots[i].Start, "therapist_id": slots[i].TherapistID, "name": b.Name,
		"email": b.Email, "phone": "(503) 555-0142", "contact_method": "phone", "time_zone": "America/Chicago",
		"reason": b.Reason, "privacy_consent": true}
	if mode != "" {
		in["mode"] = mode
	}
	body, _ := json.Marshal(in)
	resp, err := c.Post(base+"/api/v1/consults", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out procConsult
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusCreated || out.ManageURL == "" {
		t.Fatalf("POST /api/v1/consults: %d %v\n%s", resp.StatusCode, err, raw)
	}
	b.ID, b.ManageURL, b.StartText = out.ID, out.ManageURL, slots[i].Start
	b.Token = out.ManageURL[strings.LastIndex(out.ManageURL, "/")+1:]
	return b
}

// actSignIn signs in with a password through the sign-in form and returns
// a client holding the session cookie.
func actSignIn(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Timeout: 20 * time.Second, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d, want 303", email, resp.StatusCode)
	}
	return c
}

// actSignInFails tries a password that is wrong for email and wants 401.
func actSignInFails(t *testing.T, base, email string) {
	t.Helper()
	resp, err := http.PostForm(base+"/login", url.Values{"email": {email}, "password": {"not the password at all"}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password for %s: %d, want 401", email, resp.StatusCode)
	}
}

// actIntake is what actSaveIntake writes into a demo client's intake.
type actIntake struct {
	LegalName, Address, EmergencyName, EmergencyRelationship string
}

// actSaveIntake saves the about and emergency steps of the signed-in
// client's intake through the portal's forms, every field holding tag.
func actSaveIntake(t *testing.T, c *http.Client, base, tag string) actIntake {
	t.Helper()
	in := actIntake{LegalName: "Taylor " + tag + " Brooks", Address: "77 Sycamore " + tag + " Lane",
		EmergencyName: "Ottoline " + tag + " Brightwater", EmergencyRelationship: "sister"}
	steps := []struct {
		step string
		form url.Values
	}{
		{"about", url.Values{"legal_name": {in.LegalName}, "date_of_birth": {"1988-04-09"}, "phone": {"(503) 555-0142"},
			"address": {in.Address}, "city": {"Portland"}, "state": {"OR"}, "postal_code": {"97205"}}},
		{"emergency", url.Values{"emergency_name": {in.EmergencyName}, "emergency_relationship": {in.EmergencyRelationship},
			"emergency_phone": {"(503) 555-0177"}}},
	}
	for _, s := range steps {
		resp, err := c.PostForm(base+"/portal/intake/"+s.step, s.form)
		if err != nil {
			t.Fatalf("intake %s: %v", s.step, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("intake %s: %d, want 303\n%s", s.step, resp.StatusCode, body)
		}
	}
	return in
}

// actGet fetches base+path and returns the status.
func actGet(t *testing.T, c *http.Client, base, path string) int {
	t.Helper()
	if c == nil {
		c = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := c.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// actTag is a marker unlikely to occur anywhere by chance.
func actTag(t *testing.T) string {
	return fmt.Sprintf("Zq%dx", time.Now().UnixNano()%1_000_000_007)
}

// actBody fetches base+path with c and returns the body of a 200.
func actBody(t *testing.T, c *http.Client, base, path string) string {
	t.Helper()
	resp, err := c.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return string(b)
}

// actStatus returns the status of GET url, 0 when it cannot be fetched.
func actStatus(url string) int {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
