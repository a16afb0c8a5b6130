#!/usr/bin/env bash
# Peak memory of reading hostile workbooks, against the 256 MiB bound: the small bombs
# committed in fixtures/bombs/, the large ones generated here (fixtures/make_bombs.py --big,
# 1-10 MB files that inflate to hundreds of MB; never committed) and the workbook fixtures.
# Each file is read in a child process of its own; figures go to bench-out/workbook-memory.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
big=target/bombs
mkdir -p "$big" bench-out
python3 fixtures/make_bombs.py --big "$big"
cargo build -q --release --locked -p mb-import --example workbook_memory
target/release/examples/workbook_memory --out bench-out/workbook-memory.txt \
  fixtures/bombs/* "$big"/* fixtures/*.xlsx fixtures/*.xls fixtures/*.ods
