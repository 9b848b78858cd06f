#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the statistics tests (used by .ci/run).
#   install  install Debian's PostgreSQL if it is missing
#   start    create the cluster on first use and start it
#   stop     stop it
#   url      print the connection URL (export it as TEST_DATABASE_URL)
set -euo pipefail
DIR=${TEST_PG_DIR:-/tmp/helpline-test-postgres}
PORT=${TEST_PG_PORT:-55432}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  install)
    if [ -z "$(pg_bin)" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi ;;
  start)
    bin=$(pg_bin)
    if [ ! -s "$DIR/data/PG_VERSION" ]; then
      mkdir -p "$DIR" && { [ "$(id -u)" != 0 ] || chown postgres "$DIR"; }
      as_postgres "$bin/initdb" -D "$DIR/data" -A trust -U helpline >/dev/null
    fi
    if as_postgres "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then exit 0; fi  # already up
    as_postgres "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null ;;
  stop)
    as_postgres "$(pg_bin)/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null ;;
  url)
    echo "postgresql://helpline@127.0.0.1:$PORT/postgres" ;;
  *)
    echo "usage: $0 install|start|stop|url" >&2; exit 2 ;;
esac
