package staff

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
)

// The controlled-substance log's reports: the log for a range (the
// screen, CSV and PDF show the same rows, logRows), the monthly
// compliance packet and the biennial inventory (PDF). Times are shown in
// the practice's zone.

// logColumns are the log's columns, with their share of a PDF's width;
// text columns are marked so a CSV keeps them from reading as formulas.
var logColumns = []struct {
	pdf.Column
	text bool
}{
	{pdf.Column{Header: "When", Width: 9}, false}, {pdf.Column{Header: "Entry", Width: 7}, true},
	{pdf.Column{Header: "Product, NDC, lot (expiry)", Width: 18}, true}, {pdf.Column{Header: "Container", Width: 5, Right: true}, false},
	{pdf.Column{Header: "Amount", Width: 6, Right: true}, false}, {pdf.Column{Header: "mg", Width: 5, Right: true}, false},
	{pdf.Column{Header: "Balance after", Width: 6, Right: true}, false}, {pdf.Column{Header: "Client (session)", Width: 11}, true},
	{pdf.Column{Header: "Witness", Width: 9}, true}, {pdf.Column{Header: "Note", Width: 14}, true},
	{pdf.Column{Header: "Signed by", Width: 12}, true},
}

// entryWords name each kind of entry.
var entryWords = map[string]string{journey.EntryReceipt: "Receipt", journey.EntryOpen: "Opened", journey.EntryAdministration: "Administered",
	journey.EntryWaste: "Wasted", journey.EntryTransferOut: "Transfer out", journey.EntryTransferIn: "Transfer in",
	journey.EntryCount: "Count", journey.EntryAdjustment: "Adjustment"}

// num writes a number without trailing zeros.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// signedWords says who signed an entry and how.
func signedWords(rep *journey.LogReport, by int64, how string) string {
	name := rep.People[by]
	if name == "" {
		name = fmt.Sprintf("staff %d", by)
	}
	if how == journey.SignAPIToken {
		return name + " (API token)"
	}
	return name + " (second factor)"
}

// logRows returns the log's rows of rep, times in loc.
func logRows(rep *journey.LogReport, loc *time.Location) [][]string {
	rows := make([][]string, 0, len(rep.Entries))
	cells := make([]string, len(logColumns)*len(rep.Entries))
	lf := newLogFormat(rep, loc)
	for i, e := range rep.Entries {
		row := cells[i*len(logColumns) : (i+1)*len(logColumns) : (i+1)*len(logColumns)]
		lf.row(row, e)
		rows = append(rows, row)
	}
	return rows
}

// logFormat writes the log's rows of a report, times in a zone. A month
// holds tens of thousands of entries over a few lots, people, clients,
// containers and amounts: each of those is written once.
type logFormat struct {
	rep      *journey.LogReport
	loc      *time.Location
	products map[int64]string
	clients  map[[2]int64]string // client and session → the client's name and the session
	amounts  map[amount]string   // the amount with its unit
	numbers  map[int]string      // a container's number as shown
	// The last entry's lot, signer and minute: entries come in runs of
	// each.
	lot           int64
	product, unit string
	signer        signer
	signed        string
	when          string // the time shown for Unix seconds [from, to)
	from, to      int64
}

type signer struct {
	by  int64
	how string
}

type amount struct {
	lot int64
	v   float64
}

func newLogFormat(rep *journey.LogReport, loc *time.Location) *logFormat {
	lf := &logFormat{rep: rep, loc: loc, products: map[int64]string{}, clients: map[[2]int64]string{}, amounts: map[amount]string{},
		numbers: map[int]string{}}
	for id, l := range rep.Lots {
		lf.products[id] = l.Product + " " + l.Strength + ", NDC " + l.NDC + ", lot " + l.Lot + " (exp " + l.Expiry + ")"
	}
	return lf
}

// row writes e's cells into row, one per logColumns.
func (lf *logFormat) row(row []string, e *journey.LogEntry) {
	if e.LotID != lf.lot || lf.product == "" {
		lf.lot, lf.product, lf.unit = e.LotID, lf.products[e.LotID], ""
		if lot := lf.rep.Lots[e.LotID]; lot != nil {
			lf.unit = lot.Unit
		}
	}
	if u := e.At.Unix(); u < lf.from || u >= lf.to {
		lf.setWhen(e.At)
	}
	client := ""
	if e.ClientID != 0 {
		k := [2]int64{e.ClientID, e.SessionID}
		var ok bool
		if client, ok = lf.clients[k]; !ok {
			client = lf.rep.Clients[e.ClientID] + " (session " + strconv.FormatInt(e.SessionID, 10) + ")"
			lf.clients[k] = client
		}
	}
	note := e.Reason
	if e.Counted != nil {
		note = "Counted " + num(*e.Counted) + " " + lf.unit
	}
	if k := (signer{e.By, e.Signature}); k != lf.signer || lf.signed == "" {
		lf.signer, lf.signed = k, signedWords(lf.rep, e.By, e.Signature)
	}
	number, ok := lf.numbers[e.ContainerNo]
	if !ok {
		number = "#" + strconv.Itoa(e.ContainerNo)
		lf.numbers[e.ContainerNo] = number
	}
	row[0], row[1], row[2], row[3] = lf.when, entryWords[e.Kind], lf.product, number
	row[4], row[5], row[6] = lf.amount(e.LotID, e.Amount, lf.unit), lf.amount(0, e.Mg, ""), lf.amount(0, e.Balance, "")
	row[7], row[8], row[9], row[10] = client, lf.rep.People[e.WitnessID], note, lf.signed
}

// setWhen shows t to the minute in the zone, and notes the seconds that
// show the same (entries a few seconds apart share their minute): to the
// end of t's minute there, or the zone's next change of offset if sooner.
func (lf *logFormat) setWhen(t time.Time) {
	t = t.In(lf.loc)
	lf.when = t.Format("2006-01-02 15:04")
	lf.from = t.Unix() - int64(t.Second())
	lf.to = lf.from + 60
	start, end := t.ZoneBounds()
	if !start.IsZero() && start.Unix() > lf.from {
		lf.from = start.Unix()
	}
	if !end.IsZero() && end.Unix() < lf.to {
		lf.to = end.Unix()
	}
}

// amount returns v followed by its unit when it has one, once for each
// lot (which says the unit; 0 for none) and value.
func (lf *logFormat) amount(lot int64, v float64, unit string) string {
	k := amount{lot, v}
	s, ok := lf.amounts[k]
	if !ok {
		if s = num(v); lot != 0 {
			s += " " + unit
		}
		lf.amounts[k] = s
	}
	return s
}

// logCSV writes rows of the log as CSV into a buffer of its own.
type logCSV struct {
	loc *time.Location
	buf pieces
	cw  *csv.Writer
	lf  *logFormat
	row []string
}

func newLogCSV(loc *time.Location) *logCSV {
	c := &logCSV{loc: loc, row: make([]string, len(logColumns))}
	c.cw = csv.NewWriter(&c.buf)
	return c
}

// header writes the columns' headers.
func (c *logCSV) header() {
	for i, col := range logColumns {
		c.row[i] = col.Header
	}
	c.cw.Write(c.row)
}

// write writes e, an entry of rep, its text kept from reading as a
// formula.
func (c *logCSV) write(rep *journey.LogReport, e *journey.LogEntry) error {
	if c.lf == nil {
		c.lf = newLogFormat(rep, c.loc)
	}
	c.lf.row(c.row, e)
	for i := range c.row {
		if logColumns[i].text {
			c.row[i] = csvSafe(c.row[i])
		}
	}
	return c.cw.Write(c.row)
}

// flush writes what the CSV writer holds into the buffer.
func (c *logCSV) flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// pieces holds what is written to it in pieces of 64 KiB, none copied to
// grow: a month's log is megabytes.
type pieces struct {
	bufs [][]byte
	n    int
}

func (p *pieces) Write(b []byte) (int, error) {
	p.n += len(b)
	n := len(b)
	for len(b) > 0 {
		if len(p.bufs) == 0 || len(p.bufs[len(p.bufs)-1]) == cap(p.bufs[len(p.bufs)-1]) {
			p.bufs = append(p.bufs, make([]byte, 0, 64<<10))
		}
		last := &p.bufs[len(p.bufs)-1]
		k := min(len(b), cap(*last)-len(*last))
		*last, b = append(*last, b[:k]...), b[k:]
	}
	return n, nil
}

// reportLines are the lines under a report's title.
func reportLines(rep *journey.LogReport, loc *time.Location) []string {
	where := "Every location"
	if rep.Location != nil {
		where = rep.Location.Name + ", " + rep.Location.Address
	}
	return []string{fmt.Sprintf("%s to %s (%s)", rep.From.In(loc).Format("2 Jan 2006"), rep.To.Add(-time.Second).In(loc).Format("2 Jan 2006"), loc.String()),
		where, "Each entry is signed by who made it: with a second-factor code on a page, or an API token."}
}

// logSection is the log's entries as a PDF section.
func logSection(rep *journey.LogReport, loc *time.Location) pdf.Section {
	cols := make([]pdf.Column, len(logColumns))
	for i, c := range logColumns {
		cols[i] = c.Column
	}
	return pdf.Section{Heading: "Entries", Columns: cols, Rows: logRows(rep, loc), Empty: "No entries in this range."}
}

// causeWords name a discrepancy's cause.
var causeWords = map[string]string{journey.CauseRecordingError: "Recording error", journey.CauseBreakage: "Breakage or spill",
	journey.CauseLoss: "Loss", journey.CauseTheft: "Theft"}

// discrepancySection lists rep's discrepancies, saying by when each loss
// or theft must be reported to the authorities.
func discrepancySection(rep *journey.LogReport, loc *time.Location) pdf.Section {
	s := pdf.Section{Heading: "Discrepancies", Empty: "No count differed from the balance.",
		Text: []string{"A theft or significant loss of a controlled substance is reported to the DEA within one business day of its discovery (Form 106)."},
		Columns: []pdf.Column{{Header: "Opened", Width: 9}, {Header: "Container", Width: 5}, {Header: "Expected", Width: 5, Right: true},
			{Header: "Counted", Width: 5, Right: true}, {Header: "Cause", Width: 8}, {Header: "Resolution", Width: 22}, {Header: "Notify authorities by", Width: 10}}}
	for _, d := range rep.Discrepancies {
		cause, resolved, notify := "Open: an admin must resolve it", "", ""
		if !d.ResolvedAt.IsZero() {
			cause = causeWords[d.Cause]
			resolved = fmt.Sprintf("%s (%s, %s)", d.Note, rep.People[d.ResolvedBy], d.ResolvedAt.In(loc).Format("2006-01-02 15:04"))
		}
		if !d.NotifyBy.IsZero() {
			notify = d.NotifyBy.In(loc).Format("2006-01-02 15:04")
		}
		s.Rows = append(s.Rows, []string{d.OpenedAt.In(loc).Format("2006-01-02 15:04"), fmt.Sprintf("%d", d.ContainerID), num(d.Expected),
			num(d.Counted), cause, resolved, notify})
	}
	return s
}

// stockSection is the stock on hand now.
func stockSection(rep *journey.LogReport) pdf.Section {
	s := pdf.Section{Heading: "Stock on hand now", Empty: "No stock.", Columns: []pdf.Column{{Header: "Product, NDC, lot", Width: 20},
		{Header: "Expiry", Width: 6}, {Header: "Containers (number: balance)", Width: 24}, {Header: "Balance", Width: 6, Right: true}, {Header: "mg", Width: 5, Right: true}}}
	for _, l := range rep.Stock {
		var cs []string
		for _, c := range l.Containers {
			cs = append(cs, fmt.Sprintf("#%d: %s (%s)", c.Number, num(c.Balance), c.Status))
		}
		s.Rows = append(s.Rows, []string{fmt.Sprintf("%s %s, NDC %s, lot %s", l.Product, l.Strength, l.NDC, l.Lot), l.Expiry, strings.Join(cs, ", "),
			num(l.Balance) + " " + l.Unit, num(l.Balance * l.MgPerUnit)})
	}
	return s
}

// summarySection sums each lot's movements in the range, in mg, with each
// container's balance before and after the range worked out from its
// entries (first balance less its amount; last balance).
func summarySection(rep *journey.LogReport) pdf.Section {
	type sum struct {
		by                      map[string]float64
		opening, closing, moved float64
		seen                    map[int64]bool
	}
	sums := map[int64]*sum{}
	var order []int64
	for _, e := range rep.Entries {
		s := sums[e.LotID]
		if s == nil {
			s = &sum{by: map[string]float64{}, seen: map[int64]bool{}}
			sums[e.LotID] = s
			order = append(order, e.LotID)
		}
		s.by[e.Kind] += e.Mg
		mg := 0.0
		if l := rep.Lots[e.LotID]; l != nil {
			mg = l.MgPerUnit
		}
		if !s.seen[e.ContainerID] {
			s.seen[e.ContainerID] = true
			s.opening += (e.Balance - e.Amount) * mg
		}
		s.moved += e.Mg
	}
	for _, s := range sums {
		s.closing = s.opening + s.moved
	}
	slices.Sort(order)
	out := pdf.Section{Heading: "Summary by lot (mg)", Empty: "No movements.",
		Text: []string{"Opening and closing are the balances of the containers each lot used in the range."},
		Columns: []pdf.Column{{Header: "Lot", Width: 16}, {Header: "Opening", Width: 5, Right: true}, {Header: "Received", Width: 5, Right: true},
			{Header: "Administered", Width: 6, Right: true}, {Header: "Wasted", Width: 5, Right: true}, {Header: "Transferred", Width: 6, Right: true},
			{Header: "Adjusted", Width: 5, Right: true}, {Header: "Closing", Width: 5, Right: true}}}
	for _, id := range order {
		s, name := sums[id], fmt.Sprintf("lot %d", id)
		if l := rep.Lots[id]; l != nil {
			name = fmt.Sprintf("%s %s, lot %s", l.Product, l.Strength, l.Lot)
		}
		out.Rows = append(out.Rows, []string{name, num(s.opening), num(s.by[journey.EntryReceipt]), num(s.by[journey.EntryAdministration]),
			num(s.by[journey.EntryWaste]), num(s.by[journey.EntryTransferIn] + s.by[journey.EntryTransferOut]), num(s.by[journey.EntryAdjustment]), num(s.closing)})
	}
	return out
}

// countsSection lists the counts of rep (only the biennial ones when
// biennial is set), each line with what the book said and who signed.
func countsSection(rep *journey.LogReport, loc *time.Location, biennial bool) pdf.Section {
	s := pdf.Section{Heading: "Counts", Empty: "No count in this range.", Columns: []pdf.Column{{Header: "Count", Width: 9}, {Header: "Signed by", Width: 12},
		{Header: "Product, lot", Width: 16}, {Header: "Container", Width: 5}, {Header: "On the book", Width: 6, Right: true}, {Header: "Counted", Width: 6, Right: true}}}
	if biennial {
		s.Heading, s.Empty = "Biennial inventory", "No biennial inventory was taken in this range."
	}
	for _, c := range rep.Counts {
		if biennial && !c.Biennial {
			continue
		}
		for _, e := range rep.Entries {
			if e.CountID != c.ID || e.Counted == nil {
				continue
			}
			lot := ""
			if l := rep.Lots[e.LotID]; l != nil {
				lot = fmt.Sprintf("%s %s, lot %s (%s)", l.Product, l.Strength, l.Lot, l.Unit)
			}
			s.Rows = append(s.Rows, []string{fmt.Sprintf("%d, %s", c.ID, c.At.In(loc).Format("2006-01-02 15:04")), signedWords(rep, c.By, c.Signature),
				lot, "#" + strconv.Itoa(e.ContainerNo), num(e.Balance), num(*e.Counted)})
		}
	}
	return s
}
