#!/usr/bin/env bash
# Prepares everything the test suite talks to, before any test runs (called by `npm test`):
#   - Redis on 127.0.0.1:6379        (the @jaf-sec/redis stores; the example's shared stores)
#   - PostgreSQL on 127.0.0.1:5432   (the privacy example keeps conversations there)
#   - Debian's Chromium at /usr/bin/chromium (security headers and CORS in a real browser)
#   - curl                           (the README's curl calls are run as written)
# What is running is used as it is. What is installed but stopped is started. What is missing
# is installed from Debian's packages when this runs as root with apt-get; otherwise it stops
# with one message naming exactly what to install, so no test is ever skipped for lack of it.
set -euo pipefail

log() { printf '[test-env] %s\n' "$*"; }

REDIS_HOST=127.0.0.1
REDIS_PORT=6379

redis_up() { command -v redis-cli >/dev/null && redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
postgres_up() { command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q; }
postgres_cluster() { ls -d /etc/postgresql/*/main 2>/dev/null | head -n1; }
chromium_present() { [ -x /usr/bin/chromium ]; }

wait_for() { # wait_for <description> <check function>: up to 15 s
  for _ in $(seq 1 75); do "$2" && return 0; sleep 0.2; done
  log "$1 did not come up within 15 s"
  return 1
}

start_redis() {
  log "starting redis-server on $REDIS_HOST:$REDIS_PORT"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  local dir=/var/lib/redis logfile=/var/log/redis/jaf-sec-test.log
  [ -w "$dir" ] || { dir=$(mktemp -d); logfile="$dir/redis.log"; }
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir "$dir" --logfile "$logfile"
  wait_for "redis-server" redis_up
}

start_postgres() {
  local cluster version
  cluster=$(postgres_cluster)
  version=$(basename "$(dirname "$cluster")")
  log "starting PostgreSQL $version (cluster main)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for "PostgreSQL" postgres_up
}

# 1. What is missing and cannot be started: Debian packages to install.
missing=()
# redis-server itself is needed even when a Redis answers on 6379: the tests start their own
# servers (a six-node cluster, private servers they pause or stop).
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then missing+=(redis-server); fi
if ! postgres_up && [ -z "$(postgres_cluster)" ]; then missing+=(postgresql); fi
if ! chromium_present; then missing+=(chromium); fi
if ! command -v curl >/dev/null; then missing+=(curl); fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing from Debian: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    {
      echo
      echo "jaf-sec's tests need these Debian packages, which are not installed:"
      echo "    ${missing[*]}"
      echo "Install them (as root), then run npm test again:"
      echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      echo "No test was run."
    } >&2
    exit 1
  fi
fi

# 2. Start what is installed but stopped.
redis_up || start_redis
if ! postgres_up; then
  if [ "$(id -u)" -ne 0 ]; then
    {
      echo
      echo "PostgreSQL is installed but not running, and starting it needs root:"
      echo "    sudo pg_ctlcluster \$(ls /etc/postgresql | head -n1) main start"
      echo "No test was run."
    } >&2
    exit 1
  fi
  start_postgres
fi
chromium_present || { log "chromium is still missing at /usr/bin/chromium"; exit 1; }

log "redis $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p'), PostgreSQL up, $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
