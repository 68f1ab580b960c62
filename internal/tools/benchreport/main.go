// Command benchreport reads `go test -bench` output on stdin and writes
// docs/benchmarks.md to stdout: each subject beside the ceiling measured in
// the same run, as a ratio, with the machine it ran on.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is one benchmark, the median of its runs (go test -count).
type result struct {
	nsPerOp float64
	opsPerS float64
	p99     float64   // ns, when the benchmark reports p99-ns
	runs    []float64 // ops/s of each run when reported, else ns/op
}

var (
	line    = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$`)
	opsRe   = regexp.MustCompile(`([\d.]+) ops/s`)
	p99Re   = regexp.MustCompile(`([\d.]+) p99-ns`)
	loadRe  = regexp.MustCompile(`^load average before: ([\d.]+)`)
	rowRe   = regexp.MustCompile(`^\| \d{4}-\d\d-\d\d `)
	histHdr = "## Booking throughput, run by run"
)

func parse(r io.Reader) (map[string]result, []string, error) {
	type runs struct{ ns, ops, p99 []float64 }
	all := map[string]*runs{}
	var notes []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		t := sc.Text()
		if strings.HasPrefix(t, "# ") {
			notes = append(notes, strings.TrimPrefix(t, "# "))
		}
		m := line.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		rs := all[m[1]]
		if rs == nil {
			rs = &runs{}
			all[m[1]] = rs
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		rs.ns = append(rs.ns, ns)
		if f := opsRe.FindStringSubmatch(m[3]); f != nil {
			v, _ := strconv.ParseFloat(f[1], 64)
			rs.ops = append(rs.ops, v)
		}
		if f := p99Re.FindStringSubmatch(m[3]); f != nil {
			v, _ := strconv.ParseFloat(f[1], 64)
			rs.p99 = append(rs.p99, v)
		}
	}
	out := map[string]result{}
	for name, rs := range all {
		res := result{nsPerOp: median(rs.ns), opsPerS: median(rs.ops), p99: median(rs.p99), runs: rs.ns}
		if len(rs.ops) > 0 {
			res.runs = rs.ops
		}
		out[name] = res
	}
	return out, notes, sc.Err()
}

// median returns the middle value (the mean of the two middle ones), 0 for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// spread returns " (runs: a, b, c)" for a result of more than one run.
func spread(r result, format func(float64) string) string {
	if len(r.runs) < 2 {
		return ""
	}
	parts := make([]string, len(r.runs))
	for i, v := range r.runs {
		parts[i] = format(v)
	}
	return "; runs " + strings.Join(parts, ", ")
}

// check is one figure the front-door issue sets.
type check struct {
	what, subject, ceiling string
	want                   string
	value                  func(s, c result) (float64, string)
	ok                     func(v float64) bool
}

func ratio(s, c result) (float64, string) {
	v := c.nsPerOp / s.nsPerOp
	return v, fmt.Sprintf("%.0f%% (%s vs %s per request)", v*100, dur(s.nsPerOp), dur(c.nsPerOp))
}

// throughput compares the operations per second of subject and ceiling.
func throughput(s, c result) (float64, string) {
	v := s.opsPerS / c.opsPerS
	perSec := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	return v, fmt.Sprintf("%.0f%% (%.0f vs %.0f per second, medians%s%s)", v*100, s.opsPerS, c.opsPerS,
		spread(s, perSec), strings.Replace(spread(c, perSec), "runs", "against", 1))
}

func dur(ns float64) string { return time.Duration(ns).Round(time.Microsecond).String() }

var checks = []check{
	{"Slot computation: 50 therapists × 60 days, 2,000 bookings", "OpenAll", "", "< 5 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 5e6 }},
	{"The same, with the database reads (SQLite)", "FindSlots", "", "< 25 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 25e6 }},
	{"Medicine-session slots: 10 therapists, 5 medical providers, 6 chaperones, 4 rooms × 60 days, 3,000 booked sessions", "SessionSlots", "", "< 20 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 20e6 }},
	{"The same, with the reads in one transaction (SQLite: hours, rooms, 3,000 sessions' holds, consults, the care team)", "FindSessionSlots", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"Staff calendar, everyone's week: 20 staff, 400 sessions (session, policy, the sessions and their people, clients' names opened, audit) vs a bare handler writing the same bytes", "CalendarWeek/journey", "CalendarWeek/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Run sheet of a medicine session with 200 readings (session, policy, the gates again, the readings opened and worked out, audit) vs a bare handler writing the same bytes", "RunSheet/journey", "RunSheet/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"A client's statement over 500 postings issued through the API (token, policy, the ledger and charges opened, the PDF laid out, sealed and stored, audit) vs a bare handler writing the PDF's bytes", "Statement500/issue", "Statement500/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"The same statement downloaded by the client in the portal (session, policy, the document opened, audit) vs a bare handler writing the same bytes", "Statement500/download", "Statement500/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Billing reports for a month of 20,000 charges of 400 clients (session, policy, the month's sums and balances carried forward, every client's balance aged with their names opened, audit) vs a bare handler writing the same bytes", "MonthReport20k/screen/journey", "MonthReport20k/screen/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"The month's CSV for the accountant vs a bare handler writing the same bytes", "MonthReport20k/csv/journey", "MonthReport20k/csv/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Landing page vs bare handler, same bytes", "Pages/landing/journey", "Pages/landing/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"FAQ page vs bare handler, same bytes", "Pages/faq/journey", "Pages/faq/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"Booking page, cached availability", "Pages/booking/journey", "Pages/booking/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"Booking page, uncached", "Pages/booking-uncached/journey", "Pages/booking/ceiling", "≥ 10%", ratio, func(v float64) bool { return v >= 0.1 }},
	{"Bookings/s through the API vs bare insert transactions (SQLite, synchronous=FULL)", "Bookings/journey", "Bookings/ceiling", "≥ 50%",
		throughput, func(v float64) bool { return v >= 0.5 }},
	{"Bookings/s through the API", "Bookings/journey", "", "≥ 500/s",
		func(s, _ result) (float64, string) { return s.opsPerS, fmt.Sprintf("%.0f/s", s.opsPerS) }, func(v float64) bool { return v >= 500 }},
	{"Bookings/s through the API vs bare transactions of 8 inserts (PostgreSQL, one process)", "BookingsPostgres/journey-1proc", "BookingsPostgres/ceiling", "≥ 25%",
		throughput, func(v float64) bool { return v >= 0.25 }},
	{"The same, two processes sharing the database", "BookingsPostgres/journey-2proc", "BookingsPostgres/ceiling", "≥ 25%",
		throughput, func(v float64) bool { return v >= 0.25 }},
	{"PostgreSQL bookings/s, two processes vs one", "BookingsPostgres/journey-2proc", "BookingsPostgres/journey-1proc", "≥ 100%",
		throughput, func(v float64) bool { return v >= 1 }},
	{"Signed-in page (session lookup, policy, audit entry) vs the same handler without them", "SignedInPage/journey", "SignedInPage/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Find a client by name among 50,000 (encrypted names, blind index; prefix \"gar\", 5,000 hits, first 100)", "FindUsersByName50k/prefix", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"Find a client by full name among 50,000", "FindUsersByName50k/full-name", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"Review queue page with 5,000 clients waiting (session, policy, audit, decrypting each row)", "ReviewQueue5k/journey", "", "< 100 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 100e6 }},
	{"The same page vs a bare handler writing the same bytes", "ReviewQueue5k/journey", "ReviewQueue5k/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Today for a therapist with 50 clients (alerts, consults, clearances: counts and short lists)", "Today/therapist-50/journey", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"The same page vs a bare handler writing the same bytes", "Today/therapist-50/journey", "Today/therapist-50/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Today for a medical provider with 200 clients in the review queue", "Today/provider-200/journey", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"The same page vs a bare handler writing the same bytes", "Today/provider-200/journey", "Today/provider-200/ceiling", "reported",
		ratio, func(v float64) bool { return true }},
	{"Backup of 50,000 clients and 500,000 audit entries (SQLite, while serving; snapshot checked, packed and read back)", "Backup50k/backup", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"Bookings/s while backups run back to back vs with none (same run)", "Backup50k/bookings-during-backup", "Backup50k/bookings-quiet", "reported",
		throughput, func(v float64) bool { return true }},
	{"Controlled-substance log, two years of 1,000 administrations a day (775,000 entries, 300 clients): one month on screen, its first 500 of 32,000 entries and their count (session, policy, lots, clients' names opened, audit)", "InventoryMonth/screen/journey", "", "< 100 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 100e6 }},
	{"The same month as its CSV report, every entry", "InventoryMonth/csv/journey", "", "< 100 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 100e6 }},
	{"The same month's CSV report on PostgreSQL", "InventoryMonthPostgres/csv/journey", "", "< 100 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 100e6 }},
	{"The store's read of that month's 32,000 entries (SQLite)", "FindLogEntriesMonth", "", "reported",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return true }},
	{"What recording an audit entry adds to a request, 99th percentile", "AuditRecord", "", "≤ 1 ms",
		func(s, _ result) (float64, string) { return s.p99, dur(s.p99) }, func(v float64) bool { return v <= 1e6 }},
}

func machine() []string {
	var lines []string
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				lines = append(lines, "CPU: "+strings.TrimSpace(strings.SplitN(l, ":", 2)[1]))
				break
			}
		}
	}
	lines = append(lines, fmt.Sprintf("Cores: %d; Go %s %s/%s", runtime.NumCPU(), strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.Atoi(f[1])
			lines = append(lines, fmt.Sprintf("Memory: %.0f GiB", float64(kb)/1024/1024))
		}
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		lines = append(lines, "Kernel: "+strings.TrimSpace(string(out)))
	}
	return lines
}

// state says whether the machine was idle before the run: other work on
// it (engineers compiling and testing) lowers every figure, the ceilings
// too, so ratios are compared, and each run says which it was.
func state(notes []string) string {
	for _, n := range notes {
		if m := loadRe.FindStringSubmatch(n); m != nil {
			load, _ := strconv.ParseFloat(m[1], 64)
			if load < float64(runtime.NumCPU())/2 {
				return fmt.Sprintf("idle (load average %.2f on %d cores before the run)", load, runtime.NumCPU())
			}
			return fmt.Sprintf("loaded (load average %.2f on %d cores before the run: other work shares the machine)", load, runtime.NumCPU())
		}
	}
	return "unknown"
}

// history returns the rows of the run-by-run table in the report at path,
// newest first ("" or a missing file: none).
func history(path string) []string {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	_, after, ok := strings.Cut(string(b), histHdr)
	if !ok {
		return nil
	}
	var rows []string
	for _, l := range strings.Split(after, "\n") {
		if strings.HasPrefix(l, "## ") {
			break
		}
		if rowRe.MatchString(l) {
			rows = append(rows, l)
		}
	}
	return rows
}

// maxHistory bounds the run-by-run table.
const maxHistory = 20

// historyRow is this run's row of the run-by-run table.
func historyRow(when time.Time, st string, results map[string]result) string {
	ratio := func(subject, ceiling string) string {
		s, c := results[subject], results[ceiling]
		if s.opsPerS == 0 || c.opsPerS == 0 {
			return "not run"
		}
		return fmt.Sprintf("%.0f%% (%.0f/%.0f)", 100*s.opsPerS/c.opsPerS, s.opsPerS, c.opsPerS)
	}
	short, _, _ := strings.Cut(st, " (")
	load := strings.TrimSuffix(strings.TrimPrefix(st, short+" ("), ")")
	load, _, _ = strings.Cut(load, " before")
	return fmt.Sprintf("| %s | %s, %s | %s | %s | %s | %s |", when.Format("2006-01-02 15:04"), short, load,
		ratio("Bookings/journey", "Bookings/ceiling"), ratio("BookingsPostgres/journey-1proc", "BookingsPostgres/ceiling"),
		ratio("BookingsPostgres/journey-2proc", "BookingsPostgres/ceiling"), ratio("BookingsPostgres/journey-2proc", "BookingsPostgres/journey-1proc"))
}

func main() {
	previous := flag.String("previous", "", "the report this run replaces: its run-by-run booking table is carried over")
	flag.Parse()
	results, notes, err := parse(os.Stdin)
	if err != nil || len(results) == 0 {
		fmt.Fprintln(os.Stderr, "benchreport: no benchmark results on stdin")
		os.Exit(1)
	}
	now := time.Now().UTC()
	st := state(notes)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# Benchmarks\n\nWritten by `make bench` (scripts/bench.sh) on %s. Each figure is measured beside its ceiling in the same run, on the same harness: a bare `net/http` handler writing the same bytes for pages, bare one-row insert transactions on a SQLite file with the same settings for SQLite bookings, bare transactions of 8 one-row inserts on the same cluster for PostgreSQL bookings. Ratios are throughput of Journey over throughput of the ceiling; each benchmark ran several times (`-count`) and the figures are medians.\n\n", now.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "## Machine\n\n")
	for _, l := range machine() {
		fmt.Fprintf(w, "- %s\n", l)
	}
	fmt.Fprintf(w, "- State: %s\n", st)
	for _, n := range notes {
		fmt.Fprintf(w, "- %s\n", strings.ToUpper(n[:1])+n[1:])
	}
	fmt.Fprintf(w, "\n## Figures\n\n| What | Target | Measured | Met |\n|---|---|---|---|\n")
	for _, c := range checks {
		s, ok := results[c.subject]
		cl, okc := results[c.ceiling]
		if !ok || (c.ceiling != "" && !okc) {
			fmt.Fprintf(w, "| %s | %s | not run | — |\n", c.what, c.want)
			continue
		}
		v, text := c.value(s, cl)
		met := "yes"
		if !c.ok(v) {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", c.what, c.want, text, met)
	}
	rows := append([]string{historyRow(now, st, results)}, history(*previous)...)
	fmt.Fprintf(w, "\n%s\n\nOne row per `make bench`, newest first: the machine is shared, so a figure means little without the state it was measured in. Each cell is Journey's bookings per second over its ceiling's (medians).\n\n", histHdr)
	fmt.Fprintf(w, "| When (UTC) | Machine | SQLite vs bare inserts | PostgreSQL, one process | PostgreSQL, two processes | Two processes vs one |\n|---|---|---|---|---|---|\n")
	for _, r := range rows[:min(len(rows), maxHistory)] {
		fmt.Fprintln(w, r)
	}
	fmt.Fprintf(w, "\n## Raw results (ns/op)\n\n| Benchmark | ns/op | ops/s |\n|---|---|---|\n")
	names := make([]string, 0, len(results))
	for n := range results {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		r := results[n]
		ops := ""
		if r.opsPerS > 0 {
			ops = fmt.Sprintf("%.0f", r.opsPerS)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s |\n", n, r.nsPerOp, ops)
	}
	fmt.Fprintf(w, "\n## How they are measured\n\n"+
		"- Pages: `BenchmarkPages` in internal/web, real router, templates and SQLite store behind `httptest.Server` over loopback, parallel keep-alive clients; the ceiling replays the exact bytes and headers Journey answered, from a bare handler on the same harness. The demo-sized practice: 4 therapists on weekday hours, 11 FAQ entries. \"Uncached\" turns off both the page cache and the slot-grid cache.\n"+
		"- Bookings (SQLite): `BenchmarkBookings`, 32 concurrent clients POST /api/v1/consults on SQLite with synchronous=FULL (each booking with its outbox message and its River job in the same transaction, the group committer batching what waits); the ceiling is sequential one-row insert transactions on a file with the same pragmas.\n"+
		"- Bookings (PostgreSQL): `BenchmarkBookingsPostgres`, 32 concurrent clients POST /api/v1/consults, each booking a different open slot of 50 therapists (each booking in one transaction with its outbox message and River job; overlaps refused by the exclusion constraint), through one server, or spread over two servers with a database handle each (two processes' pools, caches and queue clients); the ceiling is 32 concurrent clients running transactions of 8 one-row inserts, on the same cluster (`make bench` starts a throwaway one unless JOURNEY_TEST_POSTGRES_URL names one).\n"+
		"- Review queue: `BenchmarkReviewQueue5k` in internal/web, a medical provider's GET /staff/review (first 50 of 5,000 clients awaiting review, each with a complete intake and four questionnaires, a tenth with a hard stop) through the router, one request at a time; the ceiling replays its bytes.\n"+
		"- Today: `BenchmarkToday` in internal/web, GET /staff for a therapist with 50 clients (3 with an open safety alert, 3 cleared) and for a medical provider with 200 clients awaiting review, through the router, one request at a time; the ceiling replays its bytes.\n"+
		"- Backup: `BenchmarkBackup50k` in cmd/journey, `journey backup`'s work (VACUUM INTO, the snapshot's quick_check, data keys and audit chain, the tar written and synced, its digest read back) on a SQLite database filled by bulk SQL with 50,000 clients (sealed, each with a complete intake) and 500,000 audit entries on a valid chain, while the real web server serves; bookings as in `BenchmarkBookings` (32 clients, 50 therapists), first with no backup running, then while backups run back to back.\n"+
		"- Calendar: `BenchmarkCalendarWeek` in internal/web, the front desk's GET /staff/calendar?cal=team for a week holding 400 sessions (8 therapists, 6 medical providers, 6 chaperones, 4 rooms, 50 clients), through the router, one request at a time; the ceiling replays its bytes.\n"+
		"- Run sheet: `BenchmarkRunSheet` in internal/web, the session's medical provider's GET /staff/sessions/{id}/run-sheet for a medicine session holding 200 readings (a pre-dose set, a dose, then a reading every 30 seconds, each sealed), through the router, one request at a time; the ceiling replays its bytes.\n"+
		"- Controlled-substance log: `BenchmarkInventoryMonth` in internal/web, a medical provider's GET /staff/inventory/log for one month (the screen: its first 500 entries and their count; `format=csv`: every entry) of a log filled by bulk SQL with two years of a lot a day in 20 containers of 50 lozenges, each received, opened, emptied by 50 administrations over 300 clients' sessions and counted (about 775,000 entries), through the router, one request at a time; the ceiling replays its bytes; `cpu-us/op` is the process's CPU per request, which grows far less with the machine's load than the time does. `BenchmarkInventoryMonthPostgres` is the same on PostgreSQL, vacuumed and analyzed after the bulk load. `BenchmarkFindLogEntriesMonth` in internal/sqldb is the store's read of a month alone.\n"+
		"- Statement: `BenchmarkStatement500` in internal/web, the front desk's POST /api/v1/clients/{id}/statements for a year of one client's psychotherapy with the practice (400 charges and 100 payments, 500 postings, written by bulk SQL), and the client's GET /portal/billing/documents/{id} of the PDF it made, through the router, one request at a time; the ceiling replays the PDF's bytes.\n"+
		"- Billing reports: `BenchmarkMonthReport20k` in internal/web, the front desk's GET /staff/billing/reports for one month holding 20,000 charges of 400 clients across both entities and the four charge types, and 2,000 payments (bulk SQL), and the same month's CSV, through the router, one request at a time; the ceiling replays their bytes.\n"+
		"- Slots: `BenchmarkOpenAll` in internal/schedule (pure computation) and `BenchmarkFindSlots` in internal/web (with the reads). Session slots: `BenchmarkSessionSlots` in internal/schedule (and `BenchmarkFindSessionSlots` in internal/sqldb, with the reads, on a practice laid out the same way), the in-person medicine sessions (therapist, medical provider, chaperone and room free for 3 hours plus 30 minutes) a practice in three US zones can offer over 60 days with 3,000 sessions booked at random where they fit.\n"+
		"- Two cores run both the server and the clients (and, for PostgreSQL, the database), so every figure here is a lower bound for a server with a machine to itself; rerun with `make bench`.\n")
}
