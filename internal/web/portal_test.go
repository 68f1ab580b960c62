package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// asJSON sends a JSON request with the session cookie.
func (e *env) asJSON(cookie, method, path, body string) (int, string) {
	e.t.Helper()
	st, _, b := e.api(cookie, method, path, body)
	return st, b
}

// portalClient makes a client of the NY therapist, signed in.
func (e *env) portalClient(name, email string, in *journey.Intake) (*journey.Client, string) {
	e.t.Helper()
	c, u := sqldbtest.Client(e.t, e.db, e.ny.ID, name, email, in)
	s := &journey.Session{UserID: u.ID, Idle: journey.DefaultClientIdle, SecondFactorAt: *e.now}
	if err := e.db.CreateSession(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
	return c, s.Token
}

func TestPortalJoin(t *testing.T) {
	e := newEnv(t)
	e.srv.cfg.Hasher = fastHasher
	c, err := e.db.CreateClient(context.Background(), &journey.NewClient{Name: "Jo Client", Email: "jo@example.test", TherapistID: e.ny.ID,
		CreatedBy: e.ny.ID}, "jy_inv_join")
	if err != nil {
		t.Fatal(err)
	}
	st, _, body := e.do("GET", "/portal/join/jy_inv_join", "", "")
	if st != 200 || !strings.Contains(body, "Jo Client") {
		t.Fatalf("join page: %d", st)
	}
	form := url.Values{"password": {testPassword}, "password_again": {testPassword}}
	st, h, _ := e.as("", "POST", "/portal/join/jy_inv_join", form)
	if st != 303 || h.Get("Location") != "/portal" {
		t.Fatalf("join: %d %s", st, h.Get("Location"))
	}
	cookie := sessionCookie(h)
	st, _, body = e.as(cookie, "GET", "/portal", nil)
	if st != 200 || !strings.Contains(body, "Start your intake") || !strings.Contains(body, `href="/portal/intake/about"`) || !strings.Contains(body, "Questionnaire: PHQ-9") || !strings.Contains(body, "The practice has opened your journey") {
		t.Fatalf("portal: %d\n%s", st, trim(body))
	}
	if st, _, _ := e.as("", "POST", "/portal/join/jy_inv_join", form); st != 409 {
		t.Fatalf("second use: %d", st)
	}
	got, _ := e.db.FindClientByID(context.Background(), c.ID)
	if got.UserID == 0 {
		t.Fatal("client not linked to the account")
	}
	// Staff pages stay closed to a client.
	if st, _, _ := e.as(cookie, "GET", "/staff/consults", nil); st != 403 {
		t.Fatalf("client on a staff page: %d", st)
	}
}

// The intake refuses bad input beside the field, keeps what was typed
// (escaped), and saves step by step.
func TestPortalIntakeSteps(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.portalClient("Kim Client", "kim@example.test", nil)
	form := url.Values{"legal_name": {"<b>Kim</b> Client"}, "date_of_birth": {"2015-01-01"}, "phone": {"not a phone"},
		"address": {"1 Road"}, "city": {"Portland"}, "state": {"OR"}, "postal_code": {"97205"}}
	st, _, body := e.as(cookie, "POST", "/portal/intake/about", form)
	if st != 422 {
		t.Fatalf("bad about: %d", st)
	}
	for _, want := range []string{"adults aged 18 or over", "with its area code", `value="&lt;b&gt;Kim&lt;/b&gt; Client"`, `value="not a phone"`, `aria-invalid="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>Kim</b>") {
		t.Error("typed HTML not escaped")
	}
	form.Set("legal_name", "Kim Client")
	form.Set("date_of_birth", "1990-05-06")
	form.Set("phone", "(503) 555-0199")
	st, h, _ := e.as(cookie, "POST", "/portal/intake/about", form)
	if st != 303 || h.Get("Location") != "/portal/intake/emergency" {
		t.Fatalf("saved about: %d %s", st, h.Get("Location"))
	}
	// Enter in a field submits with the first button: it must go forward.
	_, _, page := e.as(cookie, "GET", "/portal/intake/emergency", nil)
	if next, back := strings.Index(page, `value="next"`), strings.Index(page, `value="back"`); next < 0 || back < 0 || next > back {
		t.Fatalf("the first submit button goes back (next at %d, back at %d)", next, back)
	}
	// The saved answers come back on another visit (another device).
	st, _, body = e.as(cookie, "GET", "/portal/intake/about", nil)
	if st != 200 || !strings.Contains(body, `value="&#43;15035550199"`) && !strings.Contains(body, `value="+15035550199"`) {
		t.Fatalf("about again: %d", st)
	}
	// Impossible measurements name the range; a word where a number goes is kept.
	med := url.Values{"liver": {"none"}, "height": {"abc"}, "height_unit": {"cm"}, "weight": {"11"}, "weight_unit": {"lb"},
		"bp_systolic": {"400"}, "bp_diastolic": {"20"}}
	for _, c := range journey.MedicalConditions {
		med.Set("cond_"+c.Code, "no")
	}
	st, _, body = e.as(cookie, "POST", "/portal/intake/medical", med)
	for _, want := range []string{"Enter your height as a number", `value="abc"`, "between 30 and 350 kg", "between 70 and 250"} {
		if !strings.Contains(body, want) {
			t.Errorf("medical page lacks %q (status %d)", want, st)
		}
	}
	med.Set("height", "68")
	med.Set("height_unit", "in")
	med.Set("weight", "160")
	med.Set("bp_systolic", "150")
	med.Set("bp_diastolic", "95")
	med.Set("bp_date", e.now.AddDate(0, 0, -3).Format("2006-01-02"))
	if st, h, body := e.as(cookie, "POST", "/portal/intake/medical", med); st != 303 || h.Get("Location") != "/portal/intake/emergency" {
		t.Fatalf("medical saved: %d %s\n%s", st, h.Get("Location"), trim(body))
	}
	c, _ := e.db.FindClientByUserID(context.Background(), mustUserID(t, e, cookie))
	in, _ := e.db.FindIntake(context.Background(), c.ID)
	if in.Medical.HeightCM != 172.7 || in.Medical.WeightKG != 72.6 {
		t.Fatalf("units converted: %v cm %v kg", in.Medical.HeightCM, in.Medical.WeightKG)
	}
	// Medications: a blank row between two filled ones; an error on the
	// second filled row is shown beside that row.
	meds := url.Values{"med_0_name": {"sertraline"}, "med_0_dose": {"50"}, "med_0_per_day": {"1"},
		"med_2_name": {"Xanax"}, "med_2_dose": {"lots"}, "med_2_per_day": {"2"}}
	st, _, body = e.as(cookie, "POST", "/portal/intake/medications", meds)
	if st != 422 || !strings.Contains(body, `id="med_2_dose-error"`) || !strings.Contains(body, `value="lots"`) {
		t.Fatalf("medication row error: %d", st)
	}
}

func mustUserID(t *testing.T, e *env, cookie string) int64 {
	t.Helper()
	s, err := e.db.FindSession(context.Background(), cookie)
	if err != nil {
		t.Fatal(err)
	}
	return s.UserID
}

// A client whose session ended mid-form signs in again and finds their
// answers on the same step.
func TestPortalAnswersSurviveSignIn(t *testing.T) {
	e := newEnv(t)
	e.srv.cfg.Hasher = fastHasher
	c, _ := e.portalClient("Lee Client", "lee@example.test", nil)
	hash, _ := fastHasher.Hash(context.Background(), testPassword)
	if err := e.db.SetPassword(context.Background(), mustClientUser(t, e, c), hash, 0); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"emergency_name": {"Pat <Partner>"}, "emergency_relationship": {"partner"}, "emergency_phone": {"503 555 0100"}}
	st, _, body := e.as("", "POST", "/portal/intake/emergency", form)
	if st != 401 || !strings.Contains(body, `name="carry.emergency_name" value="Pat &lt;Partner&gt;"`) {
		t.Fatalf("signed-out post: %d\n%s", st, trim(body))
	}
	login := url.Values{"email": {"lee@example.test"}, "password": {"wrong password here"}, "next": {"/portal/intake/emergency"},
		"carry.emergency_name": {"Pat <Partner>"}, "carry.emergency_relationship": {"partner"}}
	st, _, body = e.as("", "POST", "/login", login)
	if st != 401 || !strings.Contains(body, `name="carry.emergency_name"`) {
		t.Fatalf("wrong password drops the answers: %d", st)
	}
	login.Set("password", testPassword)
	st, h, body := e.as("", "POST", "/login", login)
	if st != 200 || sessionCookie(h) == "" || !strings.Contains(body, `value="Pat &lt;Partner&gt;"`) || !strings.Contains(body, "signed out before") {
		t.Fatalf("after sign-in: %d\n%s", st, trim(body))
	}
}

func mustClientUser(t *testing.T, e *env, c *journey.Client) int64 {
	t.Helper()
	got, err := e.db.FindClientByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.UserID
}

// A positive PHQ-9 item 9 shows crisis resources at once and alerts the
// therapist; a half-answered form is refused with the answers kept.
func TestPortalQuestionnaireSafety(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Max Client", "max@example.test", nil)
	half := url.Values{"item_0": {"1"}, "item_1": {"2"}}
	st, _, body := e.as(cookie, "POST", "/portal/measures/phq-9", half)
	if st != 422 || !strings.Contains(body, `id="item_1_2" value="2" checked`) || !strings.Contains(body, "Item 3") {
		t.Fatalf("half answered: %d\n%s", st, trim(body))
	}
	full := url.Values{}
	for i := 0; i < 9; i++ {
		full.Set(fmt.Sprintf("item_%d", i), "0")
	}
	full.Set("item_8", "1")
	st, h, _ := e.as(cookie, "POST", "/portal/measures/phq-9", full)
	if st != 303 || h.Get("Location") != "/portal/support?alerted=1" {
		t.Fatalf("item 9: %d %s", st, h.Get("Location"))
	}
	_, _, body = e.as(cookie, "GET", "/portal/support?alerted=1", nil)
	if !strings.Contains(body, "988") || !strings.Contains(body, "911") || !strings.Contains(body, "care team has been alerted") {
		t.Fatal("crisis resources missing")
	}
	alerts, err := e.db.FindAlerts(context.Background(), e.ny.ID, c.ID, true, 10)
	if err != nil || len(alerts) != 1 || alerts[0].Flag != journey.FlagPHQ9Item9 {
		t.Fatalf("alert: %+v %v", alerts, err)
	}
	// C-SSRS with JavaScript off: every item shows, the conditional ones
	// say when to answer them; answers to items the skip logic leaves out
	// are dropped, not refused.
	_, _, page := e.as(cookie, "GET", "/portal/measures/c-ssrs-screener", nil)
	if strings.Count(page, "Answer this only if you answered “Yes” to question 2.") != 3 || !strings.Contains(page, `data-ask-if="1" data-ask-if-values="1"`) {
		t.Fatal("C-SSRS skip logic is not on the page")
	}
	cssrs := url.Values{"item_0": {"0"}, "item_1": {"0"}, "item_2": {"1"}, "item_5": {"0"}}
	if st, h, body := e.as(cookie, "POST", "/portal/measures/c-ssrs-screener", cssrs); st != 303 || h.Get("Location") != "/portal?saved=c-ssrs-screener" {
		t.Fatalf("c-ssrs: %d %s\n%s", st, h.Get("Location"), trim(body))
	}
}

// The responses API: the client for themselves, a clinician on the care
// team in session; others cannot; bad answers name the item.
func TestResponsesAPI(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Nat Client", "nat@example.test", nil)
	_, other := e.portalClient("Oth Client", "oth@example.test", nil)
	therapist := e.session(staffUser(e.ny), true)
	laTherapist := e.session(staffUser(e.la), true)
	front := e.session(e.addUser(journey.UserStaff, "fd@practice.test", journey.RoleFrontDesk), true)
	path := fmt.Sprintf("/api/v1/clients/%d/responses", c.ID)

	st, body := e.asJSON(cookie, "POST", path, `{"questionnaire": "phq-9", "answers": [3,3,3,3,3,2,2,2,0]}`)
	var got struct {
		ID    int64    `json:"id"`
		Score int      `json:"score"`
		Band  string   `json:"band"`
		Flags []string `json:"flags"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || st != 201 || got.Score != 21 || got.Band != "severe" || len(got.Flags) != 0 {
		t.Fatalf("client submits: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "POST", path, `{"questionnaire": "phq-9", "answers": [0,0,0,0,0,0,0,0]}`); st != 422 || !strings.Contains(body, `"field":"answers"`) {
		t.Fatalf("8 answers: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "POST", path, `{"questionnaire": "phq-9", "answers": [0,0,0,0,0,0,0,0,4]}`); st != 422 || !strings.Contains(body, `"field":"answers[8]"`) || !strings.Contains(body, "Item 9") {
		t.Fatalf("out of range: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "POST", path, `{"questionnaire": "gad-7", "answers": [1,1,1,1,1,1,1]}`); st != 201 || !strings.Contains(body, `"band":"mild"`) {
		t.Fatalf("gad-7: %d %s", st, body)
	}
	if st, body := e.asJSON(therapist, "POST", path, `{"questionnaire": "c-ssrs-screener", "answers": [1,1,0,1,0,0]}`); st != 201 || !strings.Contains(body, journey.FlagCSSRSHighRisk) || !strings.Contains(body, "988") {
		t.Fatalf("therapist administers: %d %s", st, body)
	}
	for name, ck := range map[string]string{"another client": other, "another therapist": laTherapist, "front desk": front} {
		if st, _ := e.asJSON(ck, "POST", path, `{"questionnaire": "gad-7", "answers": [0,0,0,0,0,0,0]}`); st != 404 {
			t.Errorf("%s submits: %d, want 404", name, st)
		}
		if st, _ := e.asJSON(ck, "GET", path, ""); st != 404 {
			t.Errorf("%s reads: %d, want 404", name, st)
		}
	}
	if st, _ := e.asJSON("", "GET", path, ""); st != 401 {
		t.Errorf("anonymous: %d", st)
	}
	st, body = e.asJSON(cookie, "GET", path, "")
	if st != 200 || strings.Count(body, `"questionnaire"`) != 3 {
		t.Fatalf("list: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "GET", "/api/v1/questionnaires", ""); st != 200 || !strings.Contains(body, `"code":"pcl-5"`) {
		t.Fatalf("questionnaires: %d", st)
	}
}

// Intake and consent through the API.
func TestIntakeAndConsentAPI(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Ola Client", "ola@example.test", nil)
	therapist := e.session(staffUser(e.ny), true)
	path := fmt.Sprintf("/api/v1/clients/%d", c.ID)
	if st, body := e.asJSON(cookie, "PUT", path+"/intake/medical", `{"conditions": {}, "liver": "none", "height_cm": 170, "weight_kg": 5}`); st != 422 || !strings.Contains(body, `"field":"weight"`) || !strings.Contains(body, "cond_stroke") {
		t.Fatalf("bad medical: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "PUT", path+"/intake/goals", `{"reasons": ["grief"], "story": "My father died."}`); st != 200 || !strings.Contains(body, `"next_step":"about"`) {
		t.Fatalf("goals: %d %s", st, body)
	}
	if st, body := e.asJSON(therapist, "GET", path+"/intake", ""); st != 200 || !strings.Contains(body, "My father died.") {
		t.Fatalf("therapist reads intake: %d %s", st, body)
	}
	if st, _ := e.asJSON(cookie, "PUT", path+"/intake/nope", `{}`); st != 404 {
		t.Fatalf("unknown step: %d", st)
	}
	ctx := context.Background()
	if err := e.db.CreateConsentDocument(ctx, &journey.ConsentDocument{Code: "financial-policy", Title: "Financial policy",
		Body: "Dosing sessions are private-pay.", Required: true}); err != nil {
		t.Fatal(err)
	}
	if st, body := e.asJSON(therapist, "POST", path+"/consents", `{"code": "financial-policy", "typed_name": "Ola Client"}`); st != 403 {
		t.Fatalf("therapist signs for the client: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "POST", path+"/consents", `{"code": "financial-policy", "typed_name": "Someone"}`); st != 422 || !strings.Contains(body, "typed_name") {
		t.Fatalf("wrong name: %d %s", st, body)
	}
	st, body := e.asJSON(cookie, "POST", path+"/consents", `{"code": "financial-policy", "typed_name": "ola client", "version": 1}`)
	if st != 201 || !strings.Contains(body, `"version":1`) || !strings.Contains(body, `"hash"`) {
		t.Fatalf("sign: %d %s", st, body)
	}
	if st, body := e.asJSON(therapist, "GET", path+"/consents", ""); st != 200 || !strings.Contains(body, "financial-policy") {
		t.Fatalf("list signatures: %d %s", st, body)
	}
	// The signed copy downloads as a PDF, for this client only.
	sigs, _ := e.db.FindConsentSignatures(ctx, c.ID)
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/portal/signatures/%d", e.ts.URL, sigs[0].ID), nil)
	req.AddCookie(&http.Cookie{Name: "journey_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdfBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdfBytes), "%PDF-") {
		t.Fatalf("pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, other := e.portalClient("Pia Client", "pia@example.test", nil)
	if st, _, _ := e.as(other, "GET", fmt.Sprintf("/portal/signatures/%d", sigs[0].ID), nil); st != 404 {
		t.Fatalf("another client's signature: %d", st)
	}
}

// Consent in the portal: the page asks to tick and type the name; a new
// version asks again.
func TestPortalConsent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, cookie := e.portalClient("Quin Client", "quin@example.test", nil)
	d := &journey.ConsentDocument{Code: "kap-informed-consent", Title: "KAP informed consent", Body: "# KAP\n\nYou may **withdraw** until the dose.", Required: true}
	if err := e.db.CreateConsentDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	_, _, body := e.as(cookie, "GET", "/portal", nil)
	if !strings.Contains(body, "Read and sign: KAP informed consent") {
		t.Fatal("consent task missing")
	}
	_, _, body = e.as(cookie, "GET", "/portal/consents/kap-informed-consent", nil)
	if !strings.Contains(body, "<strong>withdraw</strong>") || !strings.Contains(body, d.Hash) {
		t.Fatal("document not shown")
	}
	st, _, body := e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "typed_name": {"Quin <Client>"}})
	if st != 422 || !strings.Contains(body, "Tick the box") || !strings.Contains(body, `value="Quin &lt;Client&gt;"`) {
		t.Fatalf("unticked: %d", st)
	}
	if st, _, _ := e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "agree": {"yes"}, "typed_name": {"Quin Client"}}); st != 303 {
		t.Fatalf("sign: %d", st)
	}
	if _, _, body := e.as(cookie, "GET", "/portal", nil); strings.Contains(body, "Read and sign") || !strings.Contains(body, "download PDF") {
		t.Fatal("signed consent still a task")
	}
	d2 := &journey.ConsentDocument{Code: "kap-informed-consent", Title: "KAP informed consent", Body: "# KAP\n\nRevised.", Required: true}
	if err := e.db.CreateConsentDocument(ctx, d2); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie, "GET", "/portal/consents/kap-informed-consent", nil)
	if !strings.Contains(body, "You signed version 1") {
		t.Fatal("new version does not ask again")
	}
	if st, _, _ := e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "agree": {"yes"}, "typed_name": {"Quin Client"}}); st != 409 {
		t.Fatalf("signing a stale version: %d", st)
	}
}

// The client reads the prescriber's question and answers it; they never
// see the internal reason, nor the decisions through the API.
func TestPortalQuestionAndPrivateNotes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, cookie := e.portalClient("Rae Client", "rae@example.test", sqldbtest.Intake("Rae Client", *e.now))
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "Which dose of sertraline do you take now?", Reason: "INTERNAL-NOTE: check interaction"}); err != nil {
		t.Fatal(err)
	}
	_, _, body := e.as(cookie, "GET", "/portal", nil)
	if !strings.Contains(body, "Which dose of sertraline") || strings.Contains(body, "INTERNAL-NOTE") || !strings.Contains(body, "Waiting on: you") ||
		!strings.Contains(body, `<a href="#question-title">Answer the medical provider&#39;s question</a>`) {
		t.Fatalf("portal with a question:\n%s", trim(body))
	}
	if st, body := e.asJSON(cookie, "GET", fmt.Sprintf("/api/v1/clients/%d/clearances", c.ID), ""); st != 403 || strings.Contains(body, "INTERNAL") {
		t.Fatalf("client reads decisions: %d", st)
	}
	if st, body := e.asJSON(cookie, "GET", fmt.Sprintf("/api/v1/clients/%d/screening", c.ID), ""); st != 200 || !strings.Contains(body, `"findings":[]`) || !strings.Contains(body, "needs_info") {
		t.Fatalf("client reads screening: %d %s", st, body)
	}
	replyAPI := fmt.Sprintf("/api/v1/clients/%d/question-reply", c.ID)
	if st, body := e.asJSON(cookie, "POST", replyAPI, `{"reply": ""}`); st != 422 || !strings.Contains(body, `"field":"reply"`) {
		t.Fatalf("empty reply through the api: %d %s", st, body)
	}
	therapist := e.session(staffUser(e.ny), true)
	if st, _ := e.asJSON(therapist, "POST", replyAPI, `{"reply": "for them"}`); st != 403 {
		t.Fatalf("staff answer for the client: %d", st)
	}
	st, _, body := e.as(cookie, "POST", "/portal/question", url.Values{"reply": {""}})
	if st != 422 || !strings.Contains(body, "Write your answer") {
		t.Fatalf("empty reply: %d", st)
	}
	if st, h, _ := e.as(cookie, "POST", "/portal/question", url.Values{"reply": {"100 mg each morning."}}); st != 303 || h.Get("Location") != "/portal?saved=reply" {
		t.Fatalf("reply: %d", st)
	}
	if s, _ := e.db.FindScreening(ctx, c.ID); s.Status != journey.ScreeningAwaitingReview {
		t.Fatalf("after the reply: %s", s.Status)
	}
	if st, body := e.asJSON(cookie, "POST", replyAPI, `{"reply": "again"}`); st != 409 {
		t.Fatalf("a reply with no open question: %d %s", st, body)
	}
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "And since when?"}); err != nil {
		t.Fatal(err)
	}
	if st, body := e.asJSON(cookie, "POST", replyAPI, `{"reply": "Since 2024."}`); st != 200 || !strings.Contains(body, "awaiting_review") {
		t.Fatalf("reply through the api: %d %s", st, body)
	}
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionDeclined, ProviderID: doc.ID,
		Message: "After reviewing your information, KAP is not the right fit now. Your therapist will talk with you about other options.",
		Reason:  "INTERNAL-NOTE: declined"}); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie, "GET", "/portal", nil)
	if !strings.Contains(body, "not the right fit now") || strings.Contains(body, "INTERNAL-NOTE") {
		t.Fatal("declined message")
	}
}

// A clinician on the care team gives a questionnaire in session from the
// chart; the answers are the client's, the alert is raised as usual.
func TestStaffAdministersInSession(t *testing.T) {
	e := newEnv(t)
	c, _ := e.portalClient("Sol Client", "sol@example.test", nil)
	therapist := e.session(staffUser(e.ny), true)
	other := e.session(staffUser(e.la), true)
	front := e.session(e.addUser(journey.UserStaff, "fd2@practice.test", journey.RoleFrontDesk), true)
	chart := fmt.Sprintf("/staff/clients/%d", c.ID)
	if _, _, body := e.as(therapist, "GET", chart, nil); !strings.Contains(body, chart+"/measures/phq-9") {
		t.Fatal("no link to administer in session")
	}
	st, _, body := e.as(therapist, "GET", chart+"/measures/gad-7", nil)
	if st != 200 || !strings.Contains(body, "(in session)") || !strings.Contains(body, `action="`+chart+`/measures/gad-7"`) {
		t.Fatalf("in-session form: %d", st)
	}
	if st, _, _ := e.as(therapist, "POST", chart+"/measures/gad-7", url.Values{"item_0": {"1"}}); st != 422 {
		t.Fatalf("half answered: %d", st)
	}
	answers := url.Values{}
	for i := 0; i < 9; i++ {
		answers.Set(fmt.Sprintf("item_%d", i), "1")
	}
	st, h, _ := e.as(therapist, "POST", chart+"/measures/phq-9", answers)
	if st != 303 || h.Get("Location") != chart+"?measured=phq-9" {
		t.Fatalf("submitted: %d %s", st, h.Get("Location"))
	}
	rs, _ := e.db.FindResponses(context.Background(), c.ID, "phq-9", 1)
	if len(rs) != 1 || rs[0].AdministeredBy != e.ny.ID || rs[0].Score.Total != 9 || !rs[0].HasSafetyFlag() {
		t.Fatalf("stored: %+v", rs)
	}
	if alerts, _ := e.db.FindAlerts(context.Background(), 0, c.ID, true, 5); len(alerts) != 1 {
		t.Fatalf("alert: %d", len(alerts))
	}
	if st, _, _ := e.as(other, "POST", chart+"/measures/phq-9", answers); st != 404 {
		t.Fatalf("another therapist: %d", st)
	}
	if st, _, _ := e.as(front, "GET", chart+"/measures/phq-9", nil); st != 403 {
		t.Fatalf("front desk: %d", st)
	}
}

// A new portal link through the API, while the client has not joined.
func TestReinviteAPI(t *testing.T) {
	e := newEnv(t)
	c, err := e.db.CreateClient(context.Background(), &journey.NewClient{Name: "Wyn Client", Email: "wyn@example.test", TherapistID: e.ny.ID,
		CreatedBy: e.ny.ID}, "jy_inv_wyn")
	if err != nil {
		t.Fatal(err)
	}
	front := e.session(e.addUser(journey.UserStaff, "fd5@practice.test", journey.RoleFrontDesk), true)
	chaperone := e.session(e.addUser(journey.UserStaff, "chap5@practice.test", journey.RoleChaperone), true)
	path := fmt.Sprintf("/api/v1/clients/%d/invitation", c.ID)
	if st, _ := e.asJSON(chaperone, "POST", path, ""); st != 403 {
		t.Fatalf("chaperone: %d", st)
	}
	if st, body := e.asJSON(front, "POST", path, ""); st != 204 {
		t.Fatalf("reinvite: %d %s", st, body)
	}
	if _, err := e.db.FindClientInvitation(context.Background(), "jy_inv_wyn"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("the old link still works: %v", err)
	}
	if _, err := e.db.AcceptClientInvitation(context.Background(), e.latestInviteToken(t, "wyn@example.test"), "hash"); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.asJSON(front, "POST", path, ""); st != 409 {
		t.Fatalf("reinvite after joining: %d", st)
	}
}

// latestInviteToken reads the portal link out of the newest email to addr.
func (e *env) latestInviteToken(t *testing.T, addr string) string {
	t.Helper()
	text := e.latestMail(addr)
	_, after, ok := strings.Cut(text, "/portal/join/")
	if !ok {
		t.Fatalf("no portal link in %q", text)
	}
	return strings.Fields(after)[0]
}

// Staff find a client by name on the list and through the API; what was
// typed comes back escaped.
func TestClientSearch(t *testing.T) {
	e := newEnv(t)
	tess, _ := sqldbtest.Client(t, e.db, e.ny.ID, "Tess Garland", "tess@example.test", nil)
	gary, _ := sqldbtest.Client(t, e.db, e.la.ID, "Gary Olsen", "gary@example.test", nil)
	front := e.session(e.addUser(journey.UserStaff, "fd3@practice.test", journey.RoleFrontDesk), true)
	therapist := e.session(staffUser(e.ny), true)
	_, _, body := e.as(front, "GET", "/staff/clients?q=gar", nil)
	if !strings.Contains(body, "Tess Garland") || !strings.Contains(body, "Gary Olsen") {
		t.Fatal("prefix search")
	}
	// A list is a read of each record on it: the audit trail names them.
	e.db.FlushAudit(context.Background())
	es, _ := e.db.FindAudit(context.Background(), journey.AuditFilter{Action: "client.list"})
	if len(es) == 0 || es[len(es)-1].Detail != fmt.Sprintf("clients %d, %d (by name)", gary.ID, tess.ID) {
		t.Fatalf("list audit: %+v", es)
	}
	_, _, body = e.as(therapist, "GET", "/staff/clients?q=gar", nil)
	if !strings.Contains(body, "Tess Garland") || strings.Contains(body, "Gary Olsen") {
		t.Fatal("a therapist searches only their clients")
	}
	_, _, body = e.as(front, "GET", "/staff/clients?q="+url.QueryEscape("<i>zed</i>"), nil)
	if !strings.Contains(body, "No client's name matches") || !strings.Contains(body, `value="&lt;i&gt;zed&lt;/i&gt;"`) {
		t.Fatal("no match, typed text escaped")
	}
	if st, body := e.asJSON(front, "GET", "/api/v1/clients?q=olsen", ""); st != 200 || !strings.Contains(body, "Gary Olsen") || strings.Contains(body, "Tess") {
		t.Fatalf("api search: %d %s", st, body)
	}
	if st, _ := e.asJSON(front, "GET", "/api/v1/clients?q="+strings.Repeat("a", 201), ""); st != 422 {
		t.Fatalf("long query: %d", st)
	}
}

// The care team changes from the chart and the API; the last therapist
// stays; a member added can open the client's clinical record.
func TestCareTeam(t *testing.T) {
	e := newEnv(t)
	c, _ := e.portalClient("Una Client", "una@example.test", nil)
	front := e.session(e.addUser(journey.UserStaff, "fd4@practice.test", journey.RoleFrontDesk), true)
	chaperone := e.addUser(journey.UserStaff, "chap@practice.test", journey.RoleChaperone)
	chart := fmt.Sprintf("/staff/clients/%d", c.ID)
	la := e.session(staffUser(e.la), true)
	if st, _, _ := e.as(la, "GET", chart+"/review", nil); st == 200 {
		t.Fatal("another therapist reads the record")
	}
	_, _, body := e.as(front, "GET", chart, nil)
	if !strings.Contains(body, `<option value="`+fmt.Sprint(chaperone.ID)+`">`) {
		t.Fatal("the chaperone is not offered")
	}
	if st, h, _ := e.as(front, "POST", chart+"/care-team", url.Values{"user_id": {fmt.Sprint(e.la.ID)}}); st != 303 || h.Get("Location") != chart+"?team=1" {
		t.Fatalf("add: %d", st)
	}
	if st, _, body := e.as(la, "GET", chart, nil); st != 200 || !strings.Contains(body, "Screening") {
		t.Fatalf("the new member opens the chart: %d", st)
	}
	path := fmt.Sprintf("/api/v1/clients/%d/care-team", c.ID)
	if st, body := e.asJSON(front, "POST", path, fmt.Sprintf(`{"user_id": %d}`, chaperone.ID)); st != 200 || !strings.Contains(body, `"role":"chaperone"`) {
		t.Fatalf("api add: %d %s", st, body)
	}
	if st, body := e.asJSON(front, "POST", path, `{"user_id": 99999}`); st != 422 || !strings.Contains(body, "user_id") {
		t.Fatalf("unknown user: %d %s", st, body)
	}
	client := e.session(&journey.User{ID: mustClientUser(t, e, c), Kind: journey.UserClient, Roles: []string{journey.RoleClient}, Active: true}, true)
	if st, _ := e.asJSON(client, "POST", path, fmt.Sprintf(`{"user_id": %d}`, chaperone.ID)); st != 403 {
		t.Fatalf("a client edits their care team: %d", st)
	}
	if st, body := e.asJSON(front, "DELETE", fmt.Sprintf("%s/%d", path, e.la.ID), ""); st != 200 || strings.Contains(body, "Luis") {
		t.Fatalf("api remove: %d %s", st, body)
	}
	st, _, body := e.as(front, "POST", fmt.Sprintf("%s/care-team/%d/remove", chart, e.ny.ID), url.Values{})
	if st != 409 || !strings.Contains(body, "always has a therapist") {
		t.Fatalf("removing the last therapist: %d", st)
	}
	e.db.FlushAudit(context.Background())
	if es, _ := e.db.FindAudit(context.Background(), journey.AuditFilter{Action: "client.careteam", SubjectID: fmt.Sprint(c.ID)}); len(es) < 4 {
		t.Fatalf("care team changes audited: %d", len(es))
	}
}

// A client learns their own id from /api/v1/me and reads their own record
// with it; every other id, and every client to a chaperone, is one answer:
// not found.
func TestClientReadsOwnRecordByAPI(t *testing.T) {
	e := newEnv(t)
	c, cookie := e.portalClient("Ola Client", "ola@example.test", nil)
	other, _ := e.portalClient("Pat Other", "pat@example.test", nil)
	st, body := e.asJSON(cookie, "GET", "/api/v1/me", "")
	if st != 200 || !strings.Contains(body, fmt.Sprintf(`"client_id":%d`, c.ID)) {
		t.Fatalf("me: %d %s", st, body)
	}
	if st, body := e.asJSON(cookie, "GET", fmt.Sprintf("/api/v1/clients/%d", c.ID), ""); st != 200 || !strings.Contains(body, "Ola Client") {
		t.Fatalf("own record: %d %s", st, body)
	}
	_, chaperone := e.staffCookie(journey.RoleChaperone)
	for _, tc := range []struct {
		who, cookie string
		id          int64
	}{{"client", cookie, other.ID}, {"client", cookie, 999999}, {"chaperone", chaperone, c.ID}} {
		if st, body := e.asJSON(tc.cookie, "GET", fmt.Sprintf("/api/v1/clients/%d", tc.id), ""); st != 404 || strings.Contains(body, "Pat Other") || strings.Contains(body, "Ola Client") {
			t.Errorf("%s reads client %d: %d %s", tc.who, tc.id, st, body)
		}
	}
	if st, body := e.asJSON(chaperone, "GET", "/api/v1/me", ""); st != 200 || strings.Contains(body, "client_id") {
		t.Fatalf("staff me: %d %s", st, body)
	}
}

// Once cleared, the portal no longer says "once you are cleared": the next
// step waits on the consent forms, then on the therapist.
func TestPortalAfterClearance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, cookie := e.portalClient("Cy Client", "cy@example.test", sqldbtest.Intake("Cy Client", *e.now))
	doc := e.addUser(journey.UserStaff, "doc@practice.test", journey.RoleMedicalProvider)
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: c.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: e.now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	_, _, body := e.as(cookie, "GET", "/portal", nil)
	if strings.Contains(body, "once you are cleared") || !strings.Contains(body, "cleared you to continue") {
		t.Fatalf("cleared client's portal:\n%s", trim(body))
	}
	if !strings.Contains(body, "You are cleared to begin") && !strings.Contains(body, "once your consent forms are signed") {
		t.Fatalf("preparation does not say what it waits on:\n%s", trim(body))
	}
}

// One person, one current phone: the number the client gives in the intake
// replaces the one on their record (the chart shows it), and the change is
// audited; saving the same number again changes nothing.
func TestIntakePhoneUpdatesTheRecord(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, cookie := e.portalClient("Ola Client", "ola@example.test", nil)
	therapist := e.session(staffUser(e.ny), true)
	about := func(phone string) string {
		return fmt.Sprintf(`{"legal_name": "Ola Client", "date_of_birth": "1980-04-02", "phone": %q, "address": "1 Test Street",
			"city": "Portland", "state": "OR", "postal_code": "97205"}`, phone)
	}
	contactAudits := func() int {
		e.db.FlushAudit(ctx)
		var n int
		if err := e.db.Read.QueryRow(e.db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject_id = ?`),
			"client.contact.update", fmt.Sprint(c.ID)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	path := fmt.Sprintf("/api/v1/clients/%d/intake/about", c.ID)
	for i, phone := range []string{"+15035550142", "+15035550142"} {
		if st, body := e.asJSON(cookie, "PUT", path, about(phone)); st != 200 {
			t.Fatalf("save about: %d %s", st, body)
		}
		if got, err := e.db.FindClientByID(ctx, c.ID); err != nil || got.Phone != phone {
			t.Fatalf("client phone = %q, %v; want %s", got.Phone, err, phone)
		}
		if n := contactAudits(); n != 1 {
			t.Fatalf("save %d: %d contact audits, want 1", i, n)
		}
	}
	if _, _, body := e.as(therapist, "GET", fmt.Sprintf("/staff/clients/%d", c.ID), nil); !strings.Contains(body, "&#43;15035550142</a>") {
		t.Fatalf("chart does not show the intake's phone:\n%s", trim(body))
	}
}

// The portal shows when a client signed in their own zone, named: the
// zone they booked their consult in, or the practice's when staff added
// them directly; never UTC.
func TestPortalConsentSignedInClientZone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := &journey.ConsentDocument{Code: "kap-informed-consent", Title: "KAP informed consent", Body: "# KAP", Required: true}
	if err := e.db.CreateConsentDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	consult, err := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada Visitor",
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "Europe/London", Reason: "stuck", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(e.now, mondayNY.Add(time.Hour))
	if _, err := e.db.SetConsultStatus(ctx, consult.ID, journey.ConsultHeld); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(e.now, testNow)
	_, direct := e.portalClient("Lee Client", "lee@example.test", nil)
	booked, err := e.db.CreateClient(ctx, &journey.NewClient{ConsultID: consult.ID, Name: "Ada Visitor", Email: "ada@example.com",
		TherapistID: e.ny.ID, CreatedBy: e.ny.ID}, "jy_inv_ada")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.db.AcceptClientInvitation(ctx, "jy_inv_ada", "$argon2id$v=19$m=16,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	if err != nil || u.ID == 0 {
		t.Fatalf("accept %d: %v", booked.ID, err)
	}
	s := &journey.Session{UserID: u.ID, Idle: journey.DefaultClientIdle, SecondFactorAt: *e.now}
	if err := e.db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	// Signed at 12:00 UTC on 2 January 2030.
	for _, c := range []struct{ cookie, name, want string }{
		{direct, "Lee Client", "January 2, 2030 at 7:00 AM (America/New_York)"},
		{s.Token, "Ada Visitor", "January 2, 2030 at 12:00 PM (Europe/London)"},
	} {
		cookie, want := c.cookie, c.want
		if st, _, _ := e.as(cookie, "POST", "/portal/consents/kap-informed-consent", url.Values{"version": {"1"}, "agree": {"yes"}, "typed_name": {c.name}}); st != 303 {
			t.Fatalf("%s signs: %d", c.name, st)
		}
		_, _, body := e.as(cookie, "GET", "/portal/consents/kap-informed-consent", nil)
		if !strings.Contains(body, "You signed this version on "+want) || strings.Contains(body, "UTC") {
			t.Errorf("signed notice not %q:\n%s", want, trim(body))
		}
	}
}
