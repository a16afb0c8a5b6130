#!/usr/bin/env bash
# Starts the real app on the demo under Xvfb, drives it like the smoke test, and copies the
# screenshots it took to docs/ (the README shows docs/screenshot.png).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/desktop-e2e.sh
cp target/desktop-e2e/columns.png docs/screenshot.png
echo "docs/screenshot.png updated"
