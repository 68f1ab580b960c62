package webkit

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// markdown renders practice-authored Markdown (FAQ answers, notices) to
// HTML. goldmark leaves raw HTML out by default; bluemonday's UGC policy
// then strips anything unsafe that Markdown itself can produce (javascript:
// links, for one). Rendered answers are cached by source text.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	cache  sync.Map
}

var md = &markdown{md: goldmark.New(), policy: bluemonday.UGCPolicy()}

// render returns safe HTML for src; on a renderer error it returns the
// source escaped as text.
func (m *markdown) render(src string) template.HTML {
	if v, ok := m.cache.Load(src); ok {
		return v.(template.HTML)
	}
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	out := template.HTML(m.policy.SanitizeBytes(buf.Bytes()))
	m.cache.Store(src, out)
	return out
}

// Markdown returns practice-authored Markdown as safe HTML.
func Markdown(src string) template.HTML { return md.render(src) }
