package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// A client reads back their intake, whole or by part, from the portal;
// the page says plainly whether they can still change it (until the
// medical provider decides) and each read is audited as intake.read.
func TestPortalYourAnswers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, cookie := e.portalClient("Rae Client", "rae@example.test", sqldbtest.Intake("Rae <b>Client</b>", *e.now))
	_, _, body := e.as(cookie, "GET", "/portal", nil)
	if !strings.Contains(body, `href="/portal/answers"`) {
		t.Fatalf("the portal does not link the client's answers:\n%s", trim(body))
	}
	st, _, body := e.as(cookie, "GET", "/portal/answers", nil)
	if st != 200 || !strings.Contains(body, "Your answers") || !strings.Contains(body, "Rae &lt;b&gt;Client&lt;/b&gt;") ||
		!strings.Contains(body, "You can still change your answers") || !strings.Contains(body, `href="/portal/intake/about"`) {
		t.Fatalf("answers: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(cookie, "GET", "/portal/answers/medications", nil)
	if st != 200 || !strings.Contains(body, "Your answers: Current medications") || strings.Contains(body, "Legal name") {
		t.Fatalf("one part: %d\n%s", st, trim(body))
	}
	if st, _, _ := e.as(cookie, "GET", "/portal/answers/nope", nil); st != 404 {
		t.Fatalf("no such part: %d", st)
	}
	e.db.FlushAudit(ctx)
	es, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "intake.read"})
	var details []string
	for _, en := range es {
		if en.SubjectID == fmt.Sprint(c.ID) {
			details = append(details, en.Detail)
		}
	}
	if !strings.Contains(strings.Join(details, ","), "answers") {
		t.Errorf("reads not audited as intake.read: %v", details)
	}
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionDeclined, ProviderID: doc.ID,
		Message: "After reviewing your information, KAP is not the right fit now. Your therapist will talk with you about other options.",
		Reason:  "declined"}); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie, "GET", "/portal/answers", nil)
	if !strings.Contains(body, "The medical provider has reviewed your answers") || strings.Contains(body, `href="/portal/intake/about"`) {
		t.Fatalf("answers after the decision still offer changes:\n%s", trim(body))
	}
}

// Once the medical provider has cleared or declined a client, their
// intake is the record the decision rests on: the portal's intake pages
// and the API refuse changes with a reason (contact the practice), and
// the client can still read every answer. A client asked for more
// information may change their answers again.
func TestIntakeClosedAfterDecision(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	emergency := url.Values{"emergency_name": {"Bea Changed"}, "emergency_relationship": {"sister"}, "emergency_phone": {"(503) 555-0124"}}
	for i, decision := range []journey.Clearance{
		{Decision: journey.DecisionCleared, ClearedUntil: e.now.AddDate(1, 0, 0)},
		{Decision: journey.DecisionDeclined, Reason: "declined", Message: "KAP is not the right fit now."},
	} {
		name := fmt.Sprintf("Rae Client%d", i)
		c, cookie := e.portalClient(name, fmt.Sprintf("rae%d@example.test", i), sqldbtest.Intake(name, *e.now))
		decision.ClientID, decision.ProviderID = c.ID, doc.ID
		if _, err := e.db.DecideClearance(ctx, &decision); err != nil {
			t.Fatalf("%s: %v %v", decision.Decision, err, journey.ErrorFields(err))
		}
		before, _ := e.db.FindIntake(ctx, c.ID)
		if st, h, _ := e.as(cookie, "GET", "/portal/intake/emergency", nil); st != 303 || h.Get("Location") != "/portal/answers/emergency" {
			t.Errorf("%s: the intake form opens after the decision: %d %q", decision.Decision, st, h.Get("Location"))
		}
		st, _, body := e.as(cookie, "POST", "/portal/intake/emergency", emergency)
		if st != 409 || !strings.Contains(body, "contact the practice") || !strings.Contains(body, `href="/portal/answers"`) {
			t.Errorf("%s: a change after the decision: %d\n%s", decision.Decision, st, trim(body))
		}
		st, h, body := e.api(cookie, "PUT", fmt.Sprintf("/api/v1/clients/%d/intake/emergency", c.ID),
			`{"emergency_name":"Bea Changed","emergency_relationship":"sister","emergency_phone":"+15035550199"}`)
		if st != 409 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(body, "contact the practice") {
			t.Errorf("%s: the API takes a change after the decision: %d %s", decision.Decision, st, body)
		}
		if after, _ := e.db.FindIntake(ctx, c.ID); after.Emergency.Name != before.Emergency.Name {
			t.Errorf("%s: the emergency contact changed to %q", decision.Decision, after.Emergency.Name)
		}
		if st, _, body := e.as(cookie, "GET", "/portal/answers/emergency", nil); st != 200 || !strings.Contains(body, before.Emergency.Name) {
			t.Errorf("%s: the client cannot read their answers: %d", decision.Decision, st)
		}
	}
	c, cookie := e.portalClient("Sam Asked", "sam@example.test", sqldbtest.Intake("Sam Asked", *e.now))
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "Who is your emergency contact?"}); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := e.as(cookie, "GET", "/portal/intake/emergency", nil); st != 200 {
		t.Errorf("asked for more: the intake form: %d", st)
	}
	if st, _, body := e.as(cookie, "POST", "/portal/intake/emergency", emergency); st != 303 {
		t.Errorf("asked for more: a change is refused: %d\n%s", st, trim(body))
	}
}
