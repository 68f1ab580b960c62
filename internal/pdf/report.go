package pdf

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// Report is a tabular report (the controlled-substance log, its monthly
// packet, the biennial inventory), laid out on landscape US Letter pages:
// a title, lines under it, then sections of paragraphs and a table whose
// cells wrap rather than cut, and whose header repeats on each page.
type Report struct {
	Practice  string
	Title     string
	Generated time.Time // when it was made: printed, and the PDF's date
	Zone      *time.Location
	Lines     []string // under the title: the range, the location, who made it
	Sections  []Section
}

// Section is a heading, paragraphs, and a table when Columns is set.
type Section struct {
	Heading string
	Text    []string
	Columns []Column
	Rows    [][]string
	Empty   string // said instead of a table with no rows
}

// Column is a table's column: its header and its share of the width.
type Column struct {
	Header string
	Width  float64 // a share; the shares of a table are scaled to the page
	Right  bool    // numbers
}

// Landscape geometry, in points.
const (
	landW       = 792.0
	landH       = 612.0
	landMargin  = 36.0
	landContent = landW - 2*landMargin
	cellSize    = 7.5
	cellLineH   = 9.0
	cellPad     = 2.0
)

// WriteReport writes rep to w as a PDF document. Like Consent, the same
// report always gives the same bytes.
func WriteReport(w io.Writer, rep Report) error {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "pt", SizeStr: "Letter"})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	at := rep.Generated.UTC()
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetTitle(utf16Text(rep.Title), false)
	pdf.SetAuthor(utf16Text(rep.Practice), false)
	pdf.SetCreator(utf16Text("Journey"), false)
	pdf.SetProducer(utf16Text("Journey"), false)
	r := &renderer{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor(""), cp: map[rune]byte{}, size: bodySize}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: code page: %w", err)
	}
	zone := rep.Zone
	if zone == nil {
		zone = time.UTC
	}
	pdf.SetMargins(landMargin, landMargin+18, landMargin)
	pdf.SetAutoPageBreak(false, landMargin)
	pdf.SetCellMargin(0)
	pdf.AliasNbPages("{nb}")
	pdf.SetHeaderFuncMode(func() {
		pdf.SetFont("Helvetica", "", smallSize)
		pdf.SetTextColor(90, 90, 90)
		pdf.SetXY(landMargin, 20)
		pdf.CellFormat(landContent/2, 10, r.fit(r.enc(rep.Practice), landContent/2-6), "", 0, "L", false, 0, "")
		pdf.CellFormat(landContent/2, 10, r.fit(r.enc(rep.Title), landContent/2-6), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.SetXY(landMargin, landMargin+18)
	}, true)
	pdf.SetFooterFunc(func() {
		pdf.SetFont("Helvetica", "", smallSize)
		pdf.SetTextColor(90, 90, 90)
		pdf.SetXY(landMargin, landH-24)
		pdf.CellFormat(landContent, 10, r.enc(fmt.Sprintf("Made %s. Page %d of {nb}", rep.Generated.In(zone).Format("2 Jan 2006 15:04 MST"), pdf.PageNo())),
			"", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(landContent, 18, r.enc(rep.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range rep.Lines {
		pdf.MultiCell(landContent, 12, r.enc(l), "", "L", false)
	}
	for _, s := range rep.Sections {
		r.reportSection(s)
	}
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

// room starts a new page unless h points remain above the footer.
func (r *renderer) room(h float64) bool {
	if r.pdf.GetY()+h > landH-landMargin {
		r.pdf.AddPage()
		return true
	}
	return false
}

// reportSection lays s out: its heading, paragraphs and table.
func (r *renderer) reportSection(s Section) {
	p := r.pdf
	r.room(40)
	p.Ln(8)
	if s.Heading != "" {
		p.SetFont("Helvetica", "B", 11)
		p.MultiCell(landContent, 15, r.enc(s.Heading), "", "L", false)
	}
	p.SetFont("Helvetica", "", 9)
	for _, t := range s.Text {
		r.room(12)
		p.MultiCell(landContent, 12, r.enc(t), "", "L", false)
	}
	if len(s.Columns) == 0 {
		return
	}
	if len(s.Rows) == 0 {
		p.MultiCell(landContent, 12, r.enc(s.Empty), "", "L", false)
		return
	}
	var total float64
	for _, c := range s.Columns {
		total += c.Width
	}
	widths := make([]float64, len(s.Columns))
	head := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		widths[i], head[i] = c.Width/total*landContent, c.Header
	}
	r.tableRow(s.Columns, widths, head, true)
	for _, row := range s.Rows {
		if r.room(r.rowHeight(widths, row)) {
			r.tableRow(s.Columns, widths, head, true)
		}
		r.tableRow(s.Columns, widths, row, false)
	}
}

// rowHeight returns the height of row's wrapped cells.
func (r *renderer) rowHeight(widths []float64, row []string) float64 {
	r.pdf.SetFont("Helvetica", "", cellSize)
	n := 1
	for i, cell := range row {
		if i < len(widths) {
			n = max(n, len(r.pdf.SplitLines([]byte(r.enc(cell)), widths[i]-2*cellPad)))
		}
	}
	return float64(n)*cellLineH + 2*cellPad
}

// tableRow draws one row, each cell wrapped within its width, with a rule
// under it.
func (r *renderer) tableRow(cols []Column, widths []float64, row []string, header bool) {
	p := r.pdf
	style := ""
	if header {
		style = "B"
	}
	h := r.rowHeight(widths, row)
	p.SetFont("Helvetica", style, cellSize)
	x, y := landMargin, p.GetY()
	for i := range cols {
		cell := ""
		if i < len(row) {
			cell = row[i]
		}
		align := "L"
		if cols[i].Right {
			align = "R"
		}
		for j, line := range p.SplitLines([]byte(r.enc(cell)), widths[i]-2*cellPad) {
			p.SetXY(x+cellPad, y+cellPad+float64(j)*cellLineH)
			p.CellFormat(widths[i]-2*cellPad, cellLineH, string(line), "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	p.SetDrawColor(180, 180, 180)
	p.Line(landMargin, y+h, landMargin+landContent, y+h)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(landMargin, y+h)
}
