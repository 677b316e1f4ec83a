#!/usr/bin/env bash
# Starts the local services the tests use when they are not running, and waits for them.
# The start commands are the machine's own (see the `env` tool); a missing server binary
# is skipped (tests that need it will say so).
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do
    if port_open "$port"; then echo "services: $name is up on $port"; return 0; fi
    sleep 1
  done
  echo "services: $name did not come up on $port" >&2
  return 1
}

ensure() {
  local name=$1 port=$2 binary=$3
  shift 3
  if port_open "$port"; then echo "services: $name already up on $port"; return 0; fi
  if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "$binary" ]; then
    echo "services: $name is down and $binary is missing; skipping" >&2
    return 0
  fi
  echo "services: starting $name"
  "$@" >/dev/null 2>&1 || true
  wait_port "$name" "$port"
}

ensure PostgreSQL 5432 pg_ctlcluster bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
ensure Redis 6379 redis-server redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
ensure RabbitMQ 5672 rabbitmq-server rabbitmq-server -detached
ensure NATS 4222 /usr/sbin/nats-server start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
