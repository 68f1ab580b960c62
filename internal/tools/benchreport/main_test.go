package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const runs = `# load average before: 9.50 8.00 7.00
BenchmarkBookings/ceiling-2   	 100	 200000 ns/op	 5000 ops/s
BenchmarkBookings/ceiling-2   	 100	 250000 ns/op	 4000 ops/s
BenchmarkBookings/ceiling-2   	 100	 180000 ns/op	 5500 ops/s
BenchmarkBookings/journey-2   	 100	 400000 ns/op	 2500 ops/s
BenchmarkBookings/journey-2   	 100	 300000 ns/op	 3000 ops/s
BenchmarkBookings/journey-2   	 100	 900000 ns/op	 1100 ops/s
`

// Repeated runs (go test -count) are reported by their median, so one run
// disturbed by other work on the machine does not decide a figure.
func TestMedianOfRuns(t *testing.T) {
	results, notes, err := parse(strings.NewReader(runs))
	if err != nil {
		t.Fatal(err)
	}
	c, j := results["Bookings/ceiling"], results["Bookings/journey"]
	if c.opsPerS != 5000 || j.opsPerS != 2500 || j.nsPerOp != 400000 || len(j.runs) != 3 {
		t.Fatalf("ceiling %+v, journey %+v", c, j)
	}
	if v, text := throughput(j, c); v != 0.5 || !strings.Contains(text, "50% (2500 vs 5000 per second") {
		t.Fatalf("ratio %v: %s", v, text)
	}
	if st := state(notes); !strings.HasPrefix(st, "loaded") {
		t.Fatalf("state with load 9.5: %s", st)
	}
	if median([]float64{1, 2, 3, 4}) != 2.5 || median(nil) != 0 {
		t.Fatal("median")
	}
}

// Each report carries the run-by-run booking table of the one it replaces,
// newest first, up to maxHistory rows.
func TestHistoryCarriedOver(t *testing.T) {
	results, _, _ := parse(strings.NewReader(runs))
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	var rows []string
	for i := range maxHistory + 3 {
		row := historyRow(time.Date(2026, 12, 6, 0, i, 0, 0, time.UTC), "idle (load average 0.10 on 2 cores before the run)", results)
		rows = append([]string{row}, rows...)
		doc := "# Benchmarks\n\n" + histHdr + "\n\n| When |\n|---|\n" + strings.Join(rows[:min(len(rows), maxHistory)], "\n") + "\n\n## Raw results\n"
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := history(path)
	if len(got) != maxHistory || !strings.Contains(got[0], "00:22") || !strings.Contains(got[0], "idle, load average 0.10 on 2 cores | 50% (2500/5000)") {
		t.Fatalf("%d rows, first %q", len(got), got[0])
	}
	if history(filepath.Join(t.TempDir(), "missing.md")) != nil {
		t.Fatal("rows from a missing report")
	}
}
