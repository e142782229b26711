#!/usr/bin/env bash
# Load benchmark: N people, 200 concurrent connections, each request either logs a day (PUT) or
# reads the person's last three months (GET), beside the bare /healthz endpoint of the same
# server in the same run. SQLite always; PostgreSQL when a server answers at $PG_BASE.
#
#   bench/load.sh                      # defaults: 200 people, 200 connections, 20 s per run
#   PEOPLE=500 DURATION=30s bench/load.sh
#
# Needs wrk (apt-get install wrk) and the release binary (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${PEOPLE:-200}
CONNECTIONS=${CONNECTIONS:-200}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
PG_BASE=${PG_BASE:-postgres://postgres@127.0.0.1:5432}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p enough >/dev/null 2>&1
BIN=$PWD/target/release/enough
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

seed() { # $1 = database URL; writes tokens to $WORK/tokens.txt
  : > "$WORK/tokens.txt"
  for i in $(seq 1 "$PEOPLE"); do
    echo "a long enough password" | ENOUGH_DATABASE=$1 "$BIN" user add --email "p$i@example.org" --password-stdin >/dev/null
    ENOUGH_DATABASE=$1 "$BIN" token create --email "p$i@example.org" >> "$WORK/tokens.txt"
  done
}

run() { # $1 = label, $2 = database URL
  local port=$((20000 + RANDOM % 20000))
  seed "$2"
  RUST_LOG=warn ENOUGH_DATABASE=$2 "$BIN" serve --addr "127.0.0.1:$port" &
  local pid=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== $1: bare /healthz"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/healthz" | tee "$WORK/$1-hello.txt"
  echo "== $1: $PEOPLE people logging and reading days"
  ENOUGH_BENCH_TOKENS=$WORK/tokens.txt wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s bench/load.lua "http://127.0.0.1:$port" | tee "$WORK/$1-app.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  summarise "$1"
}

summarise() {
  local hello app
  hello=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1-hello.txt")
  app=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1-app.txt")
  echo "SUMMARY $1: app $app req/s (p50 $(awk '$1=="50%" {print $2}' "$WORK/$1-app.txt"), p99 $(awk '$1=="99%" {print $2}' "$WORK/$1-app.txt")) vs hello $hello req/s (p50 $(awk '$1=="50%" {print $2}' "$WORK/$1-hello.txt"), p99 $(awk '$1=="99%" {print $2}' "$WORK/$1-hello.txt")); ratio $(echo "scale=2; $app / $hello" | bc)" | tee -a "$WORK/summary.txt"
}

run sqlite "sqlite://$WORK/bench.db"
if psql "$PG_BASE/postgres" -c 'select 1' >/dev/null 2>&1; then
  db="enough_bench_$$"
  psql "$PG_BASE/postgres" -qc "create database $db"
  run postgres "$PG_BASE/$db"
  psql "$PG_BASE/postgres" -qc "drop database $db with (force)"
else
  echo "PostgreSQL not reachable at $PG_BASE: skipped"
fi
echo; cat "$WORK/summary.txt"
