#!/bin/bash
# Streams a generated ~1 GB offline-conversions file to a release build of mb-fake with curl
# and writes upload time and the server's peak RSS to bench-out/mb-fake-upload.txt.
# Usage (from the repo root): crates/fake/bench/upload-1g.sh [size_mb]
set -euo pipefail
SIZE_MB=${1:-1000}
ROOT=$(pwd)
cargo build -p mb-fake --release --bin mb-fake
BIN=$ROOT/target/release/mb-fake
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; [ -n "${PID:-}" ] && kill -INT "$PID" 2>/dev/null || true' EXIT
python3 - "$WORK/big.csv" "$SIZE_MB" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
target = mb * 1_000_000
with open(path, "w") as f:
    n = f.write("ClientId,Target,DateTime,Price,Currency\n")
    i = 0
    while n < target:
        chunk = "".join("17700000000000000%02d,offline_paid,%d,100.50,RUB\n" % (j % 100, 1794000000 + j % 200000) for j in range(i, i + 100000))
        n += f.write(chunk)
        i += 100000
PY
/usr/bin/time -v "$BIN" --addr 127.0.0.1:0 > "$WORK/ready" 2> "$WORK/time" &
TPID=$!
while [ ! -s "$WORK/ready" ]; do sleep 0.1; done
PID=$(pgrep -P "$TPID" mb-fake || echo "$TPID")
B=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['api_base'])" "$WORK/ready")
LOC=$(curl -s -o /dev/null -w "%{redirect_url}" "$B/oauth/authorize?response_type=code&client_id=mbridge-demo")
CODE=$(python3 -c "import sys,urllib.parse as u;print(u.parse_qs(u.urlparse(sys.argv[1]).query)['code'][0])" "$LOC")
TOK=$(curl -s -d "grant_type=authorization_code&code=$CODE&client_id=mbridge-demo&client_secret=mbridge-demo-secret" "$B/oauth/token" | python3 -c "import json,sys;print(json.load(sys.stdin)['access_token'])")
START=$(date +%s.%N)
ANSWER=$(curl -s -H "Authorization: OAuth $TOK" -F "file=@$WORK/big.csv;type=text/csv" "$B/management/v1/counter/51234501/offline_conversions/upload?comment=bench")
END=$(date +%s.%N)
kill -INT "$PID"; PID=""
wait "$TPID" || true
BYTES=$(stat -c %s "$WORK/big.csv")
SECS=$(echo "$END - $START" | bc)
RSS=$(grep "Maximum resident" "$WORK/time" | awk '{print $NF}')
mkdir -p "$ROOT/bench-out"
{
  echo "date=$(date -u +%FT%TZ)"
  echo "bytes=$BYTES"
  echo "upload_secs=$SECS"
  echo "mb_per_sec=$(echo "scale=1; $BYTES / 1000000 / $SECS" | bc)"
  echo "server_max_rss_kb=$RSS"
  echo "answer=$ANSWER"
} | tee "$ROOT/bench-out/mb-fake-upload.txt"
