#!/usr/bin/env bash
# Desktop smoke test: builds the real app (debug, UI embedded; or takes the binary named by
# MBRIDGE_E2E_APP, which `./dev test` sets to the release build), starts it under Xvfb through
# tauri-driver + WebKitWebDriver, clicks a button that calls a Rust command and reads the answer
# from the page. Leaves a screenshot in target/desktop-e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${MBRIDGE_E2E_APP:-}" ]; then
  APP="$(realpath "$MBRIDGE_E2E_APP")"
else
  [ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
  cargo build --locked -q -p metrika-bridge
  APP="$PWD/target/debug/metrika-bridge"
fi
OUT="$PWD/target/desktop-e2e"
mkdir -p "$OUT"
export PATH="$HOME/.cargo/bin:$PATH"
# A throwaway data folder: the smoke test must not touch a real user's history or tokens.
export MBRIDGE_DATA_DIR="$OUT/data"
rm -rf "$MBRIDGE_DATA_DIR"
export TAURI_WEBVIEW_AUTOMATION=true
# The native file dialog cannot be driven: the app takes this path instead of asking.
mkdir -p "$OUT/files"
cp fixtures/offline_clientid.csv "$OUT/files/conversions-november.csv"
export MBRIDGE_PICK_FILE="$OUT/files/conversions-november.csv"
# The demo's fake reads uploads at 256 KB/s, so «Остановить отправку» lands mid-send (a demo-only
# switch: it slows the in-process fake, never a real Metrica).
export MBRIDGE_DEMO_UPLOAD_KBPS=256
# No Yandex app configured: the app runs on its built-in demo.
unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN
exec xvfb-run -a -s "-screen 0 1280x800x24" \
  node tests/desktop/smoke.mjs --app "$APP" --out "$OUT"
