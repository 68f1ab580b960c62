package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
)

const testHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// testMarkdown has every construct the renderer handles, text outside
// cp1252, and enough paragraphs to run to several pages.
func testMarkdown() string {
	var b strings.Builder
	b.WriteString(`# Informed Consent for Testing

This paragraph has **bold words**, *italic words*, ***both at once***, a ` + "`code span`" + `,
a soft line break and a [link to the policy](https://example.org/policy).
Escaped \*stars\* and &amp; an entity stay literal.

## What we ask of you

- First bullet item
- Second bullet with **strong** text
  - Nested bullet under the second

1. Step one
2. Step two
3. Step three

The client’s “consent” — given freely – is recorded. Check ✓ and smile 😀 and cafe` + "\u0301" + ` too.

---

### The long part

`)
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "Paragraph %d begins here. It goes on for a while so that the body of the document wraps over several lines and, taken with its neighbours, over several pages. Paragraph %d ends here.\n\n", i, i)
	}
	return b.String()
}

func testDocument() Document {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	return Document{
		Practice: "Fictional Practice",
		Title:    "Informed Consent for Testing",
		Version:  7,
		Hash:     testHash,
		Markdown: testMarkdown(),
		Signature: &Signature{
			TypedName:  "Jane Q. Tester",
			SignedAt:   time.Date(2026, 3, 2, 19, 15, 0, 0, time.UTC),
			Zone:       ny,
			ClientAddr: "203.0.113.9",
			ClientRef:  "client 42",
		},
	}
}

func render(t *testing.T, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Consent(&buf, d); err != nil {
		t.Fatalf("Consent: %v", err)
	}
	return buf.Bytes()
}

// streamStart finds the start of each stream's data.
var streamStart = regexp.MustCompile(`/FlateDecode /Length \d+>>\nstream\n`)

// textShow matches fpdf's text-showing operations: position and string.
var textShow = regexp.MustCompile(`BT ([-\d.]+) ([-\d.]+) Td \(((?:[^\\)]|\\.)*)\) ?Tj`)

// pageTexts inflates each page's content stream and returns the text shown
// on it, one line of text per line of output.
func pageTexts(t *testing.T, doc []byte) []string {
	t.Helper()
	var pages []string
	for _, loc := range streamStart.FindAllIndex(doc, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(doc[loc[1]:]))
		if err != nil {
			t.Fatalf("inflate: %v", err)
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("inflate: %v", err)
		}
		var b strings.Builder
		lastY := math.Inf(1)
		for _, m := range textShow.FindAllSubmatch(content, -1) {
			// Runs in another font size sit a little off the baseline
			// of their line.
			y, err := strconv.ParseFloat(string(m[2]), 64)
			if err != nil {
				t.Fatalf("text position %q: %v", m[2], err)
			}
			if math.Abs(y-lastY) > 2 {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				lastY = y
			}
			b.WriteString(decodeCP1252(unescapePDF(m[3])))
		}
		pages = append(pages, b.String())
	}
	return pages
}

// unescapePDF undoes fpdf's escaping of a PDF string literal.
func unescapePDF(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'r' {
				out = append(out, '\r')
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// cp1252High maps the cp1252 bytes 0x80-0x9F that differ from Latin-1.
var cp1252High = map[byte]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡',
	0x88: 'ˆ', 0x89: '‰', 0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x8E: 'Ž',
	0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
	0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›', 0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}

func decodeCP1252(s []byte) string {
	var b strings.Builder
	for _, c := range s {
		if r, ok := cp1252High[c]; ok {
			b.WriteRune(r)
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// flat joins page texts into one string with every run of white space,
// line breaks included, made a single space, so that wrapped sentences can
// be searched for whole.
func flat(pages []string) string {
	return strings.Join(strings.Fields(strings.Join(pages, "\n")), " ")
}

var pageObject = regexp.MustCompile(`/Type /Page\n`)

func TestConsentSigned(t *testing.T) {
	d := testDocument()
	doc := render(t, d)

	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("output starts with %q, want %%PDF-", doc[:min(len(doc), 16)])
	}
	if again := render(t, d); !bytes.Equal(doc, again) {
		t.Error("two renders of the same document differ")
	}

	pages := pageTexts(t, doc)
	n := len(pageObject.FindAll(doc, -1))
	if n < 3 {
		t.Fatalf("%d pages, want at least 3", n)
	}
	if len(pages) != n {
		t.Fatalf("%d content streams for %d pages", len(pages), n)
	}
	for i, p := range pages {
		footer := fmt.Sprintf("Page %d of %d", i+1, n)
		if !strings.Contains(p, footer) {
			t.Errorf("page %d lacks footer %q", i+1, footer)
		}
		if !strings.Contains(p, "Fictional Practice") || !strings.Contains(p, "Informed Consent for Testing") {
			t.Errorf("page %d lacks the header", i+1)
		}
	}

	text := flat(pages)
	for _, want := range []string{
		"Informed Consent for Testing",
		"What we ask of you",
		"This paragraph has bold words, italic words, both at once, a code span, a soft line break and a link to the policy (https://example.org/policy).",
		"Escaped *stars* and & an entity stay literal.",
		// A list marker and its text are separate runs on one line, so
		// they read back without a space between.
		"•First bullet item",
		"•Second bullet with strong text",
		"•Nested bullet under the second",
		"1.Step one", "2.Step two", "3.Step three",
		// cp1252 punctuation survives; the rest becomes "?"; a decomposed
		// accent is composed.
		"The client’s “consent” — given freely – is recorded. Check ? and smile ? and café too.",
		"The long part",
		"Paragraph 1 begins here.",
		"Paragraph 60 ends here.",
		"Signed electronically by Jane Q. Tester on March 2, 2026 at 2:15 PM EST (America/New_York) from 203.0.113.9.",
		"Signer record: client 42.",
		"Document version 7, SHA-256 " + testHash,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(text, "Not signed") {
		t.Error("a signed document says it is not signed")
	}
	// The signature block comes after the whole body, on the last page.
	if strings.Index(text, "Signed electronically") < strings.Index(text, "Paragraph 60 ends here.") {
		t.Error("signature block is not after the body")
	}
	if !strings.Contains(pages[len(pages)-1], "Document version 7") {
		t.Error("signature block is not on the last page")
	}

	// Metadata: fixed dates from the signing time, UTF-16 title and creator.
	for _, want := range []string{
		"/CreationDate (D:20260302191500)",
		"/ModDate (D:20260302191500)",
		"/Creator (" + utf16BE("Journey") + ")",
		"/Title (" + utf16BE(d.Title) + ")",
		"/URI (https://example.org/policy)",
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}

	// Another signing time gives another document.
	d.Signature.SignedAt = d.Signature.SignedAt.Add(time.Minute)
	if other := render(t, d); bytes.Equal(doc, other) {
		t.Error("signing time does not change the output")
	}
}

func utf16BE(s string) string {
	b := []byte{0xfe, 0xff}
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return string(b)
}

func TestConsentUnsigned(t *testing.T) {
	d := testDocument()
	d.Signature = nil
	d.Markdown = "# Short\n\nOne paragraph.\n"
	doc := render(t, d)
	if again := render(t, d); !bytes.Equal(doc, again) {
		t.Error("two renders of an unsigned copy differ")
	}
	pages := pageTexts(t, doc)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	text := flat(pages)
	for _, want := range []string{"One paragraph.", "Not signed", "Document version 7, SHA-256 " + testHash, "Page 1 of 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(text, "Signed electronically") {
		t.Error("an unsigned copy claims a signature")
	}
	if !bytes.Contains(doc, []byte("/CreationDate (D:19700101000000)")) {
		t.Error("unsigned copy lacks its fixed creation date")
	}
}

func TestSignedAtZone(t *testing.T) {
	at := time.Date(2026, 7, 4, 12, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		zone *time.Location
		want string
	}{
		{nil, "July 4, 2026 at 12:30 PM UTC"},
		{time.UTC, "July 4, 2026 at 12:30 PM UTC"},
		{time.FixedZone("PDT", -7*3600), "July 4, 2026 at 5:30 AM PDT"},
	} {
		if got := signedAt(&Signature{SignedAt: at, Zone: c.zone}); got != c.want {
			t.Errorf("signedAt in %v = %q, want %q", c.zone, got, c.want)
		}
	}
}

func TestEnc(t *testing.T) {
	r := &renderer{
		tr: fpdf.New("P", "pt", "Letter", "").UnicodeTranslatorFromDescriptor(""),
		cp: map[rune]byte{},
	}
	for _, c := range []struct{ in, want string }{
		{"plain ASCII", "plain ASCII"},
		{"“quoted” ‘single’ – — … € ™ •", "\x93quoted\x94 \x91single\x92 \x96 \x97 \x85 \x80 \x99 \x95"},
		{"café naïve Zoë", "caf\xe9 na\xefve Zo\xeb"},
		{"cafe\u0301", "caf\xe9"},
		{"✓ done", "? done"},
		{"😀", "?"},
		{"👍\ufe0f", "?"}, // the variation selector is dropped
		{"a\u200bb", "ab"},
		{"tab\there", "tab here"},
		{"bell\a", "bell"},
		{"Łódź", "?\xf3d?"},
		{"x.y", "x.y"},
	} {
		if got := r.enc(c.in); got != c.want {
			t.Errorf("enc(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestConsentOddMarkdown(t *testing.T) {
	long := strings.Repeat("x", 300)
	d := Document{
		Practice: "Praxis “Zürich” ✓",
		Title:    "Odd 😀 input",
		Version:  1,
		Hash:     testHash,
		Markdown: "Text before any heading.  \nAfter a hard break.\n\n" +
			"> Quoted advice\n> over two lines.\n\n" +
			"```\ncode line one\n    indented (code) line\n```\n\n" +
			"<div>raw html block</div>\n\n" +
			"Inline <b>tag</b> and ![alt text](pic.png) and <https://example.org/auto>.\n\n" +
			"- item\n\n  second paragraph of the item\n- 1. ordered inside\n\n" +
			long + "\n\n" +
			"#### Deep heading\n\n###### Deeper heading\n\n" +
			"A [same](https://same.example) link: [https://same.example](https://same.example).\n",
		Signature: &Signature{SignedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	doc := render(t, d)
	text := flat(pageTexts(t, doc))
	for _, want := range []string{
		"Text before any heading. After a hard break.",
		"Quoted advice over two lines.",
		"code line one", "indented (code) line",
		"Inline tag and alt text and https://example.org/auto.",
		"second paragraph of the item",
		"1.ordered inside",
		"Deep heading", "Deeper heading",
		"A same (https://same.example) link: https://same.example.",
		"Praxis “Zürich” ?",
		"Signed electronically by on January 1, 2026 at 12:00 AM UTC.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(text, "raw html block") {
		t.Error("raw HTML block was printed")
	}
	if got := strings.Count(strings.ReplaceAll(text, " ", ""), "x"); got < 300 {
		t.Errorf("long word: %d of 300 letters printed", got)
	}
	// The emoji is a surrogate pair in the UTF-16 title.
	if want := "/Title (" + utf16BE("Odd ") + "\xd8\x3d\xde\x00" + utf16BE(" input")[2:] + ")"; !bytes.Contains(doc, []byte(want)) {
		t.Errorf("output lacks title %q", want)
	}

	// Invalid UTF-8 anywhere is no reason to fail.
	bad := Document{Practice: "bad \xe2", Title: "worse \xe2\x82", Markdown: "text \xff\xe2", Signature: &Signature{TypedName: "\xc3"}}
	text = flat(pageTexts(t, render(t, bad)))
	if !strings.Contains(text, "text ??") {
		t.Errorf("invalid UTF-8 body read back as %q", text)
	}
}

func TestConsentEmpty(t *testing.T) {
	doc := render(t, Document{})
	text := flat(pageTexts(t, doc))
	if !strings.Contains(text, "Not signed") || !strings.Contains(text, "Page 1 of 1") {
		t.Errorf("empty document text = %q", text)
	}
}
