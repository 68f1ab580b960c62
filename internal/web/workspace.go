package web

import (
	"net/http"
	"strings"

	"github.com/journey-kap/journey"
)

// The staff workspace is the frame every staff page is drawn in
// (templates/staff/layout_staff.html): the practice's name, navigation by task,
// who is signed in and in which roles, their devices and sign out. It is
// apart from the public site's header and the client portal.

// workspaceTask is one link of the workspace's navigation: the screen it
// opens and the other paths that belong to the same task. Whether a person
// sees it is decided by the permission of the route it opens (routes.go),
// so the bar never offers a screen the policy table would refuse.
type workspaceTask struct {
	Label  string
	Href   string
	Within []string // path prefixes that count as this task
}

// workspaceTasks is the navigation bar, in order. Later screens (calendar,
// inventory, billing) join it here.
var workspaceTasks = []workspaceTask{
	{"Today", "/staff", nil},
	{"Calendar", "/staff/calendar", []string{"/staff/calendar/"}},
	{"Clients", "/staff/clients", []string{"/staff/clients/"}},
	{"Consults", "/staff/consults", []string{"/staff/consults/"}},
	{"Review", "/staff/review", nil},
	{"Alerts", "/staff/alerts", nil},
	{"Deliveries", "/staff/deliveries", nil},
	{"Inventory", "/staff/inventory", []string{"/staff/inventory/"}},
	{"Billing", "/staff/billing/reports", []string{"/staff/billing/"}},
	{"Staff", "/admin/staff", []string{"/admin/staff/"}},
	{"Settings", "/admin/consents", []string{"/admin/consents/", "/admin/screening-rules", "/admin/booking", "/admin/care", "/admin/session-types", "/admin/rooms", "/admin/billing", "/admin/settings", "/admin/practice", "/admin/emails", "/admin/reminders"}},
	{"Audit", "/admin/audit", []string{"/admin/audit"}},
}

// workspace is what the staff layout draws around a page.
type workspace struct {
	Actor   *journey.Actor
	Roles   string // the person's roles, in words
	Tasks   []workspaceLink
	Account []workspaceLink
}

// workspaceLink is a link of the bar, marked when it is the current task.
type workspaceLink struct {
	Label   string
	Href    string
	Current bool
}

// workspaceFor returns the workspace frame for a staff member on a staff
// screen (under /staff, /admin or /account), or nil: the public site, the
// portal and sign-in keep their own layouts.
func (s *Server) workspaceFor(r *http.Request) *workspace {
	a := actorFrom(r)
	if !a.Can(journey.PermStaff) || routeFrom(r).aud != staff {
		return nil
	}
	p := r.URL.Path
	ws := &workspace{Actor: a}
	labels := make([]string, len(a.User.Roles))
	for i, role := range a.User.Roles {
		labels[i] = journey.RoleLabel(role)
	}
	ws.Roles = strings.Join(labels, ", ")
	current := currentTask(p)
	for _, t := range workspaceTasks {
		if a.Can(s.routePerm("GET " + t.Href)) {
			ws.Tasks = append(ws.Tasks, workspaceLink{Label: t.Label, Href: t.Href, Current: t.Href == current})
		}
	}
	for _, l := range []workspaceLink{{Label: "Signed-in devices", Href: "/account/sessions"}, {Label: "API tokens", Href: "/account/tokens"}, {Label: "Calendar link", Href: "/account/calendar"}} {
		if a.Can(s.routePerm("GET " + l.Href)) {
			l.Current = p == l.Href
			ws.Account = append(ws.Account, l)
		}
	}
	return ws
}

// currentTask returns the Href of the task path p belongs to: a client's
// medical review is the review task, the rest by prefix.
func currentTask(p string) string {
	if strings.HasPrefix(p, "/staff/clients/") && strings.HasSuffix(p, "/review") {
		return "/staff/review"
	}
	for _, t := range workspaceTasks {
		if p == t.Href {
			return t.Href
		}
		for _, w := range t.Within {
			if strings.HasPrefix(p, w) {
				return t.Href
			}
		}
	}
	return ""
}

// routePerm returns the permission of the route with pattern, or one no
// role holds when the table has no such route, so a link to a missing
// screen is never shown.
func (s *Server) routePerm(pattern string) journey.Permission {
	if perm, ok := s.perms[pattern]; ok {
		return perm
	}
	return journey.Permission("none")
}
