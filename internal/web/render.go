package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

//go:embed templates/*.html
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
	"neg":        func(a int) int { return -a },
	"join": func(ns []int) string {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = strconv.Itoa(n)
		}
		return strings.Join(parts, ",")
	},
	"roleLabel": journey.RoleLabel,
	"hasString": func(list []string, s string) bool { return slices.Contains(list, s) },
	"statusLabel": func(s string) string {
		return map[string]string{journey.ConsultBooked: "Booked", journey.ConsultCancelled: "Cancelled",
			journey.ConsultHeld: "Held", journey.ConsultNoShow: "Missed"}[s]
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// parseTemplates parses layout.html with each page once at start-up and
// executes each against empty data, so a missing template or asset fails
// here rather than in front of a visitor.
func parseTemplates() (*templates, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/layout_staff.html",
		"templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "layout_staff.html" || base == "partials.html" {
			continue
		}
		clone, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		t.pages[strings.TrimSuffix(base, ".html")] = clone
	}
	for _, required := range []string{"home", "faq", "book", "manage", "privacy", "resent", "error", "unavailable",
		"login", "twofactor", "enrol", "staff_home", "staff_consults", "staff_consult", "audit", "tokens", "sessions", "staff_list", "invite", "accept", "reset_request", "breakglass",
		"portal", "portal_join", "portal_intake", "portal_measure", "portal_support", "portal_consent",
		"staff_clients", "staff_client", "staff_client_new", "staff_alerts",
		"staff_review", "staff_review_client", "admin_consents", "admin_consent_edit", "admin_rules"} {
		if t.pages[required] == nil {
			return nil, fmt.Errorf("web: template %s.html is missing", required)
		}
	}
	return t, nil
}

// pageData is what every page template receives.
type pageData struct {
	Title     string
	Path      string
	Practice  *journey.Practice
	Year      int
	Page      any
	Workspace *workspace // the staff workspace's frame; nil on the public site and the portal
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
	p, err := s.store.FindPractice(r.Context())
	if err != nil {
		p = &journey.Practice{Name: "Journey", TimeZone: "America/New_York"}
	}
	data := pageData{Title: titleOf(page), Path: r.URL.Path, Practice: p, Year: s.cfg.Now().Year(), Page: page,
		Workspace: s.workspaceFor(r)}
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
	return buf.Bytes(), nil
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
