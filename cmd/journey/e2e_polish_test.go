package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/testenv"
)

// e2eImageFile writes a w×h image as format (png or gif) into dir.
func e2eImageFile(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: uint8(20 + x%60), G: 90, B: 130, A: 255})
		}
	}
	var b bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".gif") {
		err = gif.Encode(&b, img, nil)
	} else {
		err = png.Encode(&b, img)
	}
	path := filepath.Join(dir, name)
	if err == nil {
		err = os.WriteFile(path, b.Bytes(), 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// The pages issue 9's last changes touch, in Chromium at a desktop's and a
// phone's width, each fitting and axe-clean: the practice page with its
// logo and history (a GIF refused beside the field, a PNG shown in every
// header with the practice's name as its text), the landing and FAQ pages
// with theirs, consult hours showing the profile's zone, and the portal's
// answers once the provider has decided (the intake form leads there).
func TestE2EPolishPages(t *testing.T) {
	src, err := os.ReadFile(testenv.AxePath(t))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(src)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	ctx := context.Background()

	// The medical provider declines Sam, who waits for review in the demo.
	db := openRaw(t, srv.DSN, filepath.Dir(srv.KeyFile))
	db.Mail = &mail.Composer{BaseURL: base} // the decision's email waits in the outbox: no worker here
	sam, err := db.FindUserByEmail(ctx, "sam.whitfield@example.org")
	if err != nil {
		t.Fatal(err)
	}
	client, err := db.FindClientByUserID(ctx, sam.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.FindUserByEmail(ctx, "jordan.lee@cedarandtide.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: client.ID, Decision: journey.DecisionDeclined, ProviderID: doc.ID,
		Reason: "Not now.", Message: "After reviewing your information, KAP is not the right fit now."}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	browser := e2eBrowser(t)
	admin := e2ePortalTab(t, browser, 150*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")
	e2ePortalOpen(t, admin, base, "/admin/practice")
	// The demo's number is a fictional 555 one, which the form refuses.
	e2ePortalSet(t, admin, [2]string{"phone", "(503) 555-0199"})
	e2ePortalSubmit(t, admin, base, `form[action="/admin/practice"] button[type=submit]`, 200, "/admin/practice?saved=details")
	if n := e2eEval[int](t, admin, `document.querySelectorAll('form[action^="/admin/practice/versions/practice/"]').length`); n < 1 {
		t.Errorf("the practice page's history offers no version to restore")
	}
	dir := t.TempDir()
	e2eDo(t, admin, "choose a GIF", chromedp.SetUploadFiles(chromedp.CSS("#logo"), []string{e2eImageFile(t, dir, "logo.gif", 60, 20)}))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/practice/logo"] button[type=submit]`, 422, "/admin/practice/logo")
	if text := e2ePortalMain(admin); !strings.Contains(text, "not a PNG or JPEG") {
		t.Fatalf("a GIF is not refused beside the field:\n%s", text)
	}
	e2eCheckLayout(t, admin, "a refused logo (1280px)")
	e2eAxeAll(t, admin, axe, "a refused logo (1280px)")
	e2eDo(t, admin, "choose a PNG", chromedp.SetUploadFiles(chromedp.CSS("#logo"), []string{e2eImageFile(t, dir, "logo.png", 480, 120)}))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/practice/logo"] button[type=submit]`, 200, "/admin/practice?saved=logo")
	name := e2eEval[string](t, admin, `document.querySelector("header .brand img.logo").alt`)
	if name == "" || !e2eEval[bool](t, admin, `document.querySelector("header .brand img.logo").naturalWidth === 480`) {
		t.Fatalf("the workspace header shows no logo (alt %q)", name)
	}

	pages := []string{"/admin/practice", "/admin/practice/landing", "/admin/faq", "/admin/staff/2/hours", "/", "/faq"}
	for _, phone := range []bool{false, true} {
		e2eViewport(t, admin, phone)
		width := map[bool]string{false: "1280px", true: "390px"}[phone]
		for _, path := range pages {
			e2ePortalOpen(t, admin, base, path)
			what := fmt.Sprintf("%s (%s)", path, width)
			e2eCheckLayout(t, admin, what)
			e2eAxeAll(t, admin, axe, what)
			if got := e2eEval[string](t, admin, `(document.querySelector("header .brand img.logo") || {}).alt || ""`); got != name {
				t.Errorf("%s: the header's logo reads %q, want %q", what, got, name)
			}
		}
	}
	if text := e2ePortalMain(admin); strings.Contains(text, "Their time zone") {
		t.Errorf("the hours page asks again for the zone the profile holds")
	}

	// Sam reads his answers; the intake form leads there now.
	sc := e2ePortalTab(t, browser, 90*time.Second, "client")
	e2ePortalOpen(t, sc, base, "/login")
	e2eDo(t, sc, "type Sam's credentials", chromedp.SendKeys(chromedp.CSS("#email"), "sam.whitfield@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo-client-harbor-light"))
	e2eSubmit(t, sc, "form.auth button[type=submit]")
	e2eWaitJS(t, sc, `location.pathname === "/portal" && document.readyState === "complete"`)
	for _, phone := range []bool{false, true} {
		e2eViewport(t, sc, phone)
		width := map[bool]string{false: "1280px", true: "390px"}[phone]
		e2ePortalOpen(t, sc, base, "/portal/intake/medical")
		if p := e2eEval[string](t, sc, `location.pathname`); p != "/portal/answers/medical" {
			t.Fatalf("a decided intake's form opened at %s", p)
		}
		if text := e2ePortalMain(sc); !strings.Contains(text, "contact the practice") {
			t.Errorf("the answers page does not say whom to tell:\n%s", text)
		}
		for _, path := range []string{"/portal", "/portal/answers"} {
			e2ePortalOpen(t, sc, base, path)
			what := fmt.Sprintf("client %s (%s)", path, width)
			e2eCheckLayout(t, sc, what)
			e2eAxeAll(t, sc, axe, what)
		}
	}
}
