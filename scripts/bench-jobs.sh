#!/usr/bin/env bash
# Scale benchmark of repeating jobs (not run in CI): an agency's day with MB_BENCH_JOBS jobs
# (default 300), each with its own folder and a CSV of MB_BENCH_ROWS offline conversions
# (default 5 000), spread over the demo agency's counters, against `mbridge demo-server` on
# 127.0.0.1. Day 1 sends every row; day 2 rewrites each export with 10 % new rows (the
# oldest 10 % dropped), so only-new sends 10 %. Both `mbridge jobs run --all` are timed with
# /usr/bin/time (wall, peak RSS). Figures go to bench-out/jobs.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${MB_BENCH_JOBS:-300}
ROWS=${MB_BENCH_ROWS:-5000}
PARALLEL=${MB_BENCH_PARALLEL:-4}
NEW=$((ROWS / 10))
OUT=${MB_BENCH_OUT:-bench-out/jobs.txt}

if [ -z "${MB_BENCH_BIN:-}" ]; then
  cargo build --locked --release -p mbridge
fi
BIN=${MB_BENCH_BIN:-$PWD/target/release/mbridge}
WORK=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" demo-server --addr 127.0.0.1:0 --time-scale 600 >"$WORK/ready" 2>/dev/null &
SERVER=$!
for _ in $(seq 100); do [ -s "$WORK/ready" ] && break; sleep 0.1; done
export MBRIDGE_API_BASE
MBRIDGE_API_BASE=$(jq -r .api_base "$WORK/ready")
export MBRIDGE_DATA_DIR=$WORK/data MBRIDGE_TOKEN_STORE=file
unset MBRIDGE_TOKEN MBRIDGE_OAUTH_BASE MBRIDGE_CLIENT_ID

# Sign in like a person: the CLI prints the address, "the browser" (curl) follows it.
"$BIN" login --no-browser --login-hint demo-agency >"$WORK/login.out" 2>"$WORK/login.err" &
LOGIN=$!
for _ in $(seq 100); do grep -q http "$WORK/login.err" && break; sleep 0.1; done
curl -fsSL -o /dev/null "$(grep -o 'http[^ ]*' "$WORK/login.err" | head -1)"
wait "$LOGIN"

# Counters the agency may upload to whose linking window is open.
mapfile -t COUNTERS < <("$BIN" counters --json |
  jq -r '.[] | select(.permission != "view") | .id' | grep -v '^51234535$')
echo "jobs: $JOBS × $ROWS rows over ${#COUNTERS[@]} counters, $PARALLEL at a time"

# Row i of job j is the same line every day: ClientId from (j, i), a time within the window.
BASE=$(($(date +%s) - 5 * 86400))
gen() { # job first last file
  python3 - "$@" "$BASE" <<'PY'
import sys
job, first, last, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = int(sys.argv[5])
with open(path, "w") as f:
    f.write("ClientId,Target,DateTime,Price,Currency\n")
    for i in range(first, last):
        f.write(f"17{job:05d}{i:011d}{1 + i % 9},offline_paid,{base + i},{100 + i % 900}.50,RUB\n")
PY
}

for j in $(seq 1 "$JOBS"); do
  mkdir -p "$WORK/drop/$j"
  gen "$j" 0 "$ROWS" "$WORK/drop/$j/export-1.csv"
done
for j in $(seq 1 "$JOBS"); do
  c=${COUNTERS[$(((j - 1) % ${#COUNTERS[@]}))]}
  "$BIN" jobs add "job-$j" --kind conversions --counter "$c" --folder "$WORK/drop/$j" \
    --pattern 'export-*.csv' --every daily@09:00 --json >/dev/null
done

run_day() { # label
  /usr/bin/time -f '%e %M' -o "$WORK/time.$1" \
    "$BIN" jobs run --all --parallel "$PARALLEL" --wait 0 --json >"$WORK/run.$1.json" || true
  read -r wall rss <"$WORK/time.$1"
  local sent nothing other rows new
  sent=$(jq '[.[] | select(.run.result == "sent")] | length' "$WORK/run.$1.json")
  nothing=$(jq '[.[] | select(.run.result == "nothing_new")] | length' "$WORK/run.$1.json")
  other=$(jq '[.[] | select(.run.result != "sent" and .run.result != "nothing_new")] | length' "$WORK/run.$1.json")
  new=$(jq '[.[].run.rows_new] | add' "$WORK/run.$1.json")
  # Rows actually read and validated (an export the job already took is not read again).
  rows=$(jq '[.[].run | .rows_new + .rows_unchanged + .rows_rejected] | add' "$WORK/run.$1.json")
  printf '%s: wall %s s, %s rows read and checked (%.0f rows/s), %s new rows sent, jobs sent %s / nothing new %s / other %s, peak RSS %s MiB\n' \
    "$1" "$wall" "$rows" "$(echo "$rows / $wall" | bc -l)" "$new" "$sent" "$nothing" "$other" \
    "$((rss / 1024))" | tee -a "$WORK/figures"
}

run_day "day 1 (every row new)"
sleep 1
for j in $(seq 1 "$JOBS"); do
  gen "$j" "$NEW" $((ROWS + NEW)) "$WORK/drop/$j/export-2.csv"
done
run_day "day 2 (10 % new)"
run_day "day 3 (no new file)"

mkdir -p "$(dirname "$OUT")"
{
  echo "# mbridge jobs run --all: $JOBS jobs × $ROWS rows, $PARALLEL in parallel, against mbridge demo-server (127.0.0.1)"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPU(s); scripts/bench-jobs.sh"
  cat "$WORK/figures"
  echo "history database after the three days: $(du -k "$WORK/data/history.sqlite" | cut -f1) KiB"
} >"$OUT"
cat "$OUT"
