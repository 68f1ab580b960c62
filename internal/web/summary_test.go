package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Each line of a portal form's error summary names its field: five lines
// of "This field is required." do not say which five.
func TestPortalErrorSummaryNamesFields(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, cookie := e.portalClient("Lee Client", "lee@example.test", nil)
	_, _, body := e.as(cookie, "POST", "/portal/intake/about", url.Values{"legal_name": {""}})
	for _, want := range []string{`<a href="#legal_name">Full legal name: this field is required.</a>`,
		`<a href="#city">City: this field is required.</a>`, `<a href="#date_of_birth">Date of birth: enter your date of birth.</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("intake summary lacks %q", want)
		}
	}
	_, _, body = e.as(cookie, "POST", "/portal/intake/medications", url.Values{"med_1_name": {"sertraline"}, "med_1_dose": {"lots"}})
	if want := `<a href="#med_1_dose">Medication 2, dose: enter the dose in mg as a number.</a>`; !strings.Contains(body, want) {
		t.Errorf("medication summary lacks %q\n%s", want, trim(body))
	}
	_, _, body = e.as(cookie, "POST", "/portal/measures/phq-9", url.Values{"item_0": {"1"}})
	if !strings.Contains(body, `<a href="#item_1">Question 2: `) {
		t.Errorf("questionnaire summary does not name the question\n%s", trim(body))
	}
	d := &journey.ConsentDocument{Code: "kap-informed-consent", Title: "KAP informed consent", Body: "# KAP", Required: true}
	if err := e.db.CreateConsentDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "typed_name": {"Lee Client"}})
	if want := `<a href="#agree">Agreement: tick the box`; !strings.Contains(body, want) {
		t.Errorf("consent summary lacks %q", want)
	}

	c, cookie2 := e.portalClient("Rae Client", "rae@example.test", sqldbtest.Intake("Rae Client", *e.now))
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "Which dose?"}); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie2, "POST", "/portal/question", url.Values{"reply": {""}})
	if want := `<a href="#reply">Your answer: write your answer`; !strings.Contains(body, want) {
		t.Errorf("reply summary lacks %q", want)
	}
}

// The intake's parts are a plain list of their own, not the landing
// page's numbered cards; after signing, the client lands on a banner at
// the top that names what they signed and links the PDF.
func TestPortalPartsAndSignedBanner(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Lee Client", "lee@example.test", nil)
	_, _, body := e.as(cookie, "GET", "/portal", nil)
	if strings.Contains(body, `class="steps"`) || !strings.Contains(body, `<ol class="parts">`) {
		t.Errorf("the intake's parts carry the landing page's step styling")
	}
	d := &journey.ConsentDocument{Code: "kap-informed-consent", Title: "KAP informed consent", Body: "# KAP\n\nLong text.", Required: true}
	if err := e.db.CreateConsentDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	st, h, _ := e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "agree": {"yes"}, "typed_name": {"Lee Client"}})
	loc := h.Get("Location")
	if st != 303 || loc != "/portal/consents/kap-informed-consent?signed=1#signed" {
		t.Fatalf("sign: %d %q", st, loc)
	}
	_, _, body = e.as(cookie, "GET", "/portal/consents/kap-informed-consent?signed=1", nil)
	banner, doc := strings.Index(body, `id="signed"`), strings.Index(body, `<article class="document"`)
	if banner < 0 || doc < 0 || banner > doc {
		t.Fatalf("no confirmation above the document (banner at %d, document at %d)", banner, doc)
	}
	if rest := body[banner:doc]; !strings.Contains(rest, "You signed “KAP informed consent”") || !strings.Contains(rest, `href="/portal/signatures/`) {
		t.Errorf("banner does not name the document or link the PDF:\n%s", rest)
	}
}
