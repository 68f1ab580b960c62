package main

// The staff workspace in Chromium, role by role, at a desktop's 1280 px and
// a phone's 390 px: every screen fits the window (nothing reaches past its
// right edge), no word is broken inside (only codes and URLs may be),
// no column is squeezed to a sliver, and axe-core finds nothing at all.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// e2eLayoutCheck measures the page in the tab's current viewport: what
// reaches past the window's right edge, table cells and definitions that
// may break words inside, and cells or definitions squeezed narrower than
// their text needs (a long answer in a column a few characters wide).
const e2eLayoutCheck = `(() => {
	const inner = window.innerWidth;
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.className && typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
	const over = [], breaks = [], squeezed = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > inner + 1) over.push(name(el) + " reaches " + Math.round(r.right) + "px");
	}
	const codeLike = el => !!el.closest("code, .code, .url, .hash, .secret, .token, .email, a[href^='mailto:']");
	for (const el of document.querySelectorAll("main td, main th, main dd, main dt, main li, main p, main a, main h1, main h2, main h3, main label, main legend, main strong, main span")) {
		if (codeLike(el)) continue;
		const cs = getComputedStyle(el);
		if (cs.overflowWrap === "anywhere" || cs.wordBreak === "break-all" || cs.wordBreak === "break-word")
			breaks.push(name(el) + " (" + cs.overflowWrap + "/" + cs.wordBreak + ") " + JSON.stringify(el.textContent.trim().slice(0, 40)));
	}
	for (const el of document.querySelectorAll("main td, main dd")) {
		// What the eye reads: text hidden for screen readers only does not count.
		const seen = el.cloneNode(true);
		seen.querySelectorAll(".visually-hidden").forEach(h => h.remove());
		const text = seen.textContent.trim();
		const r = el.getBoundingClientRect();
		if (r.width === 0) continue;
		// The longest word of the text must fit on one line of the box.
		const longest = text.split(/\s+/).reduce((a, w) => Math.max(a, w.length), 0);
		if (text.length >= 12 && longest >= 4 && r.width < Math.min(longest, 12) * 6)
			squeezed.push(name(el) + " " + Math.round(r.width) + "px for " + JSON.stringify(text.slice(0, 40)));
	}
	return {inner, scroll: document.documentElement.scrollWidth, over: over.slice(0, 6), breaks: breaks.slice(0, 6), squeezed: squeezed.slice(0, 6)};
})()`

type e2eLayout struct {
	Inner    float64  `json:"inner"`
	Scroll   float64  `json:"scroll"`
	Over     []string `json:"over"`
	Breaks   []string `json:"breaks"`
	Squeezed []string `json:"squeezed"`
}

// e2eCheckLayout fails the test for each way the page does not fit.
func e2eCheckLayout(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	got := e2eEval[e2eLayout](t, ctx, e2eLayoutCheck)
	if got.Scroll > got.Inner {
		t.Errorf("%s at %vpx: the page is %vpx wide and scrolls sideways", what, got.Inner, got.Scroll)
	}
	if len(got.Over) > 0 {
		t.Errorf("%s at %vpx: elements past the window's right edge: %s", what, got.Inner, strings.Join(got.Over, "; "))
	}
	if len(got.Breaks) > 0 {
		t.Errorf("%s at %vpx: text that may break inside words: %s", what, got.Inner, strings.Join(got.Breaks, "; "))
	}
	if len(got.Squeezed) > 0 {
		t.Errorf("%s at %vpx: squeezed columns: %s", what, got.Inner, strings.Join(got.Squeezed, "; "))
	}
}

// e2eTasks is the workspace's bar in its order: each task and where it
// leads. Who sees a task is not listed here: a role's bar must hold exactly
// the tasks whose screen the route table lets that role open
// (e2eOpenableTasks), so a new screen or a changed permission needs no edit.
var e2eTasks = [][2]string{{"Today", "/staff"}, {"Calendar", "/staff/calendar"}, {"Clients", "/staff/clients"},
	{"Consults", "/staff/consults"}, {"Review", "/staff/review"}, {"Alerts", "/staff/alerts"}, {"Deliveries", "/staff/deliveries"},
	{"Inventory", "/staff/inventory"}, {"Billing", "/staff/billing/reports"}, {"Staff", "/admin/staff"}, {"Settings", "/admin/consents"}, {"Audit", "/admin/audit"}}

// e2eTaskHref is where each task of the workspace's bar leads.
var e2eTaskHref = func() map[string]string {
	m := map[string]string{}
	for _, task := range e2eTasks {
		m[task[0]] = task[1]
	}
	return m
}()

// e2eOpenableTasks asks the server, as the signed-in tab, for each task's
// screen and returns the tasks it serves (200), in the bar's order; a task
// the role's permissions do not reach is refused (403).
func e2eOpenableTasks(t *testing.T, ctx context.Context) []string {
	t.Helper()
	hrefs := make([]string, len(e2eTasks))
	for i, task := range e2eTasks {
		hrefs[i] = task[1]
	}
	js := fmt.Sprintf(`Promise.all(%s.map(h => fetch(h, {redirect: "manual"}).then(r => r.status)))`, e2eJSON(t, hrefs))
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the tasks' screens: %v", err)
	}
	var open []string
	for i, code := range codes {
		switch code {
		case 200:
			open = append(open, e2eTasks[i][0])
		case 403:
		default:
			t.Errorf("%s answered %d, want 200 or 403", e2eTasks[i][1], code)
		}
	}
	return open
}

// e2eJSON is v as JSON, to put into a script.
func e2eJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// e2eWorkspaceRole is one member of the demo's staff and the screens they
// open besides their tasks' own.
type e2eWorkspaceRole struct {
	name, email, password string
	paths                 []string
	contains              map[string]string // path → text the screen shows
}

// Every role signs in to a workspace of its own: navigation by task with
// exactly the links the role may use, Today first, and every screen it
// opens fitting a desktop and a phone, axe-clean, words unbroken.
func TestE2EStaffWorkspace(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	e2eBookAPI(t, base)
	browser := e2eBrowser(t)

	roles := []e2eWorkspaceRole{
		{"admin", "admin@cedarandtide.example", "demo-admin-lantern-harbor",
			[]string{"/staff", "/staff/consults", "/staff/clients", "/staff/clients?q=sam", "/staff/clients/1", "/staff/clients/new",
				"/admin/consents", "/admin/screening-rules", "/admin/staff", "/admin/staff/invite", "/admin/audit", "/account/tokens", "/account/sessions"},
			nil},
		{"therapist", "maya.okafor@cedarandtide.example", "demo-therapist-willow-creek",
			[]string{"/staff", "/staff/consults", "/staff/clients", "/staff/clients/2", "/staff/alerts"},
			nil},
		{"medical provider", "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge",
			[]string{"/staff", "/staff/review", "/staff/clients/2/review", "/staff/clients/2", "/staff/alerts"},
			map[string]string{"/staff": "1 client waiting for your review"}},
		{"chaperone", "casey.morgan@cedarandtide.example", "demo-chaperone-quiet-meadow",
			[]string{"/staff", "/account/sessions"},
			map[string]string{"/staff": "Sessions you are assigned to will appear here"}},
		{"front desk", "frontdesk@cedarandtide.example", "demo-frontdesk-river-stone",
			[]string{"/staff", "/staff/consults", "/staff/clients", "/staff/clients/2"},
			nil},
	}
	for _, role := range roles {
		t.Run(role.name, func(t *testing.T) {
			ctx := e2ePortalTab(t, browser, 120*time.Second, role.name)
			e2eViewport(t, ctx, false)
			e2ePortalStaffSignIn(t, ctx, base, role.email, role.password)
			tasks := e2eOpenableTasks(t, ctx)
			if len(tasks) == 0 || tasks[0] != "Today" || (role.name == "chaperone" && !slices.Contains(tasks, "Calendar")) {
				// Today is every member of staff's; a chaperone reads the sessions they are assigned to.
				t.Fatalf("%s may open %q: Today first, and a chaperone their calendar", role.name, tasks)
			}
			nav := e2eEval[[]string](t, ctx, `[...document.querySelectorAll("nav.workspace-nav a")].map(a => a.textContent.trim())`)
			if !slices.Equal(nav, tasks) {
				t.Errorf("%s's workspace links: %q, want the tasks the role may open, %q", role.name, nav, tasks)
			}
			// Every screen of the bar is measured too.
			for _, task := range tasks {
				if !slices.Contains(role.paths, e2eTaskHref[task]) {
					role.paths = append(role.paths, e2eTaskHref[task])
				}
			}
			for _, phone := range []bool{false, true} {
				e2eViewport(t, ctx, phone)
				width := map[bool]string{false: "1280px", true: "390px"}[phone]
				for _, path := range role.paths {
					e2ePortalOpen(t, ctx, base, path)
					// Open every fold, so what it hides is measured too.
					e2eEval[int](t, ctx, `document.querySelectorAll("main details").forEach(d => d.open = true), 0`)
					what := fmt.Sprintf("%s %s (%s)", role.name, path, width)
					e2eCheckLayout(t, ctx, what)
					e2eAxeAll(t, ctx, axe, what)
					if path == "/staff/clients" {
						// The name search is drawn like the filters beside it.
						same := e2eEval[string](t, ctx, `(() => { const st = id => { const c = getComputedStyle(document.getElementById(id));
							return [c.borderTopWidth, c.borderTopStyle, c.borderRadius, c.paddingTop, c.fontSize].join(" "); };
							return st("q") === st("stage") ? "" : st("q") + " vs " + st("stage"); })()`)
						if same != "" {
							t.Errorf("%s: the name search is styled unlike the filters: %s", what, same)
						}
					}
					if want := role.contains[path]; want != "" && !strings.Contains(e2ePortalMain(ctx), want) {
						t.Errorf("%s lacks %q:\n%s", what, want, e2ePortalMain(ctx))
					}
				}
			}
			// On a phone the navigation folds: its links are hidden until
			// the menu is opened, which needs no script.
			e2ePortalOpen(t, ctx, base, "/staff")
			folded := e2eEval[bool](t, ctx, `(() => { const m = document.querySelector("details.workspace-menu");
				return !!m && !m.open && m.checkVisibility() && !m.querySelector("a").checkVisibility() &&
					!document.querySelector("nav.workspace-nav").checkVisibility(); })()`)
			if !folded {
				t.Errorf("%s: on a phone the navigation does not fold into a menu", role.name)
			}
			// Opened, the menu leads to the role's last task.
			e2eDo(t, ctx, "open the menu", chromedp.Click(chromedp.CSS("details.workspace-menu summary")))
			last := tasks[len(tasks)-1]
			shown := e2eEval[[]string](t, ctx, `[...document.querySelectorAll("nav.workspace-menu-nav a")].filter(a => a.checkVisibility()).map(a => a.textContent.trim())`)
			if !slices.Equal(shown, tasks) {
				t.Errorf("%s: the opened menu shows %q, want %q", role.name, shown, tasks)
			}
			// Each of its targets is at least 24 px square (WCAG 2.5.8), for a thumb.
			small := e2eEval[[]string](t, ctx, `[...document.querySelectorAll("details.workspace-menu :is(summary, a, button)")]
				.filter(el => el.checkVisibility()).map(el => [el.textContent.trim(), el.getBoundingClientRect()])
				.filter(([, r]) => r.width < 24 || r.height < 24).map(([s, r]) => s + " " + Math.round(r.width) + "×" + Math.round(r.height))`)
			if len(small) > 0 {
				t.Errorf("%s: the opened menu's targets smaller than 24 px: %q", role.name, small)
			}
			e2eCheckLayout(t, ctx, role.name+" the opened menu (390px)")
			if last != "Today" {
				e2ePortalSubmit(t, ctx, base, fmt.Sprintf(`nav.workspace-menu-nav a[href="%s"]`, e2eTaskHref[last]), 200, e2eTaskHref[last])
				e2eCheckLayout(t, ctx, role.name+" "+last+" from the menu (390px)")
			}
		})
	}
}

// e2eAxeAll runs axe-core on the page and fails the test for every
// violation, whatever its impact.
func e2eAxeAll(t *testing.T, ctx context.Context, axe, what string) {
	t.Helper()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]e2eViolation](axe+e2eAxeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", what, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe %s (%s, %d node(s)): %s: %s", what, v.ID, v.Impact, v.Count, v.Help, strings.Join(v.Nodes, " "))
	}
}
