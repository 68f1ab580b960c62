package web

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	staffws "github.com/journey-kap/journey/internal/web/staff"
)

var (
	navRE     = regexp.MustCompile(`(?s)<nav class="workspace-nav ws-wide" aria-label="Workspace">(.*?)</nav>`)
	menuRE    = regexp.MustCompile(`(?s)<nav class="workspace-menu-nav" aria-label="Workspace menu">(.*?)</nav>`)
	navLinkRE = regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]+)</a>`)
)

// navLinks returns the labels of the links in the part of body re finds.
func navLinks(re *regexp.Regexp, body string) []string {
	m := re.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var out []string
	for _, l := range navLinkRE.FindAllStringSubmatch(m[1], -1) {
		out = append(out, l[2])
	}
	return out
}

// Each role sees exactly the tasks it may use, in the bar and in the
// phone's menu, and each task it sees opens while each it does not is
// refused: the bar and the policy table cannot drift apart.
func TestWorkspaceNavigationByRole(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		roles []string
		want  []string
	}{
		{[]string{journey.RoleAdmin}, []string{"Today", "Calendar", "Clients", "Consults", "Deliveries", "Inventory", "Billing", "Staff", "Settings", "Audit"}},
		{[]string{journey.RoleTherapist}, []string{"Today", "Calendar", "Clients", "Consults", "Alerts"}},
		{[]string{journey.RoleMedicalProvider}, []string{"Today", "Calendar", "Clients", "Review", "Alerts", "Inventory"}},
		{[]string{journey.RoleChaperone}, []string{"Today", "Calendar"}},
		{[]string{journey.RoleFrontDesk}, []string{"Today", "Calendar", "Clients", "Consults", "Deliveries", "Billing", "Staff"}},
		{[]string{journey.RoleTherapist, journey.RoleAdmin}, []string{"Today", "Calendar", "Clients", "Consults", "Alerts", "Deliveries", "Inventory", "Billing", "Staff", "Settings", "Audit"}},
	} {
		name := strings.Join(tc.roles, "+")
		t.Run(name, func(t *testing.T) {
			u := e.addUser(journey.UserStaff, strings.ReplaceAll(name, "+", ".")+"@nav.test", tc.roles...)
			cookie := e.session(u, true)
			st, _, body := e.as(cookie, "GET", "/staff", nil)
			if st != 200 {
				t.Fatalf("GET /staff: %d", st)
			}
			if got := navLinks(navRE, body); !slices.Equal(got, tc.want) {
				t.Errorf("bar: %q, want %q", got, tc.want)
			}
			if got := navLinks(menuRE, body); !slices.Equal(got, tc.want) {
				t.Errorf("phone menu: %q, want %q", got, tc.want)
			}
			if !strings.Contains(body, `<a href="/staff" aria-current="page">Today</a>`) {
				t.Error("Today is not marked as the current task")
			}
			if !strings.Contains(body, u.Name) || !strings.Contains(body, journey.RoleLabel(tc.roles[0])) ||
				!strings.Contains(body, `href="/account/sessions"`) || !strings.Contains(body, `action="/logout"`) {
				t.Error("the bar lacks the person, their role, their devices or sign out")
			}
			if strings.Contains(body, "Schedule a Consult") {
				t.Error("the public site's header is on a staff page")
			}
			for _, task := range workspaceTasks {
				st, _, _ := e.as(cookie, "GET", task.Href, nil)
				if shown := slices.Contains(tc.want, task.Label); shown != (st == 200) || !shown && st != 403 {
					t.Errorf("%s (%s): shown %v, answers %d", task.Label, task.Href, shown, st)
				}
			}
		})
	}
	// The current task follows the screen, a client's review under Review.
	_, doc := e.staffCookie(journey.RoleMedicalProvider)
	if _, _, body := e.as(doc, "GET", "/staff/review", nil); !strings.Contains(body, `<a href="/staff/review" aria-current="page">Review</a>`) {
		t.Error("the review queue is not marked as the current task")
	}
	// The public site, a client's pages and a pending second factor keep
	// their own layouts.
	nurse := e.addUser(journey.UserStaff, "pending@nav.test", journey.RoleTherapist)
	pending := e.session(nurse, false)
	for _, tc := range []struct{ who, cookie, path string }{
		{"staff on the home page", doc, "/"},
		{"staff on the FAQ", doc, "/faq"},
		{"staff before the second factor", pending, "/account/2fa"},
	} {
		if _, _, body := e.as(tc.cookie, "GET", tc.path, nil); strings.Contains(body, "workspace-nav") {
			t.Errorf("%s (%s) is drawn in the workspace", tc.who, tc.path)
		}
	}
	_, client := e.portalClient("Nav Client", "nav.client@example.com", nil)
	if st, _, body := e.as(client, "GET", "/account/sessions", nil); st != 200 || strings.Contains(body, "workspace-nav") || !strings.Contains(body, `aria-label="Portal"`) {
		t.Errorf("a client's devices page: %d, workspace %v", st, strings.Contains(body, "workspace-nav"))
	}
}

// Today shows each person what needs them: open safety alerts first, the
// review queue and the replies to the prescriber's questions (medical
// providers), today's consults in the practice's zone, consults to mark,
// held consults to invite, cleared clients waiting for preparation, and
// the empty state of today's sessions, each within their record rules.
func TestTodayByRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.book(e.ny, mondayNY, "Una Unmarked", "grief")
	e.heldConsult(e.ny, mondayNY.Add(time.Hour), "Hal Held")
	e.book(e.la, mondayNY.Add(4*time.Hour+20*time.Minute), "Lee Later", "")
	e.book(e.ny, mondayNY.AddDate(0, 0, 1), "Tom Tomorrow", "")
	doc, _ := e.staffCookie(journey.RoleMedicalProvider)
	decide := func(c *journey.Client, k journey.Clearance) {
		t.Helper()
		k.ClientID, k.ProviderID = c.ID, doc.ID
		if _, err := e.db.DecideClearance(ctx, &k); err != nil {
			t.Fatalf("%v %v", err, journey.ErrorFields(err))
		}
	}
	alerted := completeClient(e, e.ny, nil)
	if _, als, err := e.db.CreateResponse(ctx, alerted.ID, journey.QuestionnairePHQ9, []int{1, 1, 1, 1, 1, 1, 1, 1, 2}, alerted.UserID); err != nil || len(als) != 1 {
		t.Fatalf("alert: %v %d", err, len(als))
	}
	cleared := completeClient(e, e.ny, nil)
	decide(cleared, journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: e.now.AddDate(1, 0, 0)})
	replied := completeClient(e, e.la, nil)
	decide(replied, journey.Clearance{Decision: journey.DecisionNeedsInfo, Message: "Which dose?"})
	if err := e.db.ReplyToClearance(ctx, replied.ID, "10 mg."); err != nil {
		t.Fatal(err)
	}
	waiting := completeClient(e, e.la, nil)
	_, queued, err := e.db.ReviewQueue(ctx, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 9:30 in New York: Una's consult has started, Hal's was held.
	sqldbtest.SetTime(e.now, mondayNY.Add(30*time.Minute))

	docCookie := e.session(doc, true)
	_, chaperone := e.staffCookie(journey.RoleChaperone)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	section := func(body, title string) string {
		i := strings.Index(body, ">"+title+"<")
		if i < 0 {
			return ""
		}
		j := strings.Index(body[i:], "</section>")
		return body[i : i+j]
	}
	for _, tc := range []struct {
		who      string
		cookie   string
		sections map[string][]string // title → what it names
		absent   []string
	}{
		{"therapist", e.session(staffUser(e.ny), true), map[string][]string{
			"Urgent: 1 safety alert to follow up today": {alerted.Name, "PHQ-9 item 9"},
			"Consults today":                   {"9:00 AM EST: <bdi>Una Unmarked</bdi></a>, with <bdi>Nora York</bdi>, by video (", "10:00 AM EST: <bdi>Hal Held</bdi>"},
			"Consults to confirm":              {"Una Unmarked"},
			"Held consults to invite":          {"Hal Held"},
			"Cleared, waiting for preparation": {cleared.Name},
			"Today's sessions":                 {"Sessions you are assigned to will appear here"},
		}, []string{"Lee Later", "Tom Tomorrow", "Medical review", replied.Name}},
		{"other therapist", e.session(staffUser(e.la), true), map[string][]string{
			"Consults today":                   {"Lee Later"},
			"Cleared, waiting for preparation": {"None of your clients is waiting for preparation."},
			"Safety alerts":                    {"No open safety alerts for your clients."},
		}, []string{"Urgent", "Una Unmarked", "Hal Held", alerted.Name}},
		{"medical provider", docCookie, map[string][]string{
			"Urgent: 1 safety alert to follow up today": {alerted.Name},
			"Medical review":   {fmt.Sprintf("%d clients waiting for your review", queued), replied.Name},
			"Today's sessions": {"Sessions you are assigned to will appear here"},
		}, []string{"Consults today", waiting.Name, "Una Unmarked"}},
		{"chaperone", chaperone, map[string][]string{
			"Today's sessions": {"Sessions you are assigned to will appear here"},
		}, []string{"Urgent", "Consults today", "Medical review", "Safety alerts", alerted.Name, "Una Unmarked"}},
		{"front desk", desk, map[string][]string{
			"Consults today":          {"Una Unmarked", "Hal Held", "Lee Later"},
			"Consults to confirm":     {"Una Unmarked"},
			"Held consults to invite": {"Hal Held"},
		}, []string{"Urgent", "Medical review", "Today's sessions", "Tom Tomorrow", alerted.Name}},
	} {
		t.Run(tc.who, func(t *testing.T) {
			st, _, body := e.as(tc.cookie, "GET", "/staff", nil)
			if st != 200 {
				t.Fatalf("GET /staff: %d", st)
			}
			main := body[strings.Index(body, "<main"):]
			for title, want := range tc.sections {
				sec := section(main, title)
				if sec == "" {
					t.Errorf("no section %q", title)
					continue
				}
				for _, w := range want {
					if !strings.Contains(sec, w) {
						t.Errorf("section %q lacks %q:\n%s", title, w, sec)
					}
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(main, s) {
					t.Errorf("Today shows %q", s)
				}
			}
			if strings.Contains(main, "Urgent") && strings.Index(main, "Urgent") > strings.Index(main, "<section aria-labelledby=") {
				t.Error("the safety alerts are not first")
			}
		})
	}
}

// The clients list's filters, on the page and in the API: the same names,
// each refused with a message beside its field (page) or a field error
// (API), the typed value shown back escaped, paging that keeps the
// filters and a cap on the page size.
func TestClientsListFilters(t *testing.T) {
	e := newEnv(t)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	for i := range 3 {
		e.newClient(e.ny, fmt.Sprintf("Nora Client %d", i), fmt.Sprintf("nc%d@example.com", i))
	}
	e.newClient(e.la, "Luis Client", "lc@example.com")
	completeClient(e, e.la, nil)

	st, _, body := e.as(desk, "GET", fmt.Sprintf("/staff/clients?therapist=%d&sort=name", e.ny.ID), nil)
	if st != 200 || !strings.Contains(body, "1–3 of 3") || strings.Contains(body, "Luis Client") ||
		strings.Index(body, "Nora Client 0") > strings.Index(body, "Nora Client 2") {
		t.Fatalf("by therapist, by name: %d\n%s", st, trim(body[strings.Index(body, "<main"):]))
	}
	if _, _, body := e.as(desk, "GET", "/staff/clients?stage=review", nil); !strings.Contains(body, "Sample Client") || strings.Contains(body, "Nora Client") {
		t.Errorf("stage review:\n%s", trim(body))
	}
	if _, _, body := e.as(desk, "GET", "/staff/clients?screening=awaiting_review&stage=invited", nil); !strings.Contains(body, "No clients match these filters") {
		t.Errorf("no match:\n%s", trim(body))
	}
	st, _, body = e.as(desk, "GET", "/staff/clients?stage=%3Cb%3Eoops&sort=priority&therapist=99999", nil)
	if st != 422 || !strings.Contains(body, `id="stage-error"`) || !strings.Contains(body, "Choose a stage from the list.") ||
		!strings.Contains(body, "&lt;b&gt;oops") || strings.Contains(body, "<b>oops") || !strings.Contains(body, `id="sort-error"`) ||
		!strings.Contains(body, `id="therapist-error"`) || !strings.Contains(body, "Luis Client") {
		t.Fatalf("bad filters: %d\n%s", st, trim(body[strings.Index(body, "<main"):]))
	}

	// Paging keeps the filters.
	for i := range staffws.ClientsPerPage {
		e.newClient(e.ny, fmt.Sprintf("Extra Client %d", i), fmt.Sprintf("extra%d@example.com", i))
	}
	st, _, body = e.as(desk, "GET", fmt.Sprintf("/staff/clients?therapist=%d&sort=name", e.ny.ID), nil)
	next := fmt.Sprintf(`href="/staff/clients?page=2&amp;sort=name&amp;therapist=%d"`, e.ny.ID)
	if st != 200 || !strings.Contains(body, next) || !strings.Contains(body, "1–50 of 53") {
		t.Fatalf("first page: %d\n%s", st, trim(body[strings.Index(body, "<main"):]))
	}
	if _, _, body := e.as(desk, "GET", fmt.Sprintf("/staff/clients?page=2&sort=name&therapist=%d", e.ny.ID), nil); !strings.Contains(body, "51–53 of 53") ||
		!strings.Contains(body, "Nora Client 2") || strings.Contains(body, "Luis Client") {
		t.Errorf("second page:\n%s", trim(body[strings.Index(body, "<main"):]))
	}

	// The API: the same names, problem+json with field errors.
	st, _, body = e.api(desk, "GET", fmt.Sprintf("/api/v1/clients?therapist=%d&sort=name&limit=2&offset=1", e.ny.ID), "")
	if st != 200 || !strings.Contains(body, `"total":53`) || !strings.Contains(body, `"name":"Extra Client 1"`) || strings.Count(body, `"id":`) != 2 {
		t.Errorf("API by therapist, by name, paged: %d %s", st, trim(body))
	}
	for _, tc := range []struct{ query, field string }{
		{"stage=bogus", "stage"}, {"screening=nope", "screening"}, {"sort=priority", "sort"}, {"therapist=abc", "therapist"},
		{"therapist=99999", "therapist"}, {"limit=201", "limit"}, {"limit=0", "limit"}, {"offset=-1", "offset"},
	} {
		st, h, body := e.api(desk, "GET", "/api/v1/clients?"+tc.query, "")
		if st != 422 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, fmt.Sprintf(`"field":%q`, tc.field)) {
			t.Errorf("%s: %d %s %s", tc.query, st, h.Get("Content-Type"), body)
		}
	}
}

// Late on 2 January in New York it is already 3 January in UTC: every
// date and time a member of staff reads is the practice's, with the zone
// named beside a time of day.
func TestStaffDatesInPracticeZone(t *testing.T) {
	e := newEnv(t)
	sqldbtest.SetTime(e.now, time.Date(2030, 1, 3, 3, 30, 0, 0, time.UTC)) // 22:30 EST on the 2nd
	u, cookie := e.staffCookie(journey.RoleTherapist)
	if st, _, body := e.as(cookie, "POST", "/account/tokens", url.Values{"name": {"script"}, "expires": {"24h"}}); st != 200 {
		t.Fatalf("create a token: %d\n%s", st, trim(body))
	}
	_, _, body := e.as(cookie, "GET", "/account/tokens", nil)
	main := body[strings.Index(body, "<main"):]
	// Made at 22:30 on the 2nd, it expires a day later, at 22:30 on the 3rd.
	if !strings.Contains(main, "<td>2030-01-02</td><td>2030-01-03 22:30 EST</td>") {
		t.Errorf("tokens page in UTC, or the zone unnamed:\n%s", trim(main))
	}
	c, _ := e.newClient(e.ny, "Zed Zone", "zed@example.com")
	if err := e.db.AddCareMember(context.Background(), c.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.as(cookie, "GET", fmt.Sprintf("/staff/clients/%d", c.ID), nil)
	main = body[strings.Index(body, "<main"):]
	if strings.Contains(main, "January 3") || !strings.Contains(main, "January 2, 2030") {
		t.Errorf("the chart's dates are not the practice's:\n%s", trim(main))
	}
}
