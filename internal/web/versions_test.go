package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// apiVersion is one entry of GET /api/v1/practice/versions.
type apiVersionT struct {
	Version int    `json:"version"`
	By      string `json:"by"`
	Summary string `json:"summary"`
}

// versionsOf lists kind's versions through the API, newest first.
func (e *env) versionsOf(cookie, kind string) []apiVersionT {
	e.t.Helper()
	st, _, body := e.api(cookie, "GET", "/api/v1/practice/versions?kind="+kind, "")
	var out struct {
		Versions []apiVersionT `json:"versions"`
	}
	if err := json.Unmarshal([]byte(body), &out); st != 200 || err != nil {
		e.t.Fatalf("versions of %s: %d %v %s", kind, st, err, body)
	}
	return out.Versions
}

// versionWith returns the newest version of kind whose summary holds s.
func (e *env) versionWith(cookie, kind, s string) int {
	e.t.Helper()
	for _, v := range e.versionsOf(cookie, kind) {
		if strings.Contains(v.Summary, s) {
			return v.Version
		}
	}
	e.t.Fatalf("no version of %s holds %q", kind, s)
	return 0
}

// The practice's details, its landing text and its FAQ are versioned:
// each save keeps what was saved, by whom and when; the admin reads the
// history on the settings page (and through the API) and restores a
// version, which is saved again as the newest, and audited.
func TestPracticeSettingsVersioned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.addUser(journey.UserStaff, "boss@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	details := func(name string) url.Values {
		return url.Values{"name": {name}, "address": {"1 Main St"}, "phone": {"(312) 555-0100"}, "email": {"desk@calm.test"},
			"time_zone": {"America/Chicago"}, "reminder_hours": {"24"}, "cancel_notice_hours": {"24"}}
	}
	for _, name := range []string{"Calm Harbor", "Calm Harbor Two"} {
		if st, _, body := e.as(cookie, "POST", "/admin/practice", details(name)); st != 303 {
			t.Fatalf("save %s: %d %s", name, st, trim(body))
		}
	}
	_, _, body := e.as(cookie, "GET", "/admin/practice", nil)
	first := e.versionWith(cookie, "practice", "Calm Harbor,")
	if !strings.Contains(body, "History") || !strings.Contains(body, "User boss@practice.test") ||
		!strings.Contains(body, fmt.Sprintf(`action="/admin/practice/versions/practice/%d/restore"`, first)) {
		t.Fatalf("the practice page shows no history:\n%s", trim(body))
	}
	if st, h, _ := e.as(cookie, "POST", fmt.Sprintf("/admin/practice/versions/practice/%d/restore", first), url.Values{}); st != 303 ||
		h.Get("Location") != "/admin/practice?saved=restored" {
		t.Fatalf("restore: %d %q", st, h.Get("Location"))
	}
	if p, _ := e.db.FindPractice(ctx); p.Name != "Calm Harbor" {
		t.Errorf("restored name %q", p.Name)
	}
	if vs := e.versionsOf(cookie, "practice"); vs[0].Summary == "" || !strings.Contains(vs[0].Summary, "Calm Harbor,") || vs[0].By != "User boss@practice.test" {
		t.Errorf("the restore is not the newest version: %+v", vs[0])
	}

	for _, text := range []string{"First words.", "Second words."} {
		if st, _, _ := e.as(cookie, "POST", "/admin/practice/landing", url.Values{"landing": {text}, "action": {"save"}}); st != 303 {
			t.Fatalf("landing %q: %d", text, st)
		}
	}
	_, _, body = e.as(cookie, "GET", "/admin/practice/landing", nil)
	firstWords := e.versionWith(cookie, "landing", "First words.")
	if !strings.Contains(body, fmt.Sprintf(`action="/admin/practice/versions/landing/%d/restore"`, firstWords)) {
		t.Fatalf("the landing page shows no history:\n%s", trim(body))
	}
	if st, _, body := e.api(cookie, "POST", fmt.Sprintf("/api/v1/practice/versions/landing/%d/restore", firstWords), ""); st != 200 {
		t.Fatalf("restore landing through the API: %d %s", st, body)
	}
	if p, _ := e.db.FindPractice(ctx); p.Landing != "First words." || p.Name != "Calm Harbor" {
		t.Errorf("after restoring the landing text: %q, name %q", p.Landing, p.Name)
	}

	q := &journey.FAQEntry{Question: "Is it safe?", Answer: "Old answer.", Published: true}
	if err := e.db.CreateFAQEntry(ctx, q); err != nil {
		t.Fatal(err)
	}
	edit := url.Values{"question": {"Is it safe?"}, "answer": {"New answer."}, "published": {"yes"}}
	if st, _, _ := e.as(cookie, "POST", fmt.Sprintf("/admin/faq/%d", q.ID), edit); st != 303 {
		t.Fatalf("faq edit: %d", st)
	}
	_, _, body = e.as(cookie, "GET", "/admin/faq", nil)
	e.versionWith(cookie, "faq", "Is it safe?") // the edit is kept as a version
	vs := e.versionsOf(cookie, "faq")
	if len(vs) < 2 || !strings.Contains(body, `action="/admin/practice/versions/faq/`) {
		t.Fatalf("the FAQ page shows no history (%d versions):\n%s", len(vs), trim(body))
	}
	old := vs[1].Version // the one before the edit
	if st, _, _ := e.as(cookie, "POST", fmt.Sprintf("/admin/practice/versions/faq/%d/restore", old), url.Values{}); st != 303 {
		t.Fatalf("faq restore: %d", st)
	}
	if es, _ := e.db.FindFAQ(ctx, false); len(es) == 0 || es[len(es)-1].Answer != "Old answer." {
		t.Errorf("the FAQ after restoring: %+v", es)
	}
	if st, _, _ := e.as(cookie, "POST", "/admin/practice/versions/practice/999/restore", url.Values{}); st != 404 {
		t.Errorf("restoring a version that does not exist: %d", st)
	}
	therapist := e.session(staffUser(e.ny), true)
	if st, _, _ := e.api(therapist, "GET", "/api/v1/practice/versions?kind=practice", ""); st != 403 {
		t.Errorf("a therapist reads the settings history: %d", st)
	}
	if n := e.auditCount("settings.practice.restore", journey.AuditSuccess) + e.auditCount("settings.landing.restore", journey.AuditSuccess) +
		e.auditCount("settings.faq.restore", journey.AuditSuccess); n != 3 {
		t.Errorf("%d restores audited, want 3", n)
	}
}
