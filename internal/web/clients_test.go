package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// api sends a JSON request with the session cookie and returns status,
// headers and body.
func (e *env) api(cookie, method, path, body string) (int, http.Header, string) {
	e.t.Helper()
	if body == "" {
		return e.send(cookie, method, path, "", "")
	}
	return e.send(cookie, method, path, "application/json", body)
}

// staffCookie signs in a new member of staff with role.
func (e *env) staffCookie(role string) (*journey.User, string) {
	u := e.addUser(journey.UserStaff, role+"@practice.test", role)
	return u, e.session(u, true)
}

// heldConsult books a consult with t at start and marks it held.
func (e *env) heldConsult(t *journey.Therapist, start time.Time, name string) *journey.Consult {
	e.t.Helper()
	c := e.book(t, start, name, "feeling stuck")
	saved := *e.now
	sqldbtest.SetTime(e.now, start.Add(time.Hour))
	defer func() { sqldbtest.SetTime(e.now, saved) }()
	if _, err := e.db.SetConsultStatus(context.Background(), c.ID, journey.ConsultHeld); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// newClient adds a client of therapist t directly in the store.
func (e *env) newClient(t *journey.Therapist, name, email string) (*journey.Client, string) {
	e.t.Helper()
	token, _, err := auth.NewToken(auth.PrefixInvitation)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.db.CreateClient(context.Background(), &journey.NewClient{Name: name, Email: email, TherapistID: t.ID, CreatedBy: t.ID}, token)
	if err != nil {
		e.t.Fatal(err)
	}
	return c, token
}

// deniedAudits counts the denied entries of action by actor.
func (e *env) deniedAudits(actor int64, action string) int {
	e.t.Helper()
	ctx := context.Background()
	e.db.FlushAudit(ctx)
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{ActorID: actor, Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, en := range es {
		if en.Outcome == journey.AuditDenied && en.Action == action {
			n++
		}
	}
	return n
}

var joinLink = regexp.MustCompile(`http://journey\.test/portal/join/jy_inv_[A-Za-z0-9_-]+`)

// A held consult becomes a client, by API and by the consult page; the
// invitation email carries the portal link. Only the roles that add
// clients may, and only for consults they may see.
func TestInviteFromConsult(t *testing.T) {
	e := newEnv(t)
	nora := e.session(staffUser(e.ny), true)
	luis := e.session(staffUser(e.la), true)
	_, desk := e.staffCookie(journey.RoleFrontDesk)

	booked := e.book(e.ny, mondayNY.Add(2*time.Hour), "Bea Booked", "")
	path := fmt.Sprintf("/api/v1/consults/%d/client", booked.ID)
	if st, _, body := e.api(nora, "POST", path, ""); st != 409 || !strings.Contains(body, "Mark the consult held") {
		t.Fatalf("invite from a booked consult: %d %s", st, body)
	}
	if st, _, body := e.as(nora, "POST", fmt.Sprintf("/staff/consults/%d/client", booked.ID), url.Values{}); st != 409 ||
		!strings.Contains(body, "Mark the consult held") || !strings.Contains(body, "Consult with <bdi>Bea Booked</bdi>") {
		t.Fatalf("invite page from a booked consult: %d", st)
	}

	held := e.heldConsult(e.ny, mondayNY, "Ada Visitor")
	st, _, body := e.as(nora, "GET", fmt.Sprintf("/staff/consults/%d", held.ID), nil)
	if st != 200 || !strings.Contains(body, "Invite to begin") || !strings.Contains(body, fmt.Sprintf(`action="/staff/consults/%d/client"`, held.ID)) {
		t.Fatalf("held consult page: %d", st)
	}
	if _, _, body := e.as(nora, "GET", fmt.Sprintf("/staff/consults/%d", booked.ID), nil); strings.Contains(body, "Invite to begin") {
		t.Fatal("invite offered on a consult not held")
	}
	path = fmt.Sprintf("/api/v1/consults/%d/client", held.ID)
	for _, role := range []string{journey.RoleChaperone, journey.RoleMedicalProvider} {
		_, cookie := e.staffCookie(role)
		if st, _, _ := e.api(cookie, "POST", path, ""); st != 403 {
			t.Errorf("%s invites: %d", role, st)
		}
		if st, _, _ := e.api(cookie, "POST", "/api/v1/clients", `{"name":"X","email":"x@example.com","therapist_id":1}`); st != 403 {
			t.Errorf("%s adds a client: %d", role, st)
		}
	}
	client := e.addUser(journey.UserClient, "someone@example.com", journey.RoleClient)
	clientCookie := e.session(client, true)
	if st, _, _ := e.api(clientCookie, "POST", path, ""); st != 403 {
		t.Errorf("a client invites: %d", st)
	}
	if st, _, _ := e.api(clientCookie, "POST", "/api/v1/clients", `{"name":"X","email":"x@example.com","therapist_id":1}`); st != 403 {
		t.Errorf("a client adds a client: %d", st)
	}
	if st, _, body := e.api(luis, "POST", path, ""); st != 404 || strings.Contains(body, "Ada") {
		t.Fatalf("another therapist's consult: %d %s", st, body)
	}

	st, h, body := e.api(nora, "POST", path, "")
	if st != 201 {
		t.Fatalf("invite: %d %s", st, body)
	}
	var created struct {
		ClientID int64 `json:"client_id"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.ClientID == 0 || h.Get("Location") != fmt.Sprintf("/api/v1/clients/%d", created.ClientID) {
		t.Fatalf("created: %s %q", body, h.Get("Location"))
	}
	c, err := e.db.FindClientByID(context.Background(), created.ClientID)
	if err != nil || c.Name != "Ada Visitor" || c.Email != "ada.visitor@example.com" || c.ConsultID != held.ID || c.TherapistID() != e.ny.ID || c.CreatedBy != e.ny.ID {
		t.Fatalf("client: %+v %v", c, err)
	}
	if mail := e.latestMail("ada.visitor@example.com"); !joinLink.MatchString(mail) {
		t.Fatalf("invitation mail:\n%s", mail)
	}
	if st, _, body := e.api(nora, "POST", path, ""); st != 409 || !strings.Contains(body, "already a client") {
		t.Fatalf("second invite: %d %s", st, body)
	}

	// The front desk invites from the page and lands on the client's chart.
	other := e.heldConsult(e.ny, mondayNY.Add(30*time.Minute), "Cy Visitor")
	st, h, _ = e.as(desk, "POST", fmt.Sprintf("/staff/consults/%d/client", other.ID), url.Values{})
	if st != 303 || !regexp.MustCompile(`^/staff/clients/\d+$`).MatchString(h.Get("Location")) {
		t.Fatalf("invite page: %d %q", st, h.Get("Location"))
	}
	if st, _, body := e.as(desk, "GET", h.Get("Location"), nil); st != 200 || !strings.Contains(body, "Cy Visitor") || !strings.Contains(body, "Invited") {
		t.Fatalf("chart after invite: %d", st)
	}
	if !joinLink.MatchString(e.latestMail("cy.visitor@example.com")) {
		t.Fatal("no invitation to Cy")
	}
	if st, _, body := e.as(desk, "POST", fmt.Sprintf("/staff/consults/%d/client", other.ID), url.Values{}); st != 409 || !strings.Contains(body, "already a client") {
		t.Fatalf("second invite page: %d", st)
	}
}

// Staff add clients directly; errors are shown beside the fields with
// what was typed, escaped. The list is scoped to the actor.
func TestAddClientAndList(t *testing.T) {
	e := newEnv(t)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	nora := e.session(staffUser(e.ny), true)
	luis := e.session(staffUser(e.la), true)

	if st, _, body := e.as(desk, "GET", "/staff/clients/new", nil); st != 200 || !strings.Contains(body, `<option value="`+fmt.Sprint(e.ny.ID)+`">Nora York, LCSW</option>`) {
		t.Fatalf("form: %d", st)
	}
	bad := url.Values{"name": {`<script>alert("x")</script>`}, "email": {"ada@"}, "phone": {"12"}, "therapist_id": {""}}
	st, _, body := e.as(desk, "POST", "/staff/clients/new", bad)
	if st != 422 {
		t.Fatalf("bad form: %d", st)
	}
	for _, want := range []string{`value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`, `value="ada@"`, `value="12"`, `id="email-error"`,
		`id="phone-error"`, `id="therapist_id-error"`, `id="error-summary"`, `aria-invalid="true"`, `href="#phone"`} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("unescaped markup")
	}
	good := url.Values{"name": {"Dana Direct"}, "email": {"dana@example.com"}, "phone": {"(212) 555-0142"}, "therapist_id": {fmt.Sprint(e.ny.ID)}}
	st, h, _ := e.as(desk, "POST", "/staff/clients/new", good)
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/staff/clients/") {
		t.Fatalf("add: %d", st)
	}
	dana, _, _ := e.db.FindClients(context.Background(), journey.ClientFilter{})
	if len(dana) != 1 || dana[0].Phone != "+12125550142" || dana[0].ConsultID != 0 {
		t.Fatalf("stored: %+v", dana)
	}
	if !joinLink.MatchString(e.latestMail("dana@example.com")) {
		t.Fatal("no invitation to Dana")
	}
	if st, _, body := e.as(desk, "POST", "/staff/clients/new", good); st != 409 || !strings.Contains(body, "already exists") || !strings.Contains(body, `value="Dana Direct"`) {
		t.Fatalf("duplicate: %d", st)
	}

	if st, _, body := e.api(nora, "POST", "/api/v1/clients", `{"name": "", "email": "a@b", "phone": "12", "therapist_id": 0}`); st != 422 ||
		!strings.Contains(body, `"field":"name"`) || !strings.Contains(body, `"field":"email"`) || !strings.Contains(body, `"field":"phone"`) ||
		!strings.Contains(body, `"field":"therapist_id"`) {
		t.Fatalf("api invalid: %d %s", st, body)
	}
	if st, _, body := e.api(nora, "POST", "/api/v1/clients", `{"name": "X", "email": "x@example.com", "therapist_id": 99999}`); st != 422 || !strings.Contains(body, `"field":"therapist_id"`) {
		t.Fatalf("api unknown therapist: %d %s", st, body)
	}
	if st, _, body := e.api(nora, "POST", "/api/v1/clients", `{"name": "Lu Client", "email": "lu@example.com", "therapist_id": `+fmt.Sprint(e.la.ID)+`}`); st != 201 {
		t.Fatalf("api add: %d %s", st, body)
	}
	if st, _, _ := e.api(nora, "POST", "/api/v1/clients", `{"name": "Dup", "email": "DANA@example.com", "therapist_id": `+fmt.Sprint(e.ny.ID)+`}`); st != 409 {
		t.Fatalf("api duplicate: %d", st)
	}
	if st, _, _ := e.api(nora, "POST", "/api/v1/clients", `{"name": "X", "ssn": "1"}`); st != 400 {
		t.Fatalf("api unknown field: %d", st)
	}

	// Lists: front desk all, each therapist their own.
	for _, tc := range []struct {
		who, cookie string
		has, lacks  []string
		total       string
	}{
		{"front desk", desk, []string{"Dana Direct", "Lu Client", "Nora York", "Invited, not joined yet", "Intake in progress"}, nil, `"total":2`},
		{"nora", nora, []string{"Dana Direct", "My clients"}, []string{"Lu Client"}, `"total":1`},
		{"luis", luis, []string{"Lu Client"}, []string{"Dana Direct"}, `"total":1`},
	} {
		st, _, body := e.as(tc.cookie, "GET", "/staff/clients", nil)
		if st != 200 {
			t.Fatalf("%s list: %d", tc.who, st)
		}
		for _, s := range tc.has {
			if !strings.Contains(body, s) {
				t.Errorf("%s list lacks %q", tc.who, s)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(body, s) {
				t.Errorf("%s list has %q", tc.who, s)
			}
		}
		if st, _, body := e.api(tc.cookie, "GET", "/api/v1/clients?limit=10", ""); st != 200 || !strings.Contains(body, tc.total) {
			t.Errorf("%s api list: %d %s", tc.who, st, body)
		}
	}
	for _, q := range []string{"limit=0", "limit=201", "offset=-1", "screening=happy"} {
		if st, _, _ := e.api(desk, "GET", "/api/v1/clients?"+q, ""); st != 422 {
			t.Errorf("api list ?%s: %d", q, st)
		}
	}
	if st, _, body := e.api(desk, "GET", "/api/v1/clients?offset=1&limit=1", ""); st != 200 || !strings.Contains(body, "Dana Direct") || strings.Contains(body, "Lu Client") {
		t.Errorf("api page 2: %d %s", st, body)
	}
	// A chaperone may not list clients.
	_, chap := e.staffCookie(journey.RoleChaperone)
	if st, _, _ := e.as(chap, "GET", "/staff/clients", nil); st != 403 {
		t.Fatalf("chaperone list: %d", st)
	}
}

// The chart shows contact details to everyone who may see the client and
// the clinical record only to the care team and medical providers.
func TestClientChart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const detail = "thoughts of being better off dead"
	c, token := e.newClient(e.ny, "Cleo Client", "cleo@example.com")
	if _, alerts, err := e.db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, e.ny.ID); err != nil || len(alerts) != 1 {
		t.Fatalf("response: %v %v", alerts, err)
	}
	nora := e.session(staffUser(e.ny), true)
	luisUser := staffUser(e.la)
	luis := e.session(luisUser, true)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	_, prov := e.staffCookie(journey.RoleMedicalProvider)
	chart := fmt.Sprintf("/staff/clients/%d", c.ID)

	for _, tc := range []struct {
		who, cookie string
		has, lacks  []string
	}{
		{"therapist", nora, []string{"cleo@example.com", "Invited", "Screening findings", detail, "PHQ-9", "9 of 27", "Mild",
			"PHQ-9 item 9 answered above 0", "<bdi>Nora York</bdi>, Therapist", "Questionnaire: GAD-7"}, nil},
		{"medical provider", prov, []string{"Screening findings", detail}, nil},
		{"front desk", desk, []string{"cleo@example.com", "Invited", "Consents signed", "Send a new invitation"},
			[]string{detail, "Screening findings", "PHQ-9", "Safety alerts</h2>"}},
	} {
		st, h, body := e.as(tc.cookie, "GET", chart, nil)
		if st != 200 || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s chart: %d %q", tc.who, st, h.Get("Cache-Control"))
		}
		for _, s := range tc.has {
			if !strings.Contains(body, s) {
				t.Errorf("%s chart lacks %q", tc.who, s)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(body, s) {
				t.Errorf("%s chart has %q", tc.who, s)
			}
		}
	}
	// Another therapist meets the break-glass interstitial, not the record.
	if st, _, body := e.as(luis, "GET", chart, nil); st != 200 || strings.Contains(body, "Cleo") || !strings.Contains(body, "not on your care team") {
		t.Fatalf("another therapist: %d", st)
	}
	if n := e.deniedAudits(luisUser.ID, "client.read"); n != 1 {
		t.Fatalf("denied client.read entries: %d", n)
	}
	if st, _, body := e.as(luis, "POST", chart+"/break-glass", url.Values{"reason": {"short"}}); st != 422 || strings.Contains(body, "Cleo") {
		t.Fatalf("break-glass without a real reason: %d", st)
	}
	st, _, body := e.as(luis, "POST", chart+"/break-glass", url.Values{"reason": {"Covering for Nora while she is away"}})
	if st != 200 || !strings.Contains(body, detail) || !strings.Contains(body, "recorded for review") {
		t.Fatalf("break-glass: %d", st)
	}
	e.db.FlushAudit(ctx)
	if bg, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "breakglass.client", ActorID: luisUser.ID}); len(bg) != 1 || bg[0].Reason != "Covering for Nora while she is away" {
		t.Fatalf("break-glass audit: %+v", bg)
	}
	// Front desk may not read clinical records at all: the route refuses (policy.go breakGlassPerms).
	if st, _, _ := e.as(desk, "POST", chart+"/break-glass", url.Values{"reason": {"Covering for Nora while she is away"}}); st != 403 {
		t.Fatalf("front desk breaks glass: %d", st)
	}
	e.db.FlushAudit(ctx)
	es, _ := e.db.FindAudit(ctx, journey.AuditFilter{Action: "client.clinical.read", SubjectType: "client", SubjectID: fmt.Sprint(c.ID)})
	if len(es) != 3 { // the therapist, the medical provider, the break-glass
		t.Fatalf("clinical reads audited: %d", len(es))
	}
	for _, en := range es {
		if strings.Contains(en.Detail, "Cleo") {
			t.Fatal("PHI in the audit trail")
		}
	}

	// The API makes the same split.
	api := fmt.Sprintf("/api/v1/clients/%d", c.ID)
	if st, _, body := e.api(desk, "GET", api, ""); st != 200 || !strings.Contains(body, `"email":"cleo@example.com"`) || strings.Contains(body, `"clinical"`) || strings.Contains(body, detail) {
		t.Fatalf("front desk api: %d %s", st, body)
	}
	if st, _, body := e.api(nora, "GET", api, ""); st != 200 || !strings.Contains(body, `"clinical"`) || !strings.Contains(body, detail) || !strings.Contains(body, `"flags":["phq9-item9"]`) {
		t.Fatalf("therapist api: %d %s", st, body)
	}
	if st, _, _ := e.api(luis, "GET", api, ""); st != 404 {
		t.Fatalf("another therapist api: %d", st)
	}
	if st, _, body := e.api(nora, "GET", api+"/screening", ""); st != 200 || !strings.Contains(body, detail) || !strings.Contains(body, `"status":"incomplete"`) {
		t.Fatalf("therapist screening: %d %s", st, body)
	}
	if st, _, _ := e.api(desk, "GET", api+"/screening", ""); st != 404 {
		t.Fatalf("front desk screening: %d", st)
	}

	// A client reads their own status, without findings, and no one else's.
	hash, _ := fastHasher.Hash(ctx, testPassword)
	cu, err := e.db.AcceptClientInvitation(ctx, token, hash)
	if err != nil {
		t.Fatal(err)
	}
	cleo := e.session(cu, true)
	other, _ := e.newClient(e.ny, "Otto Other", "otto@example.com")
	if st, _, _ := e.api(cleo, "GET", fmt.Sprintf("/api/v1/clients/%d/screening", other.ID), ""); st != 404 {
		t.Fatalf("client reads another's screening: %d", st)
	}
	st, _, body = e.api(cleo, "GET", api+"/screening", "")
	var sc struct {
		Status       string
		Findings     []any
		Missing      []string
		ClearedUntil *string `json:"cleared_until"`
		RuleSet      int     `json:"rule_set_version"`
	}
	if err := json.Unmarshal([]byte(body), &sc); st != 200 || err != nil || sc.Status != "incomplete" || sc.Findings == nil || len(sc.Findings) != 0 ||
		len(sc.Missing) == 0 || sc.ClearedUntil != nil || sc.RuleSet == 0 || strings.Contains(body, detail) {
		t.Fatalf("own screening: %d %s", st, body)
	}
	// Their own record, without the clinical part staff see.
	if st, _, body := e.api(cleo, "GET", api, ""); st != 200 || strings.Contains(body, `"clinical"`) {
		t.Fatalf("client reads their own record: %d %s", st, body)
	}

	// Once joined, the stage moves on and a new invitation is refused.
	if _, _, body := e.as(desk, "GET", chart, nil); !strings.Contains(body, "Intake in progress") || strings.Contains(body, "Send a new invitation") {
		t.Fatal("stage after joining")
	}
	if st, _, body := e.as(desk, "POST", chart+"/reinvite", url.Values{}); st != 409 || !strings.Contains(body, "already set up their portal") {
		t.Fatalf("reinvite after joining: %d", st)
	}
	st, h, _ := e.as(desk, "POST", fmt.Sprintf("/staff/clients/%d/reinvite", other.ID), url.Values{})
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?invited=1") {
		t.Fatalf("reinvite: %d", st)
	}
	if _, _, body := e.as(desk, "GET", h.Get("Location"), nil); !strings.Contains(body, "A new invitation is on its way") {
		t.Fatal("reinvite notice")
	}
	if st, _, _ := e.as(prov, "POST", fmt.Sprintf("/staff/clients/%d/reinvite", other.ID), url.Values{}); st != 403 {
		t.Fatalf("medical provider reinvites: %d", st)
	}
	// Ids that are not clients are not found.
	for _, p := range []string{"/staff/clients/999999", "/staff/clients/abc"} {
		if st, _, _ := e.as(nora, "GET", p, nil); st != 404 {
			t.Errorf("%s: %d", p, st)
		}
	}
}

// A safety answer raises an alert: the therapist is emailed, the
// dashboard shows an urgent banner, and the alert is acknowledged once,
// with a note of what was done.
func TestSafetyAlerts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.newClient(e.ny, "Cleo Client", "cleo@example.com")
	_, alerts, err := e.db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, e.ny.ID)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("response: %v %v", alerts, err)
	}
	al := alerts[0]
	mail := e.latestMail(e.ny.Email)
	if !strings.Contains(mail, fmt.Sprintf("/staff/alerts#alert-%d", al.ID)) || strings.Contains(mail, "Cleo") {
		t.Fatalf("alert mail:\n%s", mail)
	}
	nora := e.session(staffUser(e.ny), true)
	luisUser := staffUser(e.la)
	luis := e.session(luisUser, true)
	_, prov := e.staffCookie(journey.RoleMedicalProvider)
	_, desk := e.staffCookie(journey.RoleFrontDesk)

	st, h, body := e.as(nora, "GET", "/staff", nil)
	if st != 200 || h.Get("Cache-Control") != "no-store" || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "Urgent: 1 safety alert to follow up today") ||
		!strings.Contains(body, fmt.Sprintf(`<a href="/staff/clients/%d"><bdi>Cleo Client</bdi></a>`, c.ID)) || !strings.Contains(body, `href="/staff/alerts"`) ||
		!strings.Contains(body, `href="/staff/consults"`) {
		t.Fatalf("therapist dashboard: %d\n%s", st, trim(body))
	}
	if _, _, body := e.as(prov, "GET", "/staff", nil); !strings.Contains(body, "Urgent: 1 safety alert") || !strings.Contains(body, `href="/staff/review"`) || !strings.Contains(body, "0 clients waiting for your review") {
		t.Fatalf("medical provider dashboard:\n%s", trim(body))
	}
	for who, cookie := range map[string]string{"luis": luis, "front desk": desk} {
		if st, _, body := e.as(cookie, "GET", "/staff", nil); st != 200 || strings.Contains(body, "Urgent") || strings.Contains(body, "Cleo") {
			t.Errorf("%s dashboard: %d", who, st)
		}
	}
	if st, _, _ := e.as(desk, "GET", "/staff/alerts", nil); st != 403 {
		t.Fatalf("front desk alerts: %d", st)
	}
	if _, _, body := e.as(luis, "GET", "/staff/alerts", nil); strings.Contains(body, "Cleo") || !strings.Contains(body, "No open alerts") {
		t.Fatal("another therapist sees the alert")
	}
	if st, _, body := e.api(luis, "GET", "/api/v1/alerts", ""); st != 200 || body != "{\"alerts\":[]}\n" {
		t.Fatalf("another therapist's api alerts: %d %s", st, body)
	}

	ack := fmt.Sprintf("/staff/alerts/%d/acknowledge", al.ID)
	st, _, body = e.as(nora, "GET", "/staff/alerts", nil)
	if st != 200 || !strings.Contains(body, "PHQ-9 item 9 answered above 0") || !strings.Contains(body, fmt.Sprintf(`id="alert-%d"`, al.ID)) ||
		!strings.Contains(body, fmt.Sprintf(`<label for="note-%d">What did you do?</label>`, al.ID)) {
		t.Fatalf("alerts page: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(nora, "POST", ack, url.Values{"note": {"  "}})
	if st != 422 || !strings.Contains(body, fmt.Sprintf(`id="note-%d-error"`, al.ID)) || !strings.Contains(body, "Say what you did") || !strings.Contains(body, `id="error-summary"`) {
		t.Fatalf("ack without a note: %d\n%s", st, trim(body))
	}
	long := strings.Repeat("é", 2001)
	if st, _, body := e.as(nora, "POST", ack, url.Values{"note": {long}}); st != 422 || !strings.Contains(body, long+"</textarea>") {
		t.Fatalf("ack with a long note: %d", st)
	}
	if st, _, _ := e.as(luis, "POST", ack, url.Values{"note": {"Not my client but hello"}}); st != 404 {
		t.Fatalf("another therapist acknowledges: %d", st)
	}
	if n := e.deniedAudits(luisUser.ID, "alert.read"); n != 1 {
		t.Fatalf("denied alert entries: %d", n)
	}
	st, h, _ = e.as(nora, "POST", ack, url.Values{"note": {"Called <b>Cleo</b>; we made a safety plan."}})
	if st != 303 || h.Get("Location") != "/staff/alerts?acknowledged=1" {
		t.Fatalf("ack: %d", st)
	}
	st, _, body = e.as(nora, "GET", h.Get("Location"), nil)
	if st != 200 || !strings.Contains(body, "Alert acknowledged") || !strings.Contains(body, "Acknowledged by Nora York") ||
		!strings.Contains(body, "Called &lt;b&gt;Cleo&lt;/b&gt;; we made a safety plan.") || !strings.Contains(body, "No open alerts") {
		t.Fatalf("after ack: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(nora, "POST", ack, url.Values{"note": {"Again"}}); st != 409 || !strings.Contains(body, "already acknowledged") {
		t.Fatalf("second ack: %d", st)
	}
	if _, _, body := e.as(nora, "GET", "/staff", nil); strings.Contains(body, "Urgent") {
		t.Fatal("banner after ack")
	}
	if _, _, body := e.as(nora, "GET", fmt.Sprintf("/staff/clients/%d", c.ID), nil); !strings.Contains(body, "acknowledged by Nora York") {
		t.Fatal("chart lacks the acknowledged alert")
	}

	// The API.
	_, more, err := e.db.CreateResponse(ctx, c.ID, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 2}, c.ID)
	if err != nil || len(more) != 1 {
		t.Fatal(err)
	}
	apiAck := fmt.Sprintf("/api/v1/alerts/%d/acknowledge", more[0].ID)
	if st, _, body := e.api(prov, "GET", "/api/v1/alerts", ""); st != 200 || !strings.Contains(body, fmt.Sprintf(`"id":%d`, more[0].ID)) ||
		strings.Contains(body, fmt.Sprintf(`"id":%d,`, al.ID)) || !strings.Contains(body, `"acknowledged_at":null`) {
		t.Fatalf("api alerts: %d %s", st, body)
	}
	if st, _, body := e.api(nora, "POST", apiAck, `{"note": ""}`); st != 422 || !strings.Contains(body, `"field":"note"`) {
		t.Fatalf("api ack without a note: %d %s", st, body)
	}
	if st, _, _ := e.api(luis, "POST", apiAck, `{"note": "x"}`); st != 404 {
		t.Fatalf("api ack by another therapist: %d", st)
	}
	st, _, body = e.api(prov, "POST", apiAck, `{"note": "Phoned; safe, seeing Nora tomorrow."}`)
	var out struct {
		ID             int64
		AcknowledgedAt *string `json:"acknowledged_at"`
		Note           string
		ClientName     string `json:"client_name"`
	}
	if err := json.Unmarshal([]byte(body), &out); st != 200 || err != nil || out.ID != more[0].ID || out.AcknowledgedAt == nil || out.Note != "Phoned; safe, seeing Nora tomorrow." || out.ClientName != "Cleo Client" {
		t.Fatalf("api ack: %d %s", st, body)
	}
	if st, _, _ := e.api(nora, "POST", apiAck, `{"note": "again"}`); st != 409 {
		t.Fatalf("api second ack: %d", st)
	}
	if st, _, _ := e.api(nora, "POST", "/api/v1/alerts/999999/acknowledge", `{"note": "x"}`); st != 404 {
		t.Fatalf("api unknown alert: %d", st)
	}
}

// Upcoming consults are the ones still to happen: a cancelled consult
// leaves the list (the last 30 days show it once its time has passed).
func TestCancelledConsultLeavesUpcoming(t *testing.T) {
	e := newEnv(t)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	kept := e.book(e.ny, mondayNY, "Kept Visitor", "")
	gone := e.book(e.ny, mondayNY.Add(time.Hour), "Gone Visitor", "")
	if _, err := e.db.CancelConsult(context.Background(), gone.ManageToken, ""); err != nil {
		t.Fatal(err)
	}
	st, _, body := e.as(desk, "GET", "/staff/consults", nil)
	if st != 200 || !strings.Contains(body, fmt.Sprintf("/staff/consults/%d", kept.ID)) || strings.Contains(body, fmt.Sprintf("/staff/consults/%d", gone.ID)) {
		t.Fatalf("upcoming consults: %d\n%s", st, trim(body))
	}
}

// A consult may be marked held, and its person invited, from 15 minutes
// before it starts; earlier the page offers no button and the store says no.
func TestConsultMarkedHeldFromFifteenMinutesBefore(t *testing.T) {
	e := newEnv(t)
	c := e.book(e.ny, mondayNY, "Early Visitor", "")
	path := fmt.Sprintf("/staff/consults/%d", c.ID)
	saved := *e.now
	defer sqldbtest.SetTime(e.now, saved)

	sqldbtest.SetTime(e.now, mondayNY.Add(-20*time.Minute))
	therapist := e.session(staffUser(e.ny), true)
	if st, _, body := e.as(therapist, "GET", path, nil); st != 200 || strings.Contains(body, "Mark held") {
		t.Fatal("Mark held offered 20 minutes before the start")
	}
	if st, _, _ := e.as(therapist, "POST", path+"/status", url.Values{"status": {"held"}}); st != 409 {
		t.Fatalf("held 20 minutes early: %d", st)
	}
	sqldbtest.SetTime(e.now, mondayNY.Add(-10*time.Minute))
	if st, _, body := e.as(therapist, "GET", path, nil); st != 200 || !strings.Contains(body, "Mark held") {
		t.Fatal("Mark held not offered 10 minutes before the start")
	}
	if st, _, _ := e.as(therapist, "POST", path+"/status", url.Values{"status": {"held"}}); st != 303 {
		t.Fatalf("held 10 minutes early: %d", st)
	}
	if st, _, body := e.as(therapist, "POST", path+"/client", url.Values{}); st != 303 {
		t.Fatalf("invite 10 minutes early: %d %s", st, trim(body))
	}
}

// The care team reads the intake's answers on the chart, in a section of
// their own; front desk, who may not see the clinical record, does not.
func TestChartShowsIntakeAnswers(t *testing.T) {
	e := newEnv(t)
	c, _ := sqldbtest.Client(t, e.db, e.ny.ID, "Ira Intake", "ira@example.test", sqldbtest.Intake("Ira Intake", *e.now))
	therapist := e.session(staffUser(e.ny), true)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	path := fmt.Sprintf("/staff/clients/%d", c.ID)
	_, _, body := e.as(therapist, "GET", path, nil)
	if !strings.Contains(body, `<h2 id="intake-title">Intake answers</h2>`) || !strings.Contains(body, "Low mood for a long time.") ||
		!strings.Contains(body, "sertraline") {
		t.Fatalf("chart without the intake: %v %v %v", strings.Contains(body, `<h2 id="intake-title">Intake answers</h2>`), strings.Contains(body, "Low mood for a long time."), strings.Contains(body, "sertraline"))
	}
	if _, _, body := e.as(desk, "GET", path, nil); strings.Contains(body, "Intake answers") || strings.Contains(body, "Low mood") {
		t.Fatal("front desk reads the intake on the chart")
	}
}
