#!/usr/bin/env bash
# scripts/fuzz.sh: runs every Go fuzz target (func FuzzXxx(f *testing.F))
# for a while each, on SQLite. `make fuzz FUZZTIME=1m` runs it on demand;
# scripts/test.sh runs it for a few seconds a target after the normal runs.
#
#   bash scripts/fuzz.sh [packages...]     (default: every package)
#
# FUZZTIME (default 3s) is how long each target runs; FUZZMINIMIZETIME
# (default 100x: a hundred runs) bounds the shrinking of each new input, which
# at Go's default of 60s would take a short run's whole time. The targets are found
# by listing the test binary (-test.list '^Fuzz', as `go test -list` does)
# of each package whose test files declare one. Each package is built once,
# instrumented for fuzzing, and its binary run once per target, which saves
# a link per target over `go test -fuzz`. Inputs that found new coverage are
# kept in the Go build cache (as `go test -fuzz` keeps them), so each run
# starts where the last stopped.
#
# When a target fails, Go writes the input to the package's
# testdata/fuzz/FuzzXxx/; fix the bug and commit that file: it is then a seed
# every `go test` runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FUZZTIME=${FUZZTIME:-3s}
MODULE=$(go list -m)
CACHE="$(go env GOCACHE)/fuzz"
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
# Only packages whose test files declare a fuzz target are built.
mapfile -t dirs < <(go list -f '{{.Dir}}' "${pkgs[@]}" | while read -r d; do
	if grep -qs '^func Fuzz' "$d"/*_test.go; then echo "$d"; fi
done)
if [ ${#dirs[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets in ${pkgs[*]}"
	exit 0
fi

export JOURNEY_TEST_DB=sqlite
failed=()
total=0
t0=$(date +%s)
for dir in "${dirs[@]}"; do
	pkg=$(cd "$dir" && go list .)
	bin="$BIN/$(basename "$dir").test"
	b0=$(date +%s)
	go test -c -fuzz . -o "$bin" "$dir"
	printf '==> built %s for fuzzing in %ds\n' "${pkg#"$MODULE"/}" "$(($(date +%s) - b0))"
	mapfile -t names < <(cd "$dir" && "$bin" -test.list '^Fuzz')
	for name in "${names[@]}"; do
		[[ $name == Fuzz* ]] || continue
		total=$((total + 1))
		printf '==> fuzz %s %s for %s\n' "${pkg#"$MODULE"/}" "$name" "$FUZZTIME"
		# Run in the package's folder, as go test does, so testdata/ is found.
		if ! (cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^${name}\$" -test.fuzztime "$FUZZTIME" \
			-test.fuzzminimizetime "${FUZZMINIMIZETIME:-100x}" \
			-test.fuzzcachedir "$CACHE/$pkg" -test.timeout "${FUZZ_TIMEOUT:-30m}"); then
			failed+=("$pkg.$name")
		fi
	done
done
printf '==> fuzzed %d targets in %ds\n' "$total" "$(($(date +%s) - t0))"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'fuzz.sh: failed: %s\n' "${failed[*]}" >&2
	echo "fuzz.sh: the failing inputs are in each package's testdata/fuzz/; see the output above" >&2
	exit 1
fi
