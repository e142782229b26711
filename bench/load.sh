#!/usr/bin/env bash
# The benchmarks of issue 18 as one table: enough next to the bare-server anchors
# (../shared/reference/anchors, built and run here, in the same run) and pandas + SciPy.
# Loopback only; every load run is bounded by $DURATION.
#
#   bench/load.sh                                # release build in target/ (or $CARGO_TARGET_DIR)
#   DURATION=5s bench/load.sh                    # shorter runs
#   PG_BASE=postgres://postgres@127.0.0.1:5432 bench/load.sh    # PostgreSQL server (skipped when down)
#   ENOUGH_BIN=target/debug/enough ANCHORS=none DURATION=2s bench/load.sh   # a quick check of the script
#   CASES="hello page1 days1" BACKENDS=sqlite bench/load.sh   # only these cases, on these stores
#   PROFILE=profiling PERF_DIR=/tmp/perf bench/load.sh        # symbols, and a perf profile per case
#
# CASES (default: all) picks among: hello read read1 write batched (anchor), pandas, insights10,
# page1, page1_plain, days1, days1_plain, days1_one, writes, flood (enough). page1 and days1
# ask for gzip as a browser does; the *_plain cases do not. BACKENDS (default "sqlite postgres").
# PROFILE (default release) is the cargo profile built; `profiling` keeps symbols for perf.
# PERF_DIR: when set, `perf record -g` samples the enough server during each of its cases,
# into PERF_DIR/<backend>-<case>.data (read with `perf report -i FILE`).
#
# What it needs, and installs when it is missing and it runs as root: wrk (apt), pgbench (apt,
# postgresql-client), pandas and SciPy (pip). Otherwise it says what to install and skips that row.
#
# Rows (each wrk run is $DURATION; figures move ±20% on a shared machine, ratios less):
#   - insights over 10 years of days, one client: ms a request (SQLite, PostgreSQL) vs pandas + SciPy
#   - 1-year insights page and 1-year day list at 200 connections: req/s, p50, p99, server CPU
#     time per request (user + system, from /proc), vs bare "hello"
#   - 1-year day list, one client: ms a request, vs one bare SQLite read
#   - durable day writes at 200 connections: SQLite vs the anchor's batched commits; PostgreSQL vs
#     pgbench's one-row commits (an upsert of one day per transaction, as many clients as the
#     server allows up to $CONNECTIONS), with pgbench's 100 rows a commit shown as context
#   - one client's day reads during a sign-in flood of 10 connections: throughput kept
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-200}
THREADS=${THREADS:-2}
PG_BASE=${PG_BASE:-postgres://postgres@127.0.0.1:5432}
# pgbench's clients for one-row commits: $CONNECTIONS, or fewer when the server's
# max_connections (100 by default) does not allow as many.
PGB_CLIENTS=${PGB_CLIENTS:-}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
ANCHORS=${ANCHORS:-}
CASES=${CASES:-}
BACKENDS=${BACKENDS:-sqlite postgres}
PROFILE=${PROFILE:-release}
PERF_DIR=${PERF_DIR:-}
# Whether case $1 is to run.
want() { [ -z "$CASES" ] && return 0; case " $CASES " in *" $1 "*) return 0 ;; esac; return 1; }
want_backend() { case " $BACKENDS " in *" $1 "*) return 0 ;; esac; return 1; }
if [ -n "$PERF_DIR" ]; then
  mkdir -p "$PERF_DIR"
  command -v perf >/dev/null || { echo "PERF_DIR needs perf (apt-get install linux-perf)" >&2; exit 1; }
fi
if [ -z "$ANCHORS" ]; then
  for dir in "$ROOT/../shared/reference/anchors" /work/shared/reference/anchors; do
    [ -d "$dir/http" ] && ANCHORS=$dir && break
  done
fi

say() { echo "# $*" >&2; }
as_root() { [ "$(id -u)" = 0 ]; }

# ---- tools ----
if ! command -v wrk >/dev/null; then
  if as_root; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else echo "bench/load.sh needs wrk: apt-get install wrk" >&2; exit 1; fi
fi
if ! command -v pgbench >/dev/null && as_root; then
  apt-get install -y -qq postgresql-client >/dev/null 2>&1 || true
fi
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import pandas, scipy' 2>/dev/null; then
  "$PYTHON" -m pip install -q pandas scipy >/dev/null 2>&1 ||
    "$PYTHON" -m pip install -q --break-system-packages pandas scipy >/dev/null 2>&1 ||
    say "pandas + SciPy missing (pip install pandas scipy): that row is skipped"
fi

# ---- builds ----
BIN=${ENOUGH_BIN:-}
if [ -z "$BIN" ]; then
  say "building enough ($PROFILE, $TARGET)"
  CARGO_TARGET_DIR=$TARGET cargo build --profile "$PROFILE" -q -p enough
  BIN=$TARGET/$PROFILE/enough
fi
ANCHOR_BIN=
if [ "$ANCHORS" = none ]; then
  ANCHORS=
elif [ -n "$ANCHORS" ]; then
  say "building the bare-server anchor ($ANCHORS/http)"
  # Built from a copy outside this workspace: shared/ is read-only, and cargo writes a
  # Cargo.lock beside the manifest.
  ANCHOR_SRC=$(mktemp -d)
  cp -r "$ANCHORS/http/." "$ANCHOR_SRC/"
  chmod -R u+w "$ANCHOR_SRC"
  CARGO_TARGET_DIR=$TARGET/anchors cargo build --release -q --manifest-path "$ANCHOR_SRC/Cargo.toml" &&
    ANCHOR_BIN=$TARGET/anchors/release/server
  rm -rf "$ANCHOR_SRC"
else
  say "no ../shared/reference/anchors: the anchor columns stay empty (set ANCHORS=DIR)"
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${PG_DB:-}" ] && psql "$PG_BASE/postgres" -qc "drop database if exists $PG_DB with (force)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { echo $((20000 + RANDOM % 20000)); }
wait_for() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer at $1" >&2; return 1; }

# wrk -> "req/s p50_ms p99_ms mean_ms" (latencies converted to milliseconds)
measure() { # $1 = connections, rest = wrk arguments after the options
  local c=$1; shift
  local threads=$THREADS
  [ "$c" -lt "$threads" ] && threads=$c
  wrk -t"$threads" -c"$c" -d"$DURATION" --latency "$@" 2>&1 | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "Latency" && mean == "" { mean = ms($2) }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    END { if (bad != "") printf "%s %s %s %s non-2xx:%s\n", rps, p50, p99, mean, bad; else printf "%s %s %s %s\n", rps, p50, p99, mean }'
}
field() { echo "$1" | awk -v i="$2" '{print $i}'; }

# measure, with `perf record` on the server while it runs when PERF_DIR is set.
measure_server() { # $1 = server pid, $2 = file name for the profile, rest = measure's arguments
  local pid=$1 name=$2 perf_pid=
  shift 2
  if [ -n "$PERF_DIR" ]; then
    perf record -q -F 999 -g -p "$pid" -o "$PERF_DIR/$name.data" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(measure "$@")
  after=$(cpu_ticks "$pid")
  [ -n "$perf_pid" ] && { wait "$perf_pid" || true; }
  # The server's CPU time (user + system) per request, in ms: steadier than req/s on a
  # shared machine.
  echo "$name $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v rps="$(field "$out" 1)" -v d="${DURATION%s}" \
    'BEGIN { if (rps > 0) printf "%.3f", t / hz * 1000 / (rps * d); else print "-" }')" >> "$WORK/cpu.txt"
  echo "$out"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

ROWS=$WORK/rows.txt
: > "$ROWS"
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$ROWS"; }
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-1}" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b * f; else print "-" }'; }

# ---- anchors ----
A_HELLO= A_READ= A_READ1= A_WRITE= A_BATCHED=
if [ -n "$ANCHOR_BIN" ]; then
  port=$(free_port)
  (cd "$WORK" && ADDR=127.0.0.1:$port ANCHOR_DB=$WORK/anchor.db exec "$ANCHOR_BIN" 2>/dev/null) &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$port/hello"
  say "anchor: hello, read, write, write_batched"
  want hello && A_HELLO=$(measure "$CONNECTIONS" "http://127.0.0.1:$port/hello")
  want read && A_READ=$(measure "$CONNECTIONS" "http://127.0.0.1:$port/read")
  want read1 && A_READ1=$(measure 1 "http://127.0.0.1:$port/read")
  want write && A_WRITE=$(measure "$CONNECTIONS" "http://127.0.0.1:$port/write")
  want batched && A_BATCHED=$(measure "$CONNECTIONS" "http://127.0.0.1:$port/write_batched")
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
fi

# ---- pandas + SciPy ----
PANDAS_MS=
if want pandas && "$PYTHON" -c 'import pandas, scipy' 2>/dev/null; then
  say "pandas + SciPy: the same statistics over 10 years of days"
  PANDAS_MS=$("$PYTHON" tools/insights_python.py | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
fi

# ---- data: 10 years of days for one person, through the CLI; tokens for writers ----
"$PYTHON" - "$WORK/ten_years.csv" <<'PY'
import sys, datetime
# The generator of tools/insights_python.py (and the domain's insights benchmark).
state, mask = 20261125, (1 << 64) - 1
def nxt():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & mask
    return (state >> 33) % 1000
start = datetime.date(2016, 1, 1)
with open(sys.argv[1], "w") as f:
    f.write("date,daylight_hours,energy,mood,outside_morning,note\n")
    for i in range(3653):
        outside = nxt() < 450
        daylight = nxt() % 33
        mood = min(nxt() % 7 + (2 if outside else 0), 10)
        energy = min(nxt() % 9 + daylight // 12, 10)
        nxt()  # habits: not in the generic CSV
        f.write(f"{start + datetime.timedelta(days=i)},{daylight / 4},{energy},{mood},{'yes' if outside else 'no'},\n")
PY
FROM10=2016-01-01 TO=2025-12-31 FROM1=2025-01-01
PASSWORD="a long enough password"

seed() { # $1 = database URL; leaves $WORK/token, $WORK/tokens.txt
  export ENOUGH_DATABASE=$1
  echo "$PASSWORD" | "$BIN" user add --email ana@example.org --password-stdin >/dev/null
  "$BIN" import csv "$WORK/ten_years.csv" --email ana@example.org >/dev/null
  "$BIN" token create --email ana@example.org > "$WORK/token"
  : > "$WORK/tokens.txt"
  for i in $(seq 1 20); do
    echo "$PASSWORD" | "$BIN" user add --email "w$i@example.org" --password-stdin >/dev/null
    "$BIN" token create --email "w$i@example.org" >> "$WORK/tokens.txt"
  done
  unset ENOUGH_DATABASE
}

# Signs in through the form; prints the Cookie header value of the session.
sign_in() { # $1 = base URL
  local jar=$WORK/jar.txt page csrf
  rm -f "$jar"
  page=$(curl -fs -c "$jar" "$1/sign-in")
  csrf=$(echo "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null -H "Origin: $1" \
    --data-urlencode "csrf=$csrf" --data-urlencode "email=ana@example.org" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$1/sign-in"
  awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "} /^#HttpOnly_/ {split($0, f, "\t"); printf "%s%s=%s", sep, f[6], f[7]; sep="; "}' "$jar"
}

run_backend() { # $1 = label, $2 = database URL
  local label=$1 url=$2 port token cookie base
  say "$label: seeding 10 years of days through the CLI"
  seed "$url"
  token=$(cat "$WORK/token")
  port=$(free_port)
  base=http://127.0.0.1:$port
  RUST_LOG=warn ENOUGH_DATABASE=$url "$BIN" serve --addr "127.0.0.1:$port" &
  PIDS+=($!)
  local pid=${PIDS[-1]}
  wait_for "$base/healthz"
  cookie=$(sign_in "$base")
  local auth="Authorization: Bearer $token"
  local r
  if want insights10; then
    r=$(measure_server "$pid" "$label-insights10" 1 -H "$auth" "$base/api/v1/insights/light-mood?from=$FROM10&to=$TO")
    echo "$label insights10 $r" >> "$WORK/results.txt"
  fi
  # As a browser asks (Chromium's Accept-Encoding); the *_plain cases ask for no compression.
  local gz="Accept-Encoding: gzip, deflate, br, zstd"
  if want page1; then
    r=$(measure_server "$pid" "$label-page1" "$CONNECTIONS" -H "Cookie: $cookie" -H "$gz" "$base/insights?from=$FROM1&to=$TO")
    echo "$label page1 $r" >> "$WORK/results.txt"
  fi
  if want page1_plain; then
    r=$(measure_server "$pid" "$label-page1_plain" "$CONNECTIONS" -H "Cookie: $cookie" "$base/insights?from=$FROM1&to=$TO")
    echo "$label page1_plain $r" >> "$WORK/results.txt"
  fi
  if want days1; then
    r=$(measure_server "$pid" "$label-days1" "$CONNECTIONS" -H "$auth" -H "$gz" "$base/api/v1/days?from=$FROM1&to=$TO")
    echo "$label days1 $r" >> "$WORK/results.txt"
  fi
  if want days1_plain; then
    r=$(measure_server "$pid" "$label-days1_plain" "$CONNECTIONS" -H "$auth" "$base/api/v1/days?from=$FROM1&to=$TO")
    echo "$label days1_plain $r" >> "$WORK/results.txt"
  fi
  if want days1_one; then
    r=$(measure_server "$pid" "$label-days1_one" 1 -H "$auth" "$base/api/v1/days?from=$FROM1&to=$TO")
    echo "$label days1_one $r" >> "$WORK/results.txt"
  fi
  if want writes; then
    say "$label: durable day writes"
    export ENOUGH_BENCH_TOKENS=$WORK/tokens.txt ENOUGH_BENCH_MODE=write
    r=$(measure_server "$pid" "$label-writes" "$CONNECTIONS" -s bench/load.lua "$base")
    echo "$label writes $r" >> "$WORK/results.txt"
  fi
  if [ "$label" = sqlite ] && want flood; then
    say "$label: one client's day reads, alone and during a sign-in flood of 10 connections"
    r=$(measure 1 -H "$auth" "$base/api/v1/days?from=2025-12-01&to=$TO")
    echo "$label reads_alone $r" >> "$WORK/results.txt"
    local page csrf jar=$WORK/flood_jar.txt
    page=$(curl -fs -c "$jar" "$base/sign-in")
    csrf=$(echo "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    local csrf_cookie
    csrf_cookie=$(awk '!/^#/ && NF >= 7 {print $6 "=" $7} /^#HttpOnly_/ {split($0, f, "\t"); print f[6] "=" f[7]}' "$jar" | head -1)
    cat > "$WORK/flood.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$csrf_cookie"
wrk.headers["Origin"] = "$base"
wrk.body = "csrf=$csrf&email=ana%40example.org&password=a+long+enough+password&next=%2F"
LUA
    wrk -t1 -c10 -d"$DURATION" -s "$WORK/flood.lua" "$base/sign-in" > "$WORK/flood.txt" 2>&1 &
    local flood=$!
    sleep 1
    r=$(measure 1 -H "$auth" "$base/api/v1/days?from=2025-12-01&to=$TO")
    echo "$label reads_flood $r" >> "$WORK/results.txt"
    wait "$flood" || true
    echo "$label flood $(awk '$1 == "Requests/sec:" {print $2}' "$WORK/flood.txt") $(awk '/Non-2xx/ {print $NF}' "$WORK/flood.txt")" >> "$WORK/results.txt"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

: > "$WORK/results.txt"
: > "$WORK/cpu.txt"
want_backend sqlite && run_backend sqlite "sqlite://$WORK/bench.db"

PG_DB=
PGB_ONE= PGB_BATCH=
if ! want_backend postgres; then
  say "postgres: not in BACKENDS"
elif psql "$PG_BASE/postgres" -qc 'select 1' >/dev/null 2>&1; then
  PG_DB="enough_bench_$$"
  psql "$PG_BASE/postgres" -qc "create database $PG_DB" >/dev/null
  run_backend postgres "$PG_BASE/$PG_DB"
  if { want batched || want writes; } && command -v pgbench >/dev/null; then
    if [ -z "$PGB_CLIENTS" ]; then
      # What the server still allows ordinary sessions, less a few for psql and maintenance.
      allowed=$(psql "$PG_BASE/$PG_DB" -Atc "select current_setting('max_connections')::int
        - current_setting('superuser_reserved_connections')::int - 5
        - (select count(*) from pg_stat_activity where backend_type = 'client backend')")
      PGB_CLIENTS=$((CONNECTIONS < allowed ? CONNECTIONS : allowed))
    fi
    say "postgres: pgbench durable commits, one upserted day each ($PGB_CLIENTS clients), and 100 rows per commit (same database)"
    # The days table's layout and indexes; 20 people x 365 dates, as bench/load.lua writes.
    psql "$PG_BASE/$PG_DB" -qc "create table bench_days (like days including all)" >/dev/null
    psql "$PG_BASE/$PG_DB" -qc "create table bench_log(id bigserial primary key, day date, mood int, energy int, note text)" >/dev/null
    cat > "$WORK/one.sql" <<'SQL'
\set person random(1, 20)
\set day random(0, 364)
\set light random(0, 32)
\set energy random(0, 10)
\set mood random(0, 10)
insert into bench_days (user_id, date, daylight_quarter_hours, energy, mood, outside_morning, habits, note, created_at, updated_at)
  values (:person, date '2025-01-01' + :day::int, :light, :energy, :mood, true, 1, null, 0, 0)
  on conflict (user_id, date) do update set daylight_quarter_hours = excluded.daylight_quarter_hours,
    energy = excluded.energy, mood = excluded.mood, outside_morning = excluded.outside_morning,
    habits = excluded.habits, note = excluded.note, updated_at = excluded.updated_at,
    revision = bench_days.revision + 1;
SQL
    echo "insert into bench_log(day, mood, energy, note) select '2024-01-15', 6, 5, 'ok' from generate_series(1, 100);" > "$WORK/batch.sql"
    secs=${DURATION%s}
    pgbench -n -M prepared -c "$PGB_CLIENTS" -j "$THREADS" -T "$secs" -f "$WORK/one.sql" "$PG_BASE/$PG_DB" > "$WORK/pgbench.txt" 2>&1 || true
    PGB_ONE=$(awk '/^tps/ {printf "%.0f", $3; exit}' "$WORK/pgbench.txt")
    [ -z "$PGB_ONE" ] && say "pgbench one-row commits failed: $(grep -m3 -i error "$WORK/pgbench.txt")"
    PGB_BATCH=$(pgbench -n -c 20 -j "$THREADS" -T "$secs" -f "$WORK/batch.sql" "$PG_BASE/$PG_DB" 2>/dev/null | awk '/^tps/ {printf "%.0f", $3 * 100; exit}')
  else
    say "pgbench missing (apt-get install postgresql-client): its anchors are skipped"
  fi
else
  say "PostgreSQL not reachable at $PG_BASE: its rows are skipped"
fi

# ---- the table ----
get() { awk -v b="$1" -v m="$2" -v i="$3" '$1 == b && $2 == m {print $(i + 2)}' "$WORK/results.txt"; }
{
  printf '%-58s | %-34s | %-30s | %s\n' "measure" "enough" "anchor" "ratio"
  printf '%s\n' "-----------------------------------------------------------+------------------------------------+--------------------------------+------------------"
  for b in sqlite postgres; do
    [ -z "$(get $b insights10 1)" ] && continue
    ms=$(get $b insights10 4)
    printf '%-58s | %-34s | %-30s | %s\n' "insights 10 years, 1 client, $b (ms a request)" "$ms ms ($(get $b insights10 1) req/s)" "pandas+SciPy compute ${PANDAS_MS:--} ms" "enough $(ratio "$PANDAS_MS" "$ms")x as fast (goal 50x)"
  done
  for b in sqlite postgres; do
    [ -z "$(get $b page1 1)$(get $b page1_plain 1)$(get $b days1 1)$(get $b days1_plain 1)$(get $b days1_one 1)" ] && continue
    for m in page1 page1_plain days1 days1_plain; do
      [ -z "$(get $b $m 1)" ] && continue
      case $m in
        page1) name="1-year insights page (gzip)" ;; page1_plain) name="(1-year insights page, plain)" ;;
        days1) name="1-year day list, API (gzip)" ;; days1_plain) name="(1-year day list, API, plain)" ;;
      esac
      cpu=$(awk -v n="$b-$m" '$1 == n {print $2}' "$WORK/cpu.txt" 2>/dev/null)
      printf '%-58s | %-34s | %-30s | %s\n' "$name, $CONNECTIONS conn, $b" "$(get $b $m 1) req/s p50 $(get $b $m 2) p99 $(get $b $m 3) ms cpu ${cpu:--} ms/req $(get $b $m 5)" "hello $(field "$A_HELLO" 1) req/s" "$(ratio "$(get $b $m 1)" "$(field "$A_HELLO" 1)" 100)% of hello (goal $(case $m in page1*) echo 25 ;; *) echo 30 ;; esac)%)"
    done
    printf '%-58s | %-34s | %-30s | %s\n' "1-year day list, 1 client, $b (ms a request)" "$(get $b days1_one 4) ms" "one SQLite read $(field "$A_READ1" 4) ms" "$(ratio "$(get $b days1_one 4)" "$(field "$A_READ1" 4)")x the bare read"
  done
  want read && printf '%-58s | %-34s | %-30s | %s\n' "(bare SQLite read, $CONNECTIONS conn)" "-" "read $(field "$A_READ" 1) req/s" ""
  for b in sqlite postgres; do
    [ -z "$(get $b writes 1)" ] && continue
    if [ $b = sqlite ]; then anchor="batched $(field "$A_BATCHED" 1), own fsync $(field "$A_WRITE" 1)"; base=$(field "$A_BATCHED" 1)
    else anchor="pgbench 1 row/commit ${PGB_ONE:--} tps ($PGB_CLIENTS conn)"; base=$PGB_ONE; fi
    printf '%-58s | %-34s | %-30s | %s\n' "durable day writes, $CONNECTIONS conn, $b (req/s)" "$(get $b writes 1) p99 $(get $b writes 3) ms $(get $b writes 5)" "$anchor" "$(ratio "$(get $b writes 1)" "$base" 100)% of $([ $b = postgres ] && echo 'one-row commits (goal 50%)' || echo batched)"
    if [ $b = postgres ] && [ -n "$PGB_BATCH" ]; then
      printf '%-58s | %-34s | %-30s | %s\n' "(context: pgbench 100 rows a commit, 20 conn)" "-" "$PGB_BATCH rows/s" "writes $(ratio "$(get $b writes 1)" "$PGB_BATCH" 100)% of it"
    fi
  done
  if [ -n "$(get sqlite reads_alone 1)" ]; then
    printf '%-58s | %-34s | %-30s | %s\n' "day reads, 1 client, during a 10-conn sign-in flood" "$(get sqlite reads_flood 1) req/s (alone $(get sqlite reads_alone 1))" "sign-ins $(get sqlite flood 1)/s, refused $(get sqlite flood 2)" "$(ratio "$(get sqlite reads_flood 1)" "$(get sqlite reads_alone 1)" 100)% kept (goal 70%)"
  fi
} | tee "$WORK/table.txt"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; runs of $DURATION"
