#!/usr/bin/env bash
# Desktop smoke test: builds the real app (debug, UI embedded; or takes the binary named by
# MBRIDGE_E2E_APP, which `./dev test` sets to the release build), starts it under Xvfb through
# tauri-driver + WebKitWebDriver and walks the import journeys of tests/desktop/smoke.mjs. Leaves a screenshot in target/desktop-e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-app.sh
OUT="$PWD/target/desktop-e2e"
mkdir -p "$OUT"
# A throwaway data folder: the smoke test must not touch a real user's history or tokens.
export MBRIDGE_DATA_DIR="$OUT/data"
rm -rf "$MBRIDGE_DATA_DIR"
# The native file dialog cannot be driven: the test opens files in the running app the way the
# file manager does (a second launch with the path, handed over by the single-instance plugin,
# which lives on the session D-Bus — hence a private one).
mkdir -p "$OUT/files"
cp fixtures/offline_clientid.csv "$OUT/files/conversions-november.csv"
# No Yandex app configured: the app runs on its built-in demo.
unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN
exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  node tests/desktop/smoke.mjs --app "$APP" --out "$OUT" --file "$OUT/files/conversions-november.csv"
