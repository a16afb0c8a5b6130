#!/usr/bin/env bash
# Benchmarks (release builds). Figures go to bench-out/*.json; large inputs are generated into
# a temporary folder and deleted. Sizes: MB_BENCH_SIZES (MB, comma-separated), default per bench.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
case "${1:-all}" in
  import) cargo bench --locked -p mb-import --bench pipeline ;;
  read) cargo bench --locked -p mb-import --bench read ;;
  dups) cargo bench --locked -p mb-import --bench dups ;;
  upload) cargo bench --locked -p mb-api --bench upload ;;
  history)
    cargo run --locked --release -p mb-history --example ledger_bench
    cargo run --locked --release -p mb-uploader --example ledger_files
    ;;
  fake) crates/fake/bench/upload-1g.sh ;;
  workbooks) scripts/bench-workbook-memory.sh ;;
  desktop) exec scripts/bench-desktop.sh ;;
  body) cargo run --locked --release -p mb-api --example body_memory -- --out bench-out/body-memory.txt ;;
  all)
    cargo bench --locked -p mb-import --bench pipeline
    cargo bench --locked -p mb-import --bench dups
    cargo bench --locked -p mb-api --bench upload
    ;;
  *) echo "usage: ./dev bench [import|read|dups|upload|history|fake|workbooks|body|desktop|all]"; exit 2 ;;
esac
ls -l bench-out
