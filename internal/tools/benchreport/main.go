// Command benchreport reads `go test -bench` output on stdin and writes
// docs/benchmarks.md to stdout: each subject beside the ceiling measured in
// the same run, as a ratio, with the machine it ran on.
package main

import (
	"bufio"
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

// result is one benchmark line.
type result struct {
	nsPerOp float64
	opsPerS float64
	p99     float64 // ns, when the benchmark reports p99-ns
}

var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$`)

func parse(r io.Reader) (map[string]result, []string, error) {
	out := map[string]result{}
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
		ns, _ := strconv.ParseFloat(m[2], 64)
		res := result{nsPerOp: ns}
		if f := regexp.MustCompile(`([\d.]+) ops/s`).FindStringSubmatch(m[3]); f != nil {
			res.opsPerS, _ = strconv.ParseFloat(f[1], 64)
		}
		if f := regexp.MustCompile(`([\d.]+) p99-ns`).FindStringSubmatch(m[3]); f != nil {
			res.p99, _ = strconv.ParseFloat(f[1], 64)
		}
		out[m[1]] = res
	}
	return out, notes, sc.Err()
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

func dur(ns float64) string { return time.Duration(ns).Round(time.Microsecond).String() }

var checks = []check{
	{"Slot computation: 50 therapists × 60 days, 2,000 bookings", "OpenAll", "", "< 5 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 5e6 }},
	{"The same, with the database reads (SQLite)", "FindSlots", "", "< 25 ms",
		func(s, _ result) (float64, string) { return s.nsPerOp, dur(s.nsPerOp) }, func(v float64) bool { return v < 25e6 }},
	{"Landing page vs bare handler, same bytes", "Pages/landing/journey", "Pages/landing/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"FAQ page vs bare handler, same bytes", "Pages/faq/journey", "Pages/faq/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"Booking page, cached availability", "Pages/booking/journey", "Pages/booking/ceiling", "≥ 50%", ratio, func(v float64) bool { return v >= 0.5 }},
	{"Booking page, uncached", "Pages/booking-uncached/journey", "Pages/booking/ceiling", "≥ 10%", ratio, func(v float64) bool { return v >= 0.1 }},
	{"Bookings/s through the API vs bare insert transactions (SQLite, synchronous=FULL)", "Bookings/journey", "Bookings/ceiling", "≥ 50%",
		func(s, c result) (float64, string) {
			v := s.opsPerS / c.opsPerS
			return v, fmt.Sprintf("%.0f%% (%.0f vs %.0f per second)", v*100, s.opsPerS, c.opsPerS)
		}, func(v float64) bool { return v >= 0.5 }},
	{"Bookings/s through the API", "Bookings/journey", "", "≥ 500/s",
		func(s, _ result) (float64, string) { return s.opsPerS, fmt.Sprintf("%.0f/s", s.opsPerS) }, func(v float64) bool { return v >= 500 }},
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

func main() {
	results, notes, err := parse(os.Stdin)
	if err != nil || len(results) == 0 {
		fmt.Fprintln(os.Stderr, "benchreport: no benchmark results on stdin")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# Benchmarks\n\nWritten by `make bench` (scripts/bench.sh) on %s. Each figure is measured beside its ceiling in the same run, on the same harness: a bare `net/http` handler writing the same bytes for pages, bare one-row insert transactions on a SQLite file with the same settings for bookings. Ratios are throughput of Journey over throughput of the ceiling.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "## Machine\n\n")
	for _, l := range machine() {
		fmt.Fprintf(w, "- %s\n", l)
	}
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
		"- Bookings: `BenchmarkBookings`, 32 concurrent clients POST /api/v1/consults on SQLite with synchronous=FULL (each booking with its outbox message and its River job in the same transaction, the group committer batching what waits); the ceiling is sequential one-row insert transactions on a file with the same pragmas.\n"+
		"- Review queue: `BenchmarkReviewQueue5k` in internal/web, a medical provider's GET /staff/review (first 50 of 5,000 clients awaiting review, each with a complete intake and four questionnaires, a tenth with a hard stop) through the router, one request at a time; the ceiling replays its bytes.\n"+
		"- Slots: `BenchmarkOpenAll` in internal/schedule (pure computation) and `BenchmarkFindSlots` in internal/web (with the reads).\n"+
		"- Two cores run both the server and the clients, so every figure here is a lower bound for a server with a machine to itself; rerun with `make bench`.\n")
}
