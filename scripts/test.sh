#!/usr/bin/env bash
# scripts/test.sh: the project's single test command (`make test`, .ci/run).
#
#   bash scripts/test.sh [go test args...]
#
# 1. Installs what is missing (idempotent, quick when all is there):
#    Debian's chromium, the PostgreSQL server, curl and jq (the README's
#    examples run under test), systemd (systemd-analyze checks the
#    deployment guide's unit), mailpit and stripe-mock (go install) and
#    axe-core (npm, into .cache/npm).
# 2. Runs go vet.
# 3. Starts a throwaway PostgreSQL cluster, a mailpit and a stripe-mock
#    (Stripe's API answered from its spec) on free loopback ports, exports the JOURNEY_TEST_* variables read by internal/testenv, and
#    removes all of it again on exit.
# 4. Runs the whole suite twice, under the race detector: with
#    JOURNEY_TEST_DB=sqlite and with JOURNEY_TEST_DB=postgres, side by
#    side, each into its own log printed at the end (JOURNEY_TEST_SERIAL=1:
#    one after the other, straight to the terminal); fails if either run
#    fails, naming the database.
# 5. Runs every fuzz target (scripts/fuzz.sh) for JOURNEY_TEST_FUZZTIME
#    (default 3s) each, on SQLite; only when called without arguments, and
#    not at all with JOURNEY_TEST_FUZZTIME=0. `make fuzz FUZZTIME=1m` runs
#    them longer.
#
# Extra arguments go to `go test`. If any of them names packages (./x/...,
# ., github.com/journey-kap/journey/...), those replace the default ./...
# (for both go vet and go test); e.g.
#   bash scripts/test.sh ./internal/testenv/... -run Mail -v
# JOURNEY_TEST_DBS="sqlite" (or "postgres") limits the runs to that database.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=scripts/pgtemp.sh
source "$ROOT/scripts/pgtemp.sh"

MAILPIT_VERSION=v1.33.1
STRIPE_MOCK_VERSION=v0.203.0
AXE_JS="$ROOT/.cache/npm/node_modules/axe-core/axe.min.js"
CHROMIUM=/usr/bin/chromium

say() { printf '==> %s\n' "$*"; }
die() {
	printf 'test.sh: %s\n' "$*" >&2
	exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# ---------------------------------------------------------------- installs

_APT_UPDATED=0
apt_install() {
	local sudo=
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install $*"
		sudo="sudo -E"
	fi
	if [ "$_APT_UPDATED" = 0 ]; then
		say "apt-get update"
		$sudo apt-get update -qq
		_APT_UPDATED=1
	fi
	say "apt-get install $*"
	$sudo apt-get install -y -qq "$@" >/dev/null
}

install_prereqs() {
	local t0 gobin mp
	t0=$(now)
	command -v go >/dev/null 2>&1 || die "go is not installed"

	if [ ! -x "$CHROMIUM" ]; then
		apt_install chromium
	fi

	# The race detector needs cgo, so a C compiler (Journey itself builds
	# without one).
	if ! command -v gcc >/dev/null 2>&1; then
		apt_install gcc libc6-dev
	fi

	# The README's examples run under test with curl and jq; the
	# deployment guide's systemd unit is checked with systemd-analyze.
	local tools=()
	command -v curl >/dev/null 2>&1 || tools+=(curl)
	command -v jq >/dev/null 2>&1 || tools+=(jq)
	command -v systemd-analyze >/dev/null 2>&1 || tools+=(systemd)
	[ ${#tools[@]} -eq 0 ] || apt_install "${tools[@]}"

	if ! pg_find_bin; then
		apt_install postgresql
		pg_find_bin || die "PostgreSQL installed but initdb/pg_ctl not found"
	fi

	gobin=$(go env GOBIN)
	[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
	if [ -x "$gobin/mailpit" ]; then
		MAILPIT="$gobin/mailpit"
	elif mp=$(command -v mailpit); then
		MAILPIT=$mp
	else
		say "go install github.com/axllent/mailpit@$MAILPIT_VERSION"
		(cd / && GOFLAGS='' go install "github.com/axllent/mailpit@$MAILPIT_VERSION")
		MAILPIT="$gobin/mailpit"
		[ -x "$MAILPIT" ] || die "mailpit not found in $gobin after go install"
	fi

	if [ -x "$gobin/stripe-mock" ]; then
		STRIPE_MOCK="$gobin/stripe-mock"
	elif mp=$(command -v stripe-mock); then
		STRIPE_MOCK=$mp
	else
		say "go install github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
		(cd / && GOFLAGS='' go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION")
		STRIPE_MOCK="$gobin/stripe-mock"
		[ -x "$STRIPE_MOCK" ] || die "stripe-mock not found in $gobin after go install"
	fi

	if [ ! -f "$AXE_JS" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			if command -v node >/dev/null 2>&1; then apt_install npm; else apt_install nodejs npm; fi
		fi
		say "npm install axe-core@4"
		mkdir -p "$ROOT/.cache/npm"
		npm install --no-audit --no-fund --loglevel=error --prefix "$ROOT/.cache/npm" axe-core@4 >/dev/null
		[ -f "$AXE_JS" ] || die "axe-core installed but $AXE_JS is missing"
	fi
	say "prerequisites ready ($(since "$t0"))"
}

# ---------------------------------------------------------------- services

WORK=
MAILPIT_PID=
STRIPE_MOCK_PID=

# http_ok HOST PORT PATH: true if GET PATH answers 200 (bash only, no curl).
http_ok() {
	(
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$3" "$1" "$2" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ $line == HTTP/1.?" 200"* ]]
	) 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

stop_mailpit() {
	[ -n "$MAILPIT_PID" ] || return 0
	kill "$MAILPIT_PID" 2>/dev/null || true
	reap_pid "$MAILPIT_PID" 50
	MAILPIT_PID=
}

start_mailpit() {
	local attempt
	for attempt in 1 2 3 4 5; do
		free_port MAILPIT_SMTP_PORT
		free_port MAILPIT_HTTP_PORT
		rm -f "$WORK/mailpit.db"*
		"$MAILPIT" --smtp "127.0.0.1:$MAILPIT_SMTP_PORT" --listen "127.0.0.1:$MAILPIT_HTTP_PORT" \
			--smtp-auth-accept-any --smtp-auth-allow-insecure \
			--database "$WORK/mailpit.db" --max 0 --disable-version-check \
			</dev/null >"$WORK/mailpit.log" 2>&1 &
		MAILPIT_PID=$!
		for _ in $(seq 1 150); do
			if http_ok 127.0.0.1 "$MAILPIT_HTTP_PORT" /readyz && port_open 127.0.0.1 "$MAILPIT_SMTP_PORT"; then
				return 0
			fi
			kill -0 "$MAILPIT_PID" 2>/dev/null || break
			sleep 0.1
		done
		echo "mailpit did not come up (attempt $attempt); log:" >&2
		tail -n 20 "$WORK/mailpit.log" >&2 || true
		stop_mailpit
	done
	die "could not start mailpit"
}

stop_stripe_mock() {
	[ -n "$STRIPE_MOCK_PID" ] || return 0
	kill "$STRIPE_MOCK_PID" 2>/dev/null || true
	reap_pid "$STRIPE_MOCK_PID" 50
	STRIPE_MOCK_PID=
}

# start_stripe_mock serves Stripe's API on loopback only (HTTP for the
# tests, HTTPS on a second free port, which stripe-mock always opens).
start_stripe_mock() {
	local attempt
	for attempt in 1 2 3 4 5; do
		free_port STRIPE_MOCK_PORT
		free_port STRIPE_MOCK_TLS_PORT
		"$STRIPE_MOCK" -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" -https-addr "127.0.0.1:$STRIPE_MOCK_TLS_PORT" \
			</dev/null >"$WORK/stripe-mock.log" 2>&1 &
		STRIPE_MOCK_PID=$!
		for _ in $(seq 1 150); do
			if grep -q "Listening for HTTP at" "$WORK/stripe-mock.log" && port_open 127.0.0.1 "$STRIPE_MOCK_PORT"; then
				return 0
			fi
			kill -0 "$STRIPE_MOCK_PID" 2>/dev/null || break
			sleep 0.1
		done
		echo "stripe-mock did not come up (attempt $attempt); log:" >&2
		tail -n 20 "$WORK/stripe-mock.log" >&2 || true
		stop_stripe_mock
	done
	die "could not start stripe-mock"
}

cleanup() {
	local rc=$?
	set +e
	stop_mailpit
	stop_stripe_mock
	pg_temp_stop
	[ -z "$WORK" ] || rm -rf "$WORK"
	exit "$rc"
}

start_services() {
	local t0
	t0=$(now)
	WORK=$(mktemp -d)
	pg_temp_start || die "could not start PostgreSQL"
	start_mailpit
	start_stripe_mock
	export JOURNEY_TEST_STRIPE_URL="http://127.0.0.1:$STRIPE_MOCK_PORT"
	export JOURNEY_TEST_POSTGRES_URL="$PGTEMP_URL"
	export JOURNEY_TEST_SMTP_URL="smtp://127.0.0.1:$MAILPIT_SMTP_PORT"
	export JOURNEY_TEST_MAILPIT_URL="http://127.0.0.1:$MAILPIT_HTTP_PORT"
	export JOURNEY_TEST_CHROMIUM="$CHROMIUM"
	export JOURNEY_TEST_AXE="$AXE_JS"
	say "services up ($(since "$t0")): PostgreSQL $JOURNEY_TEST_POSTGRES_URL, mailpit SMTP $JOURNEY_TEST_SMTP_URL, API $JOURNEY_TEST_MAILPIT_URL, stripe-mock $JOURNEY_TEST_STRIPE_URL"
}

# ---------------------------------------------------------------- main

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Package patterns among the arguments replace the default ./...
pkgs=()
for a in "$@"; do
	[ "$a" != "-args" ] || break
	case "$a" in
	. | .. | ./* | ../* | github.com/journey-kap/journey*) pkgs+=("$a") ;;
	esac
done
default_pkgs=()
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(./...)
	default_pkgs=(./...)
fi

T0=$(now)
install_prereqs

say "go vet ${pkgs[*]}"
go vet "${pkgs[@]}"

start_services
say "setup done in $(since "$T0")"

# -race makes the compiler check every unsafe pointer conversion too
# (-d=checkptr). modernc.org/sqlite is SQLite translated from C to Go, all
# unsafe pointer arithmetic, and those checks doubled the CPU time of every
# SQLite statement (cmd/journey's server start: 26 s → 12 s CPU without
# them). They are off for modernc.org/... only: the race detector still
# instruments that code (its locks are what order our goroutines), and our
# own packages keep checkptr.
RACE_FLAGS=(-race "-gcflags=modernc.org/...=-d=checkptr=0")

# test_pass DB: the suite with JOURNEY_TEST_DB=DB, under the race detector.
test_pass() {
	local db=$1
	shift
	JOURNEY_TEST_DB=$db CGO_ENABLED=1 go test "${RACE_FLAGS[@]}" -count=1 -timeout 25m "${default_pkgs[@]}" "$@"
}

dbs=()
for db in ${JOURNEY_TEST_DBS:-sqlite postgres}; do
	case "$db" in sqlite | postgres) dbs+=("$db") ;; *) die "unknown database in JOURNEY_TEST_DBS: $db" ;; esac
done

failed=()
if [ "${JOURNEY_TEST_SERIAL:-0}" != 1 ] && [ ${#dbs[@]} -gt 1 ]; then
	# The passes run side by side, each into its own log, printed whole at
	# the end one after the other: much of the suite waits (browsers,
	# servers starting, pollers), and two passes fill each other's waits.
	# The test binaries are compiled first, once, so the passes do not both
	# compile them. JOURNEY_TEST_SERIAL=1 runs them one after the other.
	t0=$(now)
	say "compiling the test binaries (race detector)"
	CGO_ENABLED=1 go test "${RACE_FLAGS[@]}" -count=1 -run '^$' "${pkgs[@]}" >"$WORK/compile.log" 2>&1 ||
		{ cat "$WORK/compile.log"; die "the tests do not compile"; }
	say "compiled in $(since "$t0")"
	pids=()
	for db in "${dbs[@]}"; do
		say "go test with JOURNEY_TEST_DB=$db (database: $db), into its log"
		(
			t1=$(now)
			rc=0
			test_pass "$db" "$@" >"$WORK/test-$db.log" 2>&1 || rc=$?
			echo "$rc $(since "$t1")" >"$WORK/test-$db.rc"
		) &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || true; done
	for db in "${dbs[@]}"; do
		read -r rc took <"$WORK/test-$db.rc" || { rc=1 took=?; }
		say "go test with JOURNEY_TEST_DB=$db (database: $db): $([ "$rc" = 0 ] && echo ok || echo FAILED) in $took; its log:"
		cat "$WORK/test-$db.log"
		[ "$rc" = 0 ] || failed+=("$db")
	done
else
	for db in "${dbs[@]}"; do
		t0=$(now)
		say "go test with JOURNEY_TEST_DB=$db (database: $db)"
		if ! test_pass "$db" "$@"; then
			failed+=("$db")
		fi
		say "JOURNEY_TEST_DB=$db done in $(since "$t0")"
	done
fi

fuzzed=ok
if [ $# -eq 0 ] && [ "${JOURNEY_TEST_FUZZTIME:-3s}" != 0 ]; then
	t0=$(now)
	say "fuzz targets, ${JOURNEY_TEST_FUZZTIME:-3s} each (database: sqlite)"
	FUZZTIME=${JOURNEY_TEST_FUZZTIME:-3s} bash "$ROOT/scripts/fuzz.sh" || fuzzed=failed
	say "fuzzing done in $(since "$t0")"
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "test.sh: go test failed with JOURNEY_TEST_DB=${failed[*]}" >&2
fi
if [ "$fuzzed" != ok ]; then
	echo "test.sh: a fuzz target failed (its input is in that package's testdata/fuzz/)" >&2
fi
if [ ${#failed[@]} -gt 0 ] || [ "$fuzzed" != ok ]; then
	exit 1
fi
