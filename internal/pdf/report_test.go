package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func testReport(rows int) Report {
	rep := Report{Practice: "Fictional Practice", Title: "Controlled-substance log", Generated: time.Date(2027, 3, 31, 22, 0, 0, 0, time.UTC),
		Zone: time.UTC, Lines: []string{"1 Mar 2027 to 31 Mar 2027", "Main Street"}}
	s := Section{Heading: "Entries", Columns: []Column{{"When", 2, false}, {"Kind", 2, false}, {"Amount", 1, true}, {"Reason", 4, false}}}
	for i := range rows {
		s.Rows = append(s.Rows, []string{fmt.Sprintf("2027-03-%02d", i%28+1), "waste", fmt.Sprintf("-%d.5", i),
			"A reason long enough to wrap onto a second line in its narrow column, with “quotes” — and ☃"})
	}
	rep.Sections = []Section{s, {Heading: "Discrepancies", Columns: s.Columns, Empty: "None opened."}}
	return rep
}

// TestReportReadsBack: a long report spans pages, each with the header,
// its table's column headings and "Page n of N"; what was written reads
// back from the PDF, wrapped cells whole, and the same report gives the
// same bytes.
func TestReportReadsBack(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteReport(&a, testReport(120)); err != nil {
		t.Fatal(err)
	}
	if err := WriteReport(&b, testReport(120)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders differ")
	}
	pages := pageTexts(t, a.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages, want at least 3", len(pages))
	}
	for i, p := range pages {
		for _, want := range []string{"Fictional Practice", "Controlled-substance log", fmt.Sprintf("Page %d of %d", i+1, len(pages)), "Amount"} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
	}
	text := flat(pages)
	for _, want := range []string{"1 Mar 2027 to 31 Mar 2027", "-0.5", "-119.5", "2027-03-28",
		"A reason long enough to wrap onto a second line in its narrow column, with “quotes” — and ?", "None opened.", "Made 31 Mar 2027 22:00 UTC"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if n := strings.Count(text, "A reason long enough"); n != 120 {
		t.Errorf("%d rows read back, want 120", n)
	}
}
