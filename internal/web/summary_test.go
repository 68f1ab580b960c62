package web

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
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

// summaryOrder returns the targets of the error summary's links and, for
// each, where the page puts the element it jumps to (-1 when absent).
func summaryOrder(body string) (ids []string, at []int) {
	start := strings.Index(body, `class="error-summary"`)
	if start < 0 {
		return nil, nil
	}
	end := start + strings.Index(body[start:], "</ul>")
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(body[start:end], -1) {
		ids = append(ids, m[1])
		at = append(at, strings.Index(body[end:], `id="`+m[1]+`"`))
	}
	return ids, at
}

// checkSummaryOrder fails unless body's error summary names at least two
// fields, each present on the page, in the order the page shows them.
func checkSummaryOrder(t *testing.T, form, body string) {
	t.Helper()
	ids, at := summaryOrder(body)
	if len(ids) < 2 {
		t.Errorf("%s: the summary names %d fields, want at least 2", form, len(ids))
		return
	}
	for i := range ids {
		if at[i] < 0 {
			t.Errorf("%s: the summary links #%s, which is not on the page", form, ids[i])
		}
		if i > 0 && at[i] < at[i-1] {
			t.Errorf("%s: the summary lists #%s before #%s, the page the other way round (summary %v)", form, ids[i-1], ids[i], ids)
		}
	}
}

// The error summary lists the fields in the order the form shows them,
// not alphabetically or in the order the checks ran, so a person reads
// it top to bottom as they will fix it.
func TestErrorSummaryInPageOrder(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Lee Client", "lee@example.test", nil)
	for step, form := range map[string]url.Values{
		"about":       {"legal_name": {""}, "phone": {"12"}},
		"medical":     {"height": {"tall"}, "bp_systolic": {"high"}},
		"medications": {"med_0_name": {"sertraline"}, "med_0_dose": {"lots"}, "med_0_per_day": {"often"}},
		"substances":  {"drinks_per_week": {"many"}, "abstinent_months": {"x"}},
	} {
		_, _, body := e.as(cookie, "POST", "/portal/intake/"+step, form)
		checkSummaryOrder(t, "intake "+step, body)
	}
	_, adminCookie := e.staffCookie(journey.RoleAdmin)
	_, _, body := e.as(adminCookie, "POST", "/admin/practice", url.Values{"name": {""}, "phone": {"12"}, "email": {"x"},
		"time_zone": {"Mars/Olympus_Mons"}, "reminder_hours": {"a day"}})
	checkSummaryOrder(t, "practice", body)
	_, _, body = e.as(adminCookie, "POST", fmt.Sprintf("/admin/staff/%d/profile", e.ny.ID), profileForm("", "1234567890", "Mars/Olympus"))
	checkSummaryOrder(t, "profile", body)
	bad := validForm(e)
	bad.Set("name", "")
	bad.Set("email", "ada@")
	bad.Set("phone", "12")
	bad.Del("privacy_consent")
	_, _, body = e.do("POST", "/book", "application/x-www-form-urlencoded", e.form(bad))
	checkSummaryOrder(t, "book", body)
}
