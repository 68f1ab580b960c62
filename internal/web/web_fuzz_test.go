package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Helpers the fuzz targets of this package share. A target opens one env
// (a real database, seeded) before f.Fuzz and lends it to each input with
// fuzzEnv; requests go straight to the handler, without a socket, to keep
// each input cheap.

// fuzzEnv returns e reporting to t, the *testing.T of one fuzz input.
func (e *env) fuzzEnv(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// serve sends a request straight to the server's handler and returns the
// status, headers and body. cookie, when set, is the session.
func (e *env) serve(method, path, contentType, body, cookie string) (int, http.Header, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "journey_session", Value: cookie})
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

// fuzzMark starts every value that holds a character HTML must escape, so
// that an unescaped copy on a page can be told from the page's own markup.
// It is letters only: trimming keeps it, and the phone parser skips it.
const fuzzMark = "Zqx"

// marked returns s with fuzzMark in front when s holds <, > or ".
func marked(s string) string {
	if strings.ContainsAny(s, `<>"`) {
		return fuzzMark + s
	}
	return s
}

// checkEscaped fails when page holds any marked value of vals with a <, >
// or " of its own unescaped: the page's markup never holds fuzzMark, so
// fuzzMark followed by the value up to that character can only be the
// value itself, copied in raw.
func checkEscaped(t *testing.T, what, page string, vals ...string) {
	t.Helper()
	for _, v := range vals {
		if !strings.HasPrefix(v, fuzzMark) {
			continue
		}
		for i := len(fuzzMark); i < len(v); i++ {
			if c := v[i]; (c == '<' || c == '>' || c == '"') && strings.Contains(page, v[:i+1]) {
				t.Fatalf("%s shows %q unescaped:\n%s", what, v[:i+1], trim(page))
			}
		}
	}
}

// escaper is how the pages write a value into text or a quoted attribute.
var escaper = template.Must(template.New("").Parse(`{{.}}`))

// checkShown fails unless page holds each of vals as the templates escape it.
func checkShown(t *testing.T, what, page string, vals ...string) {
	t.Helper()
	for _, v := range vals {
		var b strings.Builder
		if err := escaper.Execute(&b, v); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, b.String()) {
			t.Fatalf("%s does not show %q (as %q):\n%s", what, v, b.String(), trim(page))
		}
	}
}

// checkProblem fails unless an API error answer is problem+json with a
// status of its own, and field errors for a 422.
func checkProblem(t *testing.T, status int, h http.Header, body string) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("status %d:\n%s", status, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q", status, ct)
	}
	var p struct {
		Status int `json:"status"`
		Errors []struct {
			Field, Detail string
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != status {
		t.Fatalf("status %d, problem %q (%v)", status, body, err)
	}
	if status == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
		t.Fatalf("422 without field errors: %s", body)
	}
}
