#!/usr/bin/env bash
# The reader + validator fuzzer, run longer than CI's bounded 20 s (not part of `./dev test`).
# Each run's figures (iterations, slowest input, peak memory against the 256 MiB bound) are
# appended to bench-out/fuzz-long.txt.
#   scripts/fuzz-long.sh            # 10 minutes, a seed from the clock
#   FUZZ_SECONDS=3600 FUZZ_SEED=42 scripts/fuzz-long.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-600}"
seed="${FUZZ_SEED:-$(date +%s)}"
mkdir -p bench-out
cargo build -q --release --locked -p mb-import --example fuzz
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
  >> bench-out/fuzz-long.txt
target/release/examples/fuzz --seconds "$seconds" --seed "$seed" --out bench-out/fuzz-long.txt
