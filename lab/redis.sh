#!/usr/bin/env bash
# Redis for the lab: REDIS_URL if set; else the machine's 127.0.0.1:6379 if it answers (never touched);
# else a private Debian redis-server on 127.0.0.1:${FFO_REDIS_PORT:-16379}, stopped by pid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DIR=$FFO_LAB_DIR/redis
PORT=${FFO_REDIS_PORT:-16379}
mkdir -p "$DIR"

ping_url() { redis-cli -u "$1" ping 2>/dev/null | grep -q PONG; }

case "${1:-}" in
  start)
    ensure_apt redis-server redis-tools
    if [ -n "${REDIS_URL:-}" ]; then
      ping_url "$REDIS_URL" || die "REDIS_URL=$REDIS_URL does not answer"
      url=$REDIS_URL
    elif ping_url redis://127.0.0.1:6379; then
      url=redis://127.0.0.1:6379
    else
      if ! pid_alive "$DIR/pid"; then
        port_open "$PORT" && die "port $PORT is taken by something else (set FFO_REDIS_PORT)"
        redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --dir "$DIR" \
          --daemonize yes --pidfile "$DIR/pid" --logfile "$DIR/redis.log"
        wait_for 10 ping_url "redis://127.0.0.1:$PORT" || die "private redis did not answer"
      fi
      url=redis://127.0.0.1:$PORT
    fi
    env_set "$FFO_LAB_DIR/lab.env" REDIS_URL "$url"
    log "redis: $url"
    ;;
  stop) stop_pid "$DIR/pid" ;;
  status)
    if pid_alive "$DIR/pid"; then echo "redis: private, pid $(cat "$DIR/pid")";
    elif ping_url "${REDIS_URL:-redis://127.0.0.1:6379}"; then echo "redis: shared ${REDIS_URL:-redis://127.0.0.1:6379}";
    else echo "redis: down"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
