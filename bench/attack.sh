#!/usr/bin/env bash
# Attack benchmark (loopback only, bounded in time): floods a fresh server with concurrent
# sign-ins and sign-ups and prints peak and settled resident memory next to the goals of
# issue 16, with the p99 of a person's day read measured during each flood.
#
#   bench/attack.sh                       # debug binary (argon2 is optimised in dev builds too)
#   PROFILE=release bench/attack.sh       # release binary (in $CARGO_TARGET_DIR if set)
#   N=500 SETTLE=60 bench/attack.sh
#   BUILD=0 PROFILE=release bench/attack.sh   # use the binary already built
#
# A third case measures issue 18's goal: one client's day-read throughput (wrk, one keep-alive
# connection, READ_SECS seconds) alone and during a sustained sign-in flood (wrk, FLOOD_CONNS
# connections), as a ratio (goal >= 70%). Each figure is printed with the load average, since
# other work on the machine moves them.
#
# Every request carries its own X-Forwarded-For (the server runs with --trust-forwarded-for),
# so the per-address limits do not stop the flood early: what is measured is the bounded
# hashing pool itself. Further cases (imports) can be added as more `flood_*` functions.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-500}
SETTLE=${SETTLE:-60}
PROFILE=${PROFILE:-debug}
READ_SECS=${READ_SECS:-10}
FLOOD_CONNS=${FLOOD_CONNS:-10}
if [ "${BUILD:-1}" = 1 ]; then
  if [ "$PROFILE" = release ]; then
    cargo build --release -p enough >/dev/null 2>&1
  else
    cargo build -p enough >/dev/null 2>&1
  fi
fi
BIN=${CARGO_TARGET_DIR:-$PWD/target}/$PROFILE/enough
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

export ENOUGH_DATA_DIR=$WORK/data
PORT=$((20000 + RANDOM % 20000))
echo "a long enough password" | "$BIN" user add --email admin@example.org --role admin --password-stdin >/dev/null
echo "a long enough password" | "$BIN" user add --email ana@example.org --password-stdin >/dev/null
TOKEN=$("$BIN" token create --email ana@example.org)
"$BIN" signup open >/dev/null
RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --trust-forwarded-for &
PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
sleep 1
fresh=$(awk '$1 == "VmRSS:" {print int($2 / 1024)}' "/proc/$PID/status")
# Ana has three months of days, so a day read returns what a person's would.
for d in $(seq 0 89); do
  curl -fs -X PUT "http://127.0.0.1:$PORT/api/v1/days/$(date -u -d "2026-01-01 + $d days" +%F)" \
    -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"mood\": $((d % 11)), \"energy\": 5, \"daylight_hours\": 2.5, \"note\": \"a short walk\"}" >/dev/null
done

mem() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$PID/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# One flood: $1 = sign-in or sign-up. Python's standard library only.
flood() {
  python3 - "$PORT" "$N" "$1" "$TOKEN" <<'PY'
import http.client, re, sys, threading, time, urllib.parse, collections
port, n, kind, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
c.request("GET", "/sign-in")
r = c.getresponse()
cookie = r.getheader("Set-Cookie").split(";")[0]
csrf = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)
statuses = collections.Counter()
lock = threading.Lock()
start = threading.Barrier(n + 1)
def attack(i):
    if kind == "sign-in":
        body = {"csrf": csrf, "email": f"nobody{i}@example.org", "password": "not the password at all"}
    else:
        body = {"csrf": csrf, "email": "ana@example.org", "password": "a long enough password", "time_zone": "UTC"}
    data = urllib.parse.urlencode(body)
    start.wait()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        c.request("POST", f"/{kind}", data, {"Content-Type": "application/x-www-form-urlencoded",
                  "Cookie": cookie, "X-Forwarded-For": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"})
        s = c.getresponse().status
    except Exception as e:
        s = type(e).__name__
    with lock:
        statuses[s] += 1
threads = [threading.Thread(target=attack, args=(i,)) for i in range(n)]
for t in threads: t.start()
t0 = time.perf_counter()
start.wait()
for t in threads: t.join()
elapsed = time.perf_counter() - t0
print(f"  {n} concurrent {kind}s in {elapsed:.1f} s: statuses {dict(statuses)}")
PY
}

# A person reading their days every 20 ms in another process, until told to stop.
reader() {
  python3 - "$PORT" "$TOKEN" "$WORK/stop" <<'PY'
import http.client, os, sys, time
port, token, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
reads = []
while not os.path.exists(stop):
    t = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/api/v1/days?from=2026-01-01&to=2026-03-31", headers={"Authorization": f"Bearer {token}"})
    c.getresponse().read()
    reads.append((time.perf_counter() - t) * 1000)
    time.sleep(0.02)
reads.sort()
p99 = reads[min(len(reads) - 1, int(len(reads) * 0.99))] if reads else float("nan")
print(f"  day reads during the flood: {len(reads)}, p99 {p99:.1f} ms (goal < 100 ms)")
print("  PASS p99" if p99 < 100 else "  FAIL p99")
PY
}

attack() { # $1 = sign-in or sign-up
  rm -f "$WORK/stop"
  reader & local r=$!
  flood "$1"
  touch "$WORK/stop"; wait "$r"
  echo "  load average $(load)"
}

# One client reading its days over one keep-alive connection for READ_SECS: "req/s p99".
reads() {
  wrk -t1 -c1 -d"${READ_SECS}s" --latency -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/days?from=2026-01-01&to=2026-03-31" > "$WORK/reads.txt"
  echo "$(awk '/Requests\/sec/ {print $2}' "$WORK/reads.txt") $(awk '$1=="99%" {print $2}' "$WORK/reads.txt")"
}

sustained() {
  local alone during page cookie csrf flood
  read -r -a alone <<< "$(reads)"
  echo "  day reads alone: ${alone[0]} req/s, p99 ${alone[1]} (load average $(load))"
  page=$(curl -fs -D "$WORK/headers" "http://127.0.0.1:$PORT/sign-in")
  cookie=$(awk 'tolower($1) == "set-cookie:" {print $2}' "$WORK/headers" | head -1 | tr -d ';\r')
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<< "$page" | head -1)
  ENOUGH_BENCH_CSRF=$csrf ENOUGH_BENCH_COOKIE=$cookie wrk -t1 -c"$FLOOD_CONNS" -d"$((READ_SECS + 2))s" \
    -s bench/attack_signin.lua "http://127.0.0.1:$PORT" > "$WORK/flood.txt" &
  flood=$!
  sleep 1
  read -r -a during <<< "$(reads)"
  wait "$flood"
  grep "flood:" "$WORK/flood.txt" || true
  echo "  day reads during the flood: ${during[0]} req/s, p99 ${during[1]} (load average $(load))"
  local ratio
  ratio=$(awk -v a="${alone[0]}" -v d="${during[0]}" 'BEGIN {printf "%d", 100 * d / a}')
  echo "  reads keep ${ratio}% of their throughput (issue 18 goal >= 70%)"
  [ "$ratio" -ge 70 ] && echo "  PASS throughput" || echo "  FAIL throughput"
}

report() {
  local hwm rss
  hwm=$(mem VmHWM); rss=$(mem VmRSS)
  echo "  peak resident (VmHWM): ${hwm} MB (goal < 300 MB); now (VmRSS): ${rss} MB"
  [ "$hwm" -lt 300 ] && echo "  PASS peak" || echo "  FAIL peak"
}

echo "== $(basename "$BIN") ($PROFILE, $(du -m "$BIN" | cut -f1) MB), hashing threads: default; load average $(load)"
sleep 2
idle=$(mem VmRSS)
echo "== server idle: ${fresh} MB resident before any request, ${idle} MB after the 90 day writes (issue 18 goal < 30 MB)"
echo "== flood 1: sign-ins with unknown e-mail addresses (each hashed against the dummy hash)"
attack sign-in
report
echo "== flood 2: sign-ups for an existing address (each hashes the new password)"
attack sign-up
report
echo "== settling for ${SETTLE} s"
sleep "$SETTLE"
settled=$(mem VmRSS)
echo "  resident after ${SETTLE} s: ${settled} MB (goal < 60 MB; ${idle} MB before the floods)"
[ "$settled" -lt 60 ] && echo "  PASS settled" || echo "  FAIL settled"
[ "$idle" -lt 30 ] && echo "  PASS idle (${idle} MB)" || echo "  FAIL idle (${idle} MB)"
echo "== flood 3: sustained sign-ins at ${FLOOD_CONNS} connections for ${READ_SECS} s"
sustained
echo "  resident now: $(mem VmRSS) MB; peak over the whole run: $(mem VmHWM) MB"
