package web

import (
	"context"
	"fmt"
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
