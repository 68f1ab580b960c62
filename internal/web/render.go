package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	clientportal "github.com/journey-kap/journey/internal/web/portal"
	publicsite "github.com/journey-kap/journey/internal/web/site"
	staffws "github.com/journey-kap/journey/internal/web/staff"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// templateFS holds a folder of page templates per audience: site (the
// public site and signing in), portal, staff (with layout_staff.html), and
// shared (layout.html, the frame of the site and the portal; partials.html,
// the forms, field errors and error summary every page draws; the pages
// every audience may see: errors and signed-in devices).
//
//go:embed templates/*/*.html
var templateFS embed.FS

//go:embed static/*
var staticFS embed.FS

// asset is one embedded static file, served at a URL that holds a hash of
// its content so it can be cached forever.
type asset struct {
	body        []byte
	contentType string
	url         string
}

var assets = loadAssets()

func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		body, _ := fs.ReadFile(staticFS, "static/"+e.Name())
		sum := sha256.Sum256(body)
		ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}[path.Ext(e.Name())]
		out[e.Name()] = &asset{body: body, contentType: ct, url: "/static/" + hex.EncodeToString(sum[:6]) + "/" + e.Name()}
	}
	return out
}

// assetURL returns the content-hashed URL of a static file; it panics on an
// unknown name, which the start-up template check turns into a failure.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return a.url
}

type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"asset":      assetURL,
	"fieldError": func(errs map[string]string, field string) string { return errs[field] },
	"timeIn":     func(t time.Time, loc *time.Location) time.Time { return t.In(loc) },
	"add":        func(a, b int) int { return a + b },
	"logoURL":    webkit.LogoURL,
	"phone":      webkit.DisplayPhone,
	"neg":        func(a int) int { return -a },
	"join": func(ns []int) string {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = strconv.Itoa(n)
		}
		return strings.Join(parts, ",")
	},
	"roleLabel": journey.RoleLabel,
	"crisis":    func() journey.CrisisLines { return journey.Crisis },
	"hasString": func(list []string, s string) bool { return slices.Contains(list, s) },
	"statusLabel": func(s string) string {
		return map[string]string{journey.ConsultBooked: "Booked", journey.ConsultCancelled: "Cancelled",
			journey.ConsultHeld: "Held", journey.ConsultNoShow: "Missed"}[s]
	},
	// modeLabel names how a consult takes place; a consult from before
	// there was a choice is by phone.
	"modeLabel": func(mode string) string {
		if mode == journey.ModeVideo {
			return "Video"
		}
		return "Phone"
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// layoutFiles are the frames and partials parsed with every page.
var layoutFiles = []string{"templates/shared/layout.html", "templates/staff/layout_staff.html", "templates/shared/partials.html",
	"templates/shared/estimates.html"}

// parseTemplates parses the layouts and partials with each page of fsys
// (templates/<audience>/<page>.html; a page is named by its file alone, so
// two folders may not hold the same name) once at start-up, then executes
// every page with data of the type its handler passes (pageSamples), so a
// missing template, field or static file fails here rather than in front
// of a visitor.
func parseTemplates(fsys fs.FS) (*templates, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, layoutFiles...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/*/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := path.Base(n)
		if slices.Contains(layoutFiles, n) {
			continue
		}
		if t.pages[strings.TrimSuffix(base, ".html")] != nil {
			return nil, fmt.Errorf("web: two templates named %s", base)
		}
		clone, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(fsys, n); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		t.pages[strings.TrimSuffix(base, ".html")] = clone
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

// pageSamples names, for each page template, the type of data its
// handlers render it with. The start-up check fails on a template without
// one, and on a sample without a template.
var pageSamples = map[string]any{
	"home": &publicsite.HomePage{}, "faq": &publicsite.FAQPage{}, "privacy": &publicsite.PrivacyPage{}, "book": &publicsite.BookPage{}, "manage": &publicsite.ManagePage{}, "manage_cancel": &publicsite.CancelPage{}, "portal_answers": &clientportal.AnswersPage{},
	"resent": &publicsite.ResendPage{}, "error": &errorPage{}, "unavailable": &unavailablePage{}, "login": &loginPage{}, "twofactor": &twoFactorPage{}, "enrol": &enrolPage{},
	"staff_home": &staffws.TodayPage{}, "staff_consults": &staffws.ConsultsPage{}, "staff_consult": &staffws.ConsultPage{},
	"staff_consult_new": &staffws.BookPage{}, "staff_profile": &staffws.ProfilePage{},
	"audit": &staffws.AuditPage{}, "tokens": &staffws.TokensPage{}, "sessions": &sessionsPage{}, "staff_list": &staffws.StaffListPage{},
	"invite": &invitePage{}, "accept": &acceptPage{}, "reset_request": &resetRequestPage{}, "breakglass": &staffws.BreakGlassPage{},
	"portal": &clientportal.HomePage{}, "portal_join": &acceptPage{}, "portal_intake": &clientportal.IntakePage{}, "portal_measure": &webkit.MeasurePage{},
	"portal_support": &clientportal.SupportPage{}, "portal_monitor": &clientportal.MonitorPage{}, "portal_book": &clientportal.BookPage{}, "portal_sessions": &clientportal.SessionsPage{}, "portal_session": &clientportal.SessionPage{}, "portal_checkin": &clientportal.CheckInPage{}, "portal_consent": &clientportal.ConsentPage{},
	"staff_clients": &staffws.ClientsPage{}, "staff_client": &staffws.ClientPage{}, "staff_client_new": &staffws.NewClientPage{},
	"staff_alerts": &staffws.AlertsPage{}, "staff_calendar": &staffws.CalendarPage{}, "staff_session": &staffws.SessionPage{}, "staff_plan": &staffws.PlanPage{}, "staff_runsheet": &staffws.RunSheetPage{}, "admin_care": &staffws.CareSettingsPage{}, "admin_rooms": &staffws.RoomsPage{}, "admin_session_types": &staffws.SessionTypesPage{}, "hours_edit": &staffws.ClinicalHoursPage{}, "staff_review": &staffws.ReviewQueuePage{}, "staff_review_client": &staffws.ReviewScreenPage{},
	"admin_consents": &staffws.ConsentDocsPage{}, "admin_consent_edit": &staffws.ConsentEditPage{}, "admin_rules": &staffws.RulesPage{},
	"admin_booking": &staffws.BookingSettingsPage{}, "admin_practice": &staffws.PracticePage{}, "admin_faq": &staffws.FAQAdminPage{}, "admin_landing": &staffws.LandingPage{}, "admin_emails": &staffws.EmailsPage{}, "admin_email": &staffws.EmailPage{Kind: &journey.EmailKinds[0], Current: journey.EmailKinds[0].Default()}, "staff_hours": &staffws.HoursPage{}, "held": &publicsite.HeldPage{}, "hold": &publicsite.HoldPage{},
	"portal_reminders": &clientportal.RemindersPage{}, "staff_calendar_links": &staffws.CalendarLinksPage{}, "staff_text_consent": &staffws.TextConsentPage{}, "staff_deliveries": &staffws.DeliveriesPage{},
	"admin_reminders": &staffws.ReminderSettingsPage{},
	"staff_inventory": &staffws.InventoryPage{}, "staff_inventory_receipt": &staffws.ReceiptPage{}, "staff_inventory_container": &staffws.ContainerPage{},
	"staff_inventory_count": &staffws.CountPage{}, "staff_inventory_resolve": &staffws.DiscrepancyPage{}, "staff_inventory_log": &staffws.LogPage{},
	"staff_doses": &staffws.DosePage{}, "staff_client_billing": &staffws.ClientBillingPage{},
	"staff_notes": &staffws.NotesPage{}, "staff_aftercare": &staffws.AftercarePage{},
	"admin_billing": &staffws.BillingSetupPage{}, "staff_diagnoses": &staffws.DiagnosesPage{}, "staff_coverage": &staffws.CoveragePage{}, "staff_billing_reports": &staffws.BillingReportsPage{},
	"portal_estimates": &clientportal.EstimatesPage{}, "staff_estimates": &staffws.EstimatesPage{}, "good_faith_estimate": &publicsite.EstimateRightPage{},
	"portal_preparation": &clientportal.PreparationPage{}, "portal_morning": &clientportal.MorningPage{}, "portal_journal": &clientportal.JournalPage{},
	"portal_billing": &clientportal.BillingPage{}, "staff_documents": &staffws.DocumentsPage{},
	"portal_pay": &clientportal.PayPage{}, "portal_payment": &clientportal.PaymentPage{Payment: &journey.Payment{}},
}

// realSamples replaces the parts of a filled sample whose values must
// agree with each other: a questionnaire's skip logic names other items by
// index, so the measure page gets a real questionnaire, the one with skip
// logic.
var realSamples = map[string]func(page any){
	"portal_measure": func(page any) {
		q, _ := measure.Find(journey.QuestionnaireCSSRS)
		page.(*webkit.MeasurePage).Q = q
	},
}

// check executes every page twice with sample data of its real type: once
// with every pointer set and every other value empty (the "else" side of
// most conditions), once with every value filled and every list holding
// one item (the "then" side, and the body of every range). A field that
// does not exist, or an asset that is not embedded, is an error either way.
func (t *templates) check() error {
	for name := range t.pages {
		if pageSamples[name] == nil {
			return fmt.Errorf("web: template %s.html has no sample data in pageSamples", name)
		}
	}
	for name, sample := range pageSamples {
		page := t.pages[name]
		if page == nil {
			return fmt.Errorf("web: template %s.html is missing", name)
		}
		// Every page in both layouts: the staff workspace's frame draws a
		// page that staff and others share (signed-in devices, errors).
		for _, layout := range []string{"layout.html", "layout_staff.html"} {
			for _, full := range []bool{false, true} {
				data := pageData{Title: "Sample", Path: "/", Year: 2030, Practice: &journey.Practice{}, Page: sampleOf(sample, full)}
				if fix := realSamples[name]; fix != nil {
					fix(data.Page)
				}
				fillValue(reflect.ValueOf(data.Practice).Elem(), full, 0)
				if layout == "layout_staff.html" {
					data.Workspace = sampleOf(&workspace{}, full).(*workspace)
				}
				if err := page.ExecuteTemplate(io.Discard, layout, data); err != nil {
					return fmt.Errorf("web: template %s.html fails on sample data in %s: %w", name, layout, err)
				}
			}
		}
	}
	return nil
}

// sampleOf returns a new value of the sample's type, filled by fillValue.
func sampleOf(sample any, full bool) any {
	v := reflect.New(reflect.TypeOf(sample).Elem())
	fillValue(v.Elem(), full, 0)
	return v.Interface()
}

// sampleTime is the moment every sample time holds when full.
var sampleTime = time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC)

// fillValue fills v in place: pointers always point at a filled value (a
// page's handler never leaves one nil that its template follows); with
// full, strings, numbers and booleans are set and slices and maps hold one
// element. Interfaces stay nil. Depth bounds recursive types.
func fillValue(v reflect.Value, full bool, depth int) {
	if depth > 8 || !v.CanSet() {
		return
	}
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		if full {
			v.Set(reflect.ValueOf(sampleTime))
		}
		return
	case reflect.TypeFor[*time.Location]():
		v.Set(reflect.ValueOf(time.UTC))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillValue(v.Elem(), full, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			fillValue(v.Field(i), full, depth+1)
		}
	case reflect.Slice:
		if full {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fillValue(v.Index(0), full, depth+1)
		}
	case reflect.Array:
		for i := range v.Len() {
			fillValue(v.Index(i), full, depth+1)
		}
	case reflect.Map:
		if full {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillValue(k, full, depth+1)
			fillValue(e, full, depth+1)
			v.Set(reflect.MakeMap(v.Type()))
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if full {
			v.SetString("sample")
		}
	case reflect.Bool:
		v.SetBool(full)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if full {
			v.SetInt(1)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if full {
			v.SetUint(1)
		}
	case reflect.Float32, reflect.Float64:
		if full {
			v.SetFloat(1)
		}
	}
}

// pageData is what every page template receives.
type pageData struct {
	Title     string
	Path      string
	Practice  *journey.Practice
	Year      int
	Page      any
	Workspace *workspace // the staff workspace's frame; nil on the public site and the portal
	// AuditNotice tells an admin the audit trail cannot be written.
	AuditNotice string
}

// render executes a page into a buffer first, so a failing template yields
// a clean error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, page any) {
	body, err := s.renderBytes(r, name, page)
	if err != nil {
		s.cfg.Log.Error("render", "template", name, "error", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// renderBytes returns the page rendered in the layout.
func (s *Server) renderBytes(r *http.Request, name string, page any) ([]byte, error) {
	p, err := s.practice(r.Context())
	if err != nil {
		p = unsetPractice()
	}
	data := pageData{Title: titleOf(page), Path: r.URL.Path, Practice: p, Year: s.cfg.Now().Year(), Page: page,
		Workspace: s.workspaceFor(r), AuditNotice: s.auditNotice(r, p)}
	t := s.tmpl.pages[name]
	if t == nil {
		return nil, fmt.Errorf("web: no template %s", name)
	}
	layout := "layout.html"
	if data.Workspace != nil {
		layout = "layout_staff.html"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, data); err != nil {
		return nil, err
	}
	return inPageOrder(buf.Bytes()), nil
}

type titled interface{ PageTitle() string }

func titleOf(page any) string {
	if t, ok := page.(titled); ok {
		return t.PageTitle()
	}
	return ""
}

// PageTitle is the error page's title.
func (e *errorPage) PageTitle() string { return e.Title }

// handleStatic serves an embedded file at its hashed URL.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok || a.url != r.URL.Path {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}
