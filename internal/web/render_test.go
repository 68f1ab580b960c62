package web

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// templatesWith returns the real templates with some files replaced.
func templatesWith(t *testing.T, replace map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range replace {
		m["templates/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

func realTemplate(t *testing.T, name string) string {
	b, err := fs.ReadFile(templateFS, "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The start-up check executes every page with data of its real type: a
// template that names a missing field or a missing static file fails it,
// even where the reference sits behind a condition.
func TestTemplateCheckExecutesPages(t *testing.T) {
	if _, err := parseTemplates(templateFS); err != nil {
		t.Fatalf("the real templates: %v", err)
	}
	for name, c := range map[string]struct{ file, body, want string }{
		"missing field":                     {"site/login.html", `{{define "content"}}{{.Page.Nope}}{{end}}`, "Nope"},
		"missing field behind an if":        {"site/twofactor.html", `{{define "content"}}{{if .Page.Message}}{{.Page.Mesage}}{{end}}{{end}}`, "Mesage"},
		"missing field in a range":          {"shared/sessions.html", `{{define "content"}}{{range .Page.Devices}}{{.Browsr}}{{end}}{{end}}`, "Browsr"},
		"missing static file":               {"site/faq.html", `{{define "content"}}<img src="{{asset "nope.png"}}">{{end}}`, "nope.png"},
		"missing field of the layout":       {"shared/layout.html", `{{.Practice.Nmae}}{{template "content" .}}`, "Nmae"},
		"missing field in a partial":        {"shared/partials.html", strings.Replace(realTemplate(t, "shared/partials.html"), ".View.WeekLabel", ".View.WeekLabl", 1), "WeekLabl"},
		"missing field of the staff layout": {"staff/layout_staff.html", `{{.Workspace.Nope}}{{template "content" .}}`, "Nope"},
		"page without sample data":          {"staff/brand_new.html", `{{define "content"}}{{end}}`, "brand_new"},
		"one name in two folders":           {"portal/faq.html", `{{define "content"}}{{end}}`, "two templates named faq.html"},
	} {
		_, err := parseTemplates(templatesWith(t, map[string]string{c.file: c.body}))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: start-up check says %v", name, err)
		}
	}
}
