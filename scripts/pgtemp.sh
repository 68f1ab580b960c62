#!/usr/bin/env bash
# scripts/pgtemp.sh: a throwaway PostgreSQL cluster for tests.
#
# Sourced (scripts/test.sh does this), it defines:
#   free_port VAR      put a currently unused loopback TCP port in VAR
#   pg_find_bin        set PG_BIN to a directory holding initdb and pg_ctl
#   pg_temp_start      initdb + start a cluster on a free port and create the
#                      database journey_test; sets PGTEMP_DIR, PGTEMP_PORT,
#                      PGTEMP_PID (our background postmaster job) and
#                      PGTEMP_URL (postgres://journey@127.0.0.1:PORT/journey_test?sslmode=disable)
#   pg_temp_stop       stop the cluster and remove its directory (idempotent)
#
# Run directly (bash scripts/pgtemp.sh), it starts a cluster, prints the
# export line for JOURNEY_TEST_POSTGRES_URL and keeps the cluster running until
# interrupted (Ctrl-C), then removes it. Handy for running `go test` by hand.
#
# It installs nothing: scripts/test.sh installs PostgreSQL when it is missing.
# initdb refuses to run as root, so as root the cluster belongs to the
# `postgres` system user (created if missing) and the server binaries run via
# runuser (or su).

# free_port VAR: pick a random port in 20000-32767 (below Linux's ephemeral
# range) on which nothing answers on 127.0.0.1, and that this shell has not
# handed out before.
free_port() {
	local __var=$1 __p __i
	for __i in $(seq 1 200); do
		__p=$(shuf -i 20000-32767 -n 1)
		case " ${_FREE_PORTS_USED:-} " in *" $__p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$__p") 2>/dev/null; then
			_FREE_PORTS_USED="${_FREE_PORTS_USED:-} $__p"
			printf -v "$__var" '%s' "$__p"
			return 0
		fi
	done
	echo "free_port: no free TCP port found" >&2
	return 1
}

# pg_find_bin: set PG_BIN to the directory of the PostgreSQL server binaries:
# initdb/pg_ctl on PATH first (symlinks resolved, so that the matching
# createdb/psql sit beside them), then the newest /usr/lib/postgresql/*/bin.
pg_find_bin() {
	local d
	PG_BIN=
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		d=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
		if [ -x "$d/initdb" ]; then
			PG_BIN=$d
		else
			PG_BIN=$(dirname "$(command -v pg_ctl)")
		fi
		return 0
	fi
	for d in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			PG_BIN=$d
			return 0
		fi
	done
	return 1
}

# _pg_as_owner CMD...: run CMD as the cluster's owner (postgres when we are
# root, ourselves otherwise), from inside the cluster directory.
_pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		if command -v runuser >/dev/null 2>&1; then
			(cd "$PGTEMP_DIR" && runuser -u postgres -- "$@")
		else
			(cd "$PGTEMP_DIR" && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
		fi
	else
		(cd "$PGTEMP_DIR" && "$@")
	fi
}

pg_temp_start() {
	local attempt started=0 createdb
	if ! pg_find_bin; then
		echo "pgtemp: PostgreSQL server binaries (initdb, pg_ctl) not found" >&2
		return 1
	fi
	if [ "$(id -u)" = 0 ]; then
		if ! id -u postgres >/dev/null 2>&1; then
			useradd --system --user-group --no-create-home --home-dir /nonexistent \
				--shell /usr/sbin/nologin postgres
		fi
		# Under /tmp (not $TMPDIR) so that the postgres user can reach it.
		PGTEMP_DIR=$(mktemp -d /tmp/journey-pg.XXXXXX)
		chown postgres: "$PGTEMP_DIR"
	else
		PGTEMP_DIR=$(mktemp -d)
	fi

	if ! _pg_as_owner "$PG_BIN/initdb" -A trust -U journey --no-sync -E UTF8 --locale=C \
		-D "$PGTEMP_DIR/data" >"$PGTEMP_DIR/initdb.log" 2>&1; then
		echo "pgtemp: initdb failed:" >&2
		cat "$PGTEMP_DIR/initdb.log" >&2
		return 1
	fi

	# The postmaster runs as our own background child (not daemonized by
	# pg_ctl start), so that this shell reaps it and leaves no zombie behind.
	for attempt in 1 2 3 4 5; do
		free_port PGTEMP_PORT || return 1
		_pg_as_owner "$PG_BIN/postgres" -D "$PGTEMP_DIR/data" -F -k "$PGTEMP_DIR" -p "$PGTEMP_PORT" \
			-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
			-c full_page_writes=off -c max_connections=200 \
			</dev/null >>"$PGTEMP_DIR/postgres.log" 2>&1 &
		PGTEMP_PID=$!
		for _ in $(seq 1 600); do
			# Line 8 of postmaster.pid turns "ready" once connections are accepted.
			if sed -n 8p "$PGTEMP_DIR/data/postmaster.pid" 2>/dev/null | grep -q '^ready'; then
				started=1
				break 2
			fi
			kill -0 "$PGTEMP_PID" 2>/dev/null || break
			sleep 0.1
		done
		echo "pgtemp: start on port $PGTEMP_PORT failed (attempt $attempt)" >&2
		_pg_temp_halt
	done
	if [ "$started" != 1 ]; then
		echo "pgtemp: could not start PostgreSQL; server log:" >&2
		tail -n 50 "$PGTEMP_DIR/postgres.log" >&2 || true
		return 1
	fi

	createdb="$PG_BIN/createdb"
	[ -x "$createdb" ] || createdb=$(command -v createdb)
	if ! "$createdb" -h 127.0.0.1 -p "$PGTEMP_PORT" -U journey journey_test; then
		echo "pgtemp: createdb journey_test failed" >&2
		return 1
	fi
	PGTEMP_URL="postgres://journey@127.0.0.1:$PGTEMP_PORT/journey_test?sslmode=disable"
}

# _pg_temp_halt: stop the postmaster (fast, else immediate) and reap it.
_pg_temp_halt() {
	if [ -f "$PGTEMP_DIR/data/postmaster.pid" ]; then
		_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGTEMP_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
			_pg_as_owner "$PG_BIN/pg_ctl" -D "$PGTEMP_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
			true
	fi
	if [ -n "${PGTEMP_PID:-}" ]; then
		reap_pid "$PGTEMP_PID" 100
		PGTEMP_PID=
	fi
}

# reap_pid PID TRIES: waits up to TRIES tenths of a second for PID to exit,
# then kills it outright, and reaps it.
reap_pid() {
	for _ in $(seq 1 "$2"); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

pg_temp_stop() {
	[ -n "${PGTEMP_DIR:-}" ] || return 0
	_pg_temp_halt
	rm -rf "$PGTEMP_DIR"
	PGTEMP_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	_pgtemp_sleep=
	trap '[ -z "$_pgtemp_sleep" ] || kill "$_pgtemp_sleep" 2>/dev/null; pg_temp_stop' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	pg_temp_start
	echo "export JOURNEY_TEST_POSTGRES_URL='$PGTEMP_URL'"
	echo "PostgreSQL running from $PGTEMP_DIR; press Ctrl-C (or send SIGTERM) to stop and remove it." >&2
	# A background sleep + wait, so that SIGTERM's trap runs at once.
	while :; do
		sleep 3600 &
		_pgtemp_sleep=$!
		wait "$_pgtemp_sleep" || true
	done
fi
