package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// medicineEnded writes e's client's medicine session with the New York
// therapist, completed, ended ago before now, and returns its id.
func (e *careEnv) medicineEnded(t *testing.T, ago time.Duration) int64 {
	t.Helper()
	end := e.now.Add(-ago)
	start := end.Add(-3 * time.Hour)
	var id int64
	if err := e.db.Write.QueryRowContext(context.Background(), e.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end,
		status, mode, route, created_by, created_at, updated_at) VALUES (?, 'medicine', ?, ?, ?, 'completed', 'remote', 'lozenge', ?, 0, 0) RETURNING id`),
		e.c.ID, start.Unix(), end.Unix(), end.Unix(), e.ny.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The client's pages after a medicine session, through the real router
// and store: the morning-after check-in (closed with no session; every
// question required, the answers and the note kept, escaped; a safety
// answer goes straight to the crisis lines and alerts the therapist; once
// only), the journal (an empty entry refused beside the field; an entry
// shared and taken back), the goals and safety plan from the signed
// preparation note; and the staff's aftercare page: the check-in for the
// client's clinicians, the shared entries for their therapist alone.
func TestAftercarePages(t *testing.T) {
	e := newCareEnv(t)
	doc := e.session(&journey.User{ID: e.mp}, true)
	if _, _, b := e.as(e.client, "GET", "/portal/morning-after", nil); !strings.Contains(b, "no session to check in about") {
		t.Fatalf("no session: %s", trim(b))
	}
	e.medicineEnded(t, 10*time.Hour)
	if _, _, b := e.as(e.client, "GET", "/portal/morning-after", nil); !strings.Contains(b, "How did you sleep last night?") {
		t.Fatalf("the form: %s", trim(b))
	}
	st, _, b := e.as(e.client, "POST", "/portal/morning-after", url.Values{"slept": {"poorly"}, "note": {"Dizzy <i>a bit</i>"}})
	if st != 422 || !strings.Contains(b, `href="#nausea"`) || !strings.Contains(b, "Dizzy &lt;i&gt;a bit&lt;/i&gt;") ||
		!strings.Contains(b, `value="poorly" checked`) || strings.Contains(b, "<i>a bit") {
		t.Fatalf("unanswered: %d %s", st, trim(b))
	}
	all := url.Values{"slept": {"poorly"}, "nausea": {"mild"}, "headache": {"none"}, "urinary": {"none"}, "distress": {"a_lot"}, "safety": {"yes"}}
	st, h, _ := e.as(e.client, "POST", "/portal/morning-after", all)
	if st != 303 || h.Get("Location") != "/portal/support?alerted=1" {
		t.Fatalf("a safety answer: %d %s", st, h.Get("Location"))
	}
	if _, _, b := e.as(e.client, "GET", "/portal/support?alerted=1", nil); !strings.Contains(b, "988") || !strings.Contains(b, "Your care team has been alerted") {
		t.Errorf("the crisis lines: %s", trim(b))
	}
	if st, _, _ := e.as(e.client, "POST", "/portal/morning-after", all); st != 409 {
		t.Errorf("twice: %d", st)
	}
	if _, _, b := e.as(e.nora, "GET", "/staff/alerts", nil); !strings.Contains(b, "Morning-after check-in: thoughts of self-harm") {
		t.Errorf("the therapist's alerts: %s", trim(b))
	}
	// The journal.
	if st, _, b := e.as(e.client, "POST", "/portal/journal", url.Values{"text": {"  "}, "shared": {"yes"}}); st != 422 || !strings.Contains(b, `href="#text"`) ||
		!strings.Contains(b, `name="shared" value="yes" checked`) {
		t.Fatalf("empty entry: %d %s", st, trim(b))
	}
	for _, f := range []url.Values{{"text": {"Private <thought>."}}, {"text": {"For Nora."}, "shared": {"yes"}}} {
		if st, _, _ := e.as(e.client, "POST", "/portal/journal", f); st != 303 {
			t.Fatalf("entry: %d", st)
		}
	}
	_, _, b = e.as(e.client, "GET", "/portal/journal", nil)
	if !strings.Contains(b, "Private &lt;thought&gt;.") || !strings.Contains(b, "Shared with your therapist.") {
		t.Errorf("the client's journal: %s", trim(b))
	}
	aftercare := fmt.Sprintf("/staff/clients/%d/aftercare", e.c.ID)
	_, _, b = e.as(e.nora, "GET", aftercare, nil)
	if !strings.Contains(b, "For Nora.") || strings.Contains(b, "Private") || !strings.Contains(b, "(safety alert)") || !strings.Contains(b, "A little") {
		t.Errorf("the therapist's aftercare page: %s", trim(b))
	}
	_, _, b = e.as(doc, "GET", aftercare, nil)
	if strings.Contains(b, "For Nora.") || !strings.Contains(b, "(safety alert)") {
		t.Errorf("the medical provider's aftercare page: %s", trim(b))
	}
	for name, cookie := range map[string]string{"front desk": e.desk, "other therapist": e.luis} {
		if st, _, b := e.as(cookie, "GET", aftercare, nil); st == 200 || strings.Contains(b, "For Nora.") {
			t.Errorf("%s opens the aftercare page: %d", name, st)
		}
	}
	// The goals and safety plan wait for the signed preparation note.
	if _, _, b := e.as(e.client, "GET", "/portal/preparation", nil); !strings.Contains(b, "will show here") {
		t.Errorf("before the note: %s", trim(b))
	}
	prep := e.preparationHeld(t)
	n := &journey.Note{Kind: journey.NoteProgress, Fields: map[string]string{"goals": "Sleep through.", "grounding": "Feet on the floor; call Sam.",
		"expectations": "Internal: anxious about needles."}}
	if err := e.srv.proc.CreateNote(context.Background(), &journey.Actor{User: staffUser(e.ny), Verified: true}, prep, n, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.proc.SignNote(context.Background(), &journey.Actor{User: staffUser(e.ny), Verified: true}, n.ID, ""); err != nil {
		t.Fatal(err)
	}
	_, _, b = e.as(e.client, "GET", "/portal/preparation", nil)
	if !strings.Contains(b, "Sleep through.") || !strings.Contains(b, "Feet on the floor; call Sam.") || strings.Contains(b, "needles") {
		t.Errorf("the client's plan: %s", trim(b))
	}
}

// preparationHeld writes e's client's preparation session with the New
// York therapist, held yesterday, and returns its id.
func (e *careEnv) preparationHeld(t *testing.T) int64 {
	t.Helper()
	start := e.now.Add(-24 * time.Hour)
	var id int64
	if err := e.db.Write.QueryRowContext(context.Background(), e.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end,
		status, mode, created_by, created_at, updated_at) VALUES (?, 'preparation', ?, ?, ?, 'completed', 'remote', ?, 0, 0) RETURNING id`),
		e.c.ID, start.Unix(), start.Add(time.Hour).Unix(), start.Add(time.Hour).Unix(), e.ny.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Write.ExecContext(context.Background(), e.db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end)
		VALUES (?, 'therapist', 'staff', ?, ?, ?)`), id, e.ny.ID, start.Unix(), start.Add(time.Hour).Unix()); err != nil {
		t.Fatal(err)
	}
	return id
}
