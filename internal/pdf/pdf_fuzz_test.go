package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// FuzzConsent: any Markdown body, title and typed name lay out without a
// panic or an error, into a PDF, the same bytes each time.
func FuzzConsent(f *testing.F) {
	for _, s := range []string{
		testMarkdown()[:200],
		"# Title\n\n**bold *both* bold** `code` [link](https://example.org)\n\n- a\n  - b\n    1. c\n\n> quote\n> > deeper",
		"<script>alert(1)</script>\n\n<div onclick=x>raw</div>", "[x](javascript:alert(1))", "![img](https://example.org/x.png)",
		"```\n" + strings.Repeat("x", 300) + "\n```", strings.Repeat("w", 2000), strings.Repeat("> ", 60) + "deep",
		strings.Repeat("- ", 60) + "deep", "\x00\xff\xfe", "😀 ✓ € – “” café\u0301 \u202e", "a\\\nb  \nc", "| a | b |\n|---|---|\n| 1 | 2 |",
		"&amp; &#0; &#x110000; &nbsp;", "# \n##\n###### h6", "***\n___\n---",
	} {
		f.Add(s, "Informed Consent", "Jane Q. Tester", true)
	}
	f.Add("", "", "", false)
	f.Add("text", "(title) \\ with ( parens", "Ñame\x00\xc3", true)
	signedAt := time.Date(2026, 3, 2, 19, 15, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body, title, name string, signed bool) {
		d := Document{Practice: "Fictional Practice", Title: title, Version: 3, Hash: testHash, Markdown: body}
		if signed {
			d.Signature = &Signature{TypedName: name, SignedAt: signedAt, ClientAddr: "203.0.113.9", ClientRef: "client 42"}
		}
		var a, b bytes.Buffer
		if err := Consent(&a, d); err != nil {
			t.Fatalf("Consent: %v", err)
		}
		if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(a.Bytes()), []byte("%%EOF")) {
			t.Fatalf("not a PDF: %.40q…", a.Bytes())
		}
		if err := Consent(&b, d); err != nil {
			t.Fatalf("Consent again: %v", err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("the same document rendered to different bytes")
		}
	})
}
