package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/testenv"
)

// pbPost sends a JSON POST and returns status, headers and body.
func pbPost(t *testing.T, c *http.Client, url string, body any) (int, http.Header, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := c.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(out)
}

// pbMails waits until n messages to addr have arrived and returns their
// summaries, newest first, with each text.
func pbMails(t *testing.T, mailpit, addr string, n int) ([]testenv.MailSummary, []string) {
	t.Helper()
	msgs := e2eWaitMessages(t, mailpit, addr, n)
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = testenv.MailText(t, mailpit, m.ID)
	}
	return msgs, texts
}

// pbIdle waits until the job queue has nothing left to run.
func pbIdle(t *testing.T, db *sqldb.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.Read.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("jobs still waiting after 30s")
}

// The whole of private booking through a real server, its job queue and
// SMTP: the booking answers the same for a new address and one with a
// consult, both times leave the slot list, the new address's confirm link
// books (with the usual confirmation and invitation), the other address gets
// a new manage link beside its old one; asking for a link mails the real
// address and nobody else.
func TestE2EPrivateBooking(t *testing.T) {
	smtpURL, mailpit := testenv.SMTPURL(t), testenv.MailpitURL(t)
	srv := startServer(t, map[string]string{"JOURNEY_SMTP_URL": smtpURL, "JOURNEY_MAIL_FROM": "desk@practice.test"},
		"--demo", "--rate-limit", "0")
	base := srv.URL
	client := &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	slots := procGetSlots(t, client, base, 14)
	if len(slots) < 3 {
		t.Fatalf("%d open slots", len(slots))
	}
	booking := func(s procSlot, email string) map[string]any {
		return map[string]any{"start": s.Start, "therapist_id": s.TherapistID, "name": "Grace Hopper", "email": email,
			"contact_method": "email", "mode": "video", "time_zone": "America/Chicago", "privacy_consent": true}
	}
	has, fresh, nobody := testenv.UniqueAddress(t), testenv.UniqueAddress(t), testenv.UniqueAddress(t)

	// With the setting off (the default), booking is instant.
	st, _, body := pbPost(t, client, base+"/api/v1/consults", booking(slots[0], has))
	var first procConsult
	if st != 201 || json.Unmarshal([]byte(body), &first) != nil || first.ManageURL == "" {
		t.Fatalf("instant booking: %d %s", st, body)
	}
	pbMails(t, mailpit, has, 1)

	db := procOpenDB(t, srv.DSN, srv.KeyFile)
	if err := db.UpdateBookingSettings(context.Background(), &journey.BookingSettings{Private: true, HoldMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	stHas, hHas, bodyHas := pbPost(t, client, base+"/api/v1/consults", booking(slots[1], has))
	stNew, hNew, bodyNew := pbPost(t, client, base+"/api/v1/consults", booking(slots[2], fresh))
	if stHas != 202 || stNew != 202 || bodyHas != bodyNew || hHas.Get("Location") != hNew.Get("Location") ||
		hHas.Get("Cache-Control") != "no-store" || hNew.Get("Cache-Control") != "no-store" {
		t.Fatalf("answers differ:\n%d %v %s\n%d %v %s", stHas, hHas, bodyHas, stNew, hNew, bodyNew)
	}
	left := procGetSlots(t, client, base, 14)
	for _, s := range slots[:3] {
		if procHasSlot(t, left, procParseTime(t, s.Start), s.TherapistID) {
			t.Fatalf("%s is still offered", s.Start)
		}
	}

	// The address with a consult: a new manage link; the old one works too.
	msgs, texts := pbMails(t, mailpit, has, 2)
	if !strings.Contains(msgs[0].Subject, "link") {
		t.Fatalf("newest mail to the address with a consult: %q", msgs[0].Subject)
	}
	manage := regexp.MustCompile(regexp.QuoteMeta(base) + `/c/[A-Za-z0-9_-]+`).FindString(texts[0])
	for _, link := range []string{manage, first.ManageURL} {
		if link == "" {
			t.Fatalf("no manage link in:\n%s", texts[0])
		}
		resp, err := client.Get(link)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", link, resp, err)
		}
		resp.Body.Close()
	}

	// The new address: a link that confirms the held time.
	msgs, texts = pbMails(t, mailpit, fresh, 1)
	confirm := regexp.MustCompile(regexp.QuoteMeta(base) + `/book/confirm/[A-Za-z0-9_-]+`).FindString(texts[0])
	if !strings.Contains(msgs[0].Subject, "Confirm") || confirm == "" || msgs[0].Attachments != 0 {
		t.Fatalf("hold mail: %q %d attachments\n%s", msgs[0].Subject, msgs[0].Attachments, texts[0])
	}
	resp, err := client.Get(confirm)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("confirm page: %v %v", resp, err)
	}
	resp.Body.Close()
	// The confirm page and the booking page under private booking pass axe.
	src, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	tab := e2eTab(t, e2eBrowser(t), 45*time.Second)
	for _, path := range []string{strings.TrimPrefix(confirm, base), "/book"} {
		e2ePortalOpen(t, tab, base, path)
		e2eAxe(t, tab, string(src), path)
		if dir := os.Getenv("PB_SHOTS"); dir != "" {
			buf, _ := chromedp.Run(tab, chromedp.CaptureScreenshot())
			os.WriteFile(filepath.Join(dir, strings.ReplaceAll(strings.Trim(path[:min(len(path), 14)], "/"), "/", "_")+".png"), buf, 0o644)
		}
	}
	if note := e2eEval[string](t, tab, `(document.getElementById("confirm-note") || {}).innerText || ""`); !strings.Contains(note, "email you a link") {
		t.Fatalf("the booking page does not say how private booking works: %q", note)
	}
	resp, err = client.Post(confirm, "application/x-www-form-urlencoded", strings.NewReader(""))
	if err != nil || resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/c/") {
		t.Fatalf("confirm: %v %v", resp, err)
	}
	resp.Body.Close()
	msgs, _ = pbMails(t, mailpit, fresh, 2)
	if !strings.Contains(msgs[0].Subject, "is booked") {
		t.Fatalf("confirmation: %q", msgs[0].Subject)
	}
	e2eCheckInvite(t, mailpit, msgs[0].ID, "REQUEST", procParseTime(t, slots[2].Start), fresh)

	// Asking for a link: the same answer; mail for the real address only.
	stA, _, bodyA := pbPost(t, client, base+"/api/v1/consults/resend-link", map[string]string{"email": has})
	stB, _, bodyB := pbPost(t, client, base+"/api/v1/consults/resend-link", map[string]string{"email": nobody})
	if stA != 202 || stB != 202 || bodyA != bodyB {
		t.Fatalf("resend answers differ: %d %s / %d %s", stA, bodyA, stB, bodyB)
	}
	pbMails(t, mailpit, has, 3)
	pbIdle(t, db)
	if n := len(testenv.MailTo(t, mailpit, nobody)); n != 0 {
		t.Fatalf("%d messages to an address with no consult", n)
	}
}
