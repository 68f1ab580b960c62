package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	staffws "github.com/journey-kap/journey/internal/web/staff"
)

var (
	seqCell  = regexp.MustCompile(`<td class="seq">(\d+)</td>`)
	nextLink = regexp.MustCompile(`<a rel="next" href="([^"]+)"`)
	prevLink = regexp.MustCompile(`<a rel="prev" href="([^"]+)"`)
)

// auditTrail adds n entries, every other one a consult read, then a
// break-glass entry, the newest; it returns the break-glass entry's seq.
func (e *env) auditTrail(n int) int64 {
	e.t.Helper()
	ctx := context.Background()
	for i := range n {
		action, typ := "consult.read", "consult"
		if i%2 == 1 {
			action, typ = "client.read", "client"
		}
		e.db.Audit(ctx, &journey.AuditEntry{ActorID: e.ny.ID, ActorRole: "therapist", Action: action, SubjectType: typ,
			SubjectID: strconv.Itoa(i), ClientAddr: "127.0.0.1", Outcome: journey.AuditSuccess})
	}
	e.db.Audit(ctx, &journey.AuditEntry{ActorID: e.la.ID, ActorRole: "therapist", Action: "breakglass.consult", SubjectType: "consult",
		SubjectID: "77", Outcome: journey.AuditSuccess, Reason: "Covering for Nora this week"})
	if err := e.db.FlushAudit(ctx); err != nil {
		e.t.Fatal(err)
	}
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{Action: "breakglass"})
	if err != nil || len(es) != 1 {
		e.t.Fatalf("break-glass entry: %d, %v", len(es), err)
	}
	return es[0].Seq
}

// pages follows the screen's next links from path and returns the seqs
// of every page in order, checking each page's size.
func (e *env) auditPages(cookie, path string) [][]int64 {
	e.t.Helper()
	var out [][]int64
	for path != "" {
		st, _, body := e.as(cookie, "GET", path, nil)
		if st != 200 {
			e.t.Fatalf("%s: %d\n%s", path, st, trim(body))
		}
		var seqs []int64
		for _, m := range seqCell.FindAllStringSubmatch(body, -1) {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			seqs = append(seqs, n)
		}
		if len(seqs) > staffws.AuditPageSize {
			e.t.Fatalf("%s: %d entries on one page", path, len(seqs))
		}
		out = append(out, seqs)
		path = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if len(out) > 100 {
			e.t.Fatal("more than 100 pages")
		}
	}
	return out
}

// More than 1,000 entries: the newest (a break-glass) is on the first
// page, the pages together hold every entry once, newest first, a filter
// survives paging, and the CSV export has every matching entry.
func TestAuditScreenPagesNewestFirst(t *testing.T) {
	e := newEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	const n = 1150
	bg := e.auditTrail(n)

	st, _, body := e.as(admin, "GET", "/admin/audit", nil)
	if st != 200 || !strings.Contains(body, "breakglass.consult") || !strings.Contains(body, "Covering for Nora this week") {
		t.Fatalf("first page lacks the newest entry: %d\n%s", st, trim(body))
	}
	// Times in the practice's zone, named: 12:00 UTC is 07:00 in New York.
	if !strings.Contains(body, "America/New_York") || !strings.Contains(body, "2030-01-02 07:00:00") {
		t.Errorf("times are not in the practice's zone\n%s", trim(body))
	}

	pages := e.auditPages(admin, "/admin/audit")
	seen := map[int64]int{}
	var last int64
	for _, p := range pages {
		for _, s := range p {
			if last != 0 && s >= last {
				t.Fatalf("not newest first: %d after %d", s, last)
			}
			seen[s]++
			last = s
		}
	}
	if pages[0][0] < bg || seen[bg] != 1 {
		t.Fatalf("first page starts at %d; break-glass entry %d seen %d times", pages[0][0], bg, seen[bg])
	}
	for s := int64(1); s <= pages[0][0]; s++ {
		if seen[s] != 1 {
			t.Fatalf("entry %d is on %d pages, want 1", s, seen[s])
		}
	}

	// Back from the second page is the first page.
	_, _, body = e.as(admin, "GET", fmt.Sprintf("/admin/audit?before=%d", pages[0][len(pages[0])-1]), nil)
	m := prevLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to the newer page")
	}
	back := e.auditPages(admin, html.UnescapeString(m[1]))[0]
	if fmt.Sprint(back) != fmt.Sprint(pages[0]) {
		t.Fatalf("previous page = %v, want %v", back, pages[0])
	}

	// A filter survives paging: only consult reads, all of them, once.
	filtered := e.auditPages(admin, "/admin/audit?action=consult.read")
	total := 0
	for _, p := range filtered {
		total += len(p)
	}
	if len(filtered) < 2 || total != n/2 {
		t.Fatalf("filtered pages: %d pages, %d entries, want %d", len(filtered), total, n/2)
	}

	// The export has every matching entry, newest first.
	rows := e.auditCSV(admin, "/admin/audit.csv")
	if rows[0][0] != "seq" {
		t.Fatalf("header %v", rows[0])
	}
	got := map[int64]bool{}
	var prev int64
	for _, r := range rows[1:] {
		s, _ := strconv.ParseInt(r[0], 10, 64)
		if prev != 0 && s >= prev {
			t.Fatalf("export not newest first: %d after %d", s, prev)
		}
		got[s], prev = true, s
	}
	for s := int64(1); s <= bg; s++ {
		if !got[s] {
			t.Fatalf("export lacks entry %d (has %d rows)", s, len(rows)-1)
		}
	}
	if rows := e.auditCSV(admin, "/admin/audit.csv?action=consult.read"); len(rows)-1 != n/2 {
		t.Fatalf("filtered export: %d rows, want %d", len(rows)-1, n/2)
	}
	if rows := e.auditCSV(admin, "/admin/audit.csv?action=breakglass"); len(rows) != 2 || rows[1][4] != "breakglass.consult" {
		t.Fatalf("break-glass export: %v", rows)
	}
}

func (e *env) auditCSV(cookie, path string) [][]string {
	e.t.Helper()
	st, h, body := e.as(cookie, "GET", path, nil)
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		e.t.Fatalf("%s: %d %s", path, st, trim(body))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// A filter that cannot be read says so beside the field, keeping what was
// typed; it never reads as "no entries".
func TestAuditFilterMessages(t *testing.T) {
	e := newEnv(t)
	_, admin := e.staffCookie(journey.RoleAdmin)
	for _, c := range []struct{ query, field, text string }{
		{"person=nobody%40example.com", "person", "No one has that email"},
		{"person=nobody%40example.com&action=a%25", "person", "No one has that email"},
		{"person=-3", "person", "id or email"},
		{"subject=consult", "subject", "type:id"},
		{"subject=consult:1%3Cb%3E", "subject", "type:id"},
		{"action=sign%25", "action", "letters"},
		{"from=yesterday", "from", "YYYY-MM-DD"},
		{"from=2030-02-01&to=2030-01-01", "to", "on or after"},
		{"before=abc", "before", "page"},
	} {
		st, _, body := e.as(admin, "GET", "/admin/audit?"+c.query, nil)
		if st != 422 {
			t.Errorf("%s: status %d, want 422", c.query, st)
			continue
		}
		beside := regexp.MustCompile(`id="` + c.field + `-error"[^>]*>[^<]*` + regexp.QuoteMeta(c.text))
		if !beside.MatchString(body) {
			t.Errorf("%s: no message %q beside %s\n%s", c.query, c.text, c.field, trim(body))
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("%s: typed text not escaped", c.query)
		}
	}
}
