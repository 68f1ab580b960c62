package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey/internal/testenv"
)

// e2eBookWith books the first open slot of the named therapist through the
// API, for a visitor called visitor.
func e2eBookWith(t *testing.T, base, therapist, visitor string) {
	t.Helper()
	client := &http.Client{Timeout: 15 * time.Second}
	var ts struct {
		Therapists []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"therapists"`
	}
	resp, err := client.Get(base + "/api/v1/therapists")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&ts)
	resp.Body.Close()
	var id int64
	for _, th := range ts.Therapists {
		if th.Name == therapist {
			id = th.ID
		}
	}
	var slots struct {
		Slots []struct {
			Start string `json:"start"`
		} `json:"slots"`
	}
	resp, err = client.Get(base + "/api/v1/consult-slots?days=21&therapist_id=" + jsonNumber(id))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&slots)
	resp.Body.Close()
	if id == 0 || len(slots.Slots) == 0 {
		t.Fatalf("no slots for %s", therapist)
	}
	body, _ := json.Marshal(map[string]any{"start": slots.Slots[0].Start, "therapist_id": id, "name": visitor,
		"email": testenv.UniqueAddress(t), "contact_method": "email", "mode": "video", "time_zone": "America/Chicago", "privacy_consent": true})
	resp, err = client.Post(base+"/api/v1/consults", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("book with %s: %v %v", therapist, err, resp)
	}
	resp.Body.Close()
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

// A therapist signs in with a password, sets up an authenticator, and
// sees the consults booked with them, and no one else's.
func TestE2ETherapistSignsInWithTOTP(t *testing.T) {
	axe, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	e2eBookWith(t, srv.URL, "Dr. Maya Okafor", "Visitor For Maya")
	e2eBookWith(t, srv.URL, "Daniel Reyes", "Visitor For Daniel")
	ctx := e2eTab(t, e2eBrowser(t), 60*time.Second)

	e2eDo(t, ctx, "open sign-in", chromedp.Navigate(srv.URL+"/login"))
	e2eAxe(t, ctx, string(axe), "/login")
	e2eDo(t, ctx, "type credentials",
		chromedp.SendKeys(chromedp.CSS("#email"), "maya.okafor@cedarandtide.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-therapist-willow-creek"))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `location.pathname === "/account/2fa" && !!document.querySelector("code.secret")`)
	if !e2eEval[bool](t, ctx, `!!document.querySelector('img[src^="data:image/png;base64,"]')`) {
		t.Fatal("no QR code on the enrolment page")
	}
	secret := e2eEval[string](t, ctx, `document.querySelector("code.secret").textContent`)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e2eDo(t, ctx, "type code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	e2eSubmit(t, ctx, "form.auth button[type=submit]")
	e2eWaitJS(t, ctx, `document.querySelectorAll("ul.codes code").length === 10`)
	e2eSubmit(t, ctx, "a.button")
	e2eWaitJS(t, ctx, `location.pathname === "/staff"`)
	e2eAxe(t, ctx, string(axe), "/staff")
	e2eDo(t, ctx, "open the consult list", chromedp.Navigate(srv.URL+"/staff/consults"))
	e2eWaitJS(t, ctx, `location.pathname === "/staff/consults"`)
	text := e2eEval[string](t, ctx, `document.querySelector("main").innerText`)
	signedIn := e2eEval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(text, "Visitor For Maya") || strings.Contains(text, "Visitor For Daniel") || !strings.Contains(signedIn, "Sign out") {
		t.Fatalf("the therapist's consult list:\n%s", text)
	}
	e2eAxe(t, ctx, string(axe), "/staff/consults")
}
