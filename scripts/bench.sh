#!/usr/bin/env bash
# make bench: runs the Go benchmarks and writes docs/benchmarks.md, where each
# figure stands beside the ceiling measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench.txt
{
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	go test -run '^$' -bench . -benchtime "${BENCHTIME:-2s}" -count 1 -timeout 20m ./internal/schedule/ ./internal/web/ ./internal/sqldb/
	echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
go run ./internal/tools/benchreport <"$out" >docs/benchmarks.md
echo "wrote docs/benchmarks.md"
