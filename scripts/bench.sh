#!/usr/bin/env bash
# make bench: runs the Go benchmarks and writes docs/benchmarks.md, where each
# figure stands beside the ceiling measured in the same run.
#
# The PostgreSQL benchmarks use JOURNEY_TEST_POSTGRES_URL when it is set
# (each creates a database of its own there); otherwise a throwaway cluster
# is started for the run (scripts/pgtemp.sh, as scripts/test.sh does) and
# removed at the end. BENCHTIME (default 2s) is each benchmark's -benchtime,
# BENCHCOUNT (default 3) how many rounds run them all: the report takes the
# median.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/pgtemp.sh
source scripts/pgtemp.sh
trap pg_temp_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg="the cluster JOURNEY_TEST_POSTGRES_URL names"
if [ -z "${JOURNEY_TEST_POSTGRES_URL:-}" ]; then
	if pg_temp_start; then
		export JOURNEY_TEST_POSTGRES_URL="$PGTEMP_URL"
		pg="a throwaway cluster started for the run (scripts/pgtemp.sh: fsync and synchronous_commit off)"
	else
		echo "bench.sh: no PostgreSQL (set JOURNEY_TEST_POSTGRES_URL, or install it); its benchmarks are skipped" >&2
		pg="none: its benchmarks were skipped"
	fi
fi

out=bench.txt
{
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# PostgreSQL: $pg"
	# One round per count, each running every benchmark once: with -count,
	# go test runs a benchmark's runs back to back, so a ceiling and its
	# subject ran minutes apart while other work on the machine came and
	# went. In rounds they run a minute apart at most, each round as often.
	for round in $(seq 1 "${BENCHCOUNT:-3}"); do
		go test -run '^$' -bench . -benchtime "${BENCHTIME:-2s}" -count 1 -timeout 60m ./internal/schedule/ ./internal/web/ ./internal/sqldb/ ./cmd/journey/
		echo "# load average after round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
	done
	echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
go run ./internal/tools/benchreport -previous docs/benchmarks.md <"$out" >docs/benchmarks.md.new
mv docs/benchmarks.md.new docs/benchmarks.md
echo "wrote docs/benchmarks.md"
