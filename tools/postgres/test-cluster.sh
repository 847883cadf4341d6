#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the real-PostgreSQL test tier (npm run pg:start / pg:stop).
#
#   eval "$(tools/postgres/test-cluster.sh start [--dir DIR] [setting=value ...])"
#       initdb (trust auth, superuser "postgres") and start on a free port on 127.0.0.1; prints
#       `export TEST_POSTGRES_URL=...` and `export TEST_POSTGRES_DIR=...` for the tests
#   tools/postgres/test-cluster.sh stop [DIR]           stop it and delete DIR (default $TEST_POSTGRES_DIR)
#   tools/postgres/test-cluster.sh ctl DIR ARGS...      pg_ctl ARGS on it (tests stop and restart it)
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user.
# Durability is off (fsync, full_page_writes): the data is thrown away anyway.
set -euo pipefail

PG_MAJOR=15
bindir=${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

die() {
  echo "test-cluster: $*" >&2
  exit 1
}

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

start() {
  local dir=""
  if [ "${1:-}" = "--dir" ]; then
    dir=$2
    shift 2
  fi
  [ -x "$bindir/postgres" ] || die "PostgreSQL $PG_MAJOR is not installed under $bindir (npm run pg:install)"
  [ -f "$("$bindir/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/$PG_MAJOR)/extension/vector.control" ] ||
    die "pgvector is not installed for PostgreSQL $PG_MAJOR (npm run pg:install)"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' user to own the cluster"
  fi
  [ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/face-matrix-pg.XXXXXX")
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  local port
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    port=$(free_port)
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
      die "initdb failed: $(cat "$dir/initdb.log")"
    {
      echo "port = $port"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$dir'"
      echo "fsync = off"
      echo "full_page_writes = off"
      echo "synchronous_commit = off"
      echo "max_connections = 200"
      echo "maintenance_work_mem = '512MB'"
      for setting in "$@"; do echo "${setting%%=*} = '${setting#*=}'"; done
    } | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
  fi
  port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/data/postgresql.conf" | tail -1)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 start >/dev/null ||
    die "PostgreSQL did not start: $(tail -5 "$dir/postgresql.log")"
  echo "export TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
  echo "export TEST_POSTGRES_DIR=$dir"
}

stop() {
  local dir=${1:-${TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] || die "stop: which cluster? (give its DIR or set TEST_POSTGRES_DIR)"
  [ -f "$dir/data/PG_VERSION" ] || die "stop: $dir holds no cluster"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

ctl() {
  local dir=$1
  shift
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" "$@"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  ctl) ctl "$@" ;;
  *) die "usage: test-cluster.sh start [--dir DIR] [setting=value ...] | stop [DIR] | ctl DIR pg_ctl-args..." ;;
esac
