#!/usr/bin/env bash
# Adversarial imports (issue 16): each file is generated here, imported with
# `enough import … --dry-run` (and uploaded to a running server), and the peak resident memory
# is printed next to the goal (128 MB), with the time taken and the answer.
#
#   bench/attack_imports.sh                 # release binary (built if missing)
#   BIN=target/debug/enough bench/attack_imports.sh
#   RECORDS=3700000 TEXT_MIB=2048 bench/attack_imports.sh   # the sizes of the issue (defaults)
#
# Needs python3 and GNU time (apt-get install time); loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-3700000}
TEXT_MIB=${TEXT_MIB:-2048}
GOAL_MB=128
if [ -z "${BIN:-}" ]; then
  cargo build --release -p enough >/dev/null 2>&1
  BIN=$PWD/target/release/enough
fi
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
WORK=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export ENOUGH_DATABASE="sqlite://$WORK/data/enough.db"
EMAIL=attacker@example.org
PASSWORD="a long enough password"
echo "$PASSWORD" | "$BIN" user add --email "$EMAIL" --password-stdin >/dev/null

echo "generating the files in $WORK …"
python3 - "$WORK" "$RECORDS" "$TEXT_MIB" <<'PY'
import sys, zipfile
work, records, text_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
head = b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
# 1. A small export.zip holding one huge text node.
with zipfile.ZipFile(f"{work}/text-node.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open("apple_health_export/export.xml", "w", force_zip64=True) as f:
        f.write(head)
        mib = b"a" * (1 << 20)
        for _ in range(text_mib):
            f.write(mib)
        f.write(b"</HealthData>\n")
# 2. Millions of daylight records with a bad startDate (one problem per row before).
rec = (b'<Record type="HKQuantityTypeIdentifierTimeInDaylight" sourceName="Watch" unit="min" '
       b'creationDate="2025-01-01 10:05:00 +0000" startDate="not a date" '
       b'endDate="2025-01-01 10:05:00 +0000" value="5"/>\n')
with zipfile.ZipFile(f"{work}/bad-dates.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open("apple_health_export/export.xml", "w", force_zip64=True) as f:
        f.write(head)
        block = rec * 10000
        for _ in range(records // 10000):
            f.write(block)
        f.write(b"</HealthData>\n")
# 3. A point in time worth 10^13 minutes of daylight (stepped day by day before).
with open(f"{work}/point.xml", "wb") as f:
    f.write(head + b'<Record type="HKQuantityTypeIdentifierTimeInDaylight" unit="min" '
            b'startDate="2025-01-01 10:00:00 +0000" endDate="2025-01-01 10:00:00 +0000" '
            b'value="1e13"/>\n</HealthData>\n')
# 4. A 20 MB CSV with 5 million columns.
with open(f"{work}/wide.csv", "wb") as f:
    f.write(b"date,mood\n2025-01-01" + b",55,5" * 2500000 + b"\n")
# 5. One 10 MB line.
with open(f"{work}/long-line.csv", "wb") as f:
    f.write(b"date,note\n2025-01-01," + b"x" * (10 << 20) + b"\n")
# 6. An unclosed quote over 30 MB of short lines.
with open(f"{work}/open-quote.csv", "wb") as f:
    f.write(b'date,note\n2025-01-01,"' + b"line\n" * (6 << 20))
# 7. An own JSON export of 70 MB.
with open(f"{work}/own.json", "wb") as f:
    f.write(b'{"format": "enough-export", "days": [' + b" " * (70 << 20) + b"]}")
PY
ls -la "$WORK" | awk 'NR>1 && $NF !~ /^\.|data/ {printf "  %-16s %10.1f MB\n", $NF, $5/1e6}'

printf '\n%-16s %-13s %10s %8s %6s  %s\n' "file" "format" "peak MB" "goal MB" "s" "answer (exit code)"
run() { # $1 = format, $2 = file
  local out="$WORK/out.txt"
  /usr/bin/time -v "$BIN" import "$1" "$WORK/$2" --email "$EMAIL" --dry-run >"$out" 2>&1 && code=0 || code=$?
  local rss secs answer
  rss=$(awk -F: '/Maximum resident set size/ {print int($2/1024)}' "$out")
  secs=$(awk '/Elapsed \(wall clock\)/ {n=split($NF,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$out")
  answer=$(grep -v -E '^\s+[A-Z].*: |^\s*Command being timed|^\s*$' "$out" | grep -E 'error|problem|Would|line|larger|more than' | tail -n 1 | cut -c1-110)
  printf '%-16s %-13s %10s %8s %6s  %s (%s)\n' "$2" "$1" "$rss" "$GOAL_MB" "$secs" "$answer" "$code"
}
run apple-health text-node.zip
run apple-health bad-dates.zip
run apple-health point.xml
run csv wide.csv
run csv long-line.csv
run csv open-quote.csv
run json own.json

# The same files through the web upload (the page takes up to 64 MiB).
PORT=${PORT:-18399}
"$BIN" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/crisis" >/dev/null 2>&1 && break; sleep 0.1; done
jar="$WORK/jar"
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/sign-in" | csrf)
curl -s -o /dev/null -c "$jar" -b "$jar" -d "csrf=$token&email=$EMAIL&password=$PASSWORD&next=/" \
  "http://127.0.0.1:$PORT/sign-in"
base=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$SERVER_PID/status")
printf '\nweb upload (server resident before: %s MB)\n' "$base"
printf '%-16s %8s %6s %10s  %s\n' "file" "status" "s" "peak MB" "answer"
upload() { # $1 = format, $2 = file
  local token page status secs
  token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/import" | csrf)
  read -r status secs < <(curl -s -o "$WORK/page.html" -w '%{http_code} %{time_total}\n' -c "$jar" -b "$jar" \
    -F "csrf=$token" -F "format=$1" -F "file=@$WORK/$2" "http://127.0.0.1:$PORT/import/preview")
  local peak answer
  peak=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$SERVER_PID/status")
  answer=$(grep -o -E '(more than|longer than|larger than|is more daylight)[^<]{0,70}' "$WORK/page.html" | head -n 1)
  printf '%-16s %8s %6.1f %10s  %s\n' "$2" "$status" "$secs" "$peak" "$answer"
}
set +e
upload apple-health text-node.zip
upload apple-health bad-dates.zip
upload apple-health point.xml
upload csv wide.csv
upload csv long-line.csv
upload csv open-quote.csv
printf '(peak is the server'"'"'s high-water mark so far; goal: under %s MB for every file)\n' "$GOAL_MB"
