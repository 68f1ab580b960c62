// Package pdf renders consent documents, signed or not, as PDF files.
//
// The body of a document is Markdown (CommonMark, parsed with goldmark) and is
// laid out on US Letter pages with fpdf's core Helvetica and Courier fonts.
// Those fonts cover only Windows code page 1252, so text is translated to it:
// curly quotes, dashes, the euro sign and the accented Latin letters survive,
// and any other character is printed as "?". Rendering is deterministic: the
// same Document always produces the same bytes.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Document is a consent document to render.
type Document struct {
	// Practice is the practice's name, printed in every page header.
	Practice string
	// Title is the document's title, printed in every page header and set
	// as the PDF's title.
	Title string
	// Version is the version number of the document text.
	Version int
	// Hash is the hex SHA-256 of the Markdown body, printed in the
	// signature block so the copy can be tied to the exact text signed.
	Hash string
	// Markdown is the body of the document.
	Markdown string
	// Signature records who signed, and when; nil renders an unsigned copy.
	Signature *Signature
}

// Signature records an electronic signature of a Document.
type Signature struct {
	// TypedName is the name the signer typed.
	TypedName string
	// SignedAt is when the document was signed. It also becomes the PDF's
	// creation and modification date.
	SignedAt time.Time
	// Zone is the time zone the signing time is shown in; nil means UTC.
	Zone *time.Location
	// ClientAddr is the network address the signature came from.
	ClientAddr string
	// ClientRef identifies the signer's record, e.g. "client 42".
	ClientRef string
}

// unsignedDate is the PDF creation date of unsigned copies, which have no
// signing time: a fixed date keeps their output deterministic too.
var unsignedDate = time.Unix(0, 0).UTC()

// Page geometry, in points (US Letter, one-inch margins).
const (
	pageW        = 612.0
	pageH        = 792.0
	marginX      = 72.0
	marginTop    = 72.0
	marginBottom = 72.0
	headerY      = 36.0
	footerY      = pageH - 48.0
	contentW     = pageW - 2*marginX

	bodySize   = 11.0
	sigSize    = 10.0
	lineH      = 15.0
	paraGap    = 6.0
	listIndent = 20.0
	quoteInset = 16.0
	codeSize   = 9.5
	codeLineH  = 12.5
	smallSize  = 8.5
)

// Consent writes d to w as a PDF document.
//
// The Markdown body is followed by a signature block: who signed, when (in
// the signature's zone) and from where, plus the document version and hash,
// or "Not signed" for an unsigned copy. Each page carries a header with the
// practice and title and a footer "Page n of N".
func Consent(w io.Writer, d Document) error {
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "pt",
		SizeStr:        "Letter",
	})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	created := unsignedDate
	if d.Signature != nil && !d.Signature.SignedAt.IsZero() {
		created = d.Signature.SignedAt.UTC()
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	// Metadata strings are passed as UTF-16 already: fpdf's own conversion
	// mangles characters outside the Basic Multilingual Plane and panics on
	// truncated UTF-8.
	pdf.SetTitle(utf16Text(d.Title), false)
	pdf.SetAuthor(utf16Text(d.Practice), false)
	pdf.SetCreator(utf16Text("Journey"), false)
	pdf.SetProducer(utf16Text("Journey"), false)

	r := &renderer{
		pdf:  pdf,
		tr:   pdf.UnicodeTranslatorFromDescriptor(""),
		cp:   map[rune]byte{},
		size: bodySize,
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: code page: %w", err)
	}

	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.SetCellMargin(0)
	pdf.AliasNbPages("{nb}")
	pdf.SetHeaderFuncMode(func() { r.header(d) }, true)
	pdf.SetFooterFunc(r.footer)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", bodySize)

	r.src = []byte(d.Markdown)
	doc := goldmark.DefaultParser().Parse(text.NewReader(r.src))
	r.blocks(doc)
	r.signature(d)

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// renderer lays a parsed Markdown document out on fpdf pages.
type renderer struct {
	pdf *fpdf.Fpdf
	src []byte
	tr  func(string) string // fpdf's UTF-8 to cp1252 translator
	cp  map[rune]byte       // cache of tr's answers per rune

	// Inline state.
	bold, italic, code int
	heading            float64 // font size while inside a heading, else 0
	size               float64 // font size of body text
	link               string  // link target while inside a link

	depth int  // list and block-quote nesting
	gap   bool // whether the last block ended with a paragraph gap
}

// header prints the practice and title at the top of each page.
func (r *renderer) header(d Document) {
	p := r.pdf
	p.SetFont("Helvetica", "", smallSize)
	p.SetTextColor(90, 90, 90)
	half := contentW/2 - 6
	p.SetXY(marginX, headerY)
	p.CellFormat(half, 10, r.fit(r.enc(d.Practice), half), "", 0, "L", false, 0, "")
	p.SetXY(pageW-marginX-half, headerY)
	p.CellFormat(half, 10, r.fit(r.enc(d.Title), half), "", 0, "R", false, 0, "")
	p.SetDrawColor(180, 180, 180)
	p.SetLineWidth(0.5)
	p.Line(marginX, headerY+14, pageW-marginX, headerY+14)
	p.SetTextColor(0, 0, 0)
	p.SetDrawColor(0, 0, 0)
}

// footer prints "Page n of N" at the bottom of each page.
func (r *renderer) footer() {
	p := r.pdf
	p.SetFont("Helvetica", "", smallSize)
	p.SetTextColor(90, 90, 90)
	p.SetXY(marginX, footerY)
	p.CellFormat(contentW, 10, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "", 0, "C", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// fit shortens an encoded string with "..." until it fits in width at the
// current font.
func (r *renderer) fit(s string, width float64) string {
	if r.pdf.GetStringWidth(s) <= width {
		return s
	}
	for len(s) > 0 && r.pdf.GetStringWidth(s+"...") > width {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + "..."
}

// compose maps a Latin letter followed by a combining mark to the
// precomposed letter, so decomposed input (as some systems type it) keeps
// its accents in cp1252.
var compose = func() map[[2]rune]rune {
	marks := map[rune]string{
		'\u0300': "AÀEÈIÌOÒUÙaàeèiìoòuù",
		'\u0301': "AÁEÉIÍOÓUÚYÝaáeéiíoóuúyý",
		'\u0302': "AÂEÊIÎOÔUÛaâeêiîoôuû",
		'\u0303': "AÃNÑOÕaãnñoõ",
		'\u0308': "AÄEËIÏOÖUÜYŸaäeëiïoöuüyÿ",
		'\u030A': "AÅaå",
		'\u030C': "SŠZŽsšzž",
		'\u0327': "CÇcç",
	}
	m := map[[2]rune]rune{}
	for mark, pairs := range marks {
		rs := []rune(pairs)
		for i := 0; i+1 < len(rs); i += 2 {
			m[[2]rune{rs[i], mark}] = rs[i+1]
		}
	}
	return m
}()

// enc translates UTF-8 text to cp1252 for fpdf's core fonts. Characters that
// cp1252 lacks become "?"; combining marks that cannot be merged into the
// letter before them, and invisible format characters, are dropped. Tabs
// become spaces and other control characters are dropped; newlines are kept.
func (r *renderer) enc(s string) string {
	runes := make([]rune, 0, len(s))
	for _, c := range s {
		n := len(runes)
		if n > 0 {
			if pc, ok := compose[[2]rune{runes[n-1], c}]; ok {
				runes[n-1] = pc
				continue
			}
		}
		switch {
		case c == '\n':
		case c == '\t':
			c = ' '
		case c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0):
			continue // C0 and C1 controls
		case c == '\u00ad' || unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Cf, c):
			continue // soft hyphen, combining marks, zero-width characters
		}
		runes = append(runes, c)
	}
	var b strings.Builder
	b.Grow(len(runes))
	for _, c := range runes {
		if c < 0x80 {
			b.WriteByte(byte(c))
			continue
		}
		ch, ok := r.cp[c]
		if !ok {
			// fpdf's translator turns characters it cannot map into ".".
			t := r.tr(string(c))
			ch = '?'
			if len(t) == 1 && t != "." {
				ch = t[0]
			}
			r.cp[c] = ch
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// setFont selects the font for the current inline state.
func (r *renderer) setFont() {
	family, size := "Helvetica", r.size
	style := ""
	if r.bold > 0 || r.heading > 0 {
		style += "B"
	}
	if r.italic > 0 {
		style += "I"
	}
	if r.heading > 0 {
		size = r.heading
	}
	if r.code > 0 {
		family = "Courier"
		if r.heading == 0 {
			size = r.size - 1.5
		}
	}
	r.pdf.SetFont(family, style, size)
}

// write prints inline text at the current position, wrapping at the right
// margin.
func (r *renderer) write(s string) {
	if s == "" {
		return
	}
	r.setFont()
	h := r.size * lineH / bodySize
	if r.heading > 0 {
		h = r.heading * 1.3
	}
	s = r.enc(s)
	if r.link != "" {
		r.pdf.SetTextColor(20, 60, 160)
		r.pdf.WriteLinkString(h, s, r.link)
		r.pdf.SetTextColor(0, 0, 0)
		return
	}
	r.pdf.Write(h, s)
}

// atTop reports whether the cursor is at the top of a page's content area.
func (r *renderer) atTop() bool {
	return r.pdf.GetY() <= marginTop+0.5
}

// need starts a new page unless h points of space remain on this one.
func (r *renderer) need(h float64) {
	if r.pdf.GetY()+h > pageH-marginBottom && !r.atTop() {
		r.pdf.AddPage()
	}
}

// blocks lays out the block children of n.
func (r *renderer) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.block(c)
	}
}

// block lays out one block node. Each block starts at the cursor and ends
// with the cursor at the left margin below it.
func (r *renderer) block(n ast.Node) {
	p := r.pdf
	switch n := n.(type) {
	case *ast.Heading:
		size := bodySize
		switch n.Level {
		case 1:
			size = 18
		case 2:
			size = 14
		case 3:
			size = 12
		}
		if !r.atTop() {
			p.Ln(size * 0.6)
		}
		// Keep a heading with at least two lines of what follows it.
		r.need(size*1.3 + 2*lineH)
		r.heading = size
		r.inlines(n)
		r.heading = 0
		p.Ln(size * 1.3)
		p.Ln(paraGap / 2)
	case *ast.Paragraph:
		r.inlines(n)
		p.Ln(lineH)
		p.Ln(paraGap)
		r.gap = true
		return
	case *ast.TextBlock:
		r.inlines(n)
		p.Ln(lineH)
	case *ast.List:
		r.list(n)
		return
	case *ast.Blockquote:
		left := p.GetX()
		r.depth++
		p.SetLeftMargin(left + quoteInset)
		p.SetX(left + quoteInset)
		r.italic++
		r.blocks(n)
		r.italic--
		p.SetLeftMargin(left)
		p.SetX(left)
		r.depth--
		return
	case *ast.ThematicBreak:
		r.need(2 * lineH)
		y := p.GetY() + lineH/2
		p.SetDrawColor(150, 150, 150)
		p.SetLineWidth(0.75)
		p.Line(marginX, y, pageW-marginX, y)
		p.SetDrawColor(0, 0, 0)
		p.Ln(lineH)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		p.SetFont("Courier", "", codeSize)
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			line := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
			p.Write(codeLineH, r.enc(line))
			p.Ln(codeLineH)
		}
		p.Ln(paraGap)
		r.gap = true
		return
	case *ast.HTMLBlock:
		// Raw HTML is not rendered.
		return
	default:
		// Blocks from extensions that are not enabled: lay out their
		// children, if any.
		r.blocks(n)
		return
	}
	r.gap = false
}

// list lays out a list: each item has a bullet or number in a hanging
// indent, and its blocks indented past the marker.
func (r *renderer) list(l *ast.List) {
	p := r.pdf
	left := p.GetX()
	num := l.Start
	r.depth++
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := "\x95" // cp1252 bullet
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + string(l.Marker)
			num++
		}
		// Keep the marker with the first line of its text.
		r.need(lineH)
		p.SetFont("Helvetica", "", bodySize)
		p.SetLeftMargin(left + listIndent)
		p.SetX(left)
		p.CellFormat(listIndent, lineH, marker, "", 0, "L", false, 0, "")
		p.SetX(left + listIndent)
		r.blocks(it)
		p.SetLeftMargin(left)
		p.SetX(left)
	}
	r.depth--
	if r.depth == 0 && !r.gap {
		p.Ln(paraGap)
		r.gap = true
	}
}

// inlines prints the inline children of n.
func (r *renderer) inlines(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.inline(c)
	}
}

// inline prints one inline node.
func (r *renderer) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Value(r.src)
		if !n.IsRaw() {
			v = unescape(v)
		}
		r.write(string(v))
		switch {
		case n.HardLineBreak():
			r.pdf.Ln(lineH)
		case n.SoftLineBreak():
			r.write(" ")
		}
	case *ast.String:
		v := n.Value
		if !n.IsCode() && !n.IsRaw() {
			v = unescape(v)
		}
		r.write(string(v))
	case *ast.Emphasis:
		if n.Level >= 2 {
			r.bold++
			r.inlines(n)
			r.bold--
		} else {
			r.italic++
			r.inlines(n)
			r.italic--
		}
	case *ast.CodeSpan:
		r.code++
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch t := c.(type) {
			case *ast.Text:
				r.write(strings.ReplaceAll(string(t.Value(r.src)), "\n", " "))
			case *ast.String:
				r.write(string(t.Value))
			}
		}
		r.code--
	case *ast.Link:
		dest := string(n.Destination)
		label := r.plain(n)
		r.link = dest
		r.inlines(n)
		r.link = ""
		if dest != "" && dest != label && "mailto:"+label != dest {
			r.write(" (" + dest + ")")
		}
	case *ast.AutoLink:
		url := string(n.URL(r.src))
		r.link = url
		r.write(string(n.Label(r.src)))
		r.link = ""
	case *ast.Image:
		// Images are not embedded: print their description.
		r.inlines(n)
	case *ast.RawHTML:
		// Raw HTML is not rendered.
	default:
		r.inlines(n)
	}
}

// plain returns the text of n's inline descendants, without formatting.
func (r *renderer) plain(n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(unescape(t.Value(r.src)))
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// unescape resolves backslash escapes and character references in Markdown
// text, as goldmark's HTML renderer does.
func unescape(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// signature prints the signature block after the body.
func (r *renderer) signature(d Document) {
	p := r.pdf
	p.SetLeftMargin(marginX)
	p.SetX(marginX)
	r.need(5 * lineH)
	if !r.atTop() {
		p.Ln(lineH / 2)
	}
	y := p.GetY()
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.75)
	p.Line(marginX, y, pageW-marginX, y)
	p.Ln(lineH / 2)

	r.size = sigSize
	defer func() { r.size = bodySize }()
	h := sigSize * lineH / bodySize
	s := d.Signature
	if s == nil {
		r.bold++
		r.write("Not signed")
		r.bold--
		r.write(". This is an unsigned copy for review.")
		p.Ln(h)
	} else {
		r.write("Signed electronically by ")
		r.bold++
		r.write(s.TypedName)
		r.bold--
		r.write(" on " + signedAt(s))
		if s.ClientAddr != "" {
			r.write(" from " + s.ClientAddr)
		}
		r.write(".")
		p.Ln(h)
		if s.ClientRef != "" {
			r.write("Signer record: " + s.ClientRef + ".")
			p.Ln(h)
		}
	}
	r.write(fmt.Sprintf("Document version %d, SHA-256 ", d.Version))
	r.code++
	r.write(d.Hash)
	r.code--
	p.Ln(h)
}

// utf16Text encodes s as a PDF text string: UTF-16BE with a byte order mark.
// Invalid UTF-8 becomes U+FFFD.
func utf16Text(s string) string {
	b := make([]byte, 0, 2+2*len(s))
	b = append(b, 0xfe, 0xff)
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

// signedAt formats the signing time in the signature's zone, e.g.
// "March 2, 2026 at 2:15 PM EST (America/New_York)".
func signedAt(s *Signature) string {
	zone := s.Zone
	if zone == nil {
		zone = time.UTC
	}
	t := s.SignedAt.In(zone)
	out := t.Format("January 2, 2006 at 3:04 PM MST")
	if name := zone.String(); name != "" && name != "Local" && name != t.Format("MST") {
		out += " (" + name + ")"
	}
	return out
}
