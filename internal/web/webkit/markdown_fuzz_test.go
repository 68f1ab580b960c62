package webkit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"golang.org/x/net/html"
)

// hostileMarkdown is Markdown a careless or malicious author could write:
// raw HTML, script links in every form Markdown has, entity tricks.
var hostileMarkdown = []string{
	"# Informed consent\n\nKetamine with **therapy**, *gently*.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n`code`\n\n---\n",
	"[the policy](https://example.org/policy \"title\") and <https://example.org> and mail@example.org",
	"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
	"[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[click](java\tscript:alert(1))",
	"[click](&#106;avascript:alert(1))", "[click](javascript&colon;alert(1))", "[click]( javascript:alert(1) )",
	"[x]: javascript:alert(1)\n\n[click][x]", "![img](javascript:alert(1))", "![img](x\" onerror=\"alert(1))",
	"<javascript:alert(1)>", "[click](vbscript:msgbox(1))", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"<div onclick=alert(1)>x</div>", "<svg><script>alert(1)</script></svg>", "<iframe src=//evil.example></iframe>",
	"```html\n<script>alert(1)</script>\n```", "<!-- <script>alert(1)</script> -->", "<style>*{}</style>",
	"[a](<javascript:alert(1)>)", "[a](\\javascript:alert(1))", "<a href='&#x6A;avascript:alert(1)'>x</a>",
	"*[a](javascript:alert(1))*", "\x00<script>\x00", "[\u202e](javascript:alert(1))",
}

// FuzzMarkdown: whatever practice-authored Markdown says, the HTML the
// pages show has no script, no style, no frame, no event-handler attribute
// and no script URL, as a browser would read it.
func FuzzMarkdown(f *testing.F) {
	for _, s := range hostileMarkdown {
		f.Add(s)
	}
	// A renderer of its own: the package's caches every source it sees.
	m := &markdown{md: goldmark.New(), policy: bluemonday.UGCPolicy()}
	f.Fuzz(func(t *testing.T, src string) {
		if msg := unsafeHTML(string(m.render(src))); msg != "" {
			t.Fatalf("markdown %q renders %s", src, msg)
		}
	})
}

// unsafeHTML returns what in s a browser could run, or "".
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "frame", "object", "embed", "base", "meta", "link", "form", "svg", "math":
				return "a <" + tok.Data + "> element"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" || a.Key == "srcdoc" {
					return "an attribute " + a.Key
				}
				if scriptURL(a.Val) {
					return "a script URL in " + a.Key + ": " + a.Val
				}
			}
		}
	}
}

// scriptURL reports whether a browser would run v as script when followed:
// it drops ASCII whitespace and control characters before the scheme.
func scriptURL(v string) bool {
	var b bytes.Buffer
	for _, r := range strings.ToLower(v) {
		if r > ' ' && r != 0x7f {
			b.WriteRune(r)
		}
	}
	u := b.String()
	return strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:") || strings.HasPrefix(u, "data:text/html")
}
