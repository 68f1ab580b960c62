package main

import (
	"strings"
	"testing"
	"time"
)

// The admin's settings pages and the staff client pages pass axe, with and
// without errors showing; the demo's waiting client is in the medical
// provider's queue and decision screen.
func TestE2EStaffPagesAccessibility(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)

	admin := e2ePortalTab(t, browser, 60*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	for _, path := range []string{"/admin/consents", "/admin/consents/new?code=kap-informed-consent", "/admin/screening-rules", "/admin/booking",
		"/staff/clients", "/staff/clients?q=sam", "/staff/clients/new"} {
		e2ePortalOpen(t, admin, base, path)
		e2eAxe(t, admin, axe, path)
	}
	// The add-client form refused: errors beside the fields.
	e2ePortalText(t, admin, [2]string{"name", "<b>Ann</b>"}, [2]string{"email", "not-an-email"})
	e2ePortalSubmit(t, admin, base, `form[action="/staff/clients/new"] button[type=submit]`, 422, "/staff/clients/new")
	e2eAxe(t, admin, axe, "/staff/clients/new with errors")

	doc := e2ePortalTab(t, browser, 60*time.Second, "medical provider")
	e2eViewport(t, doc, true)
	e2ePortalStaffSignIn(t, doc, base, "jordan.lee@cedarandtide.example", "demo-prescriber-maple-ridge")
	e2ePortalOpen(t, doc, base, "/staff/review")
	if text := e2ePortalMain(doc); !strings.Contains(text, "Sam Whitfield") {
		t.Fatalf("the demo's waiting client is not in the queue:\n%s", text)
	}
	e2eAxe(t, doc, axe, "/staff/review (phone)")
	e2ePortalFollow(t, doc, base, `main a[href="/staff/clients/2/review"]`, "/staff/clients/2/review")
	if text := e2ePortalMain(doc); !strings.Contains(text, "lorazepam") || !strings.Contains(text, "Benzodiazepine") && !strings.Contains(text, "benzodiazepine") {
		t.Fatalf("decision screen:\n%s", text)
	}
	e2eAxe(t, doc, axe, "decision screen (phone)")
	e2ePortalPhone(t, doc, "decision screen")
}
