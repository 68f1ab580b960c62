package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	apiv1 "github.com/journey-kap/journey/internal/web/api"
)

// completeClientSeq numbers the synthetic clients completeClient makes.
var completeClientSeq atomic.Int64

// completeClient adds a client of therapist, joined, with every intake
// step saved (sqldbtest.Intake, changed by mutate when it is not nil) and
// every required questionnaire answered without a flag: the client is
// waiting for medical review.
func completeClient(e *env, therapist *journey.Therapist, mutate func(*journey.Intake)) *journey.Client {
	e.t.Helper()
	n := completeClientSeq.Add(1)
	name := fmt.Sprintf("Sample Client %d", n)
	in := sqldbtest.Intake(name, *e.now)
	if mutate != nil {
		mutate(in)
	}
	c, _ := sqldbtest.Client(e.t, e.db, therapist.ID, name, fmt.Sprintf("sample.client%d@example.com", n), in)
	return c
}

func pregnant(in *journey.Intake) { in.Pregnancy.Pregnant = journey.Yes }

func bladder(in *journey.Intake) { in.Medical.Conditions["bladder"] = journey.Yes }

func alprazolam(in *journey.Intake) {
	in.Medications.List = append(in.Medications.List, journey.Medication{Name: "alprazolam", DoseMG: 0.5, PerDay: 1})
}

// findingCodes returns the codes of the client's current findings.
func findingCodes(e *env, clientID int64) []string {
	e.t.Helper()
	sc, err := e.db.FindScreening(context.Background(), clientID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, f := range sc.Findings {
		out = append(out, f.Code)
	}
	return out
}

func hasCode(codes []string, code string) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

func TestReviewQueueAndDecisionScreen(t *testing.T) {
	e := newEnv(t)
	warnOnly := completeClient(e, e.ny, bladder)
	sqldbtest.SetTime(e.now, e.now.Add(time.Hour))
	hardStop := completeClient(e, e.ny, pregnant)
	_, mpCookie := e.staffCookie(journey.RoleMedicalProvider)

	// The hard stop finished later, yet comes first.
	st, h, body := e.as(mpCookie, "GET", "/staff/review", nil)
	if st != 200 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("queue: %d %q", st, h.Get("Cache-Control"))
	}
	iH, iW := strings.Index(body, hardStop.Name), strings.Index(body, warnOnly.Name)
	if iH < 0 || iW < 0 || iH > iW {
		t.Fatalf("queue order: hard stop at %d, warning at %d\n%s", iH, iW, trim(body))
	}
	for _, want := range []string{"Hard stop", "Warning", "1 hard stop", "1 warning", fmt.Sprintf(`href="/staff/clients/%d/review"`, hardStop.ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	st, _, body = e.api(mpCookie, "GET", "/api/v1/review-queue?limit=10", "")
	var q struct {
		Clients []apiv1.ReviewRow `json:"clients"`
		Total   int               `json:"total"`
	}
	if st != 200 || json.Unmarshal([]byte(body), &q) != nil || q.Total != 2 || len(q.Clients) != 2 ||
		q.Clients[0].ID != hardStop.ID || q.Clients[0].Worst != journey.FindingHardStop || q.Clients[1].Counts[journey.FindingWarn] != 1 {
		t.Fatalf("api queue: %d %s", st, body)
	}
	if st, _, _ := e.api(mpCookie, "GET", "/api/v1/review-queue?limit=201", ""); st != 422 {
		t.Fatalf("limit 201: %d", st)
	}

	// One screen: findings, medication, answers item by item, intake questions.
	st, h, body = e.as(mpCookie, "GET", fmt.Sprintf("/staff/clients/%d/review", hardStop.ID), nil)
	if st != 200 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("review screen: %d", st)
	}
	for _, want := range []string{"Pregnancy", "Hard stop", "Spravato label", "sertraline", "50 mg", "× 1",
		"Little interest or pleasure in doing things", "Not at all (0)", "Have you had a stroke?", "120/80 mmHg",
		"BMI", "24.2", "A hard stop can only be cleared with an explicit override", `name="override_reason"`,
		`value="2031-01-02"`, "never shown to the client", "we don&#39;t think KAP is the right fit"} {
		if !strings.Contains(body, want) {
			t.Errorf("review screen lacks %q", want)
		}
	}
	// Not a client, not a medical provider: 404 and 403, never 500.
	if st, _, _ := e.as(mpCookie, "GET", "/staff/clients/999999/review", nil); st != 404 {
		t.Fatalf("unknown client: %d", st)
	}
	if st, _, _ := e.api(mpCookie, "POST", "/api/v1/clients/999999/clearance", `{"decision":"cleared"}`); st != 404 {
		t.Fatalf("unknown client via api: %d", st)
	}
	nora := e.session(staffUser(e.ny), true)
	if st, _, _ := e.as(nora, "GET", fmt.Sprintf("/staff/clients/%d/review", hardStop.ID), nil); st != 403 {
		t.Fatalf("therapist opens the review screen: %d", st)
	}
}

func TestClearanceDecisions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	warnOnly := completeClient(e, e.ny, bladder)
	hardStop := completeClient(e, e.ny, pregnant)
	declined := completeClient(e, e.ny, nil)
	question := completeClient(e, e.ny, nil)
	mp, mpCookie := e.staffCookie(journey.RoleMedicalProvider)
	_, deskCookie := e.staffCookie(journey.RoleFrontDesk)
	_, adminCookie := e.staffCookie(journey.RoleAdmin)
	nora := e.session(staffUser(e.ny), true)
	clientUser := e.addUser(journey.UserClient, "client.user@example.com", journey.RoleClient)
	clientCookie := e.session(clientUser, true)

	path := func(c *journey.Client) string { return fmt.Sprintf("/api/v1/clients/%d/clearance", c.ID) }
	cleared := `{"decision":"cleared","reason":"Reviewed; nothing against."}`
	for name, cookie := range map[string]string{"therapist": nora, "front desk": deskCookie, "admin": adminCookie, "client": clientCookie} {
		if st, _, _ := e.api(cookie, "POST", path(warnOnly), cleared); st != 403 {
			t.Errorf("%s decides: %d, want 403", name, st)
		}
	}
	if st, _, _ := e.api("", "POST", path(warnOnly), cleared); st != 401 {
		t.Errorf("anonymous decides: %d, want 401", st)
	}

	// Cleared by a medical provider: 12 months by default.
	st, _, body := e.api(mpCookie, "POST", path(warnOnly), cleared)
	var res apiv1.ClearanceResult
	if st != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Status != journey.ScreeningCleared || res.ClearedUntil == nil || *res.ClearedUntil != "2031-01-02" {
		t.Fatalf("clear: %d %s", st, body)
	}
	sc, err := e.db.FindScreening(ctx, warnOnly.ID)
	if err != nil || sc.Status != journey.ScreeningCleared || sc.ClearedUntil == nil ||
		sc.ClearedUntil.Sub(e.now.AddDate(1, 0, 0)).Abs() > 48*time.Hour {
		t.Fatalf("after clearing: %+v %v", sc, err)
	}
	if c, _ := e.db.FindClientByID(ctx, warnOnly.ID); !c.OnCareTeam(mp.ID) {
		t.Error("the deciding provider is not on the care team")
	}

	// A hard stop needs an explicit override with a reason.
	st, _, body = e.api(mpCookie, "POST", path(hardStop), `{"decision":"cleared","cleared_until":"2030-06-30"}`)
	if st != 422 || !strings.Contains(body, `"field":"override"`) {
		t.Fatalf("hard stop without override: %d %s", st, body)
	}
	const overrideReason = "Pregnancy test negative today; the answer was a mistake."
	st, _, body = e.api(mpCookie, "POST", path(hardStop), `{"decision":"cleared","cleared_until":"2030-06-30","override":true,"override_reason":"`+overrideReason+`"}`)
	if st != 201 || !strings.Contains(body, `"cleared_until":"2030-06-30"`) {
		t.Fatalf("hard stop with override: %d %s", st, body)
	}
	if st, _, body := e.api(mpCookie, "POST", path(hardStop), `{"decision":"cleared","cleared_until":"next year"}`); st != 422 || !strings.Contains(body, "cleared_until") {
		t.Fatalf("bad date: %d %s", st, body)
	}

	// A decline needs a message for the client.
	st, _, body = e.api(mpCookie, "POST", path(declined), `{"decision":"declined","reason":"Internal only."}`)
	if st != 422 || !strings.Contains(body, `"field":"message"`) {
		t.Fatalf("decline without message: %d %s", st, body)
	}
	// The same on the page: messages beside the fields, everything typed kept.
	form := url.Values{"decision": {"declined"}, "decline_message": {""}, "reason": {"Typed <note> kept"}, "question": {"Q typed"}}
	st, h, body := e.as(mpCookie, "POST", fmt.Sprintf("/staff/clients/%d/clearance", declined.ID), form)
	if st != 422 || h.Get("Cache-Control") != "no-store" || !strings.Contains(body, "Typed &lt;note&gt; kept") || !strings.Contains(body, "Q typed") ||
		!strings.Contains(body, `id="decline_message-error"`) || !strings.Contains(body, `href="#decline_message"`) ||
		!strings.Contains(body, `id="decision-declined" value="declined" checked`) {
		t.Fatalf("page decline without message: %d\n%s", st, trim(body))
	}
	form.Set("decline_message", "We don't think KAP fits now; your therapist will talk with you about other options.")
	st, h, _ = e.as(mpCookie, "POST", fmt.Sprintf("/staff/clients/%d/clearance", declined.ID), form)
	if st != 303 || h.Get("Location") != fmt.Sprintf("/staff/review?decided=%d", declined.ID) {
		t.Fatalf("page decline: %d %q", st, h.Get("Location"))
	}
	if _, _, body := e.as(mpCookie, "GET", h.Get("Location"), nil); !strings.Contains(body, "Decision recorded") {
		t.Error("no confirmation after the decision")
	}
	if sc, _ := e.db.FindScreening(ctx, declined.ID); sc.Status != journey.ScreeningDeclined {
		t.Errorf("declined client's status: %s", sc.Status)
	}

	// Needs more information: the client's screening says so.
	st, _, body = e.api(mpCookie, "POST", path(question), `{"decision":"needs_info","message":"When was your last blood pressure check?"}`)
	if st != 201 || !strings.Contains(body, `"status":"needs_info"`) {
		t.Fatalf("needs_info: %d %s", st, body)
	}
	if sc, _ := e.db.FindScreening(ctx, question.ID); sc.Status != journey.ScreeningNeedsInfo {
		t.Errorf("needs_info client's status: %s", sc.Status)
	}

	// The care team's therapist reads the decisions; front desk cannot.
	st, _, body = e.api(nora, "GET", fmt.Sprintf("/api/v1/clients/%d/clearances", hardStop.ID), "")
	if st != 200 || !strings.Contains(body, `"override":true`) || !strings.Contains(body, overrideReason) {
		t.Fatalf("clearances: %d %s", st, body)
	}
	if st, _, _ := e.api(deskCookie, "GET", fmt.Sprintf("/api/v1/clients/%d/clearances", hardStop.ID), ""); st != 403 {
		t.Fatalf("front desk reads clearances: %d", st)
	}
	// The review screen lists the earlier decision.
	if _, _, body := e.as(mpCookie, "GET", fmt.Sprintf("/staff/clients/%d/review", hardStop.ID), nil); !strings.Contains(body, "Hard stop overridden") {
		t.Error("review screen lacks the previous decision")
	}

	// Every step is in the audit trail, with ids and never the reasons.
	e.db.FlushAudit(ctx)
	entries, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: "clearance"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, en := range entries {
		seen[en.Action+" "+en.Outcome+" "+en.Detail]++
		if strings.Contains(en.Detail, "Pregnancy test") || strings.Contains(en.Detail, "Internal only") || strings.Contains(en.Detail, "blood pressure") {
			t.Errorf("audit detail holds free text: %q", en.Detail)
		}
	}
	for _, want := range []string{"clearance.decide success cleared", "clearance.decide success cleared override",
		"clearance.decide failure cleared", "clearance.decide success declined", "clearance.decide success needs_info",
		"clearance.decide failure declined", "clearance.read success review screen"} {
		if seen[want] == 0 {
			t.Errorf("no audit entry %q in %v", want, seen)
		}
	}
}

func TestScreeningRulesSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	benzo := completeClient(e, e.ny, alprazolam)
	if codes := findingCodes(e, benzo.ID); !hasCode(codes, "benzodiazepine_high_dose") {
		t.Fatalf("10 mg/day diazepam-equivalent under the default 8: %v", codes)
	}
	_, adminCookie := e.staffCookie(journey.RoleAdmin)
	_, mpCookie := e.staffCookie(journey.RoleMedicalProvider)
	nora := e.session(staffUser(e.ny), true)

	change := `{"note":"Medical director: review benzodiazepines above 12 mg/day.","rules":[{"code":"benzodiazepine_high_dose","threshold":12}]}`
	if st, _, _ := e.api(nora, "PUT", "/api/v1/screening-rules", change); st != 403 {
		t.Fatalf("therapist changes rules: %d", st)
	}
	if st, _, _ := e.api(mpCookie, "PUT", "/api/v1/screening-rules", change); st != 403 {
		t.Fatalf("medical provider changes rules: %d", st)
	}
	st, _, body := e.api(adminCookie, "PUT", "/api/v1/screening-rules",
		`{"note":"Too high.","rules":[{"code":"benzodiazepine_high_dose","threshold":500}]}`)
	if st != 422 || !strings.Contains(body, `"field":"rules.benzodiazepine_high_dose.threshold"`) {
		t.Fatalf("invalid threshold: %d %s", st, body)
	}
	st, _, body = e.api(adminCookie, "PUT", "/api/v1/screening-rules", `{"rules":[{"code":"benzodiazepine_high_dose","threshold":12}]}`)
	if st != 422 || !strings.Contains(body, `"field":"note"`) {
		t.Fatalf("no note: %d %s", st, body)
	}
	st, _, body = e.api(adminCookie, "PUT", "/api/v1/screening-rules", change)
	var rs journey.RuleSet
	if st != 200 || json.Unmarshal([]byte(body), &rs) != nil || rs.Version != 2 || *rs.Rule("benzodiazepine_high_dose").Threshold != 12 ||
		!rs.Rule("benzodiazepine_high_dose").Enabled {
		t.Fatalf("change: %d %s", st, body)
	}
	if codes := findingCodes(e, benzo.ID); hasCode(codes, "benzodiazepine_high_dose") || !hasCode(codes, "benzodiazepine") {
		t.Fatalf("after raising the threshold: %v", codes)
	}
	// Every member of staff reads the rules in force.
	if st, _, body := e.api(nora, "GET", "/api/v1/screening-rules", ""); st != 200 || !strings.Contains(body, `"version":2`) {
		t.Fatalf("therapist reads rules: %d", st)
	}

	// The page: banner, table, history; errors beside the row, typed values kept.
	st, _, body = e.as(adminCookie, "GET", "/admin/screening-rules", nil)
	for _, want := range []string{"not medical advice; the practice's medical director decides", `name="rules.bp_severe.threshold2"`,
		"benzodiazepine_high_dose: 8 → 12 mg/day diazepam-equivalent", "Medical director: review benzodiazepines above 12 mg/day."} {
		if st != 200 || !strings.Contains(body, want) {
			t.Errorf("rules page lacks %q", want)
		}
	}
	cur, err := e.db.CurrentRuleSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {"2"}, "note": {"Typed <why>"}}
	for _, ru := range cur.Rules {
		f := "rules." + ru.Code
		form.Set(f+".kind", ru.Kind)
		if ru.Enabled {
			form.Set(f+".enabled", "on")
		}
		if ru.Threshold != nil {
			form.Set(f+".threshold", strconv.FormatFloat(*ru.Threshold, 'f', -1, 64))
		}
		if ru.Threshold2 != nil {
			form.Set(f+".threshold2", strconv.FormatFloat(*ru.Threshold2, 'f', -1, 64))
		}
	}
	form.Set("rules.benzodiazepine_high_dose.threshold", "abc")
	st, _, body = e.as(adminCookie, "POST", "/admin/screening-rules", form)
	if st != 422 || !strings.Contains(body, `value="abc"`) || !strings.Contains(body, `id="rules.benzodiazepine_high_dose.threshold-error"`) ||
		!strings.Contains(body, "Typed &lt;why&gt;") {
		t.Fatalf("page with a bad threshold: %d\n%s", st, trim(body))
	}
	form.Set("rules.benzodiazepine_high_dose.threshold", "6")
	form.Del("rules.lamotrigine.enabled")
	st, h, _ := e.as(adminCookie, "POST", "/admin/screening-rules", form)
	if st != 303 || h.Get("Location") != "/admin/screening-rules?saved=1" {
		t.Fatalf("page save: %d %q", st, h.Get("Location"))
	}
	if cur, _ := e.db.CurrentRuleSet(ctx); cur.Version != 3 || *cur.Rule("benzodiazepine_high_dose").Threshold != 6 || cur.Rule("lamotrigine").Enabled {
		t.Fatalf("after the page save: version %d", cur.Version)
	}
	// A form from an older version is refused rather than undoing the newer one.
	if st, _, _ := e.as(adminCookie, "POST", "/admin/screening-rules", form); st != 409 {
		t.Fatalf("stale form: %d", st)
	}
	e.db.FlushAudit(ctx)
	if es, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "rules.update"}); len(es) < 2 {
		t.Fatalf("rules.update audited %d times", len(es))
	}
}

func TestConsentDocumentSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, adminCookie := e.staffCookie(journey.RoleAdmin)
	nora := e.session(staffUser(e.ny), true)

	doc := func(body string) string {
		return `{"code":"kap-informed-consent","title":"KAP informed consent","body":` + strconv.Quote(body) + `,"required":true}`
	}
	if st, _, _ := e.api(nora, "POST", "/api/v1/consent-documents", doc("x")); st != 403 {
		t.Fatalf("therapist writes a consent document: %d", st)
	}
	var v1, v2 apiv1.ConsentDocCreated
	st, _, body := e.api(adminCookie, "POST", "/api/v1/consent-documents", doc("# Consent\n\nVersion one."))
	if st != 201 || json.Unmarshal([]byte(body), &v1) != nil || v1.Version != 1 || len(v1.Hash) != 64 {
		t.Fatalf("version 1: %d %s", st, body)
	}
	st, _, body = e.api(adminCookie, "POST", "/api/v1/consent-documents", doc("# Consent\n\nVersion two."))
	if st != 201 || json.Unmarshal([]byte(body), &v2) != nil || v2.Version != 2 || v2.Hash == v1.Hash || v2.ID == v1.ID {
		t.Fatalf("version 2: %d %s", st, body)
	}
	if st, _, body := e.api(adminCookie, "POST", "/api/v1/consent-documents", `{"code":"Bad Code","title":"","body":""}`); st != 422 ||
		!strings.Contains(body, `"field":"code"`) || !strings.Contains(body, `"field":"title"`) {
		t.Fatalf("invalid document: %d %s", st, body)
	}

	// The pages.
	st, _, body = e.as(adminCookie, "GET", "/admin/consents", nil)
	if st != 200 || !strings.Contains(body, "kap-informed-consent") || !strings.Contains(body, v2.Hash[:12]) ||
		!strings.Contains(body, "A new version asks every client to sign again") {
		t.Fatalf("consents page: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(adminCookie, "GET", "/admin/consents/new?code=kap-informed-consent", nil)
	if st != 200 || !strings.Contains(body, "Version two.") || !strings.Contains(body, "saving makes version 3") {
		t.Fatalf("new version form: %d\n%s", st, trim(body))
	}
	form := url.Values{"code": {"kap-informed-consent"}, "title": {""}, "body": {"Typed <b>text</b> kept"}, "required": {"yes"}}
	st, _, body = e.as(adminCookie, "POST", "/admin/consents", form)
	if st != 422 || !strings.Contains(body, "Typed &lt;b&gt;text&lt;/b&gt; kept") || !strings.Contains(body, `id="title-error"`) {
		t.Fatalf("invalid form: %d\n%s", st, trim(body))
	}
	form.Set("title", "KAP informed consent")
	form.Set("body", "**Bold** text\r\n\r\n<script>alert(1)</script>")
	form.Set("action", "preview")
	st, _, body = e.as(adminCookie, "POST", "/admin/consents", form)
	if st != 200 || !strings.Contains(body, "<strong>Bold</strong>") || strings.Contains(body, "<script>alert") {
		t.Fatalf("preview: %d\n%s", st, trim(body))
	}
	form.Set("action", "save")
	st, h, _ := e.as(adminCookie, "POST", "/admin/consents", form)
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/admin/consents?saved=") {
		t.Fatalf("save: %d %q", st, h.Get("Location"))
	}
	if _, _, body := e.as(adminCookie, "GET", h.Get("Location"), nil); !strings.Contains(body, "Saved version 3") {
		t.Error("no confirmation after saving")
	}
	docs, err := e.db.FindConsentDocuments(ctx)
	if err != nil || len(docs) != 1 || docs[0].Version != 3 || strings.Contains(docs[0].Body, "\r") {
		t.Fatalf("documents: %v %+v", err, docs)
	}
	e.db.FlushAudit(ctx)
	if es, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "consent.document.create"}); len(es) < 3 {
		t.Fatalf("consent.document.create audited %d times", len(es))
	}
}

// A long consent document fits: its routes take bodies beyond the usual
// 64 KiB; anything else still gets 413.
func TestLongConsentDocument(t *testing.T) {
	e := newEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	long := strings.Repeat("A paragraph of the practice's consent, in plain words.\n\n", 2500) // about 140,000 characters
	body, _ := json.Marshal(map[string]any{"code": "kap-informed-consent", "title": "KAP consent", "body": long, "required": true})
	if st, _, resp := e.api(admin, "POST", "/api/v1/consent-documents", string(body)); st != 201 {
		t.Fatalf("long document: %d %s", st, trim(resp))
	}
	if st, _, _ := e.as(admin, "POST", "/admin/consents", url.Values{"code": {"telehealth-consent"}, "title": {"Telehealth"}, "body": {long}}); st >= 400 {
		t.Fatalf("long document through the form: %d", st)
	}
	if st, _, _ := e.api(admin, "PUT", "/api/v1/screening-rules", `{"note": "`+strings.Repeat("x", 70<<10)+`"}`); st != 413 {
		t.Fatalf("a large body elsewhere: %d", st)
	}
}

// Clearing a client with a prescriber-review finding needs each one
// acknowledged on the decision screen (or in the API), and the decision
// records which: without, the screen comes back naming the finding beside
// its box and in the summary.
func TestClearanceAcknowledgesReviewFindings(t *testing.T) {
	e := newEnv(t)
	raisedBP := func(in *journey.Intake) { in.Medical.BPSystolic, in.Medical.BPDiastolic = 150, 95 }
	c := completeClient(e, e.ny, raisedBP)
	other := completeClient(e, e.ny, raisedBP)
	if !hasCode(findingCodes(e, c.ID), "bp_elevated") {
		t.Fatalf("findings: %v", findingCodes(e, c.ID))
	}
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	cookie := e.session(doc, true)
	page := fmt.Sprintf("/staff/clients/%d/clearance", c.ID)
	if _, _, body := e.as(cookie, "GET", fmt.Sprintf("/staff/clients/%d/review", c.ID), nil); !strings.Contains(body, `name="ack" value="bp_elevated"`) {
		t.Fatalf("no box to acknowledge the finding:\n%s", trim(body))
	}
	form := url.Values{"decision": {"cleared"}, "cleared_until": {e.now.AddDate(1, 0, 0).Format(time.DateOnly)}}
	st, _, body := e.as(cookie, "POST", page, form)
	if st != 422 || !strings.Contains(body, `id="ack_bp_elevated-error"`) || !strings.Contains(body, `<a href="#ack_bp_elevated">Raised blood pressure: Acknowledge`) {
		t.Fatalf("clear without acknowledging: %d\n%s", st, trim(body))
	}
	form["ack"] = []string{"bp_elevated"}
	if st, _, body := e.as(cookie, "POST", page, form); st != 303 {
		t.Fatalf("clear with the finding acknowledged: %d\n%s", st, trim(body))
	}
	cls, err := e.db.FindClearances(context.Background(), c.ID)
	if err != nil || len(cls) != 1 || len(cls[0].Acknowledged) != 1 || cls[0].Acknowledged[0] != "bp_elevated" {
		t.Fatalf("decision: %+v %v", cls, err)
	}
	if _, _, body := e.as(cookie, "GET", fmt.Sprintf("/staff/clients/%d/review", c.ID), nil); !strings.Contains(body, "Findings acknowledged: Raised blood pressure") {
		t.Fatalf("history does not say what was acknowledged:\n%s", trim(body))
	}
	api := fmt.Sprintf("/api/v1/clients/%d/clearance", other.ID)
	if st, _, body := e.api(cookie, "POST", api, `{"decision": "cleared"}`); st != 422 || !strings.Contains(body, `"field":"ack_bp_elevated"`) {
		t.Fatalf("api clear without acknowledging: %d %s", st, body)
	}
	if st, _, body := e.api(cookie, "POST", api, `{"decision": "cleared", "acknowledged": ["bp_elevated"]}`); st != 201 {
		t.Fatalf("api clear acknowledged: %d %s", st, body)
	}
}

// A client who answered the provider's question is back in the queue, and
// the queue says they answered.
func TestReviewQueueShowsReply(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := completeClient(e, e.ny, nil)
	waiting := completeClient(e, e.ny, nil)
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	cookie := e.session(doc, true)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "Which dose do you take?"}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.ReplyToClearance(ctx, c.ID, "50 mg."); err != nil {
		t.Fatal(err)
	}
	_, _, body := e.as(cookie, "GET", "/staff/review", nil)
	row := func(id int64) string {
		i := strings.Index(body, fmt.Sprintf(`href="/staff/clients/%d/review"`, id))
		if i < 0 {
			t.Fatalf("client %d not in the queue:\n%s", id, trim(body))
		}
		end := strings.Index(body[i:], "</tr>")
		return body[i : i+end]
	}
	if !strings.Contains(row(c.ID), "Answered your question") || strings.Contains(row(waiting.ID), "Answered your question") {
		t.Fatalf("queue rows:\n%s\n---\n%s", row(c.ID), row(waiting.ID))
	}
	st, _, api := e.api(cookie, "GET", "/api/v1/review-queue", "")
	if st != 200 || strings.Count(api, `"replied":true`) != 1 {
		t.Fatalf("api queue: %d %s", st, api)
	}
}
