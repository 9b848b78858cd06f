#!/usr/bin/env bash
# A throw-away Redis server on loopback for the tests of several Rasa servers (used by .ci/run).
# It keeps nothing on disk (no snapshots, no append-only file), as in production (see README).
#   install  install Debian's redis-server if it is missing
#   start    start it (does nothing when it is already up)
#   stop     stop it, without saving
#   url      print the connection URL (export it as TEST_REDIS_URL)
set -euo pipefail
DIR=${TEST_REDIS_DIR:-/tmp/helpline-test-redis}
PORT=${TEST_REDIS_PORT:-56379}

up() { redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; }

case "${1:-}" in
  install)
    if ! command -v redis-server >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi ;;
  start)
    if up; then exit 0; fi
    mkdir -p "$DIR"
    redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --save "" --appendonly no \
      --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >/dev/null
    for _ in $(seq 50); do up && exit 0; sleep 0.1; done
    echo "redis-server did not start; see $DIR/redis.log" >&2; exit 1 ;;
  stop)
    if up; then redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; fi
    for _ in $(seq 50); do up || exit 0; sleep 0.1; done
    exit 1 ;;
  url)
    echo "redis://127.0.0.1:$PORT/0" ;;
  *)
    echo "usage: $0 install|start|stop|url" >&2; exit 2 ;;
esac
