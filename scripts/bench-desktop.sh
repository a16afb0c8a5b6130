#!/usr/bin/env bash
# Issue 13, «Measured, not asserted»: Metrika Bridge beside an empty Tauri v2 + React app
# (bench/empty-tauri) and, as the toolkit floor, that app with Gravity UI on its page; built in
# release (the two apps bundled to .deb) by the same Tauri CLI, measured in one run: package and
# binary size, start to first screen (median of MB_BENCH_RUNS, default 5), PSS of the app and
# its WebKit processes after start, and Metrika Bridge's after checking a generated
# MB_BENCH_ROWS-row file (default 1 000 000; made in bench-out/tmp, deleted after).
# Writes bench-out/desktop.json and bench-out/desktop.md. Run: ./dev bench desktop (about 20 min
# the first time: three release builds; a minute once they are built).
# Not part of ./dev test or CI: the goals (1.2x start, 1.3x memory) are reported, not asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
RUNS="${MB_BENCH_RUNS:-5}"
ROWS="${MB_BENCH_ROWS:-1000000}"
TMP="$ROOT/bench-out/tmp/desktop"
mkdir -p bench-out "$TMP"
export PATH="$HOME/.cargo/bin:$PATH"

# Xvfb, WebKitWebDriver, tauri-driver (nothing when present); then Metrika Bridge: the release
# app and its .deb, exactly as ./dev package makes them (seconds when nothing changed).
./dev setup
./dev package
PRODUCT_APP="$ROOT/target/release/metrika-bridge"
PRODUCT_DEB="$(ls target/release/bundle/deb/*.deb)"

# The empty app: the product's Vite/React/Tauri CLI (a link to ui/node_modules) and its
# Cargo.lock, built into a target folder of its own (target/release/bundle/deb must keep only
# the product's .deb, which the installed-package test installs).
EMPTY="$ROOT/bench/empty-tauri"
ln -sfn ../../ui/node_modules "$EMPTY/node_modules"
cp Cargo.lock "$EMPTY/src-tauri/Cargo.lock"
# The toolkit floor first (the same app, its page with Gravity UI: bench/empty-tauri/src/toolkit.tsx),
# kept aside; then the empty app, whose build leaves target/bench-empty as the empty app's.
(cd "$EMPTY" && EMPTY_PAGE=toolkit node_modules/.bin/vite build --logLevel warn)
(cd "$EMPTY" && CARGO_TARGET_DIR="$ROOT/target/bench-empty" node_modules/.bin/tauri build --ci --no-bundle \
  --config '{"identifier":"ru.metrikabridge.bench.toolkit"}')
mkdir -p target/bench-empty/toolkit
cp target/bench-empty/release/empty-tauri target/bench-empty/toolkit/empty-toolkit
TOOLKIT_APP="$ROOT/target/bench-empty/toolkit/empty-toolkit"
(cd "$EMPTY" && node_modules/.bin/vite build --logLevel warn)
(cd "$EMPTY" && CARGO_TARGET_DIR="$ROOT/target/bench-empty" node_modules/.bin/tauri build --ci --bundles deb)
EMPTY_APP="$ROOT/target/bench-empty/release/empty-tauri"
EMPTY_DEB="$(ls target/bench-empty/release/bundle/deb/*.deb)"

lock_version() { # lock_version FILE CRATE → the crate's version(s) in a Cargo.lock
  awk -v c="$2" '$0 == "name = \"" c "\"" { getline; gsub(/version = |"/, ""); print }' "$1" | paste -sd,
}
VERSIONS="$(printf '{"tauri":"%s","tauri_empty":"%s","wry":"%s","wry_empty":"%s","tauri_cli":"%s"}' \
  "$(lock_version Cargo.lock tauri)" "$(lock_version "$EMPTY/src-tauri/Cargo.lock" tauri)" \
  "$(lock_version Cargo.lock wry)" "$(lock_version "$EMPTY/src-tauri/Cargo.lock" wry)" \
  "$(node -p 'require("./ui/node_modules/@tauri-apps/cli/package.json").version')")"
[ "$(lock_version Cargo.lock tauri)" = "$(lock_version "$EMPTY/src-tauri/Cargo.lock" tauri)" ] ||
  { echo "the empty app resolved another tauri: $VERSIONS" >&2; exit 1; }
MACHINE="$(printf '{"cores":%s,"kernel":"%s","webkitgtk":"%s","memory_gib":%s}' "$(nproc)" "$(uname -r)" \
  "$(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)" "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)")"

# The file to check: offline conversions with distinct ClientIds, dated within the last days.
CSV="$TMP/conversions-1m.csv"
node -e '
  const fs = require("fs");
  const [path, rows] = [process.argv[1], Number(process.argv[2])];
  const now = Math.floor(Date.now() / 1000) - 2 * 86400;
  const fd = fs.openSync(path, "w");
  let buf = "ClientId,Target,DateTime,Price,Currency\n";
  for (let i = 0; i < rows; i++) {
    buf += `1772${String(i).padStart(14, "0")}${1 + (i % 9)},offline_paid,${now - (i % 80000)},${100 + (i % 900)}.50,RUB\n`;
    if (buf.length > 1 << 20) { fs.writeSync(fd, buf); buf = ""; }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);' "$CSV" "$ROWS"
trap 'rm -f "$CSV"' EXIT

# A throwaway data folder and no Yandex app: Metrika Bridge runs on its built-in demo.
export MBRIDGE_DATA_DIR="$TMP/data"
rm -rf "$MBRIDGE_DATA_DIR"
unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN RUST_LOG
export TAURI_WEBVIEW_AUTOMATION=true
mkdir -p "$TMP/shots"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  node scripts/bench-desktop.mjs --app "$PRODUCT_APP" --deb "$PRODUCT_DEB" \
  --empty "$EMPTY_APP" --empty-deb "$EMPTY_DEB" --toolkit "$TOOLKIT_APP" --data "$MBRIDGE_DATA_DIR" --csv "$CSV" --rows "$ROWS" \
  --runs "$RUNS" --shots "$TMP/shots" --out "$ROOT/bench-out" --versions "$VERSIONS" --machine "$MACHINE"
