package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// completedUncharged is a completed integration session of a new client
// of Nora York, started ago, completed before billing was set up: it charged nothing.
func (e *env) completedUncharged(t *testing.T, name, email string, ago time.Duration) (client, session int64) {
	t.Helper()
	c, _ := e.newClient(e.ny, name, email)
	start := e.now.Add(-ago)
	id := sqldbtest.RawSessions(t, e.db, e.ny.ID, []sqldbtest.RawSession{{ClientID: c.ID, Type: journey.TypeIntegration,
		Mode: journey.ModeInPerson, Start: start, Minutes: 60, TherapistID: e.ny.ID}})[0]
	sqldbtest.SetSession(t, e.db, id, journey.SessionInProgress, 0, start)
	if st, body := e.bearer(e.token(e.ny.ID), "POST", fmt.Sprintf("/api/v1/sessions/%d/complete", id), `{"minutes": 50}`); st != 200 {
		t.Fatalf("complete: %d %s", st, body)
	}
	return c.ID, id
}

func (e *env) chargeCount(t *testing.T, session int64) int {
	t.Helper()
	cs, err := e.db.FindCharges(context.Background(), journey.ChargeFilter{SessionID: session, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// A session completed before billing was set up is charged afterwards by
// the front desk from its page ("Make charges") and through the API, once
// however often they ask; before billing is set up the refusal says why;
// a therapist is offered no button and may not.
func TestChargeSessionAgain(t *testing.T) {
	e := newEnv(t)
	_, pageSession := e.completedUncharged(t, "Pat Page", "pat@example.test", 2*time.Hour)
	_, apiSession := e.completedUncharged(t, "Abe Api", "abe@example.test", 4*time.Hour)
	deskID := sqldbtest.Staff(t, e.db, "Dee Desk", journey.RoleFrontDesk)
	desk := e.session(&journey.User{ID: deskID}, true)
	deskToken := e.token(deskID)
	nora := e.session(&journey.User{ID: e.ny.ID}, true)
	noraToken := e.token(e.ny.ID)
	page := fmt.Sprintf("/staff/sessions/%d", pageSession)
	api := fmt.Sprintf("/api/v1/sessions/%d/charges", apiSession)

	if st, _, body := e.as(desk, "POST", page+"/charges", nil); st != 409 || !strings.Contains(body, "Billing is not set up") {
		t.Fatalf("before billing is set up: %d\n%s", st, trim(body))
	}
	if st, body := e.bearer(deskToken, "POST", api, ""); st != 409 || !strings.Contains(body, "Billing is not set up") {
		t.Fatalf("API before billing is set up: %d %s", st, body)
	}
	sqldbtest.SeedBilling(t, e.db, e.ny.ID)

	if _, _, body := e.as(nora, "GET", page, nil); strings.Contains(body, "Make charges") {
		t.Errorf("a therapist is offered to make charges:\n%s", trim(body))
	}
	if st, _, _ := e.as(nora, "POST", page+"/charges", nil); st != 403 {
		t.Errorf("a therapist makes charges: %d", st)
	}
	if _, _, body := e.as(desk, "GET", page, nil); !strings.Contains(body, "Make charges") {
		t.Fatalf("the front desk is offered no way to charge:\n%s", trim(body))
	}
	for range 2 {
		if st, h, body := e.as(desk, "POST", page+"/charges", nil); st != 303 || !strings.HasPrefix(h.Get("Location"), page) {
			t.Fatalf("make charges: %d %v\n%s", st, h, trim(body))
		}
	}
	if n := e.chargeCount(t, pageSession); n != 1 {
		t.Errorf("%d charges after asking twice on the page, want 1", n)
	}
	if _, _, body := e.as(desk, "GET", page+"?done=charged", nil); !strings.Contains(body, "90834") {
		t.Errorf("the page does not show the charge:\n%s", trim(body))
	}

	if st, body := e.bearer(noraToken, "POST", api, ""); st != 403 {
		t.Errorf("API, a therapist: %d %s", st, body)
	}
	if st, body := e.bearer(deskToken, "POST", "/api/v1/sessions/99999/charges", ""); st != 404 {
		t.Errorf("API, no such session: %d %s", st, body)
	}
	var first string
	for i := range 2 {
		st, body := e.bearer(deskToken, "POST", api, "")
		if st != 200 || !strings.Contains(body, `"code":"90834"`) || !strings.Contains(body, fmt.Sprintf(`"session_id":%d`, apiSession)) {
			t.Fatalf("API make charges: %d %s", st, body)
		}
		if i == 0 {
			first = body
		} else if body != first {
			t.Errorf("asked again: %s, first %s", body, first)
		}
	}
	if n := e.chargeCount(t, apiSession); n != 1 {
		t.Errorf("%d charges after asking twice through the API, want 1", n)
	}
}
