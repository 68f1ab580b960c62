package main

// The admin's session types, locations and rooms and a person's clinical hours in
// Chromium, at a desktop's 1280 px and a phone's 390 px, axe-clean, with
// and without errors beside the fields, what was typed kept.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestE2ERoomsAndClinicalHours(t *testing.T) {
	axe := e2eAxeScript(t)
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	base := srv.URL
	browser := e2eBrowser(t)
	check := func(ctx context.Context, what string) {
		t.Helper()
		for _, phone := range []bool{false, true} {
			e2eViewport(t, ctx, phone)
			w := fmt.Sprintf("%s (%s)", what, map[bool]string{false: "1280px", true: "390px"}[phone])
			e2eCheckLayout(t, ctx, w)
			e2eAxeAll(t, ctx, axe, w)
		}
		e2eViewport(t, ctx, false)
	}
	admin := e2ePortalTab(t, browser, 120*time.Second, "admin")
	e2eViewport(t, admin, false)
	e2ePortalStaffSignIn(t, admin, base, "admin@cedarandtide.example", "demo-admin-lantern-harbor")

	e2ePortalOpen(t, admin, base, "/admin/rooms")
	check(admin, "/admin/rooms")
	e2ePortalText(t, admin, [2]string{"loc_name", "<b>North</b> Clinic"}, [2]string{"loc_time_zone", "Mars/Base"})
	e2ePortalSubmit(t, admin, base, `form[action="/admin/rooms/locations"] button[type=submit]`, 422, "/admin/rooms/locations")
	if v := e2eEval[string](t, admin, `document.getElementById("loc_name").value`); v != "<b>North</b> Clinic" {
		t.Errorf("the name as typed: %q", v)
	}
	check(admin, "/admin/rooms with errors")
	e2eDo(t, admin, "fix the zone", chromedp.SetValue(chromedp.ID("loc_time_zone"), "America/Chicago"))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/rooms/locations"] button[type=submit]`, 200, "/admin/rooms?saved=location")
	e2ePortalText(t, admin, [2]string{"room_name", "Birch"})
	if resp := e2eSubmit(t, admin, `form[action="/admin/rooms"] button[type=submit]`); resp.Status != 200 {
		t.Fatalf("adding a room: %d", resp.Status)
	}
	path := e2eEval[string](t, admin, `location.pathname`)
	if !strings.HasPrefix(path, "/admin/rooms/") {
		t.Fatalf("after adding a room: %s", path)
	}
	check(admin, "a room's hours")
	e2eDo(t, admin, "type hours", chromedp.SendKeys(chromedp.ID("hours_1-start"), "nine"), chromedp.SendKeys(chromedp.ID("hours_1-end"), "17:00"))
	e2ePortalSubmit(t, admin, base, `form[action="`+path+`"] button[type=submit]`, 422, path)
	if v := e2eEval[string](t, admin, `document.getElementById("hours_1-start").value`); v != "nine" {
		t.Errorf("the start as typed: %q", v)
	}
	check(admin, "a room's hours with errors")
	e2eDo(t, admin, "fix the hours", chromedp.SetValue(chromedp.ID("hours_1-start"), "09:00"))
	e2ePortalSubmit(t, admin, base, `form[action="`+path+`"] button[type=submit]`, 200, path+"?saved=1")

	e2ePortalOpen(t, admin, base, "/admin/session-types")
	check(admin, "/admin/session-types")
	e2eDo(t, admin, "a buffer below nothing", chromedp.SetValue(chromedp.ID("medicine-buffer_minutes"), "-5"))
	e2ePortalSubmit(t, admin, base, `form[action="/admin/session-types"] button[type=submit]`, 422, "/admin/session-types")
	check(admin, "/admin/session-types with errors")

	e2ePortalOpen(t, admin, base, "/account/clinical-hours")
	check(admin, "/account/clinical-hours")
	e2eDo(t, admin, "a window backwards", chromedp.SetValue(chromedp.ID("hours_3-start"), "18:00"), chromedp.SetValue(chromedp.ID("hours_3-end"), "08:00"))
	e2ePortalSubmit(t, admin, base, `form[action="/account/clinical-hours"] button[type=submit]`, 422, "/account/clinical-hours")
	check(admin, "/account/clinical-hours with errors")
}
